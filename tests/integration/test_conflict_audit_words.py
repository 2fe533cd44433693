"""The heat's audit trail says in words what the chief judge did about a conflict of
interest (回避): a confirmation with its reason, and each criterion given to a substitute
for a lot (the page, the CSV and the workbook alike)."""
from __future__ import annotations

from tests.integration.test_conflict_reassign import home_event, reassign_all


def test_the_audit_trail_reads_the_confirmation_and_the_reassignment(app, client, auth):
    ev = home_event()
    reassign_all(ev, crits=["work"], conflict_reason="理论考试由系统阅卷，不受影响")
    auth.login(ev["chief"].username)
    for url in (f"/judge/chief/heat/{ev['heat'].id}/audit", f"/judge/chief/heat/{ev['heat'].id}/audit.csv"):
        r = client.get(url)
        assert r.status_code == 200
        text = r.get_data(as_text=True)
        assert "理论考试由系统阅卷，不受影响" in text
        assert "judge1_mini (示例县第1机械厂): 001 测试选手1、004 测试选手4" in text
        assert "001 作品质量: 裁判四（judge1_mini 回避）" in text
    assert client.get(f"/judge/chief/heat/{ev['heat'].id}/audit.xlsx").status_code == 200
