"""`flask backup FILE` / `flask restore FILE`: what they refuse (a database with data, a
file of another schema revision, a damaged or truncated file) and that a backup taken
while marks come in is one consistent state, not a torn copy."""
import json
import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditLog, Competition, Contestant, Mark
from competition.services.backup import BackupError, write_backup
from competition.services.backup_restore import restore_backup
from tests.conftest import make_app


@pytest.fixture
def demo(app):
    """A small event: one trade with a stage, a heat, two entries and a mark."""
    from competition.models import Entry, Heat, Stage, Trade, User
    comp = Competition(code="T", name="测试赛", year=2026, settings={"a": [1, None]})
    lathe = Trade(competition=comp, code="lathe", name="车工", rule_file="lathe.toml",
                  rule_text="# rule")
    stage = Stage(trade=lathe, name="决赛", draw_seed="seed-1")
    heat = Heat(stage=stage, name="第一场", workstations=4)
    judge = User(username="admin", role="organiser", password_hash="x")
    db.session.add_all([comp, lathe, stage, heat, judge])
    db.session.flush()
    for i in range(2):
        c = Contestant(competition_id=comp.id, trade=lathe, name=f"选手{i}",
                       id_number=f"99000019900101{i:04d}")
        entry = Entry(stage=stage, heat=heat, contestant=c, lot_number=str(i + 1),
                      workstation=i + 1)
        db.session.add_all([c, entry, Mark(entry=entry, judge=judge, criterion="a",
                                           value="9.5")])
    db.session.commit()
    return comp


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _empty_sqlite_app(tmp_path, name="target.sqlite"):
    return make_app("sqlite:///" + str(tmp_path / name), EXPORT_DIR=str(tmp_path / "tx"))


def rewrite(src, dst, change):
    """Copy a backup with ``change(name, bytes) -> bytes`` applied to each member."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info.filename)))


def test_the_commands_back_up_and_restore_into_an_empty_database(demo, runner, tmp_path):
    out = tmp_path / "event.zip"
    result = runner.invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output and out.is_file()
    contestants = _count(Contestant)
    target = _empty_sqlite_app(tmp_path)
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(out)])
        assert result.exit_code == 0, result.output
        assert _count(Contestant) == contestants
        again = target.test_cli_runner().invoke(args=["restore", str(out)])
        assert again.exit_code != 0
        assert "not empty" in again.output and "contestant (" in again.output
        forced = target.test_cli_runner().invoke(args=["restore", "--force", "--yes", str(out)])
        assert forced.exit_code == 0, forced.output
        assert _count(Contestant) == contestants
        asked = target.test_cli_runner().invoke(args=["restore", "--force", str(out)],
                                                input="n\n")
        assert asked.exit_code != 0 and "Aborted" in asked.output
        assert _count(Contestant) == contestants
        db.session.remove()
        db.engine.dispose()


def test_a_file_of_another_schema_revision_is_refused_naming_both(demo, tmp_path):
    good = write_backup(tmp_path / "event.zip").path

    def old_revision(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["schema_revision"] = "0ld0ld0ld0ld"
        return json.dumps(manifest).encode()

    rewrite(good, tmp_path / "old.zip", old_revision)
    with pytest.raises(BackupError, match="0ld0ld0ld0ld.*revision") as info:
        restore_backup(tmp_path / "old.zip", force=True)
    from competition.services.backup import code_revision
    assert code_revision() in str(info.value)
    assert db.session.scalar(select(func.count(Competition.id))) == 1     # untouched


def damaged_copies(good, folder):
    """The same backup flipped, truncated, not a zip at all and with a row removed."""
    raw = Path(good).read_bytes()
    (folder / "truncated.zip").write_bytes(raw[: len(raw) * 2 // 3])
    (folder / "not_a_zip.zip").write_bytes(b"hello, this is not a backup")
    rewrite(good, folder / "flipped.zip", lambda n, d: d.replace(b'"lathe"', b'"lathf"')
            if n == "tables/trade.jsonl" else d)
    rewrite(good, folder / "row_removed.zip", lambda n, d: b"\n".join(d.split(b"\n")[1:])
            if n == "tables/mark.jsonl" else d)
    return [folder / f"{n}.zip" for n in ("truncated", "not_a_zip", "flipped", "row_removed")]


def test_a_damaged_file_is_refused_and_loads_nothing(demo, tmp_path):
    good = write_backup(tmp_path / "event.zip").path
    target = _empty_sqlite_app(tmp_path)
    with target.app_context():
        for bad in damaged_copies(good, tmp_path):
            result = target.test_cli_runner().invoke(args=["restore", str(bad)])
            assert result.exit_code != 0, bad.name
            assert "Traceback" not in result.output
            assert any(w in result.output for w in ("damaged", "truncated", "checksum")), \
                (bad.name, result.output)
            from sqlalchemy import inspect
            if inspect(db.engine).has_table("mark"):
                assert _count(Mark) == 0 and _count(Competition) == 0, bad.name
        db.session.remove()
        db.engine.dispose()


def test_a_backup_of_a_database_without_schema_says_so(tmp_path):
    empty = _empty_sqlite_app(tmp_path, "nothing.sqlite")
    with empty.app_context():
        result = empty.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.zip")])
        assert result.exit_code != 0 and "no schema" in result.output
        db.engine.dispose()


def test_a_backup_taken_while_marks_come_in_is_one_consistent_state(app, demo, tmp_path):
    """A writer adds a mark and its audit entry in one transaction, again and again;
    every backup taken meanwhile holds as many of those marks as audit entries."""
    from competition.models import Entry, User
    entry_id = db.session.scalar(select(Entry.id).order_by(Entry.id))
    judge_id = db.session.scalar(select(User.id).where(User.username == "admin"))
    db.session.remove()
    stop, errors = threading.Event(), []

    def writer():
        with app.app_context():
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    db.session.add(Mark(entry_id=entry_id, judge_id=judge_id,
                                        criterion=f"consistency.{n}", value="1",
                                        client_id=f"bk-{n}"))
                    db.session.add(AuditLog(action="test.pair", object_type="mark"))
                    db.session.commit()
                except Exception as exc:  # pragma: no cover - shown below
                    db.session.rollback()
                    errors.append(exc)
            db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        counts = []
        for i in range(4):
            path = write_backup(tmp_path / f"b{i}.zip").path
            with zipfile.ZipFile(path) as zf:
                marks = sum(b'"bk-' in line for line in zf.read("tables/mark.jsonl")
                            .splitlines())
                pairs = zf.read("tables/audit_log.jsonl").count(b'"test.pair"')
            counts.append((marks, pairs))
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert all(m == p for m, p in counts), counts
    assert counts[-1][0] > 0
