"""The floor: the least any engine of our shape can do per step with the Django ORM.

Issue 7's engine targets (4× SpiffWorkflow at K = 5, 10× at K = 40) were argued out of reach
for one ORM transaction per step; this measures it. The same case (apply, accept, K
approvals, decide, document record), the same tables, each step its own transaction that
loads the acting user and locks the case, and the same hash-chained history, but nothing
else: no permission rules beyond loading the user, no state guards, no working-day
deadlines, no prerequisites, no notifications, no supervision lights, no idempotency. It
is not an engine anyone should run; it is the line below which ours cannot go without
leaving the ORM or the design.

Statements (BEGIN and COMMIT included): apply 7, accept 7, approve 8, decide 6, document 6;
26 + 8·K a case, against our 60 + 9·K.
"""

import hashlib
from contextlib import nullcontext


def _user(pk: int):
    from benchmarks.engine_bench import _user  # imported late: engine_bench imports this module

    return _user(pk)


def setup(cast) -> tuple[int, dict[int, int]]:
    """What the floor's walk needs beyond the cast, read once, outside the timing: the lead
    department and each item's department."""
    from accounts.models import User
    from catalog.models import ApprovalItem

    centre = User.objects.get(pk=cast.lead).department_id
    items = dict(ApprovalItem.objects.filter(pk__in=cast.items).values_list("pk", "department"))
    return centre, items


def _event(case_id: int, seq: int, prev: str, actor, kind: str, task_id=None) -> str:
    """Append one event to the case's chain; returns its hash."""
    from cases.models import CaseEvent
    from lianban import clock

    at = clock.now()
    digest = hashlib.sha256(f"{prev}|{case_id}|{seq}|{kind}|{task_id}|{at}".encode()).hexdigest()
    CaseEvent.objects.create(
        case_id=case_id,
        seq=seq,
        at=at,
        actor=actor,
        actor_name=actor.display_name,
        actor_role=actor.role,
        kind=kind,
        task_id=task_id,
        prev_hash=prev,
        hash=digest,
    )
    return digest


def _locked_case(case_id: int):
    from cases.models import Case

    return Case.objects.select_for_update().only("event_count", "last_hash").get(pk=case_id)


def _advance(case, actor, kind: str, task_id=None, **changes) -> None:
    """The event and the case's own change (its chain head and any fields) in one update."""
    from cases.models import Case

    seq = case.event_count + 1
    head = _event(case.pk, seq, case.last_hash, actor, kind, task_id)
    Case.objects.filter(pk=case.pk).update(event_count=seq, last_hash=head, **changes)


def apply(applicant_id: int, lead_department_id: int, items: dict[int, int], n: int) -> int:
    """`items`: item id -> its department id."""
    from django.db import transaction

    from cases.models import Case, ReviewTask
    from lianban import clock

    with transaction.atomic():
        applicant = _user(applicant_id)
        case = Case.objects.create(
            number=f"FLOOR-{applicant_id}-{n}",  # the applicant is new for every K
            query_code="000000",
            region_code="139999",
            title=f"基准项目 {n}",
            applicant=applicant,
            lead_department_id=lead_department_id,
            submitted_at=clock.now(),
        )
        ReviewTask.objects.bulk_create(
            ReviewTask(
                case=case,
                item_id=item,
                item_version=1,
                department_id=department,
                limit_days=10,
                legal_limit_days=20,
            )
            for item, department in items.items()
        )
        head = _event(case.pk, 1, "", applicant, "submitted")
        Case.objects.filter(pk=case.pk).update(event_count=1, last_hash=head)
    return case.pk


def accept(case_id: int, clerk_id: int) -> None:
    from django.db import transaction

    from cases.models import ReviewTask
    from lianban import clock

    with transaction.atomic():
        clerk = _user(clerk_id)
        case = _locked_case(case_id)
        today = clock.today()
        ReviewTask.objects.filter(case_id=case_id).update(
            state="in_review", dispatched_on=today, due_date=today
        )
        _advance(case, clerk, "accepted", state="in_review", accepted_at=clock.now())


def approve(task_id: int, reviewer_id: int) -> None:
    from django.db import transaction

    from cases.models import OPEN_TASK_STATES, ReviewTask
    from lianban import clock

    with transaction.atomic():
        reviewer = _user(reviewer_id)
        task = ReviewTask.objects.select_for_update().select_related("case").get(pk=task_id)
        ReviewTask.objects.filter(pk=task_id).update(
            state="approved", decided_at=clock.now(), decided_by=reviewer
        )
        # Whether the case is complete: the answer an engine must know after each approval.
        ReviewTask.objects.filter(case_id=task.case_id, state__in=OPEN_TASK_STATES).exists()
        _advance(task.case, reviewer, "task_approved", task_id)


def decide(case_id: int, lead_id: int) -> None:
    from django.db import transaction

    from lianban import clock

    with transaction.atomic():
        lead = _user(lead_id)
        _advance(_locked_case(case_id), lead, "decided", state="decided", decided_at=clock.now())


def record_document(case_id: int, lead_id: int) -> None:
    from django.db import transaction

    from lianban import clock

    with transaction.atomic():
        lead = _user(lead_id)
        _advance(
            _locked_case(case_id), lead, "document_issued", state="closed", closed_at=clock.now()
        )


def walk(
    cast, n: int, lead_department_id: int, items: dict[int, int], observe=None, steps=None
) -> int:
    """One case, step by step, as engine_bench.walk_case walks ours; returns its id. `steps`:
    the module whose apply, accept, approve, decide and record_document make the statements
    (this one; engine_floor_raw for the same by hand)."""
    import sys

    from cases.models import ReviewTask

    steps = steps or sys.modules[__name__]
    observe = observe or (lambda op: nullcontext())
    with observe("apply"):
        case_id = steps.apply(cast.applicant, lead_department_id, items, n)
    with observe("accept"):
        steps.accept(case_id, cast.clerk)
    tasks = ReviewTask.objects.filter(case_id=case_id).order_by("pk")
    for task_id, department_id in tasks.values_list("pk", "department_id"):
        with observe("approve"):
            steps.approve(task_id, cast.reviewers[department_id])
    with observe("decide"):
        steps.decide(case_id, cast.lead)
    with observe("document"):
        steps.record_document(case_id, cast.lead)
    return case_id
