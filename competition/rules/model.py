"""The typed rule model: what a rule file says, validated field by field by pydantic.

Cross-field checks (weights summing to 100, component maxima...) live in checks.py so that
every problem can be reported with its own location. Numbers are Decimal throughout
(the loader parses TOML floats as Decimal, so 0.1 stays 0.1). The criterion kinds are in
criteria.py (re-exported here).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, PrivateAttr

from .criteria import (  # noqa: F401
    KINDS,
    Adjustment,
    Band,
    Checklist,
    Count,
    Criterion,
    Declared,
    Deductions,
    Difficulty,
    Given,
    Id,
    Item,
    Judged,
    Measure,
    Measured,
    Range,
    Rounding,
    Timed,
    Veto,
    Violation,
    _Criterion,
    _Model,
)


class Trade(_Model):
    code: Id
    name: str = Field(min_length=1)
    name_en: str = ""
    blind: bool = False
    note: str = ""


class Scoring(_Model):
    mode: Literal["weighted", "sum"] = "weighted"
    decimals: int = Field(2, ge=0, le=6)
    component_decimals: int = Field(2, ge=0, le=6)
    criterion_decimals: int = Field(2, ge=0, le=6)
    tie_break: list[str] = []
    rounding: Rounding = "half_up"            # every level, unless overridden below
    total_rounding: Rounding | None = None
    component_rounding: Rounding | None = None
    criterion_rounding: Rounding | None = None  # a criterion's own `rounding` wins
    # Optional: round each component's weighted contribution (score / max x weight; in sum
    # mode score x factor) before they are added up (理论30%折算分 + 实操70%折算分).
    # None: contributions are not rounded, only the total is.
    contribution_decimals: int | None = Field(None, ge=0, le=6)
    contribution_rounding: Rounding | None = None
    # standard: 1, 2, 2, 4 (competition ranking); dense: 1, 2, 2, 3
    rank_method: Literal["standard", "dense"] = "standard"


class Group(_Model):
    """A named set of components (e.g. the practical modules): a column, a tie-break ref,
    a target of `zeroes`. Its value is its share of the total on the scale of `max`
    (default: the sum of its components' max); see scoring/README."""
    id: Id
    name: str = Field(min_length=1)
    name_en: str = ""
    max: Decimal | None = Field(None, gt=0)


class Component(_Model):
    id: Id
    name: str = Field(min_length=1)
    name_en: str = ""
    weight: Decimal | None = Field(None, ge=0, le=100)
    max: Decimal | None = Field(None, ge=0)   # None: the sum of its criteria's max
    group: Id | None = None                   # a [[groups]] id
    factor: Decimal | None = Field(None, gt=0)  # sum mode: contribution = score x factor
    # Optional: the judged criteria of this component are totalled per judge first and the
    # judges' totals aggregated (去掉一个最高分和一个最低分 applied to each judge's total).
    judge_totals: Literal["mean", "trimmed_mean", "median"] | None = None
    trim: int = Field(0, ge=0)
    # Optional: the component's score is shown converted to this scale (按百分制折算:
    # 100) before it is rounded: score = sum / max x scale_to
    scale_to: Decimal | None = Field(None, gt=0)
    # When its criteria can reach beyond max (adjustments, given values, transforms):
    # true = the score stops at max (declared), false = it may exceed max. Required then
    # in sum mode; weighted mode defaults to true (the weight is of max). See bounds.py.
    cap: bool | None = None


class AwardLevel(_Model):
    name: str = Field(min_length=1)
    name_en: str = ""
    count: int | None = Field(None, ge=0)
    percent: Decimal | None = Field(None, ge=0, le=100)
    min_total: Decimal | None = None
    min_count: int | None = Field(None, ge=0)   # at least this many places ...
    max_count: int | None = Field(None, ge=0)   # ... and at most this many
    complete_only: bool = False                 # only entries with every mark
    min_scores: dict[str, Decimal] = {}         # component/group id -> its minimum


class Title(_Model):
    name: str = Field(min_length=1)
    name_en: str = ""
    top: int = Field(ge=1)
    min_total: Decimal | None = None
    min_scores: dict[str, Decimal] = {}


class Awards(_Model):
    basis: Literal["count", "percent"] = "count"
    percent_rounding: Literal["half_up", "floor", "ceil"] = "half_up"
    # percents of the ranked finishers (default) or of every entry listed (参赛人数:
    # absent and disqualified ones too)
    percent_of: Literal["finishers", "entries"] = "finishers"
    # false: each level's percent is its own share (10 %, 20 %, 30 %); true: a level's
    # percent is the share of positions up to and including it (前10%, 前30%, 前60%)
    percent_cumulative: bool = False
    levels: list[AwardLevel] = []
    titles: list[Title] = []


class Rule(_Model):
    """A validated rule file. Build it with rules.parse_rule / rules.load_rule."""
    version: Literal[1] = 1
    trade: Trade
    scoring: Scoring = Scoring()
    groups: list[Group] = []
    components: list[Component] = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)
    awards: Awards = Awards()
    _cache: dict[str, Any] = PrivateAttr(default_factory=dict)

    def criterion(self, id: str) -> Any:
        """The criterion with this id; KeyError if there is none."""
        index = self._index()
        return index[id]

    def component(self, id: str) -> Component:
        return next(c for c in self.components if c.id == id)

    def components_of(self, group_id: str) -> list[Component]:
        return [c for c in self.components if c.group == group_id]

    def criteria_of(self, component_id: str) -> list[Any]:
        return [c for c in self.criteria if c.component == component_id]

    def is_blind(self, criterion_id: str) -> bool:
        crit = self.criterion(criterion_id)
        return self.trade.blind if crit.blind is None else crit.blind

    def slots(self, criterion_id: str | None = None) -> list[Any]:
        """The inputs a judge fills: for one criterion, or for all (see rules.slots)."""
        from .slots import slots_for
        crits = self.criteria if criterion_id is None else [self.criterion(criterion_id)]
        return [s for c in crits for s in slots_for(self, c)]

    def slot(self, address: str) -> Any:
        """The Slot with this address ("crit", "crit.item", "crit@difficulty"); KeyError."""
        if "slots" not in self._cache:
            self._cache["slots"] = {s.address: s for s in self.slots()}
        return self._cache["slots"][address]

    def _index(self) -> dict[str, Any]:
        if "index" not in self._cache:
            self._cache["index"] = {c.id: c for c in self.criteria}
        return self._cache["index"]
