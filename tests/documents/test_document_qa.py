"""The document as its readers check it: every item applied for is accounted for, sentences
end, the title breaks between words, a seal that would not verify issues nothing, numbers
are found however they are typed, and the download stays out of caches."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.utils.html import strip_tags
from pypdf import PdfWriter

from cases.models import CaseState
from documents import issuing, keys, verify
from documents.models import DocumentSequence
from documents.render import ItemDecision, html

from .conftest import partial_data


def _text(data) -> str:
    return "".join(strip_tags(html(data).split("<body>", 1)[1]).split())


@pytest.mark.django_db
def test_items_stopped_by_a_refused_prerequisite_are_named_in_the_document(stopped_case):
    data = issuing.document_data(stopped_case, "示审批〔2026〕1号", dt.date(2026, 11, 20))
    text = _text(data)
    assert "申请的3项事项中，不予许可1项，因前置事项未获许可终止办理2项。" in text
    assert (
        "二、终止办理的事项（一）因前置事项“建设用地规划许可”未获许可，以下2项事项终止办理："
        "建筑工程施工许可（住房城乡建设局）、竣工验收备案（住房城乡建设局）。" in text
    )
    assert "理由：用地不符合国土空间规划。" in text  # the full stop the reviewer left out
    assert "行政复议" in text


def test_sentences_typed_without_a_full_stop_get_one():
    data = partial_data(
        decision="approved",
        decision_text="请按期开工",
        items=(
            ItemDecision("用地许可", "自然资源局", True, conditions="按会议意见完善方案后实施"),
        ),
    )
    text = _text(data)
    assert "许可条件：按会议意见完善方案后实施。" in text
    assert "请按期开工。特此批复。" in text


def test_the_lead_department_is_not_named_again_among_the_parallel_reviewers():
    alone = partial_data(
        lead_department="自然资源局",
        decision="approved",
        items=(ItemDecision("用地许可", "自然资源局", True),),
    )
    assert "本件由自然资源局审查。现批复如下" in _text(alone)
    together = partial_data(lead_department="自然资源局")
    assert "本件由自然资源局牵头，会同住房城乡建设局并联审查。" in _text(together)


def test_a_long_title_breaks_between_words_not_inside_them():
    data = partial_data(
        party_name="示范县瑞丰机械制造292有限公司",
        project="瑞丰机械制造292有限公司小型社会投资简易低风险项目",
    )
    assert data.title_lines == [
        "关于示范县瑞丰机械制造292有限公司",
        "“瑞丰机械制造292有限公司",
        "小型社会投资简易低风险项目”",
        "审批事项的批复",
    ]
    endless = partial_data(project="甲" * 45)
    assert "".join(endless.title_lines) == endless.title
    assert all(len(line) <= 20 for line in endless.title_lines)


@pytest.mark.django_db
def test_a_seal_key_that_is_not_the_certificates_issues_nothing(
    decided_case, lead, frozen, settings, tmp_path
):
    stranger = keys.init_keys(
        tmp_path / "other",
        organisation="示范县行政审批局",
        region_code="139999",
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        root_years=50,
        seal_years=50,
    )
    settings.SEAL_KEY_FILE = str(stranger.seal_key)

    with pytest.raises(issuing.SealNotConfigured) as refused:
        issuing.issue_document(decided_case.pk, lead)
    assert "未能通过核验" in refused.value.detail

    decided_case.refresh_from_db()
    assert decided_case.state == CaseState.DECIDED
    assert not decided_case.documents.exists()
    assert not DocumentSequence.objects.filter(last__gt=0).exists()
    stored = Path(settings.MEDIA_ROOT) / "documents"
    assert not stored.exists() or not any(stored.rglob("*.pdf"))


@pytest.mark.parametrize(
    "typed",
    [
        "示审批〔２０２６〕１号",
        "示审批﹝2026﹞1号",
        "示审批〔2026〕001号",
        "示审批[2026]1",
        "示审批{2026}1号",
    ],
)
def test_numbers_are_found_however_they_are_typed(typed):
    assert verify.normalise_number(typed) == "示审批〔2026〕1号"


@pytest.mark.django_db
def test_a_printed_copy_is_told_what_can_still_be_checked():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)

    verdict = verify.verify_file(buffer.getvalue())

    assert not verdict.ok
    hint = verdict.findings[-1]
    assert hint.neutral and "按副本上的文号查询" in hint.text


@pytest.mark.django_db
def test_download_is_kept_out_of_caches_and_named_in_both_forms(client, applicant, issued, lead):
    client.force_login(applicant)
    response = client.get(f"/documents/{issued.pk}/download/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    # Read, not closed: closing sends request_finished, which closes the test's connection.
    b"".join(response.streaming_content)
    assert 'filename="approval-2026-1.pdf"' in disposition
    assert "filename*=utf-8''%E7%A4%BA%E5%AE%A1%E6%89%B9%E3%80%942026%E3%80%951%E5%8F%B7.pdf" in (
        disposition
    )

    issuing.revoke_document(issued.pk, lead, "证照编号有误")
    response = client.get(f"/documents/{issued.pk}/download/")
    b"".join(response.streaming_content)
    assert re.search(
        r"filename\*=utf-8''.*%EF%BC%88%E5%B7%B2%E6%92%A4%E9%94%80%EF%BC%89\.pdf",
        (response["Content-Disposition"]),
    )  # （已撤销）
