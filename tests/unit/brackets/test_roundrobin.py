"""Round robin: every pair once; points table and its tie-breaks; groups feeding a knockout."""
from decimal import Decimal as D
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competition.brackets import (
    BracketError,
    Knockout,
    PointsSystem,
    Result,
    RoundRobinError,
    knockout_seeding,
    schedule,
    split_into_groups,
    table,
)


@given(st.integers(min_value=2, max_value=20))
def test_schedule_pairs_everyone_once(n):
    rounds = schedule(list(range(n)))
    pairs = [frozenset(p) for r in rounds for p in r]
    assert len(pairs) == len(set(pairs)) == n * (n - 1) // 2
    for r in rounds:                       # nobody plays twice in one round
        people = [x for p in r for x in p]
        assert len(people) == len(set(people))


def R(a, b, sa, sb):
    return Result(a, b, D(sa), D(sb))


def test_points_then_head_to_head_breaks_a_tie():
    # A, B, C each win one and lose one... no: A beats B, B beats C, C beats A, all beat D.
    # With 3/1/0: A, B, C 6 points each, D 0. Head to head among A, B, C: 3 points each;
    # score difference decides: A +5 (10-5, 2-4, 9-0), B ..., computed below.
    results = [R("A", "B", 10, 5), R("B", "C", 6, 4), R("C", "A", 4, 2),
               R("A", "D", 9, 0), R("B", "D", 3, 1), R("C", "D", 5, 0)]
    rows = table("ABCD", results)
    by = {r.key: r for r in rows}
    assert by["A"].points == by["B"].points == by["C"].points == D(6)
    # differences: A = 5 - 2 + 9 = 12; B = -5 + 2 + 2 = -1; C = -2 + 2 + 5 = 5
    assert [r.key for r in rows] == ["A", "C", "B", "D"]
    assert [r.rank for r in rows] == [1, 2, 3, 4]


def test_head_to_head_decides_two_teams_level_on_points():
    # A and B both 3 points (each beat C... no, A beat B; B beat C; C beat A would make 3);
    # here: A beats B, C beats A, B beats C by more: all level on 3 points in 3-team group
    # is the previous test; for two teams: A beats B 1-0; both beat C; C beats nobody.
    results = [R("A", "B", 1, 0), R("A", "C", 0, 5), R("B", "C", 9, 0)]
    # A: 3 pts (diff -4), B: 3 pts (diff +8), C: 3 pts... C beat A: C has 3 too.
    rows = table("ABC", results, PointsSystem(tiebreaks=("points", "head_to_head",
                                                          "score_difference", "scored")))
    # all on 3 points; head-to-head among all three equal (3 each) -> difference:
    # A -4, B +8, C -4; A and C still level: head-to-head re-applied to {A, C}: C beat A
    assert [r.key for r in rows] == ["B", "C", "A"]


def test_entrants_level_on_everything_share_a_rank():
    rows = table("AB", [R("A", "B", 2, 2)])
    assert [r.rank for r in rows] == [1, 1]
    assert rows[0].drawn == 1 and rows[0].points == D(1)


def test_a_quiz_points_system_of_two_one_nil():
    system = PointsSystem(win=D(2), draw=D(1), loss=D(0))
    rows = table("AB", [R("A", "B", 30, 20)], system)
    assert (rows[0].key, rows[0].points, rows[1].points) == ("A", D(2), D(0))


def test_bad_tiebreak_names_and_strangers_are_refused():
    with pytest.raises(RoundRobinError):
        PointsSystem(tiebreaks=("points", "coin"))
    with pytest.raises(RoundRobinError):
        table("AB", [R("A", "Z", 1, 0)])


def test_serpentine_groups_take_one_of_each_pot():
    groups = split_into_groups([f"S{i}" for i in range(1, 9)], 2)
    assert groups == {"A": ["S1", "S4", "S5", "S8"], "B": ["S2", "S3", "S6", "S7"]}
    with pytest.raises(BracketError):
        split_into_groups(["S1", "S2", "S3"], 2)


def play_group(keys):
    """Lower index always wins: the table is in seed order."""
    return table(keys, [R(a, b, 10, 0) for a, b in combinations(keys, 2)])


@pytest.mark.parametrize("group_count", [2, 3, 4, 8])
def test_groups_feed_a_knockout_without_first_round_group_rematches(group_count):
    seeded = [f"T{i:02d}" for i in range(1, group_count * 4 + 1)]
    groups = split_into_groups(seeded, group_count)
    tables = {g: play_group(keys) for g, keys in groups.items()}
    ko_seeds = knockout_seeding(tables, advance=2)
    assert len(ko_seeds) == 2 * group_count
    assert set(ko_seeds[:group_count]) == {t[0].key for t in tables.values()}
    group_of = {k: g for g, keys in groups.items() for k in keys}
    ko = Knockout.build(ko_seeds)
    for i in range(len(ko_seeds) // 2):
        m = ko.matches[(1, i)]
        if m.a is not None and m.b is not None:
            assert group_of[m.a] != group_of[m.b]


def test_forty_teams_in_eight_groups_to_a_champion():
    teams = [f"队{i:02d}" for i in range(1, 41)]
    groups = split_into_groups(teams, 8)
    assert all(len(g) == 5 for g in groups.values())
    tables = {g: play_group(keys) for g, keys in groups.items()}
    ko = Knockout.build(knockout_seeding(tables, advance=2), third_place=True)
    while ko.ready_matches():
        m = ko.ready_matches()[0]
        ko.record(m.round, m.slot, 10, 5)     # side a always wins
    assert ko.champion == "队01"


@given(st.integers(min_value=2, max_value=8), st.randoms(use_true_random=False))
def test_a_points_table_is_consistent_whatever_the_results(n, rnd):
    keys = [f"T{i}" for i in range(n)]
    results = [R(a, b, rnd.randint(0, 3), rnd.randint(0, 3)) for a, b in combinations(keys, 2)
               if rnd.random() < 0.8]
    rows = table(keys, results)
    assert sorted(r.key for r in rows) == sorted(keys)
    # 3 points a decisive match, 2 (1 + 1) a drawn one
    assert sum(r.points for r in rows) == sum(D(2) if x.score_a == x.score_b else D(3)
                                              for x in results)
    assert sum(r.difference for r in rows) == 0
    ranks = [r.rank for r in rows]
    assert ranks == sorted(ranks) and ranks[0] == 1
    for i, r in enumerate(rows):
        assert r.rank <= i + 1
        for later in rows[i + 1:]:
            assert r.points >= later.points       # points always come first


def test_entrants_equal_on_everything_are_listed_in_the_order_given():
    # all three draw every match: equal on every tie-break; listed as given (lot order)
    results = [R("A", "B", 1, 1), R("B", "C", 1, 1), R("A", "C", 1, 1)]
    assert [r.key for r in table(["C", "A", "B"], results)] == ["C", "A", "B"]
    assert {r.rank for r in table(["C", "A", "B"], results)} == {1}
