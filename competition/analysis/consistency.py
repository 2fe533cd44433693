"""Judge consistency: how each judge's marks on each judged criterion stand against the rest
of the panel, in the spirit of figure skating's officials assessment and of published
analyses of judged sports (marks tested against the panel median).

For every mark with at least one other judge's mark on the same entry, criterion and
attempt ("item"):
- deviation = mark - mean of the other judges' marks on that item (leave-one-out, so a
  judge is never compared with themselves): positive = lenient, negative = harsh;
- above / below / tie: the mark against the panel's median on that item (all its marks,
  the judge's own included, as published analyses of judged sports do; counted only on
  items with three marks or more: with two, neither judge can be told from the other);
then per judge and criterion: the mean signed and absolute deviation (points and share of
the criterion's maximum), marks beyond the rule's discrepancy threshold, the two-sided sign
test of above against below, and Spearman's correlation of the judge's marks with the
panel's (leave-one-out means) over the items the judge marked: does the judge put the
contestants in the panel's order?

A judge is flagged (``findings``) when the evidence says more than chance:
- lenient / harsh: sign test p < alpha and |mean deviation| >= min_share of the maximum;
- off_panel: marks beyond the discrepancy threshold in at least a fifth of the items
  (and at least two);
- ordering: rank correlation below ``min_rho`` over at least ``min_items`` items;
- home_bias: on contestants of the judge's own employer the judge's mean distance above the
  panel's median is higher than on the others by at least min_share of the maximum,
  with at least three marks each (the median, not the mean: one lenient colleague must not
  make an honest judge look biased).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Hashable, Iterable, Mapping

from .stats import median, sign_test_p, spearman

ZERO = Decimal(0)


@dataclass(frozen=True)
class JudgeMark:
    judge: Hashable
    entry: Hashable
    criterion: str
    attempt: int
    value: Decimal


@dataclass(frozen=True)
class Finding:
    code: str            # lenient | harsh | off_panel | ordering | home_bias
    values: tuple = ()   # (name, value) pairs the words quote


@dataclass
class JudgeCriterionStats:
    judge: Hashable
    criterion: str
    maximum: Decimal | None
    marks: int = 0                       # marks compared with a panel
    deviation_sum: Decimal = ZERO
    abs_deviation_sum: Decimal = ZERO
    beyond_threshold: int = 0
    above: int = 0
    below: int = 0
    ties: int = 0
    sign_p: float = 1.0
    rank_corr: float | None = None
    own_employer: tuple[int, Decimal | None] = (0, None)     # (marks, mean deviation)
    other_employers: tuple[int, Decimal | None] = (0, None)
    findings: list[Finding] = field(default_factory=list)
    _pairs: list = field(default_factory=list, repr=False)
    _home: list = field(default_factory=list, repr=False)
    _away: list = field(default_factory=list, repr=False)

    @property
    def mean_deviation(self) -> Decimal | None:
        return self.deviation_sum / self.marks if self.marks else None

    @property
    def mean_abs_deviation(self) -> Decimal | None:
        return self.abs_deviation_sum / self.marks if self.marks else None

    def share(self, value: Decimal | None) -> Decimal | None:
        """``value`` as a share of the criterion's maximum (0.05 = 5 %)."""
        if value is None or not self.maximum:
            return None
        return value / self.maximum

    @property
    def flagged(self) -> bool:
        return bool(self.findings)


def judge_consistency(marks: Iterable[JudgeMark], maxima: Mapping[str, Decimal], *,
                      thresholds: Mapping[str, Decimal | None] | None = None,
                      entry_employers: Mapping[Hashable, str] | None = None,
                      judge_employers: Mapping[Hashable, str] | None = None,
                      alpha: float = 0.05, min_share: Decimal = Decimal("0.02"),
                      min_rho: float = 0.3, min_items: int = 5) -> list[JudgeCriterionStats]:
    """Statistics per (judge, criterion), judges and criteria in a stable order. Only
    criteria named in ``maxima`` are looked at (the judged ones)."""
    items: dict[tuple, list[JudgeMark]] = {}
    for m in marks:
        if m.criterion in maxima:
            items.setdefault((m.criterion, m.entry, m.attempt), []).append(m)
    stats: dict[tuple, JudgeCriterionStats] = {}
    thresholds = thresholds or {}
    home_check = bool(entry_employers and judge_employers)
    for (crit, entry, _attempt), group in items.items():
        n = len(group)
        if n < 2:
            continue
        # the hot loop (every mark of a trade): written out, no call per mark
        values = [m.value for m in group]
        total = sum(values)
        panel = median(values) if n >= 3 else None
        threshold, maximum = thresholds.get(crit), maxima[crit]
        entry_employer = entry_employers.get(entry) if home_check else None
        for m in group:
            s = stats.get((m.judge, crit))
            if s is None:
                s = stats[(m.judge, crit)] = JudgeCriterionStats(m.judge, crit, maximum)
            value = m.value
            others_mean = (total - value) / (n - 1)     # leave-one-out
            deviation = value - others_mean
            s.marks += 1
            s.deviation_sum += deviation
            s.abs_deviation_sum += abs(deviation)
            if threshold is not None and abs(deviation) > threshold:
                s.beyond_threshold += 1
            s._pairs.append((value, others_mean))
            if panel is None:
                continue
            if value > panel:
                s.above += 1
            elif value < panel:
                s.below += 1
            else:
                s.ties += 1
            if home_check and m.judge in judge_employers:
                (s._home if entry_employer == judge_employers[m.judge] else s._away).append(value - panel)
    out = [stats[k] for k in sorted(stats, key=lambda k: (str(k[0]), k[1]))]
    for s in out:
        _finish(s, alpha, min_share, min_rho, min_items)
    return out


def _mean(values: list) -> Decimal | None:
    return sum(values, ZERO) / len(values) if values else None


def _finish(s: JudgeCriterionStats, alpha: float, min_share: Decimal, min_rho: float,
            min_items: int) -> None:
    s.sign_p = sign_test_p(s.above, s.below)
    s.rank_corr = spearman([a for a, _ in s._pairs], [b for _, b in s._pairs])
    s.own_employer = (len(s._home), _mean(s._home))
    s.other_employers = (len(s._away), _mean(s._away))
    share = s.share(s.mean_deviation) or ZERO
    if s.sign_p < alpha and abs(share) >= min_share:
        code = "lenient" if share > 0 else "harsh"
        s.findings.append(Finding(code, (("above", s.above), ("below", s.below),
                                         ("p", s.sign_p), ("deviation", s.mean_deviation))))
    if s.beyond_threshold >= 2 and s.beyond_threshold * 5 >= s.marks:
        s.findings.append(Finding("off_panel", (("beyond", s.beyond_threshold),
                                                ("marks", s.marks))))
    if s.rank_corr is not None and len(s._pairs) >= min_items and s.rank_corr < min_rho:
        s.findings.append(Finding("ordering", (("rho", s.rank_corr), ("items", len(s._pairs)))))
    (n_home, home), (n_away, away) = s.own_employer, s.other_employers
    if n_home >= 3 and n_away >= 3 and s.maximum and (home - away) / s.maximum >= min_share:
        s.findings.append(Finding("home_bias", (("own", home), ("others", away),
                                                ("own_marks", n_home))))
    s._pairs, s._home, s._away = [], [], []
