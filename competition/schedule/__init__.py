"""The event's schedule as a whole, pure: heats across trades by day and venue, and the
conflicts an organiser must see before they happen."""
from .conflicts import ScheduleConflict, SlotInfo, find_conflicts, overlaps

__all__ = ["ScheduleConflict", "SlotInfo", "find_conflicts", "overlaps"]
