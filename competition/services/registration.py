"""Registration use cases: import a sign-up sheet, add, edit, withdraw and reinstate a
contestant. Each is one transaction with an AuditLog row.

An import is all or nothing: when any row is bad, nothing is written unless the organiser
chose "import the good rows only", and then every good row is written in one transaction.

Raises ServiceError (400) and its kinds NotFound (404), Conflict (409), Forbidden (403):
each carries a message for the user and the field at fault (or None). An import with bad
rows raises ImportRefused, which carries the validation report.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import AuditLog, Competition, Contestant, Entry, Team, Trade, User, utcnow
from ..registration import Context, Registration, Report, RowError, TradeRef, validate_rows, validate_workbook
from .errors import Conflict, Forbidden, NotFound, ServiceError, _  # noqa: F401 (re-exported)

EDITABLE = ("name", "gender", "id_number", "employer", "phone", "grade", "team")


class ImportRefused(ServiceError):
    """The sheet has bad rows and the organiser did not choose the good rows only."""

    def __init__(self, report: Report):
        super().__init__(_("%(n)d rows have errors; nothing was imported.",
                           n=len(report.bad_rows)))
        self.report = report


@dataclass
class ImportResult:
    report: Report
    imported: int
    teams_created: int
    skipped_rows: list[int]


def audit(user: User | None, action: str, object_type: str, object_id: int | None, *,
          competition_id: int | None = None, trade_id: int | None = None,
          heat_id: int | None = None, old: dict | None = None, new: dict | None = None,
          reason: str | None = None) -> None:
    """Add an AuditLog row to the current transaction (the caller commits)."""
    db.session.add(AuditLog(user_id=user.id if user is not None else None, action=action,
                            object_type=object_type, object_id=object_id,
                            competition_id=competition_id, trade_id=trade_id,
                            heat_id=heat_id, old=old, new=new, reason=reason))


# --- validation ------------------------------------------------------------------------

def validation_context(comp: Competition, *, default_trade: str | None = None,
                       exclude_contestant: int | None = None) -> Context:
    """The trades of ``comp`` and its stored registrations, for duplicate checks."""
    trades = db.session.scalars(select(Trade).where(Trade.competition_id == comp.id)).all()
    rows = db.session.execute(
        select(Contestant.id, Contestant.id_number, Trade.code, Contestant.withdrawn_at)
        .join(Trade, Trade.id == Contestant.trade_id)
        .where(Contestant.competition_id == comp.id)).all()
    existing = {(r.id_number, r.code): "withdrawn" if r.withdrawn_at else "active"
                for r in rows if r.id != exclude_contestant}
    settings = comp.settings or {}
    team_size = settings.get("team_size")
    return Context(trades=[TradeRef(t.code, t.name) for t in trades], existing=existing,
                   default_trade=default_trade,
                   require_phone=bool(settings.get("require_phone", True)),
                   one_trade_per_person=bool(settings.get("one_trade_per_person", False)),
                   team_size=tuple(team_size) if team_size else None,
                   ladder=settings.get("grade_ladder"))


def check_sheet(comp: Competition, data: bytes, *, team: bool = False,
                default_trade: str | None = None) -> Report:
    """Validate a workbook without writing. Raises registration.SheetError for a file
    that is not a sign-up sheet."""
    return validate_workbook(data, validation_context(comp, default_trade=default_trade),
                             team=team)


# --- import ----------------------------------------------------------------------------

def import_sheet(comp: Competition, data: bytes, user: User | None, *, good_only: bool = False,
                 team: bool = False, default_trade: str | None = None,
                 filename: str = "") -> ImportResult:
    """Validate and import a workbook in one transaction. Raises ImportRefused (nothing
    written) when rows are bad and ``good_only`` is false; SheetError for a broken file."""
    report = check_sheet(comp, data, team=team, default_trade=default_trade)
    return import_report(comp, report, user, good_only=good_only, filename=filename)


def import_report(comp: Competition, report: Report, user: User | None, *,
                  good_only: bool = False, filename: str = "") -> ImportResult:
    """Write the good rows of a validation report (see import_sheet)."""
    if report.errors and not good_only:
        raise ImportRefused(report)
    trades = {t.code: t for t in db.session.scalars(
        select(Trade).where(Trade.competition_id == comp.id))}
    try:
        team_ids, created = _ensure_teams(comp, trades, report.good)
        if report.good:
            db.session.execute(insert(Contestant), [
                {"competition_id": comp.id, "trade_id": trades[r.trade_code].id,
                 "team_id": team_ids.get((r.trade_code, r.team)) if r.team else None,
                 "name": r.name, "gender": r.gender, "id_number": r.id_number,
                 "employer": r.employer, "phone": r.phone, "grade": r.grade,
                 "created_at": utcnow()}
                for r in report.good])
        audit(user, "registration.import", "competition", comp.id, competition_id=comp.id,
              new={"file": filename, "imported": len(report.good), "teams_created": created,
                   "good_only": good_only, "skipped_rows": report.bad_rows,
                   "by_trade": _count_by_trade(report.good)})
        db.session.commit()
    except IntegrityError:
        # someone registered one of these people since the sheet was checked
        db.session.rollback()
        raise Conflict(_("Registrations changed while importing; nothing was imported. "
                         "Check the sheet again."), None) from None
    except Exception:
        db.session.rollback()
        raise
    return ImportResult(report, len(report.good), created, report.bad_rows)


def _count_by_trade(regs: list[Registration]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in regs:
        out[r.trade_code] = out.get(r.trade_code, 0) + 1
    return out


def _ensure_teams(comp, trades, regs) -> tuple[dict[tuple[str, str], int], int]:
    wanted = {(r.trade_code, r.team): r.employer for r in regs if r.team}
    if not wanted:
        return {}, 0
    have = {(t.trade_id, t.name): t for t in db.session.scalars(
        select(Team).where(Team.competition_id == comp.id))}
    ids, created = {}, 0
    for (code, name), employer in wanted.items():
        team = have.get((trades[code].id, name))
        if team is None:
            team = Team(competition_id=comp.id, trade_id=trades[code].id, name=name,
                        employer=employer)
            db.session.add(team)
            created += 1
        ids[(code, name)] = team
    db.session.flush()
    return {k: t.id for k, t in ids.items()}, created


# --- one contestant ----------------------------------------------------------------------

def get_contestant(contestant_id: int) -> Contestant:
    c = db.session.get(Contestant, contestant_id)
    if c is None:
        raise NotFound(_("No such contestant."), "contestant_id")
    return c


def _validate_one(comp: Competition, fields: dict, exclude: int | None,
                  require_phone: bool | None = None) -> Registration:
    ctx = validation_context(comp, exclude_contestant=exclude)
    if require_phone is not None:
        ctx.require_phone = ctx.require_phone and require_phone
    report = validate_rows([(1, fields)], ctx)
    if report.errors:
        raise FieldErrors([(err.column or None, row_error_message(err))
                           for err in report.errors])
    return report.good[0]


class FieldErrors(ServiceError):
    """Every field's problem at once (a form shows each beside its field): ``errors`` is a
    list of (field, message); ``message``/``field`` are the first, as for ServiceError."""

    def __init__(self, errors: list[tuple[str | None, str]]):
        super().__init__(errors[0][1], errors[0][0])
        self.errors = errors


def add_contestant(comp: Competition, fields: dict, user: User | None) -> Contestant:
    """Register one contestant (fields keyed like the sheet's columns: name, gender,
    id_number, employer, phone, trade, grade, team). Raises ServiceError naming the field."""
    reg = _validate_one(comp, fields, None)
    trade = _trade(comp, reg.trade_code)
    team_ids, _created = _ensure_teams(comp, {trade.code: trade}, [reg])
    c = Contestant(competition_id=comp.id, trade_id=trade.id, name=reg.name,
                   gender=reg.gender, id_number=reg.id_number, employer=reg.employer,
                   phone=reg.phone, grade=reg.grade,
                   team_id=team_ids.get((trade.code, reg.team)) if reg.team else None)
    db.session.add(c)
    db.session.flush()
    audit(user, "contestant.create", "contestant", c.id, competition_id=comp.id,
          trade_id=trade.id, new=_snapshot(c))
    db.session.commit()
    return c


def update_contestant(c: Contestant, fields: dict, user: User | None,
                      reason: str | None = None) -> Contestant:
    """Change a contestant's details (the trade stays); the audit row keeps the old and
    new values of every changed field. Raises ServiceError naming the field."""
    comp = db.session.get(Competition, c.competition_id)
    merged = {**sheet_fields(c), **{k: v for k, v in fields.items() if k in EDITABLE}}
    merged["trade"] = c.trade.code
    # a record stored without a phone (entered before phones were asked for) stays editable
    reg = _validate_one(comp, merged, c.id, require_phone=bool(c.phone))
    old = _snapshot(c)
    team_ids, _ = _ensure_teams(comp, {c.trade.code: c.trade}, [reg])
    c.name, c.gender, c.id_number = reg.name, reg.gender, reg.id_number
    c.employer, c.phone, c.grade = reg.employer, reg.phone, reg.grade
    c.team_id = team_ids.get((c.trade.code, reg.team)) if reg.team else None
    new = _snapshot(c)
    changed = {k for k in new if new[k] != old[k]}
    if changed:
        audit(user, "contestant.update", "contestant", c.id, competition_id=c.competition_id,
              trade_id=c.trade_id, old={k: old[k] for k in changed},
              new={k: new[k] for k in changed}, reason=reason)
    db.session.commit()
    if changed & SHOWN_FIELDS:   # screens show the name and employer: a new version now
        _trade_changed(c.trade_id, _has_entries(c))
    return c


def withdraw_contestant(c: Contestant, user: User | None, reason: str) -> Contestant:
    """Withdraw (退赛): the contestant and their marks stay, their entries are marked
    withdrawn. Raises ServiceError without a reason, Conflict if already withdrawn."""
    if not (reason or "").strip():
        raise ServiceError(_("Give the reason for the withdrawal."), "reason")
    if c.withdrawn_at is not None:
        raise Conflict(_("This contestant has already withdrawn."), None)
    c.withdrawn_at = utcnow()
    c.withdrawn_reason = reason.strip()[:300]
    entries = db.session.scalars(select(Entry).where(Entry.contestant_id == c.id)).all()
    old_status = {e.id: e.status for e in entries}
    for e in entries:
        e.status = "withdrawn"
    audit(user, "contestant.withdraw", "contestant", c.id, competition_id=c.competition_id,
          trade_id=c.trade_id, old={"withdrawn": False, "entries": old_status},
          new={"withdrawn": True}, reason=c.withdrawn_reason)
    db.session.commit()
    _trade_changed(c.trade_id, bool(entries))
    return c


def reinstate_contestant(c: Contestant, user: User | None, reason: str = "") -> Contestant:
    """Undo a withdrawal; entries become active again. Conflict if not withdrawn."""
    if c.withdrawn_at is None:
        raise Conflict(_("This contestant has not withdrawn."), None)
    old = {"withdrawn_at": c.withdrawn_at.isoformat(), "reason": c.withdrawn_reason}
    c.withdrawn_at, c.withdrawn_reason = None, None
    entries = db.session.scalars(select(Entry).where(Entry.contestant_id == c.id,
                                                     Entry.status == "withdrawn")).all()
    for e in entries:
        e.status = "active"
    audit(user, "contestant.reinstate", "contestant", c.id, competition_id=c.competition_id,
          trade_id=c.trade_id, old=old, new={"withdrawn": False}, reason=reason or None)
    db.session.commit()
    _trade_changed(c.trade_id, bool(entries))
    return c


def history(c: Contestant) -> list[AuditLog]:
    """Every recorded change of the contestant, oldest first (the sheet import that
    created them is the competition's import row, not listed here)."""
    return list(db.session.scalars(select(AuditLog).where(
        AuditLog.object_type == "contestant", AuditLog.object_id == c.id)
        .order_by(AuditLog.id)))


SHOWN_FIELDS = {"name", "employer", "team_id"}


def _has_entries(c: Contestant) -> bool:
    return db.session.scalar(select(Entry.id).where(Entry.contestant_id == c.id)
                             .limit(1)) is not None


def _trade_changed(trade_id: int, entries_changed: bool) -> None:
    if entries_changed:
        from .standings import trade_changed
        trade_changed(trade_id)


def _trade(comp: Competition, code: str) -> Trade:
    t = db.session.scalar(select(Trade).where(Trade.competition_id == comp.id,
                                              Trade.code == code))
    if t is None:
        raise NotFound(_("No such trade."), "trade")
    return t


def sheet_fields(c: Contestant) -> dict:
    """A contestant as the sheet's columns (what the edit form shows)."""
    return {"name": c.name, "gender": c.gender, "id_number": c.id_number,
            "employer": c.employer, "phone": c.phone, "trade": c.trade.code,
            "grade": c.grade or "", "team": c.team.name if c.team else ""}


def _snapshot(c: Contestant) -> dict:
    return {"name": c.name, "gender": c.gender, "id_number": c.id_number,
            "employer": c.employer, "phone": c.phone, "grade": c.grade,
            "team_id": c.team_id}


# --- messages -------------------------------------------------------------------------

def row_error_message(err: RowError) -> str:
    """The user's language for a validation problem (the pure core speaks in codes)."""
    p = err.params
    messages = {
        "required": _("This field is required."),
        "name_format": _("A name has no digits and at most 50 characters."),
        "id_old_15": _("An old 15-digit ID number: give the 18-digit number."),
        "id_length": _("An ID number has 18 characters."),
        "id_chars": _("An ID number is 17 digits followed by a digit or X."),
        "id_birth_date": _("The birth date in the ID number is not a real date."),
        "id_check_digit": _("The check digit of the ID number is wrong (a typing error?)."),
        "id_number_as_number": _("Excel stored the ID number as a number and lost digits: "
                                 "format the column as text and type it again."),
        "too_young": _("Younger than %(age)s according to the ID number.",
                       age=p.get("min_age", 16)),
        "gender_value": _("Gender is 男 or 女."),
        "gender_mismatch": _("The ID number says %(g)s.", g=p.get("expected", "")),
        "too_long": _("At most %(n)s characters.", n=p.get("limit", "")),
        "invisible_chars": _("Contains invisible characters that change how the text is "
                             "shown (%(chars)s): type it again.", chars=p.get("chars", "")),
        "phone_format": _("A mobile number has 11 digits and starts with 13-19."),
        "unknown_trade": _("No such trade in this competition."),
        "unknown_grade": _("Not a skill grade (e.g. 五级/初级工 ... 一级/高级技师)."),
        "duplicate_in_file": _("The same person and trade as row %(row)s.",
                               row=p.get("other_row", "")),
        "already_registered": _("Already registered for this trade."),
        "already_registered_withdrawn": _("Already registered for this trade (withdrawn): "
                                          "reinstate them instead."),
        "one_trade_per_person": _("This person is already entered in another trade."),
        "team_mixed_employers": _("A team's members come from one employer (%(e)s).",
                                  e=p.get("expected", "")),
        "team_size": _("The team has %(size)s members, not %(min)s-%(max)s.",
                       size=p.get("size", ""), min=p.get("min", ""), max=p.get("max", "")),
    }
    return messages.get(err.code, err.message)
