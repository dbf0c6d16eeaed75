"""A document revoked with none after it leaves its closed case without a valid approval:
every page that shows the case's document says so, and no page offers a revoked successor
as the one to rely on."""

import pytest
from django.template.loader import render_to_string

from documents.issuing import revoke_document
from documents.models import standing
from documents.verify import verify_number

NO_VALID = "本办件目前没有有效的批复文件。"
REASON = "申请人以欺骗手段取得许可"


@pytest.fixture
def withdrawn(issued, lead):
    """The case's only document revoked, and nothing issued in its place."""
    return revoke_document(issued.pk, lead, REASON)


@pytest.mark.django_db
def test_standing_is_the_valid_document_or_else_the_last_revoked(issued, lead):
    assert standing(issued.case.documents.all()) == issued
    first = revoke_document(issued.pk, lead, "编号有误", reissue=True)
    assert standing(issued.case.documents.all()) == first.successor
    second = revoke_document(first.successor.pk, lead, REASON)
    assert standing(issued.case.documents.all()) == second
    assert standing([]) is None


@pytest.mark.django_db
def test_the_case_page_tells_the_applicant_there_is_no_valid_document(client, applicant, withdrawn):
    client.force_login(applicant)
    page = client.get(f"/cases/{withdrawn.case_id}/").content.decode()
    assert NO_VALID in page
    assert (
        "批复文件 示审批〔2026〕1号 已于 2026-11-20 撤销，没有替代文件，不能再作为审批结果使用。"
        in page
    )
    assert REASON in page


@pytest.mark.django_db
def test_the_lead_departments_documents_page_says_so_too(client, lead, withdrawn):
    client.force_login(lead)
    page = client.get(f"/documents/case/{withdrawn.case_id}/").content.decode()
    assert NO_VALID in page


@pytest.mark.django_db
def test_a_case_with_a_valid_document_shows_no_such_warning(client, applicant, issued, lead):
    revoke_document(issued.pk, lead, "编号有误", reissue=True)
    client.force_login(applicant)
    page = client.get(f"/cases/{issued.case_id}/").content.decode()
    assert NO_VALID not in page


@pytest.mark.django_db
def test_the_revoke_form_warns_what_revoking_without_reissue_leaves(client, lead, issued):
    client.force_login(lead)
    page = client.get(f"/documents/case/{issued.case_id}/").content.decode()
    assert "不重新出具的，本办件将没有有效的批复文件，此后也不能再出具。" in page


@pytest.mark.django_db
def test_the_standing_partial_for_other_pages_names_the_state_of_the_document(withdrawn):
    shown = render_to_string("documents/_standing.html", {"standing": withdrawn})
    assert NO_VALID in shown and REASON in shown
    assert render_to_string("documents/_standing.html", {"standing": None}).strip() == ""


@pytest.mark.django_db
def test_the_standing_partial_names_a_valid_document_as_such(issued):
    shown = render_to_string("documents/_standing.html", {"standing": issued})
    assert "批复文件 示审批〔2026〕1号 于 2026-11-20 出具，现行有效。" in shown


@pytest.mark.django_db
def test_a_successor_revoked_in_turn_is_not_offered_as_the_one_to_rely_on(issued, lead):
    first = revoke_document(issued.pk, lead, "编号有误", reissue=True)
    revoke_document(first.successor.pk, lead, REASON)

    status = verify_number("示审批〔2026〕1号").findings[-1].text
    assert "请以替代文件为准" not in status
    assert status.endswith("替代文件 示审批〔2026〕2号 也已撤销。目前没有现行有效的替代文件。")


@pytest.mark.django_db
def test_a_chain_of_reissues_sends_the_reader_to_the_document_in_force(issued, lead):
    first = revoke_document(issued.pk, lead, "编号有误", reissue=True)
    revoke_document(first.successor.pk, lead, "日期有误", reissue=True)

    status = verify_number("示审批〔2026〕1号").findings[-1].text
    assert status.endswith(
        "替代文件 示审批〔2026〕2号 也已撤销。现行有效的是批复文件 示审批〔2026〕3号，请以该文件为准。"
    )
    assert verify_number("示审批〔2026〕3号").ok


@pytest.mark.django_db
def test_the_number_lookup_of_a_withdrawn_document_says_there_is_no_replacement(withdrawn):
    verdict = verify_number("示审批〔2026〕1号")
    assert not verdict.ok
    assert verdict.findings[-1].text == "该文件已于 2026-11-20 撤销。没有替代文件。"


@pytest.mark.django_db
def test_the_applicant_is_told_the_document_was_revoked_and_that_none_replaces_it(
    applicant, withdrawn
):
    note = applicant.notifications.get(key=f"case:{withdrawn.case_id}:revoked:{withdrawn.number}")
    assert withdrawn.number in note.message and REASON in note.message
    assert "本办件目前没有有效的批复文件" in note.message


@pytest.mark.django_db
def test_the_applicant_is_told_which_document_replaces_a_revoked_one(applicant, issued, lead):
    revoked = revoke_document(issued.pk, lead, "编号有误", reissue=True)
    note = applicant.notifications.get(key=f"case:{issued.case_id}:revoked:{issued.number}")
    assert revoked.successor.number in note.message
    assert "以新文件为准" in note.message


@pytest.mark.django_db
def test_the_progress_lookup_says_the_case_has_no_valid_document(client, withdrawn):
    case = withdrawn.case
    page = client.get("/progress/", {"number": case.number, "code": case.query_code})
    assert NO_VALID in page.content.decode() and REASON in page.content.decode()


@pytest.mark.django_db
def test_the_progress_lookup_names_the_valid_document(client, issued):
    case = issued.case
    page = client.get("/progress/", {"number": case.number, "code": case.query_code})
    assert f"批复文件 {issued.number} 于" in page.content.decode()
    assert NO_VALID not in page.content.decode()


@pytest.mark.django_db
def test_the_case_pages_decision_carries_the_revocation(client, applicant, withdrawn):
    client.force_login(applicant)
    page = client.get(f"/cases/{withdrawn.case_id}/").content.decode()
    assert "批复文件已撤销" in page
