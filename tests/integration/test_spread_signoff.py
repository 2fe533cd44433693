"""The rule's spread limit (WorldSkills judgement marks within one point) is enforced at
sign-off, not only shown: a heat whose marks lie too far apart is refused, naming the lot,
the criterion, the marks and who must re-mark, and nothing is stored; once the judge has
re-marked, the heat signs off (issue 16)."""
import pytest

from competition.extensions import db
from competition.models import Heat
from competition.services.errors import Conflict
from competition.services.heats import lock_heat
from tests.factories import build_event
from tests.integration.test_attempts_service import mark


@pytest.fixture
def event(app):
    return build_event(n_entries=2, n_judges=3, rule_file="attempts_rule.toml",
                       code="attempts", blind=False)


def test_a_heat_with_marks_too_far_apart_is_not_signed_off_until_re_marked(event):
    for j, v in enumerate(("1", "3", "3")):
        mark(event, j, 0, "aspect", v)
    heat_id = event["heat"].id
    with pytest.raises(Conflict) as refused:
        lock_heat(event["chief"], heat_id)
    text = str(refused.value)
    lot = event["entries"][0].lot_number
    assert lot in text and "1, 3, 3" in text
    judge = event["judges"][0]
    assert (judge.display_name or judge.username) in text
    assert db.session.get(Heat, heat_id).locked_at is None
    mark(event, 0, 0, "aspect", "2")                     # the judge re-marks: 2, 3, 3
    lock_heat(event["chief"], heat_id)
    assert db.session.get(Heat, heat_id).locked_at is not None


def test_a_rule_without_a_spread_limit_signs_off_as_before(app):
    ev = build_event(n_entries=2, n_judges=2, blind=False)
    lock_heat(ev["chief"], ev["heat"].id)
    assert db.session.get(Heat, ev["heat"].id).locked_at is not None
