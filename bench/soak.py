"""Soak test (issue 15): a bounded load on this machine with faults, then a reckoning.

Two server processes (gunicorn, one worker each) share a PostgreSQL database and a Redis
message queue (a redis-server of our own, on --redis-port, never the system's). For
--duration seconds, --screens screens (python-socketio AsyncClient, half on each process,
spread over the trades) follow the standings as static/js/live.js does (snapshot, diffs
on their base version, resync on a gap, join again on every reconnection, join retried
while the server answers "unavailable"), and --judges judges (aiohttp, signed in like a
tablet) enter whole score sheets (POST /api/sheets; POST /api/marks per mark when the
server has no sheets endpoint), each sheet retried with the same client id until it is
acknowledged, going to the other process when theirs is unreachable (as nginx would).
Meanwhile one server process is killed (SIGKILL) once and restarted, and Redis is
stopped for --redis-down seconds and started again.

The reckoning: every acknowledged mark is in the database with its last acknowledged
value, none twice; every screen reaches its trade's final version within 5 s of the last
acknowledgement; mark-to-screen latency (sheet sent -> a screen holds a version that
includes it: the trade's version read right after the acknowledgement, so an upper bound)
p50/p99 overall and outside the fault windows; sheets and marks per second.

    .venv/bin/python bench/soak.py                              # 5 min, 200 screens, 50 judges
    .venv/bin/python bench/soak.py --duration 30 --screens 20 --judges 6 --json out.json
Exit status 1 when a check fails.
"""
from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_ADMIN = os.environ.get("SOAK_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
RULE = ROOT / "tests" / "data" / "mini_rule.toml"   # exam (1 judge), work (3 judges), ...
PASSWORD = "pw-1234"
CHECK_S = 30          # live.js: a screen that heard nothing for 30 s asks for news
SECRET = "soak-secret-key-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))], 1)


# --- setup ------------------------------------------------------------------------------

def create_database() -> tuple[str, str]:
    import psycopg
    name = f"soak_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") \
        + "/" + name


def drop_database(name: str) -> None:
    import psycopg
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_event(db_url: str, n_trades: int, n_judges: int, per_heat: int) -> dict:
    """One competition; judges in panels of three, one heat per panel, heats spread over
    the trades; ``per_heat`` contestants per heat."""
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from competition import create_app
    from competition import models as m
    from competition.extensions import db
    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": SECRET,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "REDIS_URL": None})
    text = RULE.read_text(encoding="utf-8")
    with app.app_context():
        upgrade()
        comp = m.Competition(code="SOAK", name="耐久测试赛", year=2026, organiser="示例县总工会")
        db.session.add(comp)
        trades, stages = [], []
        for t in range(n_trades):
            trade = m.Trade(competition=comp, code=f"soak{t + 1}", name=f"耐久工种{t + 1}",
                          rule_file="mini_rule.toml", rule_text=text, blind=False,
                          published=True)       # screens show names
            stage = m.Stage(trade=trade, seq=1, name="决赛")
            db.session.add_all([trade, stage])
            trades.append(trade)
            stages.append(stage)
        db.session.flush()
        judges, heats = [], []
        n_heats = max(1, -(-n_judges // 3))     # panels of three (the last may be smaller)
        for h in range(n_heats):
            stage = stages[h % n_trades]
            heat = m.Heat(stage=stage, seq=h + 1, name=f"第{h + 1}场", workstations=per_heat)
            db.session.add(heat)
            db.session.flush()
            panel = range(3 * h, min(3 * h + 3, n_judges))
            entries = []
            for i in range(per_heat):
                n = h * per_heat + i
                c = m.Contestant(competition_id=comp.id, trade_id=stage.trade_id,
                               name=f"耐久选手{chr(0x4e00 + n)}", gender="男",
                               id_number=f"9901011990{n:08d}", employer=f"示例县第{n % 7 + 1}机械厂")
                db.session.add(c)
                db.session.flush()
                e = m.Entry(stage_id=stage.id, heat_id=heat.id, contestant_id=c.id,
                          lot_number=f"{i + 1:03d}", workstation=i + 1)
                db.session.add(e)
                entries.append(e)
            db.session.flush()
            for seat, j in enumerate(panel):
                u = m.User(username=f"soak_j{j + 1:02d}", role=m.Role.JUDGE.value,
                         display_name=f"裁判{j + 1}")
                u.set_password(PASSWORD)
                db.session.add(u)
                db.session.flush()
                db.session.add(m.JudgeAssignment(heat_id=heat.id, user_id=u.id))
                judges.append({"username": u.username, "id": u.id, "first": seat == 0,
                               "trade": stage.trade_id, "entries": [e.id for e in entries]})
            heats.append(heat.id)
        db.session.commit()
        out = {"trades": {t.id: t.code for t in trades}, "judges": judges}
        db.engine.dispose()
    return out


# --- processes --------------------------------------------------------------------------

class Redis:
    def __init__(self, port: int, logdir: Path):
        self.port, self.logdir, self.proc = port, logdir, None

    def start(self) -> None:
        with open(self.logdir / "redis.log", "a") as log:
            self.proc = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no"], stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


class Server:
    """One gunicorn process (one worker) serving the application."""

    def __init__(self, name: str, env: dict, mode: str, logdir: Path):
        self.name, self.env, self.mode, self.logdir = name, env, mode, logdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self) -> None:
        if self.mode == "gevent":
            worker = ["-k", gevent_worker(), "--worker-connections", "2000"]
        else:
            worker = ["--threads", "300"]
        with open(self.logdir / f"{self.name}.log", "a") as log:
            self.proc = subprocess.Popen(
                [PY, "-m", "gunicorn", "-w", "1", *worker, "-b", f"127.0.0.1:{self.port}",
                 "--graceful-timeout", "5", "competition:create_app()"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)

    def kill(self) -> None:
        """The process dies at once (SIGKILL to gunicorn and its worker)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (from /proc)."""
    total, todo, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(k) for k in (task / "children").read_text().split())
        except (OSError, IndexError, ValueError):
            pass
    return total


def gevent_worker() -> str:
    try:
        import geventwebsocket  # noqa: F401
        return "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
    except ImportError:
        return "gevent"


async def wait_ready(http, server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError((server.logdir / f"{server.name}.log").read_text()[-3000:])
        try:
            async with http.get(server.url + "/auth/login") as r:
                if r.status == 200:
                    return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"server {server.name} did not start")


# --- screens ----------------------------------------------------------------------------

class Screen:
    """The protocol of static/js/live.js: keep the snapshot's version, apply a diff only on
    its base, else resync; join again after every (re)connection."""

    def __init__(self, index: int, url: str, trade: int, t0: float):
        import socketio
        self.index, self.url, self.trade, self.t0 = index, url, trade, t0
        self.version, self.reached = None, []      # [(version, time)]
        self.heard = time.time()
        self.resyncs = self.unavailable = self.connects = 0
        self.sio = socketio.AsyncClient(reconnection=True, reconnection_delay=1,
                                        reconnection_delay_max=5)
        self.sio.on("connect", self._on_connect)
        self.sio.on("standings", self._on_snapshot)
        self.sio.on("standings_diff", self._on_diff)

    async def start(self) -> None:
        while True:
            try:
                await self.sio.connect(self.url, transports=["websocket"], wait_timeout=10)
                return
            except Exception:  # noqa: BLE001 - the server is restarting: try again
                await asyncio.sleep(1)

    async def _on_connect(self):
        self.connects += 1
        asyncio.ensure_future(self._join())

    async def _join(self, delay: float = 0.5):
        for _ in range(100):     # the connect handler runs before the client is "connected"
            if self.sio.connected:
                break
            await asyncio.sleep(0.05)
        while self.sio.connected:
            try:
                ack = await self.sio.call("join", {"trade": self.trade}, timeout=10)
            except Exception:  # noqa: BLE001 - timed out or disconnected
                ack = {"error": "timeout"}
            if ack.get("ok"):
                return
            self.unavailable += 1
            await asyncio.sleep(delay * random.uniform(0.75, 1.25))
            delay = min(delay * 2, 10)

    async def check(self) -> None:
        """live.js: after CHECK_S without a message, ask whether anything is newer."""
        if self.sio.connected and self.version is not None and \
                time.time() - self.heard > CHECK_S:
            self.heard = time.time()
            try:
                await self.sio.emit("resync", {"trade": self.trade, "version": self.version})
            except Exception:  # noqa: BLE001 - disconnected
                pass

    def _take(self, version: int) -> None:
        self.heard = time.time()
        if self.version is None or version > self.version:
            self.version = version
            self.reached.append((version, time.time()))

    async def _on_snapshot(self, snap):
        if snap["trade"]["id"] == self.trade:
            self._take(snap["version"])

    async def _on_diff(self, diff):
        if diff["trade_id"] != self.trade:
            return
        if self.version is not None and diff["base"] == self.version:
            self._take(diff["version"])
        elif self.version is None or diff["version"] > self.version:
            self.resyncs += 1
            try:
                await self.sio.emit("resync", {"trade": self.trade})
            except Exception:  # noqa: BLE001 - disconnected: the rejoin catches up
                pass

    def time_reached(self, version: int) -> float | None:
        """When this screen first held ``version`` or a newer one (None: never)."""
        i = bisect.bisect_left(self.reached, (version, 0.0))     # versions only grow
        return self.reached[i][1] if i < len(self.reached) else None


async def periodic_checks(screens: list[Screen]) -> None:
    while True:
        await asyncio.sleep(1)
        await asyncio.gather(*(s.check() for s in screens))


# --- judges -----------------------------------------------------------------------------

class Judge:
    def __init__(self, spec: dict, servers: list[Server], home: int, codes: dict, args):
        self.spec, self.servers, self.home, self.codes, self.args = spec, servers, home, codes, args
        self.http = None
        self.csrf = None
        self.acked: list[dict] = []      # one per acknowledged sheet
        self.statuses: dict[str, int] = {}
        self.refused: list[str] = []
        self.sheets_api = True

    def _count(self, key) -> None:
        self.statuses[str(key)] = self.statuses.get(str(key), 0) + 1

    @property
    def url(self) -> str:
        return self.servers[self.home].url

    async def sign_in(self) -> None:
        import aiohttp
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                          timeout=aiohttp.ClientTimeout(total=20))
        for _ in range(60):
            try:
                async with self.http.get(self.url + "/auth/login") as r:
                    page = await r.text()
                token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
                async with self.http.post(self.url + "/auth/login", data={
                        "username": self.spec["username"], "password": PASSWORD,
                        "csrf_token": token}) as r:
                    if r.status != 200:
                        raise RuntimeError(f"sign-in: HTTP {r.status}")
                async with self.http.get(self.url + "/api/csrf-token") as r:
                    self.csrf = (await r.json())["csrf_token"]
                return
            except Exception:  # noqa: BLE001 - a server starting or restarting
                await asyncio.sleep(1)
        raise RuntimeError(f"{self.spec['username']} could not sign in")

    def sheet(self, entry: int, rng: random.Random) -> list[dict]:
        marks = [{"criterion": "work", "value": str(rng.randint(40, 120) / 2)}]
        if self.spec["first"]:
            marks.append({"criterion": "exam", "value": str(rng.randint(100, 200) / 2)})
        return marks

    async def send(self, entry: int, marks: list[dict], seq: int) -> tuple[float, str]:
        """Send one sheet until it is acknowledged; returns (ack time, status)."""
        cid = uuid.uuid4().hex[:32]
        sent_ids = [f"{cid}-{i}" for i in range(len(marks))]
        delay = 0.2
        while True:
            try:
                if self.sheets_api:
                    body = {"entry_id": entry, "client_id": cid, "seq": seq, "marks": marks}
                    async with self.http.post(self.url + "/api/sheets", json=body,
                                              headers={"X-CSRFToken": self.csrf}) as r:
                        status, res = r.status, await r.json(content_type=None)
                    if status == 404 and not isinstance(res, dict):
                        self.sheets_api = False
                        continue
                else:
                    status, res = 201, None
                    for mark, mid in zip(marks, sent_ids):
                        body = {"entry_id": entry, "client_id": mid, **mark}
                        async with self.http.post(self.url + "/api/marks", json=body,
                                                  headers={"X-CSRFToken": self.csrf}) as r:
                            status, res = r.status, await r.json(content_type=None)
                        if status not in (200, 201):
                            break
                self._count(status)
                if status in (200, 201):
                    return time.time(), res.get("status", "?")
                if status == 400 and (res or {}).get("field") == "csrf_token":
                    async with self.http.get(self.url + "/api/csrf-token") as r:
                        self.csrf = (await r.json())["csrf_token"]
                    continue
                if status in (429, 502, 503, 504):
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5)
                    continue
                if 400 <= status < 500:
                    self.refused.append(f"{status} {res}")
                    return time.time(), "refused"
                await asyncio.sleep(delay)       # a 500: counted, and the tablet retries
                delay = min(delay * 2, 5)
            except Exception as err:  # noqa: BLE001 - connection refused/reset: failover
                self._count(type(err).__name__)
                self.home = 1 - self.home
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5)

    async def version(self) -> int | None:
        try:
            code = self.codes[self.spec["trade"]]
            async with self.http.get(f"{self.url}/api/trades/{code}/standings") as r:
                return (await r.json())["version"] if r.status == 200 else None
        except Exception:  # noqa: BLE001
            return None

    async def run(self, until: float, rng: random.Random, t0: float) -> None:
        seq = 0
        while time.time() < until:
            await asyncio.sleep(rng.expovariate(1 / self.args.think))
            if time.time() >= until:
                break
            entry = rng.choice(self.spec["entries"])
            marks = self.sheet(entry, rng)
            seq += 1
            sent = time.time()
            acked, status = await self.send(entry, marks, seq)
            if status == "refused":
                continue
            version = await self.version()
            self.acked.append({"entry": entry, "marks": marks, "sent": sent, "acked": acked,
                               "status": status, "version": version,
                               "trade": self.spec["trade"]})


# --- the run ----------------------------------------------------------------------------

async def soak(args, setup: dict, servers: list[Server], redis: Redis, logdir: Path) -> dict:
    import aiohttp
    t0 = time.time()
    async with aiohttp.ClientSession() as http:
        for s in servers:
            await wait_ready(http, s)
    trade_ids = list(setup["trades"])
    screens = [Screen(i, servers[i % 2].url, trade_ids[i % len(trade_ids)], t0)
               for i in range(args.screens)]
    for start in range(0, len(screens), 20):
        await asyncio.gather(*(s.start() for s in screens[start:start + 20]))
        await asyncio.sleep(args.stagger * 20 / max(1, len(screens)))
    judges = [Judge(spec, servers, i % 2, setup["trades"], args)
              for i, spec in enumerate(setup["judges"])]
    await asyncio.gather(*(j.sign_in() for j in judges))
    await asyncio.sleep(1)
    start = time.time()
    until = start + args.duration
    faults: list[tuple[str, float, float]] = []

    async def kill_and_restart():
        await asyncio.sleep(args.duration * 0.25)
        a = time.time()
        servers[1].kill()
        await asyncio.sleep(args.restart_after)
        servers[1].start()
        async with aiohttp.ClientSession() as http:
            await wait_ready(http, servers[1])
        faults.append(("server B killed (SIGKILL) and restarted", a, time.time()))

    async def redis_outage():
        await asyncio.sleep(args.duration * 0.5)
        a = time.time()
        redis.stop()
        await asyncio.sleep(args.redis_down)
        redis.start()
        faults.append((f"Redis stopped for {args.redis_down:.0f} s", a, time.time()))

    cpu_a = cpu_seconds(servers[0].proc.pid)
    rngs = [random.Random(100 + i) for i in range(len(judges))]
    fault_tasks = ([asyncio.ensure_future(kill_and_restart()),
                    asyncio.ensure_future(redis_outage())] if args.faults else [])
    checks = asyncio.ensure_future(periodic_checks(screens))
    await asyncio.gather(*(j.run(until, rngs[i], t0) for i, j in enumerate(judges)))
    await asyncio.gather(*fault_tasks)
    cpu_a = cpu_seconds(servers[0].proc.pid) - cpu_a
    end = max((a["acked"] for j in judges for a in j.acked), default=time.time())
    finals = {}
    async with aiohttp.ClientSession() as http:
        for tid, code in setup["trades"].items():
            async with http.get(f"{servers[0].url}/api/trades/{code}/standings") as r:
                finals[tid] = (await r.json())["version"]
    deadline = end + 5
    while time.time() < deadline and any(s.version is None or s.version < finals[s.trade]
                                         for s in screens):
        await asyncio.sleep(0.05)
    final_at = [s.time_reached(finals[s.trade]) for s in screens]
    behind = sum(1 for t in final_at if t is None or t > deadline)
    all_final_after = (max(final_at) - end) if final_at and None not in final_at else None
    # latency: from a sheet's sending to each screen of its trade holding a version that
    # includes it (the trade's version read right after the acknowledgement)
    lat, lat_quiet = [], []
    windows = [(a - 1, b + 10) for _, a, b in faults]
    for j in judges:
        for a in j.acked:
            if a["version"] is None:
                continue
            quiet = not any(lo <= a["sent"] <= hi for lo, hi in windows)
            for s in screens:
                if s.trade != a["trade"]:
                    continue
                t = s.time_reached(a["version"])
                if t is not None:
                    ms = max(0.0, (t - a["sent"]) * 1000)
                    lat.append(ms)
                    if quiet:
                        lat_quiet.append(ms)
    checks.cancel()
    for s in screens:
        try:
            await s.sio.disconnect()
        except Exception:  # noqa: BLE001
            pass
    for j in judges:
        await j.http.close()
    acked = [a for j in judges for a in j.acked]
    statuses: dict[str, int] = {}
    for j in judges:
        for k, v in j.statuses.items():
            statuses[k] = statuses.get(k, 0) + v
    n_marks = sum(len(a["marks"]) for a in acked)
    return {"judges": judges, "acked": acked, "finals": finals, "faults": faults,
            "summary": {
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(start)),
                "duration_s": args.duration, "screens": len(screens), "judges": len(judges),
                "mode": args.mode, "api": "sheets" if all(j.sheets_api for j in judges)
                else "marks",
                "sheets_acked": len(acked), "marks_acked": n_marks,
                "sheets_per_s": round(len(acked) / args.duration, 2),
                "marks_per_s": round(n_marks / args.duration, 2),
                "answers": statuses,
                "refused": sum(len(j.refused) for j in judges),
                "refusals": [r for j in judges for r in j.refused][:5],
                "latency_p50_ms": pct(lat, 50), "latency_p99_ms": pct(lat, 99),
                "latency_quiet_p50_ms": pct(lat_quiet, 50),
                "latency_quiet_p99_ms": pct(lat_quiet, 99),
                "screens_behind_5s": behind,
                "all_final_s_after_last_ack": round(all_final_after, 2)
                if all_final_after is not None else None,
                "server_a_cpu_share": round(cpu_a / args.duration, 2),
                "resyncs": sum(s.resyncs for s in screens),
                "join_retries": sum(s.unavailable for s in screens),
                "reconnections": sum(max(0, s.connects - 1) for s in screens),
                "faults": [f"{name} at +{a - start:.0f}s, back after {b - a:.1f}s"
                           for name, a, b in faults],
                "load_avg": [round(x, 2) for x in os.getloadavg()],
                "machine": f"{os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}",
            }}


def check_database(db_url: str, acked: list[dict], judge_ids: dict) -> dict:
    """Every acknowledged mark stored with its last acknowledged value, none twice."""
    from sqlalchemy import create_engine, text
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT entry_id, criterion, judge_id, attempt, value "
                                 "FROM mark")).all()
    engine.dispose()
    stored: dict = {}
    duplicates = 0
    for e, c, j, attempt, v in rows:
        key = (e, c, j, attempt)
        duplicates += key in stored
        stored[key] = v
    expected = {}
    for a in sorted(acked, key=lambda a: a["acked"]):
        for m in a["marks"]:
            expected[(a["entry"], m["criterion"], a["judge_id"], 1)] = m["value"]
    lost = [k for k in expected if k not in stored]
    wrong = [k for k in expected if k in stored and
             float(stored[k]) != float(expected[k])]
    extra = [k for k in stored if k not in expected]
    return {"marks_in_db": len(rows), "expected": len(expected), "lost": len(lost),
            "wrong_value": len(wrong), "duplicated": duplicates, "unacknowledged_extra": len(extra)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=300)
    ap.add_argument("--screens", type=int, default=200)
    ap.add_argument("--judges", type=int, default=50)
    ap.add_argument("--trades", type=int, default=5)
    ap.add_argument("--per-heat", type=int, default=10, help="contestants per heat")
    ap.add_argument("--think", type=float, default=3.0,
                    help="mean seconds a judge takes between two sheets")
    ap.add_argument("--mode", choices=("gevent", "threading"), default="gevent")
    ap.add_argument("--redis-port", type=int, default=6390)
    ap.add_argument("--redis-down", type=float, default=20)
    ap.add_argument("--restart-after", type=float, default=3,
                    help="seconds between killing server B and starting it again")
    ap.add_argument("--stagger", type=float, default=10,
                    help="spread the screens' connections over this many seconds")
    ap.add_argument("--no-faults", dest="faults", action="store_false",
                    help="no kill, no Redis outage (to compare)")
    ap.add_argument("--json", help="also write the summary to this file")
    ap.add_argument("--keep-db", action="store_true")
    args = ap.parse_args()
    name, db_url = create_database()
    logdir = Path(tempfile.mkdtemp(prefix="soak-"))
    redis = Redis(args.redis_port, logdir)
    servers = []
    try:
        setup = build_event(db_url, args.trades, args.judges, args.per_heat)
        redis.start()
        env = {**os.environ, "DATABASE_URL": db_url,
               "REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/0",
               "SECRET_KEY": SECRET, "SOCKETIO_ASYNC_MODE": args.mode,
               "SOCKETIO_CHANNEL": f"soak-{name}", "PYTHONPATH": str(ROOT),
               # every simulated tablet signs in from 127.0.0.1: no per-address limit
               "RATELIMIT_ENABLED": "0"}
        servers = [Server("a", env, args.mode, logdir), Server("b", env, args.mode, logdir)]
        for s in servers:
            s.start()
        result = asyncio.run(soak(args, setup, servers, redis, logdir))
        ids = {j.spec["username"]: j.spec["id"] for j in result["judges"]}
        for j in result["judges"]:
            for a in j.acked:
                a["judge_id"] = ids[j.spec["username"]]
        summary = result["summary"]
        summary["database"] = check_database(db_url, result["acked"], ids)
        errors = sum(v for k, v in summary["answers"].items() if k.startswith("5")
                     and k not in ("502", "503", "504"))
        summary["server_errors_500"] = errors
        db_ok = summary["database"]
        ok = (db_ok["lost"] == 0 and db_ok["wrong_value"] == 0 and db_ok["duplicated"] == 0
              and summary["screens_behind_5s"] == 0 and errors == 0
              and summary["refused"] == 0 and summary["sheets_acked"] > 0)
        summary["ok"] = ok
        summary["logs"] = str(logdir)
        print(json.dumps(summary, ensure_ascii=False, indent=1), flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(summary, ensure_ascii=False, indent=1))
        return 0 if ok else 1
    finally:
        for s in servers:
            s.stop()
        redis.stop()
        if not args.keep_db:
            drop_database(name)


if __name__ == "__main__":
    sys.exit(main())
