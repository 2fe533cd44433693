"""Secure defaults on a venue LAN: the signing key, response headers, sign-in limits'
storage, and which origins may open a Socket.IO connection.

Wired by create_app(); docs/SECURITY.md explains the threat model and the settings.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask

from .config import instance_secret_key

# The pages load nothing from outside (fonts, scripts and charts are served locally).
# Inline <script> blocks and on* attributes exist in some templates, hence
# 'unsafe-inline' for scripts and styles; everything else is this site only.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# (No Cross-Origin-Opener-Policy: browsers ignore it on plain-http LAN addresses and say
# so in the console of every page.)


def ensure_secret_key(app: Flask) -> None:
    """A key of the installation's own when none was configured: random per process in
    tests, generated once into the instance folder otherwise (production never gets
    here: Config.check refuses it without a key)."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("TESTING"):
        import secrets
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    else:
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)


def add_security_headers(response):
    """after_request: the same protective headers on every response (pages, JSON,
    files); a view that set its own value keeps it."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def same_site_origin(allowed: list[str]):
    """engineio's cors_allowed_origins callable: an Origin is accepted when it names the
    host the request was sent to (the venue's LAN address is not known in advance), or
    is one of ``allowed``. Host names are compared, not ports: nginx's ``Host $host``
    drops a non-standard port, and another port of the same machine is the venue's own.
    A request without Origin (not a browser) passes engineio before this is asked."""
    extra = {o.rstrip("/") for o in allowed}

    def check(origin: str | None, environ: dict | None = None) -> bool:
        if not origin:
            return True
        if "*" in extra or origin.rstrip("/") in extra:
            return True
        environ = environ or {}
        try:
            parts = urlsplit(origin)
            name = parts.hostname
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not name:
            return False
        hosts = [environ.get("HTTP_HOST", "")]
        forwarded = environ.get("HTTP_X_FORWARDED_HOST")
        if forwarded:
            hosts.append(forwarded.split(",")[0].strip())
        return name in {_hostname(h) for h in hosts if h}
    return check


def _hostname(host: str) -> str | None:
    """"192.168.1.10:5000" -> "192.168.1.10"; "[::1]:5000" -> "::1"; lower case."""
    try:
        return urlsplit("//" + host).hostname
    except ValueError:
        return None
