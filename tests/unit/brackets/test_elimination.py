"""Single elimination: structure for every field size, seeding, byes, playing to a winner."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.brackets import BracketError, Knockout, bracket_size, seed_order
from competition.brackets.elimination import BYE, DONE


def seeds(n):
    return [f"S{i}" for i in range(1, n + 1)]


def test_seed_order_for_eight_is_the_standard_one():
    # 1 v 8 and 4 v 5 in the top half, 2 v 7 and 3 v 6 in the bottom half
    assert seed_order(8) == [1, 8, 4, 5, 2, 7, 3, 6]
    assert seed_order(2) == [1, 2]
    assert seed_order(4) == [1, 4, 2, 3]


def earliest_meeting_round(size, s1, s2):
    """Round in which two seeds' bracket positions first fall into the same match."""
    order = seed_order(size)
    p1, p2 = order.index(s1), order.index(s2)
    r = 1
    while p1 // 2 != p2 // 2:
        p1, p2, r = p1 // 2, p2 // 2, r + 1
    return r


@pytest.mark.parametrize("n", range(2, 65))
def test_every_field_size_gives_a_valid_bracket(n):
    ko = Knockout.build(seeds(n))
    size = bracket_size(n)
    rounds = size.bit_length() - 1
    assert size // 2 < n <= size
    assert ko.rounds == rounds
    assert len(ko.matches) == size - 1
    first = [ko.matches[(1, i)] for i in range(size // 2)]
    byes = [m for m in first if m.status == BYE]
    assert len(byes) == size - n
    # every entrant appears exactly once in round 1, and no match is bye v bye
    present = [x for m in first for x in (m.a, m.b) if x is not None]
    assert sorted(present) == sorted(seeds(n))
    assert all(m.a is not None or m.b is not None for m in first)
    # byes go to the top seeds
    assert sorted(m.winner for m in byes) == sorted(seeds(size - n))
    # seeds 1 and 2 only in the final; 1-4 not before the semi-finals; 1-8 quarter-finals
    for top, latest_from in ((2, 0), (4, 1), (8, 2)):
        for a in range(1, min(top, n) + 1):
            for b in range(a + 1, min(top, n) + 1):
                assert earliest_meeting_round(size, a, b) >= rounds - latest_from


@given(st.integers(min_value=2, max_value=64), st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_playing_any_bracket_to_the_end_gives_one_champion(n, rnd):
    ko = Knockout.build(seeds(n), third_place=n >= 4)
    played = 0
    while ko.ready_matches():
        m = ko.ready_matches()[0]
        sa, sb = rnd.randint(0, 100), rnd.randint(0, 100)
        ko.record(m.round, m.slot, sa, sb, winner=m.a if sa == sb else None)
        played += 1
    byes = bracket_size(n) - n
    # n - 1 eliminations, of which `byes` were free, plus the third-place match
    assert played == n - 1 + (1 if n >= 4 else 0)
    assert ko.champion in seeds(n)
    assert sorted(ko.placings().values())[:2] == [1, 2]
    assert byes >= 0


def test_a_quiz_bracket_of_six_teams_is_played_to_a_winner():
    teams = ["一厂", "二厂", "电力", "水务", "公安", "纺织"]  # seeds 1..6
    ko = Knockout.build(teams, third_place=True)
    # 8-bracket: 1 v bye, 4 v 5, 2 v bye, 3 v 6
    assert ko.matches[(1, 0)].status == BYE and ko.matches[(2, 0)].a == "一厂"
    ko.record(1, 1, 80, 95)          # 水务 v 公安: 公安 wins
    ko.record(1, 3, 70, 70, winner="纺织")   # tie decided by a tie-breaker question
    assert ko.matches[(2, 0)].b == "公安"
    assert ko.matches[(2, 1)].a == "二厂" and ko.matches[(2, 1)].b == "纺织"
    ko.record(2, 0, 100, 90)         # 一厂 beats 公安
    ko.record(2, 1, 60, 85)          # 纺织 beats 二厂
    assert ko.matches[(3, 1)].a == "公安" and ko.matches[(3, 1)].b == "二厂"
    ko.record(3, 1, 50, 55)          # third place: 二厂
    ko.record(3, 0, 110, 105)
    assert ko.champion == "一厂"
    assert ko.placings() == {"一厂": 1, "纺织": 2, "二厂": 3, "公安": 4}


def test_a_drawn_knockout_match_needs_a_winner_named():
    ko = Knockout.build(["A", "B"])
    with pytest.raises(BracketError, match="winner named"):
        ko.record(1, 0, 5, 5)
    with pytest.raises(BracketError, match="lower score"):
        ko.record(1, 0, 6, 5, winner="B")


def test_a_match_whose_opponent_is_unknown_cannot_be_played():
    ko = Knockout.build(seeds(4))
    with pytest.raises(BracketError, match="not ready"):
        ko.record(2, 0, 1, 0)


def test_correcting_a_result_moves_the_new_winner_on_until_the_next_match_is_played():
    ko = Knockout.build(seeds(4))
    ko.record(1, 0, 3, 1)                       # S1 beats S4
    ko.record(1, 0, 1, 3)                       # corrected: S4 won
    assert ko.matches[(2, 0)].a == "S4"
    ko.record(1, 1, 2, 0)
    ko.record(2, 0, 1, 0)
    with pytest.raises(BracketError, match="later match"):
        ko.record(1, 0, 3, 1)
    assert ko.matches[(2, 0)].status == DONE


def test_rebuilding_from_stored_rows_keeps_the_state():
    ko = Knockout.build(seeds(5))
    ko.record(1, 1, 2, 1)
    again = Knockout.from_matches(ko.rows())
    assert again.rows() == ko.rows()
    assert [(m.round, m.slot) for m in again.ready_matches()] == [(2, 0), (2, 1)]


def test_a_bracket_needs_two_distinct_entrants():
    with pytest.raises(BracketError):
        Knockout.build(["A"])
    with pytest.raises(BracketError):
        Knockout.build(["A", "A"])


def test_scores_are_decimal():
    ko = Knockout.build(["A", "B"])
    m = ko.record(1, 0, "10.5", 10)[0]
    assert m.score_a == Decimal("10.5")


def test_a_walkover_moves_the_side_that_turned_up_on_without_a_score():
    ko = Knockout.build(seeds(4), third_place=True)
    ko.walkover(1, 0, "S4")                     # seed 1 did not turn up
    assert ko.matches[(1, 0)].score_a is None and ko.matches[(1, 0)].winner == "S4"
    assert ko.matches[(2, 0)].a == "S4"
    ko.record(1, 1, 2, 1)
    ko.record(2, 1, 3, 0)                       # third place: S1 (absent) v S3
    assert ko.matches[(2, 1)].a == "S1"
    with pytest.raises(BracketError):
        ko.walkover(1, 1, "S9")
