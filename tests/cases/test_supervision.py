import datetime as dt

import pytest
from django.core import mail

from cases import intake, review
from cases.models import Light, Notification, ReviewTask
from cases.supervision import light_for, tick
from workdays.calendar import WorkCalendar

D = dt.date
cal = WorkCalendar()


@pytest.mark.parametrize(
    ("today", "light"),
    [
        (D(2026, 3, 9), Light.GREEN),  # 5 working days left of 20
        (D(2026, 3, 10), Light.YELLOW),  # 4 left: within the last 20 %
        (D(2026, 3, 16), Light.YELLOW),  # the due date itself
        (D(2026, 3, 17), Light.RED),
    ],
)
def test_lights_follow_the_share_of_the_limit_left(today, light):
    assert (
        light_for(cal, today=today, due=D(2026, 3, 16), limit=20, unit="working", yellow_share=0.8)
        == light
    )


def test_no_due_date_is_green():
    assert (
        light_for(cal, today=D(2026, 3, 1), due=None, limit=0, unit="working", yellow_share=0.8)
        == Light.GREEN
    )


@pytest.fixture
def head_a(dept_a):
    from accounts.models import Role, User

    return User.objects.create_user(
        "head_a",
        password="x" * 12,
        role=Role.REVIEWER,
        department=dept_a,
        is_department_head=True,
        email="head@example.cn",
    )


@pytest.fixture
def running(travel, catalog, applicant, clerk, all_papers, supervisor, head_a):
    from cases import engine

    supervisor.email = "sup@example.cn"
    supervisor.save()
    travel(2026, 2, 10)
    case = engine.apply(
        applicant, title="监察项目", project_type=catalog["project"], files=all_papers()
    )
    return intake.accept(case.pk, clerk)


def test_yellow_and_red_are_escalated_once_each_to_the_head_and_the_supervisor(
    running, travel, head_a, supervisor
):
    a = ReviewTask.objects.get(case=running, item__code="A")
    travel(2026, 3, 10)
    assert tick()["escalated"] >= 1
    a.refresh_from_db()
    assert a.light == Light.YELLOW and a.yellow_escalated_at is not None
    assert Notification.objects.filter(user=head_a, message__contains="临近期限").count() == 1
    assert Notification.objects.filter(user=supervisor, message__contains="临近期限").count() >= 1
    assert tick()["escalated"] == 0  # idempotent
    travel(2026, 3, 17)
    tick()
    assert Notification.objects.filter(user=head_a, message__contains="已超期").count() == 1
    running.refresh_from_db()
    assert running.light == Light.RED


def test_mail_goes_to_the_recipient_in_their_language(
    running, travel, head_a, django_capture_on_commit_callbacks
):
    head_a.language = "en"
    head_a.save()
    travel(2026, 3, 10)
    with django_capture_on_commit_callbacks(execute=True):
        tick()
    note = Notification.objects.get(user=head_a, key__contains=":yellow:")
    assert note.message.startswith("[Due soon]")
    [sent] = [m for m in mail.outbox if m.to == ["head@example.cn"]]
    assert sent.subject == "Lianban notification" and sent.body.startswith("[Due soon]")


def test_a_moved_deadline_escalates_afresh(running, travel, reviewer_a, applicant, head_a):
    a = ReviewTask.objects.get(case=running, item__code="A")
    travel(2026, 3, 10)
    tick()
    review.request_supplement(a.pk, reviewer_a, reason="补正")
    travel(2026, 3, 20)
    review.supply_supplement(a.pk, applicant, note="已补")
    a.refresh_from_db()
    assert a.yellow_escalated_at is None and a.due_date > D(2026, 3, 16)
    # Paused (03-10, 03-20]: 8 working days, so due 03-26; on 03-23 three are left: yellow again.
    assert a.due_date == D(2026, 3, 26)
    travel(2026, 3, 23)
    tick()
    assert Notification.objects.filter(user=head_a, key__contains=":yellow:").count() == 2


def test_paused_tasks_are_not_escalated(running, travel, reviewer_a, head_a):
    a = ReviewTask.objects.get(case=running, item__code="A")
    travel(2026, 3, 2)
    review.request_supplement(a.pk, reviewer_a, reason="补正")
    travel(2026, 4, 20)
    tick()
    assert not Notification.objects.filter(
        user=head_a, key__regex=rf"^task:{a.pk}:(yellow|red):"
    ).exists()


def test_the_tick_command_reports_what_it_did(running, travel, capsys):
    from django.core.management import call_command

    travel(2026, 3, 17)
    call_command("tick")
    assert "新提醒" in capsys.readouterr().out


def test_the_tick_runs_as_a_background_task(running, travel):
    from cases.tasks import run_tick

    travel(2026, 3, 17)
    result = run_tick.enqueue()
    assert result.return_value["escalated"] >= 1


def test_supervise_queues_the_tick_through_the_tasks_framework(running, travel, capsys):
    from django.core.management import call_command

    travel(2026, 3, 17)
    call_command("supervise", "--times", "1")
    assert "已排入监察任务" in capsys.readouterr().out
    assert ReviewTask.objects.get(case=running, item__code="A").light == Light.RED


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_with_the_database_backend_a_worker_runs_the_queued_tick(running, travel, settings):
    from django.core.management import call_command

    from cases.tasks import run_tick

    # django-tasks rebuilds its backends when the setting changes (its setting_changed hook).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    travel(2026, 3, 17)
    result = run_tick.enqueue()
    assert ReviewTask.objects.get(case=running, item__code="A").light != Light.RED  # only queued
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    result.refresh()
    assert result.return_value["escalated"] >= 1
    assert ReviewTask.objects.get(case=running, item__code="A").light == Light.RED
