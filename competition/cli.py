"""`flask --app competition ...` commands. Each area keeps its commands in its own module;
register() adds them to the app."""
from __future__ import annotations

import os

import click
from flask import Flask


def register(app: Flask) -> None:
    from .demo import demo_command
    app.cli.add_command(demo_command)
    app.cli.add_command(serve_command)
    from .rules.cli import rules_cli
    app.cli.add_command(rules_cli)
    from .rules.scheme_xlsx import export_scheme_cmd, import_scheme_cmd
    rules_cli.add_command(export_scheme_cmd)
    rules_cli.add_command(import_scheme_cmd)
    from .promotion_cli import promotion_cli
    app.cli.add_command(promotion_cli)
    from .registration_cli import registration_cli
    app.cli.add_command(registration_cli)
    from .export_cli import export_cli  # documents (issue 7)
    app.cli.add_command(export_cli)


@click.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host: str, port: int) -> None:
    """Run the server with websockets (embedded mode: one process)."""
    from flask import current_app

    from .extensions import socketio
    from .netinfo import print_addresses
    print_addresses(port)
    # Flask refuses app.run() inside a `flask` command unless told it is deliberate.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    socketio.run(current_app._get_current_object(), host=host, port=port,
                 allow_unsafe_werkzeug=True, use_reloader=False, log_output=False)
