"""One clock: every time the system shows or prints is in the competition's time zone.

Times are stored in UTC (DateTime(timezone=True), models.utcnow); SQLite hands them back
naive, and naive values are UTC. The zone is, in order: the competition's own setting
(Competition.settings["timezone"]) where a competition is at hand, the COMPETITION_TIMEZONE
setting (environment or app config), BABEL_DEFAULT_TIMEZONE, and Asia/Shanghai. The
server's own clock (TZ) never matters: a venue PC or a county server on UTC prints the
same Beijing dates and times.
"""
from __future__ import annotations

import logging
import os
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"
log = logging.getLogger(__name__)


@lru_cache(maxsize=32)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r: using %s", name, DEFAULT_ZONE)
        return None


def zone_name(comp=None) -> str:
    """The name of the time zone to show times in (see the module's docstring)."""
    candidates = [((getattr(comp, "settings", None) or {}).get("timezone")
                   if comp is not None else None)]
    try:
        from flask import current_app, has_app_context
        if has_app_context():
            candidates += [current_app.config.get("COMPETITION_TIMEZONE"),
                           os.environ.get("COMPETITION_TIMEZONE"),
                           current_app.config.get("BABEL_DEFAULT_TIMEZONE")]
        else:
            candidates.append(os.environ.get("COMPETITION_TIMEZONE"))
    except ImportError:  # pragma: no cover
        pass
    for name in candidates:
        if name and _zone(str(name)) is not None:
            return str(name)
    return DEFAULT_ZONE


def zone(comp=None) -> ZoneInfo:
    return _zone(zone_name(comp)) or ZoneInfo(DEFAULT_ZONE)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one (SQLite) is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def to_local(moment: datetime | None, comp=None) -> datetime | None:
    """A stored time in the competition's zone (None stays None)."""
    if moment is None:
        return None
    return as_utc(moment).astimezone(zone(comp))


def _utc_now() -> datetime:
    """The current time (a seam for tests that need a time near midnight)."""
    return datetime.now(timezone.utc)


def local_now(comp=None) -> datetime:
    return _utc_now().astimezone(zone(comp))


def local_today(comp=None) -> date:
    """Today's date in the competition's zone (not the server's)."""
    return local_now(comp).date()


def local_date(moment: datetime | None, comp=None) -> date | None:
    local = to_local(moment, comp)
    return local.date() if local else None


def format_local(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M", comp=None) -> str:
    """A stored time as text in the competition's zone; "" for None."""
    local = to_local(moment, comp)
    return local.strftime(fmt) if local else ""


def init_app(app) -> None:
    """Jinja filters (local_datetime, local_date) and Flask-Babel's time zone follow the
    competition's zone; templates get ``competition_timezone`` for scripts."""
    app.add_template_filter(lambda v, fmt="%Y-%m-%d %H:%M": format_local(v, fmt),
                            "local_datetime")
    app.add_template_filter(lambda v: format_local(v, "%Y-%m-%d"), "local_date")
    app.add_template_global(local_today, "local_today")
    babel = app.extensions.get("babel")
    if babel is not None and babel.timezone_selector is None:
        babel.timezone_selector = zone_name

    @app.context_processor
    def _zone_context():
        return {"competition_timezone": zone_name()}
