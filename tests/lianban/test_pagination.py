"""Lists count no further than a cap: a history that grows without end is not counted in
full on every page view."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from lianban.pagination import CappedPaginator


def test_under_the_cap_it_pages_as_django_does():
    paginator = CappedPaginator(list(range(45)), 20, cap=100)
    assert (paginator.count, paginator.num_pages, paginator.capped) == (45, 3, False)
    assert list(paginator.get_page(3)) == list(range(40, 45))


def test_past_the_cap_the_pages_end_at_the_cap():
    paginator = CappedPaginator(list(range(1000)), 20, cap=100)
    assert paginator.capped and paginator.num_pages == 5
    assert list(paginator.get_page(99)) == list(range(80, 100))  # the last page there is


@pytest.mark.django_db
def test_a_queryset_is_counted_through_a_limited_subquery():
    User.objects.bulk_create(User(username=f"u{n}") for n in range(30))
    paginator = CappedPaginator(User.objects.order_by("pk"), 10, cap=20)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 21 and paginator.capped
    assert len(queries) == 1 and "LIMIT 21" in queries[0]["sql"]
    assert "ORDER BY" not in queries[0]["sql"]  # counting needs no sort


def test_the_pager_says_there_are_more_pages_past_the_cap():
    capped = CappedPaginator(list(range(1000)), 20, cap=100).get_page(2)
    assert "第 2 / 5+ 页" in render_to_string("cases/_pager.html", {"page": capped})
    exact = CappedPaginator(list(range(100)), 20, cap=100).get_page(2)
    assert "第 2 / 5 页" in render_to_string("cases/_pager.html", {"page": exact})
