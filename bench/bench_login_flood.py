"""Security (issue 14): judges' marks while the sign-in page is flooded with wrong PINs.

A real `flask serve` (embedded mode, scrypt, threading) in a subprocess on a temporary
instance folder; one judge posts marks through POST /api/marks while N threads post wrong
PINs for a real username from one address. Run twice: with the protections off
(RATELIMIT_ENABLED=0 and no lockout: what the code did before issue 14) and with the
defaults. Not a test; results go to bench/README.md.

    .venv/bin/python bench/bench_login_flood.py [--threads 16] [--marks 60]
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(instance: Path) -> dict:
    from flask_migrate import upgrade

    from tests.conftest import make_app
    from tests.factories import build_event
    app = make_app(f"sqlite:///{instance}/competition.sqlite", PASSWORD_HASH_METHOD="scrypt")
    with app.app_context():
        upgrade()
        ev = build_event(n_entries=40, n_judges=3)
        return {"judge": ev["judges"][0].username, "victim": ev["judges"][1].username,
                "entries": [e.id for e in ev["entries"]]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(instance: Path, port: int, protected: bool) -> subprocess.Popen:
    env = {**os.environ, "INSTANCE_PATH": str(instance), "FLASK_APP": "competition",
           "DATABASE_URL": f"sqlite:///{instance}/competition.sqlite",
           "RATELIMIT_ENABLED": "1" if protected else "0"}
    env.pop("SECRET_KEY", None)
    if not protected:
        env["LOGIN_LOCKOUT_THRESHOLD"] = "1000000"
    proc = subprocess.Popen([str(ROOT / ".venv/bin/flask"), "serve", "--port", str(port)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/auth/login", timeout=1)
            return proc
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def signed_in(url: str, username: str) -> requests.Session:
    s = requests.Session()
    page = s.get(url + "/auth/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    r = s.post(url + "/auth/login", data={"csrf_token": token.group(1), "username": username,
                                          "password": "pw-1234"}, allow_redirects=False)
    assert r.status_code == 302, r.status_code
    s.headers["X-CSRFToken"] = s.get(url + "/api/csrf-token").json()["csrf_token"]
    return s


def flood(url: str, victim: str, stop: threading.Event, counts: dict) -> None:
    s = requests.Session()
    page = s.get(url + "/auth/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    while not stop.is_set():
        r = s.post(url + "/auth/login", data={"csrf_token": token.group(1), "username": victim,
                                              "password": "000000"}, allow_redirects=False)
        counts[r.status_code] = counts.get(r.status_code, 0) + 1


def marks(session: requests.Session, url: str, entries: list[int], n: int, tag: str) -> list:
    times = []
    for i in range(n):
        body = {"client_id": f"{tag}-{i:06d}", "entry_id": entries[i % len(entries)],
                "criterion": "work", "value": str(30 + i % 20)}
        t0 = time.perf_counter()
        r = session.post(url + "/api/marks", json=body)
        times.append(time.perf_counter() - t0)
        assert r.status_code in (200, 201), (r.status_code, r.text[:200])
    return sorted(times)


def fmt(times: list) -> str:
    return (f"p50 {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {times[int(len(times) * .95)] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--marks", type=int, default=60)
    args = parser.parse_args()
    for protected in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            instance = Path(tmp)
            setup = build(instance)
            port = free_port()
            proc = serve(instance, port, protected)
            url = f"http://127.0.0.1:{port}"
            try:
                judge = signed_in(url, setup["judge"])
                quiet = marks(judge, url, setup["entries"], args.marks, "quiet")
                stop, counts = threading.Event(), {}
                threads = [threading.Thread(target=flood, args=(url, setup["victim"], stop,
                                                                counts))
                           for _ in range(args.threads)]
                for t in threads:
                    t.start()
                time.sleep(2)
                t0 = time.perf_counter()
                loaded = marks(judge, url, setup["entries"], args.marks, "flood")
                seconds = time.perf_counter() - t0
                stop.set()
                for t in threads:
                    t.join()
            finally:
                proc.terminate()
                proc.wait(10)
            label = "protected (defaults)" if protected else "unprotected (limits off)"
            print(f"{label}: marks quiet {fmt(quiet)}; under a {args.threads}-thread flood "
                  f"{fmt(loaded)}; sign-in answers {dict(sorted(counts.items()))} "
                  f"in ~{seconds + 2:.0f} s")


if __name__ == "__main__":
    main()
