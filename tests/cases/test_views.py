"""The case pages: what each role sees, that every POST goes through the engine, that bad
input changes nothing, htmx gets partials, and the outsider gets 404."""

import datetime as dt

import pytest

from accounts.models import Role, User
from cases import engine, intake, review
from cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseState,
    JointMeeting,
    Notice,
    ReviewTask,
    Shortfall,
    TaskState,
)

from .conftest import pdf, task

HTMX = {"HTTP_HX_REQUEST": "true"}


def body(response) -> str:
    return response.content.decode()


def kinds(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("kind", flat=True))


@pytest.fixture
def single_a(travel, catalog, applicant):
    """A case with item A only: nothing of it belongs to 住建局 (reviewer_b)."""
    travel(2026, 2, 10)
    case = engine.apply(
        applicant,
        title="用地项目",
        items=[catalog["A"].pk],
        files={str(catalog["form"].pk): pdf("form.pdf")},
    )
    return case


def as_user(client, user):
    client.force_login(user)
    return client


# ---- applying ---------------------------------------------------------------------------


def test_apply_form_asks_each_paper_once_with_the_items_that_need_it(
    client, travel, catalog, applicant
):
    travel(2026, 2, 10)
    page = body(as_user(client, applicant).get(f"/cases/apply/?project={catalog['project'].pk}"))
    assert page.count('type="file"') == 3  # 申请表, 项目备案证明, 施工图设计文件
    assert f'name="material_{catalog["permit"].pk}"' not in page  # issued inside: 免提交
    assert "建设用地规划许可、地名核准、建设工程规划许可" in page  # who needs 申请表


def test_the_chooser_lists_project_types_and_items(client, catalog, applicant):
    page = body(as_user(client, applicant).get("/cases/apply/"))
    assert "一般工业项目" in page and "消防设计审查" in page


def test_applying_goes_through_the_engine(client, travel, catalog, applicant):
    travel(2026, 2, 10)
    response = as_user(client, applicant).post(
        f"/cases/apply/?project={catalog['project'].pk}",
        {"title": "新厂房", f"material_{catalog['form'].pk}": pdf("form.pdf")},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert kinds(case) == ["applied"] and case.materials.count() == 1
    page = body(client.get(response["Location"]))
    assert case.number in page and case.query_code in page  # shown once to the applicant


def test_a_bad_file_is_refused_beside_its_field_and_nothing_is_created(
    client, travel, catalog, applicant
):
    travel(2026, 2, 10)
    response = as_user(client, applicant).post(
        f"/cases/apply/?project={catalog['project'].pk}",
        {"title": "新厂房", f"material_{catalog['form'].pk}": pdf("evil.pdf", b"MZ\x90")},
    )
    assert response.status_code == 400
    assert "不是 PDF、JPEG、PNG 或 OFD 文件" in body(response)
    assert Case.objects.count() == 0 and CaseMaterial.objects.count() == 0


def test_staff_have_no_apply_page(client, clerk, catalog):
    assert as_user(client, clerk).get("/cases/apply/").status_code == 404


def test_my_cases_lists_mine_and_not_anothers(client, submitted, applicant, charlie):
    assert submitted.number in body(as_user(client, applicant).get("/cases/mine/"))
    assert submitted.number not in body(as_user(client, charlie).get("/cases/mine/"))


# ---- the outsider and other departments -------------------------------------------------


def test_the_outsider_gets_404_on_case_task_and_paper(client, accepted, charlie):
    as_user(client, charlie)
    paper = accepted.materials.first()
    for url in (
        f"/cases/{accepted.pk}/",
        f"/cases/tasks/{task(accepted, 'A').pk}/",
        f"/cases/materials/{paper.pk}/",
        f"/cases/{accepted.pk}/withdraw/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        # The same page as for an address that does not exist: nothing says the case is real.
        assert "没有找到该页面" in body(response) and accepted.number not in body(response)


def test_a_reviewer_of_another_department_gets_404(client, single_a, dept_a, reviewer_b):
    clerk_a = User.objects.create_user("clerk_a", role=Role.CLERK, department=dept_a)
    intake.accept(single_a.pk, clerk_a)  # a one-department case is led by that department
    as_user(client, reviewer_b)
    assert client.get(f"/cases/{single_a.pk}/").status_code == 404
    assert client.get(f"/cases/tasks/{task(single_a, 'A').pk}/").status_code == 404
    assert client.get(f"/cases/materials/{single_a.materials.get().pk}/").status_code == 404
    response = client.post(f"/cases/tasks/{task(single_a, 'A').pk}/", {"action": "approve"})
    assert response.status_code == 404
    assert task(single_a, "A").state == TaskState.IN_REVIEW


def test_a_reviewer_cannot_open_the_other_departments_task_of_a_shared_case(
    client, accepted, reviewer_b
):
    response = as_user(client, reviewer_b).get(f"/cases/tasks/{task(accepted, 'A').pk}/")
    assert response.status_code == 404


# ---- the case page ----------------------------------------------------------------------


def test_case_page_shows_departments_due_dates_lights_and_the_timeline(client, accepted, applicant):
    page = body(as_user(client, applicant).get(f"/cases/{accepted.pk}/"))
    assert "自然资源局" in page and "住房城乡建设局" in page
    assert "2026-03-16" in page  # A's due date, 20 working days
    assert "light-green" in page and "正常" in page
    assert "提交申请" in page and "已受理" in page and "即办件当场办结" in page
    assert "撤回申请" in page


def test_personal_numbers_are_masked_for_the_applicant_and_whole_for_the_clerk(
    client, travel, catalog, person_applicant, clerk
):
    travel(2026, 2, 10)
    case = engine.apply(
        person_applicant, title="个人项目", items=[catalog["C"].pk, catalog["D"].pk]
    )
    own = body(as_user(client, person_applicant).get(f"/cases/{case.pk}/"))
    assert "1101**********002X" in own and "11010519491231002X" not in own
    assert "138****5678" in own
    clerk_client = client.__class__()
    staff = body(as_user(clerk_client, clerk).get(f"/cases/{case.pk}/"))
    assert "11010519491231002X" in staff


def test_withdraw_asks_for_confirmation_then_withdraws(client, submitted, applicant):
    as_user(client, applicant)
    confirm = client.get(f"/cases/{submitted.pk}/withdraw/")
    assert "确认撤回" in body(confirm)
    assert Case.objects.get(pk=submitted.pk).state == CaseState.SUBMITTED
    response = client.post(f"/cases/{submitted.pk}/withdraw/", {"reason": "项目调整"})
    assert response.status_code == 302
    assert Case.objects.get(pk=submitted.pk).state == CaseState.WITHDRAWN
    assert kinds(submitted)[-1] == "withdrawn"


# ---- the window -------------------------------------------------------------------------


def test_intake_queue_lists_oldest_first_with_the_notice_deadline(
    client, travel, catalog, applicant, clerk
):
    travel(2026, 2, 10)
    first = engine.apply(applicant, title="先到的项目", items=[catalog["A"].pk, catalog["D"].pk])
    travel(2026, 2, 11)
    engine.apply(applicant, title="后到的项目", items=[catalog["A"].pk, catalog["D"].pk])
    page = body(as_user(client, clerk).get("/cases/intake/"))
    assert page.index("先到的项目") < page.index("后到的项目")
    assert first.notice_deadline.isoformat() in page


def test_checklist_marks_missing_papers_and_sends_the_one_time_notice(
    client, travel, catalog, applicant, clerk
):
    travel(2026, 2, 10)
    case = engine.apply(
        applicant,
        title="厂房",
        project_type=catalog["project"],
        files={str(catalog["form"].pk): pdf("form.pdf")},
    )
    as_user(client, clerk)
    page = body(client.get(f"/cases/{case.pk}/intake/"))
    assert page.count("未上传") == 2 and "form.pdf" in page
    filing = catalog["filing"].pk
    response = client.post(
        f"/cases/{case.pk}/intake/",
        {"action": "notice", f"faulty_{filing}": "on", f"problem_{filing}": "缺项目备案证明"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.NOTICE
    assert Notice.objects.get(case=case).problems == [
        {"material": filing, "name": "项目备案证明", "problem": "缺项目备案证明"}
    ]


def test_a_checked_row_without_a_problem_is_refused_and_nothing_changes(
    client, submitted, clerk, catalog
):
    filing = catalog["filing"].pk
    response = as_user(client, clerk).post(
        f"/cases/{submitted.pk}/intake/", {"action": "notice", f"faulty_{filing}": "on"}
    )
    assert response.status_code == 400 and "请写明这份材料的问题" in body(response)
    assert Case.objects.get(pk=submitted.pk).state == CaseState.SUBMITTED
    assert not Notice.objects.exists()


def test_refusal_at_the_window_needs_a_reason(client, submitted, clerk):
    response = as_user(client, clerk).post(f"/cases/{submitted.pk}/intake/", {"action": "refuse"})
    assert "不予受理须说明理由" in body(response)
    assert Case.objects.get(pk=submitted.pk).state == CaseState.SUBMITTED


def test_the_applicant_supplies_what_the_notice_asks_and_the_clerk_accepts(
    client, submitted, applicant, clerk, catalog
):
    filing = catalog["filing"]
    intake.issue_notice(submitted.pk, clerk, [{"material": filing.pk, "problem": "盖章不清"}])
    as_user(client, applicant)
    page = body(client.get(f"/cases/{submitted.pk}/"))
    assert "盖章不清" in page and f'name="material_{filing.pk}"' in page
    response = client.post(
        f"/cases/{submitted.pk}/supply/", {f"material_{filing.pk}": pdf("filing2.pdf")}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=submitted.pk).state == CaseState.SUBMITTED
    response = as_user(client, clerk).post(f"/cases/{submitted.pk}/intake/", {"action": "accept"})
    assert response.status_code == 302
    assert Case.objects.get(pk=submitted.pk).state == CaseState.IN_REVIEW
    assert kinds(submitted)[-5:-3] == ["notice_supplied", "accepted"]


def test_supplying_nothing_shows_the_message(client, submitted, applicant, clerk, catalog):
    intake.issue_notice(submitted.pk, clerk, [{"material": catalog["filing"].pk, "problem": "缺"}])
    response = as_user(client, applicant).post(f"/cases/{submitted.pk}/supply/", {})
    assert response.status_code == 400 and "请上传一次性告知要求补正的材料" in body(response)
    assert Case.objects.get(pk=submitted.pk).state == CaseState.NOTICE


def test_accepting_with_a_shortfall_records_the_promise(client, travel, catalog, applicant, clerk):
    travel(2026, 2, 10)
    case = engine.apply(
        applicant,
        title="厂房",
        items=[catalog["A"].pk, catalog["D"].pk],
        files={str(catalog["form"].pk): pdf("form.pdf"), str(catalog["drawings"].pk): pdf()},
    )
    filing = catalog["filing"].pk
    response = as_user(client, clerk).post(
        f"/cases/{case.pk}/intake/",
        {
            "action": "accept",
            f"faulty_{filing}": "on",
            f"shortfall_{filing}": "on",
            f"promise_{filing}": "十日内补交",
            f"promised_by_{filing}": "2026-02-20",
        },
    )
    assert response.status_code == 302
    assert Shortfall.objects.get(case=case).promise == "十日内补交"
    assert Case.objects.get(pk=case.pk).state == CaseState.IN_REVIEW


# ---- review -----------------------------------------------------------------------------


def test_task_list_shows_my_departments_tasks_due_soonest_first(client, accepted, reviewer_b):
    page = body(as_user(client, reviewer_b).get("/cases/tasks/"))
    assert "消防设计审查" in page and "2026-03-12" in page
    assert "建设用地规划许可" not in page  # 自然资源局's item


def test_task_filter_over_htmx_returns_only_the_list(client, accepted, reviewer_a):
    as_user(client, reviewer_a)
    ReviewTask.objects.filter(pk=task(accepted, "A").pk).update(light="red")
    response = client.get("/cases/tasks/?light=red", **HTMX)
    page = body(response)
    assert 'id="task-list"' in page and "<html" not in page
    assert "建设用地规划许可" in page
    assert "建设用地规划许可" not in body(client.get("/cases/tasks/?light=yellow", **HTMX))


def test_approving_over_htmx_swaps_the_action_panel(client, accepted, reviewer_a):
    a = task(accepted, "A")
    response = as_user(client, reviewer_a).post(
        f"/cases/tasks/{a.pk}/",
        {"action": "approve", "approve-opinion": "同意", "approve-conditions": "按图施工"},
        **HTMX,
    )
    page = body(response)
    assert response.status_code == 200 and 'id="task-actions"' in page and "<html" not in page
    assert "已准予" in page and "按图施工" in page
    a.refresh_from_db()
    assert a.state == TaskState.APPROVED and a.conditions == "按图施工"
    assert kinds(accepted)[-2:] == ["task_approved", "task_dispatched"]  # B is released


def test_approving_without_javascript_redirects_back_to_the_task(client, accepted, reviewer_a):
    a = task(accepted, "A")
    response = as_user(client, reviewer_a).post(f"/cases/tasks/{a.pk}/", {"action": "approve"})
    assert response.status_code == 302 and response["Location"] == f"/cases/tasks/{a.pk}/"
    assert task(accepted, "A").state == TaskState.APPROVED


def test_a_refusal_without_a_reason_is_refused_beside_the_field(client, accepted, reviewer_a):
    a = task(accepted, "A")
    response = as_user(client, reviewer_a).post(
        f"/cases/tasks/{a.pk}/", {"action": "refuse", "refuse-opinion": " "}, **HTMX
    )
    assert "这个字段是必填项" in body(response)
    assert task(accepted, "A").state == TaskState.IN_REVIEW
    assert "task_referred" not in kinds(accepted)


def test_the_task_page_shows_papers_and_the_other_departments(client, accepted, reviewer_a):
    page = body(as_user(client, reviewer_a).get(f"/cases/tasks/{task(accepted, 'A').pk}/"))
    assert "filing.pdf" in page and "/cases/materials/" in page
    assert "消防设计审查" in page and "住房城乡建设局" in page  # the other department's progress
    assert 'hx-post="/cases/tasks/' in page


def test_a_supplement_request_pauses_the_task_and_the_applicant_supplies(
    client, accepted, reviewer_a, applicant, catalog
):
    a = task(accepted, "A")
    filing = catalog["filing"].pk
    as_user(client, reviewer_a).post(
        f"/cases/tasks/{a.pk}/",
        {
            "action": "supplement",
            "supplement-reason": "备案证明已过期",
            "supplement-materials": [str(filing)],
        },
    )
    assert task(accepted, "A").state == TaskState.PAUSED
    as_user(client, applicant)
    page = body(client.get(f"/cases/{accepted.pk}/"))
    assert "备案证明已过期" in page and f'name="t{a.pk}-material_{filing}"' in page
    response = client.post(
        f"/cases/tasks/{a.pk}/supply/", {f"t{a.pk}-material_{filing}": pdf("new.pdf")}
    )
    assert response.status_code == 302
    assert task(accepted, "A").state == TaskState.IN_REVIEW
    assert kinds(accepted)[-1] == "supplement_supplied"


def test_a_pdf_is_downloaded_as_an_attachment_and_never_sniffed(client, accepted, applicant):
    paper = accepted.materials.first()
    response = as_user(client, applicant).get(f"/cases/materials/{paper.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response.close()


def test_other_file_types_are_downloaded(client, accepted, applicant):
    paper = accepted.materials.first()
    CaseMaterial.objects.filter(pk=paper.pk).update(content_type="application/ofd")
    response = as_user(client, applicant).get(f"/cases/materials/{paper.pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    response.close()


# ---- the lead department ---------------------------------------------------------------


def test_the_lead_convenes_and_records_the_joint_meeting_then_decides(
    client, referred, lead, centre, dept_a, dept_b, travel
):
    as_user(client, lead)
    assert "召集联席会议" in body(client.get(f"/cases/{referred.pk}/"))
    a, d = task(referred, "A"), task(referred, "D")
    response = client.post(
        f"/cases/{referred.pk}/meetings/new/",
        {"scheduled_for": "2026-02-24T14:30", "place": "三楼会议室", "tasks": [a.pk, d.pk]},
    )
    meeting = JointMeeting.objects.get()
    assert response["Location"] == f"/cases/meetings/{meeting.pk}/"
    page = body(client.get(response["Location"]))
    assert "缺席视为同意" in page and "选址与规划不符" in page
    travel(2026, 2, 24, 16)  # the meeting has been held
    as_user(client, lead)  # a fresh session: idle sessions end after 30 minutes
    response = client.post(
        f"/cases/meetings/{meeting.pk}/",
        {
            f"attendance_{centre.pk}": "attended",
            f"attendance_{dept_a.pk}": "opinion",
            f"opinion_{dept_a.pk}": "维持意见",
            f"attendance_{dept_b.pk}": "absent",
            f"resolve_{a.pk}": "refuse",
            f"text_{a.pk}": "不符合规划，不予许可",
            f"resolve_{d.pk}": "approve",
            f"text_{d.pk}": "同意",
            f"conditions_{d.pk}": "按专家意见修改",
            "minutes": "纪要",
        },
    )
    assert response.status_code == 302
    assert task(referred, "A").state == TaskState.REFUSED
    assert task(referred, "D").state == TaskState.APPROVED
    seats = dict(meeting.participants.values_list("department__code", "attendance"))
    assert seats == {"XZSP": "attended", "ZRZY": "opinion", "ZJJ": "absent"}
    page = body(client.get(f"/cases/{referred.pk}/"))
    assert "作出办件决定" in page
    client.post(f"/cases/{referred.pk}/decide/", {"text": "部分准予"})
    case = Case.objects.get(pk=referred.pk)
    assert case.state == CaseState.DECIDED and case.decision == "partial"
    assert "部分准予" in body(client.get(f"/cases/{referred.pk}/"))


def test_a_meeting_record_without_resolution_text_changes_nothing(client, referred, lead):
    meeting = review.convene_meeting(
        referred.pk, lead, scheduled_for=engine.clock.now() + dt.timedelta(days=1)
    )
    a, d = task(referred, "A"), task(referred, "D")
    response = as_user(client, lead).post(
        f"/cases/meetings/{meeting.pk}/",
        {f"resolve_{a.pk}": "refuse", f"resolve_{d.pk}": "approve"},
    )
    assert response.status_code == 400 and "这个字段是必填项" in body(response)
    meeting.refresh_from_db()
    assert meeting.state == JointMeeting.State.CONVENED
    assert task(referred, "A").state == TaskState.REFERRED


def test_a_premature_decision_is_refused_with_the_engines_message(client, accepted, lead):
    response = as_user(client, lead).post(f"/cases/{accepted.pk}/decide/", {"text": "x"})
    assert response.status_code == 400 and "还有事项未审结" in body(response)
    assert Case.objects.get(pk=accepted.pk).state == CaseState.IN_REVIEW


def test_the_lead_lists_the_cases_it_leads(client, referred, lead):
    page = body(as_user(client, lead).get("/cases/led/"))
    assert referred.number in page and "2 项待联席会议" in page


# ---- supervision -------------------------------------------------------------------------


def test_the_board_shows_yellow_and_red_tasks_filtered_by_department(
    client, accepted, supervisor, dept_a
):
    ReviewTask.objects.filter(pk=task(accepted, "A").pk).update(light="red")
    ReviewTask.objects.filter(pk=task(accepted, "D").pk).update(light="yellow")
    as_user(client, supervisor)
    page = body(client.get("/cases/board/"))
    assert "建设用地规划许可" in page and "消防设计审查" in page and "已超期" in page
    page = body(client.get(f"/cases/board/?department={dept_a.pk}"))
    assert "建设用地规划许可" in page and "消防设计审查" not in page


def test_the_audit_button_reports_ok_then_a_tampered_event(client, accepted, supervisor):
    as_user(client, supervisor)
    assert "核验通过" in body(client.post("/cases/board/audit/"))
    CaseEvent.objects.filter(case=accepted, seq=2).update(actor_name="他人")
    page = body(client.post("/cases/board/audit/"))
    assert "发现问题" in page and f"办件 {accepted.number} 第 2 条事件" in page


def test_the_board_does_not_exist_for_an_applicant(client, applicant):
    assert as_user(client, applicant).get("/cases/board/").status_code == 404


# ---- notifications, navigation, agents -------------------------------------------------


def test_notifications_are_listed_and_counted_in_the_nav(
    client, submitted, clerk, applicant, catalog
):
    intake.issue_notice(submitted.pk, clerk, [{"material": catalog["filing"].pk, "problem": "缺"}])
    as_user(client, applicant)
    page = body(client.get("/cases/notifications/"))
    assert "需要补正材料" in page and 'class="count"' in page
    client.post("/cases/notifications/read/")
    assert 'class="count"' not in body(client.get("/cases/notifications/"))


def test_the_nav_follows_the_role(client, applicant, reviewer_a):
    page = body(as_user(client, applicant).get("/cases/mine/"))
    assert "我的办件" in page and "审查任务" not in page
    page = body(as_user(client, reviewer_a).get("/cases/tasks/"))
    assert "审查任务" in page and "我的办件" not in page


def test_an_applicant_finds_an_agent_authorises_and_withdraws(client, applicant, agent):
    as_user(client, applicant)
    assert "代办员张" in body(client.get("/cases/agents/?q=agen"))
    client.post("/cases/agents/", {"agent": agent.pk})
    auth = applicant.authorisations_given.get()
    assert "代办员张" in body(client.get("/cases/agents/")) and auth.revoked_at is None
    client.post(f"/cases/agents/{auth.pk}/revoke/")
    auth.refresh_from_db()
    assert auth.revoked_at is not None


def test_an_agent_applies_for_an_authorised_applicant(client, travel, catalog, applicant, agent):
    travel(2026, 2, 10)
    engine.authorise_agent(applicant, agent)
    as_user(client, agent)
    response = client.post(
        f"/cases/apply/?item={catalog['C'].pk}", {"applicant": applicant.pk, "title": "地名"}
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.applicant == applicant and case.agent == agent
    assert "代 示范机械制造有限公司 申请" in body(client.get("/cases/mine/"))


def test_the_role_home_sends_each_user_to_their_page(client, clerk, reviewer_a, supervisor):
    assert as_user(client, clerk).get("/cases/")["Location"] == "/cases/intake/"
    assert as_user(client, reviewer_a).get("/cases/")["Location"] == "/cases/tasks/"
    assert as_user(client, supervisor).get("/cases/")["Location"] == "/cases/board/"


def test_a_decided_case_offers_the_lead_the_documents_issue_button(
    client, referred, lead, reviewer_b, applicant
):
    meeting = review.convene_meeting(referred.pk, lead, scheduled_for=engine.clock.now())
    review.record_meeting(
        meeting.pk,
        lead,
        attendance={},
        resolutions={
            str(task(referred, "A").pk): {"approve": True, "text": "同意"},
            str(task(referred, "D").pk): {"approve": True, "text": "同意"},
        },
    )
    review.approve_task(task(referred, "B").pk, reviewer_b)  # released once A was approved
    engine.decide(referred.pk, lead, "准予")
    issue = f'action="/documents/case/{referred.pk}/issue/"'
    page = body(as_user(client, lead).get(f"/cases/{referred.pk}/"))
    assert issue in page and "尚未出具批复文件" in page
    assert issue not in body(as_user(client, applicant).get(f"/cases/{referred.pk}/"))


def test_htmx_restoring_history_gets_the_whole_page(client, accepted, reviewer_a):
    headers = {**HTMX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}
    response = as_user(client, reviewer_a).get("/cases/tasks/?light=green", **headers)
    assert "<html" in body(response) and "HX-Request" in response["Vary"]


def test_a_retired_project_type_is_not_offered(client, catalog, applicant):
    catalog["project"].is_active = False
    catalog["project"].save()
    as_user(client, applicant)
    assert "一般工业项目" not in body(client.get("/cases/apply/"))
    assert client.get(f"/cases/apply/?project={catalog['project'].pk}").status_code == 404


def test_the_lead_cannot_review_another_departments_item_and_is_told_why(client, accepted, lead):
    a = task(accepted, "A")
    response = as_user(client, lead).post(f"/cases/tasks/{a.pk}/", {"action": "approve"}, **HTMX)
    assert "只有本部门的审批人员可以审查此事项" in body(response)
    assert task(accepted, "A").state == TaskState.IN_REVIEW


def test_an_english_history_says_what_happened_where_the_button_says_what_to_do(
    client, submitted, applicant
):
    """The same Chinese serves a button and a history line; English needs two sentences."""
    applicant.language = "en"
    applicant.save()
    client.force_login(applicant)
    client.cookies["django_language"] = "en"
    page = body(client.get(f"/cases/{submitted.pk}/"))
    assert "Application submitted" in page
    assert "Withdraw the application" in page  # the button beside it
    assert "Submit application" not in page
