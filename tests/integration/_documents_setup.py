"""Shared setup for the documents tests: the demo event and its organiser."""
import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import User


@pytest.fixture
def demo(app):
    from tests.demo_cache import load_demo_cached
    return load_demo_cached(app)   # the demo, built once per worker


@pytest.fixture
def admin(demo):
    return db.session.scalar(select(User).where(User.username == "admin"))


def trade(comp, code="lathe"):
    return next(t for t in comp.trades if t.code == code)
