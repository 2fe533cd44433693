"""Read a marking-scheme workbook (评分细则表, written by scheme_xlsx) back into rule text,
the way back (the `flask rules import-scheme` command is in competition/cli/rules.py).

Every problem names its sheet, row and column (评分细则!C12); the rule text is validated
by the rules loader before it is returned, so an import never yields a broken rule.
"""
from __future__ import annotations

import re
import tomllib
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

import tomli_w
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .loader import RuleError, parse_rule
from .scheme_wording import n
from .scheme_xlsx import (
    DATA_SHEET,
    FORMAT,
    HEADER_ROW,
    HEADINGS,
    SHEET,
    SOURCE_KEY,
    SchemeError,
    SchemeProblem,
    _points,
)

_FIELD = re.compile(r"^(criteria|components)\[([^\]]+)\]")
TOP_ORDER = ("version", "trade", "scoring", "components", "criteria", "awards")
REGENERATED = ("# Imported from a marking-scheme workbook (评分细则表) that was changed by hand;\n"
               "# the comments of the original rule file could not be kept.\n")


def import_scheme(source: str | Path | BinaryIO) -> str:
    """TOML rule text from a marking-scheme workbook. Raises SchemeError."""
    from ..registration.zipcheck import WorkbookRefused, check_xlsx
    try:
        if isinstance(source, (str, Path)):
            source = BytesIO(Path(source).read_bytes())
        check_xlsx(source)   # sizes, ratios and dimensions before openpyxl opens it (zip bomb)
    except WorkbookRefused as exc:
        why = f"not an xlsx workbook ({exc})" if exc.code == "not_xlsx" else f"workbook refused: {exc}"
        raise SchemeError([SchemeProblem(None, None, None, why)]) from None
    except OSError as exc:
        raise SchemeError([SchemeProblem(None, None, None, f"not an xlsx workbook ({exc})")]) from None
    try:
        wb = load_workbook(source, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise SchemeError([SchemeProblem(None, None, None,
                                         f"not an xlsx workbook ({exc})")]) from None
    missing = [s for s in (SHEET, DATA_SHEET) if s not in wb.sheetnames]
    if missing:
        raise SchemeError([SchemeProblem(s, None, None, "sheet is missing") for s in missing])
    problems: list[SchemeProblem] = []
    top, source = _read_data_sheet(wb[DATA_SHEET], problems)
    comps, crits, rows = _read_rows(wb[SHEET], problems)
    if problems:
        raise SchemeError(problems)
    data = {**top, "components": comps, "criteria": crits}
    data = {k: data[k] for k in (*TOP_ORDER, *data) if k in data}
    text = source if _says(source, data) else REGENERATED + tomli_w.dumps(data)
    try:
        parse_rule(text, source=SHEET)
    except RuleError as exc:
        raise SchemeError([_located(p, rows) for p in exc.problems]) from None
    return text


def _says(source: str, data: dict) -> bool:
    """Whether the original file text still says exactly this rule."""
    try:
        return bool(source) and tomllib.loads(source, parse_float=Decimal) == data
    except tomllib.TOMLDecodeError:
        return False


def _read_data_sheet(ds, problems: list) -> tuple[dict, str]:
    data: dict[str, Any] = {}
    source: list[str] = []
    seen_format = False
    for r, row in enumerate(ds.iter_rows(min_row=2, max_col=2, values_only=True), start=2):
        key, value = (list(row) + [None, None])[:2]
        if key is None:
            continue
        if key == SOURCE_KEY:
            source.append(str(value or ""))
            continue
        if key == "format":
            seen_format = True
            if value != FORMAT:
                problems.append(SchemeProblem(DATA_SHEET, r, "B", f"unknown format {value!r}"))
            continue
        parsed = _toml(value, DATA_SHEET, r, "B", problems)
        if parsed is not None and key not in parsed:
            problems.append(SchemeProblem(DATA_SHEET, r, "B", f"does not define '{key}'"))
        elif parsed is not None:
            data[key] = parsed[key]
    if not seen_format:
        problems.append(SchemeProblem(DATA_SHEET, None, None, "the format row is missing"))
    if "trade" not in data:
        problems.append(SchemeProblem(DATA_SHEET, None, None, "the trade row is missing"))
    return data, "".join(source)


def _read_rows(ws, problems: list) -> tuple[list, list, dict]:
    header = [ws.cell(HEADER_ROW, c).value for c in range(1, len(HEADINGS) + 1)]
    if tuple(header) != HEADINGS:
        problems.append(SchemeProblem(SHEET, HEADER_ROW, "A",
                                      f"expected the headings {'/'.join(HEADINGS)}"))
        return [], [], {}
    comps: list[dict] = []
    crits: list[dict] = []
    rows: dict[tuple[str, str], int] = {}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        ref = ws.cell(r, 6).value
        if ref == "total":
            break
        if not ref:
            if any(ws.cell(r, c).value not in (None, "") for c in (2, 3)):
                problems.append(SchemeProblem(SHEET, r, "F", "a row added by hand: add "
                                              "criteria to the rule file, then export again"))
            continue
        params = _toml(ws.cell(r, 7).value, SHEET, r, "G", problems)
        if params is None:
            continue
        _read_row(ws, r, str(ref).strip(), params, comps, crits, rows, problems)
    if not comps or not crits:
        problems.append(SchemeProblem(SHEET, None, None, "no component or criterion rows"))
    return comps, crits, rows


def _read_row(ws, r, ref, params, comps, crits, rows, problems) -> None:
    def bad(col: str, msg: str) -> None:
        problems.append(SchemeProblem(SHEET, r, col, msg))

    name = ws.cell(r, 2).value
    name = str(name).strip() if name is not None else ""
    if ref == "component":
        comps.append(params)
        rows[("components", str(params.get("id")))] = r
    elif ref == "criterion":
        if not comps:
            return bad("F", "a criterion row before any component row")
        if params.get("component") != comps[-1].get("id"):
            bad("F", f"criterion '{params.get('id')}' belongs to component "
                     f"'{params.get('component')}' but sits under '{comps[-1].get('id')}'")
        params = {"id": params.pop("id", None), "component": params.pop("component", None),
                  "name": name, **params}
        crits.append(params)
        rows[("criteria", str(params.get("id")))] = r
    elif ref in ("item", "violation"):
        kind = {"item": "checklist", "violation": "deductions"}[ref]
        if not crits or crits[-1].get("kind") != kind:
            return bad("F", f"a {ref} row that does not follow a {kind} criterion")
        key = "items" if ref == "item" else "violations"
        first = "id" if ref == "item" else "code"
        params = {first: params.pop(first, None), "name": name, **params}
        crits[-1].setdefault(key, []).append(params)
    else:
        return bad("F", f"unknown row kind '{ref}'")
    if ref != "component" and not name:
        bad("B", "考核内容 is empty")
    _check_points(ws, r, ref, params, bad)


def _check_points(ws, r, ref, params, bad) -> None:
    try:
        expected = _points(params, ref)
    except (KeyError, TypeError, ArithmeticError) as exc:
        return bad("G", f"parameters incomplete ({exc})")
    found = ws.cell(r, 3).value
    if _show(found) != _show(expected):
        bad("C", f"配分 {_show(found) or '(empty)'} does not match the parameters "
                 f"({_show(expected)}); change the rule file and export again")


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return n(value)
    return str(value).strip()


def _toml(text: Any, sheet: str, row: int, col: str, problems: list) -> dict | None:
    if not isinstance(text, str) or not text.strip():
        problems.append(SchemeProblem(sheet, row, col, "the parameters cell is empty"))
        return None
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        problems.append(SchemeProblem(sheet, row, col, f"parameters are not valid TOML: {exc}"))
        return None


def _located(problem, rows: dict) -> SchemeProblem:
    m = _FIELD.match(problem.field)
    row = rows.get((m.group(1), m.group(2))) if m else None
    return SchemeProblem(SHEET if row else DATA_SHEET, row, "G" if row else None,
                         f"{problem.field}: {problem.message}")
