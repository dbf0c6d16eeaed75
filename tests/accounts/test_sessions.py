import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .conftest import events

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PAGE = "/accounts/tokens/"  # any page that needs a login


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def is_signed_in(browser) -> bool:
    return browser.get(PAGE).status_code == 200


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_session_ends_after_thirty_idle_minutes(applicant, clock):
    browser = signed_in(applicant)
    clock.shift(dt.timedelta(minutes=29))
    assert is_signed_in(browser)
    clock.shift(dt.timedelta(minutes=30, seconds=1))
    response = browser.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_activity_keeps_the_session_alive(applicant, clock):
    browser = signed_in(applicant)
    for _ in range(4):
        clock.shift(dt.timedelta(minutes=20))
        assert is_signed_in(browser)


def test_logout_everywhere_ends_every_session_of_the_user(applicant, security_log):
    laptop, phone = signed_in(applicant), signed_in(applicant)
    response = laptop.post("/accounts/logout-everywhere/")
    assert response["Location"] == "/accounts/login/"
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert "logout.everywhere" in events(security_log)


def test_logging_in_again_after_logout_everywhere_works(applicant):
    signed_in(applicant).post("/accounts/logout-everywhere/")
    assert is_signed_in(signed_in(applicant))
    browser = Client()
    browser.post("/accounts/login/", {"username": "alice", "password": "correct horse battery"})
    assert is_signed_in(browser)


def test_logout_everywhere_leaves_other_users_signed_in(applicant, charlie):
    others = signed_in(charlie)
    signed_in(applicant).post("/accounts/logout-everywhere/")
    assert is_signed_in(others)


def test_logout_everywhere_asks_before_acting(applicant):
    browser = signed_in(applicant)
    body = browser.get("/accounts/logout-everywhere/").content.decode()
    assert "退出所有设备" in body and 'method="post"' in body
    assert is_signed_in(browser)


@pytest.mark.django_db
def test_logout_everywhere_needs_a_login(client):
    response = client.post("/accounts/logout-everywhere/")
    assert response["Location"].startswith("/accounts/login/")


def session_writes(browser) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert is_signed_in(browser)
    return sum(
        q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
        for q in queries.captured_queries
    )


def test_the_session_is_written_at_most_once_a_minute(applicant, clock):
    browser = signed_in(applicant)
    assert session_writes(browser) == 1  # the first page after signing in
    clock.shift(dt.timedelta(seconds=59))
    assert session_writes(browser) == 0
    clock.shift(dt.timedelta(seconds=1))
    assert session_writes(browser) == 1


def test_a_visitor_with_a_stale_cookie_gets_no_new_session(client, db):
    from django.contrib.sessions.models import Session

    client.cookies["sessionid"] = "no-such-session-key-0123456789abcdef"
    assert client.get("/").status_code in (200, 302)
    assert Session.objects.count() == 0
