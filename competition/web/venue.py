"""/venue/: the venue certificate for tablets (HTTPS at the venue, see venue_tls.py).

Open to anyone and served on the plain-http port too: a tablet needs the certificate
before it can trust the HTTPS address. The certificate is public (the key stays on the
venue PC); the page shows its SHA-256 fingerprint to compare on the tablet.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request

from ..venue_tls import VenueTLS, folder_for, host_only
from .judge_qr import qr_svg

bp = Blueprint("venue", __name__, url_prefix="/venue")


def _tls() -> VenueTLS:
    return VenueTLS(folder_for(current_app))


@bp.get("/")
def index():
    """How to install the venue certificate on a tablet, with QR codes."""
    tls = _tls()
    host = host_only(request.host)
    https_port = current_app.config.get("VENUE_HTTPS_PORT") or 5443
    context = {"ready": tls.exists(), "secure": request.is_secure}
    if tls.exists():
        http_port = current_app.config.get("VENUE_HTTP_PORT")
        base = f"http://{host}:{http_port}" if http_port and request.is_secure \
            else request.host_url.rstrip("/")
        ca_url = base + "/venue/ca.crt"
        https_url = f"https://{host}:{https_port}/judge/"
        context.update(ca_url=ca_url, ca_qr=qr_svg(ca_url), https_url=https_url,
                       https_qr=qr_svg(https_url), fingerprint=tls.ca_fingerprint(),
                       names=tls.server_names(), until=tls.server_not_after())
    return render_template("venue/index.html", **context)


@bp.get("/ca.crt")
def ca_certificate():
    """The venue authority's certificate (DER), for tablets to install."""
    tls = _tls()
    if not tls.ca_cert.exists():
        abort(404)
    return Response(tls.ca_der(), mimetype="application/x-x509-ca-cert",
                    headers={"Content-Disposition": 'attachment; filename="venue-ca.crt"',
                             "Cache-Control": "no-cache"})
