"""Live path benchmark: a judge's mark -> every one of N connected screens.

For each server configuration this starts a real server process on a SQLite file with one
trade (lathe rule, --entries contestants with full marks), connects N screen clients
(python-socketio AsyncClient over websockets, one asyncio loop, not threads) to the
trade's room, and then alternates, in the same run:

  mark  POST /bench/mark: services.marks.record_mark() in the server process (validate,
        store, audit, commit, bump the version, recompute, build the diff, emit);
  bare  POST /bench/bare: a bare socketio.emit() of the very payload the last mark sent.

Latency = a client's arrival time - the server's time when the request began (one
machine, one clock). p50/p99 are over all clients x rounds. Server CPU is the CPU time of
the server's process tree per round.

    .venv/bin/python bench/bench_live.py                      # the whole matrix
    .venv/bin/python bench/bench_live.py --configs gevent-gunicorn --clients 200 --rounds 40
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")

CONFIGS = {
    # name: (async mode, server, TCP_NODELAY middleware, Redis message queue)
    "threading-werkzeug-nagle": ("threading", "werkzeug", False, False),
    "threading-werkzeug-nodelay": ("threading", "werkzeug", True, False),
    "threading-gunicorn": ("threading", "gunicorn", True, False),
    "gevent-gunicorn": ("gevent", "gunicorn", True, False),
    "threading-gunicorn-redis": ("threading", "gunicorn", True, True),
    "gevent-gunicorn-redis": ("gevent", "gunicorn", True, True),
}


# --- the server side (runs in the server process) --------------------------------------

def bench_app():
    """The application plus two bench-only endpoints (never part of the product)."""
    from flask import Blueprint, jsonify, request

    from competition import create_app
    from competition.extensions import csrf, db, socketio
    from competition.live import trade_room
    from competition.models import Trade, User
    from competition.services.marks import record_mark

    app = create_app({"SOCKETIO_TCP_NODELAY": os.environ.get("BENCH_NODELAY", "1") == "1"})
    if os.environ.get("BENCH_GC", "tuned") == "tuned":   # as `flask serve` and gunicorn.conf.py
        from competition.gctune import tune_gc
        tune_gc()
    if os.environ.get("BENCH_WAL_AUTOCHECKPOINT"):   # experiment: checkpoints off the path
        from sqlalchemy import event
        pages = int(os.environ["BENCH_WAL_AUTOCHECKPOINT"])
        with app.app_context():
            event.listen(db.engine, "connect",
                         lambda conn, _r: conn.execute(f"PRAGMA wal_autocheckpoint={pages}"))
    last: dict = {}
    emit = socketio.emit

    def recording_emit(event, *args, **kwargs):
        if event in ("standings", "standings_diff"):
            last["payload"], last["emitted"] = args[0], time.time()
        return emit(event, *args, **kwargs)
    socketio.emit = recording_emit
    bp = Blueprint("bench", __name__)

    @bp.post("/bench/login")
    def login():
        """Sign the bench's tablet in as the judge (not measured), like a QR sign-in."""
        from flask_login import login_user
        from flask_wtf.csrf import generate_csrf
        login_user(db.session.get(User, request.get_json()["judge"]))
        return jsonify({"csrf_token": generate_csrf()})

    @bp.post("/bench/mark")
    def mark():
        """The old in-process path (the service without HTTP routing, session or CSRF),
        kept for comparison: --mark-path service."""
        t0 = time.time()
        d = request.get_json()
        result = record_mark(db.session.get(User, d["judge"]), entry_id=d["entry"],
                             address=d["criterion"], value=d["value"],
                             client_id=uuid.uuid4().hex)
        version = db.session.scalar(db.select(Trade.standings_version)
                                    .where(Trade.id == d["trade"]))
        return jsonify({"t0": t0, "version": version, "emitted": last.get("emitted", t0),
                        "status": result.status})

    @bp.get("/bench/last")
    def last_emit():
        """The last standings emit; with ?after=t: the first one at or after t (the mark's
        publish runs after its answer since issue 19; waits up to 5 s)."""
        after = float(request.args.get("after", 0))
        deadline = time.time() + 5
        while (last.get("emitted") or 0) < after and time.time() < deadline:
            time.sleep(0.001)
        return jsonify({"emitted": last.get("emitted"),
                        "version": (last.get("payload") or {}).get("version")})

    @bp.post("/bench/bare")
    def bare():
        t0 = time.time()
        d = request.get_json()
        socketio.emit("bench", {"round": d["round"], "payload": last.get("payload")},
                      to=trade_room(d["trade"]))
        return jsonify({"t0": t0})

    @app.before_request
    def stamp():
        from flask import g
        g.bench_t0 = time.time()

    @app.after_request
    def stamp_response(response):
        from flask import g
        response.headers["X-Bench-T0"] = repr(getattr(g, "bench_t0", 0.0))
        response.headers["X-Bench-Emitted"] = repr(last.get("emitted") or 0.0)
        return response

    csrf.exempt(bp)
    app.register_blueprint(bp)
    return app


def serve_werkzeug(port: int) -> None:
    from competition.extensions import socketio
    app = bench_app()
    socketio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True,
                 use_reloader=False, log_output=False)


# --- setup ------------------------------------------------------------------------------

def build_database(path: Path, entries: int) -> dict:
    """One competition, one trade (lathe rule), one heat, judges, full marks."""
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    sys.path.insert(0, str(ROOT))
    from competition import create_app
    from competition.demo_marks import marks_for_entry
    from competition.extensions import db
    from competition.models import Competition, Contestant, Entry, Heat, JudgeAssignment, Mark, Role, Stage, Trade, User
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    rng = random.Random(5)
    with app.app_context():
        db.create_all()
        text = (ROOT / "scoring_rules" / "lathe.toml").read_text(encoding="utf-8")
        from competition.rules import parse_rule
        rule = parse_rule(text, "lathe.toml")
        comp = Competition(code="BENCH", name="基准测试赛", year=2026, organiser="示例县总工会")
        trade = Trade(competition=comp, code="lathe", name="车工", rule_file="lathe.toml",
                      rule_text=text, blind=False)
        stage = Stage(trade=trade, seq=1, name="决赛")
        heat = Heat(stage=stage, seq=1, name="第1场", workstations=entries)
        db.session.add_all([comp, trade, stage, heat])
        db.session.flush()
        n_judges = max(getattr(c, "judges", 1) for c in rule.criteria)
        judges = []
        for j in range(n_judges):
            u = User(username=f"bench_j{j}", role=Role.JUDGE.value, password_hash="x")
            db.session.add(u)
            judges.append(u)
        db.session.flush()
        for u in judges:
            db.session.add(JudgeAssignment(heat_id=heat.id, user_id=u.id))
        ids = []
        for i in range(entries):
            c = Contestant(competition_id=comp.id, trade_id=trade.id, name=f"选手{i + 1:03d}",
                           id_number=f"99010119900101{i:04d}", employer=f"示例县第{i % 5 + 1}机械厂")
            db.session.add(c)
            db.session.flush()
            e = Entry(stage_id=stage.id, heat_id=heat.id, contestant_id=c.id,
                      lot_number=f"{i + 1:03d}", workstation=i + 1)
            db.session.add(e)
            db.session.flush()
            ids.append(e.id)
            for address, value, judge, attempt in marks_for_entry(rule, rng.uniform(.5, .95), rng):
                if address.startswith("theory_exam"):
                    continue      # the bench enters the theory marks itself
                db.session.add(Mark(entry_id=e.id, criterion=address, value=value,
                                    attempt=attempt, judge_id=judges[judge or 0].id))
        db.session.commit()
        return {"trade": trade.id, "entries": ids, "judge": judges[0].id}


# --- the client side ----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(name: str, db_path: Path, port: int, logdir: Path) -> subprocess.Popen:
    mode, server, nodelay, redis = CONFIGS[name]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}", "SOCKETIO_ASYNC_MODE": mode,
           "BENCH_NODELAY": "1" if nodelay else "0", "REDIS_URL": REDIS_URL if redis else "",
           "PYTHONPATH": str(ROOT)}
    if server == "werkzeug":
        cmd = [PY, __file__, "serve", str(port)]
    elif mode == "gevent":
        cmd = [PY, "-m", "gunicorn", "-k", gevent_worker(), "-w", "1",
               "--worker-connections", "2000",
               "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT / "bench"), "bench_live:bench_app()"]
    else:
        cmd = [PY, "-m", "gunicorn", "-w", "1", "--threads", "400", "-b", f"127.0.0.1:{port}",
               "--chdir", str(ROOT / "bench"), "bench_live:bench_app()"]
    with open(logdir / f"{name}.log", "w") as log:
        return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def gevent_worker() -> str:
    """With gevent-websocket installed, engine.io insists on its worker class; without
    it, gunicorn's plain gevent worker serves websockets through simple-websocket."""
    try:
        import geventwebsocket  # noqa: F401
        return "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
    except ImportError:
        return "gevent"


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (from /proc)."""
    total, todo, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = (task / "children").read_text().split()
                todo.extend(int(k) for k in kids)
        except (OSError, IndexError, ValueError):
            pass
    return total


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


async def run_config(name: str, setup: dict, db_path: Path, args, logdir: Path) -> dict:
    import aiohttp
    import socketio
    port = free_port()
    proc = start_server(name, db_path, port, logdir)
    url = f"http://127.0.0.1:{port}"
    try:
        jar = aiohttp.CookieJar(unsafe=True)   # keep the session cookie of 127.0.0.1
        async with aiohttp.ClientSession(cookie_jar=jar) as http:  # noqa: SIM117
            for _ in range(300):
                try:
                    async with http.get(url + "/api/trades/lathe/standings") as r:
                        if r.status == 200:
                            size = len(await r.read())
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError((logdir / f"{name}.log").read_text()[-2000:])
            arrivals: dict = defaultdict(dict)
            clients = await connect_clients(socketio, url, setup["trade"], args.clients, arrivals,
                                            args.stagger)
            await asyncio.sleep(1)
            lat = {"mark": [], "bare": []}
            server_ms, delivery = [], []
            round_max: dict = {"mark": [], "bare": []}
            missing = {"mark": 0, "bare": 0}
            payload_size = []
            rng = random.Random(7)
            cpu0 = cpu_seconds(proc.pid)
            current = setup.setdefault("current", {})   # entry -> theory mark, all runs
            if args.client_gc == "off":
                # The 200 clients live in this one process: a collection here stalls every
                # arrival of whichever message is in flight (mark or bare, at random), which
                # measures the bench, not the server. Collect now and not during the rounds.
                gc.collect()
                gc.freeze()
                gc.disable()
            token = None
            if args.mark_path == "api":
                async with http.post(url + "/bench/login", json={"judge": setup["judge"]}) as r:
                    token = (await r.json())["csrf_token"]
            sent_at: dict = {}
            lat_sent = {"mark": [], "bare": []}
            for rnd in range(-args.warmup, args.rounds):
                if rnd == 0:   # the warm-up rounds (first diff, caches) are not counted
                    lat = {"mark": [], "bare": []}
                    lat_sent = {"mark": [], "bare": []}
                    server_ms, delivery, payload_size = [], [], []
                    round_max = {"mark": [], "bare": []}
                    missing = {"mark": 0, "bare": 0}
                    cpu0 = cpu_seconds(proc.pid)
                order = ("mark", "bare") if rnd % 2 == 0 else ("bare", "mark")
                for kind in order:
                    if kind == "mark":
                        entry = rng.choice(setup["entries"])
                        value = rng.choice([v / 2 for v in range(100, 200)
                                            if v / 2 != current.get(entry)])
                        current[entry] = value                 # always a new value
                        sent = time.time()
                        if args.mark_path == "api":   # the tablet's own request
                            body = {"entry_id": entry, "criterion": "theory_exam",
                                    "value": str(value), "client_id": uuid.uuid4().hex}
                            async with http.post(url + "/api/marks", json=body,
                                                 headers={"X-CSRFToken": token}) as r:
                                res = await r.json()
                                t0 = float(r.headers["X-Bench-T0"])
                                emitted = float(r.headers["X-Bench-Emitted"])
                            if r.status not in (200, 201):
                                raise RuntimeError(f"the API refused the mark: {res}")
                            res = {"status": res["status"], "t0": t0, "emitted": emitted,
                                   "version": None}
                            async with http.get(url + "/bench/last",
                                                params={"after": repr(t0)}) as r2:
                                published = await r2.json()
                            res["version"] = published["version"]
                            res["emitted"] = max(emitted, published["emitted"] or 0)
                        else:
                            body = {"judge": setup["judge"], "entry": entry,
                                    "criterion": "theory_exam", "value": str(value),
                                    "trade": setup["trade"]}
                            async with http.post(url + "/bench/mark", json=body) as r:
                                res = await r.json()
                        if res["status"] not in ("created", "updated"):
                            raise RuntimeError(f"the mark changed nothing: {res}")
                        key = ("v", res["version"])
                        server_ms.append((res["emitted"] - res["t0"]) * 1000)
                        sent_at[key] = sent
                    else:
                        sent = time.time()
                        async with http.post(url + "/bench/bare",
                                             json={"round": rnd, "trade": setup["trade"]}) as r:
                            res = await r.json()
                        key = ("b", rnd)
                        sent_at[key] = sent
                    got = await wait_all(arrivals, key, args.clients)
                    missing[kind] += args.clients - len(got)
                    lat[kind].extend((t - res["t0"]) * 1000 for t in got.values())
                    lat_sent[kind].extend((t - sent_at[key]) * 1000 for t in got.values())
                    if got:
                        round_max[kind].append(round((max(got.values()) - res["t0"]) * 1000))
                    if kind == "mark":
                        delivery.extend((t - res["emitted"]) * 1000 for t in got.values())
                    if kind == "mark" and got:
                        payload_size.append(arrivals[("size", res["version"])])
                    await asyncio.sleep(args.pause)
            cpu = (cpu_seconds(proc.pid) - cpu0) / args.rounds
            gc.enable()
            for c in clients:
                await c.disconnect()
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return {"config": name, "clients": args.clients, "rounds": args.rounds,
            "snapshot_bytes": size,
            "diff_bytes": int(statistics.median(payload_size)) if payload_size else None,
            "cpu_ms_per_round": round(cpu * 1000, 1),
            "mark_server_p50": round(pct(server_ms, 50), 1),
            "mark_server_p99": round(pct(server_ms, 99), 1),
            "mark_delivery_p50": round(pct(delivery, 50), 1) if delivery else None,
            "mark_delivery_p99": round(pct(delivery, 99), 1) if delivery else None,
            "load_avg": os.getloadavg()[0], "mark_path": args.mark_path,
            **{f"{k}_from_send_{m}": round(pct(v, q), 1) for k, v in lat_sent.items() if v
               for m, q in (("p50", 50), ("p99", 99))},
            **{f"{k}_{m}": round(f(v), 1) for k, v in lat.items() if v
               for m, f in (("p50", lambda x: pct(x, 50)), ("p90", lambda x: pct(x, 90)),
                            ("p99", lambda x: pct(x, 99)), ("max", max))},
            "missing": missing, "round_max_ms": round_max,
            "server_ms": [round(x, 1) for x in server_ms]}


async def connect_clients(socketio, url, trade_id, n, arrivals, stagger=0.0):
    """Connect n clients in batches of 20, spread over ``stagger`` seconds. Clients that
    connect within one second keep their engine.io heartbeats (every 25 s) in step: the
    server then handles 200 pongs at once, a stall of ~130 ms for whatever request
    arrives at that moment. Screens in a venue connect at different times."""
    clients = []

    def make(i):
        c = socketio.AsyncClient(reconnection=False)

        @c.on("standings")
        async def _full(d):
            arrivals[("v", d["version"])][i] = time.time()
            if ("size", d["version"]) not in arrivals:   # once: not 200 dumps per mark
                arrivals[("size", d["version"])] = len(json.dumps(d, ensure_ascii=False))

        @c.on("standings_diff")
        async def _diff(d):
            arrivals[("v", d["version"])][i] = time.time()
            if ("size", d["version"]) not in arrivals:   # once: not 200 dumps per mark
                arrivals[("size", d["version"])] = len(json.dumps(d, ensure_ascii=False))

        @c.on("bench")
        async def _bench(d):
            arrivals[("b", d["round"])][i] = time.time()
        return c

    for start in range(0, n, 20):
        batch = [make(i) for i in range(start, min(n, start + 20))]
        await asyncio.gather(*(c.connect(url, transports=["websocket"]) for c in batch))
        await asyncio.gather(*(c.emit("join", {"trade": trade_id}) for c in batch))
        clients.extend(batch)
        if stagger:
            await asyncio.sleep(stagger * 20 / n)
    return clients


async def wait_all(arrivals, key, n, timeout=5.0):
    deadline = time.monotonic() + timeout
    while len(arrivals[key]) < n and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
    return dict(arrivals[key])


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "serve":
        if os.environ.get("SOCKETIO_ASYNC_MODE") == "gevent":
            from gevent import monkey
            monkey.patch_all()
        sys.path.insert(0, str(ROOT))
        serve_werkzeug(int(sys.argv[2]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--entries", type=int, default=30)
    ap.add_argument("--pause", type=float, default=0.2)
    ap.add_argument("--stagger", type=float, default=20.0,
                    help="spread the clients' connections over this many seconds")
    ap.add_argument("--mark-path", choices=("api", "service"), default="api",
                    help="api: the tablet's POST /api/marks (session, CSRF, routing, the "
                         "service, the JSON answer); service: the service called by a bench "
                         "endpoint (session 1's method)")
    ap.add_argument("--warmup", type=int, default=5,
                    help="rounds run first and not counted")
    ap.add_argument("--client-gc", choices=("off", "on"), default="off",
                    help="the bench client's own garbage collector during the rounds")
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--nice", type=int, default=0,
                    help="change the priority of the bench and its servers (e.g. -10 on a "
                         "machine busy with other work; needs root)")
    args = ap.parse_args()
    if args.nice:
        os.nice(args.nice)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db_path = tmp / "bench.sqlite"
        setup = build_database(db_path, args.entries)
        for name in args.configs.split(","):
            r = asyncio.run(run_config(name, setup, db_path, args, tmp))
            results.append(r)
            print(json.dumps(r, ensure_ascii=False), flush=True)
    print("\n| config | mark p50 / p90 / p99 | bare p50 / p90 / p99 | p99 ratio | "
          "mark: request to emit p50/p99 | server CPU/round | missing | load |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        ratio = r["mark_p99"] / r["bare_p99"] if r.get("bare_p99") else float("nan")
        print(f"| {r['config']} | {r['mark_p50']} / {r['mark_p90']} / {r['mark_p99']} ms"
              f" | {r['bare_p50']} / {r['bare_p90']} / {r['bare_p99']} ms"
              f" | {ratio:.2f} | {r['mark_server_p50']}/"
              f"{r['mark_server_p99']} ms | {r['cpu_ms_per_round']} ms |"
              f" {r['missing']['mark']}/{r['missing']['bare']} | {r['load_avg']:.1f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
