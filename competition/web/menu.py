"""The organiser's menu: one list, shown on every organiser page. An entry appears only
when its page is installed, so areas can be added without editing the layout."""
from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l

ORGANISER_MENU = [
    ("admin.dashboard", _l("Overview")),
    ("registration.contestants", _l("Registration")),
    ("rules_admin.index", _l("Scoring rules")),
    ("users_admin.index", _l("Accounts")),
    ("live_admin.index", _l("Live results")),
    ("documents.index", _l("Documents")),
    ("promotions.index", _l("Promotions")),
    ("backup_admin.index", _l("Backups")),
    ("schedule.index", _l("Schedule")),
    ("venues.index", _l("Venues")),
    ("analysis.index", _l("Analysis")),
    ("appeals.index", _l("Appeals")),
]


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def url_if(endpoint: str, **values) -> str | None:
    """url_for(endpoint) if that page is installed, else None."""
    return url_for(endpoint, **values) if has_endpoint(endpoint) else None


def register(app: Flask) -> None:
    @app.context_processor
    def menu_context():
        return {"organiser_menu": [(e, label) for e, label in ORGANISER_MENU if has_endpoint(e)],
                "url_if": url_if}
