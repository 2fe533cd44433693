"""The typed rule model: what a rule file says, validated field by field by pydantic.

Cross-field checks (weights summing to 100, component maxima...) live in checks.py so that
every problem can be reported with its own location. Numbers are Decimal throughout
(the loader parses TOML floats as Decimal, so 0.1 stays 0.1).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

Id = Annotated[str, Field(pattern=r"^[a-z0-9_]+$", min_length=1, max_length=40)]
Veto = Literal["component_zero", "total_zero", "disqualify"]
# Rounding of a value to its decimals: half_up (四舍五入, the default) or down (去尾: the
# digits beyond are dropped, towards zero).
Rounding = Literal["half_up", "down"]
KINDS = ("judged", "measured", "checklist", "timed", "count", "adjustment", "deductions")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


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


class _Criterion(_Model):
    id: Id
    component: str
    name: str = Field(min_length=1)
    name_en: str = ""
    note: str = ""
    max: Decimal = Field(ge=0)
    factor: Decimal = Field(Decimal(1), gt=0)
    decimals: int | None = Field(None, ge=0, le=6)
    attempts: int = Field(1, ge=1, le=20)
    attempt_aggregate: Literal["best", "sum", "mean", "last"] = "best"
    attempt_group: Id | None = None   # criteria of one group count the same attempt (a run)
    blind: bool | None = None
    rounding: Rounding | None = None  # overrides scoring.criterion_rounding

    def effective_max(self) -> Decimal:
        """The most this criterion can add to its component (attempts and factor applied)."""
        times = self.attempts if self.attempt_aggregate == "sum" else 1
        return self.max * self.factor * times


class Difficulty(_Model):
    min: Decimal = Field(gt=0)
    max: Decimal = Field(gt=0)
    step: Decimal | None = Field(None, gt=0)
    cap: bool = False   # true: points never exceed the criterion's max (max counts once)


class Judged(_Criterion):
    kind: Literal["judged"]
    judges: int = Field(1, ge=1, le=15)
    scale_max: Decimal | None = Field(None, gt=0)
    step: Decimal | None = Field(None, gt=0)
    aggregate: Literal["mean", "trimmed_mean", "median", "trimmed_sum"] = "mean"
    trim: int = Field(0, ge=0)
    discrepancy: Decimal | None = Field(None, gt=0)
    difficulty: Difficulty | None = None
    aggregate_decimals: int | None = Field(None, ge=0, le=6)   # round the judges' mean first

    @property
    def scale(self) -> Decimal:
        return self.scale_max if self.scale_max is not None else self.max

    def effective_max(self) -> Decimal:
        base = super().effective_max()
        if self.aggregate == "trimmed_sum":
            base *= self.judges - 2 * self.trim
        if self.difficulty is None or self.difficulty.cap:
            return base
        return base * self.difficulty.max


class Range(_Model):
    from_: Decimal | None = Field(None, alias="from")
    to: Decimal | None = None
    from_inclusive: bool = True
    to_inclusive: bool = True

    def contains(self, value: Decimal) -> bool:
        if self.from_ is not None:
            if value < self.from_ or (value == self.from_ and not self.from_inclusive):
                return False
        if self.to is not None:
            if value > self.to or (value == self.to and not self.to_inclusive):
                return False
        return True


class Band(Range):
    """A value range -> points; with several measures, `when` gives a range per measure."""
    points: Decimal = Field(ge=0)
    when: dict[str, Range] = {}


class Measure(_Model):
    id: Id
    name: str = Field(min_length=1)
    name_en: str = ""
    unit: str = ""


class Measured(_Criterion):
    kind: Literal["measured"]
    unit: str = ""
    nominal: Decimal | None = None
    lower: Decimal = Decimal(0)
    upper: Decimal = Decimal(0)
    outside: Literal["zero", "per_unit", "linear", "bands"] = "zero"
    unit_size: Decimal | None = Field(None, gt=0)
    deduction: Decimal | None = Field(None, gt=0)
    falloff: Decimal | None = Field(None, gt=0)
    bands: list[Band] = []
    step: Decimal | None = Field(None, gt=0)
    measures: list[Measure] = []   # several values per entry ("crit.depth", "crit.length")

    def measure_ids(self) -> list[str]:
        return [m.id for m in self.measures]


class Item(_Model):
    id: Id
    name: str = Field(min_length=1)
    name_en: str = ""
    points: Decimal = Field(gt=0)
    step: Decimal | None = Field(None, gt=0)   # partial credit: 0..points on this step

    @property
    def partial(self) -> bool:
        return self.step is not None


class Checklist(_Criterion):
    kind: Literal["checklist"]
    judges: int = Field(1, ge=1, le=15)
    items: list[Item] = Field(min_length=1)


class Timed(_Criterion):
    kind: Literal["timed"]
    # limit: full points up to `limit`, then deductions; relative: max x fastest / own;
    # linear: full points up to `limit`, falling linearly to 0 at `zero_at`;
    # rank: by time among the entries: the fastest max, each place below `per_place` less
    mode: Literal["limit", "relative", "linear", "rank"] = "limit"
    limit: Decimal | None = Field(None, gt=0)
    deduction_per_minute: Decimal = Field(Decimal(0), ge=0)
    hard_limit: Decimal | None = Field(None, gt=0)
    over_hard_limit: Literal["zero", "component_zero", "disqualify"] = "zero"
    deduction_unit: Decimal = Field(Decimal(60), gt=0)   # seconds per deduction step
    zero_at: Decimal | None = Field(None, gt=0)   # linear: 0 points at this time
    per_place: Decimal | None = Field(None, gt=0)  # rank: points lost per place
    cap: Decimal | None = Field(None, gt=0)       # max = 0 (a penalty only): at most this

    @property
    def penalty_only(self) -> bool:
        """max = 0 in limit mode: overtime subtracts from the component (超时扣分)."""
        return self.max == 0 and self.mode == "limit"


class Count(_Criterion):
    kind: Literal["count"]
    base: Decimal = Decimal(0)
    reference: Decimal = Decimal(0)
    per_unit: Decimal | None = None   # required unless relative
    per_unit_below: Decimal | None = None   # below the reference (default: per_unit)
    floor: Decimal = Decimal(0)
    cap: Decimal | None = None
    step: Decimal | None = Field(None, gt=0)
    # points = max x own / the best count among the entries (产量分 = 本人产量 ÷ 最高产量 ×
    # 满分); base, reference, per_unit, floor and cap do not apply
    relative: bool = False


class Adjustment(_Criterion):
    kind: Literal["adjustment"]
    min: Decimal = Field(le=0)
    step: Decimal | None = Field(None, gt=0)

    def effective_max(self) -> Decimal:
        return Decimal(0)   # not part of a component's max


class Violation(_Model):
    code: Id
    name: str = Field(min_length=1)
    name_en: str = ""
    points: Decimal = Field(Decimal(0), ge=0)
    veto: Veto | None = None
    zeroes: list[str] = []   # criterion, component or group ids whose score becomes 0
    veto_from: int = Field(1, ge=1)   # the veto/zeroes apply from this many occurrences


class Deductions(_Criterion):
    kind: Literal["deductions"]
    cap: Decimal | None = Field(None, ge=0)
    violations: list[Violation] = Field(min_length=1)

    def violation(self, code: str) -> Violation | None:
        return next((v for v in self.violations if v.code == code), None)


Criterion = Annotated[Union[Judged, Measured, Checklist, Timed, Count, Adjustment,
                            Deductions], Field(discriminator="kind")]


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
