"""The background worker outlives its database connection: PostgreSQL restarting or
`pg_terminate_backend` on the worker's connection no longer ends the process, and the job it
held ends done or back in the queue, never lost and never run twice at once."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.utils import OperationalError
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from lianban.management.commands import db_worker

from .worker_jobs import broken_query, hold, nothing

ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "lianban-worker-under-test"


def status(result) -> str:
    return DBTaskResult.objects.get(pk=result.id).status


def wait_for(condition, timeout=60.0, what="") -> None:
    ends = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > ends:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TZ"}}
    env.update(
        DEBUG="1",
        DATABASE_URL=database_url(),
        LIANBAN_VAR_DIR=str(log.parent),
        PGAPPNAME=APP_NAME,  # libpq names the connection: pg_stat_activity finds it
        PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'src'}",
    )
    command = [sys.executable, "-c", "from lianban.cli import main; main()"]
    options = ["--backend", "queue", "--interval", "0.1", "--no-startup-delay", "--no-reload"]
    with log.open("w") as out:  # the worker keeps its own copy of the descriptor
        return subprocess.Popen(
            [*command, "db_worker", *options], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def cut_workers_connection() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
            [APP_NAME],
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_cut_off_mid_job_reconnects_runs_the_job_again_and_the_next(tmp_path):
    log = tmp_path / "worker.log"
    worker = start_worker(log)
    try:
        held = hold.using(backend="queue").enqueue(2)
        wait_for(lambda: status(held) == "RUNNING", what="the worker to take the job")
        time.sleep(0.5)  # inside pg_sleep
        assert cut_workers_connection() == 1

        wait_for(lambda: status(held) == "SUCCESSFUL", what=f"the job to be run again\n{log}")
        following = hold.using(backend="queue").enqueue(0)
        wait_for(lambda: status(following) == "SUCCESSFUL", what="the next job")

        assert worker.poll() is None, log.read_text()
        # Claimed, cut off, requeued, claimed again by the same worker: never FAILED.
        job = DBTaskResult.objects.get(pk=held.id)
        assert len(job.worker_ids) == 2 and len(set(job.worker_ids)) == 1
        assert "back in the queue" in log.read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=30)


# The same, in this process: a connection that goes away is simulated; works on SQLite too.


def worker(worker_id="w1") -> db_worker.Worker:
    return db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="queue",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def running(worker_ids) -> DBTaskResult:
    result = nothing.using(backend="queue").enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING", worker_ids=worker_ids)
    return DBTaskResult.objects.get(pk=result.id)


@pytest.mark.django_db(transaction=True)
def test_after_reconnecting_a_job_whose_work_returned_is_recorded_done_the_others_requeued():
    finished, cut_off, others = running(["w1"]), running(["w0", "w1"]), running(["w2"])
    me = worker()
    me.returned = {str(finished.pk): "done"}

    me.settle()

    finished.refresh_from_db()
    assert (finished.status, finished.return_value) == ("SUCCESSFUL", "done")
    assert DBTaskResult.objects.get(pk=cut_off.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=others.pk).status == "RUNNING"  # another worker's


@pytest.mark.django_db(transaction=True)
def test_a_lost_connection_while_polling_waits_reconnects_and_goes_on(monkeypatch):
    queued = nothing.using(backend="queue").enqueue()
    real_get_locked, calls, waits = DBTaskResultQuerySet.get_locked, [], []

    def drop_the_first_poll(queryset):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_get_locked(queryset)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", drop_the_first_poll)
    lost = iter([True])
    monkeypatch.setattr(db_worker, "connection_lost", lambda alias: next(lost, False))
    monkeypatch.setattr(db_worker.time, "sleep", waits.append)

    worker().run()

    assert status(queued) == "SUCCESSFUL"
    assert waits == [db_worker.FIRST_WAIT_SECONDS]


@pytest.mark.django_db(transaction=True)
def test_a_job_failing_with_a_database_error_on_a_healthy_connection_is_still_failed():
    failing = broken_query.using(backend="queue").enqueue()

    call_command("db_worker", "--backend", "queue", "--batch", "--no-startup-delay", verbosity=0)

    assert status(failing) == "FAILED"
