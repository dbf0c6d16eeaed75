"""Personal data: ID and phone numbers in full only for the window clerk, the reviewer and
the lead department (the staff who handle the case); masked for every other role, in pages
and in the security log; never in an address."""

import logging
import re
from pathlib import Path

import pytest
from django.urls import get_resolver

from cases import engine, intake
from directory.masking import mask_personal_numbers
from tests.conftest import ID_A

from .conftest import TRIED

PHONE = "13812345678"
ID_MASKED = "1101**********002X"
PHONE_MASKED = "138****5678"


@pytest.fixture
def person_case(travel, catalog, person_applicant, clerk, all_papers):
    travel(2026, 2, 10)
    case = engine.apply(
        person_applicant, title="个人建房", project_type=catalog["project"], files=all_papers()
    )
    return intake.accept(case.pk, clerk)


@pytest.mark.parametrize(
    ("role", "full"),
    [
        ("clerk", True),
        ("reviewer_a", True),
        ("lead", True),
        ("person_applicant", False),
        ("supervisor", False),
        ("leader", False),
    ],
)
def test_id_and_phone_numbers_are_whole_only_for_the_staff_who_handle_the_case(
    client, request, person_case, role, full
):
    TRIED["personal numbers on case pages"] += 1
    client.force_login(request.getfixturevalue(role))
    pages = [f"/cases/{person_case.pk}/"]
    if role == "reviewer_a":
        pages.append(f"/cases/tasks/{person_case.tasks.get(item__code='A').pk}/")
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        text = response.content.decode()
        assert (ID_A in text, PHONE in text) == (full, full)
        assert (ID_MASKED in text, PHONE_MASKED in text) == (not full, not full)


@pytest.mark.parametrize(
    "typed",
    [
        ID_A,
        PHONE,
        "１３８１２３４５６７８",
        f"{PHONE}@mail",
        f"user {ID_A.lower()}",
        "110105491231002",
    ],
)
def test_a_personal_number_typed_as_a_username_is_masked_in_the_security_log(
    client, db, caplog, typed
):
    TRIED["POST /accounts/login/ (log masking)"] += 1
    with caplog.at_level(logging.INFO, logger="lianban.security"):
        client.post("/accounts/login/", {"username": typed, "password": "wrong"})
    records = [r for r in caplog.records if r.name == "lianban.security"]
    assert records, "the failed login was not logged"
    for record in records:
        logged = record.getMessage() + repr(getattr(record, "security", ""))
        digits = re.sub(r"\D", "", typed)  # full-width digits are \d too
        assert digits not in re.sub(r"\D", "", logged.split("ip=")[0])
        assert "*" in logged


def test_masking_leaves_other_numbers_alone():
    assert mask_personal_numbers("case:42 path=/cases/42/ 139999-20260210-0001") == (
        "case:42 path=/cases/42/ 139999-20260210-0001"
    )
    assert mask_personal_numbers(f"u={PHONE} id={ID_A}") == f"u={PHONE_MASKED} id={ID_MASKED}"


PERSONAL = re.compile(r"id_number|phone|uscc|身份证|手机", re.IGNORECASE)


def test_no_address_carries_personal_data():
    """No route takes an ID, phone or credit code, and no link a template builds has one."""
    TRIED["URLconf and template links"] += 1

    def patterns(resolver, prefix=""):
        for p in resolver.url_patterns:
            if hasattr(p, "url_patterns"):
                yield from patterns(p, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    routes = list(patterns(get_resolver()))
    assert routes and not [r for r in routes if PERSONAL.search(r)]
    src = Path(__file__).resolve().parents[2] / "src"
    links = []
    for template in src.glob("*/templates/**/*.html"):
        for attribute in re.findall(r'(?:href|action|src|hx-\w+)="([^"]*)"', template.read_text()):
            if PERSONAL.search(attribute):
                links.append((template.name, attribute))
    assert links == []
