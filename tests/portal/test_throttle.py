"""The public progress lookup is throttled: wrong numbers or codes lock the address (and, many
more of them, the case number) for a while, on the page and in the API alike."""

import datetime as dt
import io
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from cases import engine
from cases.models import Case
from portal.models import LookupFailure
from portal.tasks import forget_lookup_failures
from portal.throttle import client_key, normalise_number

START = dt.datetime(2026, 2, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TITLE = "示范机械厂房项目"
LOCKED = "查询过于频繁，请于 09:15 后再试"
ATTACKER = "203.0.113.7"
NEIGHBOUR = "198.51.100.2"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(clock, catalog, applicant, all_papers):
    return engine.apply(applicant, title=TITLE, project_type=catalog["project"], files=all_papers())


@pytest.fixture
def security_log():
    records = []
    handler = logging.Handler(level=logging.DEBUG)
    handler.emit = records.append
    logger = logging.getLogger("lianban.security")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def wrong(case) -> str:
    return "000000" if case.query_code != "000000" else "111111"


def page(case, code=None, ip=ATTACKER, number=None):
    return Client().get(
        "/progress/",
        {"number": number or case.number, "code": code or case.query_code},
        REMOTE_ADDR=ip,
    )


def api(case, code=None, ip=ATTACKER, number=None):
    return Client().get(
        "/api/cases/progress",
        {"number": number or case.number, "code": code or case.query_code},
        REMOTE_ADDR=ip,
    )


def guess(lookup, case, times, ip=ATTACKER):
    for _ in range(times):
        response = lookup(case, wrong(case), ip)
    return response


def test_the_tenth_wrong_code_from_an_address_locks_it_and_says_until_when(case):
    assert guess(page, case, 9).status_code == 404
    response = guess(page, case, 1)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert response["Retry-After"] == "900"


def test_a_locked_address_is_refused_the_right_code_too_and_sees_nothing_of_the_case(case):
    guess(page, case, 10)
    response = page(case)
    body = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in body
    assert TITLE not in body and "自然资源局" not in body


def test_another_address_is_unaffected(case):
    guess(page, case, 10)
    response = page(case, ip=NEIGHBOUR)
    assert response.status_code == 200 and TITLE in response.content.decode()


def test_the_lock_ends_fifteen_minutes_after_the_last_failure(case, clock):
    guess(page, case, 10)
    clock.shift(dt.timedelta(minutes=14, seconds=59))
    assert page(case).status_code == 429
    clock.shift(dt.timedelta(seconds=1))
    response = page(case)
    assert response.status_code == 200 and TITLE in response.content.decode()


def test_failures_spread_beyond_the_window_do_not_lock(case, clock):
    for _ in range(10):
        assert guess(page, case, 1).status_code == 404
        clock.shift(dt.timedelta(minutes=2))
    assert page(case).status_code == 200


def test_the_api_is_throttled_the_same_with_a_json_answer(case):
    assert guess(api, case, 9).status_code == 404
    assert guess(api, case, 1).status_code == 429
    response = api(case)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == "900"
    body = response.json()
    assert body["code"] == "throttled" and LOCKED in body["message"]
    assert TITLE not in response.content.decode()
    assert api(case, ip=NEIGHBOUR).json()["title"] == TITLE


def test_the_page_and_the_api_share_one_count(case):
    guess(page, case, 5)
    guess(api, case, 5)
    assert page(case).status_code == 429
    assert api(case).status_code == 429


def test_a_refused_lookup_changes_nothing_else(case, security_log):
    guess(page, case, 10)
    failures = list(LookupFailure.objects.values_list())
    row = Case.objects.filter(pk=case.pk).values().get()
    for lookup in (page, api):
        assert lookup(case).status_code == 429
        assert lookup(case, wrong(case)).status_code == 429
    assert list(LookupFailure.objects.values_list()) == failures  # a lock does not extend
    assert Case.objects.filter(pk=case.pk).values().get() == row
    events = [r.security["event"] for r in security_log]
    assert events == ["progress.lockout"] + ["progress.locked"] * 4
    refused = security_log[-1].security
    assert refused["ip"] == ATTACKER and refused["number"] == case.number
    assert all(case.query_code not in r.getMessage() for r in security_log)


def test_a_failure_records_the_number_and_address_but_never_the_code(case):
    page(case, wrong(case))
    page(case, "123456", number="139999-20990101-0001")
    rows = list(LookupFailure.objects.order_by("pk").values("number", "client", "at"))
    assert rows == [
        {"number": case.number, "client": ATTACKER, "at": START},
        {"number": "139999-20990101-0001", "client": ATTACKER, "at": START},
    ]


def test_a_successful_lookup_is_not_recorded(case):
    assert page(case).status_code == 200 and api(case).status_code == 200
    assert not LookupFailure.objects.exists()


def test_one_address_cannot_lock_an_applicant_out_of_their_own_number(case):
    guess(page, case, 30)  # refused after the tenth: the rest are not failures
    assert page(case, ip=NEIGHBOUR).status_code == 200


def test_twenty_failures_from_many_addresses_lock_the_number_for_everyone(case):
    for n in range(19):
        guess(page, case, 1, ip=f"192.0.2.{n + 1}")
    assert page(case, ip=NEIGHBOUR).status_code == 200
    guess(page, case, 1, ip="192.0.2.100")
    response = page(case, ip=NEIGHBOUR)
    assert response.status_code == 429 and TITLE not in response.content.decode()
    # Another case is looked up as before from the same addresses.
    assert page(case, ip=NEIGHBOUR, number="139999-20990101-0001").status_code == 404


def test_the_addresses_of_one_ipv6_64_share_a_count(case):
    for n in range(10):
        guess(page, case, 1, ip=f"2001:db8:1:2::{n + 1:x}")
    assert page(case, ip="2001:db8:1:2:ffff::1").status_code == 429
    assert page(case, ip="2001:db8:1:3::1").status_code == 200


def test_addresses_and_numbers_are_counted_in_one_form():
    class Request:
        def __init__(self, ip):
            self.META = {"REMOTE_ADDR": ip}

    assert client_key(Request("::ffff:203.0.113.7")) == "203.0.113.7"
    assert client_key(Request("2001:db8:1:2:3:4:5:6")) == "2001:db8:1:2::/64"
    assert client_key(Request("not an address")) == ""
    assert normalise_number(" １３９９９９-２０２６０２１０-０００１ ") == "139999-20260210-0001"


def test_the_progress_page_with_a_query_is_never_kept_by_the_page_cache(case):
    """The page cache keeps public pages for a minute; a kept answer would outlive a lock."""
    assert page(case).status_code == 200
    guess(page, case, 10)
    assert page(case).status_code == 429


def test_old_failures_are_forgotten_by_the_periodic_task(case, clock):
    page(case, wrong(case))
    clock.shift(dt.timedelta(days=7, minutes=1))
    page(case, wrong(case))
    result = forget_lookup_failures.enqueue()
    assert result.return_value == 1
    assert list(LookupFailure.objects.values_list("at", flat=True)) == [
        START + dt.timedelta(days=7, minutes=1)
    ]


def test_the_supervision_schedule_forgets_old_failures_too(case, clock):
    from django.core.management import call_command

    page(case, wrong(case))
    clock.shift(dt.timedelta(days=8))
    call_command("supervise", "--times", "1", stdout=io.StringIO())
    assert not LookupFailure.objects.exists()


def test_a_lookup_checks_both_locks_in_one_statement(case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page(case)  # warm: the calendar and the translations load once per process
    with CaptureQueriesContext(connection) as queries:
        assert page(case).status_code == 200
    checks = [q["sql"] for q in queries.captured_queries if "portal_lookupfailure" in q["sql"]]
    assert len(checks) == 1
