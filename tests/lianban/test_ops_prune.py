"""Finished background jobs do not pile up for ever: successful ones go after a month,
failed ones after half a year, and the last chain verification stays for the board."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cases.tasks import forget_idempotency_records, verify_chains
from lianban.tasks import forget_finished_jobs

pytestmark = pytest.mark.django_db


def finished(task, status, days_ago):
    result = task.using(backend="queue").enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=status, finished_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return result.id


def test_old_finished_jobs_go_and_recent_or_waiting_ones_stay():
    gone = [
        finished(forget_idempotency_records, "SUCCESSFUL", 31),
        finished(forget_idempotency_records, "FAILED", 181),
    ]
    kept = [
        finished(forget_idempotency_records, "SUCCESSFUL", 29),
        finished(forget_idempotency_records, "FAILED", 100),
        forget_idempotency_records.using(backend="queue").enqueue().id,
    ]
    assert forget_finished_jobs.call() == 2
    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert {str(pk) for pk in remaining} == {str(pk) for pk in kept}
    assert not {str(pk) for pk in gone} & {str(pk) for pk in remaining}


def test_the_last_chain_verification_stays_however_old():
    last = finished(verify_chains, "SUCCESSFUL", 400)
    forget_finished_jobs.call()
    assert DBTaskResult.objects.filter(pk=last).exists()


def test_supervise_queues_the_pruning(capsys):
    from django.core.management import call_command

    old = finished(forget_idempotency_records, "SUCCESSFUL", 60)
    call_command("supervise", "--times", "1")
    assert not DBTaskResult.objects.filter(pk=old).exists()
