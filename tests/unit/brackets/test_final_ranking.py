"""The final ranking of a decided bracket, worked by hand (competition.brackets.final_ranking).

Seeds S1..Sn; in an 8-field the first round is S1-S8, S4-S5, S2-S7, S3-S6 (seed_order)."""
from competition.brackets import Knockout, PointsSystem, Result, table
from competition.brackets.final_ranking import (
    CHAMPION,
    FOURTH,
    GROUP,
    RUNNER_UP,
    THIRD,
    groups_knockout_ranking,
    knockout_decided,
    knockout_ranking,
    round_robin_ranking,
)


def seeds(n):
    return [f"S{i}" for i in range(1, n + 1)]


def places(result):
    return [(p.key, p.rank, p.how) for p in result]


def eight(third_place=False):
    """S5 beats S4 in round 1, S3 beats S2 in the semi-final, S3 wins the final; in the
    third-place match (if any) S2 beats S5."""
    ko = Knockout.build(seeds(8), third_place=third_place)
    ko.record(1, 0, 3, 0)          # S1 - S8
    ko.record(1, 1, 1, 2)          # S4 - S5: S5
    ko.record(1, 2, 3, 0)          # S2 - S7
    ko.record(1, 3, 3, 0)          # S3 - S6
    ko.record(2, 0, 5, 2)          # S1 - S5: S1
    ko.record(2, 1, 2, 4)          # S2 - S3: S3
    return ko


def test_without_a_third_place_match_both_losing_semi_finalists_share_third():
    ko = eight()
    assert knockout_ranking(ko) is None            # the final is still to be played
    ko.record(3, 0, 1, 3)                          # S1 - S3: S3 champion
    got = places(knockout_ranking(ko, seeds(8)))
    assert got == [("S3", 1, CHAMPION), ("S1", 2, RUNNER_UP),
                   ("S2", 3, "semi-final"), ("S5", 3, "semi-final"),
                   ("S4", 5, "quarter-final"), ("S6", 5, "quarter-final"),
                   ("S7", 5, "quarter-final"), ("S8", 5, "quarter-final")]


def test_a_third_place_match_splits_third_and_fourth():
    ko = eight(third_place=True)
    ko.record(3, 0, 1, 3)                          # the final: S3
    assert not knockout_decided(ko)                # the third-place match is still to come
    assert knockout_ranking(ko) is None
    third = ko.matches[(3, 1)]
    assert (third.a, third.b) == ("S5", "S2")
    ko.record(3, 1, 0, 2)                          # S2 third
    got = places(knockout_ranking(ko, seeds(8)))
    assert got[:4] == [("S3", 1, CHAMPION), ("S1", 2, RUNNER_UP), ("S2", 3, THIRD),
                       ("S5", 4, FOURTH)]
    assert [(k, r) for k, r, _ in got[4:]] == [("S4", 5), ("S6", 5), ("S7", 5), ("S8", 5)]


def test_the_third_place_match_before_the_final_does_not_decide_it():
    ko = eight(third_place=True)
    ko.record(3, 1, 2, 0)
    assert knockout_ranking(ko) is None


def test_a_bye_is_not_a_match_the_seed_given_one_lost_in_the_round_it_lost():
    # 6 entrants in an 8-bracket: S1 and S2 have byes; S5 and S6 win round 1 (S5 over S4,
    # S6 over S3); S1 beats S5, S6 beats S2; S1 beats S6 in the final.
    ko = Knockout.build(seeds(6))
    ko.record(1, 1, 0, 1)          # S4 - S5
    ko.record(1, 3, 0, 1)          # S3 - S6
    ko.record(2, 0, 2, 1)          # S1 - S5
    ko.record(2, 1, 0, 1)          # S2 - S6
    ko.record(3, 0, 4, 3)          # S1 - S6
    got = places(knockout_ranking(ko, seeds(6)))
    assert got == [("S1", 1, CHAMPION), ("S6", 2, RUNNER_UP), ("S2", 3, "semi-final"),
                   ("S5", 3, "semi-final"), ("S3", 5, "quarter-final"),
                   ("S4", 5, "quarter-final")]


def test_two_entrants_the_final_alone():
    ko = Knockout.build(["A", "B"])
    ko.record(1, 0, 1, 2)
    assert places(knockout_ranking(ko)) == [("B", 1, CHAMPION), ("A", 2, RUNNER_UP)]


def test_a_third_place_match_that_cannot_be_played_does_not_hold_the_bracket_up():
    # 3 entrants, third place asked for: S1 has a bye, so one semi-final only
    ko = Knockout.build(seeds(3), third_place=True)
    ko.record(1, 1, 2, 1)          # S2 - S3: S2
    ko.record(2, 0, 0, 1)          # S1 - S2: S2 champion
    assert knockout_decided(ko)
    assert places(knockout_ranking(ko)) == [("S2", 1, CHAMPION), ("S1", 2, RUNNER_UP),
                                            ("S3", 3, "semi-final")]


def test_a_walkover_loser_is_out_in_that_round():
    ko = Knockout.build(seeds(4))
    ko.walkover(1, 0, "S1")        # S4 did not turn up
    ko.record(1, 1, 1, 0)          # S2 - S3
    ko.record(2, 0, 2, 1)
    assert places(knockout_ranking(ko, seeds(4))) == [("S1", 1, CHAMPION), ("S2", 2, RUNNER_UP),
                                            ("S3", 3, "semi-final"), ("S4", 3, "semi-final")]


def test_a_sixteen_knockout_ranks_round_of_16_losers_ninth():
    ko = Knockout.build(seeds(16), third_place=True)
    while not knockout_decided(ko):
        m = ko.ready_matches()[0]
        # the better seed (smaller number) always wins
        a_better = int(m.a[1:]) < int(m.b[1:])
        ko.record(m.round, m.slot, 2 if a_better else 1, 1 if a_better else 2)
    ranks = {p.key: p.rank for p in knockout_ranking(ko)}
    assert [ranks[f"S{i}"] for i in range(1, 17)] == [1, 2, 3, 4] + [5] * 4 + [9] * 8


def group_tables():
    """Two groups of three (3/1/0 points): A: A1 beats A2 and A3, A2 beats A3;
    B: B1 beats B2 and B3, B2 beats B3."""
    system = PointsSystem()
    a = table(["A1", "A2", "A3"], [Result("A1", "A2", 3, 1), Result("A1", "A3", 3, 0),
                                   Result("A2", "A3", 2, 1)], system)
    b = table(["B1", "B2", "B3"], [Result("B1", "B2", 3, 1), Result("B1", "B3", 3, 0),
                                   Result("B2", "B3", 3, 1)], system)
    return {"A": a, "B": b}


def test_groups_then_knockout_the_group_places_follow_the_knockout():
    tables = group_tables()
    # top 2 of each group to a 4-knockout seeded A1, B1, A2, B2: A1 - B2, B1 - A2
    ko = Knockout.build(["A1", "B1", "A2", "B2"])
    assert groups_knockout_ranking(ko, tables) is None
    ko.record(1, 0, 3, 1)          # A1 - B2: A1
    ko.record(1, 1, 1, 3)          # B1 - A2: A2
    ko.record(2, 0, 2, 4)          # A1 - A2: A2 champion
    got = places(groups_knockout_ranking(ko, tables, ["A1", "B1", "A2", "B2", "A3", "B3"]))
    assert got == [("A2", 1, CHAMPION), ("A1", 2, RUNNER_UP), ("B1", 3, "semi-final"),
                   ("B2", 3, "semi-final"), ("A3", 5, GROUP), ("B3", 5, GROUP)]
    assert {p.key: p.group_rank for p in groups_knockout_ranking(ko, tables)}["A3"] == 3


def test_groups_before_the_knockout_is_drawn_rank_nobody():
    assert groups_knockout_ranking(None, group_tables()) is None


def test_a_round_robin_ranks_by_its_table_once_every_match_is_played():
    rows = group_tables()["A"]
    assert round_robin_ranking(rows, all_played=False) is None
    got = places(round_robin_ranking(rows, all_played=True))
    assert got == [("A1", 1, CHAMPION), ("A2", 2, GROUP), ("A3", 3, GROUP)]


def test_awards_follow_the_places_by_the_rules_levels_ignoring_minimum_scores():
    from competition.brackets.final_ranking import place_awards
    from competition.rules.model import Awards
    awards = Awards.model_validate({"levels": [
        {"name": "一等奖", "count": 1, "min_total": 80}, {"name": "二等奖", "count": 1},
        {"name": "三等奖", "count": 2}], "titles": [{"name": "县技术能手", "top": 1,
                                                   "min_total": 90}]})
    # an 8-knockout without a third-place match: 1, 2, 3, 3, 5 x 4
    got = place_awards(awards, [1, 2, 3, 3, 5, 5, 5, 5])
    assert got == [("一等奖", ("县技术能手",)), ("二等奖", ()), ("三等奖", ()), ("三等奖", ()),
                   (None, ()), (None, ()), (None, ()), (None, ())]
    # percents of the 8 places: 一等奖 25 % = places 1-2, 二等奖 25 % = places 3-4 (the
    # two who share 3rd)
    pct = Awards.model_validate({"basis": "percent", "levels": [
        {"name": "一等奖", "percent": 25}, {"name": "二等奖", "percent": 25}]})
    assert [a for a, _ in place_awards(pct, [1, 2, 3, 3, 5, 5, 5, 5])] == [
        "一等奖", "一等奖", "二等奖", "二等奖", None, None, None, None]
    # a level ending inside a shared place: every sharer gets the higher award
    three = Awards.model_validate({"levels": [{"name": "一等奖", "count": 1},
                                              {"name": "二等奖", "count": 2}]})
    assert [a for a, _ in place_awards(three, [1, 2, 3, 3])] == ["一等奖", "二等奖", "二等奖",
                                                                  "二等奖"]
