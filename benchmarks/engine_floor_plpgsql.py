"""The database-function floor: engine_floor.py's walk with each step one call of a PL/pgSQL
function (PostgreSQL only).

The raw floor (engine_floor_raw.py) showed that on PostgreSQL even hand-written SQL, one
statement a round trip, misses issue 7's targets. What is left to an engine is to make fewer
round trips: to run each step inside the server. Here each step is one transaction of one
statement (BEGIN, SELECT step(...), COMMIT), and the function does what the floor's step
does: loads the acting user, locks the case, changes the rows and appends the hash-chained
event. It answers what the targets would ask of an engine on PostgreSQL: its rules written
in the database's language, and a second copy of them for SQLite. It is a measuring stick,
not a design (RESULTS-engine.md says why).
"""

import sys

# One event, appended under the lock the caller holds; the case's chain head moves with it.
FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION floor_advance(
    p_case bigint, p_user accounts_user, p_kind text, p_task bigint, p_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    head record;
    digest text;
BEGIN
    SELECT event_count, last_hash INTO head FROM cases_case WHERE id = p_case;
    digest := encode(sha256(convert_to(concat_ws('|', head.last_hash, p_case,
        head.event_count + 1, p_kind, coalesce(p_task::text, 'None'), p_at::text), 'UTF8')), 'hex');
    INSERT INTO cases_caseevent (case_id, seq, at, actor_id, actor_name, actor_role, kind,
        from_state, to_state, task_id, payload, prev_hash, hash)
    VALUES (p_case, head.event_count + 1, p_at, p_user.id, p_user.display_name, p_user.role,
        p_kind, '', '', p_task, '{}', head.last_hash, digest);
    UPDATE cases_case SET event_count = head.event_count + 1, last_hash = digest
    WHERE id = p_case;
END $$;

CREATE OR REPLACE FUNCTION floor_user(p_id bigint) RETURNS accounts_user LANGUAGE plpgsql AS $$
DECLARE u accounts_user;
BEGIN
    SELECT * INTO STRICT u FROM accounts_user WHERE id = p_id AND is_active;
    RETURN u;
END $$;

CREATE OR REPLACE FUNCTION floor_apply(
    p_applicant bigint, p_lead bigint, p_items bigint[], p_departments bigint[], p_n int,
    p_at timestamptz
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    u accounts_user := floor_user(p_applicant);
    new_id bigint;
BEGIN
    INSERT INTO cases_case (number, query_code, region_code, title, applicant_id,
        lead_department_id, channel, state, state_before_suspension, decision, decision_text,
        fast_track, fast_track_reason, submitted_at, light, event_count, last_hash)
    VALUES ('PLPG-' || p_applicant || '-' || p_n, '000000', '139999', '基准项目 ' || p_n,
        u.id, p_lead, 'online', 'submitted', '', '', '', false, '', p_at, 'green', 0, '')
    RETURNING id INTO new_id;
    INSERT INTO cases_reviewtask (case_id, item_id, item_version, department_id, state,
        limit_days, limit_unit, legal_limit_days, legal_limit_unit, needs_meeting, pause_kind,
        paused_days, recommendation, opinion, conditions, result_number, light)
    SELECT new_id, item, 1, department, 'waiting', 10, 'working', 20, 'working', false, '', 0,
        '', '', '', '', 'green'
    FROM unnest(p_items, p_departments) AS t(item, department);
    PERFORM floor_advance(new_id, u, 'submitted', NULL, p_at);
    RETURN new_id;
END $$;

CREATE OR REPLACE FUNCTION floor_accept(
    p_case bigint, p_clerk bigint, p_today date, p_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE u accounts_user := floor_user(p_clerk);
BEGIN
    PERFORM 1 FROM cases_case WHERE id = p_case FOR UPDATE;
    UPDATE cases_reviewtask SET state = 'in_review', dispatched_on = p_today, due_date = p_today
    WHERE case_id = p_case;
    UPDATE cases_case SET state = 'in_review', accepted_at = p_at WHERE id = p_case;
    PERFORM floor_advance(p_case, u, 'accepted', NULL, p_at);
END $$;

CREATE OR REPLACE FUNCTION floor_approve(p_task bigint, p_reviewer bigint, p_at timestamptz)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    u accounts_user := floor_user(p_reviewer);
    the_case bigint;
    open_left boolean;
BEGIN
    SELECT c.id INTO STRICT the_case FROM cases_reviewtask t
    JOIN cases_case c ON c.id = t.case_id WHERE t.id = p_task FOR UPDATE OF c;
    UPDATE cases_reviewtask SET state = 'approved', decided_at = p_at, decided_by_id = u.id
    WHERE id = p_task;
    -- Whether the case is complete: the answer an engine must know after each approval.
    open_left := EXISTS (SELECT 1 FROM cases_reviewtask WHERE case_id = the_case
        AND state IN ('waiting', 'in_review', 'paused', 'referred'));
    PERFORM floor_advance(the_case, u, 'task_approved', p_task, p_at);
    RETURN open_left;
END $$;

CREATE OR REPLACE FUNCTION floor_close(
    p_case bigint, p_lead bigint, p_kind text, p_state text, p_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE u accounts_user := floor_user(p_lead);
BEGIN
    PERFORM 1 FROM cases_case WHERE id = p_case FOR UPDATE;
    UPDATE cases_case SET state = p_state,
        decided_at = CASE WHEN p_state = 'decided' THEN p_at ELSE decided_at END,
        closed_at = CASE WHEN p_state = 'closed' THEN p_at ELSE closed_at END
    WHERE id = p_case;
    PERFORM floor_advance(p_case, u, p_kind, NULL, p_at);
END $$;
"""


def install() -> None:
    """Create the functions in the benchmark's database (PostgreSQL)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FUNCTIONS)


def _call(sql: str, params: list):
    from django.db import connection, transaction

    from lianban import clock

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [*params, clock.now()])
        return cursor.fetchone()[0]


def apply(applicant_id: int, lead_department_id: int, items: dict[int, int], n: int) -> int:
    return _call(
        "SELECT floor_apply(%s, %s, %s, %s, %s, %s)",
        [applicant_id, lead_department_id, list(items), list(items.values()), n],
    )


def accept(case_id: int, clerk_id: int) -> None:
    from lianban import clock

    _call("SELECT floor_accept(%s, %s, %s, %s)", [case_id, clerk_id, clock.today()])


def approve(task_id: int, reviewer_id: int) -> None:
    _call("SELECT floor_approve(%s, %s, %s)", [task_id, reviewer_id])


def decide(case_id: int, lead_id: int) -> None:
    _call("SELECT floor_close(%s, %s, 'decided', 'decided', %s)", [case_id, lead_id])


def record_document(case_id: int, lead_id: int) -> None:
    _call("SELECT floor_close(%s, %s, 'document_issued', 'closed', %s)", [case_id, lead_id])


def walk(cast, n: int, lead_department_id: int, items: dict[int, int], observe=None) -> int:
    """One case, step by step, as engine_floor.walk walks it; returns its id."""
    from benchmarks import engine_floor

    return engine_floor.walk(
        cast, n, lead_department_id, items, observe, steps=sys.modules[__name__]
    )
