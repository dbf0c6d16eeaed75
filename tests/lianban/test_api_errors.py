"""A 422 speaks the request's language all through: the message, and each field's own "msg"
in the list of errors, which pydantic writes in English. Chinese unless the request asks for
English; pydantic's "type", "loc" and "ctx" stay as they are, for a program to read."""

import json

import pytest

from accounts.models import ApiToken

ENGLISH = [
    pytest.param({"HTTP_ACCEPT_LANGUAGE": "en"}, id="Accept-Language"),
    pytest.param({"HTTP_COOKIE": "django_language=en"}, id="the site's language choice"),
]


def test_a_parameter_out_of_range_is_told_in_chinese_by_default(client, db):
    body = client.get("/api/catalog/items?page=0").json()
    assert body["message"] == "“page”的值不正确：不能小于 1。"
    assert body["field"] == "page"
    assert body["errors"] == [
        {
            "type": "greater_than_equal",
            "loc": ["query", "page"],
            "msg": "不能小于 1。",
            "ctx": {"ge": 1},
        }
    ]


@pytest.mark.parametrize("asks", ENGLISH)
def test_a_parameter_out_of_range_is_told_in_english_when_asked(client, db, asks):
    body = client.get("/api/catalog/items?page=0", **asks).json()
    assert body["message"] == (
        "The value of “page” is not valid: Input should be greater than or equal to 1."
    )
    [error] = body["errors"]
    assert error["msg"] == "Input should be greater than or equal to 1."
    assert (error["type"], error["loc"], error["ctx"]) == (
        "greater_than_equal",
        ["query", "page"],
        {"ge": 1},
    )


def test_every_field_at_fault_is_told_with_what_pydantic_knows(client, db):
    body = client.get("/api/catalog/plan?project_type=x&start=2026-13-01").json()
    assert [(e["loc"][-1], e["type"], e["msg"]) for e in body["errors"]] == [
        ("project_type", "int_parsing", "应为整数。"),
        ("start", "date_from_datetime_parsing", "应为 YYYY-MM-DD 格式的日期。"),
    ]


@pytest.fixture
def clerk_token(clerk):
    _token, key = ApiToken.issue(clerk, "window")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def notice(client, body, **headers):
    # The body is checked before the case is looked for: no case is needed for a 422.
    return client.post(
        "/api/cases/1/notice", json.dumps(body), content_type="application/json", **headers
    ).json()


def test_a_missing_field_is_asked_for(client, clerk_token):
    body = notice(client, {}, **clerk_token)
    assert body["message"] == "请提供“problems”，此项必填。"
    assert body["errors"][0] | {"loc": None} == {
        "type": "missing",
        "loc": None,
        "msg": "此项必填。",
    }


@pytest.mark.parametrize(
    ("asks", "msg"),
    [
        ({}, "最多 200 项，现有 201 项。"),
        (
            {"HTTP_ACCEPT_LANGUAGE": "en"},
            "Input should have at most 200 items, not 201.",
        ),
    ],
    ids=["zh-hans", "en"],
)
def test_a_list_too_long_says_how_long_it_may_be(client, clerk_token, asks, msg):
    problems = [{"problem": "缺签章"}] * 201
    [error] = notice(client, {"problems": problems}, **clerk_token, **asks)["errors"]
    assert (error["type"], error["msg"]) == ("too_long", msg)
    assert error["ctx"]["max_length"] == 200


@pytest.mark.parametrize(
    ("asks", "msg"),
    [
        ({}, "问题含有不可见的控制字符（U+202E），请删除后重新输入。"),
        (
            {"HTTP_ACCEPT_LANGUAGE": "en"},
            "Problem contains an invisible control character (U+202E); please delete it and "
            "try again.",
        ),
    ],
    ids=["zh-hans", "en"],
)
def test_a_fields_own_check_speaks_for_it_without_pydantics_prefix(client, clerk_token, asks, msg):
    body = notice(client, {"problems": [{"problem": "付款\u202e款付"}]}, **clerk_token, **asks)
    [error] = body["errors"]
    assert error["type"] == "value_error"
    assert error["msg"] == body["message"] == msg
