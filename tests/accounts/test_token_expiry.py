"""API tokens run out: a term chosen when the token is made, refused with a clear 401 after
it, the owner told before, an administrator able to see and revoke every token."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts import tokens
from accounts.models import ApiToken
from cases.models import Notification
from lianban.errors import DomainError

TZ = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def now():
    with time_machine.travel(START, tick=False) as machine:
        yield machine


@pytest.fixture
def alice(client, applicant):
    client.force_login(applicant)
    return client


def test_a_token_runs_for_the_default_term_unless_another_is_chosen(now, alice, applicant):
    alice.post("/accounts/tokens/", {"name": "默认"})
    alice.post("/accounts/tokens/", {"name": "短期", "days": "30"})
    terms = dict(ApiToken.objects.filter(user=applicant).values_list("name", "expires_at"))
    assert terms == {"默认": START + dt.timedelta(days=90), "短期": START + dt.timedelta(days=30)}


def test_no_term_past_the_maximum_is_offered_or_taken(now, alice, applicant, settings):
    settings.API_TOKEN_MAX_DAYS = 60
    page = alice.get("/accounts/tokens/")
    assert [days for days, _label in page.context["form"].fields["days"].choices] == [7, 30, 60]
    refused = alice.post("/accounts/tokens/", {"name": "长期", "days": "365"})
    assert refused.context["new_key"] is None and refused.context["form"].errors["days"]
    with pytest.raises(DomainError, match="1 至 60 天"):
        tokens.issue(applicant, "脚本", days=61)
    assert not ApiToken.objects.exists()


def test_a_token_works_until_it_runs_out_then_gets_a_401_saying_so(now, client, applicant):
    _token, key = ApiToken.issue(applicant, "ERP", days=7)
    now.move_to(START + dt.timedelta(days=7, seconds=-1))
    assert client.get("/api/accounts/me", **bearer(key)).status_code == 200
    now.move_to(START + dt.timedelta(days=7))
    response = client.get("/api/accounts/me", **bearer(key))
    assert response.status_code == 401
    assert response.json() == {
        "code": "token_expired",
        "message": "接口令牌已于 2026-03-09 09:00 过期，请在“接口令牌”页面生成新令牌。",
    }
    assert 'error_description="The access token expired"' in response["WWW-Authenticate"]


def test_an_expired_token_is_refused_even_beside_a_logged_in_session(now, client, applicant):
    _token, key = ApiToken.issue(applicant, "ERP", days=7)
    client.force_login(applicant)
    now.move_to(START + dt.timedelta(days=8))
    assert client.get("/api/cases/", **bearer(key)).json()["code"] == "token_expired"


def test_me_tells_a_system_when_its_token_runs_out(now, client, applicant):
    _token, key = ApiToken.issue(applicant, "ERP", days=30)
    answer = client.get("/api/accounts/me", **bearer(key)).json()
    assert dt.datetime.fromisoformat(answer["token_expires_at"]) == START + dt.timedelta(days=30)
    client.force_login(applicant)
    assert client.get("/api/accounts/me").json()["token_expires_at"] is None


def test_the_page_shows_each_tokens_expiry_and_whether_it_still_works(now, client, applicant):
    ApiToken.issue(applicant, "快到期", days=7)
    ApiToken.issue(applicant, "已过期", days=1)
    ApiToken.issue(applicant, "长期", days=180)
    now.move_to(START + dt.timedelta(days=2))
    client.force_login(applicant)
    body = client.get("/accounts/tokens/").content.decode()
    assert "2026-03-09 09:00" in body  # 快到期's expiry, in the county's time
    assert body.count("即将到期") == 1 and body.count("已过期") == 2  # its name, its status
    assert body.count("吊销</button>") == 2  # nothing to revoke on a token that ran out


def test_tokens_that_ran_out_do_not_count_against_the_limit(now, applicant, monkeypatch):
    monkeypatch.setattr(tokens, "MAX_ACTIVE_TOKENS", 1)
    tokens.issue(applicant, "旧", days=7)
    with pytest.raises(DomainError):
        tokens.issue(applicant, "新")
    now.move_to(START + dt.timedelta(days=7))
    tokens.issue(applicant, "新")
    assert ApiToken.objects.filter(user=applicant).count() == 2


def test_the_owner_is_told_once_before_the_token_runs_out(
    now, applicant, django_capture_on_commit_callbacks
):
    applicant.email = "alice@example.com"
    applicant.save()
    soon, _key = ApiToken.issue(applicant, "ERP", days=14)
    ApiToken.issue(applicant, "还早", days=30)
    revoked, _key = ApiToken.issue(applicant, "已吊销", days=7)
    tokens.revoke(applicant, revoked.pk)

    with django_capture_on_commit_callbacks(execute=True):
        assert tokens.warn_expiring() == 1
        assert tokens.warn_expiring() == 1  # the next run tells no one again
    note = Notification.objects.get(user=applicant)
    assert f"“ERP”（{soon.prefix}…）将于 2026-03-16 09:00 到期" in note.message
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_the_owner_is_told_in_their_own_language(now, applicant):
    applicant.language = "en"
    applicant.save()
    ApiToken.issue(applicant, "ERP", days=3)
    tokens.warn_expiring()
    message = Notification.objects.get(user=applicant).message
    assert message.startswith('Your API token "ERP" (')


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_an_administrator_sees_every_users_tokens_by_status(now, admin_client, applicant, charlie):
    ApiToken.issue(applicant, "王丽的对接", days=7)
    ApiToken.issue(charlie, "陈强的对接", days=90)
    page = admin_client.get("/admin/accounts/apitoken/?status=soon").content.decode()
    assert "王丽的对接" in page and "陈强的对接" not in page
    page = admin_client.get("/admin/accounts/apitoken/?status=active").content.decode()
    assert "王丽的对接" in page and "陈强的对接" in page


def test_an_administrator_revokes_a_token_on_the_owners_behalf(
    now, admin_client, applicant, security_log
):
    token, key = ApiToken.issue(applicant, "泄露的令牌")
    response = admin_client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at == START
    [revoked] = [r.security for r in security_log if r.security["event"] == "token.revoked"]
    assert (revoked["username"], revoked["by"]) == ("alice", "admin")
    admin_client.logout()
    assert admin_client.get("/api/accounts/me", **bearer(key)).status_code == 401


def test_no_token_is_made_edited_or_deleted_in_the_admin(now, admin_client, applicant):
    token, _key = ApiToken.issue(applicant, "ERP")
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403
    assert admin_client.get(f"/admin/accounts/apitoken/{token.pk}/delete/").status_code == 403
    admin_client.post(
        f"/admin/accounts/apitoken/{token.pk}/change/",
        {"name": "改名", "expires_at_0": "2099-01-01", "expires_at_1": "00:00:00"},
    )
    token.refresh_from_db()
    assert token.name == "ERP" and token.expires_at == START + dt.timedelta(days=90)


@pytest.mark.django_db(transaction=True)
def test_tokens_made_before_the_upgrade_get_the_default_term_from_the_upgrade(settings):
    """Not from when they were made: a system using an old token is not cut off on the day
    of the upgrade, and its owner is told before the term ends."""
    before = [("accounts", "0002_login_attempts_and_session_generation")]
    after = [("accounts", "0003_api_token_expiry")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("accounts", "User").objects.create(username="erp-owner")
    old.get_model("accounts", "ApiToken").objects.create(
        user=user, name="old", prefix="lb_old", key_hash="0" * 64
    )
    with time_machine.travel(START, tick=False):
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    assert ApiToken.objects.get().expires_at == START + dt.timedelta(days=90)


def test_supervise_runs_the_warning_with_its_other_periodic_work(now, applicant):
    from django.core.management import call_command

    ApiToken.issue(applicant, "ERP", days=7)
    call_command("supervise", "--times", "1")
    assert "“ERP”" in Notification.objects.get(user=applicant).message
