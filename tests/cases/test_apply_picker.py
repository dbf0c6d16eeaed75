"""Choosing items to apply for: picks stay picked across pages and searches, and become the
application's items only when the applicant asks to apply."""

import pytest

from catalog.models import ApprovalItem


@pytest.fixture
def many_items(catalog, dept_a):
    # More than a page (20) of items, sorted after the catalog's A to D.
    ApprovalItem.objects.bulk_create(
        ApprovalItem(
            code=f"Z{n:02d}",
            name=f"其他事项{n:02d}",
            department=dept_a,
            legal_limit=5,
            promised_limit=3,
        )
        for n in range(25)
    )
    return catalog


def choose(client, applicant, **query):
    client.force_login(applicant)
    return client.get("/cases/apply/", query)


def test_a_pick_on_one_page_is_kept_on_the_next(client, many_items, applicant):
    a = many_items["A"]
    response = choose(client, applicant, pick=[a.pk], page=2)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<input type="hidden" name="pick" value="{a.pk}">' in page
    assert "已选 1 项" in page and "建设用地规划许可" in page


def test_a_pick_is_checked_when_its_page_is_shown_again(client, many_items, applicant):
    a = many_items["A"]
    page = choose(client, applicant, pick=[a.pk], page=1).content.decode()
    assert f'value="{a.pk}" id="item-{a.pk}" checked' in page
    assert f'type="hidden" name="pick" value="{a.pk}"' not in page


def test_picks_survive_a_search(client, many_items, applicant):
    a = many_items["A"]
    page = choose(client, applicant, pick=[a.pk], q="其他事项").content.decode()
    assert f'type="hidden" name="pick" value="{a.pk}"' in page and "已选 1 项" in page


def test_applying_turns_the_picks_into_the_applications_items(client, many_items, applicant):
    a, z = many_items["A"], ApprovalItem.objects.get(code="Z24")
    response = choose(client, applicant, pick=[z.pk, a.pk], apply="1")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/apply/?item={a.pk}&item={z.pk}"
    form = client.get(response["Location"]).content.decode()
    assert "建设用地规划许可" in form and "其他事项24" in form and 'name="title"' in form


def test_applying_with_nothing_picked_says_so_and_stays(client, many_items, applicant):
    response = choose(client, applicant, apply="1", pick=["x", "99999999999999999999999"])
    assert response.status_code == 200
    assert "请至少选择一个事项。" in response.content.decode()
