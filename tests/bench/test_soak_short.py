"""The soak test in short (bench/soak.py; the 5-minute run is recorded in bench/README.md):
two gunicorn processes on PostgreSQL with a Redis of its own, screens and judges entering
whole sheets for 30 s while one process is killed and restarted and Redis is stopped.
No acknowledged mark lost or duplicated, no server error, every screen on the final
version within 5 s of the end."""
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import _pg_available

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_short_soak_loses_nothing_and_every_screen_catches_up(tmp_path):
    if not _pg_available() or shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("the soak needs PostgreSQL and redis-server")
        pytest.skip("the soak needs PostgreSQL and redis-server")
    out = tmp_path / "soak.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak.py"), "--duration", "30",
         "--screens", "20", "--judges", "6", "--trades", "2", "--think", "1",
         "--redis-down", "5", "--restart-after", "1", "--stagger", "2",
         "--redis-port", str(_free_port()), "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=170)
    assert out.exists(), proc.stderr[-3000:]
    summary = json.loads(out.read_text())
    assert summary["database"]["lost"] == 0 and summary["database"]["duplicated"] == 0
    assert summary["database"]["wrong_value"] == 0
    assert summary["server_errors_500"] == 0 and summary["refused"] == 0
    assert summary["screens_behind_5s"] == 0
    assert summary["sheets_acked"] > 10
    assert len(summary["faults"]) == 2
    assert proc.returncode == 0, proc.stdout[-3000:]
