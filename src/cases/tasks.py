"""Background work of the cases app. Jobs take primary keys and are enqueued after commit;
with no worker configured they run inline (TASKS_BACKEND=immediate)."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import translation
from django_tasks import task, task_backends


@task()
def send_notification_mail(notification_id: int) -> bool:
    from .models import Notification

    note = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if note is None or not note.user.email:
        return False
    with translation.override(note.user.language or settings.LANGUAGE_CODE):
        send_mail(
            subject="联办通知" if note.user.language.startswith("zh") else "Lianban notification",
            message=note.message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[note.user.email],
            # A mail server that refuses or cannot be reached fails the job, which the
            # worker records and `lianban jobs retry` runs again; silenced, the mail was
            # lost and the job still counted as done.
            fail_silently=False,
        )
    return True


@task()
def forget_idempotency_records() -> int:
    """Periodic: API retries' records past their week (idempotency.forget_old_records)."""
    from .idempotency import forget_old_records

    return forget_old_records()


@task()
def run_tick() -> dict:
    from .supervision import tick

    return tick()


# The supervisor's "verify all" (views/board.py): at a few hundred thousand cases the whole
# hash-chain verification outlasts a web request, so the button queues it. django-tasks keeps
# its run (DBTaskResult: queued, running since, the result); the board reads it back. With no
# worker configured the job still goes through the database and is run at once, in the
# request, so the board shows its result either way. `lianban audit verify` is unchanged.
PROBLEMS_KEPT = 100
VERIFY_LOCK = "cases.tasks.verify_chains"  # PostgreSQL advisory lock: one run queued at a time


@task()
def verify_chains() -> dict:
    """Every case's chain (events.verify_all): how many cases were checked and the first
    problem of each broken chain, the first PROBLEMS_KEPT of them with their case."""
    from django_tasks_db.models import DBTaskResult

    from .events import verify_all
    from .models import Case

    # Cases created while it runs wait for the next run: the count is of what was checked.
    last = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    cases = Case.objects.filter(pk__lte=last)
    problems, found = [], 0
    # Reasons are kept in the source language; the board translates them for its reader.
    with translation.override(settings.LANGUAGE_CODE):
        for problem in verify_all(cases):
            found += 1
            if len(problems) < PROBLEMS_KEPT:
                problems.append(
                    {
                        "case": problem.case_id,
                        "number": problem.case_number,
                        "seq": problem.seq,
                        "reason": problem.reason,
                    }
                )
    result = {"checked": cases.count(), "found": found, "problems": problems}
    # The board shows the last run: the results before it go (this one is recorded on return).
    DBTaskResult.objects.filter(task_path=verify_chains.module_path, status="SUCCESSFUL").delete()
    return result


@dataclass
class Verification:
    """What the board shows of the runs (each a DBTaskResult)."""

    active: Any = None  # waiting or running
    last: Any = None  # the last that finished; its result in return_value
    failed: Any = None  # a run that failed after `last`


def verification() -> Verification:
    from django_tasks_db.models import DBTaskResult

    # One query; runs are few, one at a time.
    runs = DBTaskResult.objects.filter(task_path=verify_chains.module_path).order_by(
        "-enqueued_at"
    )[:20]
    state = Verification()
    for run in runs:
        if run.status in ("READY", "RUNNING"):
            state.active = state.active or run
        elif run.status == "SUCCESSFUL":
            state.last = state.last or run
        elif run.status == "FAILED":
            state.failed = state.failed or run
    if state.last and state.failed and state.failed.finished_at <= state.last.finished_at:
        state.failed = None  # an earlier failure, made good since
    return state


def request_verification() -> tuple[Any, bool]:
    """Queue one verification unless one is waiting or running: (that run, queued now?).
    Two presses at once queue one: the check and the enqueue hold a lock (an advisory lock
    on PostgreSQL; SQLite's transactions are exclusive already)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from lianban.management.commands.db_worker import run_here

    worker = isinstance(task_backends["default"], DatabaseBackend)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [VERIFY_LOCK])
        if (active := verification().active) is not None:
            return active, False
        result = verify_chains.using(backend="default" if worker else "queue").enqueue()
    if not worker:
        run_here(result.id)
    return DBTaskResult.objects.get(pk=result.id), True
