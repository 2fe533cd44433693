"""A rule as a marking-scheme workbook (评分细则表) for the chief judge to read and sign,
and the same workbook back into rule text (round trip).

    wb = export_scheme(toml_text)            # openpyxl Workbook; save_scheme(...) writes it
    text = import_scheme("lathe.xlsx")       # TOML text; raises SchemeError(.problems)

Sheet "评分细则": a header (trade, how the total is computed, ranking, awards), then one row
per component, criterion, checklist item and violation (序号, 考核内容, 配分, 评分标准, 评分方式)
and the signature lines. Two hidden columns carry each row's kind and exact parameters
(as TOML), and the hidden sheet "规则数据" the rest of the rule, so nothing is lost.
On import, 考核内容 (names) may have been corrected by hand and are taken from the sheet;
配分 must still agree with the parameters. Pure: openpyxl and tomli_w, no Flask.
"""
from __future__ import annotations

import hashlib
import io
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import tomli_w
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.page import PageMargins

from ..formatting.cells import safe_row, set_value
from . import scheme_wording as w
from .criteria import Judged
from .loader import parse_rule

SHEET, DATA_SHEET = "评分细则", "规则数据"
FORMAT = "skill-competition marking scheme 1"
HEADER_ROW = 6
SOURCE_KEY, SOURCE_CHUNK = "source", 30000     # an Excel cell holds at most 32,767 characters
HEADINGS = ("序号", "考核内容", "配分", "评分标准", "评分方式", "标识", "参数")
WIDTHS = (7, 30, 9, 56, 11, 12, 40)
REF_COL, PARAM_COL = "F", "G"
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_INDENT = Alignment(wrap_text=True, vertical="center", indent=2)
_FONT, _BOLD = Font(name="宋体", size=10.5), Font(name="宋体", size=10.5, bold=True)
_FILL = PatternFill("solid", fgColor="E7E6E6")


@dataclass(frozen=True)
class SchemeProblem:
    """One thing wrong with a workbook, addressed like Excel does: 评分细则!C12."""
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.sheet or "workbook"
        if self.row is not None:
            where += f"!{self.column or ''}{self.row}"
        return f"{where}: {self.message}"


class SchemeError(Exception):
    """A workbook that cannot be turned back into a rule; `.problems` lists why."""

    def __init__(self, problems: list[SchemeProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# ---------------------------------------------------------------- export

def rule_data(rule: Any) -> dict:
    """Validated raw rule data (numbers as int/Decimal) from TOML text, a dict or a loaded
    Rule. Raises RuleError if the rule is not valid (a chief judge never signs a broken rule)."""
    if hasattr(rule, "model_dump"):     # a rules.Rule: what the file said, without defaults
        rule = rule.model_dump(by_alias=True, exclude_defaults=True)
    text = rule if isinstance(rule, str) else tomli_w.dumps(rule)
    parse_rule(text)
    return tomllib.loads(text, parse_float=Decimal)


def export_scheme(rule: Any, competition: str | None = None) -> Workbook:
    """The marking-scheme workbook of a rule (TOML text, dict or Rule). Raises RuleError
    for an invalid rule."""
    data = rule_data(rule)
    source = rule if isinstance(rule, str) else None
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _write_header(ws, data, competition, source)
    row = HEADER_ROW + 1
    seq = 0
    for index, comp in enumerate(data["components"]):
        row = _write_component(ws, row, index, comp, data)
        for crit in (c for c in data["criteria"] if c["component"] == comp["id"]):
            seq += 1
            row = _write_criterion(ws, row, seq, crit, data)
    row = _write_total(ws, row, data)
    last = _write_signatures(ws, row + 1)
    _page_setup(ws, last)
    _write_data_sheet(wb, data, source)
    return wb


def rule_digest(text: str) -> str:
    """First 12 hex digits of the SHA-256 of the rule text (as services.rules.rule_digest)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def save_scheme(rule: Any, target: str | Path | BinaryIO,
                competition: str | None = None) -> None:
    export_scheme(rule, competition).save(target)


def scheme_bytes(rule: Any, competition: str | None = None) -> bytes:
    out = io.BytesIO()
    save_scheme(rule, out, competition)
    return out.getvalue()


def _write_header(ws, data: dict, competition: str | None, source: str | None) -> None:
    trade = data["trade"]
    title = f"{trade['name']}（{trade.get('name_en', '')}）评分细则表".replace("（）", "")
    ident = f"工种代码：{trade['code']}"
    if source is not None:   # the digest the organiser's rules page shows for the file
        ident += f"　　规则文件校验码：{rule_digest(source)}"
    lines = [f"{competition}　{title}" if competition else title, ident,
             w.scoring_line(data), w.tie_break_line(data), w.awards_line(data)]
    for r, text in enumerate(lines, start=1):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
        cell = set_value(ws.cell(r, 1), text)
        cell.font = Font(name="黑体", size=16, bold=True) if r == 1 else _FONT
        cell.alignment = _CENTER if r == 1 else _WRAP
        ws.row_dimensions[r].height = 28 if r == 1 else _height(text, sum(WIDTHS[:5]))
    for c, heading in enumerate(HEADINGS, start=1):
        cell = ws.cell(HEADER_ROW, c, heading)
        cell.font, cell.alignment, cell.border, cell.fill = _BOLD, _CENTER, _BOX, _FILL


def _write_component(ws, row: int, index: int, comp: dict, data: dict) -> int:
    weighted = data.get("scoring", {}).get("mode", "weighted") == "weighted"
    note = "按百分制折算后乘以权重计入总成绩" if weighted else "得分直接计入总成绩"
    _put(ws, row, ("", w.component_heading(index, comp, weighted), _points(comp, "component"),
                   note, ""), "component", comp, bold=True)
    return row + 1


def _write_criterion(ws, row: int, seq: int, crit: dict, data: dict) -> int:
    comps = {c["id"]: c for c in data["components"]}
    group = crit.get("attempt_group")
    peers = tuple(c["name"] for c in data["criteria"]
                  if group and c.get("attempt_group") == group and c is not crit)
    params = {k: v for k, v in crit.items() if k not in ("name", "items", "violations")}
    _put(ws, row, (str(seq), crit["name"], _points(crit, "criterion"),
                   w.standard(crit, comps, peers), w.method(crit)), "criterion", params)
    row += 1
    subs = [("item", i, w.item_standard(i)) for i in crit.get("items", [])]
    subs += [("violation", v, w.violation_standard(v, crit, comps))
             for v in crit.get("violations", [])]
    for k, (ref, sub, text) in enumerate(subs, start=1):
        params = {key: val for key, val in sub.items() if key != "name"}
        _put(ws, row, (f"{seq}.{k}", sub["name"], _points(sub, ref), text, ""), ref, params)
        row += 1
    return row


def _write_total(ws, row: int, data: dict) -> int:
    weighted = data.get("scoring", {}).get("mode", "weighted") == "weighted"
    total = Decimal(100) if weighted else Decimal(0)
    for c in [] if weighted else data["components"]:
        maxes = [Decimal(str(c["max"]))] if "max" in c else [
            _effective_max(k) for k in data["criteria"] if k["component"] == c["id"]]
        total = None if total is None or None in maxes else total + sum(maxes, Decimal(0))
    shown = _num(total) if total is not None else "不设上限"
    _put(ws, row, ("", "合计", shown, w.formula(data), ""), "total", None, bold=True)
    return row + 1


def _write_signatures(ws, row: int) -> int:
    for text in ("裁判长签字：＿＿＿＿＿＿＿＿　　　　日期：　　　　年　　月　　日",
                 "仲裁组审核：＿＿＿＿＿＿＿＿　　　　日期：　　　　年　　月　　日"):
        row += 1
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
        ws.cell(row, 1, text).font = _FONT
        ws.row_dimensions[row].height = 30
    return row


def _put(ws, row: int, values: tuple, ref: str, params: dict | None, bold=False) -> None:
    for c, value in enumerate(values, start=1):
        cell = set_value(ws.cell(row, c), value)   # rule text stays text
        cell.font, cell.border = (_BOLD if bold else _FONT), _BOX
        cell.alignment = _WRAP if c in (2, 4) else _CENTER
        if c == 2 and ref in ("item", "violation"):
            cell.alignment = _INDENT
        if bold:
            cell.fill = _FILL
    ws.cell(row, 6, ref)
    set_value(ws.cell(row, 7), tomli_w.dumps(params) if params is not None else None)
    ws.row_dimensions[row].height = max(_height(values[1], WIDTHS[1]),
                                        _height(values[3], WIDTHS[3]))


def _points(d: dict, ref: str) -> Any:
    """The 配分 cell: a number, or text for an adjustment and for a veto."""
    if ref == "violation":
        return "否决" if d.get("veto") else _num(-Decimal(str(d.get("points", 0))))
    if ref == "item":
        return _num(d["points"])
    if ref == "component":
        return _num(d["max"]) if d.get("max") is not None else None
    if d["kind"] == "adjustment":
        return f"{w.n(d['min'])}~+{w.n(d['max'])}"
    value = _effective_max(d)
    return _num(value) if value is not None else "按公布值"


def _effective_max(crit: dict) -> Decimal | None:
    """What a criterion adds to its component's max (as the engine counts it; None for a
    value as published without a max)."""
    if crit["kind"] == "adjustment":
        return Decimal(0)
    if crit["kind"] == "given" and crit.get("max") is None:
        return None
    if crit["kind"] == "judged" and crit.get("transform"):   # the transform's bounds
        return Judged.model_validate({"name": "-", **crit}).effective_max()
    value = Decimal(str(crit["max"])) * Decimal(str(crit.get("factor", 1)))
    if crit.get("attempt_aggregate") == "sum":
        value *= crit.get("attempts", 1)
    if crit["kind"] == "judged":
        if crit.get("aggregate") == "trimmed_sum":
            value *= crit.get("judges", 1) - 2 * crit.get("trim", 0)
        difficulty = crit.get("difficulty")
        if difficulty and not difficulty.get("cap"):   # a capped difficulty counts max once
            value *= Decimal(str(difficulty["max"]))
    return value


def _num(value: Any) -> int | float:
    d = Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


def _height(text: Any, width: int) -> float:
    """Row height for wrapped text (CJK characters are two columns wide)."""
    chars = sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text or ""))
    lines = max(1, -(-chars // max(1, width - 2)))
    return 15.0 * lines + 3


def _page_setup(ws, last: int) -> None:
    for c, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[chr(64 + c)].width = width
    ws.column_dimensions[REF_COL].hidden = True
    ws.column_dimensions[PARAM_COL].hidden = True
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:E{last}"
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.freeze_panes = f"A{HEADER_ROW + 1}"


def _write_data_sheet(wb: Workbook, data: dict, source: str | None) -> None:
    """Top-level tables as TOML, and the original file text (with its comments) in
    chunks: the import returns that text when the sheet still says the same rule."""
    ds = wb.create_sheet(DATA_SHEET)
    ds.sheet_state = "hidden"
    ds.append(["key", "toml"])
    ds.append(["format", FORMAT])
    for key, value in data.items():
        if key not in ("components", "criteria"):
            ds.append(safe_row(ds, [key, tomli_w.dumps({key: value})]))
    for start in range(0, len(source or ""), SOURCE_CHUNK):
        # a chunk may start with "=": stored as text, never read back as a formula
        ds.append(safe_row(ds, [SOURCE_KEY, source[start:start + SOURCE_CHUNK]]))


# The way back lives in scheme_import (it needs the names above); the commands in
# competition/cli/rules.py.
from .scheme_import import import_scheme  # noqa: E402

__all__ = ["SchemeError", "SchemeProblem", "export_scheme", "import_scheme", "rule_data",
           "rule_digest", "save_scheme", "scheme_bytes"]
