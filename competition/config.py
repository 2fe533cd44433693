"""Settings read from the environment, with safe defaults for the embedded mode.

Embedded mode (the default): SQLite in the instance folder, one process, no Redis.
Production mode (``COMPETITION_ENV=production``): refuses to start with the default
SECRET_KEY; DATABASE_URL and REDIS_URL point at PostgreSQL and Redis.
"""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-change-me"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """Raised when the settings cannot work (e.g. production with the default key)."""


class Config:
    """Base settings; every value can be overridden by an environment variable."""

    def __init__(self, environ: dict[str, str] | None = None):
        env = os.environ if environ is None else environ
        self.ENV_NAME = env.get("COMPETITION_ENV", "development")
        self.SECRET_KEY = env.get("SECRET_KEY", DEFAULT_SECRET_KEY)
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL", "")  # filled by the factory
        self.REDIS_URL = env.get("REDIS_URL") or None
        self.RULES_DIR = env.get("RULES_DIR", str(PROJECT_ROOT / "scoring_rules"))
        self.EXPORT_DIR = env.get("EXPORT_DIR", "")  # default: <instance>/exports
        self.CJK_FONT_PATH = env.get("CJK_FONT_PATH") or None
        # Background jobs' files (EXPORT_DIR/jobs) of jobs finished longer ago are deleted
        # when a new job starts, or by `flask export clean-jobs`.
        self.JOB_FILES_MAX_AGE_DAYS = float(env.get("JOB_FILES_MAX_AGE_DAYS", "7"))
        # Scanned certificate blanks (PNG/JPEG) uploaded on the layout page.
        self.CERTIFICATE_BACKGROUND_MAX_BYTES = int(env.get("CERTIFICATE_BACKGROUND_MAX_BYTES",
                                                            str(8 * 1024 * 1024)))
        self.PUBLIC_BASE_URL = env.get("PUBLIC_BASE_URL") or None
        self.SOCKETIO_ASYNC_MODE = env.get("SOCKETIO_ASYNC_MODE", "threading")
        # Redis pub/sub ignores database numbers: installations sharing one Redis need
        # their own channel name.
        self.SOCKETIO_CHANNEL = env.get("SOCKETIO_CHANNEL", "competition")
        self.SOCKETIO_TCP_NODELAY = env.get("SOCKETIO_TCP_NODELAY", "1").lower() not in (
            "0", "false", "off", "no")
        self.PASSWORD_HASH_METHOD = env.get("PASSWORD_HASH_METHOD", "scrypt")
        self.BABEL_DEFAULT_LOCALE = env.get("BABEL_DEFAULT_LOCALE", "zh_CN")
        self.BABEL_DEFAULT_TIMEZONE = env.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
        self.LANGUAGES = ["zh_CN", "en"]
        # Check a pooled connection before lending it: one the database dropped while idle
        # (a restart, a failover, an idle timeout) is replaced instead of failing a request.
        self.SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
        self.WTF_CSRF_TIME_LIMIT = None  # a judge's tablet stays open all day
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.TESTING = False

    def check(self) -> None:
        """Raise ConfigError if the settings are unsafe for the chosen mode."""
        if self.ENV_NAME == "production" and self.SECRET_KEY == DEFAULT_SECRET_KEY:
            raise ConfigError(
                "COMPETITION_ENV=production needs a SECRET_KEY of your own "
                "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        if self.ENV_NAME == "production" and len(self.SECRET_KEY) < 16:
            raise ConfigError("SECRET_KEY is too short for production (16 characters at least)")

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}


class TestConfig(Config):
    """Settings for the test suite: an in-memory database unless one is given."""

    def __init__(self, environ: dict[str, str] | None = None):
        super().__init__(environ)
        self.TESTING = True
        self.WTF_CSRF_ENABLED = False
        self.SQLALCHEMY_DATABASE_URI = (environ or {}).get("DATABASE_URL", "sqlite://")
