"""A changed copy of a registered document: the registered original's status is context,
worded as the original's and never shown as ✓ for the file in hand."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.issuing import revoke_document
from documents.verify import verify_file

from .test_verify import _changed, _content

REGISTERED_VALID = (
    "登记的批复文件 示审批〔2026〕1号 未被撤销；这是登记原件的状态，不代表上传的文件有效。"
)


@pytest.mark.django_db
def test_a_changed_copy_gets_no_tick_only_the_registered_originals_status(issued):
    verdict = verify_file(_changed(_content(issued)))

    assert not verdict.ok
    assert verdict.headline == (
        "核验未通过：此文件与登记的批复文件 示审批〔2026〕1号 不一致，不能作为该文件使用。"
    )
    assert not any(f.ok for f in verdict.findings)
    assert [f.mark for f in verdict.findings] == ["✗", "✗", "·"]
    assert verdict.findings[-1].text == REGISTERED_VALID
    assert all("该文件现行有效" not in line for line in verdict.lines)
    assert verdict.lines[-1] == f"· {REGISTERED_VALID}"


@pytest.mark.django_db
def test_a_changed_copy_of_a_revoked_document_names_the_successor(issued, lead):
    revoke_document(issued.pk, lead, "许可证编号有误", reissue=True)

    verdict = verify_file(_changed(_content(issued)))

    assert not verdict.ok
    status = verdict.findings[-1]
    assert not status.ok and not status.neutral
    assert status.text.startswith("登记的批复文件 示审批〔2026〕1号 已于 ")
    assert "替代文件为 示审批〔2026〕2号" in status.text
    assert "许可证编号有误" not in status.text  # a changed file's holder gets no reason


@pytest.mark.django_db
def test_the_verify_page_shows_the_registered_status_in_neutral_styling(client, issued):
    upload = SimpleUploadedFile(
        "doc.pdf", _changed(_content(issued)), content_type="application/pdf"
    )

    page = client.post("/documents/verify/", {"file": upload}).content.decode()

    assert 'class="status-red">核验未通过：此文件与登记的批复文件' in page
    assert '<li class="status-green">' not in page
    assert '<li class="muted finding-neutral">' in page and REGISTERED_VALID in page
    assert "该文件现行有效" not in page


@pytest.mark.django_db
def test_the_api_reports_no_finding_as_ok_for_a_changed_copy(client, issued):
    upload = SimpleUploadedFile(
        "doc.pdf", _changed(_content(issued)), content_type="application/pdf"
    )

    answer = client.post("/api/documents/verify", {"file": upload}).json()

    assert answer["ok"] is False
    assert [f["ok"] for f in answer["findings"]] == [False, False, False]
    assert answer["findings"][-1]["text"] == REGISTERED_VALID
