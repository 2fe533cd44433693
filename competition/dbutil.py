"""Database helpers that are not models: SQLite settings for a multi-threaded server."""
from sqlalchemy import event


def sqlite_pragmas(engine) -> None:
    """WAL and a busy timeout so that judges' writes and screen reads do not block."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.close()
