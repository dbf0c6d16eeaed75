"""The API's lists count as the pages do (lianban.pagination): no further than a cap, and
they say when they stopped counting. Past the cap the pages go on, so a system that reads
every page still reaches the last row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import ApprovalItem
from lianban.pagination import BoundedPages

CODES = ["A1", "A2", "A3", "A4", "A5"]


@pytest.fixture
def items(dept_a):
    for code in CODES:
        ApprovalItem.objects.create(
            code=code, name=f"事项{code}", department=dept_a, legal_limit=20, promised_limit=10
        )


@pytest.fixture
def cap_of_three(monkeypatch):
    monkeypatch.setattr(BoundedPages, "cap", 3)


def test_under_the_cap_the_count_is_exact(client, items):
    body = client.get("/api/catalog/items").json()
    assert (body["count"], body["count_capped"]) == (5, False)


def test_past_the_cap_the_count_stops_there_and_says_so(client, items, cap_of_three):
    body = client.get("/api/catalog/items?page_size=2").json()
    assert (body["count"], body["count_capped"]) == (3, True)
    at_the_cap = client.get("/api/catalog/items?department=ZRZY&q=A1").json()
    assert (at_the_cap["count"], at_the_cap["count_capped"]) == (1, False)


def test_the_pages_go_on_past_the_cap(client, items, cap_of_three):
    pages = [client.get(f"/api/catalog/items?page_size=2&page={n}").json() for n in (1, 2, 3, 4)]
    assert [i["code"] for page in pages for i in page["items"]] == CODES
    assert pages[-1]["items"] == []


def test_counting_reads_no_further_than_the_cap_and_sorts_nothing(client, items, cap_of_three):
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/catalog/items")
    [count] = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert "LIMIT 4" in count and "ORDER BY" not in count


def test_the_schema_declares_the_capped_count(client):
    schema = client.get("/api/openapi.json").json()
    paged = schema["components"]["schemas"]["PagedCaseSummary"]
    assert paged["properties"]["count_capped"]["type"] == "boolean"
    assert set(paged["required"]) == {"items", "count", "count_capped"}
