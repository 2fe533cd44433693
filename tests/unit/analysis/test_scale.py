"""One scale across trades: worked numbers."""
from decimal import Decimal as D

from competition.analysis import cross_trade_ranking, employer_ranking, standardise


def test_the_median_stands_at_700_and_a_standard_deviation_spans_20_points():
    # median 80, mean 80, population variance (100 + 0 + 100)/3, sd 8.16497:
    # 90 -> 700 + 10/8.16497 x 20 = 724.49 -> 724.5; 70 -> 675.5
    scaled = standardise({"a": D(90), "b": D(80), "c": D(70)})
    assert scaled == {"a": D("724.5"), "b": D("700.0"), "c": D("675.5")}


def test_centre_and_spread_are_settings():
    scaled = standardise({"a": D(90), "b": D(80), "c": D(70)}, centre=D(500), points_per_sd=D(100))
    assert scaled["b"] == D(500) and scaled["a"] == D("622.5")


def test_a_trade_where_everyone_scored_the_same_sits_at_the_centre():
    assert standardise({"a": D(75), "b": D(75)}) == {"a": D(700), "b": D(700)}
    assert standardise({}) == {}


def test_two_trades_with_the_same_shape_rank_side_by_side():
    ranking = cross_trade_ranking({"lathe": {"a": D(90), "b": D(80), "c": D(70)},
                                   "cook": {"d": D(60), "e": D(50), "f": D(40)}})
    assert [(r.key, r.rank, r.scaled) for r in ranking] == [
        ("a", 1, D("724.5")), ("d", 1, D("724.5")), ("b", 3, D("700.0")), ("e", 3, D("700.0")),
        ("c", 5, D("675.5")), ("f", 5, D("675.5"))]


def test_employers_rank_by_their_finishers_mean_with_a_minimum_count():
    ranking = cross_trade_ranking({"lathe": {"a": D(90), "b": D(80), "c": D(70)},
                                   "cook": {"d": D(60), "e": D(50), "f": D(40)}})
    employers = {"a": "甲厂", "b": "甲厂", "c": "乙厂", "d": "乙厂", "e": "乙厂", "f": "丙厂"}
    rows = {e.employer: e for e in employer_ranking(ranking, employers,
                                                     {"甲厂": 2, "乙厂": 4, "丙厂": 1})}
    # 乙厂: (675.5 + 724.5 + 700.0) / 3 = 700.0, three finishers: ranked first
    assert rows["乙厂"].score == D("700.0") and rows["乙厂"].rank == 1 and rows["乙厂"].entrants == 4
    # 甲厂: two finishers, (724.5 + 700.0)/2 = 712.25 -> 712.3, listed but not ranked
    assert rows["甲厂"].mean_scaled == D("712.3") and rows["甲厂"].rank is None
    assert rows["丙厂"].finishers == 1 and rows["丙厂"].score is None
