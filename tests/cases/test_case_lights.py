"""电子监察 of the case itself: once the reviewers are done, the lead department's decision is
held to the case's due date; and a task paused when already late stays red."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from cases import engine, intake, review
from cases.forms import BoardFilterForm
from cases.models import Case, CaseState, Light, ReviewTask, TaskState
from cases.supervision import awaits_lead, case_light, late_cases, task_light, tick
from workdays.calendar import WorkCalendar

from .conftest import pdf

D = dt.date
cal = WorkCalendar()


def _task(today, *, state, due, paused_on=None):
    return task_light(
        cal,
        today=today,
        state=state,
        due=due,
        paused_on=paused_on,
        limit=20,
        unit="working",
        yellow_share=0.8,
    )


def test_a_task_paused_after_its_due_date_is_overdue_however_long_the_pause():
    paused = {"state": TaskState.PAUSED, "due": D(2026, 11, 24), "paused_on": D(2026, 11, 25)}
    assert _task(D(2026, 11, 25), **paused) == Light.RED
    assert _task(D(2026, 12, 20), **paused) == Light.RED


def test_a_task_paused_in_good_time_keeps_the_light_of_the_day_its_clock_stopped():
    paused = {"state": TaskState.PAUSED, "due": D(2026, 3, 16), "paused_on": D(2026, 3, 9)}
    assert _task(D(2026, 4, 20), **paused) == Light.GREEN


def test_a_running_task_past_its_due_date_is_never_due_soon():
    assert _task(D(2026, 11, 25), state=TaskState.IN_REVIEW, due=D(2026, 11, 24)) == Light.RED


@pytest.mark.parametrize(
    ("today", "light"),
    [
        (D(2026, 3, 9), Light.GREEN),  # 5 working days left of 20
        (D(2026, 3, 10), Light.YELLOW),  # 4 left: within the last 20 %
        (D(2026, 3, 16), Light.YELLOW),  # the due date itself
        (D(2026, 3, 17), Light.RED),
    ],
)
def test_a_case_is_held_to_its_due_date_by_the_rule_tasks_follow(today, light):
    # 2026-02-10 to 2026-03-16: 20 working days across the Spring Festival.
    accepted, due = D(2026, 2, 10), D(2026, 3, 16)
    assert cal.working_days_between(accepted, due) == 20
    assert case_light(cal, today=today, due=due, accepted_on=accepted, yellow_share=0.8) == light


@pytest.mark.parametrize(
    ("decided_on", "light"),
    [(D(2026, 3, 16), Light.GREEN), (D(2026, 3, 17), Light.RED)],
)
def test_a_decided_case_is_green_if_decided_by_its_due_date_and_red_after(decided_on, light):
    # Whatever today is: the promise was kept or broken on the day of the decision.
    assert (
        case_light(
            cal,
            today=D(2026, 12, 1),
            due=D(2026, 3, 16),
            accepted_on=D(2026, 2, 10),
            yellow_share=0.8,
            decided_on=decided_on,
        )
        == light
    )


def test_an_unaccepted_case_has_no_light_of_its_own():
    assert case_light(cal, today=D(2026, 3, 1), due=None, accepted_on=None, yellow_share=0.8) == (
        Light.GREEN
    )


@pytest.mark.parametrize(
    ("case_state", "task_states", "waits"),
    [
        (CaseState.IN_REVIEW, {TaskState.APPROVED, TaskState.REFUSED}, True),
        (CaseState.IN_REVIEW, {TaskState.APPROVED, TaskState.REFERRED}, True),
        (CaseState.IN_REVIEW, {TaskState.APPROVED, TaskState.PAUSED}, False),
        (CaseState.IN_REVIEW, {TaskState.IN_REVIEW}, False),
        (CaseState.DECIDED, {TaskState.APPROVED}, True),
        (CaseState.SUSPENDED, {TaskState.PAUSED}, False),
    ],
)
def test_a_case_waits_for_its_lead_department_once_no_task_is_with_a_reviewer(
    case_state, task_states, waits
):
    assert awaits_lead(case_state, task_states) is waits


# ---- through the periodic tick -----------------------------------------------------------


def _staff(username, role, department):
    from accounts.models import User

    return User.objects.create_user(username, password="x" * 12, role=role, department=department)


@pytest.fixture
def clerk_a(dept_a):
    from accounts.models import Role

    return _staff("clerk_a", Role.CLERK, dept_a)


@pytest.fixture
def lead_a(dept_a):
    from accounts.models import Role

    return _staff("lead_a", Role.LEAD, dept_a)


@pytest.fixture
def on_the_spot(travel, catalog, applicant, clerk_a):
    """A single 即办 item of 自然资源局, approved at its window on acceptance: due that day."""
    travel(2026, 3, 2)
    case = engine.apply(
        applicant,
        title="地名核准",
        items=[catalog["C"].pk],
        files={str(catalog["form"].pk): pdf("form.pdf")},
    )
    case = intake.accept(case.pk, clerk_a)
    assert case.state == CaseState.IN_REVIEW and case.due_date == D(2026, 3, 2)
    assert not case.tasks.exclude(state=TaskState.APPROVED).exists()
    return case


def test_a_case_waiting_past_its_due_date_for_the_lead_decision_is_red(on_the_spot, travel):
    travel(2026, 3, 3)
    tick()
    on_the_spot.refresh_from_db()
    assert on_the_spot.light == Light.RED


def test_a_case_waiting_for_the_lead_decision_on_its_due_date_is_due_soon(on_the_spot, travel):
    travel(2026, 3, 2, 18)
    tick()
    on_the_spot.refresh_from_db()
    assert on_the_spot.light == Light.YELLOW


def test_a_case_decided_on_time_stays_green_while_its_document_waits(on_the_spot, lead_a, travel):
    engine.decide(on_the_spot.pk, lead_a, "准予许可")
    travel(2026, 3, 4)
    tick()
    on_the_spot.refresh_from_db()
    assert on_the_spot.state == CaseState.DECIDED and on_the_spot.light == Light.GREEN


def test_a_case_decided_late_stays_red_until_it_closes(on_the_spot, lead_a, travel):
    travel(2026, 3, 3)
    engine.decide(on_the_spot.pk, lead_a, "准予许可")
    travel(2026, 3, 10)
    tick()
    on_the_spot.refresh_from_db()
    assert on_the_spot.state == CaseState.DECIDED and on_the_spot.light == Light.RED


def test_the_board_lists_cases_late_for_their_lead_department(on_the_spot, travel, supervisor):
    travel(2026, 3, 3)
    tick()
    assert list(late_cases(Case.objects.visible_to(supervisor))) == [on_the_spot]


def test_a_case_still_with_its_reviewers_is_not_on_the_board_as_late_for_the_lead(
    travel, catalog, applicant, clerk, all_papers, supervisor
):
    travel(2026, 2, 10)
    case = engine.apply(
        applicant, title="项目", project_type=catalog["project"], files=all_papers()
    )
    intake.accept(case.pk, clerk)
    travel(2026, 6, 1)
    tick()
    case.refresh_from_db()
    assert case.light == Light.RED  # its tasks are late: the board lists them, not the case
    assert not late_cases(Case.objects.visible_to(supervisor)).exists()


def test_a_task_paused_the_day_after_its_due_date_stays_red(
    travel, catalog, applicant, clerk, all_papers, reviewer_a
):
    travel(2026, 2, 10)
    case = engine.apply(
        applicant, title="项目", project_type=catalog["project"], files=all_papers()
    )
    intake.accept(case.pk, clerk)
    a = ReviewTask.objects.get(case=case, item__code="A")
    travel(a.due_date.year, a.due_date.month, a.due_date.day, 18)
    tick()
    a.refresh_from_db()
    assert a.light == Light.YELLOW
    late = cal.add_working_days(a.due_date, 1)
    travel(late.year, late.month, late.day, 10)
    review.request_supplement(a.pk, reviewer_a, reason="请补充现场照片")
    travel(late.year, late.month, late.day, 18)
    tick()
    a.refresh_from_db()
    case.refresh_from_db()
    assert a.state == TaskState.PAUSED and a.light == Light.RED
    assert case.light == Light.RED


# ---- where a user sees it ------------------------------------------------------------------


def test_the_case_page_and_the_lead_list_show_a_case_decided_late_overdue(
    client, on_the_spot, travel, lead_a
):
    travel(2026, 3, 3)
    engine.decide(on_the_spot.pk, lead_a, "准予许可")
    travel(2026, 3, 4)
    tick()
    client.force_login(lead_a)
    page = client.get(reverse("cases:detail", args=[on_the_spot.pk])).content.decode()
    assert "light-red" in page and "已超期" in page
    listing = client.get(reverse("cases:led")).content.decode()
    assert "light-red" in listing


def test_the_board_shows_the_late_cases_it_is_given(rf, on_the_spot, travel, supervisor):
    travel(2026, 3, 3)
    tick()
    request = rf.get("/")
    request.user = supervisor
    html = render_to_string(
        "cases/board.html",
        {
            "filters": BoardFilterForm(),
            "page": [],
            "late_cases": late_cases(Case.objects.visible_to(supervisor)),
        },
        request=request,
    )
    assert "待牵头部门决定或出文的临近期限和已超期办件" in html
    assert on_the_spot.number in html and "light-red" in html


def test_the_supervision_board_page_lists_a_case_late_for_its_lead(
    client, on_the_spot, travel, supervisor
):
    travel(2026, 3, 3)
    tick()
    client.force_login(supervisor)
    page = client.get(reverse("cases:board")).content.decode()
    late = page[page.index("待牵头部门决定或出文的临近期限和已超期办件") :]
    assert on_the_spot.number in late and "light-red" in late


def test_the_lead_list_filters_the_cases_awaiting_its_decision(
    client, on_the_spot, catalog, applicant, clerk_a, lead_a
):
    papers = {str(catalog[k].pk): pdf(f"{k}.pdf") for k in ("form", "filing")}
    with_reviewers = engine.apply(
        applicant, title="审查中的项目", items=[catalog["A"].pk], files=papers
    )
    intake.accept(with_reviewers.pk, clerk_a)
    client.force_login(lead_a)
    everything = client.get(reverse("cases:led")).content.decode()
    assert on_the_spot.number in everything and with_reviewers.number in everything
    awaiting = client.get(reverse("cases:led") + "?awaiting=1").content.decode()
    assert on_the_spot.number in awaiting and with_reviewers.number not in awaiting


def test_the_lead_is_told_to_decide_when_acceptance_finished_every_item(lead_a, on_the_spot):
    from cases.models import Notification

    assert Notification.objects.filter(user=lead_a, key=f"case:{on_the_spot.pk}:ready").exists()


def test_a_case_overdue_for_its_decision_is_escalated_once_to_lead_and_supervisors(
    lead_a, supervisor, on_the_spot, travel
):
    from cases.models import Notification

    travel(2026, 3, 3)
    assert tick()["late_for_decision"] == 1
    tick()
    for user in (lead_a, supervisor):
        late = Notification.objects.filter(user=user, message__startswith="【待决定已超期】")
        assert list(late.values_list("message", flat=True)) == [
            f"【待决定已超期】办件 {on_the_spot.number} 各事项均已审结，承诺办结日期 2026-03-02 "
            "已过，牵头部门尚未作出决定。"
        ]


def test_a_case_decided_late_is_not_escalated_again(lead_a, on_the_spot, travel):
    travel(2026, 3, 3)
    engine.decide(on_the_spot.pk, lead_a, "准予许可")
    assert tick()["late_for_decision"] == 0
