"""The organiser's promotion pages: review the proposed list with reasons, exclude a person,
confirm, see lists flagged for review, download the 晋级名单 (xlsx full/masked, PDF)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Promotion, Role
from ..promotion import PolicyError, describe
from ..rules import RuleError
from ..services import promotions as svc
from .auth import roles_required
from .flashing import flash_refusal
from .lookup import competition_or_404 as _competition
from .lookup import trade_or_404 as _trade

bp = Blueprint("promotions", __name__, url_prefix="/admin/promotions")

BASIS_UI = {"by_award": "By award", "by_rank": "By rank", "by_pass": "By passing at the level"}
STATUS_LABELS = {"proposed": "Proposed", "confirmed": "Confirmed", "excluded": "Excluded",
                 "not_promoted": "Not promoted"}
EXPORTS = {"xlsx": ("晋级名单.xlsx", False), "xlsx-masked": ("晋级名单-脱敏.xlsx", True),
           "pdf": ("晋级名单.pdf", False), "pdf-masked": ("晋级名单-公示.pdf", True)}


def _flash_policy(err: PolicyError) -> None:
    flash(_("The promotion policy is not valid: %(problems)s",
            problems="；".join(svc.problem_text(p) for p in err.problems)), "error")


@bp.get("/")
@roles_required(Role.ORGANISER)
def index():
    """Every trade with its list's state; flagged lists first in the organiser's eye."""
    return _index_page(_competition())


def _index_page(comp, typed: dict | None = None, typed_problems: list[str] | None = None,
                status: int = 200):
    """The index; ``typed`` is a refused policy form (kept as the organiser typed it),
    ``typed_problems`` why it was refused (in the user's language)."""
    svc.refresh_review_flags(comp)
    policy, problems = None, []
    try:
        policy = svc.competition_policy(comp)
    except PolicyError as err:
        problems = [svc.problem_text(p) for p in err.problems]
    from ..trade_order import in_order  # the event's order, else pinyin (issue 18)
    lists = [svc.trade_list(t) for t in in_order(comp.trades, comp)]
    words = describe(policy.for_trade(None)) if policy else []
    settings = comp.settings or {}
    own = settings.get("promotion_policy") or settings.get("promotion_policy_own", "")
    form = {"source": "text" if settings.get("promotion_policy") else "file",
            "file": settings.get("promotion_policy_file") or svc.DEFAULT_POLICY,
            "text": own, "ladder": settings.get("grade_ladder", "five")}
    form.update(typed or {})
    return render_template("promotions/index.html", competition=comp, policy=policy,
                           problems=problems, lists=lists, policy_words=words,
                           shipped=sorted(p.name for p in svc.POLICY_DIR.glob("*.toml")),
                           form=form, typed_problems=typed_problems or []), status


@bp.post("/policy")
@roles_required(Role.ORGANISER)
def set_policy():
    """Choose a shipped policy, or paste the competition's own policy (TOML); validated
    first, so a policy with problems changes nothing: the page comes back with the text as
    typed and each problem in words (line, column or field, what is wrong and allowed)."""
    comp = _competition()
    own = request.form.get("text", "")
    source = request.form.get("source") or ("text" if own.strip() else "file")
    typed = {"source": source, "text": own, "file": request.form.get("file", ""),
             "ladder": request.form.get("ladder") or (comp.settings or {}).get(
                 "grade_ladder", "five")}
    try:
        if source == "text" and not own.strip():
            raise svc.PromotionError("paste the policy text, or choose a shipped policy", 400,
                                     field="text")
        policy = svc.set_policy(comp, current_user,
                                file=request.form.get("file") if source == "file" else None,
                                text=own if source == "text" else None,
                                ladder=request.form.get("ladder") or None)
    except PolicyError as err:
        return _index_page(comp, typed, [svc.problem_text(p) for p in err.problems], 400)
    except svc.PromotionError as err:
        return _index_page(comp, typed, [err.message], err.status)
    flash(_("The promotion policy is now: %(name)s", name=policy.name))
    return redirect(url_for(".index"))


@bp.get("/<code>")
@roles_required(Role.ORGANISER)
def trade_page(code: str):
    """One trade's list: every contestant with the decision and its reason."""
    trade = _trade(code)
    svc.refresh_review_flags(trade.competition)
    lst = svc.trade_list(trade)
    ladder = svc.competition_ladder(trade.competition)
    order = {"confirmed": 0, "proposed": 1, "excluded": 2, "not_promoted": 3}
    rows = sorted(lst.rows, key=lambda r: (order.get(r.status, 9), r.id))
    stale = not lst.confirmed and any(r.standings_version != trade.standings_version
                                      for r in lst.rows)
    try:
        words = describe(svc.competition_policy(trade.competition).for_trade(trade.code))
        warnings = [svc.problem_text(m) for m in svc.policy_mismatches(trade)]
    except (PolicyError, RuleError) as err:
        words, warnings = [], [svc.problem_text(p) for p in err.problems]
    return render_template("promotions/trade.html", trade=trade, lst=lst, rows=rows,
                           ladder=ladder, basis_labels=BASIS_UI, policy_words=words,
                           policy_warnings=warnings,
                           status_labels=STATUS_LABELS, stale=stale,
                           results=svc.results_state(trade))


@bp.post("/propose-all")
@roles_required(Role.ORGANISER)
def propose_all():
    """Propose the list of every trade that has no confirmed list yet."""
    comp = _competition()
    done, failed = 0, []
    for trade in comp.trades:
        if svc.trade_list(trade).confirmed:
            continue
        try:
            svc.propose(trade, current_user)
            done += 1
        except (svc.PromotionError, RuleError):
            failed.append(trade.name)
        except PolicyError as err:
            _flash_policy(err)
            return redirect(url_for(".index"))
    flash(_("Proposed the lists of %(n)d trades.", n=done))
    if failed:
        flash(_("Could not propose: %(trades)s", trades="、".join(failed)), "error")
    return redirect(url_for(".index"))


@bp.post("/<code>/propose")
@roles_required(Role.ORGANISER)
def propose(code: str):
    """Compute (or recompute) the proposed list; reopening a confirmed one needs a reason."""
    trade = _trade(code)
    try:
        svc.propose(trade, current_user, request.form.get("reason") or None)
        flash(_("The promotion list was proposed from the current results."))
    except svc.PromotionError as err:
        flash(err.message, "error")
    except PolicyError as err:
        _flash_policy(err)
    except RuleError as err:
        flash(_("The scoring rule of this trade is not valid: %(problems)s",
                problems="; ".join(str(p) for p in err.problems)), "error")
    return redirect(url_for(".trade_page", code=code))


@bp.post("/<code>/confirm")
@roles_required(Role.ORGANISER)
def confirm(code: str):
    trade = _trade(code)
    results = svc.results_state(trade)
    if not results.final and request.form.get("accept_unfinal") != "1":
        flash(_("The results of this trade are not final (not every heat is signed off, or "
                "they are not published). To confirm the list all the same, tick the box "
                "that says you know it."), "error")
        return redirect(url_for(".trade_page", code=code))
    with flash_refusal(svc.PromotionError):
        svc.confirm(trade, current_user,
                    results_not_final=None if results.final else results.problems())
        flash(_("The promotion list is confirmed."))
    return redirect(url_for(".trade_page", code=code))


@bp.post("/<code>/keep")
@roles_required(Role.ORGANISER)
def keep(code: str):
    """Keep a flagged confirmed list as it is (with a reason)."""
    trade = _trade(code)
    with flash_refusal(svc.PromotionError):
        svc.keep_after_review(trade, current_user, request.form.get("reason", ""))
        flash(_("The confirmed list was kept after review."))
    return redirect(url_for(".trade_page", code=code))


@bp.post("/row/<int:promotion_id>/exclude")
@roles_required(Role.ORGANISER)
def exclude(promotion_id: int):
    row = db.get_or_404(Promotion, promotion_id)
    with flash_refusal(svc.PromotionError):
        svc.exclude(row, current_user, request.form.get("reason", ""))
    return redirect(url_for(".trade_page", code=row.contestant.trade.code))


@bp.post("/row/<int:promotion_id>/include")
@roles_required(Role.ORGANISER)
def include(promotion_id: int):
    row = db.get_or_404(Promotion, promotion_id)
    with flash_refusal(svc.PromotionError):
        svc.include(row, current_user)
    return redirect(url_for(".trade_page", code=row.contestant.trade.code))


@bp.get("/export/<kind>")
@roles_required(Role.ORGANISER)
def export(kind: str):
    """Download the confirmed list (?trade=<code> for one trade) as xlsx, masked xlsx or
    PDF for signature."""
    if kind not in EXPORTS:
        abort(404)
    comp = _competition()
    trade = _trade(request.args["trade"]) if request.args.get("trade") else None
    try:
        data = svc.export_data(comp, trade)
    except svc.PromotionError as err:
        flash(err.message, "error")
        return redirect(url_for(".trade_page", code=trade.code) if trade else url_for(".index"))
    from io import BytesIO

    from exports.promotions import promotion_list_pdf, promotion_list_xlsx
    name, masked = EXPORTS[kind]
    if kind.startswith("pdf"):
        content, mime = promotion_list_pdf(data, masked=masked), "application/pdf"
    else:
        content = promotion_list_xlsx(data, masked=masked)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    prefix = f"{comp.code}-{trade.code}-" if trade else f"{comp.code}-"
    return send_file(BytesIO(content), mimetype=mime, as_attachment=True,
                     download_name=prefix + name)
