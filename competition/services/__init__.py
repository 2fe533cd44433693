"""Use cases: one function per thing a user does, each one transaction.

Every write validates, writes, records an AuditLog row, commits, and only then publishes
(see services.standings.trade_changed)."""
