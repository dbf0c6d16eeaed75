"""Error pages speak the visitor's language: a page that is not there (or not theirs), a
bad request, and a server error rendered without the database."""

import pytest
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_explained_in_chinese_in_the_site_layout(client):
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "没有找到该页面" in body and "返回首页" in body
    assert 'class="masthead"' in body


def test_a_missing_page_in_english(client):
    body = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Page not found" in body and "Back to the home page" in body


def test_the_api_still_answers_json(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_a_server_error_page_needs_no_request_context(rf):
    response = defaults.server_error(rf.get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in body and "site.css" in body


def test_a_bad_request_page(rf):
    response = defaults.bad_request(rf.get("/"), exception=None)
    assert response.status_code == 400 and "请求无效" in response.content.decode()


def test_a_form_without_its_csrf_token_is_explained_in_the_site_layout():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in body and 'class="masthead"' in body and "DEBUG" not in body
    english = client.post("/accounts/login/", {}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "expired" in english
