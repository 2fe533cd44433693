"""Shared setup for the documents tests: the demo event and its organiser."""
import pytest
from sqlalchemy import select

from competition.demo import DemoSize, load_demo
from competition.extensions import db
from competition.models import User


@pytest.fixture
def demo(app):
    comp, _ = load_demo(DemoSize(big=40, small=8))
    return comp


@pytest.fixture
def admin(demo):
    return db.session.scalar(select(User).where(User.username == "admin"))


def trade(comp, code="lathe"):
    return next(t for t in comp.trades if t.code == code)
