"""The parallel-approval planner (并联审批): plain catalog in, plain plan out, no database.

Given a project type (or a set of items), a start day and the working-day calendar:

- the plan holds the requested items and every prerequisite they need, directly or not;
- an item starts on the day its last prerequisite is due (the plan's start when it has none)
  and is due its promised limit later, in working or calendar days as the item says; an
  on-the-spot item (即办) is due the day it starts. This is how the case engine counts a
  case's due date (cases/engine.py refresh_case_due), so a plan and a case agree;
- stages do not serialise: the stage is the lead department's grouping of the items, and an
  item of a later stage waits only for the items it needs. That is what 并联审批 means, and
  the prerequisites already carry every real order between stages;
- the critical path is the chain of items, each starting when the one before it is due,
  that ends on the finish day. On ties the item later in topological order wins, so an
  on-the-spot item at the end of the chain stays on it;
- the serial alternative is every item one after another, as before the reform, in the
  planner's order: the order asked (stage by stage for a project type), each prerequisite
  just before the first item that needs it. serial_working_days counts the working days
  from the start to its finish;
- papers: each paper once, without those that an item of the plan issues itself (免提交),
  against the sum of every item's own list (each department asking separately, the
  certificates of earlier items included);
- visits in person (跑动次数): in parallel an applicant comes once per stage batch, as often as
  the most demanding item of that stage asks (items the plan adds as prerequisites form one
  more batch; a plan of loose items is one batch); serially, every item's visits add up.

Working-day arithmetic runs on integer ordinals against a DayTable (days.py); the calendar
raises UnscheduledYear when a plan reaches a year without a holiday schedule. The planner is
written for catalogs of thousands of items (benchmarks/planner_bench.py): one walk, integer
days, columns built in C; Plan.items, the per-item rows with their dates, is built on first
use.
"""

import bisect
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby, repeat
from operator import attrgetter, itemgetter
from typing import NamedTuple

from django.utils.translation import gettext as _

from lianban.errors import DomainError, NotFound
from workdays.calendar import UnscheduledYear, WorkCalendar

from .days import DayTable
from .graph import closure, cycles
from .records import CALENDAR, Catalog, Limit, normalise_name


class PlanError(DomainError):
    code = "plan_error"


class PlannedItem(NamedTuple):
    code: str
    name: str
    department: str  # the department's name
    start: dt.date
    due: dt.date
    limit: Limit
    stage: int | None  # the order of its stage; None for a prerequisite the plan added
    critical: bool


@dataclass(frozen=True, slots=True)
class PlannedStage:
    order: int
    name: str
    lead_department: str
    codes: tuple[str, ...]
    start: dt.date
    finish: dt.date


@dataclass(eq=False)
class Plan:
    project_type: str | None
    start: dt.date
    finish: dt.date
    total_working_days: int
    serial_finish: dt.date
    serial_working_days: int
    critical_path: list[str]
    materials_submitted: list[str]
    materials_requested_separately: int
    visits: int
    serial_visits: int
    stages: list[PlannedStage]
    build_items: Callable[[], list[PlannedItem]] = field(repr=False)

    @cached_property
    def items(self) -> list[PlannedItem]:
        """Every item's row, in topological order. Built on first use: for a catalog of
        thousands of items the dates are much of the work, and a summary needs none."""
        return self.build_items()

    @property
    def saved_working_days(self) -> int:
        return self.serial_working_days - self.total_working_days

    @property
    def saved_materials(self) -> int:
        return self.materials_requested_separately - len(self.materials_submitted)

    def to_dict(self) -> dict:
        return {
            "project_type": self.project_type,
            "start": self.start.isoformat(),
            "finish": self.finish.isoformat(),
            "total_working_days": self.total_working_days,
            "serial_finish": self.serial_finish.isoformat(),
            "serial_working_days": self.serial_working_days,
            "saved_working_days": self.saved_working_days,
            "critical_path": list(self.critical_path),
            "items": [
                {
                    "code": i.code,
                    "name": i.name,
                    "department": i.department,
                    "start": i.start.isoformat(),
                    "due": i.due.isoformat(),
                    "limit_days": i.limit.days,
                    "limit_unit": i.limit.unit,
                    "stage": i.stage,
                    "critical": i.critical,
                }
                for i in self.items
            ],
            "materials": {
                "submitted": len(self.materials_submitted),
                "requested_separately": self.materials_requested_separately,
                "submitted_names": list(self.materials_submitted),
            },
            "visits": self.visits,
            "serial_visits": self.serial_visits,
            "stages": [
                {
                    "order": s.order,
                    "name": s.name,
                    "lead_department": s.lead_department,
                    "items": list(s.codes),
                    "start": s.start.isoformat(),
                    "finish": s.finish.isoformat(),
                }
                for s in self.stages
            ],
        }


def plan(
    catalog: Catalog,
    start: dt.date,
    calendar: WorkCalendar,
    *,
    project_type: str | None = None,
    codes: Iterable[str] = (),
) -> Plan:
    items = catalog.items
    stage_of: dict[str, int] = {}
    stages = []
    if project_type is not None:
        record = catalog.project_types.get(project_type)
        if record is None:
            raise NotFound(_("项目类型“%(name)s”不存在。") % {"name": project_type})
        stages = sorted(record.stages, key=lambda s: s.order)
        for stage in stages:
            for code in stage.items:
                stage_of.setdefault(code, stage.order)
        requested = list(stage_of)
    else:
        requested = list(dict.fromkeys(codes))
    if not requested:
        raise PlanError(_("请选择要办理的事项。"), code="invalid")

    table = DayTable.of(calendar)
    if start.year not in table.years:
        raise UnscheduledYear(start.year)
    ords = table.ords
    bisect_right = bisect.bisect_right
    start_ord = start.toordinal()

    # One depth-first walk over the prerequisites finds the closure, a topological order
    # (post-order: each item after everything it needs, otherwise in the order asked) and
    # each item's days, computed as the walk leaves the item, when all it needs is due.
    # Dates are date ordinals; keep the arithmetic in step with DayTable.add.
    begin: dict[str, int] = {}
    due: dict[str, int] = {}
    due_of = due.__getitem__
    topo: list[str] = []
    expanded: set[str] = set()
    walk: list[str] = []  # items still to do, the next on top
    push, pop, done, expand = walk.extend, walk.pop, topo.append, expanded.add
    try:
        for root in requested:
            if root in due:  # needed by an item asked for earlier
                continue
            code = root
            while True:
                record = items[code]
                needs = record.prerequisites
                if needs and code not in expanded:
                    pending = [p for p in needs if p not in due]
                    if pending:
                        expand(code)  # come back to it after what it needs
                        walk.append(code)
                        pending.reverse()  # the first it needs on top
                        push(pending)
                        code = pop()
                        continue
                # everything it needs is due, unless it needs itself: then one of them is
                # still on the walk and max() raises KeyError
                s = max(map(due_of, needs)) if needs else start_ord
                days, unit = record.promised
                begin[code] = s
                if days == 0:
                    due[code] = s
                elif unit == CALENDAR:
                    due[code] = s + days
                else:
                    due[code] = ords[bisect_right(ords, s) + days - 1]
                done(code)
                while walk:
                    code = pop()
                    if code not in due:  # pushed by two items that need it: done once
                        break
                else:
                    break

        records = list(map(items.__getitem__, topo))
        limits = list(map(attrgetter("promised"), records))
        # Serially, working days of consecutive items add up in the table's index, so each
        # run of one unit is a single step.
        serial = start_ord
        for unit, run in groupby(limits, key=itemgetter(1)):
            days = sum(map(itemgetter(0), run))
            if days and unit == CALENDAR:
                serial += days
            elif days:
                serial = ords[bisect_right(ords, serial) + days - 1]
    except KeyError as exc:
        if exc.args[0] in items:
            _raise_cycle(items, requested)
        raise NotFound(_("事项“%(code)s”不存在。") % {"code": exc.args[0]}) from None
    except IndexError:
        raise UnscheduledYear(table.first_unscheduled_year(ords[-1])) from None
    table.require(start_ord, serial)

    dues = list(due.values())  # filled in topological order
    finish = max(dues)
    last = topo[len(topo) - 1 - dues[::-1].index(finish)]  # the last item due on the finish
    critical = _critical_path(last, topo, items, begin, due)

    papers = list(map(attrgetter("materials"), records))
    results = set(map(normalise_name, filter(None, map(attrgetter("result_name"), records))))
    submitted = set().union(*papers) - results
    visits = list(map(attrgetter("visits"), records))
    batches: dict[int | None, int] = {}
    if stage_of:
        for batch, count in zip(map(stage_of.get, topo), visits, strict=True):
            batches[batch] = max(batches.get(batch, 0), count)
    else:
        batches[None] = max(visits)

    fromordinal = dt.date.fromordinal
    names = {code: d.name for code, d in catalog.departments.items()}

    def build_items() -> list[PlannedItem]:
        """Column by column in C: tuple.__new__ makes the named tuples directly."""
        departments = list(map(attrgetter("department"), records))
        on_path = set(critical)
        columns = zip(
            topo,
            map(attrgetter("name"), records),
            map(names.get, departments, departments),
            map(fromordinal, begin.values()),
            map(fromordinal, dues),
            limits,
            map(stage_of.get, topo),
            map(on_path.__contains__, topo),
            strict=True,
        )
        return list(map(tuple.__new__, repeat(PlannedItem), columns))

    planned_stages = [
        PlannedStage(
            order=s.order,
            name=s.name,
            lead_department=names.get(s.lead_department, s.lead_department),
            codes=tuple(s.items),
            start=fromordinal(min((begin[c] for c in s.items), default=start_ord)),
            finish=fromordinal(max((due[c] for c in s.items), default=start_ord)),
        )
        for s in stages
    ]
    return Plan(
        project_type=project_type,
        start=start,
        finish=fromordinal(finish),
        total_working_days=table.working_days_between(start_ord, finish),
        serial_finish=fromordinal(serial),
        serial_working_days=table.working_days_between(start_ord, serial),
        critical_path=critical,
        materials_submitted=sorted(submitted),
        materials_requested_separately=sum(map(len, papers)),
        visits=sum(batches.values()),
        serial_visits=sum(visits),
        stages=planned_stages,
        build_items=build_items,
    )


def _critical_path(
    last: str, topo: list[str], items: dict, begin: dict[str, int], due: dict[str, int]
) -> list[str]:
    """Back from `last` through the prerequisite that made each item wait; on a tie the one
    later in topological order, so an on-the-spot item at the end of a chain stays on it."""
    position = None
    path = [last]
    while items[last].prerequisites:
        tied = [p for p in items[last].prerequisites if due[p] == begin[last]]
        if len(tied) > 1:
            position = position or dict(zip(topo, range(len(topo)), strict=True))
            tied.sort(key=position.__getitem__)
        last = tied[-1]
        path.append(last)
    path.reverse()
    return path


def _raise_cycle(items: dict, requested: list[str]):
    graph = {
        code: items[code].prerequisites
        for code in closure({code: item.prerequisites for code, item in items.items()}, requested)
        if code in items
    }
    found = cycles(graph)
    named = " → ".join(found[0]) if found else _("、").join(requested)
    raise PlanError(
        _("前置事项互为前置，无法排期：%(cycle)s。") % {"cycle": named}, code="cycle"
    ) from None
