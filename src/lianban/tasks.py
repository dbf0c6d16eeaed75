"""Background work of the site as a whole (see cases/tasks.py for how jobs run)."""

import datetime as dt

from django_tasks import task

# django-tasks keeps every job's row for ever; at a county's pace (mails, ticks, documents)
# that is hundreds of thousands a year, and the board and /jobs/ read the table.
KEEP_SUCCESSFUL_DAYS = 30
KEEP_FAILED_DAYS = 180  # /jobs/ shows them until an administrator has had time to act


@task()
def forget_finished_jobs() -> int:
    """Periodic: finished jobs past their time go; the last run of the chain verification
    stays whatever its age, as the board shows its result."""
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    from cases.tasks import verify_chains
    from lianban import clock

    now = clock.now()
    old = DBTaskResult.objects.filter(
        Q(status="SUCCESSFUL", finished_at__lt=now - dt.timedelta(days=KEEP_SUCCESSFUL_DAYS))
        | Q(status="FAILED", finished_at__lt=now - dt.timedelta(days=KEEP_FAILED_DAYS))
    )
    last_check = (
        DBTaskResult.objects.filter(task_path=verify_chains.module_path, status="SUCCESSFUL")
        .order_by("-finished_at")
        .values_list("pk", flat=True)
        .first()
    )
    if last_check:
        old = old.exclude(pk=last_check)
    deleted, _by_model = old.delete()
    return deleted
