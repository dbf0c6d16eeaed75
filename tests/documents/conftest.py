"""Keys made once per session, decided cases built with the ORM, and plain document data.

A decided case here is what the engine leaves behind: state DECIDED with a decision, every
task APPROVED or REFUSED. Building it directly keeps these tests about documents."""

import datetime as dt
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.models import Case, CaseState, Decision, ReviewTask, TaskState
from catalog.models import ApprovalItem
from documents import issuing, keys
from documents.render import DocumentData, ItemDecision, render, verification_url

# A case submitted through the engine with every paper (test_vouchers.py takes it to intake).
from tests.cases.conftest import all_papers, catalog, submitted, travel  # noqa: F401

TZ = ZoneInfo("Asia/Shanghai")
SITE_URL = "https://lianban.example.gov.cn"


@pytest.fixture(scope="session")
def seal_keys(tmp_path_factory):
    """The root and seal certificates, valid 2020-2070 so frozen test dates fall inside."""
    directory = tmp_path_factory.mktemp("keys")
    return keys.init_keys(
        directory,
        organisation="示范县行政审批局",
        region_code="139999",
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        root_years=50,
        seal_years=50,
    )


@pytest.fixture(autouse=True)
def _documents_settings(_fast_and_isolated, settings, seal_keys):
    settings.KEYS_DIR = seal_keys.root_cert.parent
    settings.SITE_URL = SITE_URL
    settings.SERVICE_CENTRE_NAME = "示范县行政审批局"
    settings.LIANBAN_DOCUMENT_PREFIX = "示审批"


_RENDERED = {}


def rendered(data: DocumentData):
    """render() is a pure function of its data; the same data is laid out once a session.
    Cases built the same way in different tests give the same data (same number, same day)."""
    if data not in _RENDERED:
        _RENDERED[data] = render(data)
    return _RENDERED[data]


@pytest.fixture(autouse=True)
def _render_once(monkeypatch):
    monkeypatch.setattr(issuing, "render", rendered)


@pytest.fixture
def frozen():
    """Documents are dated: 20 November 2026, 10:00 in the county."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ), tick=False):
        yield


def build_case(
    applicant,
    lead_department,
    tasks,
    *,
    decision,
    title="年产一万台农机装备项目",
    state=CaseState.DECIDED,
):
    """tasks: (item, approved, fields) triples."""
    case = Case.objects.create(
        number=f"139999-20261102-{Case.objects.count() + 1:04d}",
        query_code="AB12CD34",
        region_code="139999",
        title=title,
        applicant=applicant,
        enterprise=applicant.enterprise,
        lead_department=lead_department,
        state=state,
        decision=decision,
        decision_text="请按许可条件组织建设，竣工后申请联合验收。",
        submitted_at=dt.datetime(2026, 11, 2, 9, 30, tzinfo=TZ),
    )
    for item, approved, fields in tasks:
        ReviewTask.objects.create(
            case=case,
            item=item,
            item_version=1,
            department=item.department,
            state=TaskState.APPROVED if approved else TaskState.REFUSED,
            limit_days=item.promised_limit,
            legal_limit_days=item.legal_limit,
            **fields,
        )
    return case


@pytest.fixture
def land_item(dept_a):
    return ApprovalItem.objects.create(
        code="A",
        name="建设用地规划许可",
        department=dept_a,
        legal_limit=20,
        promised_limit=10,
        result_name="建设用地规划许可证",
    )


@pytest.fixture
def works_item(dept_b):
    return ApprovalItem.objects.create(
        code="B",
        name="建筑工程施工许可",
        department=dept_b,
        legal_limit=15,
        promised_limit=7,
        result_name="建筑工程施工许可证",
    )


@pytest.fixture
def decided_case(applicant, centre, land_item, works_item):
    """A partial approval: land use approved with conditions, works permit refused."""
    return build_case(
        applicant,
        centre,
        [
            (
                land_item,
                True,
                {"result_number": "地字第139999202600012号", "conditions": "容积率不大于1.2。"},
            ),
            (works_item, False, {"opinion": "施工图设计文件未经审查合格。"}),
        ],
        decision=Decision.PARTIAL,
    )


@pytest.fixture
def stopped_case(applicant, centre, land_item, works_item, dept_b):
    """Land use refused; the works permit needs it and was cancelled, and so was the
    acceptance that needs the works permit."""
    case = build_case(
        applicant,
        centre,
        [(land_item, False, {"opinion": "用地不符合国土空间规划"})],
        decision=Decision.REFUSED,
    )
    acceptance = ApprovalItem.objects.create(
        code="C", name="竣工验收备案", department=dept_b, legal_limit=15, promised_limit=5
    )
    refused = case.tasks.get()
    previous = refused
    for item in (works_item, acceptance):
        task = ReviewTask.objects.create(
            case=case,
            item=item,
            item_version=1,
            department=item.department,
            state=TaskState.CANCELLED,
            limit_days=5,
            legal_limit_days=15,
        )
        task.prerequisites.add(previous)
        previous = task
    return case


@pytest.fixture
def issued(decided_case, lead, frozen):
    from documents.issuing import issue_document

    return issue_document(decided_case.pk, lead)


def partial_data(**changes) -> DocumentData:
    """Plain data for the renderer: no database."""
    number = changes.pop("number", "示审批〔2026〕12号")
    values = {
        "number": number,
        "issuing_body": "示范县行政审批局",
        "party_name": "示范机械制造有限公司",
        "party_uscc": "91350100M000100Y43",
        "project": "年产一万台农机装备项目",
        "case_number": "139999-20261102-0001",
        "submitted_on": dt.date(2026, 11, 2),
        "lead_department": "行政审批局",
        "decision": "partial",
        "items": (
            ItemDecision(
                "建设用地规划许可",
                "自然资源局",
                True,
                "建设用地规划许可证",
                "地字第139999202600012号",
                "容积率不大于1.2。",
            ),
            ItemDecision(
                "建筑工程施工许可", "住房城乡建设局", False, reason="施工图设计文件未经审查合格。"
            ),
        ),
        "issued_on": dt.date(2026, 11, 20),
        "verify_url": verification_url(SITE_URL, number),
        "copy_to": ("自然资源局", "住房城乡建设局"),
    }
    values.update(changes)
    return DocumentData(**values)


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def page_png(content: bytes, tmp_path, *, page: int, dpi: int) -> Path:
    path = tmp_path / "page.pdf"
    path.write_bytes(content)
    prefix = tmp_path / f"page{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-png",
            "-singlefile",
            str(path),
            str(prefix),
        ],
        check=True,
    )
    return prefix.with_suffix(".png")
