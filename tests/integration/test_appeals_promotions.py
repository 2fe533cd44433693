"""Open appeals (申诉) block confirming a trade's promotion list until decided (issue 18)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import Entry, Role, Stage, User
from competition.services import appeals
from competition.services import promotions as svc
from tests.conftest import create_user
from tests.integration.test_promotions_flow import usable_trades


@pytest.fixture
def demo(app):
    from tests.demo_cache import load_demo_cached
    return load_demo_cached(app)   # the demo, built once per worker


def test_open_appeals_block_confirming_the_trades_promotions(demo):
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    arb = create_user("arb_promo", Role.ARBITRATION)
    trade = next(t for t in usable_trades(demo) if svc.propose(t, admin).promoted)
    entry = db.session.scalars(select(Entry).join(Stage).where(Stage.trade_id == trade.id)
                               .order_by(Entry.id)).first()
    appeal = appeals.file_appeal(admin, entry_id=entry.id, grounds="对名次有异议")
    with pytest.raises(svc.PromotionError, match="still open") as refused:
        svc.confirm(trade, admin)
    assert f"#{appeal.id}" in str(refused.value) and entry.display_name in str(refused.value)
    appeals.start_review(arb, appeal.id)
    with pytest.raises(svc.PromotionError, match="still open"):
        svc.confirm(trade, admin)
    appeals.decide(arb, appeal.id, "rejected", "经复核，评分无误")
    assert svc.confirm(trade, admin).confirmed
