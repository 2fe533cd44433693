"""Fairness and insight pages: judge consistency and training needs per trade (organiser,
the trade's chief judge, arbitration), and the event-wide scale (organiser)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user

from exports.analysis_workbook import analysis_workbook
from exports.report import render_report

from ..models import Role
from ..services.analysis import (
    award_cutoffs,
    competition_analysis,
    finding_words,
    fmt_num,
    fmt_pct,
    progress_by_day,
    trade_analysis,
)
from ..services.heats import may_view
from ..services.report import analysis_sheets, report_data
from .auth import roles_required
from .lookup import competition_or_404, trade_or_404

bp = Blueprint("analysis", __name__, url_prefix="/admin/analysis")

RANKING_ROWS = 100


@bp.get("/")
@roles_required(Role.ORGANISER)
def index():
    """Every trade's flagged judges, the cross-trade ranking and the employer ranking."""
    report = competition_analysis(competition_or_404())
    return render_template("analysis/index.html", report=report, charts=index_charts(report),
                           ranking=report.ranking[:RANKING_ROWS], words=finding_words)


@bp.get("/report.pdf")
@roles_required(Role.ORGANISER)
def report_pdf():
    """The event report (赛事总结) as a PDF download."""
    comp = competition_or_404()
    out = io.BytesIO()
    render_report(report_data(comp), out)
    out.seek(0)
    return send_file(out, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{comp.name}-赛事总结.pdf")


@bp.get("/workbook.xlsx")
@roles_required(Role.ORGANISER)
def workbook():
    """The analysis workbook (赛后分析.xlsx) with native Excel charts."""
    comp = competition_or_404()
    data = analysis_workbook(analysis_sheets(comp))
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"{comp.name}-赛后分析.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/<code>")
@roles_required(Role.ORGANISER, Role.CHIEF_JUDGE, Role.ARBITRATION)
def trade(code: str):
    """One trade: each judge on each judged criterion, the evidence, training needs."""
    t = trade_or_404(code)
    if not may_view(current_user, t):
        abort(403)
    a = trade_analysis(t)
    a.progress = progress_by_day(t)
    return render_template("analysis/trade.html", a=a, charts=trade_charts(a), words=finding_words)


def index_charts(report) -> dict:
    """Chart specs for the index page (analysis_charts.js draws them)."""
    trades = sorted(report.trades, key=lambda ta: -len(ta.people))
    ranked = sorted((e for e in report.employers if e.mean_scaled is not None),
                    key=lambda e: (e.rank is None, -e.mean_scaled))[:15]
    return {
        "chart-trades": {"kind": "hbar", "title": _("Contestants by trade"),
                         "labels": [ta.trade.name for ta in trades],
                         "values": [len(ta.people) for ta in trades]},
        "chart-employers": {"kind": "hbar", "title": _("Employers: mean scaled result"),
                            "min": max(0, int(min((e.mean_scaled for e in ranked), default=0)) // 50 * 50 - 50),
                            "labels": [e.employer for e in ranked],
                            "values": [float(e.mean_scaled) for e in ranked]},
    }


def trade_charts(a) -> dict:
    return {**_totals_and_criteria(a), "chart-progress": {
        "kind": "progress", "title": _("Progress over the event's days"),
        "bars": _("Marks entered"), "line": _("Heats signed off (of %(n)d)", n=a.progress["heats"]),
        **a.progress}}


def _totals_and_criteria(a) -> dict:
    """The distribution of totals with the award cut-offs, and each criterion's rate."""
    top = max([100, *(int(t) for t in a.finishers.values())])
    bins = (top + 9) // 10
    counts = [0] * bins
    for total in a.finishers.values():
        counts[min(int(total // 10), bins - 1)] += 1
    cutoffs = [{"award": award, "total": str(total), "bin": min(int(total // 10), bins - 1)}
               for award, total in award_cutoffs(a)]
    return {
        "chart-totals": {"kind": "histogram", "title": _("Distribution of totals"),
                         "labels": [f"{i * 10}–{i * 10 + 9}" for i in range(bins)],
                         "values": counts, "cutoffs": cutoffs},
        "chart-criteria": {"kind": "hbar", "title": _("Mean score as a share of the maximum (%)"),
                           "max": 100,
                           "labels": [a.criterion_names.get(n.criterion, n.criterion) for n in a.needs],
                           "values": [round(float(1 - n.lost_share) * 100, 1) for n in a.needs]},
    }


@bp.app_template_filter("num2")
def num2(value) -> str:
    return fmt_num(value)


@bp.app_template_filter("pct")
def pct(value) -> str:
    return fmt_pct(value)
