"""部门指标: the supervisors' figures per department and per project type, on a small county
walked through the engine with time frozen (the calendar of 2026: Spring Festival off from
15 to 23 February, Saturday 14 and 28 February worked).

Case 1, accepted Tue 10 Feb: C decided on the spot; A (自然资源局, due Mon 16 Mar) paused for
a supplement from Tue 24 Feb to Mon 2 Mar (5 working days: its due date moves to Mon 23 Mar),
approved Wed 25 Mar: late, 27 working days from dispatch, 22 without the pause; D (住建局,
due Thu 12 Mar) recommended on Tue 24 Feb and referred to the joint meeting, still there on
Fri 27 Mar: open and overdue; B (住建局) dispatched on 25 Mar, a supplement asked on 26 Mar.
Case 2, accepted Mon 2 Mar: C decided on the spot; the rest running, none overdue."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cases import engine, intake, review
from cases.models import Case
from portal.queries import figures, published_statistics
from tests.portal.test_document_time import issue
from workdays.calendar import UnscheduledYear

from .conftest import at, pdf, task

D = dt.date
URL = "/cases/board/figures/"
WORKBOOK = "/cases/board/figures/workbook/"


def file_case(catalog, applicant, all_papers, clerk, travel, day):
    travel(*day)
    case = engine.apply(
        applicant, title="示范机械厂房项目", project_type=catalog["project"], files=all_papers()
    )
    return intake.accept(case.pk, clerk)


@pytest.fixture
def county(travel, catalog, applicant, all_papers, clerk, reviewer_a, reviewer_b, lead):
    first = file_case(catalog, applicant, all_papers, clerk, travel, (2026, 2, 10))
    travel(2026, 2, 24)
    review.request_supplement(task(first, "A").pk, reviewer_a, reason="请补充备案证明盖章页。")
    review.approve_task(task(first, "D").pk, reviewer_b, opinion="同意")  # to the meeting
    travel(2026, 3, 2)
    review.supply_supplement(
        task(first, "A").pk, applicant, files={str(catalog["filing"].pk): pdf("备案.pdf")}
    )
    file_case(catalog, applicant, all_papers, clerk, travel, (2026, 3, 2))
    travel(2026, 3, 25)
    review.approve_task(task(first, "A").pk, reviewer_a, opinion="同意")
    travel(2026, 3, 26)
    review.request_supplement(task(first, "B").pk, reviewer_b, reason="请补充施工图。")
    # Decided on 26 Mar and its document issued on 27 Mar, set as tests/portal's
    # test_document_time.py sets them (the figures read only the dates).
    Case.objects.filter(pk=first.pk).update(decided_at=at(2026, 3, 26))
    issue(first, lead, at(2026, 3, 27))
    travel(2026, 3, 27)
    return first


def get(client, user, url=URL, **params):
    client.force_login(user)
    return client.get(url, params)


def rows(html: str, caption: str) -> list[list[str]]:
    """The cells of the table with that caption, header row first, as text."""
    table = html[html.index(caption) :]
    table = table[: table.index("</table>")]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)
        ]
        for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def test_each_department_has_its_row_worst_on_time_share_first(county, dept_a, dept_b):
    numbers = figures(D(2026, 1, 1), D(2026, 12, 31))
    assert [row.name for row in numbers.departments] == ["住房城乡建设局", "自然资源局"]
    building, land = (row.figures for row in numbers.departments)
    # 住建局: nothing decided, D open past its due date: none of one on time.
    assert (building.items_decided, building.items_overdue_open) == (0, 1)
    assert (building.on_time_percent, building.median_working_days) == (0.0, None)
    assert (building.supplements, building.referred) == (1, 1)
    # 自然资源局: C and C on the spot (0 days), A late after 22 working days: the 5 days of
    # its supplement are not counted.
    assert (land.items_decided, land.items_on_time, land.on_time_percent) == (3, 2, 66.7)
    assert (land.average_working_days, land.median_working_days) == (7.3, 0.0)
    assert (land.supplements, land.referred, land.items_overdue_open) == (1, 0, 0)


def test_this_years_departments_add_up_to_the_published_statistics(county):
    total = figures(D(2026, 1, 1), D(2026, 12, 31)).all_departments
    published = published_statistics(D(2026, 3, 27))
    assert (total.items_decided, total.items_on_time, total.items_overdue_open) == (3, 2, 1)
    assert total.on_time_percent == published.on_time_percent == 50.0
    assert (total.items_decided, total.items_overdue_open) == (
        published.items_decided,
        published.items_overdue_open,
    )


def test_each_project_type_compares_its_time_and_papers(county):
    numbers = figures(D(2026, 1, 1), D(2026, 12, 31))
    [industrial] = numbers.project_types
    assert (industrial.name, industrial.cases) == ("一般工业项目", 2)
    stats = industrial.stats
    # Case 1 alone is decided: Tue 10 Feb to Thu 26 Mar, 28 working days; its document Fri
    # 27 Mar, 29. Serially A 20 (Mon 16 Mar), C 0, B 10 (Mon 30 Mar), D 30 calendar days
    # (Wed 29 Apr): 51 working days; by the law's limits (A 20, C 5, B 20, D 30 calendar
    # days: Thu 21 May) 65.
    assert (stats.median_working_days, stats.median_document_working_days) == (28.0, 29.0)
    assert (stats.median_serial_working_days, stats.median_legal_serial_working_days) == (
        51.0,
        65.0,
    )
    # Each case: 申请表, 项目备案证明, 施工图 once, against A 2 + B 3 + C 1 + D 1 separately;
    # the 备案 supplied again for A is the same paper.
    assert (stats.papers_submitted, stats.papers_separately, stats.papers_saved) == (6, 14, 8)


def test_the_period_counts_what_happened_in_it(county):
    february = figures(D(2026, 2, 1), D(2026, 2, 28))
    by_name = {row.name: row.figures for row in february.departments}
    # C of case 1 decided on 10 Feb; A decided and the others overdue after the period.
    assert by_name["自然资源局"].items_decided == 1
    assert by_name["自然资源局"].supplements == 1  # asked on 24 Feb
    assert (by_name["住房城乡建设局"].referred, by_name["住房城乡建设局"].supplements) == (1, 0)
    assert by_name["住房城乡建设局"].items_overdue_open == 0  # D was due on 12 Mar
    assert [(row.name, row.cases) for row in february.project_types] == [("一般工业项目", 1)]
    last_year = figures(D(2025, 1, 1), D(2025, 12, 31))
    assert last_year.departments == [] and last_year.project_types == []


def test_cases_of_single_items_come_after_the_project_types(county, catalog, applicant, travel):
    engine.apply(applicant, title="地名核准", items=[catalog["C"]])
    numbers = figures(D(2026, 1, 1), D(2026, 12, 31))
    assert [(row.name, row.cases) for row in numbers.project_types] == [
        ("一般工业项目", 2),
        (None, 1),
    ]
    assert numbers.all_project_types.cases == 3


def test_the_page_shows_both_tables_with_the_period(client, county, supervisor):
    page = get(client, supervisor).content.decode()
    departments = rows(page, "各部门事项办理情况，2026-01-01 至 2026-12-31")
    assert departments[0][:4] == ["部门", "办结事项", "按时办结", "按时办结率（%）"]
    assert departments[1] == ["住房城乡建设局", "0", "0", "0.0", "1", "—", "—", "1", "1"]
    assert departments[2] == ["自然资源局", "3", "2", "66.7", "0", "7.3", "0.0", "1", "0"]
    assert departments[3] == ["合计", "3", "2", "50.0", "1", "7.3", "0.0", "2", "1"]
    projects = rows(page, "各项目类型办件情况（按提交日期），2026-01-01 至 2026-12-31")
    assert projects[1] == ["一般工业项目", "2", "28.0", "29.0", "51.0", "65.0", "6", "14", "8"]
    assert '<th scope="row">自然资源局</th>' in page and '<th scope="col">部门</th>' in page
    assert "逾期未办结截至 2026-03-27" in page


def test_the_period_filter_takes_a_year_or_a_range(client, county, supervisor):
    page = get(client, supervisor, start="2026-02-01", end="2026-02-28").content.decode()
    departments = rows(page, "各部门事项办理情况，2026-02-01 至 2026-02-28")
    assert departments[-1][:3] == ["合计", "1", "1"]
    page = get(client, supervisor, year="2025").content.decode()
    assert "各部门事项办理情况，2025-01-01 至 2025-12-31" in page
    assert f'href="{WORKBOOK}?start=2025-01-01&amp;end=2025-12-31"' in page  # the same period
    assert "这一期间没有办结、逾期、补正或提交联席会议的事项。" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-02-01"}, "请同时填写开始日期和结束日期。"),
        ({"start": "2026-03-01", "end": "2026-02-01"}, "结束日期不能早于开始日期。"),
        ({"year": "2026", "start": "2026-02-01", "end": "2026-02-28"}, "二者只填一种"),
        ({"start": "2026-02-30", "end": "2026-03-01"}, "输入一个有效的日期"),
        ({"year": "二〇二六"}, "输入整数"),
        ({"year": "99999"}, "2100"),
    ],
)
def test_a_bad_period_is_refused_with_its_reason_and_this_year_stays(
    client, county, supervisor, params, message
):
    response = get(client, supervisor, **params)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "各部门事项办理情况，2026-01-01 至 2026-12-31" in page
    assert f'href="{WORKBOOK}?start=2026-01-01&amp;end=2026-12-31"' in page
    workbook = get(client, supervisor, WORKBOOK, **params)
    assert workbook.status_code == 400 and message in workbook.content.decode()


@pytest.mark.parametrize(("role", "status"), [("supervisor", 200), ("leader", 200)])
def test_supervisors_and_leaders_see_the_figures_and_their_workbook(
    client, county, supervisor, leader, role, status
):
    user = {"supervisor": supervisor, "leader": leader}[role]
    assert get(client, user).status_code == status
    assert get(client, user, WORKBOOK).status_code == status


@pytest.mark.parametrize("role", ["reviewer_a", "applicant", "charlie", "lead", "clerk"])
def test_everyone_else_finds_no_figures(client, county, role, request):
    user = request.getfixturevalue(role)
    assert get(client, user).status_code == 404
    assert get(client, user, WORKBOOK).status_code == 404


def test_the_board_links_to_the_figures(client, county, supervisor):
    assert f'href="{URL}"' in get(client, supervisor, "/cases/board/").content.decode()


def test_the_workbook_holds_the_numbers_of_the_page(client, county, supervisor):
    response = get(client, supervisor, WORKBOOK, start="2026-01-01", end="2026-03-31")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="figures-2026-01-01-2026-03-31.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按部门", "按项目类型"]
    sheet = [list(r) for r in book["按部门"].iter_rows(values_only=True)]
    assert sheet[0][:3] == ["部门", "办结事项", "按时办结"]
    assert sheet[1] == ["住房城乡建设局", 0, 0, 0, 1, None, None, 1, 1]
    assert sheet[2] == ["自然资源局", 3, 2, 66.7, 0, 7.3, 0, 1, 0]
    assert sheet[3] == ["合计", 3, 2, 50, 1, 7.3, 0, 2, 1]
    assert "2026-01-01 至 2026-03-31" in sheet[-1][0]
    projects = [list(r) for r in book["按项目类型"].iter_rows(values_only=True)]
    assert projects[1] == ["一般工业项目", 2, 28, 29, 51, 65, 6, 14, 8]
    assert book["按部门"].freeze_panes == "B2"
    assert book["按部门"]["A1"].font.bold


def test_a_department_named_like_a_formula_is_written_as_text(client, county, supervisor, dept_a):
    type(dept_a).objects.filter(pk=dept_a.pk).update(name="=HYPERLINK(1)")
    response = get(client, supervisor, WORKBOOK)
    sheet = load_workbook(io.BytesIO(response.content))["按部门"]
    assert "'=HYPERLINK(1)" in [c.value for c in sheet["A"]]


def test_the_english_page_marks_the_department_names_chinese(client, county, supervisor):
    client.force_login(supervisor)
    client.cookies["django_language"] = "en"
    page = client.get(URL).content.decode()
    assert '<html lang="en">' in page
    assert '<th scope="row"><span lang="zh-Hans">自然资源局</span></th>' in page


def test_the_figures_read_a_fixed_number_of_statements_whatever_the_cases(
    client, county, catalog, applicant, all_papers, clerk, reviewer_a, supervisor, travel
):
    def statements():
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    client.force_login(supervisor)
    few = statements()
    for day in (3, 4, 5):
        case = file_case(catalog, applicant, all_papers, clerk, travel, (2026, 3, day))
        review.request_supplement(task(case, "A").pk, reviewer_a, reason="请补充。")
    travel(2026, 3, 27)
    assert statements() == few
    # The session, its generation and the user; decided items, their pauses, overdue items,
    # supplements, referrals, their departments; the cases, the papers each item asks, their
    # tasks, papers and documents, their project types; the unread notifications.
    assert few == 16


def test_a_year_without_a_schedule_is_named_instead_of_the_figures(
    client, county, supervisor, monkeypatch
):
    def unscheduled(start, end, today=None):
        raise UnscheduledYear(2027)

    monkeypatch.setattr("portal.queries.figures", unscheduled)
    response = get(client, supervisor, year="2027")
    assert response.status_code == UnscheduledYear.status
    assert "2027年的工作日安排尚未录入" in response.content.decode()
    assert get(client, supervisor, WORKBOOK, year="2027").status_code == UnscheduledYear.status
