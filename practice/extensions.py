"""Flask extensions, created unbound here and bound to the app in `create_app`."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

import practice.rate_limits  # noqa: F401  (registers the sqlite-file:// store with the limits library)


class Base(DeclarativeBase):
    """Declarative base for every model."""


# The edge commits once (practice/unit_of_work.py); a page made after the commit (the invitation page) uses
# objects loaded before it: keep them usable instead of reloading them.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
