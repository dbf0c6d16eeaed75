"""Our case engine against SpiffWorkflow, side by side, on SQLite and PostgreSQL (issue 7, #1).

    uv run python -m benchmarks.engine_bench --db sqlite --db postgres
        [--k 5 --k 20 --k 40] [--runs 5] [--instances M] [--profile K]

One instance is a case with one intake, K parallel reviews, one decision and one document
record. Every step is its own transaction that loads what it needs from the database, as a
web request would: steps pass primary keys only, and the acting user is loaded by its key.

Ours: engine.apply -> intake.accept -> review.approve_task x K -> engine.decide ->
engine.record_document_issued (under lock_case). The peer: the equivalent BPMN process
(user task -> parallel gateway -> K user tasks -> join -> user task -> end) run by
SpiffWorkflow, its state serialised with BpmnWorkflowSerializer to a table in the same
database, loaded, advanced and written back at every step. The BPMN is parsed once per K.
A third walk, the floor (engine_floor.py), does the same case with nothing but the user,
the case lock and the hash-chained event at each step: the least an engine of our shape
can do through the ORM. A fourth, the raw floor (engine_floor_raw.py), makes the floor's
very statements with hand-written SQL: what the ORM's query building costs.

Each database runs in a child process of its own (settings are read at import). Within a
run the engines take turns instance by instance, so that all see the same machine
load. Results are medians of `--runs` runs of M instances each: instances per second (wall
time) and CPU milliseconds per instance (this process, plus on PostgreSQL its server
backend). The results and the method are written up in benchmarks/RESULTS-engine.md."""

import argparse
import cProfile
import hashlib
import io
import os
import pstats
import statistics
import sys
import time
from collections import Counter, defaultdict
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from benchmarks import _setup, engine_floor, engine_floor_plpgsql, engine_floor_raw

REGION = "139999"
TARGETS = {5: 4.0, 40: 10.0}  # K -> least ratio ours / SpiffWorkflow
OPS = ("apply", "accept", "approve", "decide", "document")  # our steps
SPIFF_OPS = ("create", "intake", "review", "decide")  # SpiffWorkflow's


# ---- the cast ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """Primary keys only, so that every step loads what it needs."""

    k: int
    applicant: int
    clerk: int
    lead: int
    items: tuple[int, ...]
    reviewers: dict[int, int]  # department id -> reviewer id


def _uscc(n: int) -> str:
    from directory.validators import uscc_check_char

    first17 = f"91{REGION}MA{n:07d}"
    return first17 + uscc_check_char(first17)


def build_cast(k: int) -> Cast:
    """A service centre with a clerk and a lead, K departments with one reviewer and one
    item each (10 working days promised, 20 legal), and an applicant with an enterprise.
    Each call makes new departments, items and applicant; the centre's staff are shared."""
    from accounts.models import Role, User
    from catalog.models import ApprovalItem, ItemVersion
    from catalog.store import item_record, snapshot
    from directory.models import Department, Enterprise

    centre, _created = Department.objects.get_or_create(
        code="BENCH-CENTRE",
        defaults={"name": "行政审批局", "region_code": REGION, "is_service_centre": True},
    )

    def user(username, role, **extra):
        found = User.objects.filter(username=username).first()
        return found or User.objects.create_user(
            username=username, password="bench password 1", role=role, **extra
        )

    clerk = user("bench-clerk", Role.CLERK, display_name="窗口刘", department=centre)
    lead = user("bench-lead", Role.LEAD, display_name="牵头赵", department=centre)
    tag = Enterprise.objects.count() + 1
    enterprise = Enterprise.objects.create(
        uscc=_uscc(tag), name=f"基准机械制造有限公司{tag}", region_code=REGION
    )
    applicant = user(
        f"bench-applicant-{tag}", Role.APPLICANT, display_name="王丽", enterprise=enterprise
    )
    items, reviewers = [], {}
    for i in range(k):
        department = Department.objects.create(
            code=f"BENCH{tag}-{i:02d}", name=f"审批部门{tag}-{i:02d}", region_code=REGION
        )
        reviewers[department.pk] = user(
            f"bench-reviewer-{tag}-{i:02d}",
            Role.REVIEWER,
            display_name=f"审批员{i:02d}",
            department=department,
        ).pk
        item = ApprovalItem.objects.create(
            code=f"BENCH{tag}-{i:02d}",
            name=f"基准事项{tag}-{i:02d}",
            department=department,
            legal_limit=20,
            promised_limit=10,
        )
        ItemVersion.objects.create(item=item, version=1, data=snapshot(item_record(item)))
        items.append(item.pk)
    return Cast(k, applicant.pk, clerk.pk, lead.pk, tuple(items), reviewers)


def _user(pk: int):
    """The acting user, loaded as the authentication middleware would."""
    from accounts.models import User

    return User.objects.get(pk=pk)


# ---- ours --------------------------------------------------------------------------------


def record_document(case_id: int, lead_id: int, number: str) -> None:
    """The engine's part of issuing the one document (no PDF in this benchmark)."""
    from django.db import transaction

    from cases import engine

    with transaction.atomic():
        lead = _user(lead_id)
        case = engine.lock_case(case_id)
        engine.record_document_issued(
            case,
            lead,
            document_number=number,
            sha256=hashlib.sha256(number.encode()).hexdigest(),
        )


def walk_case(cast: Cast, n: int, observe=None, *, until: str = "document") -> int:
    """Walk one case from application to its document record; returns its id. `observe(op)`
    wraps each step (timing, counting queries); `until` stops after "apply", "accept" or
    "decide"."""
    from cases import engine, intake, review
    from cases.models import ReviewTask

    observe = observe or (lambda op: nullcontext())
    with observe("apply"):
        case_id = engine.apply(_user(cast.applicant), title=f"基准项目 {n}", items=cast.items).pk
    if until == "apply":
        return case_id
    with observe("accept"):
        intake.accept(case_id, _user(cast.clerk))
    if until == "accept":
        return case_id
    # What each reviewer's worklist shows: the task and its department.
    tasks = ReviewTask.objects.filter(case_id=case_id).order_by("pk")
    for task_id, department_id in tasks.values_list("pk", "department_id"):
        with observe("approve"):
            review.approve_task(task_id, _user(cast.reviewers[department_id]), opinion="同意。")
    with observe("decide"):
        engine.decide(case_id, _user(cast.lead), "准予许可。")
    if until == "decide":
        return case_id
    with observe("document"):
        record_document(case_id, cast.lead, f"示审批〔2026〕{case_id}号")
    return case_id


def case_outcome(case_id: int) -> tuple[str, int]:
    """(case state, number of approved tasks)."""
    from cases.models import Case, TaskState

    case = Case.objects.get(pk=case_id)
    return case.state, case.tasks.filter(state=TaskState.APPROVED).count()


# ---- SpiffWorkflow -----------------------------------------------------------------------

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def bpmn_xml(k: int) -> str:
    """start -> intake -> split -> review_0..review_{k-1} -> join -> decide -> end."""
    elements = [
        '<bpmn:startEvent id="start"/>',
        '<bpmn:userTask id="intake" name="受理"/>',
        '<bpmn:parallelGateway id="split"/>',
        '<bpmn:parallelGateway id="join"/>',
        '<bpmn:userTask id="decide" name="决定"/>',
        '<bpmn:endEvent id="end"/>',
    ]
    flows = [("start", "intake"), ("intake", "split"), ("join", "decide"), ("decide", "end")]
    for i in range(k):
        elements.append(f'<bpmn:userTask id="review_{i}" name="审查 {i}"/>')
        flows += [("split", f"review_{i}"), (f"review_{i}", "join")]
    elements += [
        f'<bpmn:sequenceFlow id="flow_{n}" sourceRef="{a}" targetRef="{b}"/>'
        for n, (a, b) in enumerate(flows)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<bpmn:definitions xmlns:bpmn="{BPMN_NS}" id="defs" targetNamespace="urn:lianban:bench">'
        f'<bpmn:process id="case" isExecutable="true">{"".join(elements)}</bpmn:process>'
        "</bpmn:definitions>"
    )


def ensure_spiff_table() -> None:
    from django.db import connection

    key = "bigserial PRIMARY KEY" if connection.vendor == "postgresql" else "integer PRIMARY KEY"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS bench_spiff (id {key}, state text NOT NULL)")


class SpiffProcess:
    """The BPMN for K reviews, parsed once; instances are walked with reload-per-step."""

    def __init__(self, k: int):
        from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
        from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer

        parser = BpmnParser()
        parser.add_bpmn_str(bpmn_xml(k).encode(), filename=f"case_{k}.bpmn")
        self.k = k
        self.spec = parser.get_spec("case")
        self.serializer = BpmnWorkflowSerializer()

    def create(self, applicant_id: int, title: str) -> int:
        from django.db import connection, transaction
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

        with transaction.atomic():
            applicant = _user(applicant_id)
            workflow = BpmnWorkflow(self.spec)
            workflow.data.update(title=title, applicant=applicant.pk)
            workflow.do_engine_steps()
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO bench_spiff (state) VALUES (%s) RETURNING id",
                    [self.serializer.serialize_json(workflow)],
                )
                return cursor.fetchone()[0]

    def complete(self, row_id: int, spec_name: str, actor_id: int, data: dict) -> None:
        """One web request: load, complete the named ready user task, run the engine, save."""
        from django.db import connection, transaction
        from SpiffWorkflow.util.task import TaskState

        lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
        with transaction.atomic():
            actor = _user(actor_id)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT state FROM bench_spiff WHERE id = %s{lock}", [row_id])
                workflow = self.serializer.deserialize_json(cursor.fetchone()[0])
                task = workflow.get_next_task(
                    state=TaskState.READY, manual=True, spec_name=spec_name
                )
                if task is None:
                    raise RuntimeError(f"no ready task {spec_name} in instance {row_id}")
                task.data.update(data, actor=actor.pk)
                task.run()
                workflow.do_engine_steps()
                cursor.execute(
                    "UPDATE bench_spiff SET state = %s WHERE id = %s",
                    [self.serializer.serialize_json(workflow), row_id],
                )

    def walk(self, cast: Cast, n: int, observe=None) -> int:
        observe = observe or (lambda op: nullcontext())
        with observe("create"):
            row_id = self.create(cast.applicant, f"基准项目 {n}")
        with observe("intake"):
            self.complete(row_id, "intake", cast.clerk, {"accepted": True})
        for i, reviewer in enumerate(cast.reviewers.values()):
            with observe("review"):
                self.complete(row_id, f"review_{i}", reviewer, {f"opinion_{i}": "同意。"})
        with observe("decide"):
            self.complete(row_id, "decide", cast.lead, {"decision": "approved"})
        return row_id

    def is_completed(self, row_id: int) -> bool:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT state FROM bench_spiff WHERE id = %s", [row_id])
            return self.serializer.deserialize_json(cursor.fetchone()[0]).is_completed()


# ---- measuring ---------------------------------------------------------------------------


class QueryCounter:
    """observe() that counts the SQL queries of each step, by operation, and keeps them."""

    def __init__(self):
        self.by_op: dict[str, list[int]] = defaultdict(list)
        self.sql: list[tuple[str, str]] = []  # (operation, statement)

    @contextmanager
    def __call__(self, op: str):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            yield
        self.by_op[op].append(len(captured.captured_queries))
        self.sql += [(op, q["sql"]) for q in captured.captured_queries]

    def summary(self) -> dict:
        """Per operation: queries per call (the set of distinct counts) and in total."""
        return {
            op: {"per_call": sorted(set(counts)), "calls": len(counts), "total": sum(counts)}
            for op, counts in self.by_op.items()
        }


class Timer:
    """observe() that times each step, by operation (the overhead is a few microseconds);
    given a Clock, it keeps the CPU time of each step too."""

    def __init__(self, clock=None):
        self.clock = clock
        self.by_op: dict[str, list[float]] = defaultdict(list)
        self.cpu_by_op: dict[str, list[float]] = defaultdict(list)

    @contextmanager
    def __call__(self, op: str):
        if self.clock is None:
            start = time.perf_counter()
            yield
            self.by_op[op].append(time.perf_counter() - start)
            return
        wall, cpu = self.clock.read()
        yield
        wall_end, cpu_end = self.clock.read()
        self.by_op[op].append(wall_end - wall)
        self.cpu_by_op[op].append(cpu_end - cpu)

    def medians_ms(self) -> dict[str, float]:
        return {op: 1000 * statistics.median(t) for op, t in self.by_op.items()}

    def cpu_medians_ms(self) -> dict[str, float]:
        return {op: 1000 * statistics.median(t) for op, t in self.cpu_by_op.items()}


def instances_per_default(k: int) -> int:
    return max(3, 100 // k)


class Clock:
    """Wall time, and CPU time of this process plus, on PostgreSQL, of its server backend
    (read from /proc: the server runs on this machine). CPU time is what an engine costs
    whatever else the machine is doing; wall time is what a user waits."""

    def __init__(self):
        from django.db import connection

        self.backend = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backend = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        self.tick = os.sysconf("SC_CLK_TCK")

    def read(self) -> tuple[float, float]:
        cpu = time.process_time()
        if self.backend is not None:
            utime, stime = self.backend.read_text().split()[13:15]
            cpu += (int(utime) + int(stime)) / self.tick
        return time.perf_counter(), cpu


def bench_k(k: int, runs: int, m: int) -> dict:
    from django.db import connection

    cast = build_cast(k)
    spiff = SpiffProcess(k)
    centre, items = engine_floor.setup(cast)

    floors = {"floor": engine_floor, "raw": engine_floor_raw}
    if connection.vendor == "postgresql":
        engine_floor_plpgsql.install()
        floors["plpgsql"] = engine_floor_plpgsql

    def walker(module):
        return lambda n, observe=None: module.walk(cast, n, centre, items, observe)

    walks = {name: walker(module) for name, module in floors.items()}
    serial = iter(range(10**9))
    ids = {name: [] for name in ("ours", "spiff", *floors)}
    timers = {name: Timer() for name in ids}
    walk_case(cast, next(serial))  # warm caches (calendar, translations) outside the timing
    spiff.walk(cast, next(serial))
    for walk in walks.values():
        walk(next(serial))
    clock = Clock()
    engines = {
        "ours": lambda: ids["ours"].append(walk_case(cast, next(serial), timers["ours"])),
        "spiff": lambda: ids["spiff"].append(spiff.walk(cast, next(serial), timers["spiff"])),
    }
    for name, walk in walks.items():
        engines[name] = lambda name=name, walk=walk: ids[name].append(
            walk(next(serial), timers[name])
        )
    rates = {name: [] for name in engines}
    cpu_ms = {name: [] for name in engines}
    for _r in range(runs):
        wall, cpu = dict.fromkeys(engines, 0.0), dict.fromkeys(engines, 0.0)
        for i in range(m):
            # Instance by instance, first one then the other, in turns: whatever else the
            # machine is doing weighs on both alike.
            for name in engines if i % 2 == 0 else reversed(engines):
                w0, c0 = clock.read()
                engines[name]()
                w1, c1 = clock.read()
                wall[name] += w1 - w0
                cpu[name] += c1 - c0
        for name in engines:
            rates[name].append(m / wall[name])
            cpu_ms[name].append(1000 * cpu[name] / m)
    for name in ("ours", *floors):
        outcomes = Counter(case_outcome(pk) for pk in ids[name])
        if outcomes != Counter({("closed", k): len(ids[name])}):
            raise RuntimeError(f"{name}: cases did not all close with {k} approvals: {outcomes}")
    if not all(spiff.is_completed(pk) for pk in ids["spiff"]):
        raise RuntimeError("a SpiffWorkflow instance did not complete")
    counters = {name: QueryCounter() for name in ids}
    walk_case(cast, next(serial), counters["ours"])
    spiff.walk(cast, next(serial), counters["spiff"])
    for name, walk in walks.items():
        walk(next(serial), counters[name])
    ours_q, spiff_q = counters["ours"], counters["spiff"]
    ours_t, spiff_t = timers["ours"], timers["spiff"]
    med = {name: statistics.median(rates[name]) for name in engines}
    med_cpu = {name: statistics.median(cpu_ms[name]) for name in engines}
    return {
        "k": k,
        "runs": runs,
        "instances_per_run": m,
        "ours": med["ours"],
        "ours_runs": rates["ours"],
        "spiff": med["spiff"],
        "spiff_runs": rates["spiff"],
        "ratio": med["ours"] / med["spiff"],
        "ours_cpu_ms": med_cpu["ours"],
        "spiff_cpu_ms": med_cpu["spiff"],
        "cpu_ratio": med_cpu["spiff"] / med_cpu["ours"],
        "ours_ms_by_op": ours_t.medians_ms(),
        "spiff_ms_by_op": spiff_t.medians_ms(),
        "ours_queries": ours_q.summary(),
        "ours_queries_total": sum(sum(c) for c in ours_q.by_op.values()),
        "spiff_queries_total": sum(sum(c) for c in spiff_q.by_op.values()),
    } | {
        f"{name}{suffix}": value
        for name in floors
        for suffix, value in (
            ("", med[name]),
            ("_runs", rates[name]),
            ("_cpu_ms", med_cpu[name]),
            ("_ms_by_op", timers[name].medians_ms()),
            ("_queries", counters[name].summary()),
            ("_queries_total", sum(sum(c) for c in counters[name].by_op.values())),
        )
    }


def profile_ours(k: int, m: int) -> str:
    cast = build_cast(k)
    walk_case(cast, 0)
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(m):
        walk_case(cast, n + 1)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"src/|django/db/models/(query|sql/compiler)", 45)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


def child(args) -> None:
    db = _setup.child_db()
    load_before = _setup.machine()["load_average"]
    _setup.configure(db)
    try:
        with _setup.freeze_time():
            ensure_spiff_table()
            result = {"db": db, "db_version": _setup.database_version(), "k": []}
            for k in args.k:
                m = args.instances or instances_per_default(k)
                print(f"[{db}] K={k}: {args.runs} runs of {m} instances each", file=sys.stderr)
                result["k"].append(bench_k(k, args.runs, m))
            if args.profile:
                result["profile"] = profile_ours(args.profile, args.instances or 5)
        result["machine"] = _setup.machine() | {"load_before": load_before}
    finally:
        _setup.drop(db)
    _setup.write_result(result)


# ---- the report --------------------------------------------------------------------------


def _fit(points: list[tuple[int, int]]) -> str:
    """Queries per instance as a + b·K (least squares over the K measured)."""
    if len(points) < 2:
        return ""
    ks, qs = zip(*points, strict=True)
    mk, mq = statistics.mean(ks), statistics.mean(qs)
    b = sum((x - mk) * (y - mq) for x, y in points) / sum((x - mk) ** 2 for x in ks)
    return f"{mq - b * mk:.1f} + {b:.2f}·K"


def load_text(triple) -> str:
    return "/".join(f"{x:.1f}" for x in triple)


FLOOR_TITLES = {
    "floor": "The floor (the least an engine of this shape does with the ORM; engine_floor.py)",
    "raw": "The raw floor (the floor's statements, written as SQL; engine_floor_raw.py)",
    "plpgsql": "The database-function floor (each step one call of a PL/pgSQL function;"
    " engine_floor_plpgsql.py)",
}


def _floor_table(rows: list[dict], name: str) -> list[str]:
    """A floor (engine_floor.py, engine_floor_raw.py) beside SpiffWorkflow and ours, from
    the same runs."""
    lines = [
        "",
        f"{FLOOR_TITLES[name]}, in the same runs:",
        "",
        f"| K | {name} inst/s | {name} / Spiff | ours / {name} | {name} CPU ms/inst "
        f"| queries/inst {name} | {name} per step (apply, accept, approve, decide, document) |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ms, q = row[f"{name}_ms_by_op"], row[f"{name}_queries"]
        steps = ", ".join(
            f"{ms[op]:.1f} ms/{'/'.join(map(str, q[op]['per_call']))} q" for op in OPS
        )
        lines.append(
            f"| {row['k']} | {row[name]:.1f} | {row[name] / row['spiff']:.2f}× "
            f"| {row['ours'] / row[name]:.2f}× | {row[f'{name}_cpu_ms']:.0f} "
            f"| {row[f'{name}_queries_total']} | {steps} |"
        )
    fit = _fit([(row["k"], row[f"{name}_queries_total"]) for row in rows])
    if fit:
        lines += ["", f"Queries per instance ≈ {fit} ({name})."]
    return lines


def report(results: dict[str, dict]) -> str:
    lines = []
    for res in results.values():
        lines += [
            f"### {res['db_version']}",
            "",
            "| K | ours inst/s | Spiff inst/s | ratio (wall) | ours CPU ms/inst "
            "| Spiff CPU ms/inst | ratio (CPU) | target | queries/inst ours | Spiff |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in res["k"]:
            k = row["k"]
            target = TARGETS.get(k)
            met = target and min(row["ratio"], row["cpu_ratio"]) >= target
            verdict = "—" if target is None else f"≥{target:g}× {'met' if met else 'MISSED'}"
            lines.append(
                f"| {k} | {row['ours']:.1f} | {row['spiff']:.2f} | {row['ratio']:.2f}× "
                f"| {row['ours_cpu_ms']:.0f} | {row['spiff_cpu_ms']:.0f} "
                f"| {row['cpu_ratio']:.2f}× | {verdict} "
                f"| {row['ours_queries_total']} | {row['spiff_queries_total']} |"
            )
        lines += [
            "",
            "Per step, median ms and SQL queries (ours); median ms (SpiffWorkflow):",
            "",
            "| K | "
            + " | ".join(OPS)
            + " | "
            + " | ".join(f"Spiff {op}" for op in SPIFF_OPS)
            + " |",
            "|---" * (len(OPS) + len(SPIFF_OPS) + 1) + "|",
        ]
        for row in res["k"]:
            q, ms, sms = row["ours_queries"], row["ours_ms_by_op"], row["spiff_ms_by_op"]
            lines.append(
                f"| {row['k']} | "
                + " | ".join(
                    f"{ms[op]:.1f} ms, {'/'.join(map(str, q[op]['per_call']))} q" for op in OPS
                )
                + " | "
                + " | ".join(f"{sms[op]:.1f} ms" for op in SPIFF_OPS)
                + " |"
            )
        fit = _fit([(row["k"], row["ours_queries_total"]) for row in res["k"]])
        if fit:
            lines += ["", f"Queries per instance ≈ {fit}."]
        for name in FLOOR_TITLES:
            if all(name in row for row in res["k"]):
                lines += _floor_table(res["k"], name)
        lines += [
            "",
            "Runs (instances/s): "
            + "; ".join(
                f"K={row['k']}: ours {', '.join(f'{x:.1f}' for x in row['ours_runs'])} / "
                f"Spiff {', '.join(f'{x:.2f}' for x in row['spiff_runs'])}"
                for row in res["k"]
            ),
            "",
        ]
    first = next(iter(results.values()))
    mach = first["machine"]
    lines.append(
        f"Machine: {mach['cpus']} × {mach['cpu']}, {mach['ram_gib']} GiB RAM; Python "
        f"{mach['python']}, Django {mach['django']}, SpiffWorkflow {mach['spiffworkflow']}; "
        f"load average (1, 5, 15 min) before {load_text(mach['load_before'])}, "
        f"after {load_text(mach['load_average'])}. Code: {mach['code']}."
    )
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--k", action="append", type=int)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--instances", type=int, help="instances per run (default max(3, 100 // K))"
    )
    parser.add_argument("--profile", type=int, metavar="K", help="cProfile our engine at K")
    args = parser.parse_args(argv)
    args.k = args.k or [5, 20, 40]
    if _setup.child_db():
        child(args)
        return
    passed = list(argv if argv is not None else sys.argv[1:])
    results = _setup.run_children("benchmarks.engine_bench", args.db or ["sqlite"], passed)
    print(report(results))
    for db, res in results.items():
        if "profile" in res:
            print(f"\n---- profile of our engine, {db}, K={args.profile} ----\n{res['profile']}")


if __name__ == "__main__":
    main()
