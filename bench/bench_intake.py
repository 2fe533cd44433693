"""Marks intake (issue 19): 50 signed-in judges entering whole score sheets through the
real API (POST /api/sheets: session, CSRF, the sheet service, one transaction per sheet),
beside a floor: a bare Flask endpoint doing one INSERT per request, served by the same
kind of server on the same database.

Event: --trades trades of the lathe rule (10 marks per sheet, one judge per criterion),
--judges judges each assigned to a heat of their own with --per-heat contestants, every
contestant's sheet already full (the stages hold the marks an event in progress holds);
each judge sends the sheet of the next contestant of their heat as soon as the previous
one is answered (closed loop, no think time: the server's capacity; --think S adds a
pause of mean S seconds, for the answer time at a given offered load), with new values,
while --screens screens (default 100) follow the trades' standings over Socket.IO.

Configurations (the server process is started by this script):
  embedded-sqlite      the embedded default: Werkzeug through socketio.run, threading
                       mode, SQLite in WAL mode (as `flask serve`)
  gunicorn-gevent-pg   production: gunicorn -k gevent -w 1, PostgreSQL
  gunicorn-threads-pg  gunicorn -w 1 --threads 100, PostgreSQL
  gunicorn-gevent-pg-2 two gunicorn processes (-k gevent, one worker each) with Redis as
                       the message queue, judges split between them

For each, the floor runs first (the same clients POST /floor to a bare Flask app on the
same server kind and database), then the API, each for --seconds after --warmup. Reported:
sheets/s and marks/s, answer p50/p99, server CPU per sheet, the floor's inserts/s, p50 and
p99, and the ratio of marks/s to the floor's inserts/s. --profile DIR writes a cProfile
of the server's request threads and publish rounds (pstats files, one per config).

    .venv/bin/python bench/bench_intake.py                       # all configurations
    .venv/bin/python bench/bench_intake.py --configs embedded-sqlite --seconds 15
    .venv/bin/python bench/bench_intake.py --root /tmp/before    # another code tree
"""
from __future__ import annotations

import argparse
import asyncio
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
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "pw-1234"
SECRET = "bench-intake-secret-key-0123456789"
CONFIGS = {
    # name: (server, async mode, database, processes)
    "embedded-sqlite": ("werkzeug", "threading", "sqlite", 1),
    "gunicorn-gevent-pg": ("gunicorn", "gevent", "postgresql", 1),
    "gunicorn-threads-pg": ("gunicorn", "threading", "postgresql", 1),
    "gunicorn-gevent-pg-2": ("gunicorn", "gevent", "postgresql", 2),
}


# --- the server side (runs in the server process) --------------------------------------

def bench_app():
    """The application, as served (gunicorn: bench_intake:bench_app()); with BENCH_PROFILE
    each request thread and each publish round is profiled into one pstats file."""
    from competition import create_app
    from competition.gctune import tune_gc
    app = create_app()
    tune_gc()
    if os.environ.get("BENCH_PROFILE"):
        _profile(app, os.environ["BENCH_PROFILE"])
    return app


def floor_app():
    """The floor: a bare Flask app whose one endpoint INSERTs one row and commits."""
    from flask import Flask, jsonify, request
    from sqlalchemy import create_engine, text
    url = os.environ["DATABASE_URL"]
    engine = create_engine(url, pool_pre_ping=True)
    if url.startswith("sqlite"):
        from sqlalchemy import event

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record):
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=30000")
    app = Flask(__name__)
    insert = text("INSERT INTO bench_floor (judge, value) VALUES (:judge, :value)")

    @app.post("/floor")
    def floor():
        d = request.get_json()
        with engine.begin() as conn:
            conn.execute(insert, {"judge": d["judge"], "value": d["value"]})
        return jsonify({"status": "created"}), 201

    @app.get("/auth/login")
    def ready():
        return "ok"
    return app


def _profile(app, path: str) -> None:
    import atexit
    import cProfile
    import pstats
    import threading
    profiles, lock = [], threading.Lock()
    inner = app.wsgi_app

    def profiled(environ, start_response):
        prof = cProfile.Profile(time.thread_time)
        prof.enable()
        try:
            return list(inner(environ, start_response))
        finally:
            prof.disable()
            with lock:
                profiles.append(prof)
    app.wsgi_app = profiled
    publisher = app.extensions.get("competition_publish")
    if publisher is not None:
        rounds = publisher._round_of_pending

        def profiled_round():
            prof = cProfile.Profile(time.thread_time)
            prof.enable()
            try:
                return rounds()
            finally:
                prof.disable()
                with lock:
                    profiles.append(prof)
        publisher._round_of_pending = profiled_round

    def dump(*_):
        with lock:
            if profiles:
                stats = pstats.Stats(profiles[0])
                for p in profiles[1:]:
                    stats.add(p)
                stats.dump_stats(path)
    atexit.register(dump)
    signal.signal(signal.SIGUSR1, dump)


def serve(kind: str, port: int) -> None:
    if os.environ.get("SOCKETIO_ASYNC_MODE") == "gevent":
        from gevent import monkey
        monkey.patch_all()
    sys.path.insert(0, os.environ.get("BENCH_ROOT", str(ROOT)))
    if kind == "floor":
        from werkzeug.serving import run_simple
        run_simple("127.0.0.1", port, floor_app(), threaded=True)
        return
    from competition.extensions import socketio
    socketio.run(bench_app(), host="127.0.0.1", port=port, allow_unsafe_werkzeug=True,
                 use_reloader=False, log_output=False)


# --- setup ------------------------------------------------------------------------------

def build_event(db_url: str, n_trades: int, n_judges: int, per_heat: int) -> dict:
    """--trades lathe trades, one judge per heat, heats spread over the trades, every
    contestant's marks already in; the floor's table."""
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade
    from sqlalchemy import text

    from competition import create_app
    from competition import models as m
    from competition.demo_marks import marks_for_entry
    from competition.extensions import db
    from competition.rules import parse_rule
    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": SECRET,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "REDIS_URL": None})
    source = (ROOT / "scoring_rules" / "lathe.toml").read_text(encoding="utf-8")
    rule = parse_rule(source, "lathe.toml")
    rng = random.Random(19)
    with app.app_context():
        upgrade()
        comp = m.Competition(code="INTAKE", name="录分基准赛", year=2026, organiser="示例县总工会")
        db.session.add(comp)
        stages = []
        for t in range(n_trades):
            trade = m.Trade(competition=comp, code=f"lathe{t + 1}", name=f"车工{t + 1}",
                            rule_file="lathe.toml", rule_text=source, blind=False, published=True)
            stage = m.Stage(trade=trade, seq=1, name="决赛")
            db.session.add_all([trade, stage])
            stages.append(stage)
        db.session.flush()
        judges = []
        for j in range(n_judges):
            stage = stages[j % n_trades]
            heat = m.Heat(stage=stage, seq=j + 1, name=f"第{j + 1}场", workstations=per_heat)
            user = m.User(username=f"intake_j{j + 1:02d}", role=m.Role.JUDGE.value,
                          display_name=f"裁判{j + 1}")
            user.set_password(PASSWORD)
            db.session.add_all([heat, user])
            db.session.flush()
            db.session.add(m.JudgeAssignment(heat_id=heat.id, user_id=user.id))
            entries = []
            for i in range(per_heat):
                n = j * per_heat + i
                c = m.Contestant(competition_id=comp.id, trade_id=stage.trade_id,
                                 name=f"录分选手{n + 1:04d}", gender="男",
                                 id_number=f"9901011990{n:08d}", employer=f"示例县第{n % 7 + 1}机械厂")
                db.session.add(c)
                db.session.flush()
                e = m.Entry(stage_id=stage.id, heat_id=heat.id, contestant_id=c.id,
                            lot_number=f"{i + 1:03d}", workstation=i + 1)
                db.session.add(e)
                db.session.flush()
                entries.append(e.id)
                for address, value, _judge, attempt in marks_for_entry(rule, rng.uniform(.5, .95), rng):
                    db.session.add(m.Mark(entry_id=e.id, criterion=address, value=value,
                                          attempt=attempt, judge_id=user.id))
            judges.append({"username": user.username, "entries": entries,
                           "trade": stage.trade_id})
        db.session.execute(text("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY "
                                + ("AUTOINCREMENT" if db_url.startswith("sqlite") else
                                   "GENERATED ALWAYS AS IDENTITY")
                                + ", judge INTEGER, value TEXT)"))
        db.session.commit()
        db.engine.dispose()
    return {"judges": judges}


def sheets(seed: int):
    """Endless whole sheets of the lathe rule with new values."""
    sys.path.insert(0, str(ROOT))
    from competition.demo_marks import marks_for_entry
    from competition.rules import parse_rule
    rule = parse_rule((ROOT / "scoring_rules" / "lathe.toml").read_text(encoding="utf-8"),
                      "lathe.toml")
    rng = random.Random(seed)
    while True:
        yield [{"criterion": a, "value": v, "attempt": att}
               for a, v, _j, att in marks_for_entry(rule, rng.uniform(.5, .95), rng)]


# --- processes --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(kind: str, config: str, env: dict, root: Path, logdir: Path, profile: str | None):
    server, mode, _db, _n = CONFIGS[config]
    port = free_port()
    env = {**env, "SOCKETIO_ASYNC_MODE": mode, "PYTHONPATH": f"{root}:{ROOT / 'bench'}",
           "BENCH_ROOT": str(root)}
    if profile and kind == "app":
        env["BENCH_PROFILE"] = profile
    target = "bench_intake:floor_app()" if kind == "floor" else "bench_intake:bench_app()"
    if server == "werkzeug":
        cmd = [PY, str(Path(__file__).resolve()), "serve", kind, str(port)]
    elif mode == "gevent":
        cmd = [PY, "-m", "gunicorn", "-k", "gevent", "--worker-connections", "1000", "-w", "1",
               "-b", f"127.0.0.1:{port}", target]
    else:
        cmd = [PY, "-m", "gunicorn", "-w", "1", "--threads", "100", "-b", f"127.0.0.1:{port}",
               target]
    log = open(logdir / f"{config}-{kind}-{port}.log", "w")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    return proc, f"http://127.0.0.1:{port}"


def stop(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM if proc.args[1] == "-m" else signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


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


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))], 1)


# --- the clients --------------------------------------------------------------------------

async def wait_ready(http, proc, url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.args}")
        try:
            async with http.get(url + "/auth/login") as r:
                if r.status == 200:
                    return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"server did not start: {proc.args}")


async def sign_in(http, url: str, username: str) -> str:
    async with http.get(url + "/auth/login") as r:
        page = await r.text()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    async with http.post(url + "/auth/login", data={"username": username, "password": PASSWORD,
                                                     "csrf_token": token}) as r:
        if r.status != 200:
            raise RuntimeError(f"sign-in of {username}: HTTP {r.status}")
    async with http.get(url + "/api/csrf-token") as r:
        return (await r.json())["csrf_token"]


async def load(kind: str, urls: list[str], judges: list[dict], args, pids: list[int],
               db_url: str) -> dict:
    """Closed loop: each judge sends the next request as soon as the answer arrives.
    Returns the answers completed inside the measured window (start, seconds, marks),
    errors, the servers' CPU seconds and the standings versions named in the window."""
    import aiohttp
    done: list[tuple[float, float, int]] = []
    errors: dict[str, int] = {}
    window: dict = {}
    statuses: dict[str, int] = {}
    stop_at = time.monotonic() + args.warmup + args.seconds
    t_measure = time.monotonic() + args.warmup
    sessions = [aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                      timeout=aiohttp.ClientTimeout(total=60))
                for _ in judges]
    screens = []
    try:
        tokens = []
        if kind == "app" and args.screens:
            screens = await connect_screens(urls, sorted({j["trade"] for j in judges}),
                                            args.screens)
        if kind == "app":
            tokens = await asyncio.gather(*(sign_in(s, urls[i % len(urls)], j["username"])
                                            for i, (s, j) in enumerate(zip(sessions, judges))))
        t_measure = time.monotonic() + args.warmup
        stop_at = t_measure + args.seconds

        async def judge(i: int) -> None:
            http, spec, url = sessions[i], judges[i], urls[i % len(urls)]
            source, seq, n = sheets(1000 + i), 0, 0
            rng = random.Random(i)
            while time.monotonic() < stop_at:
                if args.think:       # open-ish loop: a judge's pause between two sheets
                    await asyncio.sleep(rng.expovariate(1 / args.think))
                marks = next(source)
                entry = spec["entries"][n % len(spec["entries"])]
                n += 1
                seq += 1
                t0 = time.monotonic()
                try:
                    if kind == "app":
                        body = {"entry_id": entry, "client_id": uuid.uuid4().hex, "seq": seq,
                                "marks": marks}
                        async with http.post(url + "/api/sheets", json=body,
                                             headers={"X-CSRFToken": tokens[i]}) as r:
                            answer = await r.json(content_type=None)
                            status = r.status
                        key = str(answer.get("status") if isinstance(answer, dict) else status)
                        statuses[key] = statuses.get(key, 0) + 1
                    else:
                        async with http.post(url + "/floor", json={"judge": i,
                                                                   "value": marks[0]["value"]}) as r:
                            await r.read()
                            status = r.status
                except Exception as err:  # noqa: BLE001 - counted
                    errors[type(err).__name__] = errors.get(type(err).__name__, 0) + 1
                    await asyncio.sleep(0.1)
                    continue
                t1 = time.monotonic()
                if status not in (200, 201):
                    errors[str(status)] = errors.get(str(status), 0) + 1
                    continue
                if t_measure <= t1 <= stop_at:
                    done.append((t0, t1 - t0, len(marks) if kind == "app" else 1))

        async def measure() -> None:
            await asyncio.sleep(max(0.0, t_measure - time.monotonic()))
            window["cpu0"] = sum(cpu_seconds(p) for p in pids)
            window["v0"] = await asyncio.to_thread(versions, db_url)
            await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
            window["cpu1"] = sum(cpu_seconds(p) for p in pids)
            window["v1"] = await asyncio.to_thread(versions, db_url)

        await asyncio.gather(measure(), *(judge(i) for i in range(len(judges))))
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
        await asyncio.gather(*(c.disconnect() for c in screens), return_exceptions=True)
    return {"done": done, "errors": errors, "window": args.seconds,
            "cpu": window["cpu1"] - window["cpu0"], "versions": window["v1"] - window["v0"],
            "statuses": statuses}


async def connect_screens(urls: list[str], trades: list[int], n: int) -> list:
    """``n`` screens (python-socketio AsyncClient, websocket) spread over the trades and
    the server processes, each in its trade's room, taking what is published."""
    import socketio
    clients = []
    for _i in range(n):
        c = socketio.AsyncClient(reconnection=False)
        c.on("standings", _ignore)
        c.on("standings_diff", _ignore)
        clients.append(c)
    for start in range(0, n, 20):
        batch = list(range(start, min(n, start + 20)))
        await asyncio.gather(*(clients[i].connect(urls[i % len(urls)], transports=["websocket"])
                               for i in batch))
        await asyncio.gather(*(clients[i].emit("join", {"trade": trades[i % len(trades)]})
                               for i in batch))
    return clients


async def _ignore(_data) -> None:
    return None


def versions(db_url: str) -> int:
    """The sum of the trades' standings versions (how many versions were named)."""
    from sqlalchemy import create_engine, text
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT COALESCE(SUM(standings_version), 0) "
                                         "FROM trade")).scalar())
    finally:
        engine.dispose()


def summary(res: dict) -> dict:
    done, window = res["done"], res["window"]
    lat = [d * 1000 for _t, d, _n in done]
    return {"requests_per_s": round(len(done) / window, 1),
            "marks_per_s": round(sum(n for _t, _d, n in done) / window, 1),
            "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99), "errors": res["errors"],
            "server_cpu_ms_per_request": round(res["cpu"] * 1000 / max(1, len(done)), 2),
            "server_cpu_cores": round(res["cpu"] / window, 2),
            "versions_per_s": round(res["versions"] / window, 1), "statuses": res["statuses"]}


async def run_config(config: str, args, logdir: Path) -> dict:
    import aiohttp
    server, mode, database, processes = CONFIGS[config]
    db_name = None
    if database == "sqlite":
        db_url = f"sqlite:///{logdir / (config + '.sqlite')}"
    else:
        import psycopg
        db_name = f"bench_intake_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db_name}"')
        db_url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") \
            + "/" + db_name
    try:
        setup = await asyncio.to_thread(build_event, db_url, args.trades, args.judges,
                                        args.per_heat)
        env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": SECRET,
               "RATELIMIT_ENABLED": "0",
               "REDIS_URL": REDIS_URL if processes > 1 else "",
               "SOCKETIO_CHANNEL": f"bench-intake-{uuid.uuid4().hex[:6]}"}
        out = {"config": config, "code": str(args.root), "load_before": os.getloadavg()[0]}
        for kind in ("floor", "app"):
            profile = (str(Path(args.profile) / f"{config}.pstats")
                       if args.profile else None)
            procs = [start(kind, config, env, args.root, logdir, profile)
                     for _ in range(processes)]
            try:
                async with aiohttp.ClientSession() as http:
                    for proc, url in procs:
                        await wait_ready(http, proc, url)
                Path("/tmp/BENCH_RUNNING").touch()
                try:
                    res = await load(kind, [u for _p, u in procs], setup["judges"], args,
                                     [p.pid for p, _u in procs], db_url)
                finally:
                    Path("/tmp/BENCH_RUNNING").unlink(missing_ok=True)
                out[kind] = summary(res)
            finally:
                for proc, _u in procs:
                    stop(proc)
        out["ratio_marks_to_floor"] = round(out["app"]["marks_per_s"]
                                            / max(out["floor"]["requests_per_s"], 0.1), 3)
        out["load_after"] = os.getloadavg()[0]
        return out
    finally:
        if db_name:
            import psycopg
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def main() -> None:
    if len(sys.argv) > 3 and sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--judges", type=int, default=50)
    ap.add_argument("--trades", type=int, default=5)
    ap.add_argument("--per-heat", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean pause (s, exponential) of each judge between two sheets; "
                         "0: closed loop, the server's capacity")
    ap.add_argument("--screens", type=int, default=100,
                    help="screens connected to the trades' rooms while judges enter marks")
    ap.add_argument("--root", type=Path, default=ROOT, help="the code tree the servers run")
    ap.add_argument("--profile", help="a directory for the servers' cProfile files")
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--logs", help="keep the servers' logs (and SQLite files) in this directory")
    args = ap.parse_args()
    args.root = args.root.resolve()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        logdir = Path(args.logs) if args.logs else Path(tmp)
        logdir.mkdir(parents=True, exist_ok=True)
        for config in args.configs.split(","):
            r = asyncio.run(run_config(config, args, logdir))
            results.append(r)
            print(json.dumps(r, ensure_ascii=False), flush=True)
    print("\n| config | floor inserts/s, p50/p99 | API sheets/s (marks/s), p50/p99 | marks/s : floor "
          "| server CPU per sheet (cores) | versions/s | errors | load |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        f, a = r["floor"], r["app"]
        print(f"| {r['config']} | {f['requests_per_s']}, {f['p50_ms']}/{f['p99_ms']} ms"
              f" | {a['requests_per_s']} ({a['marks_per_s']}), {a['p50_ms']}/{a['p99_ms']} ms"
              f" | {r['ratio_marks_to_floor']}x | {a['server_cpu_ms_per_request']} ms"
              f" ({a['server_cpu_cores']}) | {a['versions_per_s']}"
              f" | {a['errors'] or '-'} | {r['load_before']:.1f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
