"""`flask --app competition backup FILE` and `flask --app competition restore FILE`."""
from __future__ import annotations

import time

import click


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def backup_command(file: str) -> None:
    """Write a consistent snapshot of the whole competition (every table, rule texts,
    draw seeds, uploaded certificate backgrounds) into FILE (a zip of JSON lines),
    also while the server is running and marks come in."""
    from ..services.backup import BackupError, write_backup
    started = time.perf_counter()
    try:
        summary = write_backup(file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up {summary.rows} rows of {summary.tables} tables and "
               f"{summary.files} files (schema revision {summary.schema_revision}) to "
               f"{summary.path}: {summary.size / 1024:.0f} KiB in "
               f"{time.perf_counter() - started:.1f} s.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True,
              help="Delete everything in the database first (asks to confirm).")
@click.option("--yes", is_flag=True, help="Do not ask to confirm --force.")
def restore_command(file: str, force: bool, yes: bool) -> None:
    """Load a backup FILE into an empty database (DATABASE_URL: SQLite or PostgreSQL,
    either direction). Creates the schema by the migrations if the database has none.
    Refuses a database holding data unless --force, and a file of another schema
    revision. All or nothing: a damaged file changes nothing."""
    from flask import current_app

    from ..extensions import db
    from ..services.backup import BackupError, read_manifest
    from ..services.backup_restore import restore_backup
    try:
        manifest = read_manifest(file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    target = db.engine.url.render_as_string(hide_password=True)
    if force and not yes:
        click.confirm(f"Delete EVERYTHING in {target} and replace it with the backup of "
                      f"{manifest.get('created_at')}?", abort=True)
    started = time.perf_counter()
    try:
        summary = restore_backup(file, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    current_app.logger.info("restored %s into %s", file, target)
    click.echo(f"Restored {summary.rows} rows of {summary.tables} tables and "
               f"{summary.files} files (backup of {summary.created_at}, schema revision "
               f"{summary.schema_revision}) into {target} in "
               f"{time.perf_counter() - started:.1f} s.")
