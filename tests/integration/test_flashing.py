"""The organiser pages' one way to show a service's refusal (competition/web/flashing.py)."""
import pytest
from flask import get_flashed_messages
from werkzeug.exceptions import NotFound as HTTPNotFound

from competition.services.errors import Conflict, NotFound, ServiceError
from competition.web.flashing import flash_refusal


def _refuse():
    raise ServiceError("Stage has marks.", "stage")


def test_a_refusal_is_flashed_and_the_rest_of_the_block_is_skipped(app):
    done = []
    with app.test_request_context("/"):
        with flash_refusal():
            _refuse()
            done.append("success flash")
        assert get_flashed_messages(with_categories=True) == [("error", "Stage has marks.")]
    assert done == []


def test_without_a_refusal_the_block_runs_to_its_end_and_nothing_is_flashed(app):
    with app.test_request_context("/"):
        with flash_refusal():
            ran = True
        assert ran and get_flashed_messages() == []


def test_only_the_given_kinds_are_caught_and_other_errors_propagate(app):
    with app.test_request_context("/"):
        with pytest.raises(ServiceError):
            with flash_refusal(Conflict):
                raise ServiceError("not a conflict")
        with pytest.raises(KeyError):
            with flash_refusal():
                raise KeyError("a bug is not a refusal")
        assert get_flashed_messages() == []


def test_abort_on_answers_with_the_refusals_status(app):
    with app.test_request_context("/"):
        with pytest.raises(HTTPNotFound):
            with flash_refusal(abort_on=(403, 404)):
                raise NotFound("no such heat")
        assert get_flashed_messages() == []
