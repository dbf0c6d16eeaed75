"""The engine benchmarks' own walks, run small on the test database so they cannot rot."""

import itertools

import pytest

from benchmarks import (
    _setup,
    engine_bench,
    engine_floor,
    engine_floor_plpgsql,
    engine_floor_raw,
    growth_bench,
)
from cases.events import verify_case
from cases.models import Case, CaseState


@pytest.fixture
def frozen():
    with _setup.freeze_time():
        yield


@pytest.fixture
def cast(db, frozen):
    return engine_bench.build_cast(2)


def test_our_walk_closes_each_case_with_every_item_approved(cast):
    ids = [engine_bench.walk_case(cast, n) for n in range(2)]
    assert [engine_bench.case_outcome(pk) for pk in ids] == [(CaseState.CLOSED, 2)] * 2
    assert [verify_case(Case.objects.get(pk=pk)) for pk in ids] == [None, None]


def test_spiffworkflow_walk_completes_each_instance(cast):
    engine_bench.ensure_spiff_table()
    process = engine_bench.SpiffProcess(2)
    ids = [process.walk(cast, n) for n in range(2)]
    assert len(set(ids)) == 2
    assert all(process.is_completed(pk) for pk in ids)


def test_the_floor_closes_each_case_with_fewer_statements_than_ours(cast):
    centre, items = engine_floor.setup(cast)
    floor, ours = engine_bench.QueryCounter(), engine_bench.QueryCounter()
    ids = [engine_floor.walk(cast, n, centre, items, floor if n == 0 else None) for n in range(2)]
    engine_bench.walk_case(cast, 2, ours)
    assert [engine_bench.case_outcome(pk) for pk in ids] == [(CaseState.CLOSED, 2)] * 2
    # Its history is a chain too: each event carries the hash of the one before.
    events = list(Case.objects.get(pk=ids[0]).events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, 2 + 5))
    assert all(e.prev_hash == before.hash for before, e in itertools.pairwise(events))
    for op, row in floor.summary().items():
        assert max(row["per_call"]) <= min(ours.summary()[op]["per_call"]), op


def test_the_raw_floor_makes_the_floors_statements_and_rows(cast):
    centre, items = engine_floor.setup(cast)
    orm, raw = engine_bench.QueryCounter(), engine_bench.QueryCounter()
    orm_id = engine_floor.walk(cast, 0, centre, items, orm)
    raw_id = engine_floor_raw.walk(cast, 0, centre, items, raw)
    assert raw.summary() and {op: row["per_call"] for op, row in raw.summary().items()} == {
        op: row["per_call"] for op, row in orm.summary().items()
    }
    assert walked(raw_id) == walked(orm_id)


@pytest.mark.postgres
def test_the_database_function_floor_makes_one_call_a_step_and_the_floors_rows(cast):
    engine_floor_plpgsql.install()
    centre, items = engine_floor.setup(cast)
    orm, plpgsql = engine_bench.QueryCounter(), engine_bench.QueryCounter()
    orm_id = engine_floor.walk(cast, 0, centre, items, orm)
    plpgsql_id = engine_floor_plpgsql.walk(cast, 0, centre, items, plpgsql)
    # BEGIN, the call, COMMIT.
    assert {op: row["per_call"] for op, row in plpgsql.summary().items()} == {
        op: [3] * len(row["per_call"]) for op, row in orm.summary().items()
    }
    assert walked(plpgsql_id) == walked(orm_id)


def walked(pk):
    """What a floor's walk leaves: the case, its tasks and its chained history."""
    case = Case.objects.get(pk=pk)
    events = list(case.events.order_by("seq"))
    fields = ("state", "event_count", "accepted_at", "decided_at", "closed_at")
    tasks = case.tasks.order_by("pk").values_list("state", "due_date", "decided_by")
    return (
        [getattr(case, f) for f in fields],
        case.last_hash == events[-1].hash,
        [(e.seq, e.kind, e.actor_id, e.at) for e in events],
        all(e.prev_hash == before.hash for before, e in itertools.pairwise(events)),
        list(tasks),
    )


def test_query_counter_sees_every_step_of_a_walk(cast):
    counter = engine_bench.QueryCounter()
    engine_bench.walk_case(cast, 0, counter)
    calls = {op: row["calls"] for op, row in counter.summary().items()}
    assert calls == {"apply": 1, "accept": 1, "approve": 2, "decide": 1, "document": 1}
    assert all(row["total"] > 0 for row in counter.summary().values())


def test_copied_background_cases_keep_the_engines_invariants(db):
    with _setup.freeze_time(2026, 1, 5):
        cast = engine_bench.build_cast(growth_bench.K)
    templates = growth_bench.make_templates(cast, 5)  # submitted, in review x2, decided, closed
    growth_bench.Copier(templates).grow(10)

    copies = Case.objects.exclude(pk__in=templates)
    assert copies.count() == 10
    assert Case.objects.values("number").distinct().count() == 15
    assert all(verify_case(case) is None for case in copies)
    assert set(copies.values_list("state", flat=True)) == set(
        Case.objects.filter(pk__in=templates).values_list("state", flat=True)
    )
    # The first day's sequence moved on past its case and two copies: the next number is free.
    first = Case.objects.get(pk=templates[0])
    day = first.number.split("-")[1]
    with _setup.freeze_time(int(day[:4]), int(day[4:6]), int(day[6:]), 11):
        fresh = Case.objects.get(pk=engine_bench.walk_case(cast, 99, until="apply"))
    assert fresh.number == f"{first.number[:-4]}0004"
