"""Award certificates: issue from the standings, void, re-issue, verify, print.

Serials are <year>-<TRADE>-<nnnn>-<XXXXXX>, numbered per trade and never reused; the last
part is a keyed digest of the rest (serial_check), so serials cannot be guessed from one
another, and a number issued twice at once still collides in the unique index. A certificate
records what was printed (Certificate.data); re-printing uses that record, so a copy made
later looks like the original. Every change writes an AuditLog row in its transaction.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from flask import current_app, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from exports.data import CertificateData, chinese_date

from ..extensions import db
from ..models import AuditLog, Certificate, Competition, Contestant, Entry, Trade, User, utcnow
from ..timefmt import local_today
from .errors import ServiceError, _
from .standings import trade_standings


class DocumentError(ServiceError):
    """A document action that cannot be done. ``msgid`` is an English msgid with
    %(name)s placeholders filled from ``params``; ``message`` is it translated (in a
    request) and filled; ``status`` is the HTTP status. A route that does not catch it
    gets the app's ServiceError page: the message with this status, never a 500."""
    status = 409

    def __init__(self, message: str, status: int = 409, field: str | None = None,
                 **params):
        self.msgid, self.params = message, params
        super().__init__(message % params if params else message, field)
        self.status = status

    @property
    def message(self) -> str:
        return _(self.msgid, **self.params)

    @message.setter
    def message(self, _value: str) -> None:
        """ServiceError sets the English text; the message is made from msgid on read."""


def _font_path() -> str | None:
    return current_app.config.get("CJK_FONT_PATH")


LOOPBACK = ("localhost", "127.", "[::1]")


def base_url() -> str:
    """Where verification pages are served, for the QR code: PUBLIC_BASE_URL, else the
    address this request came to, unless that is the server PC's own loopback address
    (a phone cannot open 127.0.0.1): then this machine's first LAN address, same port."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    scheme, host, port = "http", "", "5000"
    if has_request_context():
        scheme, host = request.scheme, request.host
        if not host.startswith(LOOPBACK):
            return f"{scheme}://{host}"
        port = host.rsplit(":", 1)[1] if host.count(":") == 1 or "]:" in host else ""
    from ..netinfo import lan_addresses
    addresses = lan_addresses()
    if not addresses:
        return f"{scheme}://{host}" if host else "http://127.0.0.1:5000"
    return f"{scheme}://{addresses[0]}" + (f":{port}" if port else "")


def verify_url(serial: str, base: str | None = None) -> str:
    return f"{base or base_url()}/verify/{serial}"


def serial_prefix(trade: Trade) -> str:
    return f"{trade.competition.year}-{re.sub(r'[^A-Z0-9_]', '', trade.code.upper())[:20]}-"


# printable and unambiguous when read off paper: no 0/O, 1/I/L
SERIAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SERIAL_CHECK_LENGTH = 6     # 31**6: close to a billion possibilities per number


def serial_check(base: str, competition_id: int) -> str:
    """The random-looking part of a serial: an HMAC of the rest under the app's secret key
    (the same number always gets the same part, so two issues at once still collide)."""
    import hashlib
    import hmac
    key = str(current_app.config["SECRET_KEY"]).encode()
    n = int.from_bytes(hmac.new(key, f"certificate:{competition_id}:{base}".encode(),
                                hashlib.sha256).digest()[:8], "big")
    out = []
    for _position in range(SERIAL_CHECK_LENGTH):
        n, digit = divmod(n, len(SERIAL_ALPHABET))
        out.append(SERIAL_ALPHABET[digit])
    return "".join(out)


def make_serial(trade: Trade, number: int) -> str:
    """<year>-<TRADE>-<nnnn>-<XXXXXX>."""
    base = serial_prefix(trade) + f"{number:04d}"
    return f"{base}-{serial_check(base, trade.competition_id)}"


def _next_number(trade: Trade) -> int:
    prefix = serial_prefix(trade)
    serials = db.session.scalars(select(Certificate.serial).where(
        Certificate.serial.like(prefix + "%"))).all()
    numbers = [int(n) for n in (s[len(prefix):].split("-")[0] for s in serials)
               if n.isdigit()]
    return max(numbers, default=0) + 1


TEAM_MODES = ("both", "team", "members")   # what a team with an award gets
DEFAULT_TEAM_MODE = "both"


def team_certificate_mode(comp: Competition) -> str:
    """Team certificates: "team" (one in the team's name), "members" (one per member, in
    the member's name with the team's), or "both" (the default)."""
    mode = (comp.settings or {}).get("team_certificates")
    return mode if mode in TEAM_MODES else DEFAULT_TEAM_MODE


def set_team_certificate_mode(comp: Competition, user: User | None, mode: str) -> None:
    """Choose what teams get (audited). Certificates already issued stay; the missing
    ones follow the new choice. Raises DocumentError for an unknown choice."""
    if mode not in TEAM_MODES:
        raise DocumentError("Choose what teams get: a team certificate, one per member, or "
                            "both.", 400, field="team_certificates")
    old = team_certificate_mode(comp)
    comp.settings = {**(comp.settings or {}), "team_certificates": mode}
    db.session.add(AuditLog(user_id=user.id if user else None, action="settings.update",
                            object_type="competition", object_id=comp.id,
                            competition_id=comp.id, old={"team_certificates": old},
                            new={"team_certificates": mode}))
    db.session.commit()


@dataclass(frozen=True)
class MemberEntry:
    """A team's entry as one of its members' certificates sees it: the member's name and
    employer, the team's lot number. Has the attributes of Entry that documents use."""
    entry: Entry
    member: Contestant

    @property
    def id(self) -> int:
        return self.entry.id

    @property
    def lot_number(self) -> str | None:
        return self.entry.lot_number

    @property
    def team_id(self) -> int | None:
        return self.entry.team_id

    @property
    def team(self):
        return self.entry.team

    @property
    def contestant_id(self) -> int:
        return self.member.id

    @property
    def contestant(self) -> Contestant:
        return self.member

    @property
    def display_name(self) -> str:
        return self.member.name

    @property
    def employer(self) -> str:
        return self.member.employer or self.entry.employer


@dataclass
class Awarded:
    """An entry with an award in the current standings, and its current certificate.
    A team's members each have one too (``entry`` is then a MemberEntry)."""
    rank: int | None
    entry: Entry | MemberEntry
    award: str
    title: str | None
    certificate: Certificate | None

    @property
    def key(self) -> tuple[int | None, int | None]:
        """(contestant, team): a person (c, None), a team (None, t), a member (c, t)."""
        return (self.entry.contestant_id, self.entry.team_id)

    @property
    def member(self) -> bool:
        return isinstance(self.entry, MemberEntry)

    @property
    def stale(self) -> bool:
        """The printed award or title no longer matches the results."""
        c = self.certificate
        return c is not None and (c.award != self.award or (c.title or None) != self.title)


def awarded(trade: Trade, mode: str | None = None) -> list[Awarded]:
    """Entries with an award, in rank order, each with its current certificate (if any).
    A team with an award: the team, its members (not withdrawn, by name), or both, as
    team_certificate_mode (or ``mode``) says; members come right after their team."""
    ts = trade_standings(trade)
    current = {(c.contestant_id, c.team_id): c for c in current_certificates(trade)}
    mode = mode or team_certificate_mode(trade.competition)
    out = []
    placed = [(row.rank, ts.entries.get(row.entry), row.award, row.titles)
              for row in ts.standings.rows if row.status == "ok"]
    if ts.team_rounds is not None:
        # Individuals and team rounds in one stage: a team's award comes from the team
        # ranking (members' part + team rounds), not from its team round alone.
        from .draws import team_table
        team_entry = {e.team_id: e for e in ts.team_entries.values()}
        placed += [(r["rank"], team_entry.get(r["team_id"]), r["award"], r["titles"])
                   for r in team_table(trade, ts.stage, ts)]
    for rank, entry, award, titles in placed:
        if entry is None or not award:
            continue
        title = "、".join(titles) or None
        people: list[Entry | MemberEntry] = [entry]
        if entry.team_id is not None and entry.team is not None:
            members = sorted((m for m in entry.team.members if m.withdrawn_at is None),
                             key=lambda m: (m.name, m.id))
            people = ([entry] if mode != "members" else []) + (
                [MemberEntry(entry, m) for m in members] if mode != "team" else [])
        for who in people:
            out.append(Awarded(rank, who, award, title,
                               current.get((who.contestant_id, who.team_id))))
    # stable: a team's members stay right after it
    out.sort(key=lambda a: (a.rank or 0, a.entry.lot_number or ""))
    return out


def current_certificates(trade: Trade | None = None, comp: Competition | None = None
                         ) -> list[Certificate]:
    """Certificates not voided, in print order: trade, rank, serial."""
    q = select(Certificate).where(Certificate.voided_at.is_(None))
    if trade is not None:
        q = q.where(Certificate.trade_id == trade.id)
    if comp is not None:
        q = q.where(Certificate.competition_id == comp.id)
    certs = db.session.scalars(q).all()
    return sorted(certs, key=lambda c: (c.trade_id, (c.data or {}).get("rank") or 0,
                                        c.serial))


def issue_certificates(trade: Trade, user: User | None) -> list[Certificate]:
    """Issue a certificate to every awarded entry that has none. Existing certificates are
    kept, even stale ones (the organiser re-issues those on purpose). One transaction.
    Raises DocumentError (nothing issued) if another issue took the same serials first."""
    todo = [a for a in awarded(trade) if a.certificate is None]
    number = _next_number(trade)
    issued = []
    try:
        for a in todo:
            cert = _new_certificate(trade, a, make_serial(trade, number))
            number += 1
            issued.append(cert)
        db.session.flush()
        for cert in issued:
            _audit(user, "certificate.issue", cert, None, _snapshot(cert), None)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DocumentError("Certificates of this trade were being issued at the same time; "
                            "nothing was issued now. Try again.") from None
    return issued


def _new_certificate(trade: Trade, a: Awarded, serial: str) -> Certificate:
    comp = trade.competition
    entry = a.entry
    note = None
    if entry.contestant_id is not None and not a.member:  # a member's own promotion is
        # for their individual result, not the team's
        try:
            from .promotions import promotion_note
            note = promotion_note(entry.contestant_id)
        except ImportError:
            note = None
    data = {"competition": comp.name, "name": entry.display_name, "employer": entry.employer,
            "trade": trade.name, "award": a.award, "title": a.title,
            "bodies": split_bodies(comp.organiser),
            "date": (comp.settings or {}).get("certificate_date") or chinese_date(local_today(comp)),
            "promotion_note": note, "team": entry.team_id is not None and not a.member,
            "rank": a.rank, "lot": entry.lot_number, "entry_id": entry.id}
    if a.member:
        data["team_name"] = entry.team.name
    cert = Certificate(serial=serial, competition_id=comp.id, trade_id=trade.id,
                       contestant_id=entry.contestant_id, team_id=entry.team_id,
                       award=a.award, title=a.title, data=data)
    db.session.add(cert)
    return cert


def split_bodies(organiser: str) -> list[str]:
    """"示例县总工会　示例县人社局" (or 、 ; newline) -> the issuing bodies, one each."""
    return [p for p in re.split(r"[\u3000、;；,，\n]+", organiser or "") if p.strip()]


def void_certificate(cert: Certificate, user: User | None, reason: str) -> None:
    """Void a certificate: it then verifies as void. Raises DocumentError without a
    reason or if it is void already."""
    reason = (reason or "").strip()
    if not reason:
        raise DocumentError("Give a reason for voiding the certificate.", 400)
    if cert.voided_at is not None:
        raise DocumentError("Certificate %(serial)s is void already.", serial=cert.serial)
    old = _snapshot(cert)
    cert.voided_at, cert.void_reason = utcnow(), reason[:300]
    _audit(user, "certificate.void", cert, old, _snapshot(cert), reason)
    db.session.commit()


def reissue_certificate(cert: Certificate, user: User | None, reason: str) -> Certificate:
    """Void ``cert`` and issue a new one (new serial) from the current results; the old
    one records what replaced it. Raises DocumentError if the entry has no award now
    (void it instead) or if the certificate is void already."""
    reason = (reason or "").strip()
    if not reason:
        raise DocumentError("Give a reason for re-issuing the certificate.", 400)
    if cert.voided_at is not None:
        raise DocumentError("Certificate %(serial)s is void already.", serial=cert.serial)
    trade = db.session.get(Trade, cert.trade_id)
    # "both": a member's certificate is re-issued even if teams now get only theirs
    now = next((a for a in awarded(trade, "both")
                if a.key == (cert.contestant_id, cert.team_id)), None)
    if now is None:
        raise DocumentError("%(name)s has no award in the current results: void the "
                            "certificate instead.", name=(cert.data or {}).get("name", ""))
    old = _snapshot(cert)
    cert.voided_at, cert.void_reason = utcnow(), reason[:300]
    db.session.flush()
    new = _new_certificate(trade, now, make_serial(trade, _next_number(trade)))
    db.session.flush()
    cert.replaced_by_id = new.id
    _audit(user, "certificate.void", cert, old, _snapshot(cert), reason)
    _audit(user, "certificate.issue", new, None, _snapshot(new), reason)
    db.session.commit()
    return new


def certificate_data(cert: Certificate, base: str | None = None) -> CertificateData:
    """What to print for ``cert``: its recorded snapshot and its verification URL."""
    d = cert.data or {}
    return CertificateData(
        serial=cert.serial, competition=d.get("competition", ""), name=d.get("name", ""),
        employer=d.get("employer", ""), trade=d.get("trade", ""), award=cert.award,
        verify_url=verify_url(cert.serial, base), title=cert.title,
        bodies=tuple(d.get("bodies") or ()), date=d.get("date"),
        promotion_note=d.get("promotion_note"), team=bool(d.get("team")),
        void=cert.voided_at is not None, rank=d.get("rank"), team_name=d.get("team_name"))


def certificate_layout(comp: Competition):
    """The competition's certificate layout (default + settings["certificate_layout"]).
    Raises DocumentError naming the problem if the settings do not validate."""
    import pydantic

    from exports.layout import load_layout
    try:
        layout = load_layout((comp.settings or {}).get("certificate_layout"))
    except pydantic.ValidationError as err:
        raise DocumentError("The certificate layout in the competition settings is not "
                            "valid: %(problem)s", 400, problem=problems(err)) from None
    return with_background(layout)


def with_background(layout, preview: bool = False):
    """The layout with its background image's stored name made a path (checked to exist);
    ``preview``: drawn even when it is only the pre-printed paper's scan."""
    from .certificate_form import background_path
    if not layout.background:
        return layout
    path = background_path(layout.background)
    if path is None:
        raise DocumentError("The certificate background must be an image uploaded on the "
                            "certificate layout page, not %(name)s.", 400,
                            field="background", name=str(layout.background)[:80])
    if not Path(path).is_file():
        raise DocumentError("The certificate background image %(name)s is missing; upload it "
                            "again on the certificate layout page.", 409,
                            name=Path(layout.background).name)
    return layout.model_copy(update={"background": path,
                                     "print_background": layout.print_background or preview})


def preview_certificate(comp: Competition, trade: Trade, overrides: dict, out) -> str:
    """One certificate of ``trade`` from real data (see certificate_form.preview_data) in
    the layout ``overrides`` (not saved), with the background even when it is not printed.
    Returns what the data is (certificate, awarded, registered, sample)."""
    import pydantic

    from exports.certificates import render_certificates
    from exports.layout import load_layout

    from .certificate_form import preview_data
    try:
        layout = load_layout(overrides)
    except pydantic.ValidationError as err:
        raise DocumentError("The certificate layout is not valid: %(problem)s", 400,
                            problem=problems(err)) from None
    data, what = preview_data(trade)
    render_certificates([data], out, with_background(layout, preview=True),
                        font_path=_font_path(), title="证书预览")
    return what


def write_certificates(certs: Iterable[Certificate], comp: Competition, out,
                       base: str | None = None, progress=None) -> int:
    """Render ``certs`` (in the order given) into one PDF. Returns the page count."""
    from exports.certificates import render_certificates
    layout = certificate_layout(comp)
    base = base or base_url()
    return render_certificates((certificate_data(c, base) for c in certs), out, layout,
                               font_path=_font_path(), progress=progress)


@dataclass
class Verification:
    status: str                       # genuine | void | unknown | unpublished
    certificate: Certificate | None = None
    replaced_by: Certificate | None = None


def verify(serial: str) -> Verification:
    """What the public verification page says about ``serial``. A certificate of a trade
    whose results are not published says only that (no name, employer or award: a blind
    trade's lot numbers would be matched to names)."""
    cert = db.session.scalar(select(Certificate).where(Certificate.serial == serial[:40]))
    if cert is None:
        return Verification("unknown")
    trade = db.session.get(Trade, cert.trade_id)
    if trade is None or not trade.published:
        return Verification("unpublished")
    if cert.voided_at is not None:
        replaced = db.session.get(Certificate, cert.replaced_by_id) if cert.replaced_by_id \
            else None
        return Verification("void", cert, replaced)
    return Verification("genuine", cert)


def _snapshot(cert: Certificate) -> dict:
    return {"serial": cert.serial, "award": cert.award, "title": cert.title,
            "voided_at": cert.voided_at.isoformat() if cert.voided_at else None,
            "replaced_by_id": cert.replaced_by_id}


def _audit(user, action: str, cert: Certificate, old, new, reason) -> None:
    db.session.add(AuditLog(user_id=user.id if user else None, action=action,
                            object_type="certificate", object_id=cert.id,
                            competition_id=cert.competition_id, trade_id=cert.trade_id,
                            old=old, new=new, reason=reason))


def export_dir() -> Path:
    path = Path(current_app.config["EXPORT_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


SAMPLE = {"serial": "2026-SAMPLE-0001", "name": "欧阳示例", "employer":
          "示例县城关镇第二社区居家养老服务中心", "trade": "养老护理员", "award": "一等奖",
          "title": "县技术能手", "promotion_note": "晋升为三级/高级工"}


def problems(err) -> str:
    """A pydantic ValidationError as "fields.name.template: unknown placeholder ..."."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'layout'}: "
                     f"{e['msg'].removeprefix('Value error, ')}" for e in err.errors())


def save_certificate_layout(comp: Competition, user: User | None, overrides: dict) -> None:
    """Validate and store the competition's layout overrides (audited). Raises
    DocumentError naming the problem; nothing is stored then."""
    import pydantic

    from exports.layout import load_layout
    if not isinstance(overrides, dict):
        raise DocumentError("The layout must be a JSON object.", 400)
    try:
        load_layout(overrides)
    except pydantic.ValidationError as err:
        raise DocumentError("The certificate layout is not valid: %(problem)s", 400,
                            problem=problems(err)) from None
    from .certificate_form import is_stored_background
    if overrides.get("background") and not is_stored_background(overrides["background"]):
        raise DocumentError("The certificate background must be an image uploaded on the "
                            "certificate layout page, not %(name)s.", 400,
                            field="background", name=str(overrides["background"])[:80])
    old = (comp.settings or {}).get("certificate_layout")
    comp.settings = {**(comp.settings or {}), "certificate_layout": overrides}
    db.session.add(AuditLog(user_id=user.id if user else None, action="settings.update",
                            object_type="competition", object_id=comp.id,
                            competition_id=comp.id, old={"certificate_layout": old},
                            new={"certificate_layout": overrides}))
    db.session.commit()


def sample_certificate(comp: Competition, out, overrides: dict | None = None) -> None:
    """A fictional certificate printed with the competition's layout (or ``overrides``),
    to check positions on the paper before printing the real ones."""
    from exports.certificates import render_certificates
    from exports.layout import load_layout
    layout = with_background(load_layout(overrides)) if overrides is not None \
        else certificate_layout(comp)
    data = CertificateData(**SAMPLE, competition=comp.name, verify_url=verify_url("SAMPLE"),
                           bodies=tuple(split_bodies(comp.organiser)),
                           date=(comp.settings or {}).get("certificate_date")
                           or chinese_date(local_today(comp)))
    render_certificates([data], out, layout, font_path=_font_path())
