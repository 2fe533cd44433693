"""Settings read from the environment, with safe defaults for the embedded mode.

Embedded mode (the default): SQLite in the instance folder, one process, no Redis. With
no SECRET_KEY in the environment it signs with a random key generated on first start
into the instance folder (``secret_key``, readable by its owner only) and reused after.
Production mode (``COMPETITION_ENV=production``): refuses to start without a SECRET_KEY
of its own; DATABASE_URL and REDIS_URL point at PostgreSQL and Redis.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

# The key the first versions shipped in the source. Anyone can read it, so it is refused
# in every mode (a cookie signed with it must never open anything).
DEFAULT_SECRET_KEY = "dev-only-change-me"
SECRET_KEY_FILE = "secret_key"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """Raised when the settings cannot work (e.g. production with the default key)."""


class Config:
    """Base settings; every value can be overridden by an environment variable."""

    def __init__(self, environ: dict[str, str] | None = None):
        env = os.environ if environ is None else environ
        self.ENV_NAME = env.get("COMPETITION_ENV", "development")
        # None: generated into the instance folder by the factory (embedded mode only).
        self.SECRET_KEY = env.get("SECRET_KEY") or None
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL", "")  # filled by the factory
        # The instance folder (SQLite database, generated secret key, exports); default:
        # instance/ beside the code.
        self.INSTANCE_PATH = env.get("INSTANCE_PATH") or None
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
        self.SESSION_COOKIE_HTTPONLY = True
        # Remember-me lasts for the event day, not Flask-Login's 365 days.
        self.REMEMBER_COOKIE_DURATION = timedelta(
            hours=float(env.get("REMEMBER_COOKIE_HOURS", "16")))
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        # Behind HTTPS (nginx with the venue's certificate): send cookies over TLS only.
        secure = env.get("SESSION_COOKIE_SECURE", "0").lower() in ("1", "true", "on", "yes")
        self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = secure
        # Sign-in limits (Flask-Limiter: memory in embedded mode, Redis with REDIS_URL).
        self.RATELIMIT_ENABLED = env.get("RATELIMIT_ENABLED", "1").lower() not in (
            "0", "false", "off", "no")
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI") or (
            self.REDIS_URL or "memory://")
        self.RATELIMIT_HEADERS_ENABLED = True
        # Redis down: count in this process's memory meanwhile, instead of a 500 on every
        # sign-in (issue 15: a Redis outage must not lock the judges out).
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        # Installations sharing one Redis count apart (like SOCKETIO_CHANNEL).
        self.RATELIMIT_KEY_PREFIX = env.get("RATELIMIT_KEY_PREFIX", self.SOCKETIO_CHANNEL)
        self.LOGIN_LIMIT_PER_ADDRESS = env.get("LOGIN_LIMIT_PER_ADDRESS", "20 per minute")
        self.LOGIN_LIMIT_PER_ACCOUNT = env.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per minute")
        # All sign-ins together (per installation with Redis, else per process): at most
        # this many password hashes, so that a flood from many addresses cannot take the
        # CPU the judges' marks need (scrypt: 0.1-0.4 s each).
        self.LOGIN_LIMIT_TOTAL = env.get("LOGIN_LIMIT_TOTAL", "120 per minute")
        # An account is locked after this many failed sign-ins in a row, for
        # LOGIN_LOCKOUT_SECONDS, doubling with each further round of failures (capped).
        self.LOGIN_LOCKOUT_THRESHOLD = int(env.get("LOGIN_LOCKOUT_THRESHOLD", "5"))
        self.LOGIN_LOCKOUT_SECONDS = int(env.get("LOGIN_LOCKOUT_SECONDS", "60"))
        self.LOGIN_LOCKOUT_MAX_SECONDS = int(env.get("LOGIN_LOCKOUT_MAX_SECONDS", "3600"))
        # Number of proxies (nginx) in front whose X-Forwarded-For is trusted; 0: none.
        self.PROXY_FIX_X_FOR = int(env.get("PROXY_FIX_X_FOR", "0"))
        # Socket.IO: the site's own origin (compared with the Host header) is always
        # accepted; list other origins here (comma-separated), e.g. a public name behind
        # a proxy that rewrites Host.
        self.SOCKETIO_CORS_ORIGINS = [o.strip() for o in env.get(
            "SOCKETIO_CORS_ORIGINS", "").split(",") if o.strip()]
        self.TESTING = False

    def check(self) -> None:
        """Raise ConfigError if the settings are unsafe for the chosen mode: the key from
        the source in any mode; no key, or a short one, in production."""
        if self.SECRET_KEY == DEFAULT_SECRET_KEY:
            raise ConfigError(
                "SECRET_KEY is the public example value from the source code: unset it "
                "(the embedded mode then generates one) or set a random one")
        if self.ENV_NAME == "production" and not self.SECRET_KEY:
            raise ConfigError(
                "COMPETITION_ENV=production needs a SECRET_KEY of your own "
                "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        if self.ENV_NAME == "production" and len(self.SECRET_KEY) < 16:
            raise ConfigError("SECRET_KEY is too short for production (16 characters at least)")

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}


def instance_secret_key(instance_path: str) -> str:
    """The embedded mode's signing key: read from <instance>/secret_key, or generated
    there on first start (mode 0600, owner only). Two processes starting at once agree:
    the key is written to a temporary file and linked into place, and the loser reads the
    winner's key."""
    path = os.path.join(instance_path, SECRET_KEY_FILE)
    try:
        with open(path, encoding="ascii") as fh:
            key = fh.read().strip()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    os.makedirs(instance_path, exist_ok=True)
    tmp = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:  # another process won the race, or an unreadable stub
            pass
    finally:
        os.unlink(tmp)
    with open(path, encoding="ascii") as fh:
        key = fh.read().strip()
    if len(key) < 32:
        raise ConfigError(f"{path} holds no usable key: delete it (a new one is generated) "
                          "or set SECRET_KEY")
    return key


class TestConfig(Config):
    """Settings for the test suite: an in-memory database unless one is given."""

    def __init__(self, environ: dict[str, str] | None = None):
        super().__init__(environ)
        self.TESTING = True
        self.WTF_CSRF_ENABLED = False
        self.SECRET_KEY = self.SECRET_KEY or secrets.token_hex(32)
        self.RATELIMIT_ENABLED = False  # the suite signs in thousands of times
        self.SQLALCHEMY_DATABASE_URI = (environ or {}).get("DATABASE_URL", "sqlite://")
