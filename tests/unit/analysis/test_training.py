"""Training needs: the criteria where most points were lost."""
from decimal import Decimal as D

from competition.analysis import training_needs


def test_criteria_sorted_by_the_share_lost_with_the_employers_who_lost_most():
    points = {"e1": {"taste": D(8), "knife": D(10)}, "e2": {"taste": D(6), "knife": D(14)},
              "e3": {"taste": D(7), "knife": D(12)}}
    employers = {"e1": "甲店", "e2": "甲店", "e3": "乙店"}
    needs = training_needs(points, {"taste": D(10), "knife": D(20), "safety": D(0)}, employers)
    # knife: mean 12 of 20 -> 0.4 lost; taste: mean 7 of 10 -> 0.3; safety has no maximum
    assert [(n.criterion, n.lost_share) for n in needs] == [("knife", D("0.400")), ("taste", D("0.300"))]
    # only 甲店 has two scored workers: knife (10 + 14)/2 = 12 -> 0.4
    assert needs[0].employers == (("甲店", 2, D("0.400")),)
    assert needs[0].entries == 3 and needs[0].mean_points == D("12.000")
