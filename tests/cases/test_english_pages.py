"""The case pages in English: the county's Chinese records marked as Chinese for screen
readers, the texts the system itself stores shown in the page's language, and counted
strings that say "1 item" and "2 items"."""

import re

import pytest
from django.utils import translation

from cases import intake, review
from cases.models import ReviewTask
from cases.templatetags.zh import NO_FEE, zh
from catalog.models import ApprovalItem
from lianban.errors import DomainError

from .conftest import task

ON_THE_SPOT_ZH = "即办件，窗口当场办结。"
ON_THE_SPOT_EN = "On-the-spot item, decided at the window."
MARKED = re.compile(r'<span lang="zh-Hans">(.*?)</span>', re.S)
HAN = re.compile(r"[\u4e00-\u9fff]")


def page(client, user, url, *, english=True) -> str:
    client.force_login(user)
    if english:
        client.cookies["django_language"] = "en"
    return client.get(url).content.decode()


def test_an_english_case_page_marks_the_countys_chinese_records(client, accepted, applicant):
    html = page(client, applicant, f"/cases/{accepted.pk}/")
    assert '<html lang="en">' in html
    marked = MARKED.findall(html)
    for name in ("示范机械厂房项目", "行政审批局", "自然资源局", "建设用地规划许可", "申请表"):
        assert name in marked  # the title, departments, items and papers
    assert "示范机械制造有限公司" in marked  # the enterprise
    assert all(HAN.search(text) for text in marked)  # the English around them is not


def test_a_chinese_case_page_leaves_its_own_language_unmarked(client, accepted, applicant):
    html = page(client, applicant, f"/cases/{accepted.pk}/", english=False)
    assert "自然资源局" in html
    assert MARKED.findall(html) == []


def test_an_english_title_is_not_marked_chinese(client, accepted, applicant):
    type(accepted).objects.filter(pk=accepted.pk).update(title="Tractor works")
    html = page(client, applicant, f"/cases/{accepted.pk}/")
    assert "<h1>Tractor works</h1>" in html


def test_an_english_application_form_marks_the_papers_and_the_items_needing_them(
    client, travel, catalog, applicant
):
    travel(2026, 2, 10)
    html = page(client, applicant, f"/cases/apply/?project={catalog['project'].pk}")
    filing = f'<label for="id_material_{catalog["filing"].pk}"><span lang="zh-Hans">项目备案证明'
    assert filing in html
    assert 'Needed by: <span lang="zh-Hans">建设用地规划许可</span>' in html


def test_an_agent_chooses_among_applicants_marked_chinese(
    client, travel, catalog, authorised_agent, applicant
):
    travel(2026, 2, 10)
    html = page(client, authorised_agent, f"/cases/apply/?project={catalog['project'].pk}")
    assert f'<option value="{applicant.pk}" lang="zh-Hans">王丽</option>' in html


def test_the_task_page_marks_the_department_and_the_other_items(client, accepted, reviewer_a):
    html = page(client, reviewer_a, f"/cases/tasks/{task(accepted, 'A').pk}/")
    assert '<h1><span lang="zh-Hans">建设用地规划许可</span></h1>' in html
    assert '<td><span lang="zh-Hans">住房城乡建设局</span></td>' in html


# ---- texts the system stores --------------------------------------------------------------


def test_the_on_the_spot_opinion_is_stored_in_chinese_when_the_clerk_reads_english(
    submitted, clerk
):
    with translation.override("en"):
        intake.accept(submitted.pk, clerk)
    assert task(submitted, "C").opinion == ON_THE_SPOT_ZH


def test_an_english_case_page_gives_the_on_the_spot_opinion_in_english(client, accepted, applicant):
    html = page(client, applicant, f"/cases/{accepted.pk}/")
    assert ON_THE_SPOT_EN in html
    assert ON_THE_SPOT_ZH not in html


def test_an_opinion_once_stored_in_english_reads_in_chinese_on_a_chinese_page(
    client, accepted, applicant
):
    ReviewTask.objects.filter(pk=task(accepted, "C").pk).update(opinion=ON_THE_SPOT_EN)
    html = page(client, applicant, f"/cases/{accepted.pk}/", english=False)
    assert ON_THE_SPOT_ZH in html
    assert ON_THE_SPOT_EN not in html


def test_a_reviewers_own_opinion_stays_as_written(client, referred, applicant):
    html = page(client, applicant, f"/cases/{referred.pk}/")
    assert '<span lang="zh-Hans">选址与规划不符</span>' in html


def test_the_default_fee_reads_in_the_pages_language(db):
    fee = ApprovalItem().fee
    assert fee == NO_FEE  # the model's default is the text the pages translate
    with translation.override("en"):
        assert zh(fee) == "Free of charge"
    assert zh(fee) == "不收费"


# ---- counted strings ----------------------------------------------------------------------


@pytest.mark.parametrize(("days", "text"), [(1, "paused 1 day"), (3, "paused 3 days")])
def test_the_task_page_counts_the_paused_days(client, accepted, reviewer_a, days, text):
    ReviewTask.objects.filter(pk=task(accepted, "A").pk).update(paused_days=days)
    html = page(client, reviewer_a, f"/cases/tasks/{task(accepted, 'A').pk}/")
    assert f"20 working days · {text}<" in html


def test_the_lead_sees_how_many_items_wait_for_the_meeting(
    client, accepted, reviewer_a, reviewer_b, lead
):
    review.approve_task(task(accepted, "D").pk, reviewer_b, opinion="同意")
    assert "1 item for the joint meeting" in page(client, lead, "/cases/led/")
    review.refuse_task(task(accepted, "A").pk, reviewer_a, opinion="不符")
    assert "2 items for the joint meeting" in page(client, lead, "/cases/led/")


def test_the_item_picker_counts_the_chosen_items(client, catalog, applicant):
    one = page(client, applicant, f"/cases/apply/?pick={catalog['A'].pk}")
    assert "1 item chosen" in one
    two = page(client, applicant, f"/cases/apply/?pick={catalog['A'].pk}&pick={catalog['B'].pk}")
    assert "2 items chosen" in two


def test_a_meeting_missing_one_resolution_names_it_in_the_singular(referred, lead):
    meeting = review.convene_meeting(
        referred.pk, lead, scheduled_for=review.clock.now(), task_ids=[task(referred, "A").pk]
    )
    with translation.override("en"), pytest.raises(DomainError) as refused:
        review.record_meeting(meeting.pk, lead, attendance={}, resolutions={})
    assert str(refused.value.message) == "This item has no resolution yet: 建设用地规划许可"
