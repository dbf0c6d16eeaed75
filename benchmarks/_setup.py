"""Django for a benchmark: a fresh database of the kind asked for, migrated, and fast settings.

Settings are read once, at import, so one process benchmarks one database; the top-level
scripts run each database in a child process of their own (`run_children`) and gather what
the children write as JSON."""

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "lianban_bench"
CHILD_DB = "LIANBAN_BENCH_DB"  # set in a child: the database it benchmarks
CHILD_OUT = "LIANBAN_BENCH_OUT"  # set in a child: where it writes its results
TZ_NAME = "Asia/Shanghai"
_scratch: Path | None = None  # this process's files: the SQLite database, media, keys


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
    )


def configure(db: str) -> None:
    """Point Django at a fresh `db` ("sqlite" or "postgres"), set it up and migrate."""
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    os.environ["DJANGO_SETTINGS_MODULE"] = "lianban.settings"
    os.environ.setdefault("LIANBAN_INSECURE_DEV_KEY", "1")
    # As in production, work after a commit (intake vouchers, mails) is queued for the worker:
    # one INSERT in the step, not the work itself (which no step of a web request waits for).
    os.environ["TASKS_BACKEND"] = "database"
    global _scratch
    scratch = _scratch = Path(tempfile.mkdtemp(prefix="lianban-bench-"))
    os.environ["LIANBAN_VAR_DIR"] = str(scratch)
    if db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    elif db == "postgres":
        _psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
        _psql(f"CREATE DATABASE {PG_NAME}")
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    else:
        raise SystemExit(f"unknown database {db!r}: sqlite or postgres")

    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = scratch / "media"
    settings.KEYS_DIR = scratch / "keys"
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def drop(db: str) -> None:
    """Leave no benchmark database behind."""
    from django.db import connections

    connections.close_all()
    if db == "postgres":
        _psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
    if _scratch is not None:
        shutil.rmtree(_scratch, ignore_errors=True)


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


def machine() -> dict:
    """What the numbers were measured on."""
    from importlib.metadata import version

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "code": code_version(),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "django": version("django"),
        "spiffworkflow": version("spiffworkflow"),
    }


def code_version() -> str:
    """The commit, and a digest of the engine's source as it was run (the tree may be ahead
    of the commit while the engine is being worked on)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    digest = hashlib.sha256()
    for path in sorted((SRC / "cases").glob("*.py")):
        digest.update(path.read_bytes())
    return f"{commit or '?'}, src/cases/*.py sha256 {digest.hexdigest()[:12]}"


def run_children(module: str, dbs: list[str], argv: list[str]) -> dict[str, dict]:
    """Run `python -m module argv` once per database, each in a fresh process, and return
    what each child wrote with `write_result`."""
    results = {}
    for db in dbs:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
            path = out.name
        env = {**os.environ, CHILD_DB: db, CHILD_OUT: path}
        subprocess.run([sys.executable, "-m", module, *argv], env=env, cwd=ROOT, check=True)
        results[db] = json.loads(Path(path).read_text(encoding="utf-8"))
        Path(path).unlink()
    return results


def child_db() -> str | None:
    return os.environ.get(CHILD_DB)


def write_result(result: dict) -> None:
    Path(os.environ[CHILD_OUT]).write_text(json.dumps(result, ensure_ascii=False), "utf-8")


def freeze_time(year=2026, month=3, day=2, hour=9):
    """A time machine stopped at a working day of 2026, Beijing time (the calendar in the
    database knows 2026); use as a context manager, or start()/stop()."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    return time_machine.travel(
        dt.datetime(year, month, day, hour, tzinfo=ZoneInfo(TZ_NAME)), tick=False
    )
