"""When and where the demo's heats run: fictional slots over a few days from today.

Times are the competition's local time (competition/timefmt.py, Asia/Shanghai unless set),
stored in UTC. A day has four slots of the default heat length (services.schedule: 120
minutes) with a break between them, so two slots never overlap. A trade's heats share its
judges and its chief judge, so they take consecutive slots and never run at once; the
trades with one heat are spread over the slots and the venues.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from .timefmt import local_today, zone

SLOTS = (time(8, 30), time(10, 45), time(14, 0), time(16, 15))   # each 120 minutes
VENUES = ["示例县职业技术学校实训楼", "示例县第一机械厂培训中心", "示例县工人文化宫"]


def slot_start(n: int, comp=None) -> datetime:
    """The start (UTC) of the n-th slot counted from today's first (0 = today 08:30)."""
    day, slot = divmod(n, len(SLOTS))
    local = datetime.combine(local_today(comp) + timedelta(days=day), SLOTS[slot],
                             tzinfo=zone(comp))
    return local.astimezone(timezone.utc)
