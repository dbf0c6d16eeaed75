"""A refused form with papers attached: the picker offers only the kinds the platform takes,
and the applicant is told that the files chosen were not kept."""

from cases import engine, intake
from cases.models import Case, CaseMaterial, CaseState
from cases.uploads import ACCEPTED_EXTENSIONS

from .conftest import pdf

DROPPED = "所选文件没有保存"


def page(response) -> str:
    return response.content.decode()


def test_each_paper_picker_offers_only_the_kinds_taken(client, travel, catalog, applicant):
    travel(2026, 2, 10)
    client.force_login(applicant)
    html = page(client.get(f"/cases/apply/?project={catalog['project'].pk}"))
    assert html.count(f'accept="{ACCEPTED_EXTENSIONS}"') == html.count('type="file"') == 3
    assert ACCEPTED_EXTENSIONS.split(",") == [".jpeg", ".jpg", ".ofd", ".pdf", ".png"]


def test_a_refused_application_says_its_files_must_be_chosen_again(
    client, travel, catalog, applicant
):
    travel(2026, 2, 10)
    client.force_login(applicant)
    response = client.post(
        f"/cases/apply/?project={catalog['project'].pk}",
        {"title": "", f"material_{catalog['form'].pk}": pdf("form.pdf")},
    )
    assert response.status_code == 400 and DROPPED in page(response)
    assert Case.objects.count() == 0 and CaseMaterial.objects.count() == 0


def test_a_refused_form_without_files_says_nothing_of_them(client, travel, catalog, applicant):
    travel(2026, 2, 10)
    client.force_login(applicant)
    response = client.post(f"/cases/apply/?project={catalog['project'].pk}", {"title": ""})
    assert response.status_code == 400 and DROPPED not in page(response)


def test_a_refused_supplement_to_a_notice_says_the_same(
    client, travel, catalog, applicant, clerk, all_papers
):
    travel(2026, 2, 10)
    case = engine.apply(
        applicant, title="厂房", project_type=catalog["project"], files=all_papers()
    )
    filing = catalog["filing"]
    intake.issue_notice(case.pk, clerk, [{"material": filing.pk, "problem": "盖章不清"}])
    client.force_login(applicant)
    response = client.post(
        f"/cases/{case.pk}/supply/", {f"material_{filing.pk}": pdf("evil.pdf", b"MZ\x90")}
    )
    assert response.status_code == 400 and DROPPED in page(response)
    assert Case.objects.get(pk=case.pk).state == CaseState.NOTICE
