"""A small catalog worked out by hand, and helpers to walk cases through the engine.

A  自然资源局 (dept_a)  20 working days   papers: 申请表, 项目备案证明       issues 用地规划许可证
C  自然资源局 (dept_a)  on the spot (即办) papers: 申请表
B  住建局 (dept_b)      10 working days   papers: 申请表, 用地规划许可证, 施工图  needs A
D  住建局 (dept_b)      30 calendar days  papers: 施工图                  needs the joint meeting
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import engine, intake, review
from cases.models import Authorisation, ReviewTask
from catalog.importer import place_items
from catalog.models import ApprovalItem, Material, ProjectType, Stage

TZ = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(y, m, d, h=9):
    return dt.datetime(y, m, d, h, 0, tzinfo=TZ)


def pdf(name="paper.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def travel():
    """travel(date) freezes clock.now() at 09:00 Beijing time of that day."""
    machines = []

    def go(y, m, d, h=9):
        if machines:
            machines.pop().stop()
        machine = time_machine.travel(at(y, m, d, h), tick=False)
        machine.start()
        machines.append(machine)

    yield go
    for machine in machines:
        machine.stop()


@pytest.fixture
def catalog(db, centre, dept_a, dept_b):
    m_form = Material.objects.create(name="申请表")
    m_filing = Material.objects.create(name="项目备案证明")
    m_drawings = Material.objects.create(name="施工图设计文件")
    a = ApprovalItem.objects.create(
        code="A",
        name="建设用地规划许可",
        department=dept_a,
        legal_limit=20,
        promised_limit=20,
        result_name="用地规划许可证",
    )
    c = ApprovalItem.objects.create(
        code="C", name="地名核准", department=dept_a, legal_limit=5, promised_limit=0
    )
    b = ApprovalItem.objects.create(
        code="B", name="建设工程规划许可", department=dept_b, legal_limit=20, promised_limit=10
    )
    d = ApprovalItem.objects.create(
        code="D",
        name="消防设计审查",
        department=dept_b,
        legal_limit=30,
        legal_unit="calendar",
        promised_limit=30,
        promised_unit="calendar",
        needs_joint_meeting=True,
    )
    m_permit = Material.objects.create(name="用地规划许可证", issued_by=a)
    a.materials.set([m_form, m_filing])
    c.materials.set([m_form])
    b.materials.set([m_form, m_permit, m_drawings])
    d.materials.set([m_drawings])
    b.prerequisites.set([a])
    project = ProjectType.objects.create(name="一般工业项目")
    s1 = Stage.objects.create(
        project_type=project, order=1, name="立项用地规划许可", lead_department=centre
    )
    place_items(s1, [a, c])  # in this order (StageItem.position)
    s2 = Stage.objects.create(
        project_type=project, order=2, name="工程建设许可", lead_department=dept_b
    )
    place_items(s2, [b, d])
    return {
        "A": a,
        "B": b,
        "C": c,
        "D": d,
        "project": project,
        "form": m_form,
        "filing": m_filing,
        "drawings": m_drawings,
        "permit": m_permit,
    }


@pytest.fixture
def all_papers(catalog):
    def make():
        return {str(catalog[k].pk): pdf(f"{k}.pdf") for k in ("form", "filing", "drawings")}

    return make


@pytest.fixture
def authorised_agent(applicant, agent):
    Authorisation.objects.create(applicant=applicant, agent=agent, granted_at=at(2026, 1, 5))
    return agent


def task(case, code) -> ReviewTask:
    return ReviewTask.objects.get(case=case, item__code=code)


# A case of the project type, submitted on 2026-02-10 with every paper, accepted that day,
# and with A refused and D recommended, both for the joint meeting, on 02-20.
@pytest.fixture
def submitted(travel, catalog, applicant, all_papers):
    travel(2026, 2, 10)
    return engine.apply(
        applicant, title="示范机械厂房项目", project_type=catalog["project"], files=all_papers()
    )


@pytest.fixture
def accepted(submitted, clerk):
    return intake.accept(submitted.pk, clerk)


@pytest.fixture
def referred(accepted, reviewer_a, reviewer_b, travel):
    travel(2026, 2, 20)
    review.refuse_task(task(accepted, "A").pk, reviewer_a, opinion="选址与规划不符")
    review.approve_task(task(accepted, "D").pk, reviewer_b, opinion="同意")
    return accepted
