"""The sign-up sheet's columns: their Chinese headers, the spellings accepted, which are
required. Headers are matched by name (any order, surrounding spaces ignored)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str             # what the template writes
    aliases: tuple[str, ...]
    required: bool          # the column must be present in the sheet
    width: int = 14


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("姓名", "名字", "选手姓名", "参赛选手"), True, 10),
    Column("gender", "性别", ("性别",), False, 6),
    Column("id_number", "身份证号", ("身份证号", "身份证号码", "身份证", "证件号码", "公民身份号码"),
           True, 22),
    Column("employer", "单位", ("单位", "工作单位", "所在单位", "单位名称", "推荐单位"), True, 28),
    Column("phone", "手机号", ("手机号", "手机号码", "手机", "联系电话", "联系方式", "电话"), True, 14),
    Column("trade", "工种", ("工种", "参赛工种", "比赛工种", "工种名称", "项目"), True, 14),
    Column("grade", "现技能等级", ("现技能等级", "技能等级", "现有技能等级", "职业技能等级",
                                "现职业资格等级", "等级"), False, 14),
    Column("team", "队名", ("队名", "队伍名称", "团队名称", "代表队", "队伍"), False, 16),
)
BY_KEY = {c.key: c for c in COLUMNS}
HEADER_OF = {c.key: c.header for c in COLUMNS}


def normalise_header(text: object) -> str:
    """NFKC, every space removed, a trailing '*' (required marker) or ':' dropped."""
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return re.sub(r"[\s*:：]+", "", s)


_ALIASES = {normalise_header(a): c.key for c in COLUMNS for a in c.aliases}


def column_for(header: object) -> str | None:
    """The column key a header cell names, or None."""
    return _ALIASES.get(normalise_header(header))
