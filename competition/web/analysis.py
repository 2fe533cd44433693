"""Fairness and insight pages: judge consistency and training needs per trade (organiser,
the trade's chief judge, arbitration), and the event-wide scale (organiser)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, render_template, send_file
from flask_login import current_user

from exports.analysis_workbook import analysis_workbook
from exports.report import render_report

from ..models import Role
from ..services.analysis import competition_analysis, finding_words, fmt_num, fmt_pct, trade_analysis
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
    return render_template("analysis/index.html", report=report,
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
    return render_template("analysis/trade.html", a=trade_analysis(t), words=finding_words)


@bp.app_template_filter("num2")
def num2(value) -> str:
    return fmt_num(value)


@bp.app_template_filter("pct")
def pct(value) -> str:
    return fmt_pct(value)
