"""Request size limits: a body over the route's limit is refused 413 from its
Content-Length, before anything reads it (the stream below fails the test if read); a body
without a Content-Length is cut off at the limit. A page in Chinese, JSON under /api/."""
import io

import pytest

from competition.models import Role
from tests.conftest import create_user

MB = 1024 * 1024


class Body(io.RawIOBase):
    def readable(self):
        return True

    def tell(self):
        return 0

    def seek(self, *args):
        return 0


class MustNotRead(Body):
    """A request body that fails the test if anyone reads it."""

    def readinto(self, buffer):
        raise AssertionError("the body was read")


class Endless(Body):
    """An endless body (no Content-Length): counts what was read."""

    def __init__(self):
        super().__init__()
        self.read_bytes = 0

    def readinto(self, buffer):
        n = len(buffer)
        buffer[:n] = b"a" * n
        self.read_bytes += n
        if self.read_bytes > 200 * MB:
            raise AssertionError("read far beyond the limit")
        return n


def post_declared(client, path, size, content_type="application/x-www-form-urlencoded"):
    return client.post(path, input_stream=MustNotRead(), content_type=content_type,
                       environ_overrides={"CONTENT_LENGTH": str(size)})


@pytest.mark.parametrize("path", ["/auth/login", "/admin/registration/new", "/admin/stages/1/x"])
def test_a_200_mb_form_post_is_refused_413_without_reading_it(app, client, path):
    resp = post_declared(client, path, 200 * MB)
    assert resp.status_code == 413
    page = resp.get_data(as_text=True)
    assert "请求过大" in page and "1 MB" in page


def test_the_json_api_answers_413_in_json_with_a_small_limit(app, client):
    resp = post_declared(client, "/api/marks", 65 * 1024, "application/json")
    assert resp.status_code == 413
    assert resp.is_json and "64 KB" in resp.get_json()["error"]
    # a multipart body to the API is refused before CSRF parses it
    resp = post_declared(client, "/api/marks", 5 * MB, "multipart/form-data; boundary=x")
    assert resp.status_code == 413 and resp.is_json


def test_a_workbook_upload_has_the_imports_own_limit(app, client, auth):
    from tests.integration._registration_setup import setup_event
    setup_event()
    auth.login("org")
    assert post_declared(client, "/admin/registration/import", 40 * MB,
                         "multipart/form-data; boundary=x").status_code == 413
    # over a form's limit but within the import's: not refused for its size (small numbers:
    # the test client spools bodies over 500 KB to a file it does not close)
    app.config["FORM_MAX_BYTES"] = 100 * 1024
    resp = client.post("/admin/registration/import", data={
        "sheet": (io.BytesIO(b"x" * (300 * 1024)), "big.xlsx")},
        content_type="multipart/form-data")
    assert resp.status_code == 400
    assert "big.xlsx" in resp.get_data(as_text=True)


def test_the_certificate_background_has_its_own_limit(app, client, auth):
    create_user("org", Role.ORGANISER)
    auth.login("org")
    resp = post_declared(client, "/admin/documents/layout", 9 * MB,
                         "multipart/form-data; boundary=x")
    assert resp.status_code == 413 and "8 MB" in resp.get_data(as_text=True)


def test_a_body_without_a_content_length_is_cut_off_at_the_limit(app, client):
    """Chunked: nothing says how long it is; at most the route's limit is read (Werkzeug
    stops there), whatever the sender keeps sending."""
    body = Endless()
    resp = client.post("/auth/login", input_stream=body,
                       content_type="application/x-www-form-urlencoded",
                       environ_overrides={"wsgi.input_terminated": True,
                                          "HTTP_TRANSFER_ENCODING": "chunked"})
    assert resp.status_code < 500
    assert body.read_bytes <= app.config["FORM_MAX_BYTES"] + 64 * 1024


def test_the_limits_can_be_configured(app, client):
    app.config["FORM_MAX_BYTES"] = 10
    assert client.post("/auth/login", data={"username": "x" * 20}).status_code == 413
