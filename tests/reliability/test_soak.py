"""Twenty threads act on the same few cases at once, through the engine, for SOAK_SECONDS
(10 by default; `make chaos` soaks for a minute). PostgreSQL only (see the `postgres` marker).

Every operation that returned is written down with the event it must have left. Afterwards:
each of those events is in the history exactly once and no other is (no lost update, no
duplicate), every chain verifies, no subject repeats a transition or starts one from a state
it was not in, and the engine's invariants hold on the rows."""

import os
import random
import threading
import time
from collections import Counter

import pytest
from django.db import connections

from cases import engine, intake, review
from cases.events import rebuild_states, verify_case
from cases.models import (
    OPEN_TASK_STATES,
    Case,
    CaseEvent,
    CaseState,
    JointMeeting,
    ReviewTask,
    TaskPause,
    TaskState,
)
from lianban import clock
from lianban.errors import DomainError

from .conftest import pdf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "10"))
THREADS = 20
CASES = 4
FINISHED = {CaseState.DECIDED, CaseState.CLOSED, CaseState.WITHDRAWN, CaseState.REFUSED_AT_INTAKE}
# The events an operation leaves as its own; the others (a dependant dispatched, an open item
# cancelled) follow from these and are checked by the chains and invariants instead.
OWN_KINDS = {
    "applied",
    "accepted",
    "notice_issued",
    "notice_supplied",
    "refused_at_intake",
    "task_approved",
    "task_referred",
    "supplement_requested",
    "supplement_supplied",
    "clock_paused",
    "clock_resumed",
    "meeting_convened",
    "meeting_held",
    "task_resolved",
    "decided",
    "fast_tracked",
    "suspended",
    "resumed",
    "withdrawn",
}
MEETING_KINDS = {"meeting_convened", "meeting_held", "task_resolved"}


def key(case_id, kind, task_id=None, meeting_id=None):
    return (case_id, kind, task_id, meeting_id)


class Soak:
    """The shared cases (slots), the cast, and the journal of what each thread was told."""

    def __init__(self, catalog, cast, seed):
        self.catalog = catalog
        self.cast = cast
        self.seed = seed
        self.slots: list[int | None] = []
        self.lock = threading.Lock()
        self.acknowledged: Counter = Counter()
        self.refused: Counter = Counter()
        self.done: Counter = Counter()
        self.unexpected: list[str] = []
        self.cases: set[int] = set()
        self.reviewer = {
            cast["reviewer_a"].department_id: cast["reviewer_a"],
            cast["reviewer_b"].department_id: cast["reviewer_b"],
            cast["lead"].department_id: cast["lead"],
        }

    # ---- the operations: each acts once and returns the events it must have left ----

    def apply(self):
        case = engine.apply(
            self.cast["applicant"],
            title="并发压测",
            project_type=self.catalog["project"],
            files={str(self.catalog["form"].pk): pdf()},
        )
        with self.lock:
            self.cases.add(case.pk)
        return case, [key(case.pk, "applied")]

    def accept(self, case, rng):
        intake.accept(case.pk, self.cast["clerk"])
        return [key(case.pk, "accepted")]

    def notice(self, case, rng):
        problems = [{"material": self.catalog["form"].pk, "problem": "签字不全"}]
        intake.issue_notice(case.pk, self.cast["clerk"], problems)
        return [key(case.pk, "notice_issued")]

    def supply_notice(self, case, rng):
        intake.supply_notice(case.pk, self.cast["applicant"], {str(self.catalog["form"].pk): pdf()})
        return [key(case.pk, "notice_supplied")]

    def refuse_intake(self, case, rng):
        intake.refuse_intake(case.pk, self.cast["clerk"], "不符合受理条件")
        return [key(case.pk, "refused_at_intake")]

    def approve(self, case, rng):
        task = self._task(case, rng, TaskState.IN_REVIEW)
        task = review.approve_task(task.pk, self.reviewer[task.department_id], opinion="同意")
        kind = "task_referred" if task.state == TaskState.REFERRED else "task_approved"
        return [key(case.pk, kind, task.pk)]

    def refuse(self, case, rng):
        task = self._task(case, rng, TaskState.IN_REVIEW)
        review.refuse_task(task.pk, self.reviewer[task.department_id], opinion="不符合条件")
        return [key(case.pk, "task_referred", task.pk)]

    def supplement(self, case, rng):
        task = self._task(case, rng, TaskState.IN_REVIEW)
        review.request_supplement(task.pk, self.reviewer[task.department_id], reason="补正")
        return [key(case.pk, "supplement_requested", task.pk)]

    def supply(self, case, rng):
        task = self._task(case, rng, TaskState.PAUSED)
        files = {str(self.catalog["form"].pk): pdf()} if rng.random() < 0.3 else None
        review.supply_supplement(task.pk, self.cast["applicant"], files=files, note="已补正")
        return [key(case.pk, "supplement_supplied", task.pk)]

    def exclude(self, case, rng):
        task = self._task(case, rng, TaskState.IN_REVIEW)
        actor = self.reviewer[task.department_id]
        review.exclude_time(task.pk, actor, kind=TaskPause.Kind.EXPERT, reason="专家评审")
        return [key(case.pk, "clock_paused", task.pk)]

    def resume_clock(self, case, rng):
        task = self._task(case, rng, TaskState.PAUSED)
        review.resume_clock(task.pk, self.reviewer[task.department_id])
        return [key(case.pk, "clock_resumed", task.pk)]

    def convene(self, case, rng):
        when = clock.now()  # held at once: a meeting is recorded only once it has begun
        meeting = review.convene_meeting(case.pk, self.cast["lead"], scheduled_for=when)
        return [key(case.pk, "meeting_convened", None, meeting.pk)]

    def record(self, case, rng):
        meeting = JointMeeting.objects.filter(case=case, state="convened").order_by("?").first()
        if meeting is None:
            return None
        agenda = list(meeting.tasks.values_list("pk", flat=True))
        resolutions = {str(t): {"approve": rng.random() < 0.7, "text": "决议"} for t in agenda}
        review.record_meeting(meeting.pk, self.cast["lead"], attendance={}, resolutions=resolutions)
        return [key(case.pk, "meeting_held", None, meeting.pk)] + [
            key(case.pk, "task_resolved", t, meeting.pk) for t in agenda
        ]

    def decide(self, case, rng):
        engine.decide(case.pk, self.cast["lead"], "经审查，作出决定")
        return [key(case.pk, "decided")]

    def fast_track(self, case, rng):
        engine.set_fast_track(case.pk, self.cast["lead"], "重点项目")
        return [key(case.pk, "fast_tracked")]

    def suspend(self, case, rng):
        engine.suspend(case.pk, self.cast["lead"], "等待上级批复")
        return [key(case.pk, "suspended")]

    def resume(self, case, rng):
        engine.resume(case.pk, self.cast["lead"])
        return [key(case.pk, "resumed")]

    def withdraw(self, case, rng):
        engine.withdraw(case.pk, self.cast["applicant"], "项目调整")
        return [key(case.pk, "withdrawn")]

    def _task(self, case, rng, prefer):
        """A task of the case, most often one in the state the operation wants (as read now,
        without a lock: by the time the operation runs it may have moved on)."""
        tasks = list(ReviewTask.objects.filter(case=case))
        preferred = [t for t in tasks if t.state == prefer]
        return rng.choice(preferred if preferred and rng.random() < 0.9 else tasks)

    # ---- the threads -------------------------------------------------------------------

    WEIGHTS = {
        CaseState.SUBMITTED: {"accept": 6, "notice": 2, "refuse_intake": 0.2, "fast_track": 1},
        CaseState.NOTICE: {"supply_notice": 5, "refuse_intake": 0.2, "withdraw": 0.2},
        CaseState.IN_REVIEW: {
            "approve": 8,
            "refuse": 1.5,
            "supplement": 2,
            "supply": 3,
            "exclude": 1,
            "resume_clock": 1.5,
            "convene": 2,
            "record": 3,
            "decide": 3,
            "fast_track": 0.5,
            "suspend": 1,
            "withdraw": 0.1,
        },
        CaseState.SUSPENDED: {"resume": 5, "supply": 1, "withdraw": 0.2},
    }
    # At random, often at the wrong moment (the guards must refuse it); the operations that
    # end a case only where weighed, or few cases would live long enough to be decided.
    ANY = sorted(
        {name for weights in WEIGHTS.values() for name in weights} - {"withdraw", "refuse_intake"}
    )

    def pick(self, state, rng) -> str:
        if rng.random() < 0.15 or state not in self.WEIGHTS:
            return rng.choice(self.ANY)
        weights = self.WEIGHTS[state]
        return rng.choices(list(weights), weights=list(weights.values()))[0]

    def step(self, rng) -> None:
        slot = rng.randrange(len(self.slots))
        case_id = self.slots[slot]
        if case_id is None:
            return  # another thread is replacing this case
        case = Case.objects.get(pk=case_id)
        if case.state in FINISHED:
            self._replace(slot, case_id)
            return
        name = self.pick(case.state, rng)
        try:
            events = getattr(self, name)(case, rng)
        except DomainError:
            with self.lock:
                self.refused[name] += 1
            return
        if events is not None:
            with self.lock:
                self.acknowledged.update(events)
                self.done[name] += 1

    def _replace(self, slot, case_id) -> None:
        with self.lock:
            if self.slots[slot] != case_id:
                return
            self.slots[slot] = None
        new_id = case_id
        try:
            case, events = self.apply()
            new_id = case.pk
            with self.lock:
                self.acknowledged.update(events)
                self.done["apply"] += 1
        finally:
            self.slots[slot] = new_id

    def run_thread(self, n: int, deadline: float) -> None:
        rng = random.Random(f"{self.seed}-{n}")
        try:
            while time.monotonic() < deadline:
                try:
                    self.step(rng)
                except Exception as exc:  # anything but a domain refusal is a finding
                    with self.lock:
                        self.unexpected.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()


# ---- what must hold afterwards ---------------------------------------------------------


def recorded_events(case_ids) -> Counter:
    counted = Counter()
    for case_id, kind, task_id, payload in CaseEvent.objects.filter(
        case_id__in=case_ids, kind__in=OWN_KINDS
    ).values_list("case_id", "kind", "task_id", "payload"):
        meeting = payload.get("meeting") if kind in MEETING_KINDS else None
        counted[key(case_id, kind, task_id, meeting)] += 1
    return counted


def transition_problems(case: Case) -> list[str]:
    """Each subject (the case, each task) moves from the state it was in, never twice the
    same way in a row, and no task's clock starts while the case is suspended. Suspension
    pauses every task then in review, resumption restarts them (as events.rebuild_states)."""
    problems = []
    state = {None: ""}
    suspended = set()
    previous = None
    for event in case.events.order_by("seq"):
        if previous is not None and (
            event.to_state
            and (event.kind, event.task_id, event.from_state, event.to_state)
            == (previous.kind, previous.task_id, previous.from_state, previous.to_state)
        ):
            problems.append(f"{case.number} #{event.seq}: {event.kind} repeated")
        previous = event
        if not event.to_state:
            continue
        subject = event.task_id
        before = state.get(subject, TaskState.WAITING if subject else "")
        if event.from_state != before:
            problems.append(
                f"{case.number} #{event.seq}: {event.kind} from {event.from_state!r}, "
                f"but it was {before!r}"
            )
        if subject and event.to_state == TaskState.IN_REVIEW and state[None] == "suspended":
            problems.append(
                f"{case.number} #{event.seq}: {event.kind} started a clock while suspended"
            )
        state[subject] = event.to_state
        suspended.discard(subject)
        if event.kind == "suspended":
            suspended = {t for t, s in state.items() if t and s == TaskState.IN_REVIEW}
            state.update(dict.fromkeys(suspended, TaskState.PAUSED))
        elif event.kind == "resumed":
            state.update(dict.fromkeys(suspended, TaskState.IN_REVIEW))
            suspended = set()
    return problems


def invariant_problems(case: Case) -> list[str]:
    problems = []
    tasks = list(case.tasks.all())
    if case.state in FINISHED:
        open_tasks = [t.pk for t in tasks if t.state in OPEN_TASK_STATES]
        if open_tasks:
            problems.append(f"{case.number} is {case.state} with open tasks {open_tasks}")
    rebuilt = rebuild_states(case)
    if rebuilt["state"] != case.state:
        problems.append(f"{case.number}: replayed {rebuilt['state']}, row says {case.state}")
    for task in tasks:
        if task.due_date and task.dispatched_on and task.due_date < task.dispatched_on:
            problems.append(f"task {task.pk} due {task.due_date} before {task.dispatched_on}")
        # A suspension stops a referred item's clock too, while it stays referred.
        stopped = task.state == TaskState.PAUSED or (
            task.state == TaskState.REFERRED and case.state == CaseState.SUSPENDED
        )
        if stopped != (task.paused_on is not None):
            problems.append(f"task {task.pk} {task.state} with paused_on {task.paused_on}")
        open_pauses = task.pauses.filter(ended_on__isnull=True).count()
        if open_pauses != (1 if stopped else 0):
            problems.append(f"task {task.pk} {task.state} with {open_pauses} open pauses")
        if rebuilt["tasks"].get(task.pk, TaskState.WAITING) != task.state:
            problems.append(
                f"task {task.pk}: replayed {rebuilt['tasks'].get(task.pk)}, row says {task.state}"
            )
        if case.state == CaseState.SUSPENDED and task.state == TaskState.IN_REVIEW:
            problems.append(f"task {task.pk} of suspended {case.number} has its clock running")
    return problems


def test_twenty_threads_on_the_same_cases_lose_and_duplicate_nothing(
    monday, soak_catalog, applicant, clerk, lead, reviewer_a, reviewer_b
):
    cast = {
        "applicant": applicant,
        "clerk": clerk,
        "lead": lead,
        "reviewer_a": reviewer_a,
        "reviewer_b": reviewer_b,
    }
    seed = os.environ.get("SOAK_SEED", str(random.SystemRandom().randrange(10**6)))
    soak = Soak(soak_catalog, cast, seed)
    for _ in range(CASES):
        case, events = soak.apply()
        soak.slots.append(case.pk)
        soak.acknowledged.update(events)
    deadline = time.monotonic() + SOAK_SECONDS
    threads = [threading.Thread(target=soak.run_thread, args=(n, deadline)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    done = sum(soak.done.values())
    print(
        f"\nsoak seed={seed}: {THREADS} threads × {SOAK_SECONDS:g} s on {CASES} cases at a time: "
        f"{done} operations done, {sum(soak.refused.values())} refused by a guard, "
        f"{len(soak.cases)} cases; done {dict(soak.done)}"
    )
    assert soak.unexpected == [], soak.unexpected[:10]
    assert done > THREADS and len(soak.done) >= 10  # it really did something, of many kinds

    found = recorded_events(soak.cases)
    lost = soak.acknowledged - found
    extra = found - soak.acknowledged
    assert not lost, f"acknowledged but not in the history: {sorted(lost.items())[:10]}"
    assert not extra, f"in the history more often than acknowledged: {sorted(extra.items())[:10]}"

    problems = []
    for case in Case.objects.filter(pk__in=soak.cases).order_by("pk"):
        chain = verify_case(case)
        if chain:
            problems.append(str(chain))
        seqs = list(case.events.order_by("seq").values_list("seq", flat=True))
        if seqs != list(range(1, len(seqs) + 1)):
            problems.append(f"{case.number}: event numbers {seqs}")
        problems += transition_problems(case)
        problems += invariant_problems(case)
    assert problems == [], problems[:10]
