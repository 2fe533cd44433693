"""The judge-consistency sheet (评委一致性) of the results workbook, and its rows in the
analysis workbook (赛后分析.xlsx): one row per judge and judged criterion, with the
statistics of competition.analysis.consistency (computed once, by
services.analysis.consistency_rows) and the findings in words. Flagged judges' rows say
需关注 in bold, with the evidence beside it.

Pure: rows in, cells of a write-only sheet out; text stays text (competition.formatting.cells).
"""
from __future__ import annotations

from dataclasses import astuple, dataclass
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from competition.formatting.cells import safe_value, text_cell

HEADERS = ["工种", "裁判", "评分项", "评分数", "平均偏差", "占满分比例", "平均绝对偏差", "超出差异阈值",
           "高于中位数", "低于中位数", "符号检验p值", "名次相关系数", "发现"]
WIDTHS = [14, 12, 14, 8, 10, 10, 12, 12, 10, 10, 12, 12, 60]
FLAG = "需关注"
FLAG_FONT = Font(bold=True, color="C00000")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
# number formats by column (the others are text or whole numbers)
FORMATS = {4: "0.00", 5: "0.0%", 6: "0.00", 10: "0.0000", 11: "0.000"}


@dataclass(frozen=True)
class ConsistencyRow:
    """One judge on one judged criterion of one trade."""
    trade: str
    judge: str
    criterion: str
    marks: int                          # marks compared with the rest of the panel
    mean_deviation: Decimal | None      # points; + lenient, - harsh (leave-one-out mean)
    share: Decimal | None               # mean deviation / the criterion's maximum
    mean_abs_deviation: Decimal | None
    beyond_threshold: int               # marks beyond the rule's discrepancy threshold
    above: int                          # marks above the panel's median (items of 3+ marks)
    below: int
    sign_p: float                       # two-sided sign test of above against below
    rank_corr: float | None             # Spearman: the judge's order against the panel's
    findings: str = ""                  # the evidence in words; "" = not flagged

    def cells(self) -> list:
        """The row as the analysis workbook lists it (HEADERS' order)."""
        return list(astuple(self))


def consistency_sheet_columns() -> tuple[list[str], list[int]]:
    """The results workbook's columns: the analysis workbook's, with 结论 before 发现."""
    return HEADERS[:-1] + ["结论", HEADERS[-1]], WIDTHS[:-1] + [8, WIDTHS[-1]]


def write_consistency_rows(ws, rows: list[ConsistencyRow]) -> None:
    """Append ``rows`` to the write-only sheet ``ws`` (title and header already written by
    the caller): numbers as numbers with their formats, 需关注 for flagged judges."""
    for row in rows:
        values = row.cells()
        out = []
        for i, value in enumerate(values[:-1]):
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                cell = WriteOnlyCell(ws, value=value)
                if i in FORMATS:
                    cell.number_format = FORMATS[i]
                out.append(cell)
            else:
                out.append(safe_value(ws, value))
        flag = WriteOnlyCell(ws, value=FLAG if row.findings else None)
        flag.font = FLAG_FONT
        words = text_cell(ws, row.findings or None)
        words.alignment = WRAP_TOP
        ws.append(out + [flag, words])
