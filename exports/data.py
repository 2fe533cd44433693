"""Plain data the generators take: what is printed, nothing about where it came from.

The services layer (competition/services/documents.py) builds these from the database and
the standings; tests and benchmarks build them by hand. Numbers are Decimal (or None for
"no value"); dates are ``datetime.date`` or already formatted text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Iterable


def chinese_date(value: date | str | None) -> str:
    """2026-11-25 -> "2026年11月25日"; text is returned as given; None -> ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return f"{value.year}年{value.month}月{value.day}日"


# --- certificates ------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificateData:
    """One award certificate (获奖证书)."""
    serial: str                       # 2026-LATHE-0001
    competition: str                  # 第十三届职工技能大赛
    name: str                         # contestant or team name
    employer: str
    trade: str                        # 车工
    award: str                        # 一等奖
    verify_url: str                   # encoded in the QR code
    title: str | None = None          # 县技术能手
    bodies: tuple[str, ...] = ()      # issuing bodies (where the seals go)
    date: date | str | None = None
    promotion_note: str | None = None  # e.g. 晋升为三级/高级工
    team: bool = False                # a team: no "同志" after the name
    void: bool = False                # printed across with 作废 (the organiser's copy)
    rank: int | None = None           # place in the trade (名次)
    team_name: str | None = None      # a team member's certificate: the team's name

    def fields(self) -> dict[str, str]:
        """The values a layout template may use: {name}, {employer}, {award}..."""
        return {
            "serial": self.serial, "competition": self.competition, "name": self.name,
            "employer": self.employer, "trade": self.trade, "award": self.award,
            "title": self.title or "", "bodies": "　".join(self.bodies),
            "date": chinese_date(self.date), "promotion_note": self.promotion_note or "",
            "honorific": "" if self.team else " 同志", "verify_url": self.verify_url,
            "rank": str(self.rank) if self.rank else "", "team": self.team_name or "",
        }


# --- results -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """A criterion or component column of a results table."""
    id: str
    name: str
    max: Decimal | None = None


@dataclass
class ResultRow:
    """One entry's line in a trade's results."""
    rank: int | None
    lot: str
    name: str
    employer: str
    criteria: dict[str, Decimal | None] = field(default_factory=dict)    # by Column.id
    components: dict[str, Decimal | None] = field(default_factory=dict)  # by Column.id
    total: Decimal | None = None
    award: str | None = None
    title: str | None = None
    status: str = ""                  # "" | 取消资格 | 缺考 ... (shown when there is no rank)


@dataclass(frozen=True)
class JudgeMark:
    """One value one judge entered: the detail sheet lists every one."""
    lot: str
    name: str
    criterion: str                    # criterion name (or "name / item")
    judge: str
    value: str                        # as entered: a number as text, or a violation code
    attempt: int = 1


@dataclass
class OverallRow:
    """One contestant's line in a trade's overall results over several stages."""
    rank: int | None
    name: str
    employer: str
    stages: list[tuple[int | None, Decimal | None]] = field(default_factory=list)
    # (rank, total) in each of TradeResults.stage_results, same order; (None, None): not in it
    award: str | None = None
    title: str | None = None
    remark: str = ""                  # e.g. 预赛未晋级, 决赛缺考


@dataclass
class TradeResults:
    code: str
    name: str
    stage: str = ""
    criteria: list[Column] = field(default_factory=list)
    components: list[Column] = field(default_factory=list)
    rows: list[ResultRow] = field(default_factory=list)
    marks: Iterable[JudgeMark] = ()   # may be a generator (read once)
    published_at: date | str | None = None
    # A trade run in several stages: each stage's own results (first stage first; their
    # marks are the detail sheet's) and the overall ranking over them. Empty: one stage.
    stage_results: list["TradeResults"] = field(default_factory=list)
    overall: list[OverallRow] = field(default_factory=list)
    # marks entered / expected by the heats' judging panels (services.panels.stage_counts:
    # the numbers the chief judges and the organiser's live page show); None: not counted
    marks_entered: int | None = None
    marks_expected: int | None = None
    # ties decided by lot (名次并列，抽签决定): how to re-verify them, printed under the
    # bulletin's table ("" when no rank was drawn)
    lot_note: str = ""
    # the rows are teams (a team bracket, the quiz): the name column is headed 队名
    teams: bool = False


@dataclass
class AppealRow:
    """An appeal (申诉) against one entry, as the bulletin and the workbook list it."""
    trade: str
    number: int
    lot: str
    name: str
    grounds: str
    filed: str                        # local time, "2026-11-28 15:30"
    status: str                       # 已登记 / 复核中 / 申诉成立 / 申诉驳回
    decision: str = ""                # the arbitration panel's reasons


@dataclass
class ResultsData:
    """A results workbook (成绩表) of a competition."""
    competition: str
    trades: list[TradeResults]
    organiser: str = ""
    generated_at: str = ""
    appeals: list[AppealRow] = field(default_factory=list)   # a sheet 申诉 when any
    # judge consistency (exports.consistency_sheet.ConsistencyRow): a sheet 评委一致性 when any
    consistency: list = field(default_factory=list)


# --- results bulletin --------------------------------------------------------------------

@dataclass
class BulletinData:
    """A results bulletin (成绩公示) of one trade, posted on the wall."""
    competition: str
    trade: TradeResults
    published_on: date | str
    appeal_deadline: str              # e.g. "2026年11月28日17:00"
    appeal_to: str                    # e.g. "大赛仲裁组（示例县总工会302室，电话 0000-1234567）"
    issuer: str = ""                  # 大赛组委会
    show_components: bool = True
    open_heats: int = 0               # heats not signed off: the results are provisional
    appeals: list[AppealRow] = field(default_factory=list)   # the trade's appeals, listed


# --- blank judge score sheets ------------------------------------------------------------

@dataclass(frozen=True)
class SheetColumn:
    """One box a judge fills in for each lot: a criterion, a checklist item or a violation."""
    key: str                          # criterion id, or "criterion.item"
    heading: str                      # 外圆 Φ18±0.03
    hint: str                         # what to write: "0–10，步长0.5" / "实测值 mm" / "次数"


@dataclass
class ScoreSheetData:
    """Blank score sheets (评分表) of one heat: one page (or more) per judge."""
    competition: str
    trade: str
    stage: str
    heat: str                         # 第1场
    venue: str = ""
    starts_at: str = ""
    judges: list[str] = field(default_factory=list)   # one sheet each; [] -> one unnamed
    lots: list[str] = field(default_factory=list)
    columns: list[SheetColumn] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)    # e.g. the deduction codes' meanings
    judge_columns: dict[str, list[str]] = field(default_factory=dict)  # judge -> column keys
