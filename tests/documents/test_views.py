"""Pages: public verification, the lead's buttons, the applicant's download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import verify
from documents.models import ApprovalDocument, DocumentStatus


def _content(document) -> bytes:
    with document.file.open("rb") as f:
        return f.read()


def _pdf(content: bytes, name="批复.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.django_db
def test_verify_page_needs_no_login_and_answers_by_number(client, issued):
    response = client.get("/documents/verify/", {"number": issued.number})
    assert response.status_code == 200
    body = response.content.decode()
    assert "批复文件 示审批〔2026〕1号 现行有效" in body
    assert "示范机械制造" not in body  # a number lookup shows no party


@pytest.mark.django_db
def test_the_qr_address_opens_the_answer(client, issued):
    response = client.get(
        "/documents/verify/?number=%E7%A4%BA%E5%AE%A1%E6%89%B9%E3%80%942026%E3%80%951%E5%8F%B7"
    )
    assert "现行有效" in response.content.decode()


@pytest.mark.django_db
def test_verify_page_checks_an_uploaded_file(client, issued):
    response = client.post("/documents/verify/", {"file": _pdf(_content(issued))})
    body = response.content.decode()
    assert response.status_code == 200
    assert "核验通过" in body
    assert "逐字节一致" in body


@pytest.mark.django_db
def test_verify_page_refuses_what_is_not_a_pdf(client):
    response = client.post("/documents/verify/", {"file": _pdf(b"<html>hello</html>", "x.pdf")})
    assert response.status_code == 400
    assert "不是 PDF 文件" in response.content.decode()


@pytest.mark.django_db
def test_verify_page_refuses_an_oversized_upload(client, monkeypatch):
    monkeypatch.setattr(verify, "MAX_UPLOAD_BYTES", 100)
    response = client.post("/documents/verify/", {"file": _pdf(b"%PDF-" + b"0" * 200)})
    assert response.status_code == 400
    assert "文件超过" in response.content.decode()


@pytest.mark.django_db
def test_applicant_downloads_the_document_as_an_attachment(client, applicant, issued):
    client.force_login(applicant)
    response = client.get(f"/documents/{issued.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == _content(issued)


@pytest.mark.django_db
def test_outsider_gets_404_on_download(client, charlie, issued):
    client.force_login(charlie)
    assert client.get(f"/documents/{issued.pk}/download/").status_code == 404
    assert client.get(f"/documents/case/{issued.case_id}/").status_code == 404


@pytest.mark.django_db
def test_anonymous_download_asks_to_log_in(client, issued):
    response = client.get(f"/documents/{issued.pk}/download/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_lead_issues_from_the_case_page(client, lead, decided_case, frozen):
    client.force_login(lead)
    page = client.get(f"/documents/case/{decided_case.pk}/").content.decode()
    assert f"/documents/case/{decided_case.pk}/issue/" in page
    response = client.post(f"/documents/case/{decided_case.pk}/issue/", follow=True)
    assert "已出具批复文件 示审批〔2026〕1号" in response.content.decode()
    assert ApprovalDocument.objects.get().case == decided_case


@pytest.mark.django_db
def test_reviewer_cannot_issue_from_the_page(client, reviewer_a, decided_case, frozen):
    client.force_login(reviewer_a)
    page = client.get(f"/documents/case/{decided_case.pk}/").content.decode()
    assert "/issue/" not in page
    assert client.post(f"/documents/case/{decided_case.pk}/issue/").status_code == 403
    assert not ApprovalDocument.objects.exists()


@pytest.mark.django_db
def test_lead_revokes_and_reissues_from_the_page(client, lead, issued):
    client.force_login(lead)
    response = client.post(
        f"/documents/{issued.pk}/revoke/", {"reason": "许可证编号有误", "reissue": "1"}, follow=True
    )
    assert "已撤销 示审批〔2026〕1号，并重新出具 示审批〔2026〕2号。" in response.content.decode()
    issued.refresh_from_db()
    assert issued.status == DocumentStatus.REVOKED


@pytest.mark.django_db
def test_revoking_without_a_reason_says_so_and_changes_nothing(client, lead, issued):
    client.force_login(lead)
    response = client.post(f"/documents/{issued.pk}/revoke/", {"reason": ""}, follow=True)
    assert "撤销批复文件须说明理由" in response.content.decode()
    issued.refresh_from_db()
    assert issued.status == DocumentStatus.VALID


@pytest.mark.django_db
def test_redirect_back_goes_only_to_our_own_pages(client, lead, issued):
    client.force_login(lead)
    response = client.post(
        f"/documents/{issued.pk}/revoke/", {"reason": "", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/documents/case/{issued.case_id}/"
