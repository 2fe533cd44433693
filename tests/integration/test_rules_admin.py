"""The organiser binds a trade to a changed rule file, with a reason, and it is audited."""
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog
from tests.factories import DATA, build_event


def _rules_dir(app, tmp_path, text):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mini_rule.toml").write_text(text, encoding="utf-8")
    app.config["RULES_DIR"] = str(tmp_path / "rules")


def test_a_changed_rule_file_is_shown_and_rebinding_needs_a_reason(app, client, auth, tmp_path):
    ev = build_event(n_entries=2)
    original = (DATA / "mini_rule.toml").read_text(encoding="utf-8")
    _rules_dir(app, tmp_path, original.replace('name = "作品质量"', 'name = "作品质量（修订）"'))
    auth.login(ev["organiser"].username)
    page = client.get("/admin/rules/").get_data(as_text=True)
    assert "文件已修改" in page
    client.post("/admin/rules/mini/rebind", data={"reason": " "})
    assert ev["trade"].rule_text == original
    version = ev["trade"].standings_version
    client.post("/admin/rules/mini/rebind", data={"reason": "裁判长会议修订评分标准"})
    db.session.refresh(ev["trade"])
    assert "作品质量（修订）" in ev["trade"].rule_text
    assert ev["trade"].standings_version == version + 1
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "trade.rule_rebind"))
    assert log.reason == "裁判长会议修订评分标准" and log.old != log.new


def test_an_invalid_rule_file_cannot_be_bound_and_its_problems_are_listed(app, client, auth, tmp_path):
    ev = build_event(n_entries=1)
    original = (DATA / "mini_rule.toml").read_text(encoding="utf-8")
    _rules_dir(app, tmp_path, original.replace("weight = 70", "weight = 60"))
    auth.login(ev["organiser"].username)
    page = client.get("/admin/rules/").get_data(as_text=True)
    assert "mini_rule.toml:" in page and "文件有误" in page
    client.post("/admin/rules/mini/rebind", data={"reason": "试图绑定错误文件"})
    db.session.refresh(ev["trade"])
    assert ev["trade"].rule_text == original


def test_judges_cannot_see_the_rules_admin(client, auth):
    ev = build_event(n_entries=1)
    auth.login(ev["judges"][0].username)
    assert client.get("/admin/rules/").status_code == 403


def test_the_chief_judge_downloads_the_marking_scheme_of_the_bound_rule(app, client, auth):
    import io

    from openpyxl import load_workbook
    ev = build_event(n_entries=1)
    auth.login(ev["chief"].username)
    response = client.get("/admin/rules/mini/scheme.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).worksheets[0]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "作品质量" in text and "安全文明生产" in text and "裁判长" in text


def test_trades_ruled_by_the_builtin_demo_rules_show_their_file(app, client, auth, tmp_path):
    from competition.services.rules import BUILTIN_RULES
    ev = build_event(n_entries=1)
    ev["trade"].rule_file = "safety_team.toml"
    ev["trade"].rule_text = (BUILTIN_RULES / "safety_team.toml").read_text(encoding="utf-8")
    db.session.commit()
    auth.login(ev["organiser"].username)
    page = client.get("/admin/rules/").get_data(as_text=True)
    assert "已绑定，为最新" in page and "文件缺失" not in page
