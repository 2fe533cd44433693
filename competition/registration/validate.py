"""Validate every row of a sign-up sheet before anything is written.

Input: rows as (row number, {column key: raw cell value}); the context (known trades,
existing registrations, options). Output: the good rows as Registration objects and a
RowError for every problem found, each naming its row, column and reason. Pure: no Flask,
no database.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Mapping, Sequence

from . import idcard
from .columns import HEADER_OF
from .grades import GradeError, parse_grade

PHONE = re.compile(r"^1[3-9]\d{9}$")
GENDERS = {"男": "男", "女": "女", "男性": "男", "女性": "女", "m": "男", "f": "女",
           "male": "男", "female": "女"}


@dataclass(frozen=True)
class TradeRef:
    code: str
    name: str


@dataclass(frozen=True)
class RowError:
    row: int            # the Excel row number (1-based); 0 for the sheet as a whole
    column: str         # column key ("id_number"...), "" for the whole row
    code: str           # rule that failed: id_check_digit, phone_format, duplicate_in_file...
    message: str        # English explanation with the particulars
    value: str = ""
    params: dict = field(default_factory=dict, compare=False)

    @property
    def header(self) -> str:
        return HEADER_OF.get(self.column, "")


@dataclass(frozen=True)
class Registration:
    row: int
    name: str
    gender: str
    id_number: str
    employer: str
    phone: str
    trade_code: str
    grade: str | None
    team: str | None
    birth_date: date


@dataclass
class Context:
    """What validation needs to know besides the rows.

    ``existing`` maps (id_number, trade_code) of registrations already stored to their
    state ("active" or "withdrawn"). ``default_trade`` is used when the sheet has no trade
    column or the cell is blank (an import for one trade)."""
    trades: Sequence[TradeRef]
    existing: Mapping[tuple[str, str], str] = field(default_factory=dict)
    default_trade: str | None = None
    today: date = field(default_factory=date.today)
    min_age: int | None = 16
    require_phone: bool = True
    one_trade_per_person: bool = False
    team_size: tuple[int, int] | None = None
    ladder: str | None = None          # "five" (default) or "eight"

    def __post_init__(self):
        self._trade_lookup = {}
        for t in self.trades:
            self._trade_lookup[_squash(t.name)] = t.code
            self._trade_lookup[_squash(t.code).lower()] = t.code

    def trade_code(self, text: str) -> str | None:
        key = _squash(text)
        return self._trade_lookup.get(key) or self._trade_lookup.get(key.lower())


@dataclass
class Report:
    good: list[Registration]
    errors: list[RowError]
    total_rows: int

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row})

    @property
    def ok(self) -> bool:
        return not self.errors


def _squash(value: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(value)))


def cell_text(value: object) -> str:
    """A cell as text: numbers without a trailing .0, everything stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _RowCheck:
    """Collects the errors of one row."""

    def __init__(self, row: int):
        self.row = row
        self.errors: list[RowError] = []

    def fail(self, column: str, code: str, message: str, value: object = "", **params):
        self.errors.append(RowError(self.row, column, code, message, cell_text(value), params))


def validate_rows(rows: Iterable[tuple[int, Mapping[str, object]]], ctx: Context) -> Report:
    """Check every row; duplicates within the file and against ``ctx.existing`` too.

    Returns a Report whose ``good`` rows can all be written and whose ``errors`` list
    every problem (a row may have several)."""
    checked: list[tuple[Registration | None, list[RowError]]] = []
    total = 0
    for rownum, cells in rows:
        total += 1
        checked.append(_check_row(rownum, cells, ctx))
    _check_duplicates(checked, ctx)
    _check_teams(checked, ctx)
    good = [reg for reg, errs in checked if reg is not None and not errs]
    errors = [e for _, errs in checked for e in errs]
    return Report(good=good, errors=errors, total_rows=total)


def _check_row(rownum: int, cells: Mapping[str, object], ctx: Context):
    chk = _RowCheck(rownum)
    raw = {k: cells.get(k) for k in HEADER_OF}
    name = cell_text(raw["name"])
    if not name:
        chk.fail("name", "required", "the name is missing")
    elif len(name) > 50 or re.search(r"\d", name):
        chk.fail("name", "name_format", "a name has no digits and at most 50 characters", name)
    _check_invisible(chk, raw, ("name", "employer", "team"))

    card = None
    id_value = raw["id_number"]
    if isinstance(id_value, float) and id_value >= 1e15:
        # Excel keeps 15 significant digits of a number: the last ones are gone
        chk.fail("id_number", "id_number_as_number",
                 "the ID number was stored as a number and Excel dropped digits; "
                 "format the column as text", id_value)
    elif not cell_text(id_value):
        chk.fail("id_number", "required", "the ID number is missing")
    else:
        try:
            card = idcard.parse(cell_text(id_value), today=ctx.today)
        except idcard.IdCardError as err:
            chk.fail("id_number", err.code, str(err), id_value)
    if card is not None and ctx.min_age is not None and card.age_on(ctx.today) < ctx.min_age:
        chk.fail("id_number", "too_young", f"born {card.birth_date}: younger than {ctx.min_age}",
                 id_value, min_age=ctx.min_age)

    gender = _check_gender(chk, raw["gender"], card)

    employer = cell_text(raw["employer"])
    if not employer:
        chk.fail("employer", "required", "the employer is missing")
    elif len(employer) > 200:
        chk.fail("employer", "too_long", "at most 200 characters", employer, limit=200)

    phone = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", cell_text(raw["phone"])))
    phone = re.sub(r"^(\+?86)(?=1\d{10}$)", "", phone)
    if not phone:
        if ctx.require_phone:
            chk.fail("phone", "required", "the mobile number is missing")
    elif not PHONE.match(phone):
        chk.fail("phone", "phone_format", "a mobile number is 11 digits starting 13-19",
                 raw["phone"])

    trade_text = cell_text(raw["trade"])
    trade = ctx.trade_code(trade_text) if trade_text else ctx.default_trade
    if trade is None:
        if trade_text:
            chk.fail("trade", "unknown_trade", f"no trade called {trade_text}", trade_text)
        else:
            chk.fail("trade", "required", "the trade is missing")

    grade = None
    try:
        grade = parse_grade(cell_text(raw["grade"]), ctx.ladder)
    except GradeError as err:
        chk.fail("grade", "unknown_grade", str(err), raw["grade"])

    team = cell_text(raw["team"]) or None
    if team is not None and len(team) > 100:
        chk.fail("team", "too_long", "at most 100 characters", team, limit=100)

    if chk.errors or card is None or trade is None:
        return None, chk.errors
    return Registration(row=rownum, name=name, gender=gender, id_number=card.number,
                        employer=employer, phone=phone, trade_code=trade, grade=grade,
                        team=team, birth_date=card.birth_date), chk.errors


def invisible_characters(text: str) -> list[str]:
    """Characters that change how text is shown without being seen: direction overrides
    (U+202E turns 示例厂 around on a screen or certificate), zero-width and control
    characters. Line breaks and tabs are not counted (Excel's Alt+Enter)."""
    return [f"U+{ord(ch):04X}" for ch in text
            if ch not in "\t\n\r" and unicodedata.category(ch) in ("Cf", "Cc", "Cs")]


def _check_invisible(chk: _RowCheck, raw: Mapping[str, object], keys: Sequence[str]) -> None:
    for key in keys:
        found = invisible_characters(cell_text(raw.get(key)))
        if found:
            chk.fail(key, "invisible_chars", "invisible or direction-changing characters: "
                     + " ".join(dict.fromkeys(found)), "", chars=" ".join(dict.fromkeys(found)))


def _check_gender(chk: _RowCheck, value: object, card) -> str:
    text = cell_text(value)
    if not text:
        return card.gender if card else ""
    gender = GENDERS.get(text.lower())
    if gender is None:
        chk.fail("gender", "gender_value", "the gender is 男 or 女", text)
        return ""
    if card is not None and gender != card.gender:
        chk.fail("gender", "gender_mismatch",
                 f"the ID number says {card.gender}, the sheet says {gender}", text,
                 expected=card.gender)
    return gender


def _check_duplicates(checked, ctx: Context) -> None:
    first_row: dict[tuple[str, str], int] = {}
    person_trades: dict[str, set[str]] = defaultdict(set)
    for (idn, trade), _state in ctx.existing.items():
        person_trades[idn].add(trade)
    person_rows: dict[str, int] = {}
    for reg, errs in checked:
        if reg is None:
            continue
        key = (reg.id_number, reg.trade_code)
        if key in first_row:
            errs.append(RowError(reg.row, "id_number", "duplicate_in_file",
                                 f"the same person and trade as row {first_row[key]}",
                                 reg.id_number, {"other_row": first_row[key]}))
        elif key in ctx.existing:
            state = ctx.existing[key]
            errs.append(RowError(reg.row, "id_number", "already_registered" if state != "withdrawn"
                                 else "already_registered_withdrawn",
                                 f"already registered for this trade ({state})", reg.id_number,
                                 {"state": state}))
        elif ctx.one_trade_per_person and (person_trades[reg.id_number] or
                                           reg.id_number in person_rows):
            errs.append(RowError(reg.row, "trade", "one_trade_per_person",
                                 "this person is already entered in another trade",
                                 reg.trade_code))
        first_row.setdefault(key, reg.row)
        person_rows.setdefault(reg.id_number, reg.row)


def _check_teams(checked, ctx: Context) -> None:
    teams: dict[tuple[str, str], list[tuple[Registration, list]]] = defaultdict(list)
    for reg, errs in checked:
        if reg is not None and reg.team:
            teams[(reg.trade_code, reg.team)].append((reg, errs))
    for (_trade, name), members in teams.items():
        employer = members[0][0].employer
        for reg, errs in members[1:]:
            if reg.employer != employer:
                errs.append(RowError(reg.row, "employer", "team_mixed_employers",
                                     f"team {name} is from {employer} (row {members[0][0].row})",
                                     reg.employer, {"team": name, "expected": employer}))
        if ctx.team_size is not None:
            low, high = ctx.team_size
            if not low <= len(members) <= high:
                for reg, errs in members:
                    errs.append(RowError(reg.row, "team", "team_size",
                                         f"team {name} has {len(members)} members, "
                                         f"not {low}-{high}", name,
                                         {"size": len(members), "min": low, "max": high}))
