"""The hash-chained event history of a case (its audit trail).

Each event's hash is SHA-256 over a canonical JSON form of the event and the hash of the
one before it; the first event chains to GENESIS. Keep `_canonical` in step with the fields
`append_event` writes: a field left out of the hash could be changed unnoticed."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from django.db.models import Count
from django.utils.translation import gettext as _

from lianban import clock

from .models import Case, CaseEvent

GENESIS = "0" * 64


def _canonical(event: CaseEvent) -> bytes:
    body = {
        "case": event.case_id,
        "seq": event.seq,
        # In UTC, as the database gives it back, whatever zone the clock handed us.
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "kind": event.kind,
        "from": event.from_state,
        "to": event.to_state,
        "task": event.task_id,
        "payload": event.payload,
        "prev": event.prev_hash,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def compute_hash(event: CaseEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def append_event(
    case: Case,
    actor,
    kind: str,
    *,
    from_state: str = "",
    to_state: str = "",
    task=None,
    payload: dict | None = None,
    case_fields=(),
) -> CaseEvent:
    """Append one event. The caller holds the case row locked (engine functions do)."""
    spec = {
        "kind": kind,
        "from_state": from_state,
        "to_state": to_state,
        "task": task,
        "payload": payload,
    }
    return append_events(case, actor, [spec], case_fields=case_fields)[0]


def append_events(case: Case, actor, specs: list[dict], *, case_fields=()) -> list[CaseEvent]:
    """Append several events at once, chained in order (each spec: kind, from_state,
    to_state, task, payload): one insert and one update of the case, however many.
    `case_fields` are other fields of the case the caller changed: they are saved in the
    same update, so a change of state and its event cost one update of the case row."""
    at = clock.now()
    events = []
    for spec in specs:
        event = CaseEvent(
            case=case,
            seq=case.event_count + 1,
            at=at,
            actor=actor if actor is not None and actor.pk else None,
            actor_name=str(actor) if actor is not None else "系统",
            actor_role=getattr(actor, "role", "system") if actor is not None else "system",
            kind=spec["kind"],
            from_state=spec.get("from_state", ""),
            to_state=spec.get("to_state", ""),
            task=spec.get("task"),
            payload=json.loads(
                json.dumps(spec.get("payload") or {}, ensure_ascii=False, default=str)
            ),
            prev_hash=case.last_hash or GENESIS,
        )
        event.hash = compute_hash(event)
        case.event_count = event.seq
        case.last_hash = event.hash
        events.append(event)
    CaseEvent.objects.bulk_create(events)
    case.save(update_fields=[*case_fields, "event_count", "last_hash"])
    return events


@dataclass
class ChainProblem:
    case_number: str
    seq: int
    reason: str
    case_id: int | None = None

    def __str__(self):
        return _("办件 %(number)s 第 %(seq)s 条事件：%(reason)s") % {
            "number": self.case_number,
            "seq": self.seq,
            "reason": self.reason,
        }


def verify_case(case: Case) -> ChainProblem | None:
    """The first broken link of one case's chain, or None when it verifies."""
    return _check_chain(case, case.events.order_by("seq").iterator(chunk_size=500))


def _check_chain(case: Case, events) -> ChainProblem | None:
    """`events`: the case's events in order of seq."""
    prev = GENESIS
    expected_seq = 1
    last = None
    for event in events:
        if event.seq != expected_seq:
            return ChainProblem(case.number, expected_seq, _("事件缺失或序号不连续"), case.pk)
        if event.prev_hash != prev:
            return ChainProblem(case.number, event.seq, _("与上一条事件的哈希不衔接"), case.pk)
        if compute_hash(event) != event.hash:
            return ChainProblem(case.number, event.seq, _("内容被改动（哈希不符）"), case.pk)
        prev = event.hash
        expected_seq += 1
        last = event
    if case.event_count != expected_seq - 1 or (last and case.last_hash != last.hash):
        return ChainProblem(
            case.number, expected_seq, _("办件记录的事件数或链尾哈希与事件不符"), case.pk
        )
    return None


VERIFY_BATCH = 500  # cases whose events are read in one ordered query


def verify_all(queryset=None):
    """Yield every broken chain's first problem, case by case. The events of a batch of
    cases come in one query ordered by case and seq, so a million cases take two queries
    per batch, not one per case."""
    queryset = queryset if queryset is not None else Case.objects.all()
    batch: list[Case] = []
    for case in queryset.order_by("pk").iterator(chunk_size=VERIFY_BATCH):
        batch.append(case)
        if len(batch) == VERIFY_BATCH:
            yield from _verify_batch(batch)
            batch = []
    if batch:
        yield from _verify_batch(batch)


def _verify_batch(cases: list[Case]):
    events = CaseEvent.objects.filter(case_id__in=[c.pk for c in cases]).order_by("case_id", "seq")
    groups = groupby(events.iterator(chunk_size=2000), key=attrgetter("case_id"))
    current = next(groups, None)
    for case in cases:  # in order of pk, as the events are
        if current is not None and current[0] == case.pk:
            problem = _check_chain(case, current[1])
            current = next(groups, None)  # skips what is left of this case's events
        else:
            problem = _check_chain(case, ())
        if problem:
            yield problem


def event_counts_by_kind(case: Case) -> dict[str, int]:
    return dict(case.events.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))


def rebuild_states(case: Case) -> dict:
    """A case's state and its tasks' states, replayed from its events alone.

    Suspension and resumption are case events only: "suspended" pauses every task then in
    review and "resumed" restarts those it paused (keep in step with engine.suspend/resume)."""
    state = ""
    tasks: dict[int, str] = {}
    suspended: set[int] = set()
    for event in case.events.order_by("seq"):
        if event.task_id is not None:
            if event.to_state:
                tasks[event.task_id] = event.to_state
                suspended.discard(event.task_id)
        elif event.to_state:
            state = event.to_state
            if event.kind == "suspended":
                suspended = {pk for pk, s in tasks.items() if s == "in_review"}
                tasks.update(dict.fromkeys(suspended, "paused"))
            elif event.kind == "resumed":
                tasks.update(dict.fromkeys(suspended, "in_review"))
                suspended = set()
    return {"state": state, "tasks": tasks}
