"""The background jobs page: supervisors read, in plain words, which work failed or hangs
(newest first: which case, what job, when, the error's first line without paths or secrets);
an administrator runs a failed job again from there, as `lianban jobs retry` does."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cases.models import Case, Notification
from cases.tasks import send_notification_mail
from documents.tasks import issue_document_later
from lianban.views import plain_error

TRACEBACK = """Traceback (most recent call last):
  File "/srv/lianban/.venv/lib/python3.11/site-packages/django_tasks_db/worker.py", line 9, in run
    raise SealNotConfigured(path)
documents.issuing.SealNotConfigured: 未找到印章密钥 /srv/lianban/var/keys/seal-key.pem，请先运行 lianban keys init
"""


@pytest.fixture
def case(applicant, centre):
    return Case.objects.create(
        number="139999-20260302-0007",
        query_code="ABCD1234",
        region_code="139999",
        title="厂房扩建",
        applicant=applicant,
        lead_department=centre,
        submitted_at=timezone.now(),
    )


def failed(task, *args, ago=dt.timedelta(minutes=5), traceback=TRACEBACK, error=None):
    result = task.using(backend="queue").enqueue(*args)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="FAILED",
        finished_at=timezone.now() - ago,
        exception_class_path=error or "documents.issuing.SealNotConfigured",
        traceback=traceback,
    )
    return DBTaskResult.objects.get(pk=result.id)


def page(client, user, url="/jobs/"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_supervisor_reads_which_case_what_job_and_why_without_server_paths(
    client, supervisor, case, admin_user
):
    failed(issue_document_later, case.pk, admin_user.pk)

    shown = page(client, supervisor)

    assert "出具批复文件" in shown
    assert f'<a href="/cases/{case.pk}/">{case.number}</a>' in shown
    assert "SealNotConfigured: 未找到印章密钥 …，请先运行 lianban keys init" in shown
    assert "/srv/" not in shown and "site-packages" not in shown
    assert "重新执行" not in shown  # read-only for a supervisor


def test_a_mails_case_is_found_through_its_notification(client, supervisor, case, applicant):
    note = Notification.objects.create(
        user=applicant, case=case, key="k", message="办件已受理", created_at=timezone.now()
    )
    failed(send_notification_mail, note.pk, error="builtins.ConnectionRefusedError", traceback="")

    shown = page(client, supervisor)

    assert "发送通知邮件" in shown and case.number in shown and "ConnectionRefusedError" in shown


def test_jobs_are_listed_newest_first_and_a_hanging_one_is_said_to_hang(
    client, supervisor, case, admin_user
):
    older = failed(issue_document_later, case.pk, admin_user.pk, ago=dt.timedelta(hours=3))
    hanging = issue_document_later.using(backend="queue").enqueue(case.pk, admin_user.pk)
    DBTaskResult.objects.filter(pk=hanging.id).update(
        status="RUNNING", started_at=timezone.now() - dt.timedelta(hours=1)
    )
    busy = issue_document_later.using(backend="queue").enqueue(case.pk, admin_user.pk)
    DBTaskResult.objects.filter(pk=busy.id).update(status="RUNNING", started_at=timezone.now())

    shown = page(client, supervisor)

    assert shown.count("<tr>") == 3  # the header, the hanging job, the failed one
    assert shown.index("至今未结束") < shown.index("失败：")
    assert str(older.pk) not in shown  # job ids are for the administrator's command


def test_the_list_is_paged(client, supervisor, admin_user):
    for _ in range(21):
        failed(issue_document_later, 1, admin_user.pk)

    assert "第 1 / 2 页" in page(client, supervisor)
    assert page(client, supervisor, "/jobs/?page=2").count("失败：") == 1


def test_an_administrator_runs_a_failed_job_again(client, admin_user):
    job = failed(issue_document_later, 1, admin_user.pk)
    client.force_login(admin_user)
    assert "重新执行" in page(client, admin_user)

    response = client.post(f"/jobs/{job.pk}/retry/", follow=True)

    assert DBTaskResult.objects.get(pk=job.pk).status == "READY"
    assert "任务已重新排队" in response.content.decode()
    again = client.post(f"/jobs/{job.pk}/retry/", follow=True)
    assert "已不是失败状态" in again.content.decode()


def test_a_supervisor_may_not_run_a_job_again(client, supervisor, admin_user):
    job = failed(issue_document_later, 1, admin_user.pk)
    client.force_login(supervisor)

    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 403
    assert DBTaskResult.objects.get(pk=job.pk).status == "FAILED"


@pytest.mark.parametrize("who", ["charlie", "reviewer_a", "clerk"])
def test_the_page_does_not_exist_for_anyone_else(client, who, request, admin_user):
    job = failed(issue_document_later, 1, admin_user.pk)
    client.force_login(request.getfixturevalue(who))

    assert client.get("/jobs/").status_code == 404
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 404
    assert DBTaskResult.objects.get(pk=job.pk).status == "FAILED"


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/jobs/")["Location"].startswith("/accounts/login/")


def test_the_board_links_to_the_jobs_page(client, supervisor):
    assert 'href="/jobs/"' in page(client, supervisor, "/cases/board/")


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        (
            "django.db.utils.OperationalError: connection to postgres://lianban:s3cret@db/x failed",
            "OperationalError: connection to postgres://…@db/x failed",
        ),
        (
            "smtplib.SMTPAuthenticationError: (535, 'auth failed') password=hunter2 user=x",
            "SMTPAuthenticationError: (535, 'auth failed') password=… user=x",
        ),
        (
            f"builtins.ValueError: bad key {'a1' * 20}",
            "ValueError: bad key …",
        ),
        ("builtins.MemoryError", "MemoryError"),
    ],
)
def test_an_errors_first_line_keeps_no_secret(line, shown):
    path, _colon, message = line.partition(": ")
    job = DBTaskResult(
        exception_class_path=path,
        traceback=f"Traceback …\n{path.removeprefix('builtins.')}: {message}\nsecond line\n"
        if message
        else "",
    )
    assert plain_error(job) == shown
