"""Crash durability: the server and the database are killed under load, and nothing is lost.

    uv run python scripts/chaos.py            # `make chaos`: 3 minutes, 8 clients, 8+3 faults
    uv run python scripts/chaos.py --short    # CI: about a minute, 2 server kills, 1 database kill

What it does, with nothing shared with other runs (another suite may be using PostgreSQL):

1. starts a throwaway PostgreSQL of its own (initdb in a temporary directory, its own port on
   127.0.0.1; as root, run as the `postgres` user) and migrates a fresh database in it;
   the installation's cluster is never touched, so killing this one disturbs nobody;
2. builds a small catalog (two items of two departments, led by the service centre), one
   applicant per client, the window clerk, the lead and a reviewer per department, with API
   tokens; files go to a temporary LIANBAN_VAR_DIR;
3. serves it with gunicorn (2 workers) on a free port of 127.0.0.1;
4. client threads walk cases through the API — apply (multipart, two PDF papers), accept,
   approve each item, decide — each request with its own Idempotency-Key; a request that gets
   no answer or a 5xx is sent again, identical, with the same key, until it is answered; one
   in ten is sent once more after its answer and must come back from its record, unchanged;
   a few applications carry a bad file on purpose and must be refused without a trace;
5. meanwhile SIGKILLs gunicorn (master and workers, mid-request) and restarts it, and stops
   PostgreSQL with `-m immediate` (a crash: no checkpoint, recovery on start) and restarts it;
6. afterwards checks that every request answered 2xx is in the database exactly once, that
   no refused request left anything, that every paper matches its recorded SHA-256, that the
   event chains verify (`lianban audit verify`), and reports files no row names (left by a
   process killed between writing a paper and committing its row) before removing them with
   `lianban audit files --delete`.

It prints a summary and exits 1 if anything was lost, duplicated or left behind by a refused
request, or if a request never got an answer. PostgreSQL is stopped and removed at the end,
whatever happened (--keep leaves the working directory for a post-mortem).
"""
# ruff: noqa: S603 - this script exists to start and kill processes

import argparse
import datetime as dt
import glob
import hashlib
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "lianban_chaos"


@dataclass
class Plan:
    seconds: float  # of load, faults included
    clients: int
    server_kills: int
    database_kills: int
    settle_seconds: float = 60  # after the load, for requests still being retried


FULL = Plan(seconds=180, clients=8, server_kills=8, database_kills=3)
SHORT = Plan(seconds=25, clients=4, server_kills=2, database_kills=1)


def say(text: str) -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- the throwaway PostgreSQL ----------------------------------------------------------


class Postgres:
    """A PostgreSQL of our own in a temporary directory. As root, initdb and the server run
    as the `postgres` user, as Debian's clusters do."""

    def __init__(self):
        self.bindir = self._bindir()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="lianban-chaos-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgresql.log"
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"
        self.version = self.bindir.parent.name

    @staticmethod
    def _bindir() -> Path:
        found = sorted(
            glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
        )
        if found:
            return Path(found[-1]).parent
        initdb = shutil.which("initdb")
        if initdb:
            return Path(initdb).parent
        sys.exit("chaos: PostgreSQL's initdb was not found (apt-get install postgresql)")

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        subprocess.run(
            [*self.as_owner, str(self.bindir / program), *args],
            check=check,
            capture_output=True,
            cwd=self.dir,
        )

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", *args, check=check)

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), *"-U postgres --auth=trust -E UTF8".split(),
                  "--no-locale", "--no-sync")  # fmt: skip
        self.start()
        psql = [str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port)]
        sql = f"CREATE DATABASE {DATABASE}"
        subprocess.run([*psql, "-U", "postgres", "-q", "-c", sql], check=True, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._pg_ctl("-l", str(self.log), "-o", options, "start")

    def crash(self) -> None:
        """Immediate shutdown: every backend killed at once, no checkpoint; the next start
        recovers from the write-ahead log, as after a power cut."""
        self._pg_ctl("-m", "immediate", "stop")

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("-m", "immediate", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


# ---- the server ------------------------------------------------------------------------


class Server:
    def __init__(self, env: dict, log: Path):
        self.env = env
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "lianban.wsgi:application", "--chdir", "src",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "30",
                 "--graceful-timeout", "5",
                 "--no-control-socket"],  # not the shared ~/.gunicorn socket of other servers
                cwd=ROOT, env=self.env, stdout=out, stderr=out,
                start_new_session=True,  # master and workers in a process group of their own
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log}"
                )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/api/cases/progress?number=0&code=0")
                status = conn.getresponse().status
                conn.close()
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once: requests die mid-flight."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.kills += 1

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# ---- the clients -----------------------------------------------------------------------


@dataclass
class Sent:
    """One request as the client saw it, however many times it had to be sent."""

    op: str
    user: str
    path: str
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    case_id: int | None = None
    task_id: int | None = None
    title: str = ""
    hashes: list[str] = field(default_factory=list)
    meant_to_fail: bool = False
    attempts: int = 0
    status: int | None = None
    replayed: bool = False
    outcome: str = "unsettled"  # ok (2xx), refused (4xx), unsettled (never answered)
    errors: list[str] = field(default_factory=list)
    repeat: str = ""  # sent once more after its answer: "replayed", or what came back instead


def paper(rng: random.Random) -> bytes:
    # Hex digits only: random bytes could spell "/JS", which the upload check refuses.
    body = rng.randbytes(rng.randrange(4_000, 20_000)).hex().encode()
    return b"%PDF-1.4\n% lianban chaos\n" + body + b"\n%%EOF\n"


def multipart(fields: dict[str, str], files: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, content in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{name}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Load:
    """The clients. Each walks its own cases from application to decision, one request at a
    time, and writes down every request it sent and how it ended."""

    def __init__(self, server: Server, data: dict, seed: str, *, ends: float, give_up: float):
        self.server = server
        self.data = data
        self.seed = seed
        self.ends = ends  # no new case after this
        self.give_up = give_up  # a request still unanswered then stays unsettled
        self.journal: list[Sent] = []
        self.lock = threading.Lock()
        self.rng = random.Random(seed)

    def run_client(self, n: int) -> None:
        rng = random.Random(f"{self.seed}-{n}")
        applicant = self.data["applicants"][n]
        flow = 0
        while time.monotonic() < self.ends:
            flow += 1
            title = f"混沌 {n}-{flow}"
            if rng.random() < 0.08:
                self.apply(applicant, title, rng, bad=True)
                continue
            case = self.apply(applicant, title, rng)
            if case is None:
                continue
            path = f"/api/cases/{case['id']}"
            case = self.post(Sent("accept", "clerk", f"{path}/accept", case_id=case["id"]), {})
            if case is None:
                continue
            for task in case["tasks"]:
                reviewer = self.data["reviewers"][task["department"]]["username"]
                approve = f"/api/cases/tasks/{task['id']}/approve"
                sent = Sent("approve", reviewer, approve, case_id=case["id"], task_id=task["id"])
                self.post(sent, {"opinion": "同意"})
            self.post(
                Sent("decide", "lead", f"{path}/decide", case_id=case["id"]), {"text": "准予"}
            )

    def apply(self, applicant: dict, title: str, rng: random.Random, *, bad: bool = False):
        files = {f"material_{m}": paper(rng) for m in self.data["materials"]}
        if bad:
            files[next(iter(files))] = b"not a PDF at all"
        fields = {"title": title, "project_type": str(self.data["project"])}
        sent = Sent("apply", applicant["username"], "/api/cases/", title=title, meant_to_fail=bad)
        sent.hashes = sorted(hashlib.sha256(c).hexdigest() for c in files.values())
        answer = self.send(sent, *multipart(fields, files))
        if answer is not None:
            sent.case_id = answer["id"]
        return answer

    def post(self, sent: Sent, payload: dict):
        return self.send(sent, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

    def send(self, sent: Sent, body: bytes, content_type: str) -> dict | None:
        """Send until answered; the 2xx answer, or None. Now and then, as a client whose
        answer was lost would, send an answered request once more: the same key must bring
        the same answer back from its record, and change nothing."""
        with self.lock:
            self.journal.append(sent)
            again = self.rng.random() < 0.1
        answer = self.until_answered(sent, body, content_type)
        if again and answer is not None:
            repeat = Sent(sent.op, sent.user, sent.path, key=sent.key)
            if self.until_answered(repeat, body, content_type) == answer and repeat.replayed:
                sent.repeat = "replayed"
            else:
                sent.repeat = f"{repeat.status} replayed={repeat.replayed} {repeat.errors[-1:]}"
        return answer

    def until_answered(self, sent: Sent, body: bytes, content_type: str) -> dict | None:
        """No answer or a 5xx means "send it again, identical, with the same key"."""
        headers = {
            "Authorization": f"Bearer {self.data['tokens'][sent.user]}",
            "Idempotency-Key": sent.key,
            "Content-Type": content_type,
        }
        delay = 0.1
        while True:
            sent.attempts += 1
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
                try:
                    conn.request("POST", sent.path, body=body, headers=headers)
                    response = conn.getresponse()
                    status, answer = response.status, response.read()
                    replayed = response.getheader("Idempotent-Replayed") == "true"
                finally:
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                reason = type(exc).__name__
            else:
                if status < 500:
                    sent.status, sent.replayed = status, replayed
                    if status < 300:
                        sent.outcome = "ok"
                        return json.loads(answer)
                    sent.outcome = "refused"
                    sent.errors.append(answer.decode(errors="replace")[:300])
                    return None
                reason = f"HTTP {status}"
            if len(sent.errors) < 5:
                sent.errors.append(reason)
            if time.monotonic() > self.give_up:
                return None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


# ---- faults ----------------------------------------------------------------------------


def fault_schedule(plan: Plan, rng: random.Random) -> list[tuple[float, str]]:
    """Faults spread over the middle of the load, server kills and database kills mixed."""
    kinds = ["server"] * plan.server_kills + ["database"] * plan.database_kills
    rng.shuffle(kinds)
    step = plan.seconds * 0.8 / max(len(kinds), 1)
    return [
        (plan.seconds * 0.1 + step * (i + rng.uniform(0.2, 0.8)), kind)
        for i, kind in enumerate(kinds)
    ]


def inject(schedule, began: float, server: Server, database: Postgres) -> list[tuple]:
    """Each fault as (seconds into the load, kind, seconds until serving again)."""
    done = []
    for at, kind in schedule:
        time.sleep(max(0.0, began + at - time.monotonic()))
        start = time.monotonic()
        if kind == "server":
            server.kill()
            server.start()
        else:
            database.crash()
            time.sleep(1.0)  # an outage the clients must ride out
            database.start()
        done.append((start - began, kind, time.monotonic() - start))
    return done


# ---- inside Django: setup and verification (run as subprocesses) -----------------------


def django_setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianban.settings")
    import django

    django.setup()


def setup_data(clients: int) -> dict:
    django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from accounts.models import ApiToken, Role, User
    from catalog.models import ApprovalItem, Material, ProjectType, Stage
    from directory.models import Department, Enterprise
    from directory.validators import uscc_check_char
    from lianban.demo import ensure_calendar

    ensure_calendar()
    centre = Department.objects.create(
        code="XZSP", name="行政审批局", region_code="139999", is_service_centre=True
    )
    land = Department.objects.create(code="ZRZY", name="自然资源局", region_code="139999")
    building = Department.objects.create(code="ZJJ", name="住房城乡建设局", region_code="139999")
    form = Material.objects.create(name="申请表")
    drawings = Material.objects.create(name="施工图设计文件")
    a = ApprovalItem.objects.create(
        code="CH-A", name="建设用地规划许可", department=land, legal_limit=20, promised_limit=10
    )
    b = ApprovalItem.objects.create(
        code="CH-B", name="建设工程规划许可", department=building, legal_limit=20, promised_limit=10
    )
    a.materials.set([form])
    b.materials.set([form, drawings])
    project = ProjectType.objects.create(name="混沌测试项目")
    stage = Stage.objects.create(project_type=project, order=1, name="一", lead_department=centre)
    stage.items.set([a, b])

    tokens = {}

    def user(username, role, **extra):
        made = User.objects.create_user(
            username=username, password=secrets.token_urlsafe(16), role=role, **extra
        )
        tokens[username] = ApiToken.issue(made, "chaos")[1]
        return {"username": username}

    applicants = []
    for n in range(clients):
        body = f"91139999MA{n:07d}"
        enterprise = Enterprise.objects.create(
            uscc=body + uscc_check_char(body), name=f"混沌测试{n}有限公司", region_code="139999"
        )
        applicants.append(user(f"chaos{n}", Role.APPLICANT, enterprise=enterprise))
    user("clerk", Role.CLERK, department=centre)
    user("lead", Role.LEAD, department=centre)
    return {
        "project": project.pk,
        "materials": [form.pk, drawings.pk],
        "applicants": applicants,
        "reviewers": {
            land.name: user("reviewer_land", Role.REVIEWER, department=land),
            building.name: user("reviewer_building", Role.REVIEWER, department=building),
        },
        "tokens": tokens,
    }


def verify(journal: list[dict]) -> dict:
    """What the database says about each request the clients sent."""
    django_setup()
    from django.db.models import Count

    from cases import uploads
    from cases.events import verify_all
    from cases.models import Case, CaseEvent, CaseMaterial, IdempotencyRecord
    from lianban.backup import check_stored_files

    lost, traces, duplicates, unexpected = [], [], [], []
    records = {
        (user, key): n
        for user, key, n in IdempotencyRecord.objects.values_list("user__username", "key").annotate(
            n=Count("pk")
        )
    }
    events = {}
    for case_id, kind, task_id, n in CaseEvent.objects.values_list(
        "case_id", "kind", "task_id"
    ).annotate(n=Count("pk")):
        events[(case_id, kind, task_id)] = n
    cases_by_title = {}
    for pk, title in Case.objects.values_list("pk", "title"):
        cases_by_title.setdefault(title, []).append(pk)
    own_kind = {
        "apply": "applied",
        "accept": "accepted",
        "approve": "task_approved",
        "decide": "decided",
    }
    acknowledged_cases, acknowledged_keys = set(), set()

    for sent in journal:
        label = f"{sent['op']} {sent['path']} key={sent['key'][:8]} ({sent['attempts']} attempts)"
        record = records.get((sent["user"], sent["key"]), 0)
        if sent["outcome"] == "ok":
            acknowledged_keys.add((sent["user"], sent["key"]))
            event = events.get((sent["case_id"], own_kind[sent["op"]], sent["task_id"]), 0)
            if record != 1 or event != 1:
                lost.append(f"{label}: answered 2xx, found {record} records, {event} events")
            if sent["op"] == "apply":
                acknowledged_cases.add(sent["case_id"])
                found = cases_by_title.get(sent["title"], [])
                hashes = sorted(
                    CaseMaterial.objects.filter(case_id=sent["case_id"]).values_list(
                        "sha256", flat=True
                    )
                )
                if found != [sent["case_id"]] or hashes != sent["hashes"]:
                    lost.append(f"{label}: cases {found}, papers {hashes} for {sent['hashes']}")
        elif sent["outcome"] == "refused":
            left = cases_by_title.get(sent["title"], []) if sent["op"] == "apply" else []
            if record or left:
                traces.append(
                    f"{label}: refused {sent['status']}, left {record} records, cases {left}"
                )
            if not sent["meant_to_fail"]:
                unexpected.append(f"{label}: refused {sent['status']} {sent['errors'][-1:]}")
    ghosts = sorted(set(Case.objects.values_list("pk", flat=True)) - acknowledged_cases)
    if ghosts:
        traces.append(f"cases no acknowledged request made: {ghosts}")
    stray = sorted(set(records) - acknowledged_keys)
    if stray:
        traces.append(f"idempotency records of requests not acknowledged: {stray[:5]}")
    for (case_id, kind, task_id), n in events.items():
        if n > 1 and kind in own_kind.values():
            duplicates.append(f"case {case_id} has {n} {kind} events (task {task_id})")
    return {
        "lost": lost,
        "traces": traces,
        "duplicates": duplicates,
        "unexpected": unexpected,
        "chains": [str(p) for p in verify_all()],
        "files": check_stored_files().problems,
        "papers": CaseMaterial.objects.count(),
        "orphans": uploads.orphans(dt.timedelta(0)),
        "cases": Case.objects.count(),
        "decided": Case.objects.filter(state="decided").count(),
        "events": CaseEvent.objects.count(),
    }


# ---- the run ---------------------------------------------------------------------------


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    """`lianban ARGS` against the chaos database (manage.py is the same entry point)."""
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


def internal(env: dict, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"chaos {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(plan: Plan, label: str, keep: bool) -> int:
    started = time.monotonic()
    seed = os.environ.get("CHAOS_SEED", str(secrets.randbelow(10**6)))
    work = Path(tempfile.mkdtemp(prefix="lianban-chaos-"))
    database = Postgres()
    server = None
    say(f"chaos ({label}, seed {seed}): PostgreSQL {database.version} of its own on port "
        f"{database.port}, files in {work}")  # fmt: skip
    try:
        database.create()
        env = {
            **os.environ,
            "DATABASE_URL": database.url,
            "LIANBAN_VAR_DIR": str(work / "var"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "TASKS_BACKEND": "immediate",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "DB_CONN_MAX_AGE": "60",  # as `lianban serve` runs it: connections outlive a crash
        }
        data = internal(env, "_setup", str(plan.clients))
        server = Server(env, work / "server.log")
        server.start()
        say(f"  ready after {time.monotonic() - started:.0f} s: "
            f"{plan.clients} clients for {plan.seconds:g} s")  # fmt: skip

        began = time.monotonic()
        ends = began + plan.seconds
        load = Load(server, data, seed, ends=ends, give_up=ends + plan.settle_seconds)
        clients = [
            threading.Thread(target=load.run_client, args=(n,), daemon=True)
            for n in range(plan.clients)
        ]
        for client in clients:
            client.start()
        faults = inject(fault_schedule(plan, random.Random(seed)), began, server, database)
        for client in clients:
            client.join()
        server.stop()
        say(f"  load done after {time.monotonic() - began:.0f} s; checking")

        journal = work / "journal.json"
        journal.write_text(json.dumps([asdict(s) for s in load.journal]), encoding="utf-8")
        found = internal(env, "_verify", str(journal))
        checks = {
            "lianban audit verify": manage(env, "audit", "verify"),
            "lianban audit files --delete": manage(
                env, "audit", "files", "--delete", "--older-than", "0"
            ),
        }
        failed = report(load.journal, faults, found, checks)
        say(f"chaos ({label}): {'FAILED' if failed else 'LOST NOTHING'} "
            f"in {time.monotonic() - started:.0f} s")  # fmt: skip
        return 1 if failed else 0
    finally:
        if server is not None:
            server.stop()
        database.destroy()
        if keep:
            say(f"  kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def report(journal: list[Sent], faults, found: dict, checks: dict) -> dict:
    """Print the summary; return what failed."""
    ok = [s for s in journal if s.outcome == "ok"]
    retried = [s for s in journal if s.attempts > 1]
    done = {op: sum(s.op == op for s in ok) for op in ("apply", "accept", "approve", "decide")}
    kills = {kind: sum(k == kind for _at, k, _down in faults) for kind in ("server", "database")}
    say(f"  faults injected: {kills['server']} × SIGKILL of gunicorn (master and workers, "
        f"restarted), {kills['database']} × PostgreSQL stopped -m immediate (restarted); "
        "at (down for): "
        + ", ".join(f"{at:.0f} s {kind} ({down:.1f} s)" for at, kind, down in faults))  # fmt: skip
    say(f"  requests sent: {len(journal)} ({sum(s.attempts for s in journal)} HTTP attempts); "
        f"answered 2xx: {len(ok)} (applied {done['apply']}, accepted {done['accept']}, "
        f"approved {done['approve']}, decided {done['decide']})")  # fmt: skip
    repeated = [s for s in journal if s.repeat]
    say(f"  retried after a failure, same Idempotency-Key: {len(retried)} requests "
        f"({sum(s.replayed for s in retried)} answered from their record: done before the "
        f"crash, answer lost); sent again after their answer: {len(repeated)}; "
        f"refused on purpose (bad file): {sum(s.meant_to_fail for s in journal)}")  # fmt: skip
    say(f"  in the database: {found['cases']} cases, {found['events']} events, "
        f"{found['papers']} papers; orphan files (a paper written, its row never committed): "
        f"{len(found['orphans'])}, removed by `lianban audit files --delete`")  # fmt: skip
    problems = {
        "lost (a 2xx not in the database exactly once)": found["lost"],
        "left a trace (refused or never acknowledged)": found["traces"],
        "duplicated events": found["duplicates"],
        "refused though valid": found["unexpected"],
        "sent again, not answered from its record": [
            f"{s.op} {s.path}: {s.repeat}" for s in journal if s.repeat not in ("", "replayed")
        ],
        "never answered": [
            f"{s.op} {s.path} {s.errors[-3:]}" for s in journal if s.outcome == "unsettled"
        ],
        "broken event chains": found["chains"],
        "papers missing or changed": found["files"],
    }
    for name, done_check in checks.items():
        output = (done_check.stdout + done_check.stderr).strip()
        say(f"  {name}: {output.splitlines()[-1] if output else ''}")
        if done_check.returncode:
            problems[name] = [output[-1000:]]
    failed = {name: items for name, items in problems.items() if items}
    for name, items in failed.items():
        say(f"  FAILED — {name}: {len(items)}")
        for item in items[:10]:
            say(f"    {item}")
    return failed


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_setup":
        print(json.dumps(setup_data(int(sys.argv[2])), ensure_ascii=False))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "_verify":
        journal = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
        print(json.dumps(verify(journal), ensure_ascii=False))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="the CI run: about a minute")
    parser.add_argument("--seconds", type=float, help="seconds of load")
    parser.add_argument("--clients", type=int)
    parser.add_argument("--server-kills", type=int)
    parser.add_argument("--database-kills", type=int)
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    args = parser.parse_args()
    plan = SHORT if args.short else FULL
    for name in ("seconds", "clients", "server_kills", "database_kills"):
        if getattr(args, name) is not None:
            setattr(plan, name, getattr(args, name))
    # A SIGTERM (a CI timeout) still runs the finally blocks that stop PostgreSQL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return run(plan, "short" if args.short else "full", args.keep)


if __name__ == "__main__":
    sys.exit(main())
