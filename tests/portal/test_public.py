"""The public pages: search over the catalog, progress by number and query code, statistics."""

import datetime as dt

import pytest

from cases import engine, intake
from cases.models import Case, TaskState
from portal.queries import published_statistics


@pytest.fixture
def accepted(travel, catalog, applicant, clerk, all_papers):
    travel(2026, 2, 10)
    case = engine.apply(
        applicant, title="示范机械厂房项目", project_type=catalog["project"], files=all_papers()
    )
    return intake.accept(case.pk, clerk)


def test_search_finds_items_by_department_with_links_to_their_guides(client, catalog):
    page = client.get("/search/", {"q": "住房城乡建设局"}).content.decode()
    assert "建设工程规划许可" in page and "消防设计审查" in page
    assert "建设用地规划许可" not in page  # 自然资源局's
    assert 'href="/catalog/items/B/"' in page
    assert f'href="/catalog/projects/{catalog["project"].pk}/"' in page  # has a 住建局 item


def test_search_finds_project_types_by_life_event(client, catalog):
    catalog["project"].life_event = "投资建厂"
    catalog["project"].save()
    home = client.get("/").content.decode()
    assert "/search/?q=%E6%8A%95%E8%B5%84%E5%BB%BA%E5%8E%82" in home  # the topic link
    page = client.get("/search/", {"q": "投资建厂"}).content.decode()
    assert "一般工业项目" in page


def test_home_offers_search_progress_verification_and_statistics(client, db):
    page = client.get("/").content.decode()
    assert 'name="q"' in page and 'name="number"' in page and 'name="code"' in page
    assert 'href="/documents/verify/"' in page
    assert "本月收到申请" in page and "少交材料" in page


def test_progress_with_the_right_code_shows_departments_but_no_personal_data(client, accepted):
    response = client.get("/progress/", {"number": accepted.number, "code": accepted.query_code})
    page = response.content.decode()
    assert response.status_code == 200
    assert "并联审批中" in page and "立项用地规划许可" in page  # state and stage
    assert "自然资源局" in page and "2026-03-16" in page and "正常" in page
    assert "示范机械制造有限公司" not in page and "王丽" not in page
    assert "91350100M000100Y43" not in page


def test_a_wrong_code_gets_the_same_answer_as_a_missing_number(client, accepted):
    wrong = "000000" if accepted.query_code != "000000" else "111111"
    wrong_code = client.get("/progress/", {"number": accepted.number, "code": wrong})
    no_such = client.get("/progress/", {"number": "139999-20990101-0001", "code": wrong})
    for response in (wrong_code, no_such):
        page = response.content.decode()
        assert response.status_code == 404
        assert "没有找到该办件，请核对办件编号和查询码" in page
        assert "示范机械厂房项目" not in page


def test_published_statistics_read_the_cases(accepted):
    stats = published_statistics(dt.date(2026, 2, 10))
    assert stats.cases_this_month == 1
    # C was decided on the spot on its due date; the others are still in review.
    assert (stats.items_decided, stats.items_on_time, stats.on_time_percent) == (1, 1, 100.0)
    # Separately: A 2 + B 3 + C 1 + D 1 papers; once: 申请表, 项目备案证明, 施工图设计文件.
    assert (stats.papers_separately, stats.papers_submitted, stats.papers_saved) == (7, 3, 4)
    assert stats.average_working_days is None  # nothing decided yet


def test_published_statistics_count_an_item_running_past_its_due_date_as_late(accepted):
    # A (due 03-16) and D (due 03-12) are still in review on 03-20: C alone was on time.
    stats = published_statistics(dt.date(2026, 3, 20))
    assert (stats.items_on_time, stats.items_overdue_open, stats.on_time_percent) == (1, 2, 33.3)
    assert published_statistics(dt.date(2026, 3, 12)).items_overdue_open == 0  # D due that day


def test_the_serial_alternative_adds_up_the_promised_limits_of_the_items_not_cancelled(
    client, travel, accepted
):
    # Left: A (20 working days, due Mon 16 Mar) and C (on the spot). B and D cancelled.
    accepted.tasks.filter(item__code__in=["B", "D"]).update(state=TaskState.CANCELLED)
    Case.objects.filter(pk=accepted.pk).update(
        decided_at=dt.datetime(2026, 3, 16, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    )
    stats = published_statistics(dt.date(2026, 3, 16))
    assert stats.average_working_days == 20.0
    assert stats.average_serial_working_days == 20.0  # 20 + 0, one after another
    assert stats.average_legal_serial_working_days == 25.0  # the law: 20 + 5
    travel(2026, 3, 16)
    page = client.get("/").content.decode()
    assert "逐个串联办理需 20.0 个工作日" in page and "法定时限串联合计 25.0 个工作日" in page


def test_the_home_page_computes_the_statistics_once_in_ten_minutes(client, accepted, monkeypatch):
    from portal import queries

    computed = []
    real = queries.published_statistics
    monkeypatch.setattr(
        queries, "published_statistics", lambda today=None: computed.append(today) or real(today)
    )
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert client.get("/api/public/statistics").status_code == 200
    assert len(computed) == 1


def test_statistics_are_published_over_the_api(client, accepted):
    data = client.get("/api/public/statistics").json()
    assert data["papers_saved"] == 4 and data["cases_this_month"] == 1


def test_progress_shows_a_case_overdue_for_its_decision_though_every_item_is_done(
    client, travel, catalog, applicant, dept_a
):
    from accounts.models import Role, User
    from cases.models import Light
    from cases.supervision import tick
    from tests.cases.conftest import pdf

    travel(2026, 3, 2)
    case = engine.apply(
        applicant,
        title="地名核准",
        items=[catalog["C"].pk],
        files={str(catalog["form"].pk): pdf("f.pdf")},
    )
    clerk_a = User.objects.create_user("clerk_a", role=Role.CLERK, department=dept_a)
    case = intake.accept(case.pk, clerk_a)  # on the spot: due today, and nothing left to review
    travel(2026, 3, 4)
    tick()
    page = client.get("/progress/", {"number": case.number, "code": case.query_code}).content
    facts = page.decode().split('<dl class="facts">')[1].split("</dl>")[0]
    assert "2026-03-02" in facts and "已超期" in facts and f"light-{Light.RED}" in facts
