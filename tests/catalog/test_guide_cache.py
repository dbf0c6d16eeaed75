"""An item's guide is kept for visitors who are not signed in: the same page, each visitor's
own CSRF token, and a catalog change shown at once."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import INFO
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.shortcuts import render
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.importer import import_file
from catalog.models import ApprovalItem, ProjectType
from lianban import pagecache
from workdays.models import CalendarOverride

from .conftest import CAL

pytestmark = pytest.mark.django_db

URL = "/catalog/items/P4/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def catalog(book):
    import_file(book, CAL)


def visit(client, url=URL, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def without_tokens(body: bytes) -> str:
    text = body.decode()
    text = TOKEN.sub("TOKEN", text)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "HEADER", text)


def test_a_second_visitor_gets_the_same_page_without_touching_the_database(catalog):
    first, first_queries = visit(Client())
    second, second_queries = visit(Client())
    assert first.status_code == second.status_code == 200
    assert first_queries > 0 and second_queries == 0
    assert without_tokens(first.content) == without_tokens(second.content)
    assert "建设工程规划许可" in second.content.decode()


def test_each_visitor_gets_a_token_of_their_own_that_the_site_accepts(catalog):
    visit(Client())
    browser = Client(enforce_csrf_checks=True)
    response, queries = visit(browser)
    assert queries == 0
    body = response.content.decode()
    assert pagecache.PLACEHOLDER not in body
    token = TOKEN.search(body).group(1)
    assert f'"X-CSRFToken": "{token}"' in body
    assert "csrftoken" in response.cookies
    switched = browser.post(
        "/i18n/setlang/", {"language": "en", "next": URL, "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    assert 'lang="en"' in browser.get(URL).content.decode()


def test_each_language_is_kept_apart(catalog):
    visit(Client())
    english, _ = visit(Client(), HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in english.content.decode()
    chinese, queries = visit(Client())
    assert queries == 0 and 'lang="zh-Hans"' in chinese.content.decode()


def test_a_catalog_change_shows_at_once(catalog):
    visit(Client())
    item = ApprovalItem.objects.get(code="P4")
    item.name = "建设工程规划许可证核发"
    item.save()
    response, queries = visit(Client())
    assert queries > 0 and "建设工程规划许可证核发" in response.content.decode()


def test_an_import_shows_at_once(catalog, book):
    visit(Client())
    pagecache_generation = pagecache._generation
    import_file(book, CAL)
    assert pagecache._generation != pagecache_generation


def test_a_signed_in_user_sees_their_own_page_never_a_kept_one(catalog, applicant):
    visit(Client())
    client = Client()
    client.force_login(applicant)
    response, queries = visit(client)
    assert queries > 0
    assert str(applicant) in response.content.decode()  # the layout names the user
    _, anonymous_queries = visit(Client())
    assert anonymous_queries == 0  # and the signed-in page was not kept for others


def test_a_query_string_or_htmx_request_is_rendered_afresh(catalog):
    visit(Client())
    assert visit(Client(), URL + "?x=1")[1] > 0
    assert visit(Client(), HTTP_HX_REQUEST="true")[1] > 0


def test_a_visitor_with_a_waiting_message_sees_it_and_nobody_else_does(catalog, rf):
    visit(Client())
    client = Client()
    storage = CookieStorage(rf.get("/"))
    client.cookies["messages"] = storage._encode([Message(INFO, "您已退出。")])
    response, _ = visit(client)
    assert "您已退出。" in response.content.decode()
    other, queries = visit(Client())
    assert queries == 0 and "您已退出。" not in other.content.decode()


def test_a_missing_item_is_not_kept(catalog):
    assert visit(Client(), "/catalog/items/NOPE/")[0].status_code == 404
    response, queries = visit(Client(), "/catalog/items/NOPE/")
    assert response.status_code == 404 and queries > 0


def test_a_page_answered_with_another_status_is_not_kept_and_carries_a_real_token(rf):
    @pagecache.for_visitors
    def gone(request):
        return render(request, "base.html", status=410)

    request = rf.get("/gone/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = CookieStorage(request)
    response = gone(request)
    body = response.content.decode()
    assert response.status_code == 410
    assert pagecache.PLACEHOLDER not in body and 'X-CSRFToken": "' in body


def _on(day: int):
    return time_machine.travel(
        dt.datetime(2026, 2, day, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    )


def test_a_project_timeline_is_kept_for_the_day_and_planned_afresh_the_next(catalog):
    url = f"/catalog/projects/{ProjectType.objects.get(name='厂房建设').pk}/"
    with _on(11):
        _, first_queries = visit(Client(), url)
        again, again_queries = visit(Client(), url)
    with _on(12):
        next_day, next_queries = visit(Client(), url)
    assert first_queries > 0 and again_queries == 0
    assert 'value="2026-02-11"' in again.content.decode()
    assert next_queries > 0 and 'value="2026-02-12"' in next_day.content.decode()


def test_a_change_to_the_working_day_calendar_shows_at_once(catalog):
    url = f"/catalog/projects/{ProjectType.objects.get(name='厂房建设').pk}/"
    with _on(11):
        before, _ = visit(Client(), url)
        CalendarOverride.objects.create(date=dt.date(2026, 2, 12), is_workday=False, note="停电")
        after, queries = visit(Client(), url)
    assert queries > 0
    assert "2026-02-28 办结" in before.content.decode()
    assert "2026-02-28 办结" not in after.content.decode()  # one working day fewer before it
