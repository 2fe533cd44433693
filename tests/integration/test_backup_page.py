"""Rotating backups in the embedded mode and the organiser's backup page: a backup every
interval while anything changed, the newest BACKUP_KEEP kept, the last one's time in
Beijing time, a button to take one now and a download link for each."""
import io
import time
import zipfile
from datetime import datetime, timezone

import pytest

from competition.extensions import db
from competition.models import AuditLog, Role
from competition.services import backup_rotation as rotation
from tests.conftest import create_user


@pytest.fixture
def backups(app, tmp_path):
    app.config.update(BACKUP_DIR=str(tmp_path / "backups"), BACKUP_KEEP=3,
                      BACKUP_INTERVAL_MINUTES=10)
    return tmp_path / "backups"


@pytest.fixture
def organiser(client, auth):
    create_user("org", Role.ORGANISER)
    auth.login("org")
    return client


def test_the_page_takes_a_backup_now_and_offers_it_for_download(backups, organiser):
    page = organiser.get("/admin/backup/").get_data(as_text=True)
    assert "尚未备份" in page and "立即备份" in page
    response = organiser.post("/admin/backup/now", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "已完成备份" in html
    kept = rotation.kept_backups()
    assert len(kept) == 1 and kept[0].path.parent == backups
    local = kept[0].taken_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert f"最近一次备份：{local:%Y-%m-%d %H:%M:%S}（北京时间）" in html
    assert f'href="/admin/backup/download/{kept[0].name}"' in html
    download = organiser.get(f"/admin/backup/download/{kept[0].name}")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(download.data)) as zf:
        assert "manifest.json" in zf.namelist()
    download.close()
    assert organiser.get("/admin/backup/download/..%2Fsecret.zip").status_code == 404
    assert organiser.get("/admin/backup/download/other.zip").status_code == 404


def test_the_newest_backups_are_kept_and_unchanged_data_is_not_backed_up_again(backups):
    first = rotation.take_backup(only_if_changed=True)
    assert first is not None
    assert rotation.take_backup(only_if_changed=True) is None       # nothing changed
    db.session.add(AuditLog(action="test.change", object_type="x"))
    db.session.commit()
    assert rotation.take_backup(only_if_changed=True) is not None
    for _ in range(3):
        rotation.take_backup()
    kept = rotation.kept_backups()
    assert len(kept) == 3                                             # BACKUP_KEEP
    names = sorted(p.name for p in backups.glob("backup-*.zip"))
    assert sorted(k.name for k in kept) == names
    assert first.path not in {str(k.path) for k in kept}             # the oldest went
    assert [(k.taken_at, k.seq) for k in kept] == sorted(
        [(k.taken_at, k.seq) for k in kept], reverse=True)


def test_the_background_thread_backs_up_after_a_change_and_stops(app, backups):
    app.config["BACKUP_INTERVAL_MINUTES"] = 0.01         # every 0.6 s
    thread = rotation.start(app)
    try:
        deadline = time.monotonic() + 20
        while not rotation.kept_backups() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(rotation.kept_backups()) == 1
    finally:
        thread.stop()
        thread.join(10)
    assert not thread.is_alive()


def test_a_zero_interval_turns_automatic_backups_off(app, backups):
    app.config["BACKUP_INTERVAL_MINUTES"] = 0
    assert rotation.start(app) is None


def test_a_failing_automatic_backup_is_shown_on_the_page(app, backups, organiser,
                                                         monkeypatch):
    def broken(path, engine=None):
        raise OSError("disk full")
    monkeypatch.setattr(rotation, "write_backup", broken)
    rotation.BackupThread(app, 10).tick()
    html = organiser.get("/admin/backup/").get_data(as_text=True)
    assert "自动备份于" in html and "disk full" in html
    monkeypatch.undo()
    rotation.take_backup()
    assert rotation.last_error() == (None, None)


def test_backup_file_names_are_utc_and_shown_in_beijing_time(backups):
    summary = rotation.take_backup()
    kept = rotation.kept_backups()[0]
    assert kept.path == __import__("pathlib").Path(summary.path)
    assert abs((datetime.now(timezone.utc) - kept.taken_at).total_seconds()) < 60
