"""Seating by hand: the next free workstation and the next lot number."""
from hypothesis import given
from hypothesis import strategies as st

from competition.brackets import free_workstations, next_free_workstation, next_lot, same_lot


def test_the_next_free_workstation_fills_a_gap_first():
    # 10 workstations, 1-3 and 5 held: 4 is the first free one
    assert next_free_workstation(10, [1, 2, 3, 5, None]) == 4
    assert free_workstations(5, [2, 4]) == [1, 3, 5]


def test_a_full_heat_has_no_free_workstation():
    assert next_free_workstation(3, [3, 1, 2]) is None
    assert next_free_workstation(0, []) is None


def test_the_next_lot_follows_the_highest_and_keeps_the_padding():
    assert next_lot(["001", "023", "002", None, ""]) == "024"
    assert next_lot(["0998", "0999"]) == "1000"
    assert next_lot(["A7", "B2"]) == "001"        # no numeric lot: start at 001
    assert next_lot([]) == "001"
    assert next_lot(["999"]) == "1000"


def test_lots_compare_as_numbers():
    assert same_lot("7", "007") and same_lot(" A7", "A7")
    assert not same_lot("7", "017") and not same_lot("", "001")


@given(st.integers(0, 60), st.sets(st.integers(1, 80)))
def test_a_free_workstation_is_never_held_and_within_capacity(capacity, held):
    free = free_workstations(capacity, held)
    assert not set(free) & held and all(1 <= w <= capacity for w in free)
    assert len(free) == capacity - len({w for w in held if w <= capacity})


@given(st.lists(st.integers(1, 5000), max_size=30))
def test_the_next_lot_is_new(numbers):
    lots = [f"{n:03d}" for n in numbers]
    new = next_lot(lots)
    assert not any(same_lot(new, lot) for lot in lots)
