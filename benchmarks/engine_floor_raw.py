"""The raw floor: engine_floor.py's walk with hand-written SQL instead of the ORM.

The same case over the same tables, step for step and statement for statement (apply 7,
accept 7, approve 8, decide 6, document 6; 26 + 8·K a case): each step its own transaction
that loads the acting user and locks the case, and the same hash-chained history. Only the
way the statements are made differs: SQL strings written once, run through Django's
cursor. It answers what the ORM's query building costs an engine, and whether any engine
of this shape, written in Python with one transaction per step, can reach issue 7's
targets. No engine of ours should be written this way; it is a measuring stick."""

import hashlib
import sys


def _open_states() -> list[str]:
    from cases.models import OPEN_TASK_STATES

    return sorted(OPEN_TASK_STATES)


def _ops():
    from django.db import connection

    return connection


def _lock() -> str:
    # SQLite's IMMEDIATE transaction already holds the database's write lock.
    return " FOR UPDATE" if _ops().vendor == "postgresql" else ""


def _now():
    from lianban import clock

    return _ops().ops.adapt_datetimefield_value(clock.now())


def _user(cursor, pk: int) -> tuple[int, str, str]:
    cursor.execute(
        "SELECT id, display_name, role FROM accounts_user WHERE id = %s AND is_active", [pk]
    )
    return cursor.fetchone()


def _locked_case(cursor, case_id: int) -> tuple[int, str]:
    cursor.execute(
        "SELECT event_count, last_hash FROM cases_case WHERE id = %s" + _lock(), [case_id]
    )
    return cursor.fetchone()


def _advance(cursor, case_id, head, user, kind, task_id=None, sets="", params=()) -> None:
    """The event and the case's own change (its chain head and any fields) in one update."""
    count, prev = head
    seq, at = count + 1, _now()
    digest = hashlib.sha256(f"{prev}|{case_id}|{seq}|{kind}|{task_id}|{at}".encode()).hexdigest()
    cursor.execute(
        "INSERT INTO cases_caseevent (case_id, seq, at, actor_id, actor_name, actor_role, kind,"
        " from_state, to_state, task_id, payload, prev_hash, hash)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, '', '', %s, '{}', %s, %s)",
        [case_id, seq, at, user[0], user[1], user[2], kind, task_id, prev, digest],
    )
    cursor.execute(
        f"UPDATE cases_case SET event_count = %s, last_hash = %s{sets} WHERE id = %s",
        [seq, digest, *params, case_id],
    )


def apply(applicant_id: int, lead_department_id: int, items: dict[int, int], n: int) -> int:
    from django.db import transaction

    with transaction.atomic(), _ops().cursor() as cursor:
        user = _user(cursor, applicant_id)
        cursor.execute(
            "INSERT INTO cases_case (number, query_code, region_code, title, applicant_id,"
            " lead_department_id, channel, state, state_before_suspension, decision,"
            " decision_text, fast_track, fast_track_reason, submitted_at, light, event_count,"
            " last_hash) VALUES (%s, '000000', '139999', %s, %s, %s, 'online', 'submitted',"
            " '', '', '', %s, '', %s, 'green', 0, '') RETURNING id",
            [
                f"RAW-{applicant_id}-{n}",
                f"基准项目 {n}",
                user[0],
                lead_department_id,
                False,
                _now(),
            ],
        )
        case_id = cursor.fetchone()[0]
        cursor.executemany(
            "INSERT INTO cases_reviewtask (case_id, item_id, item_version, department_id, state,"
            " limit_days, limit_unit, legal_limit_days, legal_limit_unit, needs_meeting,"
            " pause_kind, paused_days, recommendation, opinion, conditions, result_number,"
            " light) VALUES (%s, %s, 1, %s, 'waiting', 10, 'working', 20, 'working', %s, '', 0,"
            " '', '', '', '', 'green')",
            [(case_id, item, department, False) for item, department in items.items()],
        )
        _advance(cursor, case_id, (0, ""), user, "submitted")
    return case_id


def accept(case_id: int, clerk_id: int) -> None:
    from django.db import transaction

    from lianban import clock

    with transaction.atomic(), _ops().cursor() as cursor:
        user = _user(cursor, clerk_id)
        head = _locked_case(cursor, case_id)
        today = _ops().ops.adapt_datefield_value(clock.today())
        cursor.execute(
            "UPDATE cases_reviewtask SET state = 'in_review', dispatched_on = %s, due_date = %s"
            " WHERE case_id = %s",
            [today, today, case_id],
        )
        _advance(
            cursor, case_id, head, user, "accepted", None,
            ", state = 'in_review', accepted_at = %s", [_now()],
        )  # fmt: skip


def approve(task_id: int, reviewer_id: int) -> None:
    from django.db import transaction

    with transaction.atomic(), _ops().cursor() as cursor:
        user = _user(cursor, reviewer_id)
        cursor.execute(
            "SELECT t.case_id, c.event_count, c.last_hash FROM cases_reviewtask t"
            " JOIN cases_case c ON c.id = t.case_id WHERE t.id = %s" + _lock(),
            [task_id],
        )
        case_id, *head = cursor.fetchone()
        cursor.execute(
            "UPDATE cases_reviewtask SET state = 'approved', decided_at = %s, decided_by_id = %s"
            " WHERE id = %s",
            [_now(), user[0], task_id],
        )
        # Whether the case is complete: the answer an engine must know after each approval.
        cursor.execute(
            "SELECT 1 FROM cases_reviewtask WHERE case_id = %s AND state IN (%s, %s, %s, %s)"
            " LIMIT 1",
            [case_id, *_open_states()],
        )
        cursor.fetchone()
        _advance(cursor, case_id, head, user, "task_approved", task_id)


def _close_step(case_id: int, lead_id: int, kind: str, state: str, stamp: str) -> None:
    from django.db import transaction

    with transaction.atomic(), _ops().cursor() as cursor:
        user = _user(cursor, lead_id)
        head = _locked_case(cursor, case_id)
        _advance(
            cursor, case_id, head, user, kind, None, f", state = %s, {stamp} = %s", [state, _now()]
        )


def decide(case_id: int, lead_id: int) -> None:
    _close_step(case_id, lead_id, "decided", "decided", "decided_at")


def record_document(case_id: int, lead_id: int) -> None:
    _close_step(case_id, lead_id, "document_issued", "closed", "closed_at")


def walk(cast, n: int, lead_department_id: int, items: dict[int, int], observe=None) -> int:
    """One case, step by step, as engine_floor.walk walks it; returns its id."""
    from benchmarks import engine_floor

    return engine_floor.walk(
        cast, n, lead_department_id, items, observe, steps=sys.modules[__name__]
    )
