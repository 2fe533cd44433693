"""Session 2 promotion gaps end to end, on a small event (tests/factories.build_event):
an empty list confirmed and printed; one promotion a year across competitions; team
members promoted one by one; policy problems in Chinese with the typed text kept;
PromotionError as a ServiceError."""
import html as htmlmod
import io
import subprocess
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Competition, Contestant, Entry, Mark, Promotion, Team, Trade
from competition.services import promotions as svc
from competition.services.errors import ServiceError
from competition.services.standings import trade_changed
from tests.factories import build_event, fake_id_number

NOBODY = ('version = 1\nname = "本届办法"\n[[rules]]\nkind = "rank"\ntop = 1\nsteps = 1\n'
          'min_total = 99\n')
TOP = 'version = 1\nname = "本届办法"\n[[rules]]\nkind = "rank"\ntop = {n}\nsteps = 1\n'


def event(policy: str, exams=("90", "80", "70", "60"), **kw):
    ev = build_event(n_entries=len(exams), **kw)
    comp = ev["competition"]
    comp.settings = {**(comp.settings or {}), "promotion_policy": policy}
    for e, v in zip(ev["entries"], exams):
        e.contestant.grade = "L4"
        db.session.add(Mark(entry_id=e.id, judge_id=ev["judges"][0].id, criterion="exam",
                            value=v))
    db.session.commit()
    return ev


def page(client, url):
    return htmlmod.unescape(client.get(url).get_data(as_text=True))


# -- 1. an empty list ---------------------------------------------------------------------

def test_an_empty_list_is_confirmed_audited_shown_and_printed(app, client, auth, tmp_path):
    ev = event(NOBODY)
    trade, org = ev["trade"], ev["organiser"]
    lst = svc.propose(trade, org)
    assert lst.rows and not lst.promoted
    auth.login(org.username)
    html = page(client, f"/admin/promotions/{trade.code}")
    assert "确认名单：本工种无人晋级" in html
    assert client.post(f"/admin/promotions/{trade.code}/confirm",
                       data={"accept_unfinal": "1"}).status_code == 302
    lst = svc.trade_list(trade)
    assert lst.confirmed and lst.confirmed_empty
    assert all(r.confirmed_at and r.confirmed_by_id == org.id for r in lst.rows)
    assert {r.status for r in lst.rows} == {"not_promoted"}
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "promotion.confirm_list"))
    assert log.trade_id == trade.id and log.user_id == org.id
    assert log.new["promoted"] == 0 and log.new["decided"] == 4
    html = page(client, f"/admin/promotions/{trade.code}")
    assert "已确认：本工种无人晋级（共 4 人参与判定）。" in html
    assert "已确认：无人晋级" in page(client, "/admin/promotions/")
    with pytest.raises(svc.PromotionError, match="already confirmed"):
        svc.confirm(trade, org)

    resp = client.get(f"/admin/promotions/export/xlsx?trade={trade.code}")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert ws["A1"].value.endswith("晋级名单")
    assert not [r for r in ws.iter_rows(min_row=3, values_only=True) if isinstance(r[0], int)]
    assert "测试工种：经确认，本工种无人晋级（4人参与判定）。" in cells
    pdf = client.get(f"/admin/promotions/export/pdf?trade={trade.code}")
    assert pdf.status_code == 200
    (tmp_path / "l.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "l.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "经确认，本工种无人晋级" in text and "共 0 人" in text

    trade_changed(trade.id)                  # results changed after the empty list
    assert svc.trade_list(trade).needs_review
    assert client.get(f"/admin/promotions/export/pdf?trade={trade.code}").status_code == 302
    svc.keep_after_review(trade, org, "更正不影响名次")
    lst = svc.trade_list(trade)
    assert lst.confirmed_empty and not lst.needs_review
    assert client.get(f"/admin/promotions/export/pdf?trade={trade.code}").status_code == 200


def test_a_list_with_nobody_to_decide_still_cannot_be_confirmed(app):
    ev = build_event(n_entries=0)
    with pytest.raises(svc.PromotionError, match="propose it first"):
        svc.confirm(ev["trade"], ev["organiser"])


# -- 4. one promotion a year ----------------------------------------------------------------

def other_competition(year=2026):
    """Another competition of the database (made first: the pages show the newest one)."""
    other = Competition(code=f"C{year}", name="第十二届职工技能大赛", year=year)
    db.session.add(other)
    db.session.flush()
    t = Trade(competition_id=other.id, code="lathe", name="车工", rule_file="x.toml")
    db.session.add(t)
    db.session.commit()
    return t


def confirmed_promotion(t, id_number):
    c = Contestant(competition_id=t.competition_id, trade_id=t.id, name="同一人",
                   id_number=id_number)
    db.session.add(c)
    db.session.flush()
    db.session.add(Promotion(competition_id=t.competition_id, trade_id=t.id, contestant_id=c.id,
                             from_grade="L4", to_grade="L3", status="confirmed",
                             confirmed_at=datetime(2026, 5, 1, tzinfo=timezone.utc)))
    db.session.commit()


def test_a_person_promoted_earlier_this_year_elsewhere_is_listed_with_the_reason(
        app, client, auth):
    confirmed_promotion(other_competition(), fake_id_number(0))
    confirmed_promotion(other_competition(2025), fake_id_number(1))   # last year: no matter
    ev = event(TOP.format(n=2))
    best, second = ev["entries"][0].contestant, ev["entries"][1].contestant
    rows = {r.contestant_id: r for r in svc.propose(ev["trade"], ev["organiser"]).rows}
    assert rows[best.id].status == "not_promoted"
    reason = "已于2026年在第十二届职工技能大赛（车工）晋级为三级/高级工，每人每年限晋级一次"
    assert rows[best.id].reason == reason
    assert rows[second.id].status == "proposed"
    auth.login(ev["organiser"].username)
    assert reason in page(client, f"/admin/promotions/{ev['trade'].code}")


def test_confirming_is_refused_when_someone_was_promoted_elsewhere_since(app, client, auth):
    other = other_competition()
    ev = event(TOP.format(n=1))
    trade = ev["trade"]
    svc.propose(trade, ev["organiser"])
    best = ev["entries"][0].contestant
    confirmed_promotion(other, best.id_number)   # the other competition confirmed meanwhile
    auth.login(ev["organiser"].username)
    resp = client.post(f"/admin/promotions/{trade.code}/confirm", data={"accept_unfinal": "1"},
                       follow_redirects=True)
    html = htmlmod.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 200
    assert f"{best.name} 在本名单生成后已于2026年在其他赛事中确认晋级" in html
    assert not svc.trade_list(trade).confirmed
    rows = {r.contestant_id: r for r in svc.propose(trade, ev["organiser"]).rows}
    assert rows[best.id].status == "not_promoted"


# -- 3. teams ---------------------------------------------------------------------------------

def team_event(policy: str):
    """Two teams of three (a fourth member of 一厂队 withdrew), entered as teams: each team
    entry is marked as one (exam 90 and 60)."""
    ev = build_event(n_entries=0, code="team")
    comp, trade = ev["competition"], ev["trade"]
    comp.settings = {"promotion_policy": policy}
    teams = []
    for k, (name, exam) in enumerate([("一厂队", "90"), ("二厂队", "60")]):
        t = Team(competition_id=comp.id, trade_id=trade.id, name=name, employer="示例县第一机械厂")
        db.session.add(t)
        db.session.flush()
        for i, grade in enumerate(["L4", None, "L1", "L5"][: 4 if k == 0 else 3]):
            c = Contestant(competition_id=comp.id, trade_id=trade.id, team_id=t.id,
                           name=f"{name}队员{i + 1}", id_number=f"99010119800101{k}{i}1X",
                           grade=grade, employer=t.employer)
            if i == 3:
                c.withdrawn_at = datetime(2026, 5, 1, tzinfo=timezone.utc)
            db.session.add(c)
        e = Entry(stage_id=ev["stage"].id, heat_id=ev["heat"].id, team_id=t.id)
        db.session.add(e)
        db.session.flush()
        db.session.add(Mark(entry_id=e.id, judge_id=ev["judges"][0].id, criterion="exam",
                            value=exam))
        teams.append(t)
    db.session.commit()
    return ev, teams


def test_members_of_a_winning_team_are_promoted_one_by_one(app, client, auth):
    ev, (a, b) = team_event(TOP.format(n=1))
    trade, org = ev["trade"], ev["organiser"]
    rows = {r.contestant.name: r for r in svc.propose(trade, org).rows}
    assert len(rows) == 7
    assert (rows["一厂队队员1"].status, rows["一厂队队员1"].to_grade) == ("proposed", "L3")
    assert rows["一厂队队员1"].reason == "一厂队团体成绩：第1名（前1名），由四级/中级工晋升为三级/高级工"
    assert (rows["一厂队队员2"].status, rows["一厂队队员2"].to_grade) == ("proposed", "L5")
    assert rows["一厂队队员3"].status == "not_promoted"               # already 一级/高级技师
    assert rows["一厂队队员4"].reason == "一厂队团体成绩：已退赛，不予晋级"
    assert {rows[f"二厂队队员{i}"].status for i in (1, 2, 3)} == {"not_promoted"}
    svc.confirm(trade, org)
    auth.login(org.username)
    html = page(client, f"/admin/promotions/{trade.code}")
    assert "一厂队团体成绩：第1名" in html
    ws = load_workbook(io.BytesIO(client.get(
        f"/admin/promotions/export/xlsx?trade={trade.code}").data)).active
    listed = [r for r in ws.iter_rows(min_row=3, values_only=True) if isinstance(r[0], int)]
    assert sorted(r[1] for r in listed) == ["一厂队队员1", "一厂队队员2"]
    assert all(r[10] == 1 for r in listed)                         # the team's rank


def test_a_team_member_promoted_in_another_trade_is_not_promoted_again(app):
    ev, (a, b) = team_event(TOP.format(n=1))
    member = next(c for c in a.members if c.grade == "L4")
    other = Trade(competition_id=ev["competition"].id, code="other", name="钳工",
                  rule_file="x.toml")
    db.session.add(other)
    db.session.flush()
    twin = Contestant(competition_id=ev["competition"].id, trade_id=other.id, name=member.name,
                      id_number=member.id_number)
    db.session.add(twin)
    db.session.flush()
    db.session.add(Promotion(competition_id=ev["competition"].id, trade_id=other.id,
                             contestant_id=twin.id, status="proposed", to_grade="L3"))
    db.session.commit()
    rows = {r.contestant_id: r for r in svc.propose(ev["trade"], ev["organiser"]).rows}
    assert rows[member.id].reason == "一厂队团体成绩：本届大赛已在钳工晋级，每人每届限晋级一次"


def test_a_team_round_beside_individual_entries_promotes_no_one_by_itself(app):
    """The safety contest's written stage: members sit it one by one, and the team's own
    entry is its team round. Members are decided on their own rows."""
    ev = build_event(n_entries=6, code="mixed")
    comp = ev["competition"]
    comp.settings = {"promotion_policy": TOP.format(n=2)}
    b = Team(competition_id=comp.id, trade_id=ev["trade"].id, name="二厂队")
    db.session.add(b)
    db.session.flush()
    for i, e in enumerate(ev["entries"]):
        e.contestant.team_id = b.id if i >= 3 else None
        db.session.add(Mark(entry_id=e.id, judge_id=ev["judges"][0].id, criterion="exam",
                            value=str(90 - 10 * i)))
    team_entry = Entry(stage_id=ev["stage"].id, team_id=b.id)  # team round: 44, not ranked
    db.session.add(team_entry)                                # among the individuals
    db.session.flush()
    db.session.add(Mark(entry_id=team_entry.id, judge_id=ev["judges"][0].id,
                        criterion="exam", value="100"))
    db.session.commit()
    rows = {r.contestant.name: r for r in svc.propose(ev["trade"], ev["organiser"]).rows}
    assert len(rows) == 6
    assert [n for n, r in sorted(rows.items()) if r.status == "proposed"] == ["测试选手1",
                                                                             "测试选手2"]
    assert not any("团体成绩" in r.reason for r in rows.values())


# -- 2. policy problems in Chinese, typed text kept --------------------------------------------

def test_a_refused_policy_comes_back_in_chinese_with_the_typed_text(app, client, auth):
    ev = event(NOBODY)
    comp = ev["competition"]
    auth.login(ev["organiser"].username)
    saved = dict(comp.settings)
    typed = ('version = 1\nname = "本届办法"\nmax_grade = "总工程师"\n[[rules]]\nkind = "rank"\n'
             'top = 0\nsteps = 1\n')
    resp = client.post("/admin/promotions/policy", data={"source": "text", "text": typed,
                                                         "ladder": "five"})
    assert resp.status_code == 400
    html = htmlmod.unescape(resp.get_data(as_text=True))
    assert "未保存：下面的晋级办法有问题，当前使用的晋级办法没有改变。" in html
    assert ("第 3 行，max_grade：“总工程师”不是职业技能等级；可填的等级：五级/初级工、四级/中级工、"
            "三级/高级工、二级/技师、一级/高级技师") in html
    assert "第 6 行，rules[#1].top：不能小于 1（填写的是 0）" in html
    assert f">{typed}</textarea>" in html                           # the typed text is kept
    assert 'value="text" checked' in html
    db.session.refresh(comp)
    assert comp.settings == saved                                    # nothing saved changed

    resp = client.post("/admin/promotions/policy",
                       data={"source": "text", "text": 'version = 1\nname = "本届\n'})
    html = htmlmod.unescape(resp.get_data(as_text=True))
    assert "第 2 行第 11 列：文字没有结束：末尾缺少英文双引号（\"）" in html
    resp = client.post("/admin/promotions/policy", data={"source": "text", "text": "  "})
    assert resp.status_code == 400
    assert "请粘贴晋级办法文本" in resp.get_data(as_text=True)


def test_choosing_a_shipped_policy_keeps_the_own_text_for_next_time(app, client, auth):
    ev = event(NOBODY)
    comp = ev["competition"]
    auth.login(ev["organiser"].username)
    resp = client.post("/admin/promotions/policy", data={"source": "file",
                                                         "file": "county_default.toml",
                                                         "text": NOBODY})
    assert resp.status_code == 302
    db.session.refresh(comp)
    assert comp.settings["promotion_policy_file"] == "county_default.toml"
    assert comp.settings["promotion_policy_own"] == NOBODY
    assert svc.competition_policy(comp).name != "本届办法"
    html = page(client, "/admin/promotions/")
    assert f">{NOBODY}</textarea>" in html and 'value="file" checked' in html


def test_the_trade_page_names_policy_parts_that_cannot_match_in_chinese(app, client, auth):
    ev = event('version = 1\nname = "x"\n[[rules]]\nkind = "award"\nawards = ["金牌"]\n'
               'steps = 1\n[trades.nosuch]\nmax_grade = "技师"\n')
    auth.login(ev["organiser"].username)
    html = page(client, f"/admin/promotions/{ev['trade'].code}")
    assert ("rules[#1]：“金牌”不是本工种的奖项，此规则不会使任何人晋级；本工种的奖项：一等奖、二等奖、"
            "三等奖") in html
    assert "trades.nosuch：本次大赛没有代码为“nosuch”的工种" in html


# -- 5. PromotionError is a ServiceError ----------------------------------------------------

def test_a_promotion_refusal_is_a_service_error_shown_with_its_status(app):
    assert issubclass(svc.PromotionError, ServiceError)
    err = svc.PromotionError("an exclusion needs a reason", 400)
    assert (err.status, err.message, str(err)) == (400, "an exclusion needs a reason",
                                                   "an exclusion needs a reason")
    with app.test_request_context("/admin/promotions/x/confirm"):
        err = svc.PromotionError("the promotion list of this trade is already confirmed")
        assert err.message == "本工种的晋级名单已经确认" and err.status == 409
        resp = app.make_response(app.handle_user_exception(err))
        assert resp.status_code == 409
        assert "本工种的晋级名单已经确认" in resp.get_data(as_text=True)


def test_the_cli_confirms_a_list_that_promotes_no_one(app, runner):
    ev = event(NOBODY)
    result = runner.invoke(args=["promotion", "propose", "--confirm", "--user",
                                 ev["organiser"].username, "--trade", ev["trade"].code,
                                 "--accept-unfinal"])   # the heat is not signed off here
    assert result.exit_code == 0, result.output
    assert "0 promoted of 4\tconfirmed, no one promoted" in result.output
    assert svc.trade_list(ev["trade"]).confirmed_empty
