"""The public catalog API: anyone may read, errors are {code, message}."""

import pytest

from catalog.importer import import_file
from catalog.models import ApprovalItem, ProjectType

from .conftest import CAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(book):
    import_file(book, CAL)


def test_items_are_listed_without_logging_in(client, catalog):
    response = client.get("/api/catalog/items")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 6
    assert data["items"][0] == {
        "code": "P1",
        "name": "项目备案",
        "department": "发展改革局",
        "department_code": "FGJ",
        "kind": "filing",
        "promised": {"days": 0, "unit": "working", "text": "即办"},
        "handling": "online",
    }


def test_items_are_searched_by_name_and_department(client, catalog):
    codes = [i["code"] for i in client.get("/api/catalog/items?q=许可").json()["items"]]
    assert codes == ["P4", "P5"]
    codes = [i["code"] for i in client.get("/api/catalog/items?department=ZRZY").json()["items"]]
    assert codes == ["P2", "P4"]


def test_an_items_detail(client, catalog):
    data = client.get("/api/catalog/items/P4").json()
    assert data["legal"] == {"days": 20, "unit": "working", "text": "20个工作日"}
    assert data["prerequisites"] == ["P2", "P3"]
    assert data["materials"] == [
        {"name": "申请表", "issued_by": None},
        {"name": "用地预审意见", "issued_by": "P2"},
        {"name": "设计方案", "issued_by": None},
    ]
    assert data["version"] == 1
    assert data["legal_basis"] == "《城乡规划法》第四十条"


def test_an_unknown_or_switched_off_item_is_404_with_a_message(client, catalog):
    ApprovalItem.objects.filter(code="P6").update(is_active=False)
    for code in ("NOPE", "P6"):
        response = client.get(f"/api/catalog/items/{code}")
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "事项不存在。"}


def test_project_types_with_their_stages(client, catalog):
    (project,) = client.get("/api/catalog/project-types").json()
    assert project["name"] == "厂房建设"
    assert project["stages"][1] == {
        "order": 2,
        "name": "工程建设",
        "lead_department": "住房城乡建设局",
        "items": ["P4", "P5", "P6"],
    }
    one = client.get(f"/api/catalog/project-types/{project['id']}").json()
    assert one == project


def test_plan_of_a_project_type(client, catalog):
    pk = ProjectType.objects.get(name="厂房建设").pk
    data = client.get(f"/api/catalog/plan?project_type={pk}&start=2026-02-11").json()
    assert (data["finish"], data["total_working_days"], data["serial_working_days"]) == (
        "2026-02-28",
        8,
        21,
    )
    assert data["critical_path"] == ["P1", "P2", "P4", "P5"]
    assert data["materials"]["submitted"] == 7
    assert data["visits"] == 3


def test_plan_of_items(client, catalog):
    data = client.get("/api/catalog/plan?items=P4&start=2026-02-11").json()
    assert sorted(i["code"] for i in data["items"]) == ["P1", "P2", "P3", "P4"]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("", 400, "invalid"),
        ("?items=NOPE&start=2026-02-11", 404, "not_found"),
        ("?project_type=999999", 404, "not_found"),
        ("?items=P4&start=2026-12-20", 400, "unscheduled_year"),
        ("?items=P4&start=not-a-date", 422, "invalid"),
    ],
)
def test_plan_errors_explain_themselves(client, catalog, query, status, code):
    response = client.get(f"/api/catalog/plan{query}")
    assert response.status_code == status
    assert response.json()["code"] == code


def test_the_catalog_endpoints_are_in_the_published_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/catalog/items",
        "/api/catalog/items/{code}",
        "/api/catalog/project-types",
        "/api/catalog/plan",
    } <= set(paths)
    assert "security" not in paths["/api/catalog/plan"]["get"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/catalog/items"),
        ("delete", "/api/catalog/items/P1"),
        ("get", "/api/cases/1/decide"),
    ],
)
def test_a_method_a_path_does_not_take_is_405_in_json(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    body = response.json()
    assert body["code"] == "method_not_allowed"
    assert method.upper() in body["message"] and response["Allow"] in body["message"]
    assert response["Allow"]


def test_a_405_outside_the_api_stays_the_sites_own(client):
    response = client.get("/accounts/logout/")
    assert response.status_code == 405
    assert not response["Content-Type"].startswith("application/json")
