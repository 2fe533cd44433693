"""The certificate background can only be an uploaded image: a layout naming a server
file (an absolute path, ../, a folder) is refused when saved, and one stored earlier is
refused when printing, never read."""
import pytest

from competition.extensions import db
from competition.services import certificates
from competition.services.certificate_form import background_path, is_stored_background
from exports.layout import load_layout
from tests.factories import build_event

HOSTILE = ["/etc/passwd", "../../instance/secret_key", "backgrounds/bg-0123456789abcdef.png",
           "bg-0123456789abcdef.png/../../x", "C:\\Windows\\win.ini", "bg-0123456789abcdef.png\n",
           "bg-0123456789ABCDEF.png", ".."]


@pytest.mark.parametrize("name", HOSTILE)
def test_only_a_stored_upload_name_has_a_path(app, name):
    assert not is_stored_background(name) and background_path(name) is None


def test_a_stored_upload_name_lives_in_the_upload_folder(app):
    path = background_path("bg-0123456789abcdef.png")
    assert path.endswith("/backgrounds/bg-0123456789abcdef.png")
    assert path.startswith(app.config["EXPORT_DIR"])


@pytest.mark.parametrize("name", ["/etc/passwd", "../../x.png"])
def test_a_layout_naming_a_server_file_is_not_saved(app, client, name):
    ev = build_event()
    client.post("/auth/login", data={"username": ev["organiser"].username,
                                     "password": "pw-1234"})
    resp = client.post("/admin/documents/layout",
                       data={"layout": '{"background": "%s"}' % name})
    assert resp.status_code == 400
    assert "证书底图必须是在证书版式页面上传的图片" in resp.get_data(as_text=True)
    db.session.refresh(ev["competition"])
    assert "certificate_layout" not in (ev["competition"].settings or {})
    with pytest.raises(certificates.DocumentError):
        certificates.save_certificate_layout(ev["competition"], None, {"background": name})


def test_a_stored_layout_naming_a_server_file_is_refused_when_printing(app):
    ev = build_event()
    comp = ev["competition"]
    comp.settings = {"certificate_layout": {"background": "/etc/passwd"}}
    db.session.commit()
    with pytest.raises(certificates.DocumentError) as err:
        certificates.certificate_layout(comp)
    assert err.value.status == 400
    with pytest.raises(certificates.DocumentError):
        certificates.with_background(load_layout({"background": "/etc/hostname"}),
                                     preview=True)
