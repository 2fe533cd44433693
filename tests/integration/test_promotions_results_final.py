"""A promotion list from results that are not final: the trade's promotion page warns
(heats not signed off, results not published) and confirming needs an explicit tick;
with the results signed off and published there is no warning and no tick."""
import html as htmlmod

from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, utcnow
from competition.services import promotions as svc
from tests.integration.test_promotions_gaps import TOP, page
from tests.integration.test_promotions_gaps import event as gaps_event


def event():
    """Three contestants (90, 80, 70), heats open, results unpublished; the policy
    promotes the first."""
    return gaps_event(TOP.format(n=1), exams=("90", "80", "70"))


def test_unfinal_results_warn_and_confirming_needs_the_tick(app, client, auth):
    ev = event()
    trade, org = ev["trade"], ev["organiser"]
    auth.login(org.username)
    url = f"/admin/promotions/{trade.code}"
    html = page(client, url)
    assert 'id="results-not-final"' in html
    assert "尚未经裁判长签字锁定（决赛）：第1场" in html and "成绩尚未发布" in html
    # proposing proceeds with the warning
    assert client.post(f"{url}/propose").status_code == 302
    assert svc.trade_list(trade).promoted
    html = page(client, url)
    assert 'name="accept_unfinal"' in html and 'id="results-not-final"' in html
    # confirming without the tick is refused, with the reason
    resp = client.post(f"{url}/confirm", follow_redirects=True)
    assert "如仍要确认名单，请勾选" in htmlmod.unescape(resp.get_data(as_text=True))
    assert not svc.trade_list(trade).confirmed
    # with the tick it is confirmed, and the audit row says what was not final
    assert client.post(f"{url}/confirm", data={"accept_unfinal": "1"}).status_code == 302
    assert svc.trade_list(trade).confirmed
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "promotion.confirm_list"))
    assert log.new["results_not_final"] == {"stage": "决赛", "unlocked_heats": ["第1场"],
                                            "published": False}


def test_signed_off_and_published_results_need_no_tick(app, client, auth):
    ev = event()
    trade, org, heat = ev["trade"], ev["organiser"], ev["heat"]
    heat.locked_at, heat.locked_by_id = utcnow(), ev["chief"].id
    trade.published, trade.results_published_at = True, utcnow()
    db.session.commit()
    auth.login(org.username)
    url = f"/admin/promotions/{trade.code}"
    client.post(f"{url}/propose")
    html = page(client, url)
    assert 'id="results-not-final"' not in html and 'name="accept_unfinal"' not in html
    assert client.post(f"{url}/confirm").status_code == 302
    assert svc.trade_list(trade).confirmed
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "promotion.confirm_list"))
    assert "results_not_final" not in log.new


def test_only_unpublished_results_are_named(app, client, auth):
    ev = event()
    ev["heat"].locked_at = utcnow()
    db.session.commit()
    auth.login(ev["organiser"].username)
    html = page(client, f"/admin/promotions/{ev['trade'].code}")
    assert "成绩尚未发布" in html and "尚未经裁判长签字锁定" not in html


def test_the_cli_does_not_confirm_unfinal_results_unless_told(app, runner):
    ev = event()
    trade = ev["trade"]
    args = ["promotion", "propose", "--confirm", "--user", ev["organiser"].username,
            "--trade", trade.code]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "results not final (heats not signed off (决赛): 第1场; results not published)" \
        in result.output
    assert not svc.trade_list(trade).confirmed and svc.trade_list(trade).promoted
    result = runner.invoke(args=args + ["--accept-unfinal"])
    assert result.exit_code == 0, result.output
    assert svc.trade_list(trade).confirmed
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "promotion.confirm_list"))
    assert log.new["results_not_final"]["published"] is False
