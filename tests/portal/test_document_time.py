"""The published time from intake to the approval document: the day the first sealed
document of a case was issued (by the background job, after the decision), read for every
case at once."""

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import engine, intake
from cases.models import Case
from documents.models import ApprovalDocument, DocumentStatus
from portal.queries import published_statistics
from tests.cases.conftest import at

D = __import__("datetime").date


def issue(case, lead, when, *, revoked_at=None):
    """The registry row the background job leaves (documents/issuing.py), without the PDF."""
    number = f"示审批〔{when.year}〕{ApprovalDocument.objects.count() + 1}号"
    return ApprovalDocument.objects.create(
        number=number,
        case=case,
        title=case.title,
        file=f"documents/{number}.pdf",
        size=1,
        sha256=hashlib.sha256(number.encode()).hexdigest(),
        signer="示范县行政审批局",
        issued_at=when,
        issued_by=lead,
        **(
            {"status": DocumentStatus.REVOKED, "revoked_at": revoked_at, "revoke_reason": "笔误"}
            if revoked_at
            else {}
        ),
    )


@pytest.fixture
def documented(travel, catalog, applicant, clerk, lead, all_papers):
    """documented(decided, issued) files a case on Tue 10 Feb 2026, accepts it that day,
    records its decision and its document on the days given."""

    def go(decided, issued):
        travel(2026, 2, 10)
        case = engine.apply(
            applicant, title="示范机械厂房项目", project_type=catalog["project"], files=all_papers()
        )
        case = intake.accept(case.pk, clerk)
        Case.objects.filter(pk=case.pk).update(decided_at=at(*decided))
        if issued:
            issue(case, lead, at(*issued))
        return case

    return go


def test_the_document_is_counted_from_intake_to_the_day_it_was_issued(documented, travel):
    documented((2026, 3, 16), (2026, 3, 17))  # decided after 20 working days, issued the next
    documented((2026, 3, 16), (2026, 3, 19))
    documented((2026, 3, 16), None)  # its document still waits: decision figures only
    travel(2026, 3, 20)
    stats = published_statistics(D(2026, 3, 20))
    assert (stats.average_working_days, stats.median_working_days) == (20.0, 20.0)
    assert stats.average_document_working_days == 22.0  # (21 + 23) / 2
    assert stats.median_document_working_days == 22.0


def test_a_reissued_document_counts_from_the_first(documented, lead, travel):
    case = documented((2026, 3, 16), None)
    first = issue(case, lead, at(2026, 3, 17), revoked_at=at(2026, 3, 25))
    ApprovalDocument.objects.filter(pk=first.pk).update(
        successor=issue(case, lead, at(2026, 3, 25))
    )
    travel(2026, 3, 26)
    assert published_statistics(D(2026, 3, 26)).average_document_working_days == 21.0


def test_the_figures_read_the_documents_of_every_case_at_once(documented):
    documented((2026, 3, 16), (2026, 3, 17))
    with CaptureQueriesContext(connection) as one:
        published_statistics(D(2026, 3, 20))
    documented((2026, 3, 16), (2026, 3, 18))
    documented((2026, 3, 16), (2026, 3, 19))
    with CaptureQueriesContext(connection) as three:
        published_statistics(D(2026, 3, 20))
    assert len(three) == len(one)
    assert [q for q in one.captured_queries if "documents_approvaldocument" in q["sql"]]


def test_the_home_page_and_the_api_show_it_beside_intake_to_decision(client, documented, travel):
    documented((2026, 3, 16), (2026, 3, 17))
    travel(2026, 3, 20)
    page = client.get("/").content.decode()
    decision = page.index("受理到决定平均用时")
    document = page.index("受理到出具批复文件平均用时")
    assert decision < document < page.index("少交材料")
    assert "21.0 个工作日" in page[document:] and "中位数 21.0 个工作日" in page[document:]
    data = client.get("/api/public/statistics").json()
    assert (data["average_document_working_days"], data["median_document_working_days"]) == (
        21.0,
        21.0,
    )
    assert data["median_working_days"] == 20.0
