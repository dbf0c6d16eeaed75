"""Random sequences of engine operations by random roles; the invariants hold after each.

The invariants: no case is decided or closed with an open task; no task is due before it
was dispatched; a paused task's clock does not run (its due date holds still until it
resumes); events are strictly ordered and their chain verifies; a refused operation changes
nothing at all."""

import datetime as dt
import itertools

import pytest
import time_machine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from cases import engine, intake, review
from cases.events import verify_case
from cases.models import OPEN_TASK_STATES, Case, CaseState, JointMeeting, ReviewTask, TaskState
from cases.supervision import tick
from lianban.errors import DomainError

from .conftest import at, pdf

# Each action with the role that would normally take it; a random other role sometimes tries.
ACTIONS = {
    "notice": "clerk",
    "supply_notice": "applicant",
    "accept": "clerk",
    "refuse_intake": "clerk",
    "approve": "reviewer",
    "refuse": "reviewer",
    "supplement": "reviewer",
    "supply": "applicant",
    "exclude": "reviewer",
    "resume_clock": "reviewer",
    "convene": "lead",
    "record": "lead",
    "decide": "lead",
    "withdraw": "applicant",
    "suspend": "lead",
    "resume": "lead",
    "fast_track": "lead",
}
WEIGHTED = (
    ["accept"] * 3 + ["approve"] * 6 + ["decide"] * 3 + ["convene", "record"] * 2 + sorted(ACTIONS)
)


def snapshot(case_id):
    case = Case.objects.get(pk=case_id)
    tasks = tuple(
        ReviewTask.objects.filter(case_id=case_id)
        .order_by("pk")
        .values_list("state", "due_date", "paused_on", "paused_days", "dispatched_on")
    )
    meetings = tuple(JointMeeting.objects.filter(case_id=case_id).values_list("pk", "state"))
    return (
        case.state,
        case.event_count,
        case.last_hash,
        case.fast_track,
        case.due_date,
        tasks,
        meetings,
    )


@pytest.mark.django_db
def test_random_operations_keep_every_invariant(
    catalog, applicant, agent, clerk, lead, reviewer_a, reviewer_b, charlie
):
    cast = {
        "applicant": applicant,
        "clerk": clerk,
        "lead": lead,
        "reviewer_a": reviewer_a,
        "reviewer_b": reviewer_b,
        "charlie": charlie,
        "agent": agent,
    }

    class CaseMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.day = dt.date(2026, 2, 10)
            self.traveller = time_machine.travel(at(2026, 2, 10), tick=False)
            self.traveller.start()
            files = {str(catalog[k].pk): pdf() for k in ("form", "filing", "drawings")}
            self.case_id = engine.apply(
                applicant, title="属性测试项目", project_type=catalog["project"], files=files
            ).pk
            self.paused_due = {}

        def teardown(self):
            self.traveller.stop()

        @rule(days=st.integers(min_value=0, max_value=4))
        def time_passes(self, days):
            self.day += dt.timedelta(days=days)
            self.traveller.stop()
            self.traveller = time_machine.travel(
                at(self.day.year, self.day.month, self.day.day), tick=False
            )
            self.traveller.start()
            tick()

        @rule(
            action=st.sampled_from(WEIGHTED),
            intruder=st.sampled_from([None, None, None, *sorted(cast)]),
            pick=st.integers(min_value=0, max_value=3),
            approve=st.booleans(),
        )
        def act(self, action, intruder, pick, approve):
            tasks = list(ReviewTask.objects.filter(case_id=self.case_id).order_by("pk"))
            task = tasks[pick % len(tasks)]
            who = intruder or ACTIONS[action]
            if who == "reviewer":
                who = (
                    "reviewer_a" if task.department_id == reviewer_a.department_id else "reviewer_b"
                )
            actor = cast[who]
            before = snapshot(self.case_id)
            try:
                self._do(action, actor, task, approve)
            except DomainError:
                assert snapshot(self.case_id) == before, (
                    f"refused {action} by {who} changed something"
                )
            else:
                if action == "fast_track":
                    self.paused_due.clear()  # a shortened limit moves paused deadlines too
            for t in ReviewTask.objects.filter(case_id=self.case_id, state=TaskState.PAUSED):
                self.paused_due.setdefault(t.pk, t.due_date)
            for pk in list(self.paused_due):
                if not ReviewTask.objects.filter(pk=pk, state=TaskState.PAUSED).exists():
                    del self.paused_due[pk]

        def _do(self, action, actor, task, approve):
            cid = self.case_id
            if action == "notice":
                intake.issue_notice(
                    cid, actor, [{"material": catalog["filing"].pk, "problem": "未盖章"}]
                )
            elif action == "supply_notice":
                intake.supply_notice(cid, actor, {str(catalog["filing"].pk): pdf()})
            elif action == "accept":
                intake.accept(cid, actor)
            elif action == "refuse_intake":
                intake.refuse_intake(cid, actor, "不符合受理条件")
            elif action == "approve":
                review.approve_task(task.pk, actor, opinion="同意")
            elif action == "refuse":
                review.refuse_task(task.pk, actor, opinion="不符合条件")
            elif action == "supplement":
                review.request_supplement(task.pk, actor, reason="补正")
            elif action == "supply":
                review.supply_supplement(task.pk, actor, note="已补正")
            elif action == "exclude":
                review.exclude_time(task.pk, actor, kind="testing", reason="检测")
            elif action == "resume_clock":
                review.resume_clock(task.pk, actor)
            elif action == "convene":
                # Held at once: a meeting is recorded only once its time has come.
                review.convene_meeting(cid, actor, scheduled_for=engine.clock.now())
            elif action == "record":
                meeting = JointMeeting.objects.filter(case_id=cid, state="convened").first()
                if meeting is None:
                    raise DomainError("no meeting")
                resolutions = {
                    str(t.pk): {"approve": approve, "text": "决议"} for t in meeting.tasks.all()
                }
                review.record_meeting(meeting.pk, actor, attendance={}, resolutions=resolutions)
            elif action == "decide":
                engine.decide(cid, actor, "决定")
            elif action == "withdraw":
                engine.withdraw(cid, actor, "撤回")
            elif action == "suspend":
                engine.suspend(cid, actor, "中止")
            elif action == "resume":
                engine.resume(cid, actor)
            elif action == "fast_track":
                engine.set_fast_track(cid, actor, "重点项目")

        @invariant()
        def no_closed_case_with_an_open_task(self):
            case = Case.objects.get(pk=self.case_id)
            if case.state in (
                CaseState.DECIDED,
                CaseState.CLOSED,
                CaseState.WITHDRAWN,
                CaseState.REFUSED_AT_INTAKE,
            ):
                assert not case.tasks.filter(state__in=OPEN_TASK_STATES).exists()

        @invariant()
        def no_task_due_before_dispatch(self):
            for t in ReviewTask.objects.filter(case_id=self.case_id, dispatched_on__isnull=False):
                assert t.due_date >= t.dispatched_on

        @invariant()
        def paused_clocks_do_not_run(self):
            for pk, due in self.paused_due.items():
                task = ReviewTask.objects.get(pk=pk)
                assert task.state == TaskState.PAUSED and task.paused_on is not None
                assert task.due_date == due
            assert not ReviewTask.objects.filter(
                case_id=self.case_id, state=TaskState.IN_REVIEW, paused_on__isnull=False
            ).exists()

        @invariant()
        def events_are_ordered_and_chained(self):
            case = Case.objects.get(pk=self.case_id)
            seqs = list(case.events.order_by("seq").values_list("seq", "at"))
            assert [s for s, _ in seqs] == list(range(1, len(seqs) + 1))
            assert all(a <= b for (_, a), (_, b) in itertools.pairwise(seqs))
            assert verify_case(case) is None

    CaseMachine.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    CaseMachine.TestCase().runTest()
