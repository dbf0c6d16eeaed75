"""Growth (issue 7, #5), the engine's side: the cost of each engine operation, and its SQL
queries, with 10k and 100k (and optionally 1M) cases already in the database.

    uv run python -m benchmarks.growth_bench --db sqlite --db postgres
        [--sizes 10000 100000 [1000000]] [--samples 20] [--templates 200]

The background is made fast but honestly: the engine itself walks a few hundred template
cases over twenty working days of early 2026 (a mix of states: 80 % closed, the rest
submitted, in review with some items approved, or decided), then their rows are copied
with new ids and numbers. Every copied case keeps every invariant the engine keeps: a
unique number from its day's sequence (the sequences are moved on), its own tasks and
notifications, and a hash chain of events recomputed for the new ids
(cases.events.compute_hash); a sample of the copies is verified with verify_case.

At each size, once the database has settled after the load (settle()), `--samples` new
cases (K = 5, the same applicant, clerk, reviewers and lead as every background case: the
users with the most rows) are walked on 2026-03-02, every step timed (wall and CPU), and
one more walk counts the queries of each operation and EXPLAINs them, looking for a full
scan of a big table."""

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict

from benchmarks import _setup
from benchmarks.engine_bench import (
    OPS,
    Clock,
    QueryCounter,
    Timer,
    build_cast,
    load_text,
    walk_case,
)

K = 5
TEMPLATE_DAYS = 20
CHUNK = 2000  # cases copied per transaction


# ---- the background ----------------------------------------------------------------------


def _template_days():
    import datetime as dt

    from workdays.service import current_calendar

    start = dt.date(2026, 1, 4)
    return [current_calendar().add_working_days(start, i + 1) for i in range(TEMPLATE_DAYS)]


def make_templates(cast, count: int) -> list[int]:
    """Walk `count` cases through the engine over twenty working days, in a mix of states."""
    from cases import review
    from cases.models import ReviewTask

    ids = []
    days = _template_days()
    per_day = -(-count // len(days))
    for d, day in enumerate(days):
        with _setup.freeze_time(day.year, day.month, day.day, 10):
            for t in range(d * per_day, min(count, (d + 1) * per_day)):
                kind = t % 20
                if kind == 0:
                    ids.append(walk_case(cast, t, until="apply"))
                elif kind in (1, 2):
                    case_id = walk_case(cast, t, until="accept")
                    tasks = ReviewTask.objects.filter(case_id=case_id).order_by("pk")
                    for task_id, dept in tasks.values_list("pk", "department_id")[: t % K]:
                        review.approve_task(task_id, _reviewer(cast, dept), opinion="同意。")
                    ids.append(case_id)
                elif kind == 3:
                    ids.append(walk_case(cast, t, until="decide"))
                else:
                    ids.append(walk_case(cast, t))
    return ids


def _reviewer(cast, department_id):
    from accounts.models import User

    return User.objects.get(pk=cast.reviewers[department_id])


class Copier:
    """Copies the template cases' rows under new ids, keeping the engine's invariants.

    Rows go in with executemany and values prepared once per template row by the model's
    own fields (get_db_prep_save), so that 100k cases load in a minute or two; only the ids,
    numbers, keys, messages and the event chain change from copy to copy."""

    def __init__(self, template_ids: list[int], *, read: bool = False):
        """`read`: the copies' notifications were read when they were made, as an old
        case's would have been (the templates' are unread)."""
        from django.utils import timezone

        from cases.models import Case, CaseEvent, Notification, ReviewTask

        through = ReviewTask.prerequisites.through
        if through.objects.filter(from_reviewtask__case_id__in=template_ids).exists():
            raise RuntimeError("templates with prerequisites are not copied here")
        self.tables = {m: _Table(m) for m in (Case, ReviewTask, CaseEvent, Notification)}
        rows = {m: defaultdict(list) for m in (ReviewTask, CaseEvent, Notification)}
        for model, order in ((ReviewTask, "pk"), (CaseEvent, "seq"), (Notification, "pk")):
            for row in model.objects.filter(case_id__in=template_ids).order_by(order).values():
                rows[model][row["case_id"]].append(row)
        self.templates = []
        for case in Case.objects.filter(pk__in=template_ids).order_by("pk").values():
            pk = case["id"]
            self.templates.append(
                (
                    case,
                    rows[ReviewTask][pk],
                    rows[CaseEvent][pk],
                    rows[Notification][pk],
                    timezone.localdate(case["submitted_at"]),
                    {m: [self.tables[m].prepare(r) for r in rs[pk]] for m, rs in rows.items()}
                    | {Case: self.tables[Case].prepare(case)},
                )
            )
        if read:
            for template in self.templates:
                for prep in template[5][Notification]:
                    prep["read_at"] = prep["created_at"]
        self.copied = 0

    def grow(self, count: int) -> None:
        for start in range(0, count, CHUNK):
            self._chunk(min(CHUNK, count - start))

    def _chunk(self, count: int) -> None:
        import hashlib
        from types import SimpleNamespace

        from django.db import connection, transaction

        from cases.events import GENESIS, compute_hash
        from cases.models import Case, CaseEvent, Notification, NumberSequence, ReviewTask

        payload_field = CaseEvent._meta.get_field("payload")
        with transaction.atomic():
            case_id, task_id, event_id, note_id = (
                self.tables[m].next_id() for m in (Case, ReviewTask, CaseEvent, Notification)
            )
            sequences = {
                s.day: s
                for s in NumberSequence.objects.select_for_update().filter(
                    day__in={t[4] for t in self.templates}
                )
            }
            out = {m: [] for m in self.tables}
            for j in range(count):
                case, t_rows, e_rows, n_rows, day, prepared = self.templates[
                    (self.copied + j) % len(self.templates)
                ]
                seq = sequences[day]
                seq.last += 1
                number = f"{case['region_code']}-{day:%Y%m%d}-{seq.last:04d}"
                task_ids = {}
                for row, prep in zip(t_rows, prepared[ReviewTask], strict=True):
                    task_ids[row["id"]] = task_id
                    out[ReviewTask].append({**prep, "id": task_id, "case_id": case_id})
                    task_id += 1
                prev = GENESIS
                for row, prep in zip(e_rows, prepared[CaseEvent], strict=True):
                    event = SimpleNamespace(
                        **{
                            **row,
                            "case_id": case_id,
                            "task_id": task_ids.get(row["task_id"]),
                            "prev_hash": prev,
                        }
                    )
                    changed = {}
                    if row["kind"] == "document_issued":
                        doc = f"示审批〔2026〕{case_id}号"
                        event.payload = {
                            **row["payload"],
                            "document": doc,
                            "sha256": hashlib.sha256(doc.encode()).hexdigest(),
                        }
                        changed["payload"] = payload_field.get_db_prep_save(
                            event.payload, connection
                        )
                    prev = compute_hash(event)
                    out[CaseEvent].append(
                        {
                            **prep,
                            **changed,
                            "id": event_id,
                            "case_id": case_id,
                            "task_id": event.task_id,
                            "prev_hash": event.prev_hash,
                            "hash": prev,
                        }
                    )
                    event_id += 1
                for row, prep in zip(n_rows, prepared[Notification], strict=True):
                    key = row["key"].replace(f"case:{case['id']}:", f"case:{case_id}:")
                    if key.startswith("task:"):
                        _task, old, rest = key.split(":", 2)
                        key = f"task:{task_ids[int(old)]}:{rest}"
                    message = row["message"].replace(case["number"], number)
                    out[Notification].append(
                        {**prep, "id": note_id, "case_id": case_id, "key": key, "message": message}
                    )
                    note_id += 1
                out[Case].append(
                    {
                        **prepared[Case],
                        "id": case_id,
                        "number": number,
                        "query_code": f"{random.randrange(10**8):08d}",
                        "last_hash": prev if e_rows else "",
                    }
                )
                case_id += 1
            for model in (Case, ReviewTask, CaseEvent, Notification):
                self.tables[model].insert(out[model])
            NumberSequence.objects.bulk_update(sequences.values(), ["last"])
            if connection.vendor == "postgresql":
                from django.core.management.color import no_style

                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), list(self.tables)):
                        cursor.execute(sql)
        self.copied += count


class _Table:
    """One model's table, written with executemany."""

    def __init__(self, model):
        from django.db import connection

        self.model = model
        self.fields = model._meta.concrete_fields
        quote = connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in self.fields),
            ", ".join(["%s"] * len(self.fields)),
        )

    def prepare(self, row: dict) -> dict:
        from django.db import connection

        return {f.attname: f.get_db_prep_save(row[f.attname], connection) for f in self.fields}

    def next_id(self) -> int:
        from django.db.models import Max

        return (self.model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def insert(self, rows: list[dict]) -> None:
        from django.db import connection

        names = [f.attname for f in self.fields]
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.executemany(self.sql, [[row[n] for n in names] for row in rows])
                return
            # COPY: ten times faster than executemany on PostgreSQL.
            columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
            table = connection.ops.quote_name(self.model._meta.db_table)
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[n] for n in names])


def verify_sample(n: int) -> int:
    """Verify the chains of n random cases; raises on the first broken one."""
    from cases.events import verify_case
    from cases.models import Case

    ids = list(Case.objects.values_list("pk", flat=True))
    for pk in random.sample(ids, min(n, len(ids))):
        problem = verify_case(Case.objects.get(pk=pk))
        if problem:
            raise RuntimeError(f"broken chain: {problem}")
    return min(n, len(ids))


def settle() -> None:
    """After a bulk load, what the database would have done on its own before the next
    working day: on PostgreSQL, vacuum and analyze (autovacuum) and a checkpoint; on SQLite,
    fold the write-ahead log into the file. Without it the operations pay for the load: in a
    run without it, every operation on PostgreSQL took twice as long at 100k cases as at
    10k, with the same queries and plans."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# ---- measuring ---------------------------------------------------------------------------


BIG_TABLES = ("cases_case", "cases_reviewtask", "cases_caseevent", "cases_notification")


def full_scans(statements) -> list[str]:
    """The statements whose plan reads a whole big table (no index), as "op: plan line"."""
    from django.db import connection

    found = []
    for op, sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "UPDATE")):
            continue
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"EXPLAIN {sql}")
                plan = [row[0] for row in cursor.fetchall()]
                bad = [
                    p
                    for p in plan
                    if "Seq Scan on " in p and p.split("Seq Scan on ")[1].split()[0] in BIG_TABLES
                ]
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                plan = [row[-1] for row in cursor.fetchall()]
                bad = [
                    p
                    for p in plan
                    if p.startswith("SCAN ") and "INDEX" not in p and p.split()[1] in BIG_TABLES
                ]
        found += [f"{op}: {p.strip()} ← {sql[:160]}" for p in bad]
    return found


def measure(cast, samples: int) -> dict:
    from cases.models import Case, CaseEvent, Notification

    timer, counter = Timer(Clock()), QueryCounter()
    with _setup.freeze_time():
        walk_case(cast, 10**6)  # warm
        for n in range(samples):
            walk_case(cast, 10**6 + n + 1, timer)
        walk_case(cast, 2 * 10**6, counter)
    q = counter.summary()
    return {
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "ms": timer.medians_ms(),
        "cpu_ms": timer.cpu_medians_ms(),
        "p90_ms": {
            op: 1000 * statistics.quantiles(ts, n=10)[-1] if len(ts) > 1 else 1000 * ts[0]
            for op, ts in timer.by_op.items()
        },
        "queries": {op: q[op]["per_call"] for op in q},
        "full_scans": full_scans(counter.sql),
    }


def child(args) -> None:
    db = _setup.child_db()
    load_before = _setup.machine()["load_average"]
    _setup.configure(db)
    result = {"db": db, "sizes": []}
    try:
        result["db_version"] = _setup.database_version()
        started = time.perf_counter()
        with _setup.freeze_time(2026, 1, 5):
            cast = build_cast(K)
        templates = make_templates(cast, args.templates)
        print(f"[{db}] {len(templates)} template cases", file=sys.stderr)
        copier = Copier(templates)
        from cases.models import Case

        sizes = [len(templates), *args.sizes]
        for size in sizes:
            have = Case.objects.count()
            load_started = time.perf_counter()
            if size > have:
                copier.grow(size - have)
            settle()
            loaded = time.perf_counter() - load_started
            verified = verify_sample(50)
            row = measure(cast, args.samples)
            row.update(size=size, load_seconds=loaded, verified=verified)
            result["sizes"].append(row)
            print(
                f"[{db}] {row['cases']} cases (loaded in {loaded:.0f} s): "
                + ", ".join(f"{op} {row['ms'][op]:.1f} ms" for op in OPS),
                file=sys.stderr,
            )
        result["seconds"] = time.perf_counter() - started
        result["machine"] = _setup.machine() | {"load_before": load_before}
    finally:
        _setup.drop(db)
    _setup.write_result(result)


def report(results: dict[str, dict]) -> str:
    lines = []
    for res in results.values():
        lines += [
            f"### {res['db_version']} (K = {K}; ran {res['seconds']:.0f} s)",
            "",
            "| cases in DB | events | notifications | "
            + " | ".join(f"{op} ms (p90) [CPU]" for op in OPS)
            + " | queries "
            + "/".join(OPS)
            + " |",
            "|---" * (len(OPS) + 4) + "|",
        ]
        for row in res["sizes"]:
            lines.append(
                f"| {row['cases']:,} | {row['events']:,} | {row['notifications']:,} | "
                + " | ".join(
                    f"{row['ms'][op]:.1f} ({row['p90_ms'][op]:.1f}) [{row['cpu_ms'][op]:.1f}]"
                    for op in OPS
                )
                + " | "
                + " / ".join(",".join(map(str, row["queries"][op])) for op in OPS)
                + " |"
            )
        scans = sorted({scan for row in res["sizes"][1:] for scan in row["full_scans"]})
        lines += [
            "",
            "Plans that read a whole big table, at every size after the first: "
            + ("none." if not scans else "\n" + "\n".join(f"- `{scan}`" for scan in scans)),
        ]
        lines += [
            "",
            "Background loaded in: "
            + ", ".join(f"{r['load_seconds']:.0f} s" for r in res["sizes"])
            + f"; event chains verified on {res['sizes'][-1]['verified']} random cases "
            f"at each size. Code: {res['machine']['code']}; load average before "
            f"{load_text(res['machine']['load_before'])}, after "
            f"{load_text(res['machine']['load_average'])}.",
            "",
        ]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--templates", type=int, default=200)
    args = parser.parse_args(argv)
    if _setup.child_db():
        child(args)
        return
    passed = list(argv if argv is not None else sys.argv[1:])
    results = _setup.run_children("benchmarks.growth_bench", args.db or ["sqlite"], passed)
    print(report(results))


if __name__ == "__main__":
    main()
