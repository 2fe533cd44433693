"""A Redis outage must not lock anyone out: with the sign-in limits counted in Redis
(production), a sign-in while Redis cannot be reached is answered (limits counted in
the process's memory meanwhile), not a 500."""
import socket

from tests.conftest import create_user, make_app


def _closed_port() -> int:
    with socket.socket() as s:        # nothing listens there once this socket is closed
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_signing_in_while_the_limits_redis_is_down_works(app):
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    prod = make_app(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True,
                    RATELIMIT_STORAGE_URI=url)
    with prod.app_context():
        create_user("judge_r", "judge")
        web = prod.test_client()
        wrong = web.post("/auth/login", data={"username": "judge_r", "password": "nope"})
        right = web.post("/auth/login", data={"username": "judge_r", "password": "pw-1234"})
    assert wrong.status_code == 401
    assert right.status_code == 302
