"""Real threads, real connections, one case. PostgreSQL only (see the `postgres` marker)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, connections

from cases import engine, intake, review
from cases.events import verify_case
from cases.models import Case, ReviewTask, TaskState
from catalog.importer import place_items
from catalog.models import ApprovalItem, ProjectType, Stage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fork(centre, dept_a, dept_b):
    """Two items in two departments, and a third that needs both."""
    a1 = ApprovalItem.objects.create(
        code="A1", name="用地预审", department=dept_a, legal_limit=20, promised_limit=10
    )
    a2 = ApprovalItem.objects.create(
        code="A2", name="环评审批", department=dept_b, legal_limit=20, promised_limit=10
    )
    b = ApprovalItem.objects.create(
        code="B", name="施工许可", department=centre, legal_limit=20, promised_limit=5
    )
    b.prerequisites.set([a1, a2])
    project = ProjectType.objects.create(name="并发项目")
    stage = Stage.objects.create(project_type=project, order=1, name="一", lead_department=centre)
    place_items(stage, [a1, a2, b])
    return project


def _in_thread(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    finally:
        connections.close_all()


def _race_two_approvals(case, reviewer_a, reviewer_b, monkeypatch):
    """Both reviewers approve at once; each pauses after its own change until the other
    has made its own, so that neither sees the other's approval unless a lock orders them."""
    barrier = threading.Barrier(2, timeout=3)
    real = review._after_task_decided

    def paused(case_, actor):
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass  # with the lock the other thread is blocked before it gets here
        return real(case_, actor)

    monkeypatch.setattr(review, "_after_task_decided", paused)
    t1 = ReviewTask.objects.get(case=case, item__code="A1").pk
    t2 = ReviewTask.objects.get(case=case, item__code="A2").pk
    with ThreadPoolExecutor(2) as pool:
        futures = [
            pool.submit(_in_thread, review.approve_task, t1, reviewer_a),
            pool.submit(_in_thread, review.approve_task, t2, reviewer_b),
        ]
    return [f.exception() for f in futures]


def _accepted_case(fork, applicant, clerk):
    case = engine.apply(applicant, title="并发", project_type=fork)
    return intake.accept(case.pk, clerk)


def test_without_the_case_lock_two_approvals_race(
    fork, applicant, clerk, reviewer_a, reviewer_b, monkeypatch
):
    assert connection.vendor == "postgresql"
    case = _accepted_case(fork, applicant, clerk)
    unlocked = lambda task_id: Case.objects.get(tasks__pk=task_id)  # noqa: E731 - no lock
    monkeypatch.setattr(review, "lock_case_of_task", unlocked)
    errors = _race_two_approvals(case, reviewer_a, reviewer_b, monkeypatch)
    b = ReviewTask.objects.get(case=case, item__code="B")
    # The race shows: one approval is lost to a clash of event numbers, or, where both got
    # through, the dependant item was never released.
    assert any(isinstance(e, IntegrityError) for e in errors) or b.state == TaskState.WAITING


def test_with_the_case_lock_both_approvals_land_and_the_dependant_is_released_once(
    fork, applicant, clerk, reviewer_a, reviewer_b, monkeypatch
):
    case = _accepted_case(fork, applicant, clerk)
    errors = _race_two_approvals(case, reviewer_a, reviewer_b, monkeypatch)
    assert errors == [None, None]
    b = ReviewTask.objects.get(case=case, item__code="B")
    assert b.state == TaskState.IN_REVIEW
    assert case.events.filter(kind="task_dispatched", task=b).count() == 1
    assert verify_case(Case.objects.get(pk=case.pk)) is None


def test_many_users_hammering_one_case_leave_a_consistent_history(
    fork, applicant, clerk, lead, reviewer_a, reviewer_b
):
    case = _accepted_case(fork, applicant, clerk)
    t1 = ReviewTask.objects.get(case=case, item__code="A1").pk
    t2 = ReviewTask.objects.get(case=case, item__code="A2").pk
    ops = [
        (review.approve_task, t1, reviewer_a),
        (review.approve_task, t2, reviewer_b),
        (review.request_supplement, t1, reviewer_a),
        (engine.withdraw, case.pk, applicant),
        (engine.set_fast_track, case.pk, lead),
        (engine.suspend, case.pk, lead),
    ] * 4
    kwargs = {
        review.request_supplement: {"reason": "补正"},
        engine.set_fast_track: {"reason": "重点"},
        engine.suspend: {"reason": "中止"},
    }
    with ThreadPoolExecutor(8) as pool:
        futures = [
            pool.submit(_in_thread, fn, target, actor, **kwargs.get(fn, {}))
            for fn, target, actor in ops
        ]
    from lianban.errors import DomainError

    for f in futures:
        assert f.exception() is None or isinstance(f.exception(), DomainError), f.exception()
    case = Case.objects.get(pk=case.pk)
    assert verify_case(case) is None
    seqs = list(case.events.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    if case.state == "withdrawn":
        assert not case.tasks.filter(
            state__in=["waiting", "in_review", "paused", "referred"]
        ).exists()
