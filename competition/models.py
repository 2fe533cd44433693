"""SQLAlchemy models: the event's structure, people, marks and what comes out of them.

competition -> trade -> stage -> heat -> entry (contestant or team, lot number, workstation)
Marks belong to an entry and a judge. Every change is recorded in AuditLog.
Decisions (scores, ranks, promotions) are not stored here; they are computed by the pure
core from marks and rules. What is stored is what people entered or confirmed.
"""
from __future__ import annotations

import enum
import secrets
from datetime import datetime, timezone
from decimal import Decimal

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .formatting.masking import mask_id


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_session_token() -> str:
    return secrets.token_hex(16)


class Role(str, enum.Enum):
    ORGANISER = "organiser"
    CHIEF_JUDGE = "chief_judge"
    JUDGE = "judge"
    ARBITRATION = "arbitration"
    SCREEN = "screen"


class User(UserMixin, db.Model):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    # A chief judge (or a screen account) may be bound to one trade.
    trade_id: Mapped[int | None] = mapped_column(ForeignKey("trade.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Part of every session and remember-me cookie (get_id): a new value (PIN reset,
    # sign-out, deactivation) ends all of the user's sessions on every device.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # Failed sign-ins in a row, and the lockout they caused (stored here so that it
    # holds across server processes).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)
    # A judge's employer (单位): judges stand aside (回避) for their own employer's workers,
    # and the analysis compares their marks at home and away.
    employer: Mapped[str] = mapped_column(String(200), default="", server_default="")

    trade: Mapped["Trade | None"] = relationship(foreign_keys=[trade_id])

    def get_id(self) -> str:  # Flask-Login: what the session and remember cookie carry
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Make every existing session and remember-me cookie of this user invalid."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        """Hash with the configured method (PASSWORD_HASH_METHOD; scrypt by default; the
        test suite uses a fast one, since scrypt costs ~0.1-0.4 s a hash by design)."""
        method = (current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
                  if has_app_context() else "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def has_role(self, *roles: str | Role) -> bool:
        wanted = {r.value if isinstance(r, Role) else r for r in roles}
        return self.role in wanted


class LoginToken(db.Model):
    """A one-time sign-in link bound to a judge (printed as a QR code by the chief judge)."""
    __tablename__ = "login_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    user: Mapped[User] = relationship()


class Competition(db.Model):
    __tablename__ = "competition"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    organiser: Mapped[str] = mapped_column(String(300), default="")  # issuing bodies
    starts_on: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ends_on: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Free-form settings: certificate layout, grade ladder, promotion policy (TOML text)...
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    trades: Mapped[list["Trade"]] = relationship(back_populates="competition",
                                                 order_by="Trade.id")


class Trade(db.Model):
    """A trade (工种) of one competition, bound to its scoring rule file."""
    __tablename__ = "trade"
    __table_args__ = (UniqueConstraint("competition_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    rule_file: Mapped[str] = mapped_column(String(200))       # file name in RULES_DIR
    rule_text: Mapped[str] = mapped_column(Text, default="")  # the rule as bound (snapshot)
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    # Live results: version grows with every change of standings; freeze keeps screens
    # on a snapshot while marks still come in; reveal_count drives the ceremony reveal.
    standings_version: Mapped[int] = mapped_column(Integer, default=0)
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    frozen_payload: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    reveal_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    results_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                                  nullable=True)

    competition: Mapped[Competition] = relationship(back_populates="trades")
    stages: Mapped[list["Stage"]] = relationship(back_populates="trade", order_by="Stage.seq")
    contestants: Mapped[list["Contestant"]] = relationship(back_populates="trade")


class Stage(db.Model):
    """A stage of a trade: 预赛 (preliminary), 决赛 (final)... ordered by seq."""
    __tablename__ = "stage"
    __table_args__ = (UniqueConstraint("trade_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    trade_id: Mapped[int] = mapped_column(ForeignKey("trade.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(50))
    # "ranked" (scored by the rule) or "bracket" (head-to-head matches)
    format: Mapped[str] = mapped_column(String(20), default="ranked")
    # e.g. {"top_n": 30} or {"top_percent": 20}; confirmed list stored on entries
    advancement: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    draw_seed: Mapped[str | None] = mapped_column(String(64), nullable=True)
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    is_final: Mapped[bool] = mapped_column(Boolean, default=True)

    trade: Mapped[Trade] = relationship(back_populates="stages")
    heats: Mapped[list["Heat"]] = relationship(back_populates="stage", order_by="Heat.seq")
    entries: Mapped[list["Entry"]] = relationship(back_populates="stage")


class Heat(db.Model):
    """A heat (场次): a time slot at a venue with a number of workstations (工位)."""
    __tablename__ = "heat"
    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(100))
    venue: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    workstations: Mapped[int] = mapped_column(Integer, default=20)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)

    stage: Mapped[Stage] = relationship(back_populates="heats")
    entries: Mapped[list["Entry"]] = relationship(back_populates="heat")
    assignments: Mapped[list["JudgeAssignment"]] = relationship(back_populates="heat")

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


class Team(db.Model):
    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("trade_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    trade_id: Mapped[int] = mapped_column(ForeignKey("trade.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    employer: Mapped[str] = mapped_column(String(200), default="")

    members: Mapped[list["Contestant"]] = relationship(back_populates="team")


class Contestant(db.Model):
    """A registered worker. The ID-card number is stored but shown masked outside the
    organiser's own pages (see formatting.masking.mask_id)."""
    __tablename__ = "contestant"
    __table_args__ = (UniqueConstraint("competition_id", "id_number", "trade_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    trade_id: Mapped[int] = mapped_column(ForeignKey("trade.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str] = mapped_column(String(4), default="")
    id_number: Mapped[str] = mapped_column(String(18))
    employer: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    grade: Mapped[str | None] = mapped_column(String(20), nullable=True)  # ladder code
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawn_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    trade: Mapped[Trade] = relationship(back_populates="contestants")
    team: Mapped[Team | None] = relationship(back_populates="members")

    @property
    def id_number_masked(self) -> str:
        return mask_id(self.id_number)


class Entry(db.Model):
    """A contestant (or a team) in a stage, with a lot number and a workstation."""
    __tablename__ = "entry"
    __table_args__ = (
        UniqueConstraint("heat_id", "lot_number"),
        UniqueConstraint("heat_id", "workstation"),
        UniqueConstraint("stage_id", "contestant_id"),
        UniqueConstraint("stage_id", "team_id"),
        CheckConstraint("(contestant_id IS NULL) <> (team_id IS NULL)", name="one_participant"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id"), index=True)
    heat_id: Mapped[int | None] = mapped_column(ForeignKey("heat.id"), nullable=True, index=True)
    contestant_id: Mapped[int | None] = mapped_column(ForeignKey("contestant.id"), nullable=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), nullable=True)
    lot_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    workstation: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # active | withdrawn | disqualified | advanced (confirmed for the next stage)
    status: Mapped[str] = mapped_column(String(20), default="active")
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)  # bracket seeding
    # Check-in (检录): when the contestant arrived at the heat, and who recorded it
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)

    stage: Mapped[Stage] = relationship(back_populates="entries")
    heat: Mapped[Heat | None] = relationship(back_populates="entries")
    contestant: Mapped[Contestant | None] = relationship()
    team: Mapped[Team | None] = relationship()
    marks: Mapped[list["Mark"]] = relationship(back_populates="entry")

    @property
    def display_name(self) -> str:
        if self.contestant is not None:
            return self.contestant.name
        return self.team.name if self.team is not None else ""

    @property
    def employer(self) -> str:
        if self.contestant is not None:
            return self.contestant.employer
        return self.team.employer if self.team is not None else ""


class JudgeAssignment(db.Model):
    __tablename__ = "judge_assignment"
    __table_args__ = (UniqueConstraint("heat_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    heat_id: Mapped[int] = mapped_column(ForeignKey("heat.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # criterion ids this judge marks in this heat; null means every criterion
    criteria: Mapped[list | None] = mapped_column(JSON, nullable=True)

    heat: Mapped[Heat] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship()


class PanelSubstitution(db.Model):
    """A per-entry change of a heat's panel (回避): for ``entry`` the criterion is marked by
    ``substitute`` instead of ``judge`` (who works for the contestant's employer).
    scoring.panels applies it; services.conflicts writes it (audited)."""
    __tablename__ = "panel_substitution"
    __table_args__ = (UniqueConstraint("entry_id", "criterion", "judge_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    heat_id: Mapped[int] = mapped_column(ForeignKey("heat.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    criterion: Mapped[str] = mapped_column(String(64))
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


DECLARED_MARK = "criterion LIKE '%@difficulty'"   # a mark entered once per entry


class Mark(db.Model):
    """One value entered by one judge for one criterion (or checklist item / violation
    code: criterion is then "crit.item") of one entry and attempt. The current value only;
    every earlier value is in AuditLog."""
    __tablename__ = "mark"
    __table_args__ = (
        UniqueConstraint("entry_id", "criterion", "attempt", "judge_id"),
        # One declared value (difficulty) per entry and attempt, whoever enters it.
        Index("uq_mark_declared", "entry_id", "criterion", "attempt", unique=True,
              sqlite_where=sql_text(DECLARED_MARK),
              postgresql_where=sql_text(DECLARED_MARK)),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    criterion: Mapped[str] = mapped_column(String(80))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    value: Mapped[str] = mapped_column(String(40))  # exact decimal text, or a code
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # The submission number of the judge's tablet that set the value (None: an old tablet
    # or a correction); an older submission never overwrites a newer one.
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="marks")
    judge: Mapped[User] = relationship()


class AuditLog(db.Model):
    """Who changed what, when, from which value to which, and why."""
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(40))  # mark.create, mark.update, heat.lock...
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    competition_id: Mapped[int | None] = mapped_column(ForeignKey("competition.id"),
                                                       nullable=True)
    trade_id: Mapped[int | None] = mapped_column(ForeignKey("trade.id"), nullable=True,
                                                 index=True)
    heat_id: Mapped[int | None] = mapped_column(ForeignKey("heat.id"), nullable=True,
                                                index=True)
    old: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    new: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    user: Mapped[User | None] = relationship()


class Bracket(db.Model):
    """A head-to-head structure of a stage (single elimination, round-robin groups)."""
    __tablename__ = "bracket"
    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id"), index=True)
    format: Mapped[str] = mapped_column(String(30))  # single_elimination | round_robin | groups_knockout
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    matches: Mapped[list["Match"]] = relationship(back_populates="bracket",
                                                  order_by="Match.round, Match.slot")


class Match(db.Model):
    __tablename__ = "match"
    __table_args__ = (UniqueConstraint("bracket_id", "group_name", "round", "slot"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bracket_id: Mapped[int] = mapped_column(ForeignKey("bracket.id"), index=True)
    group_name: Mapped[str] = mapped_column(String(20), default="")
    round: Mapped[int] = mapped_column(Integer)
    slot: Mapped[int] = mapped_column(Integer)
    entry_a_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"), nullable=True)
    entry_b_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"), nullable=True)
    score_a: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)
    score_b: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)
    winner_entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|done|bye
    bracket: Mapped[Bracket] = relationship(back_populates="matches")


class Certificate(db.Model):
    __tablename__ = "certificate"
    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    trade_id: Mapped[int] = mapped_column(ForeignKey("trade.id"), index=True)
    contestant_id: Mapped[int | None] = mapped_column(ForeignKey("contestant.id"),
                                                      nullable=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), nullable=True)
    award: Mapped[str] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(String(100), nullable=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # what was printed
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    void_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"),
                                                       nullable=True)


class Promotion(db.Model):
    """A promotion decision for one contestant in one trade: proposed, then confirmed or
    excluded by the organiser."""
    __tablename__ = "promotion"
    __table_args__ = (UniqueConstraint("contestant_id", "trade_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    trade_id: Mapped[int] = mapped_column(ForeignKey("trade.id"), index=True)
    contestant_id: Mapped[int] = mapped_column(ForeignKey("contestant.id"))
    from_grade: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_grade: Mapped[str | None] = mapped_column(String(20), nullable=True)
    basis: Mapped[str] = mapped_column(String(40), default="")   # by_award | by_pass ...
    reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    exclusion_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    standings_version: Mapped[int] = mapped_column(Integer, default=0)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    contestant: Mapped[Contestant] = relationship()


class Job(db.Model):
    """A background job (e.g. a batch of certificates) whose progress the organiser sees."""
    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued|running|done|failed
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    result_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


APPEAL_OPEN = ("filed", "under_review")


class Appeal(db.Model):
    """An appeal (申诉) against an entry's result, filed by the organiser or the arbitration
    panel for the contestant or team, decided by the arbitration panel with reasons. The
    re-scoring it caused is in AuditLog (action mark.appeal, new["appeal"] = this id)."""
    __tablename__ = "appeal"
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    trade_id: Mapped[int] = mapped_column(ForeignKey("trade.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    appellant: Mapped[str] = mapped_column(String(100), default="")   # who appeals, in words
    grounds: Mapped[str] = mapped_column(Text)
    # filed | under_review | upheld | rejected
    status: Mapped[str] = mapped_column(String(20), default="filed")
    filed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # past the deadline: the organiser accepted it anyway, with this reason
    late_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    review_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                               nullable=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)

    trade: Mapped[Trade] = relationship()
    entry: Mapped[Entry] = relationship()
    filed_by: Mapped[User] = relationship(foreign_keys=[filed_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_open(self) -> bool:
        return self.status in APPEAL_OPEN
