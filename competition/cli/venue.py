"""`flask --app competition venue-https ...`: HTTPS at the venue with its own certificate
authority (see venue_tls.py and README, "Tablets offline / HTTPS at the venue").

    venue-https create [--address 192.168.1.10 ...] [--new-ca]
    venue-https serve [--port 5443] [--http-port 5000]
"""
from __future__ import annotations

import os
import threading

import click


@click.group("venue-https")
def venue_https_cli() -> None:
    """HTTPS on the venue LAN: tablets keep the judge's pages for reloads offline."""


@venue_https_cli.command("create")
@click.option("--address", "names", multiple=True,
              help="An IP address or host name tablets use to reach this PC (repeat the "
                   "option). Default: this PC's LAN addresses, its name and localhost.")
@click.option("--new-ca", is_flag=True,
              help="Make a new venue authority (every tablet must install it again).")
def create_command(names: tuple[str, ...], new_ca: bool) -> None:
    """Make the venue authority (once) and a server certificate for this PC."""
    from flask import current_app

    from ..venue_tls import VenueTLSError, create, default_names, folder_for
    folder = folder_for(current_app)
    try:
        tls = create(folder, list(names) or default_names(), new_ca=new_ca)
    except VenueTLSError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Venue authority: {tls.ca_cert}  (SHA-256 {tls.ca_fingerprint()})")
    click.echo(f"Server certificate for {', '.join(tls.server_names())}: {tls.server_cert}")
    click.echo(f"  valid until {tls.server_not_after():%Y-%m-%d}; key {tls.server_key}")
    click.echo("Next: flask --app competition venue-https serve, then on each tablet open "
               "http://<address>:5000/venue/ and install the certificate (QR code there).")


@venue_https_cli.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=5443, show_default=True, type=int, help="The HTTPS port.")
@click.option("--http-port", default=5000, show_default=True, type=int,
              help="The same server over plain http (the certificate page /venue/, screens, "
                   "phones, tablets without the certificate). 0: none.")
def serve_command(host: str, port: int, http_port: int) -> None:
    """Run the server over HTTPS with the venue certificate (embedded mode: one process)."""
    from flask import current_app

    from ..extensions import socketio
    from ..netinfo import lan_addresses, port_problem
    from ..venue_tls import VenueTLS, folder_for
    app = current_app._get_current_object()
    tls = VenueTLS(folder_for(app))
    if not tls.exists():
        raise click.ClickException("No venue certificate yet: run "
                                   "`flask --app competition venue-https create` first.")
    for p in (port, http_port):
        problem = p and port_problem(host, p)
        if problem:
            raise click.ClickException(problem)
    app.config["VENUE_HTTPS_PORT"] = port
    app.config["VENUE_HTTP_PORT"] = http_port or None
    names = tls.server_names()
    click.echo("Open on tablets and screens (the venue certificate installed):")
    for a in [a for a in lan_addresses() if a in names] + ["127.0.0.1"]:
        click.echo(f"  https://{a}:{port}/")
    if http_port:
        click.echo(f"Plain http as before: http://<address>:{http_port}/ ; the certificate "
                   f"for tablets: http://<address>:{http_port}/venue/")
        _start_http_side(app, host, http_port)
    from ..gctune import tune_gc
    tune_gc()
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    tls_args = ({"ssl_context": (str(tls.server_cert), str(tls.server_key))}
                if app.config.get("SOCKETIO_ASYNC_MODE", "threading") == "threading"
                else {"certfile": str(tls.server_cert), "keyfile": str(tls.server_key)})
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True,
                 use_reloader=False, log_output=False, **tls_args)


def _start_http_side(app, host: str, http_port: int) -> None:
    """The same app over plain http in a thread: /venue/ for tablets without the
    certificate yet, LED screens and the public's phones, tablets that cannot install it."""
    from werkzeug.serving import make_server
    server = make_server(host, http_port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True, name="venue-http").start()
