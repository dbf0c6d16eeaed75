"""The supervisor's "verify all": the button queues one verification of every case's hash
chain as a background job, the board says it is waiting or running, then shows the last
result (when, how many cases, the broken chains with links), read back from the database."""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from cases import tasks
from cases.models import CaseEvent
from cases.tasks import request_verification, verify_chains

DATABASE = {"BACKEND": "django_tasks_db.DatabaseBackend"}


def board(client, user) -> str:
    client.force_login(user)
    return client.get("/cases/board/").content.decode()


def press(client, user) -> str:
    client.force_login(user)
    response = client.post("/cases/board/audit/")
    assert response.status_code == 200
    return response.content.decode()


def runs(status=None) -> int:
    found = DBTaskResult.objects.filter(task_path=verify_chains.module_path)
    return found.filter(status=status).count() if status else found.count()


@pytest.fixture
def with_a_worker(settings):
    """TASKS_BACKEND=database: jobs wait for `lianban db_worker`."""
    settings.TASKS = {"default": DATABASE, "queue": DATABASE}


def work_off_the_queue():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_without_a_worker_the_button_verifies_at_once_and_the_board_keeps_the_result(
    client, accepted, supervisor
):
    press(client, supervisor)

    page = board(client, supervisor)  # a later visit: read back from the database
    assert "共核验 1 个办件" in page and "核验通过" in page
    assert runs("SUCCESSFUL") == 1


def test_a_broken_chain_is_named_with_a_link_to_its_case(client, accepted, supervisor):
    CaseEvent.objects.filter(case=accepted, seq=2).update(actor_name="他人")

    page = press(client, supervisor)

    assert f'href="/cases/{accepted.pk}/">办件 {accepted.number} 第 2 条事件' in page
    assert "发现问题：1 个办件的事件链校验失败" in page


def test_with_a_worker_the_button_queues_one_run_however_often_it_is_pressed(
    client, accepted, supervisor, with_a_worker
):
    first = press(client, supervisor)
    again = press(client, supervisor)

    assert runs() == 1 and runs("READY") == 1
    assert "排队，等待后台任务进程执行" in first
    assert "已有一次核验在排队或进行中，未再排入" in again
    assert "上次核验" not in again


def test_the_board_says_since_when_a_run_is_running(client, accepted, supervisor, with_a_worker):
    press(client, supervisor)
    DBTaskResult.objects.filter(task_path=verify_chains.module_path).update(
        status="RUNNING", started_at="2026-02-10T01:00:00Z"
    )

    assert "正在核验全部办件，开始于 2026-02-10 09:00" in board(client, supervisor)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_the_worker_runs_the_queued_verification_and_the_board_shows_its_result(
    client, accepted, supervisor, with_a_worker
):
    press(client, supervisor)
    work_off_the_queue()

    page = board(client, supervisor)
    assert "共核验 1 个办件" in page and "核验通过" in page and "排队" not in page


@pytest.mark.django_db(transaction=True)
def test_only_the_last_result_is_kept_and_shown(client, accepted, supervisor, with_a_worker):
    press(client, supervisor)
    work_off_the_queue()
    CaseEvent.objects.filter(case=accepted, seq=2).update(actor_name="他人")
    press(client, supervisor)
    work_off_the_queue()

    page = board(client, supervisor)
    assert runs() == 1 and "发现问题" in page and "核验通过" not in page


def test_a_run_that_failed_is_said_and_points_to_the_jobs_page(
    client, accepted, supervisor, with_a_worker
):
    press(client, supervisor)
    DBTaskResult.objects.filter(task_path=verify_chains.module_path).update(
        status="FAILED",
        finished_at="2026-02-10T01:00:00Z",
        exception_class_path="builtins.MemoryError",
    )

    page = board(client, supervisor)
    assert "2026-02-10 09:00 的核验未能完成" in page and 'href="/jobs/"' in page


def test_the_button_is_not_there_for_a_reviewer(client, accepted, reviewer_a):
    client.force_login(reviewer_a)
    assert client.post("/cases/board/audit/").status_code == 404
    assert runs() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_presses_at_the_same_moment_queue_one_run(accepted, with_a_worker, monkeypatch):
    barrier, done = threading.Barrier(2), []
    look = tasks.verification

    def slow_look():  # both presses look before either has queued its run
        state = look()
        time.sleep(0.3)
        return state

    monkeypatch.setattr(tasks, "verification", slow_look)

    def press_now():
        barrier.wait()
        try:
            done.append(request_verification()[1])
        finally:
            connection.close()

    presses = [threading.Thread(target=press_now) for _ in range(2)]
    for thread in presses:
        thread.start()
    for thread in presses:
        thread.join()

    assert sorted(done) == [False, True]
    assert runs() == 1
