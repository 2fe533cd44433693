"""A backup of the whole competition as one database-agnostic file.

The file is a zip archive:

    manifest.json            format, schema revision, app version, time (UTC), backend,
                             and for every table its columns, row count and SHA-256
    tables/<table>.jsonl     one JSON array per row, in the manifest's column order
    files/backgrounds/<name> uploaded certificate backgrounds (EXPORT_DIR/backgrounds)

Values are written so that they round-trip exactly between SQLite and PostgreSQL:
datetimes as ISO text in UTC with the offset (SQLite's naive values are UTC), Numerics as
decimal text, booleans as true/false, NULL as null; a JSON column's value is wrapped in a
one-element list ([value]) so that a JSON null and an SQL NULL stay apart.

The snapshot is consistent while marks come in: on SQLite it is dumped from a copy taken
with the online backup API; on PostgreSQL inside one REPEATABLE READ, read-only
transaction. Restoring is in services/backup_restore.py.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import JSON, Boolean, DateTime, Numeric, create_engine, select, text
from sqlalchemy.engine import Connection, Engine

from ..extensions import db

FORMAT = "skill-competition-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"


class BackupError(RuntimeError):
    """A backup cannot be written or read (corrupt, truncated, another schema...)."""


@dataclass
class BackupSummary:
    path: str
    size: int
    tables: int
    rows: int
    files: int
    schema_revision: str | None
    created_at: str


# --- values ---------------------------------------------------------------------------

def encode_value(column, value):
    """A column's value as JSON (see the module's docstring)."""
    if isinstance(column.type, JSON):
        return None if value is _SQL_NULL else [value]
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:        # SQLite hands back naive UTC
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return value


def decode_value(column, value):
    """The inverse of encode_value, for inserting. A JSON cell gives None for SQL NULL
    (insert it with JSON(none_as_null=True)) or JSON.NULL for a JSON null."""
    if isinstance(column.type, JSON):
        if value is None:
            return None
        inner = value[0]
        return JSON.NULL if inner is None else inner
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        moment = moment.astimezone(timezone.utc)
        return moment if column.type.timezone else moment.replace(tzinfo=None)
    if isinstance(column.type, Numeric) and not isinstance(value, Decimal):
        return Decimal(value) if column.type.asdecimal else float(value)
    if isinstance(column.type, Boolean):
        return bool(value)
    return value


_SQL_NULL = object()


def table_columns(table) -> list:
    return list(table.columns)


def _row_query(table):
    """SELECT every column in order; a JSON column also says whether it is SQL NULL."""
    cols = []
    for c in table.columns:
        cols.append(c)
        if isinstance(c.type, JSON):
            cols.append(c.is_(None).label(f"{c.name}__isnull"))
    pk = list(table.primary_key.columns) or list(table.columns)[:1]
    return select(*cols).order_by(*pk)


def _encoded_rows(conn: Connection, table):
    result = conn.execution_options(stream_results=True, yield_per=2000).execute(
        _row_query(table))
    for raw in result:
        out, i = [], 0
        for c in table.columns:
            value = raw[i]
            i += 1
            if isinstance(c.type, JSON):
                if raw[i]:
                    value = _SQL_NULL
                i += 1
            out.append(encode_value(c, value))
        yield out


# --- the schema revision and the app ----------------------------------------------------

def database_revision(conn: Connection) -> str | None:
    """The Alembic revision of the database on ``conn``; None when it has no schema."""
    from sqlalchemy import inspect
    if not inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return ",".join(sorted(rows)) or None


def code_revision() -> str | None:
    """The migrations' head revision of this program."""
    from alembic.script import ScriptDirectory
    from flask import current_app
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    return ",".join(sorted(heads)) or None


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("skill-competition")
    except PackageNotFoundError:
        return "unknown"


# --- a consistent read ----------------------------------------------------------------

@contextmanager
def snapshot_connection(engine: Engine | None = None):
    """A connection that sees one consistent state of the whole database.

    SQLite: the online backup API copies the live database (consistent while others
    write) into a temporary file, which is then read. PostgreSQL: one REPEATABLE READ,
    read-only transaction."""
    engine = engine or db.engine
    if engine.dialect.name == "sqlite":
        fd, tmp = tempfile.mkstemp(suffix=".sqlite", prefix="backup-")
        os.close(fd)
        try:
            sqlite_copy(engine, tmp)
            copy = create_engine("sqlite:///" + tmp)
            try:
                with copy.connect() as conn:
                    yield conn
            finally:
                copy.dispose()
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                if os.path.exists(tmp + suffix):
                    os.unlink(tmp + suffix)
        return
    with engine.connect().execution_options(isolation_level="REPEATABLE READ",
                                            postgresql_readonly=True) as conn:
        with conn.begin():
            yield conn


def sqlite_copy(engine: Engine, target: str) -> None:
    """Copy the live SQLite database into ``target`` with sqlite3's online backup API."""
    raw = engine.raw_connection()
    try:
        dest = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(dest)
        finally:
            dest.close()
    finally:
        raw.close()


# --- writing --------------------------------------------------------------------------

def background_dir() -> Path:
    from .certificate_form import background_dir as where
    return where()


def _files_to_back_up() -> list[tuple[str, Path]]:
    folder = background_dir()
    return [(f"{FILES_PREFIX}backgrounds/{p.name}", p)
            for p in sorted(folder.iterdir()) if p.is_file()]


def write_backup(path: str | os.PathLike, engine: Engine | None = None) -> BackupSummary:
    """Write a backup of the whole database (and the uploaded backgrounds) to ``path``.

    Written to a temporary file beside it and renamed, so ``path`` is either the old file
    or a complete new one. Raises BackupError when the database has no schema."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".backup-", suffix=".tmp")
    os.close(fd)
    try:
        summary = _write(Path(tmp), engine or db.engine)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    summary.path, summary.size = str(path), path.stat().st_size
    return summary


def _write(tmp: Path, engine: Engine) -> BackupSummary:
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    tables, total = [], 0
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        with snapshot_connection(engine) as conn:
            revision = database_revision(conn)
            if revision is None:
                raise BackupError("The database has no schema (no alembic_version): "
                                  "nothing to back up.")
            program = code_revision()
            if revision != program:
                raise BackupError(f"The database is at schema revision {revision}; this "
                                  f"program reads revision {program}. Back it up with the "
                                  "program version that uses it, or upgrade it first "
                                  "(flask --app competition db upgrade).")
            for table in db.metadata.sorted_tables:
                tables.append(_write_table(zf, conn, table))
                total += tables[-1]["rows"]
            dialect = conn.dialect.name
        files = []
        for name, source in _files_to_back_up():
            data = source.read_bytes()
            zf.writestr(name, data)
            files.append({"path": name, "size": len(data),
                          "sha256": hashlib.sha256(data).hexdigest()})
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION,
                    "schema_revision": revision, "app_version": app_version(),
                    "created_at": created, "backend": dialect,
                    "tables": tables, "files": files, "total_rows": total}
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return BackupSummary(str(tmp), 0, len(tables), total, len(files), revision, created)


def _write_table(zf: zipfile.ZipFile, conn: Connection, table) -> dict:
    digest, count = hashlib.sha256(), 0
    name = f"tables/{table.name}.jsonl"
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w", force_zip64=True) as member:
        for row in _encoded_rows(conn, table):
            line = (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"
                    ).encode("utf-8")
            digest.update(line)
            member.write(line)
            count += 1
    return {"name": table.name, "member": name, "columns": [c.name for c in table.columns],
            "rows": count, "sha256": digest.hexdigest()}


# --- reading --------------------------------------------------------------------------

def read_manifest(path: str | os.PathLike) -> dict:
    """The manifest of a backup file. Raises BackupError if it is not one or is damaged."""
    try:
        with zipfile.ZipFile(path) as zf:
            return _manifest_of(zf)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BackupError(f"{path}: not a readable backup file ({exc}); it may be "
                          "truncated or damaged.") from None


def _manifest_of(zf: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except KeyError:
        raise BackupError("not a competition backup: it has no manifest.json.") from None
    except (ValueError, zipfile.BadZipFile) as exc:
        raise BackupError(f"the manifest is damaged ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("not a competition backup (unknown format).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"backup format {manifest.get('format_version')} is not "
                          f"supported (this program reads {FORMAT_VERSION}).")
    return manifest


def verified_rows(zf: zipfile.ZipFile, entry: dict):
    """The decoded rows (lists) of one table member, checked against the manifest's row
    count and SHA-256 after the last one. Raises BackupError on any damage."""
    digest, count = hashlib.sha256(), 0
    try:
        with zf.open(entry["member"]) as member:
            for line in member:
                digest.update(line)
                count += 1
                yield json.loads(line)
    except KeyError:
        raise BackupError(f"table {entry['name']} is missing from the file.") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise BackupError(f"table {entry['name']} is damaged ({exc}).") from None
    if count != entry["rows"] or digest.hexdigest() != entry["sha256"]:
        raise BackupError(f"table {entry['name']} does not match its checksum "
                          f"({count} rows, {entry['rows']} expected): the file is damaged.")
