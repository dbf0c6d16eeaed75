import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import LoginAttempt
from accounts.security import Throttle, locked_until, log_refusal

from .conftest import events

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LOCKED = "登录失败次数过多"
PASSWORD = "correct horse battery"  # the cast's password (tests/conftest.py)


def login(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def fail(client, username, times, **extra):
    for _ in range(times):
        response = login(client, username, "wrong guess 1", **extra)
    return response


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_correct_password_logs_in(client, applicant, clock):
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_each_role_lands_on_its_own_work_after_signing_in(
    client, applicant, clerk, reviewer_a, lead, supervisor, clock
):
    landing = {
        "alice": "/cases/mine/",
        "clerk": "/cases/intake/",
        "reviewer_a": "/cases/tasks/",
        "lead": "/cases/led/",
        "supervisor": "/cases/board/",
    }
    for username, page in landing.items():
        visitor = Client()
        response = visitor.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert visitor.get(response["Location"])["Location"] == page, username
    # A page asked for before signing in still comes first.
    response = Client().post(
        "/accounts/login/?next=/cases/board/", {"username": "clerk", "password": PASSWORD}
    )
    assert response["Location"] == "/cases/board/"


def test_fifth_failure_locks_the_username_and_says_so(client, applicant, clock):
    assert LOCKED not in fail(client, "alice", 4).content.decode()
    body = fail(client, "alice", 1).content.decode()
    assert LOCKED in body and "15 分钟后再试" in body


def test_locked_username_is_refused_even_with_the_right_password(client, applicant, clock):
    fail(client, "alice", 5)
    response = login(client, "alice", PASSWORD)
    assert LOCKED in response.content.decode()
    assert not logged_in(client)


def test_lock_lifts_after_fifteen_minutes(client, applicant, clock):
    fail(client, "alice", 5)
    clock.shift(dt.timedelta(minutes=14))
    assert LOCKED in login(client, "alice", PASSWORD).content.decode()
    clock.shift(dt.timedelta(minutes=1, seconds=1))
    assert login(client, "alice", PASSWORD).status_code == 302


def test_tries_during_a_lock_do_not_extend_it(client, applicant, clock):
    fail(client, "alice", 5)
    clock.shift(dt.timedelta(minutes=10))
    fail(client, "alice", 3)
    clock.shift(dt.timedelta(minutes=5, seconds=1))
    assert login(client, "alice", PASSWORD).status_code == 302


def test_lockout_does_not_reveal_whether_the_username_exists(client, applicant, clock):
    for_alice = fail(client, "alice", 5).context["form"].non_field_errors()
    for_nobody = fail(client, "nobody", 5).context["form"].non_field_errors()
    assert list(for_alice) == list(for_nobody)


def test_failures_spread_beyond_fifteen_minutes_do_not_lock(client, applicant, clock):
    fail(client, "alice", 4)
    clock.shift(dt.timedelta(minutes=15))
    fail(client, "alice", 1)
    assert login(client, "alice", PASSWORD).status_code == 302


def test_logging_in_clears_the_usernames_failures(client, applicant, clock):
    fail(client, "alice", 4)
    assert login(client, "alice", PASSWORD).status_code == 302
    client.logout()
    fail(client, "alice", 4)
    assert login(client, "alice", PASSWORD).status_code == 302


def test_case_variants_of_a_username_share_one_count(client, applicant, clock):
    fail(client, "Alice", 3)
    fail(client, "ALICE", 2)
    assert LOCKED in login(client, "alice", PASSWORD).content.decode()


def test_many_failures_from_one_address_lock_that_address(client, applicant, clock, settings):
    settings.LOGIN_FAILURES_PER_IP = 6
    for name in ("u1", "u2", "u3"):
        fail(client, name, 2, REMOTE_ADDR="203.0.113.7")
    assert LOCKED in login(client, "alice", PASSWORD, REMOTE_ADDR="203.0.113.7").content.decode()
    assert login(Client(), "alice", PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 302


def test_every_attempt_is_recorded_with_its_address(client, applicant, clock):
    fail(client, "alice", 5)
    login(client, "alice", PASSWORD, REMOTE_ADDR="192.0.2.44")
    outcomes = list(LoginAttempt.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == ["failed"] * 5 + ["locked"]
    assert LoginAttempt.objects.last().ip == "192.0.2.44"


def test_success_failure_and_lockout_are_logged_without_the_password(
    client, applicant, clock, security_log
):
    login(client, "alice", PASSWORD)
    client.logout()
    fail(client, "alice", 5)
    login(client, "alice", PASSWORD)
    assert events(security_log) == ["login.succeeded"] + ["login.failed"] * 5 + [
        "login.lockout",
        "login.locked",
    ]
    for record in security_log:
        assert record.security["username"] == "alice"
        assert record.security["ip"] == "127.0.0.1"
        text = record.getMessage() + repr(record.security)
        assert "wrong guess" not in text and PASSWORD not in text
    assert "username=alice ip=127.0.0.1" in security_log[0].getMessage()


def test_admin_login_is_throttled_too(client, admin_user, clock):
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "nope nope nope"})
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert LOCKED in response.content.decode()
    assert not logged_in(client)


def test_lock_ends_fifteen_minutes_after_the_limit_is_reached():
    throttle = Throttle(limit=3, window=dt.timedelta(minutes=15), lockout=dt.timedelta(minutes=15))
    times = [START, START + dt.timedelta(minutes=1), START + dt.timedelta(minutes=2)]
    assert locked_until(times, START, throttle) == START + dt.timedelta(minutes=17)
    assert locked_until(times[:2], START, throttle) is None
    assert locked_until(times, START + dt.timedelta(minutes=17), throttle) is None


def test_refusals_are_logged_with_user_address_and_what(rf, applicant, security_log):
    request = rf.get("/cases/42/")
    request.user = applicant
    log_refusal(request, "case:42")
    [record] = security_log
    assert record.security["event"] == "permission.refused"
    assert record.security["what"] == "case:42"
    assert "username=alice ip=127.0.0.1 what=case:42 method=GET path=/cases/42/" in (
        record.getMessage()
    )


def test_control_characters_cannot_forge_log_lines(client, db, clock, security_log):
    login(client, "mallory\nevent=login.succeeded", "x")
    assert "\n" not in security_log[0].getMessage()


@pytest.mark.parametrize("password", ["short1", "1234567890123", "password123", "wangxiaoli1"])
def test_weak_passwords_are_refused(applicant, password):
    applicant.first_name = "wangxiaoli"
    with pytest.raises(ValidationError):
        validate_password(password, applicant)


def test_a_long_unusual_password_is_accepted(applicant):
    validate_password("violet kettle harbour 42", applicant)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, data",
    [
        ("/accounts/login/", {"username": "alice", "password": PASSWORD}),
        ("/i18n/setlang/", {"language": "en", "next": "/"}),
    ],
)
def test_unsafe_requests_without_the_csrf_token_are_refused(url, data):
    assert Client(enforce_csrf_checks=True).post(url, data).status_code == 403


@pytest.mark.django_db
def test_the_same_form_with_its_csrf_token_is_accepted(applicant):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/accounts/login/")
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_login_page_labels_its_fields(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">' in body and '<label for="id_password">' in body
    assert 'autocomplete="current-password"' in body
