"""Promotion lists end to end: the demo event's results -> proposed list -> exclusion ->
confirmation -> labour-bureau exports (xlsx full and masked, PDF), reopened and checked;
later result changes flag the confirmed list instead of silently recomputing it."""
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Promotion, Role, User
from competition.rules import RuleError
from competition.services import promotions as svc
from competition.services.rules import rule_for
from competition.services.standings import trade_changed
from tests.conftest import create_user


@pytest.fixture
def demo(app):
    from tests.demo_cache import load_demo_cached
    return load_demo_cached(app)   # the demo, built once per worker


@pytest.fixture
def admin(demo):
    return db.session.scalar(select(User).where(User.username == "admin"))


def usable_trades(comp):
    """Trades whose rule file validates (rule files are being written in parallel)."""
    out = []
    for t in comp.trades:
        try:
            rule_for(t)
        except RuleError:
            continue
        out.append(t)
    return out


def trade(comp, code):
    return next(t for t in comp.trades if t.code == code)


def test_the_demo_results_give_a_confirmed_list_and_both_exports(demo, admin, tmp_path):
    trades = usable_trades(demo)
    assert len(trades) >= 6
    for t in trades:
        lst = svc.propose(t, admin)
        assert {r.status for r in lst.rows} <= {"proposed", "not_promoted"}
        assert all(r.reason for r in lst.rows)
        if lst.promoted:
            svc.confirm(t, admin)
    confirmed = db.session.scalars(select(Promotion).where(
        Promotion.status == "confirmed")).all()
    assert len(confirmed) >= 3
    for p in confirmed:
        assert p.confirmed_by_id == admin.id and p.to_grade
        assert "晋升为" in p.reason or "评定为" in p.reason
        history = db.session.scalars(select(AuditLog).where(
            AuditLog.action == "promotion.confirm", AuditLog.object_type == "contestant",
            AuditLog.object_id == p.contestant_id)).all()
        assert [h.new["grade"] for h in history] == [p.to_grade]

    full, masked, pdf = svc.write_exports(demo, tmp_path)
    by_id = {p.contestant.id_number: p for p in confirmed}
    sheets = {}
    for path in (full, masked):
        ws = load_workbook(path).active
        assert ws["A1"].value.startswith(demo.name)
        header = [c.value for c in ws[2]]
        assert header[:9] == ["序号", "姓名", "性别", "身份证号", "工作单位", "工种", "原等级",
                              "晋升等级", "晋级依据"]
        sheets[path] = [r for r in ws.iter_rows(min_row=3, values_only=True)
                        if isinstance(r[0], int)]
        assert len(sheets[path]) == len(confirmed)
    ladder = svc.competition_ladder(demo)
    for r, m in zip(sheets[full], sheets[masked]):
        p = by_id[r[3]]                                   # the full ID number
        assert m[3] == r[3][:4] + "*" * 10 + r[3][-4:]   # the masked version
        assert r[1] == m[1] == p.contestant.name
        assert r[4] == p.contestant.employer and r[5] == p.contestant.trade.name
        assert r[7] == ladder.label(p.to_grade) and r[13]  # new grade; total printed
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert f"{demo.name}晋级名单" in text
    assert all(p.contestant.name in text for p in confirmed)
    assert f"共 {len(confirmed)} 人" in text and "盖章" in text


def test_an_excluded_person_stays_off_the_confirmed_list_with_the_reason(demo, admin):
    t = next(t for t in usable_trades(demo) if svc.propose(t, admin).promoted)
    row = svc.trade_list(t).promoted[0]
    with pytest.raises(svc.PromotionError, match="an exclusion needs a reason"):
        svc.exclude(row, admin, "  ")
    svc.exclude(row, admin, "已在本年度其他赛事中晋级")
    svc.propose(t, admin)            # proposing again keeps the organiser's exclusion
    db.session.refresh(row)
    assert row.status == "excluded" and row.exclusion_reason == "已在本年度其他赛事中晋级"
    if any(r.status == "proposed" for r in svc.trade_list(t).rows):
        svc.confirm(t, admin)
    db.session.refresh(row)
    assert row.status == "excluded" and row not in svc.trade_list(t).promoted
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "promotion.exclude"))
    assert log.reason == "已在本年度其他赛事中晋级" and log.old["status"] == "proposed"


def test_a_result_change_after_confirmation_flags_the_list_and_blocks_export(demo, admin,
                                                                            tmp_path):
    t = next(t for t in usable_trades(demo) if svc.propose(t, admin).promoted)
    svc.confirm(t, admin)
    before = [(r.contestant_id, r.to_grade, r.status) for r in svc.trade_list(t).rows]
    trade_changed(t.id)              # e.g. an appeal re-scored someone
    lst = svc.trade_list(t)
    assert lst.needs_review          # flagged by the change itself, before anyone looks
    assert svc.refresh_review_flags(demo) == 0
    assert [(r.contestant_id, r.to_grade, r.status) for r in lst.rows] == before  # not recomputed
    with pytest.raises(svc.PromotionError, match="results changed after confirmation"):
        svc.write_exports(demo, tmp_path, t)
    with pytest.raises(svc.PromotionError, match="confirmed; reopen it"):
        svc.propose(t, admin)
    svc.keep_after_review(t, admin, "更正不影响获奖名次")
    assert not svc.trade_list(t).needs_review
    assert svc.write_exports(demo, tmp_path, t)
    trade_changed(t.id)
    svc.refresh_review_flags(demo)
    lst = svc.propose(t, admin, reopen_reason="仲裁改判，重新核定")
    assert not lst.confirmed and not lst.needs_review
    assert {r.status for r in lst.rows} <= {"proposed", "not_promoted"}


def test_confirming_a_list_made_from_older_results_is_refused(demo, admin):
    t = next(t for t in usable_trades(demo) if svc.propose(t, admin).promoted)
    trade_changed(t.id)
    with pytest.raises(svc.PromotionError, match="results changed after this list was proposed"):
        svc.confirm(t, admin)


def test_the_certificate_note_names_the_confirmed_promotion(demo, admin):
    t = next(t for t in usable_trades(demo) if svc.propose(t, admin).promoted)
    row = svc.trade_list(t).promoted[0]
    assert svc.promotion_note(row.contestant_id) is None      # proposed only
    svc.confirm(t, admin)
    assert svc.promotion_note(row.contestant_id).endswith(
        svc.competition_ladder(demo).label(row.to_grade))


def test_organiser_pages_review_exclude_confirm_and_download(demo, admin, client, auth):
    t = next(t for t in usable_trades(demo)
             if any(d.promoted for d in svc.trade_decisions(t)[0]))
    auth.login("admin", "demo-admin")
    page = client.get("/admin/promotions/")
    assert page.status_code == 200 and t.name in page.get_data(as_text=True)
    assert client.post(f"/admin/promotions/{t.code}/propose").status_code == 302
    html = client.get(f"/admin/promotions/{t.code}").get_data(as_text=True)
    row = svc.trade_list(t).rows[0]
    assert row.reason in html
    assert row.contestant.id_number not in html                # masked on screen
    # the demo's results are not final (signed off and published): confirm knowing it
    client.post(f"/admin/promotions/{t.code}/confirm", data={"accept_unfinal": "1"})
    lst = svc.trade_list(t)
    assert lst.confirmed
    resp = client.get(f"/admin/promotions/export/xlsx-masked?trade={t.code}")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert "脱敏" in ws["A1"].value
    pdf = client.get("/admin/promotions/export/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    public = client.get(f"/admin/promotions/export/pdf-masked?trade={t.code}")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(public.data)).pages)
    ident = lst.promoted[0].contestant.id_number
    assert ident not in text and ident[:4] + "*" * 10 + ident[-4:] in text


@pytest.mark.parametrize("role", [Role.JUDGE, Role.CHIEF_JUDGE, Role.SCREEN, Role.ARBITRATION])
def test_only_organisers_see_or_change_promotions(demo, client, auth, role):
    create_user("someone", role)
    auth.login("someone")
    t = demo.trades[0]
    assert client.get("/admin/promotions/").status_code == 403
    assert client.get("/admin/promotions/export/xlsx").status_code == 403
    assert client.post(f"/admin/promotions/{t.code}/propose").status_code == 403
    assert db.session.scalar(select(Promotion).limit(1)) is None


def test_cli_proposes_confirms_and_exports(demo, runner, tmp_path):
    codes = [t.code for t in usable_trades(demo)]
    args = ["promotion", "propose", "--confirm", "--user", "admin", "--accept-unfinal"]
    for code in codes:
        args += ["--trade", code]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "confirmed" in result.output
    result = runner.invoke(args=["promotion", "export", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.xlsx"))) == 2 and len(list(tmp_path.glob("*.pdf"))) == 1
    bad = runner.invoke(args=["promotion", "propose", "--confirm"])
    assert bad.exit_code != 0 and "--user" in bad.output


def test_withdrawn_contestants_are_listed_as_not_promoted_with_the_reason(demo, admin):
    from competition.models import Entry
    t = usable_trades(demo)[0]
    entry = db.session.scalar(select(Entry).join(Entry.stage).where(
        Entry.stage.has(trade_id=t.id)).limit(1))
    entry.status = "withdrawn"
    db.session.commit()
    lst = svc.propose(t, admin)
    row = next(r for r in lst.rows if r.contestant_id == entry.contestant_id)
    assert (row.status, row.reason) == ("not_promoted", "已退赛，不予晋级")


def test_the_certificate_note_disappears_while_a_changed_list_awaits_review(demo, admin):
    t = next(t for t in usable_trades(demo) if svc.propose(t, admin).promoted)
    svc.confirm(t, admin)
    row = svc.trade_list(t).promoted[0]
    assert svc.promotion_note(row.contestant_id)
    trade_changed(t.id)
    assert svc.promotion_note(row.contestant_id) is None


def test_set_policy_validates_and_stores_the_choice(demo, runner, tmp_path):
    from competition.services.promotions import POLICY_DIR
    result = runner.invoke(args=["promotion", "set-policy",
                                 str(POLICY_DIR / "national_contest.toml")])
    assert result.exit_code == 0, result.output
    db.session.refresh(demo)
    assert demo.settings["promotion_policy_file"] == "national_contest.toml"
    assert svc.competition_policy(demo).name == "全国职业技能大赛晋级办法"
    bad = tmp_path / "bad.toml"
    bad.write_text('version = 1\nname = "x"\nmax_grade = "总工程师"\n[[rules]]\nkind = "award"\n'
                   'awards = ["一等奖"]\nsteps = 1\n', encoding="utf-8")
    result = runner.invoke(args=["promotion", "set-policy", str(bad)])
    assert result.exit_code != 0
    assert "bad.toml:3: max_grade: '总工程师' is not a skill grade" in result.output
    own = tmp_path / "own.toml"
    own.write_text('version = 1\nname = "本届办法"\n[[rules]]\nkind = "rank"\ntop = 5\n'
                   'steps = 1\n', encoding="utf-8")
    assert runner.invoke(args=["promotion", "set-policy", str(own)]).exit_code == 0
    db.session.refresh(demo)
    assert "promotion_policy_file" not in demo.settings
    assert svc.competition_policy(demo).name == "本届办法"


def test_a_person_promoted_in_one_trade_is_not_promoted_again_in_another(demo, admin):
    promoting = [t for t in usable_trades(demo) if svc.propose(t, admin).promoted]
    first, second = promoting[0], promoting[1]
    winner = svc.trade_list(first).promoted[0].contestant
    other = svc.trade_list(second).promoted[0]
    other.contestant.id_number = winner.id_number      # the same worker, two trades
    db.session.commit()
    lst = svc.propose(second, admin)
    row = next(r for r in lst.rows if r.id == other.id)
    assert row.status == "not_promoted"
    assert row.reason == f"本届大赛已在{first.name}晋级，每人每届限晋级一次"
