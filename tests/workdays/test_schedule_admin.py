"""The admin's 已录入年度 form enters a whole year: two lists (or the notice pasted), a preview
of every changed day before saving, and every problem shown at once."""

import datetime as dt

import pytest

from workdays import service
from workdays.models import CalendarOverride, ScheduledYear
from workdays.schedule import enter_year

D = dt.date
ADD = "/admin/workdays/scheduledyear/add/"
SOURCE = "国务院办公厅关于2027年部分节假日安排的通知"
NOTICE = (
    "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"
    "二、春节：2月5日（周五）至11日（周四）放假调休，共7天。2月13日（周六）、2月20日（周六）上班。"
)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def form(**fields):
    return {"year": "2027", "source": SOURCE, "rest": "", "worked": "", "notice": "", **fields}


def test_the_form_asks_for_both_lists_and_offers_a_preview(admin_client):
    page = admin_client.get(ADD).content.decode()
    for name in ('name="rest"', 'name="worked"', 'name="notice"', 'name="_preview"'):
        assert name in page
    assert "变更预览" in page


def test_a_preview_shows_every_changed_day_and_stores_nothing(admin_client):
    response = admin_client.post(ADD, form(notice=NOTICE, _preview="预览"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2027年：6个工作日放假，2个周末调休上班" in page
    assert page.count("放假（原为工作日）") == 6 and page.count("调休上班（原为周末）") == 2
    # The notice is split into the two lists, where the administrator checks it.
    assert response.context["adminform"].form["worked"].value() == "2月13日、2月20日上班"
    assert not ScheduledYear.objects.exists() and not CalendarOverride.objects.exists()


def test_saving_enters_the_year_at_once(admin_client):
    response = admin_client.post(
        ADD, form(rest="1月1日\n2月5日至11日", worked="2月13日、2月20日"), follow=True
    )
    assert response.redirect_chain  # saved, back to the list
    assert "已录入2027年：6个工作日放假" in response.content.decode()
    assert ScheduledYear.objects.get(year=2027).source == SOURCE
    assert CalendarOverride.objects.filter(date__year=2027).count() == 8
    assert service.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_every_problem_is_shown_by_its_list_and_nothing_is_stored(admin_client):
    response = admin_client.post(ADD, form(rest="2月30日\n2月5日至11日", worked="3月1日"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "放假日期第1行“2月30日”：不是有效的日期" in errors["rest"]
    assert "周一" in errors["worked"][0]
    assert "放假日期第1行" in response.content.decode()
    assert not ScheduledYear.objects.exists() and not CalendarOverride.objects.exists()


def test_a_year_the_package_knows_is_refused_on_the_year(admin_client):
    response = admin_client.post(ADD, form(year="2026", rest="3月2日"))
    assert "已随软件包提供" in response.context["adminform"].form.errors["year"][0]
    assert not ScheduledYear.objects.exists()


def test_changing_a_year_shows_what_is_stored_and_replaces_it(admin_client):
    entered = enter_year(2027, [D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10)], [], "预估", None)
    url = f"/admin/workdays/scheduledyear/{entered.entry.pk}/change/"
    page = admin_client.get(url)
    assert page.context["adminform"].form["rest"].value() == "2027-02-08至2027-02-10"
    assert "保存后将替换2027年现有的全部3条工作日调整" in page.content.decode()
    response = admin_client.post(url, {"source": SOURCE, "rest": "1月1日", "worked": ""})
    assert response.status_code == 302
    assert list(CalendarOverride.objects.values_list("date", flat=True)) == [D(2027, 1, 1)]
    assert ScheduledYear.objects.get().source == SOURCE


def test_a_user_who_is_not_an_administrator_cannot_reach_the_form(client, clerk):
    client.force_login(clerk)
    response = client.post(ADD, form(rest="1月1日", _preview="预览"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not ScheduledYear.objects.exists()
