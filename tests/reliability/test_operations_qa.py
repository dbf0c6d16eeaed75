"""Running lianban as the county's IT staff do: background jobs survive a killed worker, the
periodic supervision does not pile up while the worker is down, a mail server's refusal is
not swallowed, a restore gives back the jobs that were running and refuses to skip a data
migration, a backup on SQLite does not lock the writers out, and the access log keeps the
progress lookup's code out."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cases.models import Notification
from cases.tasks import run_tick, send_notification_mail
from documents.tasks import issue_document_later
from lianban import backup

DATABASE_BACKEND = {"BACKEND": "django_tasks_db.DatabaseBackend"}


def queued_issue(case_id=1, actor_id=1) -> DBTaskResult:
    result = issue_document_later.using(backend="queue").enqueue(case_id, actor_id)
    return DBTaskResult.objects.get(pk=result.id)


def started(job: DBTaskResult, ago: dt.timedelta) -> DBTaskResult:
    DBTaskResult.objects.filter(pk=job.pk).update(status="RUNNING", started_at=timezone.now() - ago)
    return job


def status(job: DBTaskResult) -> str:
    return DBTaskResult.objects.get(pk=job.pk).status


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_a_job_left_running_by_a_killed_worker_goes_back_to_the_queue():
    killed = started(queued_issue(), dt.timedelta(hours=2))
    busy = started(queued_issue(2), dt.timedelta(seconds=5))

    out = run("jobs", "requeue-stale")

    assert status(killed) == "READY"
    assert status(busy) == "RUNNING"
    assert "重新排队 1 个" in out


@pytest.mark.django_db
def test_supervise_requeues_stale_jobs_each_round(settings):
    settings.TASKS = {"default": DATABASE_BACKEND, "queue": DATABASE_BACKEND}
    killed = started(queued_issue(), dt.timedelta(hours=1))

    run("supervise", times=1)

    assert status(killed) == "READY"


@pytest.mark.django_db
def test_supervise_queues_one_tick_while_the_worker_is_down(settings):
    settings.TASKS = {"default": DATABASE_BACKEND, "queue": DATABASE_BACKEND}

    run("supervise", times=1)
    out = run("supervise", times=1)

    waiting = DBTaskResult.objects.filter(status="READY", task_path=run_tick.module_path)
    assert waiting.count() == 1
    assert "仍在排队" in out


@pytest.mark.django_db
def test_failed_jobs_are_listed_and_run_again_on_request():
    job = queued_issue()
    DBTaskResult.objects.filter(pk=job.pk).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="django.db.utils.OperationalError",
    )

    listing = run("jobs")
    with pytest.raises(CommandError):
        run("jobs", "retry")
    run("jobs", "retry", str(job.pk))

    assert f"失败 {job.pk}" in listing
    assert "OperationalError" in listing
    assert status(job) == "READY"


@pytest.mark.django_db
def test_a_mail_server_that_cannot_be_reached_fails_the_job(applicant, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    applicant.email = "qiye@example.cn"
    applicant.save(update_fields=["email"])
    note = Notification.objects.create(
        user=applicant, key="k", message="办件已受理", created_at=timezone.now()
    )

    with pytest.raises(OSError):
        send_notification_mail.call(note.pk)


def test_mail_has_a_timeout():
    from django.conf import settings

    assert settings.EMAIL_TIMEOUT


@pytest.mark.django_db
def test_restore_puts_a_job_that_was_running_back_in_the_queue(tmp_path):
    job = started(queued_issue(), dt.timedelta(seconds=1))
    archive = tmp_path / "backup.tar.gz"
    backup.create(archive)

    summary = backup.restore(archive, force=True)

    assert status(job) == "READY"
    assert summary.requeued_jobs == 1


def manifest_without(archive, app: str, *names: str) -> None:
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar}
    manifest = json.loads(members["manifest.json"])
    manifest["migrations"][app] = [n for n in manifest["migrations"][app] if n not in names]
    members["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))


@pytest.mark.django_db
def test_restore_refuses_a_backup_made_before_a_data_migration(tmp_path):
    archive = tmp_path / "backup.tar.gz"
    backup.create(archive)
    manifest_without(archive, "cases", "0004_decided_task_lights", "0005_lists_in_order")

    with pytest.raises(backup.Conflict) as refused:
        backup.restore(archive, force=True)

    assert "cases.0004_decided_task_lights" in str(refused.value.message)
    assert "lianban migrate cases 0003_task_list_indexes" in str(refused.value.message)


@pytest.mark.django_db
def test_restore_accepts_a_backup_without_a_later_schema_only_migration(tmp_path):
    archive = tmp_path / "backup.tar.gz"
    backup.create(archive)
    manifest_without(archive, "cases", "0005_lists_in_order")

    summary = backup.restore(archive, force=True)

    assert summary.newer_migrations == ["cases.0005_lists_in_order"]


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_a_backup_on_sqlite_reads_without_taking_the_write_lock(tmp_path):
    begun = []

    def record(execute, sql, params, many, context):
        if sql.startswith("BEGIN"):
            begun.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        backup.create(tmp_path / "backup.tar.gz")

    assert begun == ["BEGIN DEFERRED"]
    assert connection.transaction_mode == "IMMEDIATE"  # the others still take it


def test_the_access_log_leaves_out_query_strings_and_referrers(monkeypatch):
    ran = {}
    monkeypatch.setattr("os.execvp", lambda program, args: ran.setdefault("args", args))
    monkeypatch.setenv("DB_CONN_MAX_AGE", "0")  # serve sets it for gunicorn; undone after

    call_command("serve", "127.0.0.1:8999")

    args = ran["args"]
    log_format = args[args.index("--access-logformat") + 1]
    assert "%(U)s" in log_format
    assert not [part for part in ("%(r)s", "%(q)s", "%(f)s") if part in log_format]


def test_a_missing_secret_key_file_is_said_in_one_line(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TZ"}}
    env.update(
        DEBUG="0",
        SECRET_KEY_FILE=str(tmp_path / "missing"),
        LIANBAN_VAR_DIR=str(tmp_path),
        PYTHONPATH=str(root / "src"),
    )
    result = subprocess.run(
        [sys.executable, "-c", "from lianban.cli import main; main()", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "SECRET_KEY_FILE=" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_apis_retry_records_are_kept_a_week(applicant):
    from cases.idempotency import forget_old_records
    from cases.models import IdempotencyRecord

    now = timezone.now()
    for key, age in (("old", dt.timedelta(days=8)), ("recent", dt.timedelta(days=6))):
        IdempotencyRecord.objects.create(
            user=applicant, key=key, fingerprint="f", status=200, body={}, created_at=now - age
        )
    assert forget_old_records() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


@pytest.mark.django_db
def test_supervise_queues_the_retry_records_clean_up_once(settings):
    from cases.tasks import forget_idempotency_records

    settings.TASKS = {"default": DATABASE_BACKEND, "queue": DATABASE_BACKEND}
    run("supervise", times=1)
    run("supervise", times=1)
    path = forget_idempotency_records.module_path
    assert DBTaskResult.objects.filter(status="READY", task_path=path).count() == 1
