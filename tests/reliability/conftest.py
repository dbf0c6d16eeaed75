"""The reliability runs: a catalog small enough to reason about, and a test database of
their own when RELIABILITY_DB_SUFFIX is set (so a soak can run beside another PostgreSQL run)."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import engine, intake
from cases.models import ReviewTask
from catalog.models import ApprovalItem, Material, ProjectType, Stage


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    suffix = os.environ.get("RELIABILITY_DB_SUFFIX", "").strip()
    if not suffix:
        return
    from django.conf import settings

    db = settings.DATABASES["default"]
    test = db.setdefault("TEST", {})
    name = test.get("NAME") or f"test_{db['NAME']}"
    if name != ":memory:":
        test["NAME"] = f"{name}_{suffix}"


@pytest.fixture
def soak_catalog(centre, dept_a, dept_b):
    """Four items of three departments, led by the service centre:
    A1 (dept_a) and A2 (dept_b) are reviewed at once, M (dept_b) goes to the joint meeting,
    B (centre) waits for A1 and A2."""
    form = Material.objects.create(name="申请表")
    drawings = Material.objects.create(name="施工图设计文件")
    items = {
        "A1": ApprovalItem.objects.create(
            code="A1", name="用地预审", department=dept_a, legal_limit=20, promised_limit=10
        ),
        "A2": ApprovalItem.objects.create(
            code="A2", name="环评审批", department=dept_b, legal_limit=20, promised_limit=10
        ),
        "M": ApprovalItem.objects.create(
            code="M",
            name="消防设计审查",
            department=dept_b,
            legal_limit=20,
            promised_limit=15,
            needs_joint_meeting=True,
        ),
        "B": ApprovalItem.objects.create(
            code="B", name="施工许可", department=centre, legal_limit=20, promised_limit=5
        ),
    }
    for item in items.values():
        item.materials.set([form])
    items["M"].materials.add(drawings)
    items["B"].prerequisites.set([items["A1"], items["A2"]])
    project = ProjectType.objects.create(name="并发压测项目")
    stage = Stage.objects.create(project_type=project, order=1, name="一", lead_department=centre)
    stage.items.set(items.values())
    return {"project": project, "form": form, "drawings": drawings, **items}


TZ = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(content: bytes = PDF):
    return SimpleUploadedFile("paper.pdf", content, content_type="application/pdf")


@pytest.fixture
def monday():
    """clock.now() at 09:00 Beijing time on Monday 2 March 2026, for the whole test."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=TZ), tick=False):
        yield


@pytest.fixture
def in_review(monday, soak_catalog, applicant, clerk):
    """An accepted case: A1, A2 and M in review, B waiting for A1 and A2."""
    case = engine.apply(
        applicant,
        title="厂房扩建",
        project_type=soak_catalog["project"],
        files={str(soak_catalog["form"].pk): pdf()},
    )
    return intake.accept(case.pk, clerk)


def task(case, code) -> ReviewTask:
    return ReviewTask.objects.get(case=case, item__code=code)
