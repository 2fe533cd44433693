"""Rotating backups in the instance folder (embedded mode): a background thread takes one
every BACKUP_INTERVAL_MINUTES (default 10) when anything changed, and keeps the newest
BACKUP_KEEP (default 48) in BACKUP_DIR (default <instance>/backups). 0 disables.

Started by `flask serve` (never at import, never in tests unless asked). The organiser's
page (web/backup_admin.py) lists the kept files and takes one on demand.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import func, inspect, select

from ..extensions import db
from .backup import BackupSummary, write_backup

log = logging.getLogger(__name__)
NAME = re.compile(r"^backup-(\d{8}T\d{6})Z(?:-(\d+))?\.zip$")
FINGERPRINT_FILE = ".fingerprint"
_lock = threading.Lock()
_state: dict = {"error": None, "error_at": None}


@dataclass
class KeptBackup:
    name: str
    path: Path
    size: int
    taken_at: datetime   # UTC
    seq: int = 1         # several in one second: -2, -3...


def _setting(name: str, default):
    value = current_app.config.get(name)
    if value is None:
        value = os.environ.get(name, default)
    return value


def interval_minutes() -> float:
    return float(_setting("BACKUP_INTERVAL_MINUTES", 10) or 0)


def keep_count() -> int:
    return int(_setting("BACKUP_KEEP", 48) or 0)


def backup_dir() -> Path:
    path = Path(_setting("BACKUP_DIR", "") or os.path.join(current_app.instance_path,
                                                           "backups"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def kept_backups() -> list[KeptBackup]:
    """The kept backups, newest first."""
    out = []
    for p in backup_dir().iterdir():
        m = NAME.match(p.name)
        if m and p.is_file():
            at = datetime.strptime(m.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)
            out.append(KeptBackup(p.name, p, p.stat().st_size, at, int(m.group(2) or 1)))
    return sorted(out, key=lambda b: (b.taken_at, b.seq), reverse=True)


def find_backup(name: str) -> Path | None:
    """The kept backup called ``name`` (only names this module makes), else None."""
    if not NAME.match(name or ""):
        return None
    path = backup_dir() / name
    return path if path.is_file() else None


def last_error() -> tuple[str | None, datetime | None]:
    return _state["error"], _state["error_at"]


def data_fingerprint() -> str:
    """Changes whenever data changes: rows and largest id per table, standings versions,
    the last mark update and the last audit entry."""
    from ..models import AuditLog, Mark, Trade
    parts = []
    names = set(inspect(db.engine).get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name not in names:
            continue
        pk = list(table.primary_key.columns)
        cols = [func.count()] + ([func.max(pk[0])] if len(pk) == 1 else [])
        parts.append(f"{table.name}:" + ",".join(
            str(v) for v in db.session.execute(select(*cols).select_from(table)).one()))
    parts.append(str(db.session.scalar(select(func.sum(Trade.standings_version)))))
    parts.append(str(db.session.scalar(select(func.max(Mark.updated_at)))))
    parts.append(str(db.session.scalar(select(func.max(AuditLog.id)))))
    db.session.rollback()   # end the read transaction
    return "|".join(parts)


def take_backup(*, only_if_changed: bool = False) -> BackupSummary | None:
    """Write a new backup into the backup folder and drop the oldest beyond BACKUP_KEEP.
    With ``only_if_changed``, nothing is written when the data has not changed since the
    last one. Raises BackupError or OSError when it cannot be written."""
    with _lock:
        folder = backup_dir()
        marker = folder / FINGERPRINT_FILE
        fingerprint = data_fingerprint()
        if only_if_changed and marker.is_file() and marker.read_text() == fingerprint \
                and kept_backups():
            return None
        now = datetime.now(timezone.utc)
        name = f"backup-{now:%Y%m%dT%H%M%S}Z.zip"
        n = 1
        while (folder / name).exists():
            n += 1
            name = f"backup-{now:%Y%m%dT%H%M%S}Z-{n}.zip"
        summary = write_backup(folder / name)
        marker.write_text(fingerprint)
        _rotate()
        _state["error"] = _state["error_at"] = None
        return summary


def _rotate() -> None:
    keep = keep_count()
    if keep <= 0:
        return
    for old in kept_backups()[keep:]:
        try:
            old.path.unlink()
        except OSError:  # pragma: no cover - a file held open on Windows
            log.warning("could not delete old backup %s", old.path)


class BackupThread(threading.Thread):
    """Every interval: a backup if anything changed. stop() ends it promptly."""

    def __init__(self, app: Flask, minutes: float):
        super().__init__(name="rotating-backups", daemon=True)
        self.app, self.seconds = app, minutes * 60
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.seconds):
            self.tick()

    def tick(self) -> None:
        with self.app.app_context():
            try:
                summary = take_backup(only_if_changed=True)
                if summary:
                    log.info("backup written: %s (%d bytes)", summary.path, summary.size)
            except Exception as exc:  # keep serving; the organiser's page shows it
                log.exception("automatic backup failed")
                _state["error"], _state["error_at"] = str(exc), datetime.now(timezone.utc)
            finally:
                db.session.remove()

    def stop(self) -> None:
        self._stop_event.set()


def start(app: Flask) -> BackupThread | None:
    """Start the rotating backups for ``app`` (None when BACKUP_INTERVAL_MINUTES is 0)."""
    with app.app_context():
        minutes = interval_minutes()
        if minutes <= 0 or keep_count() <= 0:
            return None
        backup_dir()
    thread = BackupThread(app, minutes)
    thread.start()
    return thread
