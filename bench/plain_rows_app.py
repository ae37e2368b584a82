"""A plain Flask-SQLAlchemy page listing 50 rows: the yardstick issue 8 quotes for the ratio to "hello".

`gunicorn bench.plain_rows_app:app` with DATABASE_URL set serves one page: 50 rows of a 1,000-row table, ordered
by name, through the ORM and a small Jinja template. No login, session, CSRF, security headers or audit row:
what any page that reads rows costs before the app's own work.
"""
import os

from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, func, insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROWS = 1000
PAGE = """<!doctype html><title>Rows</title><table>
{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.name }}</td><td>{{ row.email }}</td></tr>{% endfor %}
</table>"""


class Base(DeclarativeBase):
    """Declarative base of the one table."""


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db = SQLAlchemy(app, model_class=Base)


class Row(db.Model):
    """A row with a name and an e-mail address, like a short client record."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    email: Mapped[str] = mapped_column(String(120))


@app.route("/")
def rows() -> str:
    """The first 50 rows by name."""
    return render_template_string(PAGE, rows=db.session.scalars(select(Row).order_by(Row.name).limit(50)).all())


with app.app_context():
    # A benchmark fixture, not the practice app: it makes its own table on first start.
    db.create_all()
    if not db.session.scalar(select(func.count()).select_from(Row)):
        db.session.execute(insert(Row), [{"name": f"Name {n:04d}", "email": f"n{n}@example.com"} for n in range(ROWS)])
        db.session.commit()
