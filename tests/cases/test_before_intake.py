"""Before the window accepts a case its items wait for the window, not for a prerequisite."""

from cases import engine, intake


def test_items_of_a_case_not_yet_accepted_await_intake(
    client, travel, catalog, applicant, all_papers, clerk
):
    travel(2026, 2, 10)
    case = engine.apply(
        applicant, title="示范机械厂房项目", project_type=catalog["project"], files=all_papers()
    )
    client.force_login(applicant)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    lookup = client.get("/progress/", {"number": case.number, "code": case.query_code})
    for html in (page, lookup.content.decode()):
        assert "待受理" in html and "等待前置事项" not in html
    intake.accept(case.pk, clerk)
    # Accepted: 建设工程规划许可 (B) now waits for 建设用地规划许可 (A), its prerequisite.
    assert "等待前置事项" in client.get(f"/cases/{case.pk}/").content.decode()
