"""Restore a backup (services/backup.py) into an empty database, SQLite or PostgreSQL.

The whole file is checked (every table's row count and SHA-256, every file's) before the
database is touched; the rows are then inserted in one transaction, so a damaged file
or a failure half-way leaves the database as it was. The schema is created by the
migrations when the database has none; a file of another schema revision is refused.
"""
from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import JSON, Integer, bindparam, func, insert, inspect, select, text, update
from sqlalchemy.engine import Connection

from ..extensions import db
from .backup import (
    BackupError,
    _manifest_of,
    background_dir,
    code_revision,
    database_revision,
    decode_value,
    verified_rows,
)

BATCH = 1000


class NotEmptyError(BackupError):
    """The target database holds data and the restore was not told to replace it."""


@dataclass
class RestoreSummary:
    tables: int
    rows: int
    files: int
    schema_revision: str
    created_at: str
    backend: str


def restore_backup(path: str | os.PathLike, *, force: bool = False) -> RestoreSummary:
    """Load the backup at ``path`` into the app's database (db.engine).

    ``force`` deletes every row first (in the same transaction as the load). Raises
    BackupError (damaged file, other schema revision, tables that differ) or
    NotEmptyError (data present and not ``force``); the database is then unchanged."""
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = _manifest_of(zf)
            _check_whole_file(zf, manifest)
            _prepare_schema(manifest)
            rows = _load(zf, manifest, force)
            files = _restore_files(zf, manifest)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise BackupError(f"{path}: not a readable backup file ({exc}); it may be "
                          "truncated or damaged.") from None
    finally:
        db.session.remove()
    return RestoreSummary(len(manifest["tables"]), rows, files, manifest["schema_revision"],
                          manifest.get("created_at", ""), db.engine.dialect.name)


def _check_whole_file(zf: zipfile.ZipFile, manifest: dict) -> None:
    for entry in manifest["tables"]:
        for _row in verified_rows(zf, entry):
            pass
    for entry in manifest.get("files", []):
        try:
            data = zf.read(entry["path"])
        except KeyError:
            raise BackupError(f"file {entry['path']} is missing from the backup.") from None
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise BackupError(f"file {entry['path']} does not match its checksum.")


def _prepare_schema(manifest: dict) -> None:
    """Create the schema by the migrations if the database has none; refuse another
    revision than the file's, naming both."""
    wanted = manifest["schema_revision"]
    with db.engine.connect() as conn:
        have = database_revision(conn)
        ours = {t.name for t in db.metadata.sorted_tables}
        present = ours & set(inspect(conn).get_table_names())
    if have is None:
        if present:
            raise BackupError("The database has tables but no schema revision "
                              f"(alembic_version): {', '.join(sorted(present))}. "
                              "Use an empty database.")
        program = code_revision()
        if program != wanted:
            raise BackupError(f"The backup is of schema revision {wanted}; this program "
                              f"creates revision {program}. Restore it with the program "
                              "version that wrote it (app version "
                              f"{manifest.get('app_version', '?')}).")
        from flask_migrate import upgrade
        upgrade()
        with db.engine.connect() as conn:
            have = database_revision(conn)
    if have != wanted:
        raise BackupError(f"The backup is of schema revision {wanted}; the database is at "
                          f"revision {have}. Restore into a database of the same revision "
                          "(or an empty one).")
    tables = {t.name: t for t in db.metadata.sorted_tables}
    for entry in manifest["tables"]:
        table = tables.get(entry["name"])
        if table is None:
            raise BackupError(f"The backup has a table this program does not know: "
                              f"{entry['name']}.")
        if entry["columns"] != [c.name for c in table.columns]:
            raise BackupError(f"Table {entry['name']}: the backup's columns "
                              f"{entry['columns']} differ from this program's "
                              f"{[c.name for c in table.columns]}.")


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows per table of the application's schema (tables that exist)."""
    names = set(inspect(conn).get_table_names())
    return {t.name: conn.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables if t.name in names}


def _load(zf: zipfile.ZipFile, manifest: dict, force: bool) -> int:
    entries = {e["name"]: e for e in manifest["tables"]}
    total = 0
    with db.engine.begin() as conn:
        filled = {n: c for n, c in row_counts(conn).items() if c}
        if filled and not force:
            listed = ", ".join(f"{n} ({c})" for n, c in sorted(filled.items()))
            raise NotEmptyError("The database is not empty: " + listed + ". Restore into "
                                "an empty database, or replace everything with --force.")
        if filled:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        for table in db.metadata.sorted_tables:
            entry = entries.get(table.name)
            if entry is not None:
                total += _load_table(conn, zf, table, entry)
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
    return total


def _load_table(conn: Connection, zf: zipfile.ZipFile, table, entry: dict) -> int:
    columns = list(table.columns)
    names = {c.name: f"v{i}" for i, c in enumerate(columns)}
    # a reference to the same table (certificate.replaced_by_id): null first, set after
    self_refs = [fk.parent for fk in table.foreign_keys if fk.column.table is table]
    stmt = insert(table).values({
        c.name: bindparam(names[c.name], type_=JSON(none_as_null=True)
                          if isinstance(c.type, JSON) else c.type) for c in columns})
    later, batch, count = [], [], 0
    pk = list(table.primary_key.columns)
    for raw in verified_rows(zf, entry):
        row = {names[c.name]: decode_value(c, v) for c, v in zip(columns, raw)}
        for col in self_refs:
            if row[names[col.name]] is not None:
                later.append((col, {"k": row[names[pk[0].name]], "v": row[names[col.name]]}))
                row[names[col.name]] = None
        batch.append(row)
        count += 1
        if len(batch) >= BATCH:
            conn.execute(stmt, batch)
            batch = []
    if batch:
        conn.execute(stmt, batch)
    for col in self_refs:
        params = [p for c, p in later if c is col]
        if params:
            conn.execute(update(table).where(pk[0] == bindparam("k"))
                         .values({col.name: bindparam("v")}), params)
    return count


def _reset_sequences(conn: Connection) -> None:
    """After explicit ids, PostgreSQL's sequences must continue after the largest."""
    for table in db.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        quoted = conn.dialect.identifier_preparer.quote
        t, c = quoted(table.name), quoted(pk[0].name)
        conn.execute(text(
            f"SELECT setval(pg_get_serial_sequence(:t, :c), "
            f"COALESCE((SELECT MAX({c}) FROM {t}), 1), "
            f"(SELECT MAX({c}) FROM {t}) IS NOT NULL)"), {"t": t, "c": pk[0].name})


def _restore_files(zf: zipfile.ZipFile, manifest: dict) -> int:
    """Uploaded backgrounds back into EXPORT_DIR/backgrounds (after the data commit)."""
    folder = background_dir()
    count = 0
    for entry in manifest.get("files", []):
        name = entry["path"]
        if not name.startswith("files/backgrounds/"):
            continue
        target = folder / Path(name).name      # no path from the file is trusted
        tmp = target.with_suffix(target.suffix + ".part")
        tmp.write_bytes(zf.read(name))
        os.replace(tmp, target)
        count += 1
    return count
