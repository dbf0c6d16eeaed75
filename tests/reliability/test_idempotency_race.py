"""A client that times out and retries with the same Idempotency-Key while its first request
is still running must get the first request's answer, not a refusal caused by that request's
own change. PostgreSQL only (see the `postgres` marker): it needs a real row lock to wait on."""

import json
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from accounts.models import ApiToken
from cases import engine, intake
from cases.models import CaseEvent

from .conftest import pdf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        return cursor.fetchone()[0] > 0


def test_a_retry_while_the_first_copy_runs_gets_the_first_copys_answer(
    monday, soak_catalog, applicant, clerk, monkeypatch
):
    files = {str(soak_catalog["form"].pk): pdf()}
    case = engine.apply(applicant, title="厂房", project_type=soak_catalog["project"], files=files)
    _token, key = ApiToken.issue(clerk, "window")
    holding, release = threading.Event(), threading.Event()
    real_start = intake._start_clocks

    def slow_first_copy(*args, **kwargs):
        if not holding.is_set():
            holding.set()
            release.wait(10)
        return real_start(*args, **kwargs)

    monkeypatch.setattr(intake, "_start_clocks", slow_first_copy)
    answers = {}

    def send(name):
        try:
            answers[name] = Client().post(
                f"/api/cases/{case.pk}/accept",
                json.dumps({}),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {key}",
                HTTP_IDEMPOTENCY_KEY="accept-1",
            )
        finally:
            connections.close_all()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert holding.wait(10)
    retry = threading.Thread(target=send, args=("retry",))
    retry.start()
    deadline = time.monotonic() + 10
    while not waiting_for_a_lock() and time.monotonic() < deadline:
        time.sleep(0.02)
    release.set()
    first.join()
    retry.join()

    assert answers["first"].status_code == 200, answers["first"].content
    assert answers["retry"].status_code == 200, answers["retry"].content
    assert answers["retry"]["Idempotent-Replayed"] == "true"
    assert answers["retry"].json() == answers["first"].json()
    assert CaseEvent.objects.filter(case=case, kind="accepted").count() == 1
