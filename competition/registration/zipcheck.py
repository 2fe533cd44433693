"""Look inside an uploaded .xlsx before openpyxl opens it.

An .xlsx is a zip of XML files. A 2 MB "zip bomb" declares members that expand to
gigabytes; a sheet can declare a million rows. Everything here reads the zip's central
directory (the declared sizes) and the first bytes of each worksheet (its <dimension>),
never a whole member. Python's zipfile stops a member at its declared size, so the
declared sizes bound what openpyxl will really read. Pure: zipfile and openpyxl's
coordinate helpers.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string


@dataclass(frozen=True)
class Limits:
    max_members: int = 200                  # a real workbook has 10-30
    max_member_bytes: int = 100 * 1024 * 1024   # one member expanded (10,000 rows: ~6 MB)
    max_total_bytes: int = 200 * 1024 * 1024    # all members expanded
    max_ratio: int = 100                    # expanded / compressed, for members over 1 MB
    ratio_floor_bytes: int = 1024 * 1024
    max_rows: int = 50_000                  # a sheet's rows (the event: ~10,000 people)
    max_columns: int = 200


DEFAULT_LIMITS = Limits()
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Za-z]{1,3}\d{1,7})(?::([A-Za-z]{1,3}'
                        rb'\d{1,7}))?"')
_HEAD_BYTES = 4096


class WorkbookRefused(ValueError):
    """The file is not a workbook we will open. ``code`` names the reason, ``params``
    the particulars (for a message in the user's language)."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


def check_xlsx(source: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise WorkbookRefused if ``source`` is not a zip, or its declared sizes, ratios or
    sheet dimensions are beyond ``limits``. Leaves ``source`` at its start."""
    source.seek(0)
    try:
        with zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
            _check_members(infos, limits)
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or not any(
                    n.startswith("xl/worksheets/") for n in names):
                raise WorkbookRefused("not_xlsx", "a zip file, but not an Excel workbook")
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _check_dimension(zf, info, limits)
    except zipfile.BadZipFile:
        raise WorkbookRefused("not_xlsx", "not a zip file, so not an .xlsx workbook") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError,
            ValueError) as err:
        if isinstance(err, WorkbookRefused):
            raise
        raise WorkbookRefused("corrupt", f"the zip is damaged ({type(err).__name__})") from None
    finally:
        source.seek(0)


def _check_members(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise WorkbookRefused("too_many_members", f"{len(infos)} files inside the zip",
                              count=len(infos), limit=limits.max_members)
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > limits.max_member_bytes:
            raise WorkbookRefused("member_too_large", f"{info.filename} expands to {size} bytes",
                                  member=info.filename, size=_mb(size),
                                  limit=_mb(limits.max_member_bytes))
        if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(
                info.compress_size, 1):
            raise WorkbookRefused("compression_ratio",
                                  f"{info.filename} expands {size // max(info.compress_size, 1)}"
                                  " times (a zip bomb?)", member=info.filename,
                                  ratio=size // max(info.compress_size, 1))
    if total > limits.max_total_bytes:
        raise WorkbookRefused("too_large", f"the workbook expands to {total} bytes",
                              size=_mb(total), limit=_mb(limits.max_total_bytes))


def _check_dimension(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    with zf.open(info) as member:
        head = member.read(_HEAD_BYTES)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise WorkbookRefused("corrupt", f"{info.filename} declares XML entities")
    found = _DIMENSION.search(head)
    if not found:
        return
    last = (found.group(2) or found.group(1)).decode("ascii")
    try:
        column, row = coordinate_from_string(last)
        columns = column_index_from_string(column)
    except ValueError:
        raise WorkbookRefused("corrupt", f"{info.filename}: bad dimension {last}") from None
    if row > limits.max_rows + 1:   # the header row on top
        raise WorkbookRefused("too_many_rows", f"the sheet declares {row} rows",
                              rows=row, limit=limits.max_rows)
    if columns > limits.max_columns:
        raise WorkbookRefused("too_many_columns", f"the sheet declares {columns} columns",
                              columns=columns, limit=limits.max_columns)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"
