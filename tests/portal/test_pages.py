import pytest


@pytest.mark.django_db
def test_home_page_is_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="zh-Hans"' in body
    assert "一站式审批与服务" in body


@pytest.mark.django_db
def test_language_switch_shows_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert 'lang="en"' in body
    assert "One-stop approvals and services" in body


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_htmx_is_served_from_our_own_static_files(client):
    body = client.get("/").content.decode()
    assert "/static/django_htmx/htmx" in body
    assert "unpkg" not in body and "cdn" not in body.lower()


@pytest.mark.django_db
def test_admin_is_in_chinese(client, admin_user):
    client.force_login(admin_user)
    body = client.get("/admin/").content.decode()
    assert "系统管理" in body
    assert "工作日历" in body


@pytest.mark.django_db
def test_admin_warns_about_years_without_a_schedule(client, admin_user):
    client.force_login(admin_user)
    body = client.get("/admin/workdays/scheduledyear/", follow=True).content.decode()
    assert "尚无工作日安排" in body


@pytest.mark.django_db
def test_bad_login_shows_a_message_and_logs_nobody_in(client, applicant):
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_api_schema_is_published(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"].startswith("lianban")


@pytest.mark.django_db
def test_api_refuses_anonymous_with_json_in_chinese(client):
    from lianban.api import api

    assert api is not None
    response = client.get("/api/public/health")
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_every_model_of_ours_is_in_the_admin(client, admin_user):
    from django.apps import apps
    from django.contrib import admin

    ours = {"accounts", "directory", "workdays", "catalog", "cases", "documents"}
    internal = {
        "IdempotencyRecord",
        "NumberSequence",
        "TaskPause",
        "CaseMaterial",
        "Shortfall",
        "MeetingParticipant",
        "MeetingResolution",
        "DocumentSequence",
        "SessionGeneration",
        "StageItem",  # a stage's items, edited in order on the stage's own row
    }
    missing = [
        f"{m._meta.app_label}.{m.__name__}"
        for m in apps.get_models()
        if m._meta.app_label in ours
        and m.__name__ not in internal
        and m not in admin.site._registry
    ]
    assert missing == []
    client.force_login(admin_user)
    assert client.get("/admin/cases/case/").status_code == 200
