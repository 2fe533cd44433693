"""Judge consistency, training needs and the cross-trade scale, as the organiser and the
chief judge see them (issue 17)."""
from __future__ import annotations

from decimal import Decimal

from competition.extensions import db
from competition.models import Mark
from competition.services.analysis import competition_analysis, trade_analysis
from tests.factories import build_event

WORK = [40, 42, 44, 46, 48, 50]     # what judges 2 and 3 give contestants 1..6 for 作品质量


def marked_event():
    """Six contestants; judge 1 gives 12 points more than judges 2 and 3 on 作品质量
    (max 60, discrepancy 10) every time; judge 1 alone enters the theory exam."""
    ev = build_event(n_entries=6, n_judges=3, blind=False)
    j1, j2, j3 = ev["judges"]
    n = 0
    for entry, v in zip(ev["entries"], WORK):
        rows = [(j1, "work", v + 12), (j2, "work", v), (j3, "work", v), (j1, "exam", 80),
                (j1, "steps.prepare", 1), (j1, "steps.clean", 0)]
        for judge, crit, value in rows:
            n += 1
            db.session.add(Mark(entry_id=entry.id, judge_id=judge.id, criterion=crit, attempt=1,
                                value=str(value), client_id=f"analysis-{n:04d}"))
    db.session.commit()
    return ev


def test_the_lenient_judge_is_flagged_with_the_evidence(app):
    ev = marked_event()
    a = trade_analysis(ev["trade"])
    by_judge = {(s.judge, s.criterion): s for s in a.judges}
    lenient = by_judge[(ev["judges"][0].id, "work")]
    # others' mean is v, so judge 1 is +12 each time: 12/60 = 20 % of the maximum;
    # above the others' median 6 times of 6: p = 2/64
    assert lenient.mean_deviation == 12 and lenient.above == 6 and lenient.beyond_threshold == 6
    assert [f.code for f in lenient.findings] == ["lenient", "off_panel"]
    # judges 2 and 3 sit on the panel's median: not flagged (their leave-one-out deviation
    # is -6 each, pulled by judge 1)
    assert not by_judge[(ev["judges"][1].id, "work")].flagged
    # the theory exam has one mark per contestant: nothing to compare
    assert (ev["judges"][0].id, "exam") not in by_judge


def test_training_needs_put_the_criterion_lost_most_first(app):
    ev = marked_event()
    needs = trade_analysis(ev["trade"]).needs
    shares = {n.criterion: n.lost_share for n in needs}
    # 操作步骤: 10 of 20 points each time -> half lost; 理论考试 80 of 100 -> 0.2 lost
    assert shares["steps"] == Decimal("0.500") and shares["exam"] == Decimal("0.200")
    assert needs[0].criterion == "steps"


def test_the_chief_judge_reads_the_findings_in_words(app, client, auth):
    ev = marked_event()
    auth.login(ev["chief"].username)
    html = client.get("/admin/analysis/mini").get_data(as_text=True)
    assert "需关注的裁判" in html
    assert f"{ev['judges'][0].display_name} 在“作品质量”上有 6 次高于、0 次低于" in html
    assert "超出差异阈值" in html and "培训需求" in html


def test_a_chief_of_another_trade_and_a_judge_may_not_read_it(app, client, auth):
    ev = marked_event()
    other = build_event(n_entries=1, n_judges=1, code="other", competition=ev["competition"])
    auth.login(other["chief"].username)
    assert client.get("/admin/analysis/mini").status_code == 403
    auth.logout()
    auth.login(ev["judges"][0].username)
    assert client.get("/admin/analysis/mini").status_code == 403


def test_the_organiser_sees_every_trade_on_one_scale(app, client, auth):
    ev = marked_event()
    report = competition_analysis(ev["competition"])
    scaled = [r.scaled for r in report.ranking]
    # six finishers of one trade: the median pair straddles 700, symmetric around it
    assert len(scaled) == 6 and sum(scaled) / 6 == Decimal(700)
    auth.login(ev["organiser"].username)
    html = client.get("/admin/analysis/").get_data(as_text=True)
    assert "跨工种统一标准分" in html and "测试工种" in html and "单位排名" in html


def test_the_event_report_prints_the_numbers_findings_and_training_needs(app, runner, tmp_path):
    import pypdf
    marked_event()
    out = tmp_path / "report.pdf"
    result = runner.invoke(args=["export", "report", str(out)])
    assert result.exit_code == 0, result.output
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    for words in ("赛事总结", "参赛职工", "各单位参赛、获奖与晋级", "裁判评分一致性", "培训需求", "测试工种"):
        assert words in text.replace(" ", ""), words
    # the lenient judge's finding is printed with its evidence
    assert "6次高于、0次低于" in text.replace(" ", "")


def test_the_organiser_downloads_the_report(app, client, auth):
    ev = marked_event()
    auth.login(ev["organiser"].username)
    response = client.get("/admin/analysis/report.pdf")
    assert response.status_code == 200 and response.data[:4] == b"%PDF"


def test_the_analysis_workbook_has_the_sheets_a_clerk_checks_and_charts(app, client, auth):
    import io

    import openpyxl
    ev = marked_event()
    auth.login(ev["organiser"].username)
    response = client.get("/admin/analysis/workbook.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == ["裁判一致性", "跨工种标准分", "单位排名", "培训需求", "各工种参赛"]
    judges = list(wb["裁判一致性"].iter_rows(min_row=2, values_only=True))
    lenient = next(r for r in judges if r[1] == ev["judges"][0].display_name)
    # judge 1 on 作品质量: 6 marks, +12 = 20 % of 60, above 6 times
    assert lenient[2:6] == ("作品质量", 6, 12, 0.2) and lenient[8:10] == (6, 0)
    assert "6 次高于" in lenient[12]
    scaled = [r[5] for r in wb["跨工种标准分"].iter_rows(min_row=2, values_only=True)]
    assert len(scaled) == 6 and sum(scaled) / 6 == 700
    # native charts, not pictures
    assert wb["单位排名"]._charts and wb["各工种参赛"]._charts
