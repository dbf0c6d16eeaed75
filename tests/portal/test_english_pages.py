"""The English interface: a page in English shows no Chinese but the user's own data.

Names of departments, items, papers and enterprises, case titles and what people wrote stay
Chinese; every label, message, choice and piece of punctuation of ours must be English. The
check strips the data values of the test from the page's text (and skips the language switch,
which names 中文 in Chinese on purpose) and looks for any CJK character left, full-width
punctuation included."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

from cases import engine, intake, review
from cases.models import CaseEvent, ReviewTask
from catalog.models import ApprovalItem, Material, ProjectType, Stage
from directory.models import Department, Enterprise
from tests.cases.conftest import task

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
# What people typed in this module's cases: user data, like the catalog's names.
TYPED = [
    "示范机械厂房项目",
    "选址与规划不符",
    "同意",
    "三楼会议室",
    "按专家意见修改",
    "维持意见",
    "纪要",
    "复印件不清晰",
    "缺少盖章页",
    "他人",
]


class _Text(HTMLParser):
    """Text and the readable attributes of a page, outside scripts, styles and anything
    marked as Chinese (lang="zh-Hans": the language switch)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []  # for each open element: is its content skipped?

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = (self.stack and self.stack[-1]) or tag in ("script", "style")
        skipped = skipped or (attrs.get("lang") or "").lower().startswith("zh")
        if not skipped:
            self.parts.extend(attrs[a] for a in ATTRIBUTES if attrs.get(a))
        if tag not in self.VOID:
            self.stack.append(bool(skipped))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]) and data.strip():
            self.parts.append(data.strip())


def user_data() -> list[str]:
    """Every name and text of the test's rows that a page may show, longest first."""
    values = [settings.SERVICE_CENTRE_NAME, *TYPED]
    values += Department.objects.values_list("name", flat=True)
    values += Enterprise.objects.values_list("name", flat=True)
    values += Material.objects.values_list("name", flat=True)
    values += ProjectType.objects.values_list("name", flat=True)
    values += Stage.objects.values_list("name", flat=True)
    for item in ApprovalItem.objects.all():
        values += [item.name, item.result_name, item.fee, item.legal_basis]
    from accounts.models import User

    values += User.objects.values_list("display_name", flat=True)
    # Opinions are what reviewers wrote; the one the window writes for an on-the-spot item
    # (review.decide_on_the_spot) is stored in the clerk's language, so it counts as data here.
    values += ReviewTask.objects.values_list("opinion", flat=True)
    return sorted({v for v in values if v}, key=len, reverse=True)


def chinese_left(response) -> list[str]:
    """The pieces of the page's text that still hold CJK once the user data is taken out."""
    parser = _Text()
    parser.feed(response.content.decode())
    data = user_data()
    left = []
    for part in parser.parts:
        rest = part
        for value in data:
            rest = rest.replace(value, "")
        if CJK.search(rest):
            left.append(part)
    return left


def in_english(client, user=None):
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def held(referred, lead, centre, dept_a, dept_b, travel):
    """The joint meeting of `referred`, held and recorded with licence conditions."""
    a, d = task(referred, "A"), task(referred, "D")
    meeting = review.convene_meeting(
        referred.pk,
        lead,
        scheduled_for=engine.clock.now() + dt.timedelta(days=1),
        place="三楼会议室",
        task_ids=[a.pk, d.pk],
    )
    travel(2026, 2, 24, 16)
    review.record_meeting(
        meeting.pk,
        lead,
        attendance={
            centre.pk: "attended",
            dept_a.pk: "opinion",
            "opinions": {dept_a.pk: "维持意见"},
        },
        resolutions={
            a.pk: {"approve": False, "text": "选址与规划不符"},
            d.pk: {"approve": True, "text": "同意", "conditions": "按专家意见修改"},
        },
        minutes="纪要",
    )
    return meeting


# ---- the public pages ------------------------------------------------------------------


def test_the_home_page_is_all_english(client, catalog):
    response = in_english(client).get("/")
    assert response.status_code == 200 and 'lang="en"' in response.content.decode()
    assert chinese_left(response) == []


def test_an_items_guide_is_english_but_for_its_names(client, catalog):
    response = in_english(client).get(f"/catalog/items/{catalog['B'].code}/")
    assert response.status_code == 200
    assert chinese_left(response) == []


def test_a_progress_lookup_answers_in_english(client, accepted):
    response = in_english(client).get(
        "/progress/", {"number": accepted.number, "code": accepted.query_code}
    )
    assert response.status_code == 200 and accepted.number in response.content.decode()
    assert chinese_left(response) == []


# ---- the applicant ---------------------------------------------------------------------


def test_the_applicants_case_page_is_english(client, accepted, applicant):
    response = in_english(client, applicant).get(f"/cases/{accepted.pk}/")
    assert response.status_code == 200
    assert chinese_left(response) == []


def test_the_apply_form_lists_the_items_needing_a_paper_in_english(client, catalog, applicant):
    # 申请表 is needed by three items: the list is joined with ", ", not "、".
    response = in_english(client, applicant).get(
        "/cases/apply/", {"project": catalog["project"].pk}
    )
    assert response.status_code == 200
    assert chinese_left(response) == []


def test_a_one_time_notice_in_the_history_reads_in_english(client, submitted, clerk, applicant):
    intake.issue_notice(
        submitted.pk,
        clerk,
        [
            {"material": Material.objects.get(name="申请表").pk, "problem": "复印件不清晰"},
            {"material": Material.objects.get(name="施工图设计文件").pk, "problem": "缺少盖章页"},
        ],
    )
    response = in_english(client, applicant).get(f"/cases/{submitted.pk}/")
    assert response.status_code == 200
    assert chinese_left(response) == []


# ---- the departments -------------------------------------------------------------------


def test_a_reviewers_task_list_is_english(client, accepted, reviewer_b):
    response = in_english(client, reviewer_b).get("/cases/tasks/")
    assert response.status_code == 200 and "消防设计审查" in response.content.decode()
    assert chinese_left(response) == []


def test_convening_lists_the_referred_items_in_english(client, referred, lead):
    response = in_english(client, lead).get(f"/cases/{referred.pk}/meetings/new/")
    assert response.status_code == 200 and "选址与规划不符" in response.content.decode()
    assert chinese_left(response) == []


def test_a_recorded_meeting_shows_its_licence_conditions_in_english(client, held, lead):
    response = in_english(client, lead).get(f"/cases/meetings/{held.pk}/")
    assert response.status_code == 200 and "按专家意见修改" in response.content.decode()
    assert chinese_left(response) == []


# ---- supervision -----------------------------------------------------------------------


def test_the_supervision_board_is_english(client, accepted, supervisor):
    ReviewTask.objects.filter(pk=task(accepted, "A").pk).update(light="red")
    ReviewTask.objects.filter(pk=task(accepted, "D").pk).update(light="yellow")
    response = in_english(client, supervisor).get("/cases/board/")
    assert response.status_code == 200 and "消防设计审查" in response.content.decode()
    assert chinese_left(response) == []


def test_the_audit_names_a_broken_chain_in_english(client, accepted, supervisor):
    CaseEvent.objects.filter(case=accepted, seq=2).update(actor_name="他人")
    response = in_english(client, supervisor).post("/cases/board/audit/")
    assert accepted.number in response.content.decode()
    assert chinese_left(response) == []
