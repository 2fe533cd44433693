"""Public pages: anyone may read published results."""
from flask import Blueprint, render_template, request

from ..services.queries import current_competition, trades_with_counts

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    """The front page: the competition and its trades, with links to live results."""
    comp = current_competition(request.args.get("competition"))
    trades = trades_with_counts(comp) if comp else []
    return render_template("public/index.html", competition=comp, trades=trades)


@bp.app_template_global("public_stages")
def public_stages(trade) -> dict:
    """For templates/public/results.html: the current stage's name and who went on from
    it, and the earlier stages' rankings (services.results.public_stages), with names
    exactly as visible as on the live table (hidden while a blind trade is unpublished).
    Empty for a trade with one stage or a rule that does not validate."""
    from .. import live
    from ..rules import RuleError
    from ..services.results import public_stages as stages
    try:
        return stages(trade, live.names_visible(trade))
    except RuleError:
        return {"current": None, "earlier": []}


@bp.app_template_global("public_team_table")
def public_team_table(trade) -> dict | None:
    """For templates/public/results.html: the team ranking of a team event's current stage
    (services.draws.team_table), or None (not a team event, a bracket stage, a rule that
    does not validate). While the trade is blind, team names, employers and member names
    are hidden exactly as individual names are: lot numbers instead. Rendered with the
    page (not pushed over Socket.IO): a reload brings it up to date."""
    import time

    from flask import current_app

    from .. import live
    # every open phone fetches it again after a new version: one computation per version
    # (and per half minute, for changes that bump no version: a team's members, its rule)
    cache = current_app.extensions.setdefault("competition_public_teams", {})
    key = (trade.id, trade.standings_version, live.names_visible(trade), bool(trade.frozen),
           trade.reveal_count, int(time.monotonic() // 30))
    if key not in cache:
        if len(cache) > 256:
            cache.clear()
        cache[key] = _team_table(trade)
    return cache[key]


def _team_table(trade) -> dict | None:
    from sqlalchemy import select

    from .. import live
    from ..extensions import db
    from ..models import Entry
    from ..rules import RuleError
    from ..services.draws import team_event, team_table
    from ..services.standings import default_stage
    if not team_event(trade):
        return None
    stage = default_stage(trade)
    if stage is None or stage.format == "bracket":
        return None
    if trade.frozen or trade.reveal_count is not None:   # no spoiler before the ceremony
        return {"stage": stage.name, "rows": [], "visible": False, "frozen": True}
    try:
        rows = team_table(trade, stage)
    except RuleError:
        return None
    visible = live.names_visible(trade)
    lots_of_team, lots_of_member = {}, {}
    if not visible:
        for e in db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)):
            if e.team_id is not None:
                lots_of_team[e.team_id] = e.lot_number
            elif e.contestant_id is not None:
                lots_of_member[e.contestant_id] = e.lot_number
    out = []
    for r in rows:
        members = [{"name": (name if visible else None),
                    "lot": None if visible else lots_of_member.get(cid),
                    "total": counted, "counted": cid in r["counted"]}
                   for cid, name, counted, _rank in r["members"]]
        out.append({"rank": r["rank"], "name": r["team"] if visible else None,
                    "lot": None if visible else lots_of_team.get(r["team_id"]),
                    "employer": (r["employer"] if visible
                                 and not repeats_name(r["team"], r["employer"]) else None),
                    "members_part": r["members_part"], "rounds_part": r["rounds_part"],
                    "total": r["total"], "award": r["award"], "titles": r["titles"],
                    "members": members})
    return {"stage": stage.name, "rows": out, "visible": visible, "frozen": False}


@bp.app_template_global("public_brackets")
def public_brackets(trade) -> list[dict]:
    """For templates/public/results.html: the brackets of the trade's current stage when it
    is a head-to-head stage (knockout or groups: no marks, so no ranking table), each
    with its public view (services.brackets.bracket_view: names and scores only)."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models import Bracket
    from ..services.brackets import bracket_view
    from ..services.standings import default_stage
    stage = default_stage(trade)
    if stage is None or stage.format != "bracket":
        return []
    return [bracket_view(b) for b in db.session.scalars(
        select(Bracket).where(Bracket.stage_id == stage.id).order_by(Bracket.id))]


@bp.app_template_global("public_bracket_stage")
def public_bracket_stage(trade) -> bool:
    """Whether the trade's current stage is a head-to-head stage (no ranking by marks)."""
    from ..services.standings import default_stage
    stage = default_stage(trade)
    return stage is not None and stage.format == "bracket"


@bp.app_template_global("public_names_visible")
def public_names_visible(trade) -> bool:
    """Whether names show (live.names_visible): the column is headed 抽签号 otherwise."""
    from .. import live
    return live.names_visible(trade)


def repeats_name(name: str | None, employer: str | None) -> bool:
    """Whether a team's employer only repeats its name (供电公司队, 示例县供电公司): the page
    then shows the name alone (the same rule as the LED screen's, static/js/screen.js)."""
    if not name or not employer:
        return False
    core = name.removesuffix("代表队").removesuffix("队")
    return employer == name or employer in name or (len(core) >= 2 and core in employer)


@bp.app_template_global("readable_mark")
def readable_mark(value, criterion: str, trade) -> str:
    """A stored mark as a person reads it (competition.formatting.values: a time as 50:00,
    a checklist item as ✓/✗), by the input kind of its slot in the trade's rule; for the
    chief judge's pages."""
    from ..formatting.values import mark_text, slot_inputs
    from ..rules import RuleError
    from ..services.rules import rule_for
    try:
        inputs = slot_inputs(rule_for(trade))
    except RuleError:
        inputs = {}
    return mark_text(value, inputs.get(criterion))


@bp.app_template_global("mark_input")
def mark_input(value, criterion: str, trade) -> str:
    """A stored mark as the chief judge's correction field shows it: a time as m:ss (the
    rule reads 8:30 as well as 510), anything else as stored (a checklist item stays 1/0:
    the field takes numbers)."""
    from ..formatting.values import slot_inputs, time_text
    from ..rules import RuleError
    from ..services.rules import rule_for
    try:
        kind = slot_inputs(rule_for(trade)).get(criterion)
    except RuleError:
        kind = None
    return time_text(value) if kind == "time" else ("" if value is None else str(value))


@bp.app_template_filter("in_trade_order")
def in_trade_order(trades) -> list:
    """Trades in the event's order, else by pinyin (competition.trade_order)."""
    from ..trade_order import in_order
    return in_order(trades)
