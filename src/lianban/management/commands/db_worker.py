"""`lianban db_worker`: django-tasks' database worker, made to outlive its database connection.

django-tasks' worker re-raises every database error but "locked", so PostgreSQL restarting or
`pg_terminate_backend` on the worker's connection ended the process, and the job it was
running stayed RUNNING until `lianban supervise` requeued it half an hour later (or was
recorded FAILED, though nothing was wrong with it). This worker, on a lost connection, drops
the connection, waits (1 s, doubling to 30 s), connects again and settles the job it had:

- its work returned before the connection went: recorded SUCCESSFUL (a mail is not sent twice);
- otherwise (the task was cut off, or the claim's commit was never confirmed): back to READY,
  to be run again. Every job of ours may run again (see `lianban jobs`).

Other errors are django-tasks' as before: a job that fails with the connection alive is FAILED.

Django runs the first installed app's command of a name; settings.py puts `lianban` before
`django_tasks_db` so that `lianban db_worker` is this one."""

import logging
import time

from django.db import DatabaseError, connections
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

logger = logging.getLogger("django_tasks_db")

RUNNING, READY, SUCCESSFUL = "RUNNING", "READY", "SUCCESSFUL"
FIRST_WAIT_SECONDS = 1.0
LONGEST_WAIT_SECONDS = 30.0
HERE = "in-process"  # the worker id of a job run by run_here


class ConnectionLost(Exception):
    """A job's outcome could not be written: the connection is gone."""


def connection_lost(alias: str) -> bool:
    """True when the database connection is gone, not merely answering an error (a deadlock, a
    constraint): then it is closed, so the next query connects afresh."""
    connection = connections[alias]
    if connection.in_atomic_block:
        return False  # an atomic block's owner decides; only ever true inside a task
    if connection.is_usable():
        return False
    connection.close()
    return True


class Worker(db_worker.Worker):
    def __init__(self, **options):
        super().__init__(**options)
        self.alias = DBTaskResult.objects.db
        self.returned: dict[str, object] = {}  # job id -> return value not yet recorded
        self.waits = 0

    def run(self) -> None:
        while True:
            try:
                super().run()
                return
            except (DatabaseError, ConnectionLost) as error:
                if not (isinstance(error, ConnectionLost) or connection_lost(self.alias)):
                    raise
                logger.warning("Database connection lost (%s); reconnecting.", _first_line(error))
            self.startup_delay = False
            self.reconnect()
            if not self.running:
                return

    def reconnect(self) -> None:
        """Wait, then settle this worker's jobs over a new connection; wait longer each time
        the database is still away."""
        while self.running:
            wait = min(FIRST_WAIT_SECONDS * 2**self.waits, LONGEST_WAIT_SECONDS)
            self.waits += 1
            time.sleep(wait)
            try:
                self.settle()
            except DatabaseError as error:
                connections[self.alias].close()
                logger.warning(
                    "Database still unreachable (%s); next try in %.0f s.",
                    _first_line(error),
                    min(FIRST_WAIT_SECONDS * 2**self.waits, LONGEST_WAIT_SECONDS),
                )
                continue
            self.waits = 0
            return

    def settle(self) -> None:
        """The jobs this worker holds RUNNING (it runs one at a time and is between jobs now):
        recorded done if their work returned, else back in the queue. Conditional updates, so
        a job `lianban supervise` requeued meanwhile is left to the queue."""
        mine = [
            pk
            for pk, worker_ids in DBTaskResult.objects.filter(status=RUNNING).values_list(
                "pk", "worker_ids"
            )
            if worker_ids and worker_ids[-1] == self.worker_id
        ]
        for pk in mine:
            held = DBTaskResult.objects.filter(pk=pk, status=RUNNING)
            if str(pk) in self.returned:
                held.update(
                    status=SUCCESSFUL,
                    finished_at=timezone.now(),
                    return_value=self.returned[str(pk)],
                    exception_class_path="",
                    traceback="",
                )
                logger.warning("Task id=%s had finished; recorded as successful.", pk)
            elif held.update(status=READY, started_at=None):
                logger.warning("Task id=%s was cut off; back in the queue.", pk)
        self.returned.clear()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        # The worker records a job's outcome with the job's own methods; wrapped here, they
        # note a return value that could not be written, and do not record a job as FAILED
        # because the connection went (it is settled after reconnecting instead).
        key = str(db_task_result.pk)
        record_success, record_failure = db_task_result.set_successful, db_task_result.set_failed

        def set_successful(return_value):
            self.returned[key] = return_value
            record_success(return_value)

        def set_failed(exc):
            if isinstance(exc, DatabaseError) and connection_lost(self.alias):
                raise ConnectionLost(_first_line(exc)) from exc
            record_failure(exc)

        db_task_result.set_successful = set_successful
        db_task_result.set_failed = set_failed
        super().run_task(db_task_result)
        self.returned.pop(key, None)  # recorded; kept only when run_task raised


def run_here(result_id: str) -> None:
    """Run one queued job in this process, as a worker would: for work whose record must be
    kept in the database when no worker is configured (TASKS_BACKEND=immediate). A job a
    worker took first is left to it."""
    with exclusive_transaction(DBTaskResult.objects.db):
        job = DBTaskResult.objects.filter(pk=result_id).ready().get_locked()
        if job is None:
            return
        job.claim(HERE)
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=job.backend_name,
        startup_delay=False,
        max_tasks=None,
        worker_id=HERE,
        excluded_queue_names=[],
    ).run_task(job)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class Command(db_worker.Command):
    help = (
        "后台任务进程：执行队列中的任务。数据库连接中断（PostgreSQL 重启等）时等待并重新连接，"
        "中断时正在执行的任务重新排队或记为已完成。"
    )

    def handle(self, *args, **options):
        # django-tasks' handle builds its own Worker; it is looked up in its module at call time.
        original, db_worker.Worker = db_worker.Worker, Worker
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original
