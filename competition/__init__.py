"""The Flask application package: create_app() builds and wires the application."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_login import current_user

from .config import Config
from .extensions import babel, csrf, db, limiter, login_manager, migrate, socketio

PACKAGE_DIR = Path(__file__).resolve().parent


def select_locale() -> str:
    """zh_CN first; English when the user chose it (?lang=en, remembered in the session)."""
    if not has_request_context():  # CLI commands and background jobs
        return "zh_CN"
    lang = request.args.get("lang")
    if lang in ("zh_CN", "en"):
        session["lang"] = lang
    return session.get("lang", "zh_CN")


def translation_directories() -> str:
    """Each area keeps its own catalog under competition/translations/<area>/; Flask-Babel
    merges them, so areas can add strings without editing one shared file."""
    root = PACKAGE_DIR / "translations"
    dirs = sorted(str(p) for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    return ";".join(dirs) or str(root)


def create_app(config: Config | dict | None = None) -> Flask:
    """Build the application. ``config`` may be a Config object or a dict of overrides.

    Raises config.ConfigError if the settings are unsafe (production with a default key).
    """
    cfg = config if isinstance(config, Config) else Config()
    instance = (config or {}).get("INSTANCE_PATH") if isinstance(config, dict) else None
    instance = instance or cfg.INSTANCE_PATH  # where the database and the key live
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.path.abspath(instance) if instance else None,
                template_folder=str(PACKAGE_DIR.parent / "templates"))
    app.config.from_mapping(cfg.as_dict())
    if isinstance(config, dict):
        app.config.from_mapping(config)
    Config.check(_ConfigView(app.config))
    os.makedirs(app.instance_path, exist_ok=True)
    from .security import ensure_secret_key
    ensure_secret_key(app)  # never the example key from the source
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            "sqlite:///" + os.path.join(app.instance_path, "competition.sqlite"))
    if not app.config.get("EXPORT_DIR"):
        app.config["EXPORT_DIR"] = os.path.join(app.instance_path, "exports")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translation_directories()
    _init_extensions(app)
    _register_blueprints(app)
    from . import cli
    cli.register(app)
    if app.config["ENV_NAME"] == "production":
        logging.basicConfig(level=logging.INFO)
    return app


class _ConfigView:
    """Lets Config.check() read a Flask config mapping."""

    def __init__(self, mapping):
        self.__dict__.update(mapping)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from .dbutil import sqlite_pragmas
        with app.app_context():
            sqlite_pragmas(db.engine)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR.parent / "migrations"),
                     render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    from .security import add_security_headers, same_site_origin
    app.after_request(add_security_headers)
    if app.config.get("PROXY_FIX_X_FOR"):  # behind nginx: the client's address for limits
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]))
    socketio.init_app(app, async_mode=app.config["SOCKETIO_ASYNC_MODE"],
                      message_queue=app.config["REDIS_URL"],
                      channel=app.config.get("SOCKETIO_CHANNEL", "competition"),
                      cors_allowed_origins=same_site_origin(
                          app.config.get("SOCKETIO_CORS_ORIGINS") or []))

    @app.context_processor
    def inject_globals():
        from flask_babel import get_locale
        return {"current_user": current_user, "current_locale": str(get_locale() or "zh_CN")}


def _register_blueprints(app: Flask) -> None:
    from .web import register_blueprints
    register_blueprints(app)
