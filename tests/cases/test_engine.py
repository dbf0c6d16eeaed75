import datetime as dt

import pytest
from django.core.files.storage import default_storage

from cases import engine, intake, materials, review
from cases.events import rebuild_states, verify_case
from cases.models import Case, CaseEvent, CaseMaterial, CaseState, Decision, TaskState
from lianban.errors import Conflict, DomainError, NotFound, PermissionDenied

from .conftest import pdf, task

D = dt.date


# ---- apply -----------------------------------------------------------------------------


def test_application_gets_a_readable_number_and_a_query_code(submitted):
    assert submitted.number == "139999-20260210-0001"
    assert len(submitted.query_code) == 8 and submitted.query_code.isdigit()
    assert submitted.state == CaseState.SUBMITTED


def test_each_paper_is_uploaded_once_and_papers_issued_inside_are_not_asked(submitted, catalog):
    needed = {m.name for m in materials.required_materials([catalog[k] for k in "ABCD"])}
    assert needed == {"申请表", "项目备案证明", "施工图设计文件"}  # 用地规划许可证 comes from A
    assert CaseMaterial.objects.filter(case=submitted).count() == 3


def test_lead_department_is_the_first_stages(submitted, centre):
    assert submitted.lead_department == centre


def test_a_bad_file_refuses_the_whole_application_and_leaves_nothing(travel, catalog, applicant):
    travel(2026, 2, 10)
    files = {
        str(catalog["form"].pk): pdf("ok.pdf"),
        str(catalog["filing"].pk): pdf("evil.exe", b"MZ\x90\x00"),
    }
    with pytest.raises(DomainError, match="不是 PDF"):
        engine.apply(applicant, title="项目", project_type=catalog["project"], files=files)
    assert (
        Case.objects.count() == 0
        and CaseEvent.objects.count() == 0
        and CaseMaterial.objects.count() == 0
    )
    assert not default_storage.exists("cases") or not any(default_storage.listdir("cases")[0])


def test_a_pdf_with_javascript_is_refused(travel, catalog, applicant):
    travel(2026, 2, 10)
    evil = pdf("x.pdf", b"%PDF-1.4\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>")
    with pytest.raises(DomainError, match="脚本"):
        engine.apply(
            applicant,
            title="项目",
            project_type=catalog["project"],
            files={str(catalog["form"].pk): evil},
        )
    assert Case.objects.count() == 0


def test_blank_title_is_refused_with_a_message(travel, catalog, applicant):
    travel(2026, 2, 10)
    with pytest.raises(DomainError, match="请填写项目名称"):
        engine.apply(applicant, title="   ", project_type=catalog["project"])


def test_staff_cannot_apply(travel, catalog, clerk):
    travel(2026, 2, 10)
    with pytest.raises(PermissionDenied):
        engine.apply(clerk, title="项目", project_type=catalog["project"])


def test_agent_applies_only_with_the_applicants_authorisation(travel, catalog, applicant, agent):
    travel(2026, 2, 10)
    with pytest.raises(NotFound):
        engine.apply(agent, title="项目", project_type=catalog["project"], applicant=applicant)
    engine.authorise_agent(applicant, agent)
    case = engine.apply(agent, title="项目", project_type=catalog["project"], applicant=applicant)
    assert case.applicant == applicant and case.agent == agent
    assert case.events.get().actor == agent


# ---- intake ----------------------------------------------------------------------------


def test_acceptance_starts_every_clock_and_dispatches_in_parallel(accepted):
    assert accepted.state == CaseState.IN_REVIEW
    assert accepted.accepted_on == D(2026, 2, 10)
    a, b, c, d = (task(accepted, k) for k in "ABCD")
    assert (a.state, a.dispatched_on, a.due_date) == (
        TaskState.IN_REVIEW,
        D(2026, 2, 10),
        D(2026, 3, 16),
    )
    assert (d.state, d.due_date) == (TaskState.IN_REVIEW, D(2026, 3, 12))  # 30 calendar days
    assert b.state == TaskState.WAITING and b.due_date is None
    assert c.state == TaskState.APPROVED  # 即办: decided at the window


def test_case_due_date_plans_the_waiting_items_too(accepted):
    # B waits for A (due 03-16), then 10 working days: 03-30.
    assert accepted.due_date == D(2026, 3, 30)


def test_one_time_notice_lists_everything_then_supply_then_accept(
    submitted, clerk, applicant, catalog
):
    notice = intake.issue_notice(
        submitted.pk,
        clerk,
        [
            {"material": catalog["filing"].pk, "problem": "未盖公章"},
            {"material": catalog["drawings"].pk, "problem": "缺少消防专篇"},
        ],
    )
    assert [p["name"] for p in notice.problems] == ["项目备案证明", "施工图设计文件"]
    with pytest.raises(Conflict):
        intake.accept(submitted.pk, clerk)
    intake.supply_notice(submitted.pk, applicant, {str(catalog["filing"].pk): pdf("stamped.pdf")})
    case = intake.accept(submitted.pk, clerk)
    assert case.state == CaseState.IN_REVIEW
    assert CaseMaterial.objects.filter(case=case, superseded=False).count() == 3


def test_the_notice_is_given_once_never_in_instalments(submitted, clerk, applicant, catalog):
    intake.issue_notice(
        submitted.pk, clerk, [{"material": catalog["filing"].pk, "problem": "未盖章"}]
    )
    intake.supply_notice(submitted.pk, applicant, {str(catalog["filing"].pk): pdf()})
    with pytest.raises(Conflict, match="只能出具一次"):
        intake.issue_notice(
            submitted.pk, clerk, [{"material": catalog["form"].pk, "problem": "又缺"}]
        )


def test_an_empty_notice_is_refused_and_changes_nothing(submitted, clerk):
    with pytest.raises(DomainError, match="列明"):
        intake.issue_notice(submitted.pk, clerk, [{"material": None, "problem": ""}])
    submitted.refresh_from_db()
    assert submitted.state == CaseState.SUBMITTED and submitted.event_count == 1


def test_notice_after_five_working_days_is_refused(submitted, clerk, catalog, travel):
    # Received Tue 02-10; five working days: 11, 12, 13, Sat 14 (worked), Tue 24.
    assert submitted.notice_deadline == D(2026, 2, 24)
    travel(2026, 2, 25)
    with pytest.raises(Conflict, match="视为受理"):
        intake.issue_notice(
            submitted.pk, clerk, [{"material": catalog["form"].pk, "problem": "缺"}]
        )


def test_silence_past_five_working_days_counts_as_accepted_on_receipt(submitted, travel):
    from cases.supervision import tick

    travel(2026, 2, 24)
    assert tick()["accepted_by_default"] == 0
    travel(2026, 2, 25)
    assert tick()["accepted_by_default"] == 1
    case = Case.objects.get(pk=submitted.pk)
    assert case.state == CaseState.IN_REVIEW and case.accepted_on == D(2026, 2, 10)
    assert case.events.filter(kind="accepted_by_default", actor__isnull=True).count() == 1
    assert tick()["accepted_by_default"] == 0


def test_refusal_at_intake_needs_reasons_and_closes_the_case(submitted, clerk):
    with pytest.raises(DomainError):
        intake.refuse_intake(submitted.pk, clerk, " ")
    case = intake.refuse_intake(submitted.pk, clerk, "不属于本县管辖")
    assert case.state == CaseState.REFUSED_AT_INTAKE
    assert not case.tasks.exclude(state=TaskState.CANCELLED).exists()


def test_shortfall_acceptance_tracks_the_promise_until_supplied(
    submitted, clerk, applicant, catalog
):
    intake.accept(
        submitted.pk,
        clerk,
        shortfalls=[
            {
                "material": catalog["filing"].pk,
                "promise": "承诺十日内补交",
                "promised_by": "2026-02-27",
            }
        ],
    )
    shortfall = submitted.shortfalls.get()
    assert shortfall.supplied_at is None
    intake.supply_shortfall(
        submitted.pk, applicant, shortfall.pk, {str(catalog["filing"].pk): pdf()}
    )
    shortfall.refresh_from_db()
    assert shortfall.supplied_at is not None


def test_window_clerk_of_another_department_cannot_accept(submitted, dept_a):
    from accounts.models import Role, User

    other_clerk = User.objects.create_user(
        "clerk2", password="x" * 12, role=Role.CLERK, department=dept_a
    )
    with pytest.raises(NotFound):
        intake.accept(submitted.pk, other_clerk)


# ---- parallel review -------------------------------------------------------------------


def test_approving_a_prerequisite_releases_its_dependant(accepted, reviewer_a, travel):
    travel(2026, 3, 2)
    review.approve_task(
        task(accepted, "A").pk, reviewer_a, opinion="同意", result_number="地字第001号"
    )
    b = task(accepted, "B")
    assert (b.state, b.dispatched_on, b.due_date) == (
        TaskState.IN_REVIEW,
        D(2026, 3, 2),
        D(2026, 3, 16),
    )


def test_supplement_across_the_spring_festival_moves_the_due_date_by_the_days_paused(
    accepted, reviewer_a, applicant, travel, catalog
):
    travel(2026, 2, 12)
    review.request_supplement(
        task(accepted, "A").pk,
        reviewer_a,
        reason="备案证明不清晰",
        materials=[catalog["filing"].pk],
    )
    assert task(accepted, "A").state == TaskState.PAUSED
    travel(2026, 2, 25)
    review.supply_supplement(
        task(accepted, "A").pk, applicant, files={str(catalog["filing"].pk): pdf()}
    )
    a = task(accepted, "A")
    # Paused (02-12, 02-25]: 13, Sat 14 (worked), 24, 25 = 4 working days; the holiday is not counted.
    assert a.paused_days == 4
    assert a.due_date == D(2026, 3, 20)  # 03-16 moved by 4 working days
    assert a.pauses.get().days == 4


def test_time_the_law_excludes_is_recorded_and_excluded(accepted, reviewer_b, travel):
    travel(2026, 2, 11)
    review.exclude_time(task(accepted, "D").pk, reviewer_b, kind="expert", reason="专家评审")
    travel(2026, 2, 21)
    review.resume_clock(task(accepted, "D").pk, reviewer_b)
    d = task(accepted, "D")
    assert d.paused_days == 10  # calendar days for a calendar-day item
    assert d.due_date == D(2026, 3, 22)


def test_a_reviewer_acts_on_their_own_departments_tasks_only(accepted, reviewer_b):
    with pytest.raises(NotFound):
        review.approve_task(task(accepted, "A").pk, reviewer_b)


def test_the_outsider_sees_nothing(accepted, charlie):
    assert not Case.objects.visible_to(charlie).exists()
    with pytest.raises(NotFound):
        engine.withdraw(accepted.pk, charlie)


def test_a_refusal_goes_to_the_joint_meeting_which_decides(
    accepted, reviewer_a, reviewer_b, lead, travel, dept_a
):
    travel(2026, 2, 20)
    review.refuse_task(task(accepted, "A").pk, reviewer_a, opinion="选址与规划不符")
    review.approve_task(
        task(accepted, "D").pk, reviewer_b, opinion="同意"
    )  # needs the meeting anyway
    assert task(accepted, "A").state == TaskState.REFERRED
    assert task(accepted, "D").state == TaskState.REFERRED
    meeting = review.convene_meeting(
        accepted.pk, lead, scheduled_for=engine.clock.now() + dt.timedelta(days=3)
    )
    travel(2026, 2, 26)
    review.record_meeting(
        meeting.pk,
        lead,
        attendance={
            str(lead.department_id): "attended",
            str(dept_a.pk): "opinion",
            "opinions": {str(dept_a.pk): "维持不予许可意见"},
        },
        resolutions={
            str(task(accepted, "A").pk): {
                "approve": False,
                "text": "选址不符合国土空间规划，不予许可",
            },
            str(task(accepted, "D").pk): {
                "approve": True,
                "text": "同意",
                "conditions": "按专家意见修改",
            },
        },
        minutes="会议纪要",
    )
    assert task(accepted, "A").state == TaskState.REFUSED
    assert task(accepted, "D").state == TaskState.APPROVED
    assert task(accepted, "B").state == TaskState.CANCELLED  # its prerequisite was refused
    seats = dict(meeting.participants.values_list("department__code", "attendance"))
    assert seats == {"XZSP": "attended", "ZRZY": "opinion", "ZJJ": "absent"}  # 缺席视为同意
    case = engine.decide(accepted.pk, lead, "部分准予")
    assert case.decision == Decision.PARTIAL


def test_a_meeting_must_resolve_every_item_on_its_agenda(accepted, reviewer_a, lead, travel):
    review.refuse_task(task(accepted, "A").pk, reviewer_a, opinion="不符")
    meeting = review.convene_meeting(accepted.pk, lead, scheduled_for=engine.clock.now())
    with pytest.raises(DomainError, match="还没有决议"):
        review.record_meeting(meeting.pk, lead, attendance={}, resolutions={})
    meeting.refresh_from_db()
    assert meeting.state == "convened"


def test_the_case_cannot_be_decided_while_an_item_is_open(accepted, lead):
    with pytest.raises(Conflict, match="未审结"):
        engine.decide(accepted.pk, lead)


def _approve_everything(case, reviewer_a, reviewer_b, lead):
    review.approve_task(task(case, "A").pk, reviewer_a, result_number="地字001")
    review.approve_task(task(case, "B").pk, reviewer_b, result_number="建字001")
    review.approve_task(task(case, "D").pk, reviewer_b)
    meeting = review.convene_meeting(case.pk, lead, scheduled_for=engine.clock.now())
    review.record_meeting(
        meeting.pk,
        lead,
        attendance={},
        resolutions={str(task(case, "D").pk): {"approve": True, "text": "同意"}},
    )


def test_a_complete_case_is_decided_and_closed_by_its_document(
    accepted, reviewer_a, reviewer_b, lead
):
    _approve_everything(accepted, reviewer_a, reviewer_b, lead)
    case = engine.decide(accepted.pk, lead, "准予许可")
    assert case.decision == Decision.APPROVED and case.state == CaseState.DECIDED
    with engine.transaction.atomic():
        locked = engine.lock_case(case.pk)
        engine.record_document_issued(
            locked, lead, document_number="示审批〔2026〕1号", sha256="0" * 64
        )
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert verify_case(case) is None


def test_fast_track_shortens_deadlines_and_is_recorded(accepted, lead):
    engine.set_fast_track(accepted.pk, lead, "省重点项目")
    a = task(accepted, "A")
    # 10 working days (factor 0.5) after 02-10: 11, 12, 13, Sat 14, 24, 25, 26, 27, Sat 28, 03-02
    assert a.due_date == D(2026, 3, 2)
    assert accepted.events.filter(kind="fast_tracked").exists()


def test_withdrawal_cancels_every_open_item(accepted, applicant):
    case = engine.withdraw(accepted.pk, applicant, "项目调整")
    assert case.state == CaseState.WITHDRAWN
    assert set(case.tasks.values_list("state", flat=True)) <= {
        TaskState.CANCELLED,
        TaskState.APPROVED,
    }


def test_suspension_stops_the_clocks_and_resumption_moves_due_dates(accepted, lead, travel):
    travel(2026, 3, 2)
    engine.suspend(accepted.pk, lead, "等待上级批复")
    assert task(accepted, "A").state == TaskState.PAUSED
    travel(2026, 3, 9)
    engine.resume(accepted.pk, lead)
    a = task(accepted, "A")
    assert a.state == TaskState.IN_REVIEW and a.paused_days == 5
    assert a.due_date == D(2026, 3, 23)


# ---- the history -----------------------------------------------------------------------


def test_every_change_leaves_a_chained_event(accepted, reviewer_a):
    review.approve_task(task(accepted, "A").pk, reviewer_a)
    kinds = list(accepted.events.values_list("kind", flat=True))
    assert kinds[:2] == ["applied", "accepted"]
    assert "task_approved" in kinds and "task_dispatched" in kinds
    assert verify_case(Case.objects.get(pk=accepted.pk)) is None


def test_state_can_be_rebuilt_from_events(accepted, reviewer_a, reviewer_b, lead):
    review.approve_task(task(accepted, "A").pk, reviewer_a)
    review.refuse_task(task(accepted, "B").pk, reviewer_b, opinion="不符")
    rebuilt = rebuild_states(accepted)
    case = Case.objects.get(pk=accepted.pk)
    assert rebuilt["state"] == case.state
    for t in case.tasks.exclude(state=TaskState.WAITING):
        assert rebuilt["tasks"][t.pk] == t.state


def test_events_cannot_be_updated_or_deleted_through_the_orm(accepted):
    event = accepted.events.first()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_tampering_with_one_event_is_found_and_named(accepted, capsys):
    from django.core.management import CommandError, call_command

    CaseEvent.objects.filter(case=accepted, seq=2).update(payload={"shortfalls": 9})
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    err = capsys.readouterr().err
    assert accepted.number in err and "第 2 条" in err


def test_verifying_every_case_in_batches_names_each_broken_chain_once(
    accepted, catalog, applicant, all_papers, clerk, monkeypatch
):
    from cases import events

    monkeypatch.setattr(events, "VERIFY_BATCH", 2)  # batches of two: the edges are crossed
    cases = [accepted] + [
        intake.accept(
            engine.apply(
                applicant, title=f"厂房{n}", project_type=catalog["project"], files=all_papers()
            ).pk,
            clerk,
        )
        for n in range(4)
    ]
    CaseEvent.objects.filter(case=cases[1], seq=2).update(payload={"shortfalls": 9})
    CaseEvent.objects.filter(case=cases[2], seq=cases[2].event_count).delete()
    CaseEvent.objects.filter(case=cases[4]).delete()

    found = [(p.case_number, p.seq) for p in events.verify_all()]

    assert found == [
        (cases[1].number, 2),
        (cases[2].number, cases[2].event_count),
        (cases[4].number, 1),
    ]
    assert [(p.case_number, p.seq) for p in map(verify_case, cases) if p] == found


def test_audit_verify_passes_on_an_untouched_history(accepted, capsys):
    from django.core.management import call_command

    call_command("audit", "verify")
    assert "校验通过" in capsys.readouterr().out


def test_a_refused_operation_changes_nothing(accepted, reviewer_a):
    before = list(CaseEvent.objects.values_list("pk", "hash"))
    with pytest.raises(Conflict):
        review.approve_task(task(accepted, "C").pk, reviewer_a)  # already decided at the window
    assert list(CaseEvent.objects.values_list("pk", "hash")) == before


def test_acceptance_into_an_unscheduled_year_is_refused_and_changes_nothing(
    travel, catalog, applicant, clerk, all_papers
):
    travel(2026, 12, 10)
    case = engine.apply(
        applicant, title="年末项目", project_type=catalog["project"], files=all_papers()
    )
    with pytest.raises(DomainError, match="2027年的工作日安排尚未录入"):
        intake.accept(case.pk, clerk)
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED and case.event_count == 1
    assert not case.tasks.exclude(state=TaskState.WAITING).exists()


def test_the_chain_holds_whatever_zone_the_clock_gives(catalog, applicant):
    from zoneinfo import ZoneInfo

    from lianban import clock

    with clock.frozen(dt.datetime(2026, 2, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        case = engine.apply(applicant, title="时区", project_type=catalog["project"])
    assert verify_case(Case.objects.get(pk=case.pk)) is None


def test_a_project_type_switched_off_cannot_be_applied_for(travel, catalog, applicant):
    travel(2026, 2, 10)
    catalog["project"].is_active = False
    catalog["project"].save()
    with pytest.raises(DomainError, match="项目类型不存在"):
        engine.apply(applicant, title="项目", project_type=catalog["project"])
    assert Case.objects.count() == 0
