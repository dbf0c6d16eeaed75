import pytest

from accounts.models import ApiToken

from .conftest import events


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def alice(client, applicant):
    client.force_login(applicant)
    return client


def test_a_new_token_is_shown_once_and_stored_hashed(alice, applicant):
    response = alice.post("/accounts/tokens/", {"name": "企业ERP对接"})
    key = response.context["new_key"]
    assert key.startswith("lb_") and key in response.content.decode()
    token = ApiToken.objects.get(user=applicant)
    assert token.name == "企业ERP对接" and token.key_hash == ApiToken.hash(key)
    assert key not in alice.get("/accounts/tokens/").content.decode()


def test_a_token_needs_a_name(alice):
    response = alice.post("/accounts/tokens/", {"name": "  "})
    assert response.context["new_key"] is None
    assert not ApiToken.objects.exists()


def test_the_token_acts_as_its_user_in_the_api(client, applicant):
    _token, key = ApiToken.issue(applicant, "ERP")
    response = client.get("/api/accounts/me", **bearer(key))
    assert response.status_code == 200
    assert response.json() | {"token_expires_at": None} == {
        "username": "alice",
        "display_name": "王丽",
        "role": "applicant",
        "department": None,
        "token_expires_at": None,  # test_token_expiry.py tells when it runs out
    }


def test_the_api_knows_a_logged_in_browser_too(client, reviewer_a):
    client.force_login(reviewer_a)
    assert client.get("/api/accounts/me").json()["department"] == "ZRZY"


def test_a_revoked_token_gets_401(alice, applicant):
    token, key = ApiToken.issue(applicant, "ERP")
    response = alice.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response["Location"] == "/accounts/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    alice.logout()
    assert alice.get("/api/accounts/me", **bearer(key)).status_code == 401


def test_revoking_twice_keeps_the_first_revocation_time(alice, applicant):
    token, _key = ApiToken.issue(applicant, "ERP")
    alice.post(f"/accounts/tokens/{token.pk}/revoke/")
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    alice.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first


def test_another_users_token_is_404_and_stays_valid(client, applicant, charlie, security_log):
    token, key = ApiToken.issue(applicant, "ERP")
    client.force_login(charlie)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "permission.refused" in events(security_log)
    client.logout()
    assert client.get("/api/accounts/me", **bearer(key)).status_code == 200


def test_the_page_lists_only_the_users_own_tokens(alice, applicant, charlie):
    ApiToken.issue(applicant, "我的对接")
    ApiToken.issue(charlie, "陈强的令牌")
    body = alice.get("/accounts/tokens/").content.decode()
    assert "我的对接" in body and "陈强的令牌" not in body


def test_revoking_needs_a_post(alice, applicant):
    token, _key = ApiToken.issue(applicant, "ERP")
    assert alice.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405


@pytest.mark.django_db
def test_tokens_page_needs_a_login(client):
    assert client.get("/accounts/tokens/")["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_an_unknown_token_gets_401_in_chinese(client):
    response = client.get("/api/accounts/me", **bearer("lb_not-a-real-key"))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_a_tokens_use_is_recorded_once_a_minute_not_on_every_call(client, applicant):
    import datetime as dt

    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token, key = ApiToken.issue(applicant, "ERP")
    start = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client.get("/api/accounts/me", **bearer(key))
        with CaptureQueriesContext(connection) as queries:
            client.get("/api/accounts/me", **bearer(key))
    assert not any(q["sql"].startswith("UPDATE") for q in queries.captured_queries)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        client.get("/api/accounts/me", **bearer(key))
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(seconds=61)
