"""Schedule conflicts with a small hand-built week."""
from datetime import datetime, timedelta, timezone

from competition.schedule import SlotInfo, find_conflicts, overlaps

T0 = datetime(2026, 12, 8, 1, 0, tzinfo=timezone.utc)    # 09:00 in Beijing


def slot(id, start_h, hours=2, venue="示例县职业技术学校", judges=(), chiefs=(), people=(), seats=20,
         seated=10):
    start = T0 + timedelta(hours=start_h) if start_h is not None else None
    return SlotInfo(id, f"heat {id}", venue, start, start + timedelta(hours=hours) if start else None,
                    seats, seated, frozenset(judges), frozenset(chiefs), frozenset(people))


def kinds(conflicts):
    return sorted((c.kind, c.heats, c.who) for c in conflicts)


def test_heats_back_to_back_do_not_overlap():
    assert not overlaps(slot(1, 0), slot(2, 2))
    assert overlaps(slot(1, 0), slot(2, 1))


def test_a_judge_in_two_heats_at_once():
    found = find_conflicts([slot(1, 0, judges={7}), slot(2, 1, judges={7, 8}), slot(3, 2, judges={7})])
    # 1 (09-11) and 2 (10-12) overlap; 3 (11-13) overlaps 2 only
    assert kinds(found) == [("judge", (1, 2), 7), ("judge", (2, 3), 7)]


def test_a_chief_is_only_a_conflict_at_two_venues():
    same_place = find_conflicts([slot(1, 0, judges={1}, chiefs={5}), slot(2, 1, judges={2}, chiefs={5})])
    assert same_place == []
    apart = find_conflicts([slot(1, 0, judges={1}, chiefs={5}),
                            slot(2, 1, judges={2}, chiefs={5}, venue="示例县供电公司培训中心")])
    assert kinds(apart) == [("chief", (1, 2), 5)]


def test_a_worker_entered_in_two_trades_at_once():
    found = find_conflicts([slot(1, 0, judges={1}, people={"990101"}), slot(2, 1, judges={2}, people={"990101"})])
    assert kinds(found) == [("contestant", (1, 2), "990101")]


def test_seats_judges_and_times_missing():
    found = find_conflicts([slot(1, 0, judges={1}, seated=21), slot(2, None, judges=())])
    assert kinds(found) == [("no_judges", (2,), None), ("no_time", (2,), None), ("seats", (1,), None)]
    assert next(c for c in found if c.kind == "seats").detail == {"seated": 21, "workstations": 20}


def test_a_venue_over_its_workstations():
    # 30 + 20 workstations at once in a hall of 40; the third heat starts after the first ends
    found = find_conflicts([slot(1, 0, judges={1}, seats=30), slot(2, 1, judges={2}, seats=20),
                            slot(3, 2, judges={3}, seats=20)], {"示例县职业技术学校": 40})
    assert kinds(found) == [("venue", (1, 2), "示例县职业技术学校")]
    assert found[0].detail == {"used": 50, "capacity": 40}
