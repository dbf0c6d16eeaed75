"""The prerequisite graph, and the planner checked against a plain recursive reference."""

import datetime as dt
import functools
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.graph import closure, cycles
from catalog.planner import plan
from catalog.records import CALENDAR, WORKING, Catalog, DepartmentRecord, ItemRecord, Limit

from .conftest import CAL


def test_closure_walks_every_prerequisite_once():
    graph = {"D": ["B", "C"], "B": ["A"], "C": ["A"], "A": []}
    assert closure(graph, ["D"]) == ["D", "B", "C", "A"]


def test_each_knot_of_items_gives_one_cycle():
    graph = {
        "A": ["B"],
        "B": ["A"],
        "C": ["D"],
        "D": ["E"],
        "E": ["C", "A"],
        "F": ["F"],
        "G": ["A"],
    }
    assert cycles(graph) == [["A", "B", "A"], ["C", "D", "E", "C"], ["F", "F"]]


def test_a_cycle_is_named_the_shortest_way_round():
    graph = {"A": ["B", "C"], "B": ["C"], "C": ["A"]}
    assert cycles(graph) == [["A", "C", "A"]]


def test_a_long_chain_does_not_overflow_the_stack():
    graph = {str(i): [str(i + 1)] for i in range(5000)}
    graph["5000"] = ["0"]
    (cycle,) = cycles(graph)
    assert len(cycle) == 5002


limits = st.tuples(st.integers(0, 12), st.sampled_from([WORKING, CALENDAR]))


@st.composite
def dags(draw):
    n = draw(st.integers(1, 12))
    items = {}
    for i in range(n):
        pre = draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set()
        days, unit = draw(limits)
        items[f"I{i}"] = ItemRecord(
            f"I{i}",
            f"事项{i}",
            "D",
            "licence",
            Limit(30),
            Limit(days, unit),
            tuple(f"I{p}" for p in sorted(pre)),
        )
    return items


@settings(max_examples=60, deadline=None)
@given(dags(), st.dates(dt.date(2026, 1, 1), dt.date(2026, 6, 30)))
def test_the_planner_agrees_with_the_calendar_counted_one_item_at_a_time(items, start):
    catalog = Catalog({"D": DepartmentRecord("D", "部门", "139999")}, items)

    @functools.cache
    def due(code):
        item = items[code]
        begin = max((due(p) for p in item.prerequisites), default=start)
        return CAL.add_days(begin, item.promised.days, item.promised.unit)

    result = plan(catalog, start, CAL, codes=list(items))
    assert {i.code: i.due for i in result.items} == {code: due(code) for code in items}
    assert result.finish == max(due(code) for code in items)
    assert result.total_working_days == CAL.working_days_between(start, result.finish)
    # the critical path is a chain of items, each starting when the one before is due
    path = result.critical_path
    assert due(path[-1]) == result.finish
    for before, after in itertools.pairwise(path):
        assert before in items[after].prerequisites and due(before) == max(
            due(p) for p in items[after].prerequisites
        )
    assert result.serial_finish >= result.finish
