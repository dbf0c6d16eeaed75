"""Web under load (issue 7, #3) and the task list's growth (#5): gunicorn on 127.0.0.1 over
PostgreSQL holding 10k, 100k and 1M cases, loaded by wrk on the same machine.

    uv run python -m benchmarks.web_bench [--cases 1000000] [--duration 10] [--rounds 2]
        [--connections 4] [--sizes 10000 100000 1000000] [--conn-max-age 0 60]
        [--keep] [--audit] [--verify-all]

The database, `lianban_web_bench` on postgres://postgres@127.0.0.1:5432, is made here and
dropped at the end (kept with --keep: a re-run then migrates it, reuses what is there and
loads only what is missing; a run without --keep refuses to drop a kept one unless given
--replace). It holds the demo county's catalog (the shipped workbook, so
the item guide shows real items with their materials), the growth benchmark's cast (K = 5
departments) and its background cases: a few hundred template cases walked by the engine
itself, copied with new ids, numbers and recomputed hash chains (growth_bench.Copier).
The copies model a county with a long history: `--open` cases (default 2,000) are open,
copied from the open templates; every other copy is closed, its notifications read. The
live queue stays the same size at every size; the history grows.

At each size (the sizes up to --cases, then --cases itself):

1. load, settle (VACUUM ANALYZE, CHECKPOINT) and verify the chains of a random sample;
2. count each page's SQL statements with the test client, and EXPLAIN ANALYZE the task list;
3. time the engine's operations as growth_bench does (new cases walked by the engine);
4. for each --conn-max-age (0 is the project's default: a new connection per request),
   start gunicorn (2 sync workers, DEBUG off, the project's settings plus a bare view at
   /bench/bare/ from benchmarks/web_settings.py), check every page answers 200, then run
   wrk on each page in turn, --rounds times: the bare view, the reviewer's task list, a
   case page (the lead, rotating over 500 cases), the public item guide (rotating over the
   catalog), the public progress lookup (rotating over 500 numbers with their codes) and
   the task list filtered to approved tasks (the history); record requests/s,
   p50/p95/p99, the workers' CPU per request, each worker's
   peak memory (VmHWM) and the load average; stop gunicorn.

--audit runs `lianban audit verify` over everything at the first size (it reads one case
at a time: about 100 cases a second here); --verify-all checks every chain at the last
size in one ordered pass over the events. Everything started here is stopped here.
Results go to stdout (Markdown) and, as JSON, to --json (default /tmp/web_bench.json)."""

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from benchmarks import _setup

DB_NAME = "lianban_web_bench"
DB_URL = f"{_setup.PG_SERVER}/{DB_NAME}"
SIZES = (10_000, 100_000, 1_000_000)
PAGES = ("bare", "tasks", "case", "guide", "progress")
LABELS = {
    "bare": "bare Django view (ceiling)",
    "layout": "the site's layout, no query (bench only)",
    "floor": "one statement in the layout (bench only)",
    "tasks": "reviewer's task list",
    "case": "case page (lead)",
    "guide": "item guide (public)",
    "progress": "progress lookup (public)",
    "tasks_approved": "task list, filtered to approved (history)",
}
ROTATE = 500  # case pages and progress lookups rotate over this many cases
SECRET = secrets.token_urlsafe(40)  # this run's SECRET_KEY, shared with gunicorn


# ---- the database ------------------------------------------------------------------------


def _query(sql: str, db: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql],
        capture_output=True,
        text=True,
    ).stdout.strip()


def _usable() -> bool:
    """The benchmark database exists and its set-up finished (a run that failed during
    set-up leaves a database that is made afresh)."""
    if _query(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'") != "1":
        return False
    return _query("SELECT 1 FROM web_bench_meta WHERE key = 'templates'", DB_NAME) == "1"


def configure(keep: bool, replace: bool = False) -> bool:
    """Point Django at the benchmark database (made afresh unless --keep finds it); True
    when it was made afresh. A database kept by an earlier run is replaced only when asked
    (--replace): loading a million cases takes half an hour."""
    if str(_setup.SRC) not in sys.path:
        sys.path.insert(0, str(_setup.SRC))
    fresh = not (keep and _usable())
    if fresh and not replace and _usable():
        raise SystemExit(
            f"{DB_NAME} holds a kept benchmark database: --keep reuses it, --replace drops it"
        )
    if fresh:
        _setup._psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
        _setup._psql(f"CREATE DATABASE {DB_NAME}")
    scratch = Path(tempfile.mkdtemp(prefix="lianban-web-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="benchmarks.web_settings",
        DATABASE_URL=DB_URL,
        SECRET_KEY=SECRET,
        LIANBAN_VAR_DIR=str(scratch),
        DEBUG="0",
    )
    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with _cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS web_bench_meta (key text PRIMARY KEY, value text)"
        )
    return fresh


def _cursor():
    from django.db import connection

    return connection.cursor()


def meta_get(key: str):
    with _cursor() as cursor:
        cursor.execute("SELECT value FROM web_bench_meta WHERE key = %s", [key])
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def meta_set(key: str, value) -> None:
    with _cursor() as cursor:
        cursor.execute(
            "INSERT INTO web_bench_meta VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [key, json.dumps(value)],
        )


def drop() -> None:
    from django.db import connections

    connections.close_all()
    _setup._psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    shutil.rmtree(os.environ["LIANBAN_VAR_DIR"], ignore_errors=True)


# ---- the background ----------------------------------------------------------------------


def setup(templates: int):
    """The catalog, the cast and the template cases; returns the cast and template ids."""
    import io

    from benchmarks.engine_bench import Cast, build_cast
    from benchmarks.growth_bench import K, make_templates

    found = meta_get("cast")
    if found:
        found["reviewers"] = {int(k): v for k, v in found["reviewers"].items()}
        found["items"] = tuple(found["items"])
        return Cast(**found), meta_get("templates")
    from accounts.models import User
    from directory.models import Department
    from lianban import demo

    with _setup.freeze_time(2026, 1, 5):
        demo.ensure_catalog(io.StringIO())
        cast = build_cast(K)
    # The cast's clerk and lead work in the demo's service centre, which leads new cases.
    centre = Department.objects.filter(is_service_centre=True).order_by("pk").first()
    User.objects.filter(pk__in=[cast.clerk, cast.lead]).update(department=centre)
    ids = make_templates(cast, templates)
    meta_set("cast", cast.__dict__)
    meta_set("templates", ids)
    return cast, ids


class Loader:
    """Grows the background with growth_bench's copier: open copies (of the open templates)
    until `open_cases` cases are open, closed copies after that."""

    def __init__(self, template_ids: list[int], open_cases: int):
        from benchmarks.growth_bench import Copier
        from cases.models import Case, CaseState

        states = dict(Case.objects.filter(pk__in=template_ids).values_list("pk", "state"))
        live = [pk for pk in template_ids if states[pk] != CaseState.CLOSED]
        closed = [pk for pk in template_ids if states[pk] == CaseState.CLOSED]
        self.open_cases = open_cases
        self.copiers = {"open": Copier(live), "closed": Copier(closed, read=True)}

    def grow_to(self, size: int) -> float:
        """Copy cases until there are `size`; returns the seconds it took."""
        from cases.models import Case, CaseState

        started = time.perf_counter()
        have = Case.objects.count()
        live = Case.objects.exclude(state=CaseState.CLOSED).count()
        todo = {"open": min(max(0, self.open_cases - live), max(0, size - have))}
        todo["closed"] = max(0, size - have - todo["open"])
        done = 0
        for kind, count in todo.items():
            for start in range(0, count, 50_000):
                self.copiers[kind].grow(min(50_000, count - start))
                done += min(50_000, count - start)
                rate = done / (time.perf_counter() - started)
                say(f"  {have + done:,} cases ({rate:,.0f} a second)")
        return time.perf_counter() - started


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def sizes_of(args) -> list[int]:
    if args.sizes:
        return sorted(set(args.sizes))
    return [s for s in SIZES if s < args.cases] + [args.cases]


# ---- what each page is -------------------------------------------------------------------


def targets(cast) -> dict:
    """Each page's paths (rotated over by wrk) and the user it is seen as (None: public)."""
    from accounts.models import User
    from cases.models import OPEN_TASK_STATES, Case, ReviewTask
    from catalog.models import ApprovalItem

    rng = random.Random(7)
    reviewer_dept = next(iter(cast.reviewers))
    reviewer = User.objects.get(pk=cast.reviewers[reviewer_dept])
    lead = User.objects.get(pk=cast.lead)
    top = Case.objects.order_by("-pk").values_list("pk", flat=True)[:1][0]
    picks = sorted({rng.randrange(1, top + 1) for _ in range(3 * ROTATE)})
    cases = list(
        Case.objects.filter(pk__in=picks, lead_department_id=lead.department_id).values_list(
            "pk", "number", "query_code"
        )[:ROTATE]
    )
    rng.shuffle(cases)
    items = list(
        ApprovalItem.objects.filter(is_active=True).order_by("code").values_list("code", flat=True)
    )
    open_tasks = ReviewTask.objects.filter(department_id=reviewer_dept, state__in=OPEN_TASK_STATES)
    return {
        "bare": (["/bench/bare/"], None),
        "layout": (["/bench/layout/"], None),
        "floor": ([f"/bench/floor/{pk}/" for pk, _n, _c in cases], None),
        "tasks": (["/cases/tasks/"], reviewer),
        "case": ([f"/cases/{pk}/" for pk, _n, _c in cases], lead),
        "guide": ([f"/catalog/items/{urllib.parse.quote(code)}/" for code in items], None),
        "progress": (
            [
                "/progress/?" + urllib.parse.urlencode({"number": n, "code": c})
                for _pk, n, c in cases
            ],
            None,
        ),
        "tasks_approved": (["/cases/tasks/?state=approved"], reviewer),
        "_open_tasks": open_tasks.count(),
    }


def session_for(user) -> str:
    """A logged-in session, stored in the database the server reads; its cookie value."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


# ---- queries per page --------------------------------------------------------------------


def count_queries(pages: dict) -> dict:
    """Each page's SQL statements (test client, CaptureQueriesContext) on three of its paths,
    its in-process time (median of 5), full scans of big tables, and EXPLAIN ANALYZE of the
    task list's statements."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from benchmarks.growth_bench import full_scans

    out = {}
    for name, (paths, user) in pages.items():
        if name.startswith("_"):
            continue
        client = Client()
        if user is not None:
            client.force_login(user)
        counts, cold, statements, times, first = [], [], [], [], None
        for path in paths[:3]:
            # The first visit warms; a page kept for visitors renders only then.
            with CaptureQueriesContext(connection) as ctx:
                client.get(path)
            cold.append(len(ctx))
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: {path} answered {response.status_code}")
            counts.append(len(ctx))
            first = first or [q["sql"] for q in ctx.captured_queries]
            statements += [(name, q["sql"]) for q in ctx.captured_queries]
        for _ in range(5):
            started = time.perf_counter()
            client.get(paths[0])
            times.append(1000 * (time.perf_counter() - started))
        row = {
            "queries": counts,
            "cold_queries": cold,
            "in_process_ms": statistics.median(times),
            "full_scans": full_scans(statements),
        }
        if name.startswith("tasks"):
            row["explain"] = explain_analyze([sql for sql in first if "reviewtask" in sql])
        out[name] = row
    return out


def explain_analyze(sqls: list[str]) -> list[dict]:
    plans = []
    for sql in sqls:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with _cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plans.append({"sql": sql, "plan": [row[0] for row in cursor.fetchall()]})
    return plans


# ---- gunicorn and wrk --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn as `lianban serve` runs it (2 sync workers, access log to stdout, here to a
    file), with the benchmark's settings module and database."""

    def __init__(self, workers: int, conn_max_age: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = Path(os.environ["LIANBAN_VAR_DIR"]) / f"gunicorn-{self.port}.log"
        self.cmd = [
            sys.executable, "-m", "gunicorn", "lianban.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(workers), "--worker-class", "sync",
            "--no-control-socket", "--access-logfile", "-",
        ]  # fmt: skip
        self.env = {
            **os.environ,
            "DB_CONN_MAX_AGE": str(conn_max_age),
            "PYTHONPATH": os.pathsep.join([str(_setup.ROOT), str(_setup.SRC)]),
        }
        self.proc = None

    def __enter__(self):
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(
                self.cmd, env=self.env, cwd=_setup.ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                if fetch(self.base + "/bench/bare/")[0] == 200 and len(self.workers()) >= 1:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def peak_memory_mib(self) -> dict[int, float]:
        """Each worker's peak resident memory (VmHWM) and the master's."""
        out = {}
        for pid in [self.proc.pid, *self.workers()]:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    out[pid] = int(line.split()[1]) / 1024
        return out

    def cpu_seconds(self) -> float:
        """CPU time so far of the workers (PostgreSQL's backends come and go with
        DB_CONN_MAX_AGE, so theirs is not counted)."""
        return _cpu(self.workers())

    def __exit__(self, *exc):
        workers = self.workers()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            for pid in [self.proc.pid, *workers]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.wait()


def _cpu(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def fetch(url: str, cookie: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, headers={"Cookie": f"sessionid={cookie}"} if cookie else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


LUA = r"""
local paths = {%(paths)s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\"requests\":%%d,\"duration_us\":%%d,\"p50\":%%d,\"p90\":%%d,\"p95\":%%d," ..
    "\"p99\":%%d,\"max\":%%d,\"mean\":%%f,\"status_errors\":%%d,\"socket_errors\":%%d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def run_wrk(server, name: str, paths: list[str], cookie, duration, connections) -> dict:
    script = Path(os.environ["LIANBAN_VAR_DIR"]) / f"{name}.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)}, "utf-8")
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
           "-s", str(script)]  # fmt: skip
    if cookie:
        cmd += ["-H", f"Cookie: sessionid={cookie}"]
    load_before = os.getloadavg()[0]
    cpu_before = server.cpu_seconds()
    out = subprocess.run(
        [*cmd, server.base + paths[0]],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    ).stdout
    cpu_after = server.cpu_seconds()
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    for key in ("p50", "p90", "p95", "p99", "max", "mean"):
        result[key] = result[key] / 1000  # µs -> ms
    result["load"] = [load_before, os.getloadavg()[0]]
    # The gunicorn workers' CPU milliseconds a request.
    result["cpu_ms"] = 1000 * (cpu_after - cpu_before) / max(result["requests"], 1)
    return result


def serve_and_load(pages: dict, args, conn_max_age: int) -> dict:
    """gunicorn, then wrk on every page, --rounds times in turn; medians per page."""
    names = [n for n in pages if not n.startswith("_")]
    users = {pages[n][1] for n in names if pages[n][1] is not None}
    cookies = {u.pk: session_for(u) for u in users}
    rounds: dict[str, list[dict]] = {n: [] for n in names}
    served = _setup.code_version()  # a long load can outlast commits: what the server runs
    with Server(args.workers, conn_max_age) as server:
        for name in names:
            paths, user = pages[name]
            cookie = cookies.get(user.pk) if user else None
            for path in paths[:3]:
                status, body = fetch(server.base + path, cookie)
                if status != 200:
                    raise RuntimeError(f"{name}: {path} answered {status}")
                if user is not None and b"logout" not in body:
                    raise RuntimeError(f"{name}: {path} is not seen logged in")
            run_wrk(server, name, paths, cookie, 2, args.connections)  # warm
        for r in range(args.rounds):
            order = names if r % 2 == 0 else names[::-1]
            for name in order:
                paths, user = pages[name]
                cookie = cookies.get(user.pk) if user else None
                res = run_wrk(server, name, paths, cookie, args.duration, args.connections)
                rounds[name].append(res)
                say(
                    f"    {name}: {res['rps']:.0f} req/s, p50 {res['p50']:.1f} ms, "
                    f"p99 {res['p99']:.1f} ms, load {res['load'][1]:.1f}"
                )
        memory = server.peak_memory_mib()
        master = server.proc.pid
    out = {
        "pages": {},
        "peak_mib": {"master": memory.pop(master), "workers": sorted(memory.values())},
        "served_code": served,
    }
    for name, runs in rounds.items():
        out["pages"][name] = {
            key: statistics.median(r[key] for r in runs)
            for key in ("rps", "p50", "p90", "p95", "p99", "max", "mean", "cpu_ms")
        } | {
            "requests": sum(r["requests"] for r in runs),
            "status_errors": sum(r["status_errors"] for r in runs),
            "socket_errors": sum(r["socket_errors"] for r in runs),
            "load": [x for r in runs for x in r["load"]],
            "runs": runs,
        }
    return out


# ---- the audit ---------------------------------------------------------------------------


def audit() -> dict:
    """`lianban audit verify` over the whole database, timed (wall, and CPU of the command;
    PostgreSQL's own CPU is not counted)."""
    import resource

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lianban.settings"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "lianban.cli", "audit", "verify"],
        env=env, cwd=_setup.ROOT, capture_output=True, text=True,
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "returncode": done.returncode,
        "seconds": wall,
        "cpu_seconds": cpu,
        "output": (done.stdout + done.stderr).strip()[-500:],
    }


def verify_everything() -> dict:
    """Every case's chain, as `lianban audit verify` checks it (cases.events.verify_all: the
    events of 500 cases in one ordered query)."""
    from cases.events import verify_all
    from cases.models import Case, CaseEvent

    started, cpu = time.perf_counter(), time.process_time()
    broken = 0
    for problem in verify_all():
        broken += 1
        if broken <= 10:
            say(f"    broken chain: {problem}")
    return {
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "broken": broken,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
    }


# ---- the run -----------------------------------------------------------------------------


def run(args) -> dict:
    result = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "args": vars(args), "sizes": []}
    fresh = configure(args.keep, args.replace)
    from benchmarks.growth_bench import measure, settle, verify_sample
    from cases.models import Case, CaseEvent, Notification, ReviewTask

    result["db_version"] = _setup.database_version()
    result["machine"] = _setup.machine() | {"load_before": os.getloadavg()}
    result["reused_database"] = not fresh
    try:
        cast, template_ids = setup(args.templates)
        loader = Loader(template_ids, args.open)
        for size in sizes_of(args):
            say(f"== {size:,} cases")
            row = {"size": size, "load_seconds": loader.grow_to(size)}
            started = time.perf_counter()
            settle()
            row["settle_seconds"] = time.perf_counter() - started
            row["verified"] = verify_sample(args.verify_sample)
            row["cases"] = Case.objects.count()
            row["tasks"] = ReviewTask.objects.count()
            row["events"] = CaseEvent.objects.count()
            row["notifications"] = Notification.objects.count()
            pages = targets(cast)
            row["open_tasks_of_reviewer"] = pages.pop("_open_tasks")
            say(f"  queries per page (open tasks of the reviewer: {row['open_tasks_of_reviewer']})")
            row["queries"] = count_queries(pages)
            for name, q in row["queries"].items():
                say(
                    f"    {name}: {q['queries']} statements, {q['in_process_ms']:.1f} ms in process"
                )
            if args.engine_samples:
                say("  engine operations")
                row["engine"] = measure(cast, args.engine_samples)
            row["web"] = {}
            for conn_max_age in args.conn_max_age if args.duration else []:
                say(
                    f"  gunicorn (DB_CONN_MAX_AGE={conn_max_age}) + wrk, "
                    f"{args.rounds} x {args.duration} s a page"
                )
                row["web"][str(conn_max_age)] = serve_and_load(pages, args, conn_max_age)
            if args.audit and size == sizes_of(args)[0]:
                say("  lianban audit verify over everything")
                row["audit"] = audit() | {"cases": Case.objects.count()}
                say(f"    {row['audit']}")
            if args.verify_all and size == sizes_of(args)[-1]:
                say("  every chain, in one pass")
                row["verify_all"] = verify_everything()
                say(f"    {row['verify_all']}")
            with _cursor() as cursor:
                cursor.execute("SELECT pg_database_size(current_database())")
                row["db_bytes"] = cursor.fetchone()[0]
            result["sizes"].append(row)
            Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
        result["machine"]["load_after"] = os.getloadavg()
    finally:
        if args.keep:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(os.environ["LIANBAN_VAR_DIR"], ignore_errors=True)
        else:
            drop()
    Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    return result


def report(result: dict) -> str:
    args = result["args"]
    lines = [
        f"{result['db_version']}; gunicorn {args['workers']} sync workers; wrk -t1 "
        f"-c{args['connections']}, {args['rounds']} x {args['duration']} s a page (medians).",
        "",
    ]
    for row in result["sizes"]:
        lines += [
            f"### {row['cases']:,} cases ({row['tasks']:,} tasks, {row['events']:,} events, "
            f"{row['notifications']:,} notifications; {row['db_bytes'] / 2**30:.1f} GiB; "
            f"the reviewer's open tasks: {row['open_tasks_of_reviewer']:,})",
            "",
        ]
        for conn_max_age, web in row["web"].items():
            bare = web["pages"]["bare"]["rps"]
            lines += [
                f"DB_CONN_MAX_AGE={conn_max_age} (server code {web.get('served_code', '?')}):",
                "",
                "| page | req/s | × bare | p50 ms | p95 ms | p99 ms | SQL | worker CPU ms | load |",
                "|---|---|---|---|---|---|---|---|---|",
            ]
            for name, page in web["pages"].items():
                q = row["queries"][name]
                sql = "/".join(map(str, sorted(set(q["queries"]))))
                if set(q.get("cold_queries", q["queries"])) != set(q["queries"]):
                    sql += f" ({'/'.join(map(str, sorted(set(q['cold_queries']))))} first)"
                ok = page["p99"] < 100 and (name == "bare" or page["rps"] >= 0.5 * bare)
                lines.append(
                    f"| {LABELS[name]} | {page['rps']:.0f} | {page['rps'] / bare:.2f} | "
                    f"{page['p50']:.1f} | {page['p95']:.1f} | {page['p99']:.1f}"
                    f"{'' if ok else ' ✗'} | {sql} | "
                    f"{_ms(page.get('cpu_ms'))} | "
                    f"{min(page['load']):.1f}–{max(page['load']):.1f} |"
                )
            lines += [
                "",
                "Peak memory (VmHWM): workers "
                + ", ".join(f"{m:.0f} MiB" for m in web["peak_mib"]["workers"])
                + f"; master {web['peak_mib']['master']:.0f} MiB. Non-2xx + socket errors: "
                + ", ".join(
                    f"{n} {p['status_errors']}+{p['socket_errors']}"
                    for n, p in web["pages"].items()
                ),
                "",
            ]
        if not row["web"]:
            lines += ["| page | SQL | in-process ms |", "|---|---|---|"]
            for name, q in row["queries"].items():
                lines.append(f"| {LABELS[name]} | {q['queries']} | {q['in_process_ms']:.1f} |")
            lines.append("")
        scans = sorted({s for q in row["queries"].values() for s in q["full_scans"]})
        lines += ["Full scans of big tables: " + ("none." if not scans else "; ".join(scans))]
        if row.get("engine"):
            e = row["engine"]
            lines.append(
                "Engine (median ms [CPU]; statements): "
                + ", ".join(
                    f"{op} {e['ms'][op]:.1f} [{e['cpu_ms'][op]:.1f}; {e['queries'][op]}]"
                    for op in e["ms"]
                )
            )
        lines += [
            f"Loaded in {row['load_seconds']:.0f} s, settled in {row['settle_seconds']:.0f} s; "
            f"chains verified on {row['verified']} random cases.",
            "",
        ]
        if "verify_all" in row:
            v = row["verify_all"]
            lines += [
                f"Every chain verified in one pass: {v['cases']:,} cases, {v['events']:,} "
                f"events, {v['broken']} broken; {v['seconds']:.0f} s wall, "
                f"{v['cpu_seconds']:.0f} s CPU.",
                "",
            ]
        if "audit" in row:
            a = row["audit"]
            lines += [
                f"`lianban audit verify` over {a['cases']:,} cases: exit {a['returncode']}, "
                f"{a['seconds']:.0f} s wall, {a['cpu_seconds']:.0f} s CPU: {a['output']}",
                "",
            ]
    m = result["machine"]
    lines.append(
        f"Machine: {m['cpus']} × {m['cpu']}, {m['ram_gib']} GiB; Python {m['python']}, Django "
        f"{m['django']}; code {m['code']}; load average before {m['load_before']}, after "
        f"{m.get('load_after')}."
    )
    return "\n".join(lines)


def _ms(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--sizes", nargs="+", type=int, help="default: 10k, 100k, 1M up to --cases")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk a page a round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--conn-max-age",
        type=int,
        nargs="+",
        default=[0, 60],
        help="DB_CONN_MAX_AGE of gunicorn: 0 is the project's default (a connection a request)",
    )
    parser.add_argument("--open", type=int, default=2000, help="open cases (the live queue)")
    parser.add_argument("--templates", type=int, default=200)
    parser.add_argument("--verify-sample", type=int, default=200)
    parser.add_argument("--engine-samples", type=int, default=10)
    parser.add_argument(
        "--audit", action="store_true", help="lianban audit verify, at the first size"
    )
    parser.add_argument(
        "--verify-all",
        action="store_true",
        help="verify every case's chain in one pass over the events, at the last size",
    )
    parser.add_argument(
        "--replace", action="store_true", help="drop a database kept by an earlier --keep run"
    )
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    parser.add_argument("--json", default="/tmp/web_bench.json")
    args = parser.parse_args(argv)
    print(report(run(args)))


if __name__ == "__main__":
    main()
