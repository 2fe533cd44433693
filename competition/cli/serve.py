"""`flask --app competition serve`: the embedded server (one process, websockets)."""
from __future__ import annotations

import os

import click


@click.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host: str, port: int) -> None:
    """Run the server with websockets (embedded mode: one process)."""
    from flask import current_app

    from ..extensions import socketio
    from ..netinfo import port_problem, print_addresses
    problem = port_problem(host, port)
    if problem:  # before printing an address that would belong to another program
        raise click.ClickException(problem)
    print_addresses(port)
    from ..gctune import tune_gc
    tune_gc()
    from ..services.backup_rotation import start as start_backups  # issue 15
    start_backups(current_app._get_current_object())
    # Flask refuses app.run() inside a `flask` command unless told it is deliberate.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    socketio.run(current_app._get_current_object(), host=host, port=port,
                 allow_unsafe_werkzeug=True, use_reloader=False, log_output=False)
