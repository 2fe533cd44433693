"""mark: submission number (seq) and one declared value per entry and attempt

Revision ID: b7d3e91f0c13
Revises: a14e5c0de001
Create Date: 2026-12-07 21:05:00

A declared value (criterion "crit@difficulty") is entered once per entry and attempt,
whoever enters it; the partial unique index makes the database refuse a second row.
Rows that races stored twice before this revision are reduced to the newest one (the
highest id); each removed row is kept in the audit log (action "mark.dedupe").
"""
import sqlalchemy as sa
from alembic import op

revision = 'b7d3e91f0c13'
down_revision = 'a14e5c0de001'
branch_labels = None
depends_on = None

DECLARED = "criterion LIKE '%@difficulty'"


def _remove_duplicate_declared_values() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT m.id, m.entry_id, m.criterion, m.attempt, m.judge_id, m.value, "
        "m.client_id, e.heat_id, s.trade_id, t.competition_id "
        "FROM mark m JOIN entry e ON e.id = m.entry_id "
        "JOIN stage s ON s.id = e.stage_id JOIN trade t ON t.id = s.trade_id "
        f"WHERE m.{DECLARED} AND m.id NOT IN (SELECT MAX(id) FROM mark WHERE {DECLARED} "
        "GROUP BY entry_id, criterion, attempt)")).mappings().all()
    if not rows:
        return
    audit = sa.table("audit_log", sa.column("at", sa.DateTime(timezone=True)),
                     sa.column("action", sa.String), sa.column("object_type", sa.String),
                     sa.column("object_id", sa.Integer), sa.column("competition_id", sa.Integer),
                     sa.column("trade_id", sa.Integer), sa.column("heat_id", sa.Integer),
                     sa.column("old", sa.JSON), sa.column("new", sa.JSON),
                     sa.column("reason", sa.Text))
    from datetime import datetime, timezone
    now = datetime.now(timezone.utc)
    op.bulk_insert(audit, [{
        "at": now, "action": "mark.dedupe", "object_type": "mark", "object_id": r["id"],
        "competition_id": r["competition_id"], "trade_id": r["trade_id"],
        "heat_id": r["heat_id"], "new": None,
        "old": {"entry": r["entry_id"], "criterion": r["criterion"], "attempt": r["attempt"],
                "judge": r["judge_id"], "value": r["value"], "client_id": r["client_id"]},
        "reason": "duplicate declared value removed (one per entry and attempt)"}
        for r in rows])
    ids = [r["id"] for r in rows]
    bind.execute(sa.text("DELETE FROM mark WHERE id IN ("
                         + ", ".join(str(int(i)) for i in ids) + ")"))


def upgrade():
    with op.batch_alter_table('mark', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
    _remove_duplicate_declared_values()
    with op.batch_alter_table('mark', schema=None) as batch_op:
        batch_op.create_index('uq_mark_declared', ['entry_id', 'criterion', 'attempt'],
                              unique=True, sqlite_where=sa.text(DECLARED),
                              postgresql_where=sa.text(DECLARED))


def downgrade():
    with op.batch_alter_table('mark', schema=None) as batch_op:
        batch_op.drop_index('uq_mark_declared')
        batch_op.drop_column('seq')
