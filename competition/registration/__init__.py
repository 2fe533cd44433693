"""Registration: the sign-up sheet (columns, template, reading) and row validation.

Pure: openpyxl and the standard library only; no Flask, no database. The service
(competition.services.registration) feeds it the trades and existing registrations and
writes the good rows in one transaction.
"""
from .columns import COLUMNS, HEADER_OF
from .grades import GradeError, ladder_labels, parse_grade
from .idcard import IdCard, IdCardError, make_number
from .sheet import SheetError, SheetRows, read_sheet, template_workbook
from .validate import Context, Registration, Report, RowError, TradeRef, validate_rows


def validate_workbook(source, ctx: Context, *, team: bool = False) -> Report:
    """Read an uploaded workbook and validate every row. Raises SheetError when the file
    is not a sign-up sheet at all."""
    sheet = read_sheet(source, team=team)
    if "trade" not in sheet.columns and ctx.default_trade is None:
        raise SheetError("missing_columns", "missing columns: 工种", columns="工种")
    report = validate_rows(sheet.rows, ctx)
    report.errors[:0] = sheet.errors
    return report


__all__ = [
    "COLUMNS", "HEADER_OF", "ladder_labels", "GradeError", "parse_grade", "IdCard", "IdCardError",
    "make_number", "SheetError", "SheetRows", "read_sheet", "template_workbook", "Context",
    "Registration", "Report", "RowError", "TradeRef", "validate_rows", "validate_workbook",
]
