"""The JSON API: metadata for those who see the case, issue and revoke for the lead,
verification for anyone."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import ApiToken
from documents.models import ApprovalDocument


def bearer(user):
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, url, auth, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **auth)


@pytest.mark.django_db
def test_metadata_for_the_applicant_404_for_the_outsider(client, issued, applicant, charlie):
    response = client.get(f"/api/documents/{issued.pk}", **bearer(applicant))
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == "示审批〔2026〕1号"
    assert data["sha256"] == issued.sha256
    assert data["download_url"] == f"/documents/{issued.pk}/download/"
    assert client.get(f"/api/documents/{issued.pk}", **bearer(charlie)).status_code == 404


@pytest.mark.django_db
def test_lead_issues_reviewer_is_refused(client, decided_case, lead, reviewer_a, frozen):
    refused = post(client, f"/api/documents/case/{decided_case.pk}/issue", bearer(reviewer_a))
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    issued = post(client, f"/api/documents/case/{decided_case.pk}/issue", bearer(lead))
    assert issued.status_code == 201
    assert issued.json()["status"] == "valid"
    again = post(client, f"/api/documents/case/{decided_case.pk}/issue", bearer(lead))
    assert again.status_code == 409


@pytest.mark.django_db
def test_revoke_and_reissue(client, issued, lead):
    response = post(
        client,
        f"/api/documents/{issued.pk}/revoke",
        bearer(lead),
        {"reason": "许可证编号有误", "reissue": True},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert response.json()["successor_number"] == "示审批〔2026〕2号"


@pytest.mark.django_db
def test_a_retried_issue_answers_as_the_first_and_issues_once(client, decided_case, lead, frozen):
    auth = {**bearer(lead), "HTTP_IDEMPOTENCY_KEY": "issue-1"}
    url = f"/api/documents/case/{decided_case.pk}/issue"
    first, retried = post(client, url, auth), post(client, url, auth)
    assert (first.status_code, retried.status_code) == (201, 201)
    assert retried.json() == first.json() and retried["Idempotent-Replayed"] == "true"
    assert ApprovalDocument.objects.count() == 1


@pytest.mark.django_db
def test_a_retried_revocation_answers_as_the_first_and_reissues_once(client, issued, lead):
    auth = {**bearer(lead), "HTTP_IDEMPOTENCY_KEY": "revoke-1"}
    body = {"reason": "许可证编号有误", "reissue": True}
    first = post(client, f"/api/documents/{issued.pk}/revoke", auth, body)
    retried = post(client, f"/api/documents/{issued.pk}/revoke", auth, body)
    assert first.status_code == retried.status_code == 200
    assert retried.json()["successor_number"] == "示审批〔2026〕2号"
    assert ApprovalDocument.objects.count() == 2


@pytest.mark.django_db
def test_public_verification_by_number_needs_no_credentials(client, issued):
    response = client.get("/api/documents/verify", {"number": issued.number})
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["status"] == "valid"


@pytest.mark.django_db
def test_public_verification_of_a_file(client, issued):
    with issued.file.open("rb") as f:
        content = f.read()
    upload = SimpleUploadedFile("a.pdf", content, content_type="application/pdf")
    response = client.post("/api/documents/verify", {"file": upload})
    assert response.status_code == 200
    assert response.json()["ok"] is True
    bad = SimpleUploadedFile("a.pdf", b"not a pdf", content_type="application/pdf")
    assert client.post("/api/documents/verify", {"file": bad}).status_code == 400
