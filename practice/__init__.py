"""Practice manager for massage therapists: the application factory."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from practice.config import APP_NAME, build_config
from practice.parse import MAX_RECORD_ID, parse_record_id
from practice.extensions import csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: seconds past statement_timeout without an answer after which PostgreSQL is taken for frozen
FROZEN_AFTER_SECONDS = 5

# Sent with every page: no inline script, nothing from other sites, never framed.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def create_app(config: dict | None = None) -> Flask:
    """Create the app; `config` overrides settings read from the environment (tests use it)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(build_config(Path(app.instance_path), config))
    app.url_map.converters["id"] = RecordIdConverter
    register_unit_of_work(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_error_handlers(app)
    register_commands(app)
    register_template_helpers(app)
    return app


class RecordIdConverter(IntegerConverter):
    """A record id in a URL: a positive integer that fits the database's INTEGER, else a plain 404."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_RECORD_ID)


def register_unit_of_work(app: Flask) -> None:
    """One commit per request, at the edge; registered first, so its commit is the last step of a response."""
    from practice.unit_of_work import register

    register(app)


def register_extensions(app: Flask) -> None:
    """Bind the extensions created in `extensions.py`."""
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from practice.database import configure_sqlite

        with app.app_context():
            configure_sqlite(db.engine, synchronous=app.config["SQLITE_SYNCHRONOUS"])
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        from practice.database import FrozenServerWatchdog

        with app.app_context():
            # The server cancels a statement at statement_timeout; no answer a little after that means it is frozen.
            FrozenServerWatchdog(statement_seconds=app.config["DATABASE_STATEMENT_TIMEOUT"] + FROZEN_AFTER_SECONDS,
                                 ping_seconds=app.config["DATABASE_CONNECT_TIMEOUT"]).install(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    limiter.init_app(app)
    # One Talisman per app: it keeps its settings on itself, so a shared one would carry the settings of
    # the last app built (HSTS, https redirects) into every other app of the process.
    Talisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["ENV_NAME"] == "production",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
        frame_options="DENY",
    )
    if app.config["TRUSTED_PROXY_HOPS"]:
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_blueprints(app: Flask) -> None:
    """One blueprint per domain, and one per page that gathers several (the case file, the dashboard)."""
    import practice.casefile.export_views  # noqa: F401  (the record export's routes)
    from practice.accounts.views import bp as accounts_bp
    from practice.audit.views import bp as audit_bp
    from practice.casefile.views import bp as casefile_bp
    from practice.clients.views import bp as clients_bp
    from practice.dashboard import bp as dashboard_bp
    from practice.handouts.views import bp as handouts_bp
    from practice.intake.views import bp as intake_bp
    from practice.library.views import bp as library_bp
    from practice.notes.views import bp as notes_bp
    from practice.plans.views import bp as plans_bp
    from practice.portal.staff_views import bp as portal_staff_bp
    from practice.portal.views import bp as portal_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(clients_bp)
    app.register_blueprint(casefile_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(intake_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(notes_bp)
    app.register_blueprint(handouts_bp)
    app.register_blueprint(portal_bp)
    app.register_blueprint(portal_staff_bp)
    app.register_blueprint(audit_bp)


def register_request_hooks(app: Flask) -> None:
    """Session checks before each request, and cache headers after."""
    from practice.accounts.models import User
    from practice.accounts.session_limits import end_session_if_expired
    from practice.extensions import db as database

    @login_manager.user_loader
    def load_user(session_id: str):
        # The session holds "id:token"; a rotated token (logout, password change, deactivation) fails here.
        written_id, _, token = session_id.partition(":")
        user_id = parse_record_id(written_id)
        if user_id is None or not token:
            return None
        user = database.session.get(User, user_id)
        if user is None or not user.is_active or user.session_token != token:
            return None
        return user

    @app.before_request
    def refuse_nul_characters():
        # PostgreSQL cannot store NUL in text, and no person types one: refuse it before any view runs.
        fields = [*request.args.lists(), *request.form.lists()]
        if any("\x00" in value for _, values in fields for value in values):
            abort(400)
        return None

    @app.before_request
    def end_expired_session():
        # Idle and absolute limits: checked before any view, so an expired login reaches nothing.
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        return end_session_if_expired(app.config)

    @app.before_request
    def require_password_change():
        # The endpoint first: a static file never loads the user, so it is served even while the database is down.
        if (request.endpoint not in ("accounts.password", "accounts.logout", "static")
                and current_user.is_authenticated and current_user.is_password_temporary):
            return redirect(url_for("accounts.password"))
        return None

    @app.after_request
    def no_store(response):
        # Pages may carry health information: never keep them in a browser or proxy cache.
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response


def register_error_handlers(app: Flask) -> None:
    """Friendly error pages."""
    from practice.errors import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    """The `flask --app practice ...` commands."""
    from practice.cli import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Values every template may use."""

    @app.context_processor
    def inject_globals():
        return {"app_name": APP_NAME, "today": date.today()}
