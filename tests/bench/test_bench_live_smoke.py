"""The live benchmark still runs end to end (a tiny run: a few clients, two rounds): the
numbers in bench/README.md must stay reproducible by the next person."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_live_bench_runs_and_every_client_gets_every_message(tmp_path):
    out = tmp_path / "live.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_live.py"), "--clients", "4",
         "--rounds", "2", "--warmup", "1", "--pause", "0.05", "--stagger", "0",
         "--configs", "gevent-gunicorn,threading-werkzeug-nodelay", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(out.read_text())
    assert [r["config"] for r in results] == ["gevent-gunicorn", "threading-werkzeug-nodelay"]
    for r in results:
        assert r["missing"] == {"mark": 0, "bare": 0}
        assert r["mark_path"] == "api"
        assert 0 < r["mark_p50"] and 0 < r["bare_p50"]
