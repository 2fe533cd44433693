"""`flask --app competition ...` commands: the command-line shell over the services and the
domain core. One module per command group; register() adds them all to the app.

    demo                              demo.py
    serve                             serve.py
    create-competition, create-user   setup.py
    rules (check, compute, export-scheme, import-scheme)   rules.py
    promotion ...                     promotion.py
    registration ...                  registration.py
    export ...                        export.py
    venue-https ...                   venue.py
    backup, restore                   backup.py

Modules here import Flask, the services and the core; nothing outside competition/cli
imports from here (the app factory calls register()).
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from .backup import backup_command, restore_command  # backup and restore (issue 15)
    from .demo import demo_command
    from .export import export_cli  # documents (issue 7)
    from .promotion import promotion_cli
    from .registration import registration_cli
    from .rules import rules_cli
    from .serve import serve_command
    from .setup import create_competition_command, create_user_command
    from .venue import venue_https_cli  # HTTPS at the venue (issue 15)
    for command in (demo_command, serve_command, create_competition_command,
                    create_user_command, rules_cli, promotion_cli, registration_cli,
                    export_cli, venue_https_cli, backup_command, restore_command):
        app.cli.add_command(command)
