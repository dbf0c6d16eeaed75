"""The demo county is built by the engine itself: a small run stands for the full one.
One build, checked in steps, because each build drives the engine through a month."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Exists, OuterRef

from accounts.models import User
from cases.events import verify_all
from cases.models import OPEN_TASK_STATES, Case, CaseEvent, CaseState, ReviewTask
from catalog.models import ApprovalItem, ProjectType
from directory.models import Enterprise
from documents.models import ApprovalDocument
from lianban import demo
from workdays.models import ScheduledYear
from workdays.service import current_calendar


# transaction=True: the worker closes its database connection when it is done, which on
# PostgreSQL would end the transaction a plain django_db test runs inside.
@pytest.mark.django_db(transaction=True)
def test_the_demo_county_is_built_by_the_engine_and_can_be_built_again():
    # The demo simulates the days up to today; a fixed today makes this run repeatable.
    traveller = time_machine.travel(
        dt.datetime(2026, 11, 27, 20, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    )
    traveller.start()
    try:
        _build_and_check()
    finally:
        traveller.stop()


def _build_and_check():
    out = io.StringIO()
    logins = demo.build(out, cases=40, days=30, seed=7, inline_days=20)

    # its catalog, people and history
    assert ApprovalItem.objects.count() >= 60 and ProjectType.objects.count() >= 4
    assert Enterprise.objects.count() == 300
    names = {u for u, _r, _d in logins}
    assert {
        "applicant",
        "clerk_zrzy",
        "reviewer_zrzy",
        "lead_zrzy",
        "supervisor",
        "leader",
        "admin",
    } <= names
    assert User.objects.get(username="applicant").check_password(demo.DEMO_PASSWORD)
    assert 30 <= Case.objects.count() <= 50
    states = set(Case.objects.values_list("state", flat=True))
    assert {CaseState.CLOSED, CaseState.IN_REVIEW, CaseState.DECIDED} <= states

    # every chain verifies, and every closed case has its document
    assert list(verify_all()) == []
    for case in Case.objects.filter(state=CaseState.CLOSED):
        assert ApprovalDocument.objects.filter(case=case).exists()

    # no case is left in review with nothing left to review, but those of the last two days
    waiting = Case.objects.filter(state=CaseState.IN_REVIEW).exclude(
        Exists(ReviewTask.objects.filter(case=OuterRef("pk"), state__in=OPEN_TASK_STATES))
    )
    recent = CaseEvent.objects.filter(
        case=OuterRef("pk"), at__gte=dt.datetime(2026, 11, 26, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    assert not waiting.exclude(Exists(recent)).exists()

    # the worker works off the later documents, in date order
    assert "批复文件已排队" in out.getvalue()
    call_command("db_worker", "--backend", "queue", "--batch", "--no-startup-delay", verbosity=0)
    # (but for a case decided on the last day, whose document is for tomorrow)
    last_day = dt.datetime(2026, 11, 27, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert not Case.objects.filter(state=CaseState.DECIDED, decided_at__lt=last_day).exists()
    assert list(verify_all()) == []
    # a document's number is taken when it is issued: the numbers rise with the dates
    issued = sorted(
        (int(re.search(r"〕(\d+)号", number)[1]), at)
        for number, at in ApprovalDocument.objects.values_list("number", "issued_at")
    )
    assert len(issued) > 10
    assert [at for _n, at in issued] == sorted(at for _n, at in issued)

    # deadlines can run into next year, on a schedule marked as an estimate
    assert "非官方" in ScheduledYear.objects.get(year=2027).source
    assert current_calendar().add_working_days(dt.date(2026, 12, 30), 5).year == 2027

    # a second run reuses what exists
    before = Case.objects.count()
    again = io.StringIO()
    demo.build(again, cases=40, days=30, seed=7)
    assert Case.objects.count() == before
    assert "沿用现有演示数据" in again.getvalue()
