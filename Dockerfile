# The app under gunicorn. Build: docker build -t practice .
FROM python:3.11-slim-bookworm
# WeasyPrint needs Pango and HarfBuzz (subset for speed); postgresql-client gives `flask backup` its pg_dump.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz-subset0 fonts-dejavu-core postgresql-client && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 practice
WORKDIR /app
COPY pyproject.toml ./
COPY practice ./practice
COPY templates ./templates
COPY static ./static
COPY migrations ./migrations
RUN pip install --no-cache-dir -e .
USER practice
ENV PRACTICE_ENV=production FLASK_APP=practice
EXPOSE 8000
# `exec`: gunicorn's master becomes the container's PID 1 (Debian's sh would otherwise stay PID 1 and ignore
# `docker stop`'s SIGTERM); when the master ends, the container ends and its workers with it.
CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile - --logger-class practice.gunicorn_logging.RedactingLogger practice.wsgi:app"]
