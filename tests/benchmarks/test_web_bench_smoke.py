"""The web benchmark's own pieces, run small on the test database so they cannot rot."""

import pytest

from benchmarks import _setup, engine_bench, growth_bench, web_bench
from cases.models import Case, CaseEvent, Notification


@pytest.fixture
def templates(db):
    with _setup.freeze_time(2026, 1, 5):
        cast = engine_bench.build_cast(growth_bench.K)
    return growth_bench.make_templates(cast, 5)  # submitted, in review x2, decided, closed


def test_history_copies_have_read_notifications_and_the_templates_keep_theirs_unread(templates):
    growth_bench.Copier(templates, read=True).grow(5)

    copied = Notification.objects.exclude(case_id__in=templates)
    assert copied.exists()
    assert all(n.read_at == n.created_at for n in copied)
    assert not Notification.objects.filter(case_id__in=templates, read_at__isnull=False).exists()


def test_one_pass_verification_passes_intact_chains_and_finds_a_changed_event(templates):
    growth_bench.Copier(templates).grow(5)
    assert web_bench.verify_everything() | {"seconds": 0, "cpu_seconds": 0} == {
        "cases": 10,
        "events": CaseEvent.objects.count(),
        "broken": 0,
        "seconds": 0,
        "cpu_seconds": 0,
    }

    copy = Case.objects.exclude(pk__in=templates).order_by("pk").first()
    CaseEvent.objects.filter(case=copy, seq=1).update(actor_name="冒名")

    assert web_bench.verify_everything()["broken"] == 1


@pytest.mark.urls("benchmarks.web_urls")
def test_the_bare_view_answers_without_the_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/bench/bare/")

    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.urls("benchmarks.web_urls")
def test_the_floor_pages_render_the_layout_with_no_statement_and_with_one(
    templates, client, django_assert_num_queries
):
    case = Case.objects.get(pk=templates[0])
    with django_assert_num_queries(0):
        layout = client.get("/bench/layout/").content.decode()
    with django_assert_num_queries(1):
        floor = client.get(f"/bench/floor/{case.pk}/").content.decode()
    assert 'class="masthead"' in layout and "基准页面" in layout
    assert 'class="masthead"' in floor and case.number in floor
