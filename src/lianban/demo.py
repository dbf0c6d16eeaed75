"""The demo county (示范县): its catalog imported from the shipped workbook, its people, and
a year of history made by driving the case engine itself through simulated days.

Every case in the demo went through cases.engine / intake / review and documents.issuing
exactly as a real one would, with clock.now() frozen at each simulated moment, so its
events chain and `lianban audit verify` passes. A second run reuses what exists."""

import datetime as dt
import random
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.test import override_settings

from accounts.models import Role, User
from cases import engine, intake, materials, review
from cases.models import (
    OPEN_TASK_STATES,
    Case,
    CaseState,
    JointMeeting,
    Notification,
    ReviewTask,
    TaskState,
)
from cases.supervision import tick
from catalog.models import ApprovalItem, ProjectType
from directory.models import Department, Enterprise
from directory.validators import uscc_check_char
from documents.tasks import vouchers_withheld
from lianban import clock
from lianban.errors import DomainError
from workdays.calendar import package_years
from workdays.models import ScheduledYear
from workdays.schedule import enter_year
from workdays.service import current_calendar

REGION = "139999"
DEMO_PASSWORD = "lianban-demo-2026"  # noqa: S105  # nosec B105  # printed to the newcomer on purpose
CATALOG = Path(__file__).resolve().parent / "demo_data" / "示范县事项清单.xlsx"
TZ = ZoneInfo(settings.TIME_ZONE)

# A provisional schedule for the first year the chinese-calendar package does not cover yet,
# so the demo's deadlines can run past New Year. It is marked as an estimate; a county
# enters the State Council's published schedule in the admin (工作日历) when it appears.
PROVISIONAL_2027 = {
    "holidays": [
        "2027-01-01",
        "2027-02-05",
        "2027-02-08",
        "2027-02-09",
        "2027-02-10",
        "2027-02-11",
        "2027-02-12",
        "2027-04-05",
        "2027-05-03",
        "2027-05-04",
        "2027-05-05",
        "2027-06-09",
        "2027-09-15",
        "2027-10-01",
        "2027-10-04",
        "2027-10-05",
        "2027-10-06",
        "2027-10-07",
    ],
    "workdays": ["2027-02-13", "2027-02-20", "2027-04-25", "2027-09-26", "2027-10-09"],
}

ENTERPRISE_WORDS = [
    "恒泰",
    "鑫源",
    "华宇",
    "金桥",
    "瑞丰",
    "永盛",
    "宏达",
    "隆兴",
    "嘉禾",
    "博远",
    "汇通",
    "康宁",
    "天润",
    "明德",
    "安泰",
    "益民",
    "富民",
    "长青",
    "兴旺",
    "丰收",
    "德盛",
    "聚信",
    "诚远",
    "远航",
]
ENTERPRISE_KINDS = [
    ("机械制造", "C3411"),
    ("食品加工", "C1399"),
    ("农业科技", "A0511"),
    ("餐饮管理", "H6210"),
    ("商贸", "F5219"),
    ("建材", "C3021"),
    ("物流", "G5430"),
    ("置业", "K7010"),
    ("纺织", "C1711"),
    ("新材料", "C2659"),
    ("电子科技", "C3990"),
    ("文化旅游", "R9020"),
]
SIZES = ["micro"] * 5 + ["small"] * 4 + ["medium"] * 2 + ["large"]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _say(out, text: str) -> None:
    out.write(text + "\n")
    out.flush()


# ---- the standing data -----------------------------------------------------------------


def ensure_calendar() -> None:
    """Enters the provisional year the way an administrator enters a published one."""
    if 2027 in package_years() or ScheduledYear.objects.filter(year=2027).exists():
        return
    enter_year(
        2027,
        [dt.date.fromisoformat(d) for d in PROVISIONAL_2027["holidays"]],
        [dt.date.fromisoformat(d) for d in PROVISIONAL_2027["workdays"]],
        source="示范数据：2027年预估安排（非官方，正式通知发布后请替换）",
    )


def ensure_keys(out, valid_from: dt.date | None = None) -> None:
    """The county's root and seal certificates, valid from `valid_from`: the demo seals each
    document as of the simulated day it fell due, and a seal dated before its certificate
    was valid does not verify."""
    from django.core.management import call_command

    from documents import keys

    if not all(Path(settings.KEYS_DIR, name).exists() for name in keys.ALL_FILES[:4]):
        since = dt.datetime.combine(valid_from, dt.time(0), tzinfo=TZ) if valid_from else None
        with clock.frozen(since or clock.now()):
            call_command("keys", "init", stdout=out)


def ensure_catalog(out) -> None:
    if ApprovalItem.objects.exists():
        return
    Department.objects.get_or_create(
        code="XZSP",
        defaults={"name": "行政审批局", "region_code": REGION, "is_service_centre": True},
    )
    from catalog.importer import import_file

    checked, report = import_file(CATALOG, current_calendar())
    if report is None:
        raise RuntimeError(
            "示范县事项清单未通过检查：\n" + "\n".join(str(p) for p in checked.problems)
        )
    _say(out, f"事项清单已导入：{report}")


@dataclass
class Cast:
    clerks: dict[int, User] = field(default_factory=dict)
    leads: dict[int, User] = field(default_factory=dict)
    reviewers: dict[int, User] = field(default_factory=dict)
    applicants: list[User] = field(default_factory=list)
    agent: User | None = None


def _password_hash() -> str:
    probe = User(username="probe")
    probe.set_password(DEMO_PASSWORD)
    return probe.password


def ensure_people(enterprises: int = 300) -> Cast:
    """Staff for every department, 300 enterprises each with an applicant account, an agent,
    a supervisor, a county leader and an administrator. One password hash is computed and
    shared: hashing 300 passwords would take the demo a minute and prove nothing."""
    password = _password_hash()
    cast = Cast()

    def user(username, role, display, **extra):
        found = User.objects.filter(username=username).first()
        if found:
            return found
        return User.objects.create(
            username=username, password=password, role=role, display_name=display, **extra
        )

    for dept in Department.objects.order_by("code"):
        code = dept.code.lower()
        cast.clerks[dept.pk] = user(
            f"clerk_{code}", Role.CLERK, f"{dept.name}窗口", department=dept
        )
        cast.leads[dept.pk] = user(
            f"lead_{code}", Role.LEAD, f"{dept.name}牵头协调", department=dept
        )
        cast.reviewers[dept.pk] = user(
            f"reviewer_{code}",
            Role.REVIEWER,
            f"{dept.name}审批员",
            department=dept,
            is_department_head=True,
        )
    user("supervisor", Role.SUPERVISOR, "效能监察孙伟", email="supervisor@demo.lianban.local")
    user("leader", Role.LEADER, "县长")
    user("admin", Role.ADMIN, "系统管理员", is_staff=True, is_superuser=True)
    cast.agent = user("agent", Role.AGENT, "代办员张敏")

    rng = random.Random(139999)  # nosec B311  # a reproducible demo, not a secret
    existing = Enterprise.objects.count()
    new = []
    for n in range(existing, enterprises):
        word = ENTERPRISE_WORDS[n % len(ENTERPRISE_WORDS)]
        kind, industry = ENTERPRISE_KINDS[(n // len(ENTERPRISE_WORDS)) % len(ENTERPRISE_KINDS)]
        body = (
            "91"
            + REGION
            + "MA"
            + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(7))
        )
        name = "示范机械制造有限公司" if n == 0 else f"示范县{word}{kind}有限公司"
        if n >= len(ENTERPRISE_WORDS) * len(ENTERPRISE_KINDS):
            name = f"示范县{word}{kind}{n}有限公司"
        new.append(
            Enterprise(
                uscc=body + uscc_check_char(body),
                name=name,
                region_code=REGION,
                industry_code=industry,
                size_class=rng.choice(SIZES),
                is_key=n % 17 == 0,
            )
        )
    Enterprise.objects.bulk_create(new)
    for n, ent in enumerate(Enterprise.objects.order_by("pk")[:enterprises]):
        username = "applicant" if n == 0 else f"e{n:03d}"
        cast.applicants.append(user(username, Role.APPLICANT, f"{ent.name}经办人", enterprise=ent))
    from cases.models import Authorisation

    Authorisation.objects.get_or_create(
        applicant=cast.applicants[0],
        agent=cast.agent,
        revoked_at=None,
        defaults={"granted_at": clock.now()},
    )
    return cast


# ---- a year of history -----------------------------------------------------------------


class Simulation:
    """Drives the engine through working days. Each actor behaves as the county's staff
    would on average: most items decided well inside their promise, a few late, some
    supplements, the odd refusal settled by the joint meeting."""

    def __init__(
        self,
        cast: Cast,
        *,
        start: dt.date,
        end: dt.date,
        cases: int,
        seed: int,
        out,
        inline_days: int = 0,
    ):
        self.cast, self.start, self.end, self.target, self.out = cast, start, end, cases, out
        self.inline_days = inline_days
        self.backlog = 0
        # The real moment of the build (the simulated days freeze the clock): no queued
        # document may wait for a moment later than this one.
        self.built_at = clock.now()
        self.rng = random.Random(seed)  # nosec B311  # a reproducible demo, not a secret
        self.cal = current_calendar()
        self.agenda: dict[dt.date, list] = defaultdict(list)
        self.scheduled: set[int] = set()
        self.papers: dict[tuple, list] = {}
        self.created = 0
        self.projects = list(ProjectType.objects.filter(is_active=True).order_by("name"))
        self.items = list(ApprovalItem.objects.filter(is_active=True).order_by("code"))
        self.days = [d for d in self._dates() if self.cal.is_workday(d)]
        self.per_day = cases / max(1, len(self.days))

    def _dates(self):
        day = self.start
        while day <= self.end:
            yield day
            day += dt.timedelta(days=1)

    def _at(self, day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), tzinfo=TZ)

    def _later(self, day: dt.date, working_days: int) -> dt.date:
        return self.cal.add_working_days(day, max(0, working_days))

    def _plan(self, day: dt.date, what, *args) -> None:
        if day <= self.end:
            self.agenda[day].append((what, args))

    def run(self) -> None:
        for n, day in enumerate(self.days):
            with clock.frozen(self._at(day, 9)):
                self._arrivals(day)
            # The day's acts from 10:00, a few minutes apart and in order: a case's events
            # and the documents' numbers follow the clock.
            minute = 10 * 60
            while self.agenda.get(day):  # acts can plan more acts for the same day
                for what, args in self.agenda.pop(day):
                    minute = min(minute + self.rng.randint(1, 3), 17 * 60 + 59)
                    moment = dt.datetime.combine(day, dt.time(*divmod(minute, 60)), tzinfo=TZ)
                    with clock.frozen(moment):
                        try:
                            what(day, *args)
                        except DomainError:
                            pass  # the case moved on (withdrawn, already decided): as in life
            with clock.frozen(self._at(day, 18)):
                tick()
            self._progress(n + 1, day)
        _say(self.out, "")

    def _progress(self, n: int, day: dt.date) -> None:
        width = 30
        done = n * width // len(self.days)
        self.out.write(f"\r  [{'#' * done}{'.' * (width - done)}] {day}  {self.created:>5} 件")
        self.out.flush()

    # -- arrivals and intake --

    def _arrivals(self, day: dt.date) -> None:
        count = int(self.per_day) + (self.rng.random() < self.per_day % 1)
        for _ in range(count):
            self._apply(day)

    def _apply(self, day: dt.date) -> None:
        rng = self.rng
        applicant = rng.choice(self.cast.applicants)
        roll = rng.random()
        kwargs = {}
        if roll < 0.06 and self.projects:
            project = rng.choice(self.projects)
            kwargs["project_type"] = project
            title = f"{applicant.enterprise.name.removeprefix('示范县')}{project.name.replace('项目', '')}项目"
        else:
            item = rng.choice(self.items)
            kwargs["items"] = [item.pk]
            title = item.name
        actor = applicant
        if applicant == self.cast.applicants[0] and rng.random() < 0.5:
            actor, kwargs["applicant"] = self.cast.agent, applicant
        files = {
            str(m.pk): SimpleUploadedFile(f"{m.name}.pdf", PDF, "application/pdf")
            for m in self._papers(kwargs.get("project_type") or item)
        }
        case = engine.apply(actor, title=title[:200], files=files, **kwargs)
        self.created += 1
        self._plan(self._later(day, rng.choice([0, 1, 1, 2])), self._intake, case.pk)

    def _papers(self, what) -> list:
        """The papers an application for a project type or an item asks for (the catalog
        does not change while the demo runs)."""
        key = (type(what).__name__, what.pk)
        if key not in self.papers:
            chosen = (
                [i for s in what.stages.all() for i in s.items.all()]
                if isinstance(what, ProjectType)
                else [what]
            )
            self.papers[key] = materials.required_materials(chosen)
        return self.papers[key]

    def _intake(self, day: dt.date, case_id: int) -> None:
        case = Case.objects.get(pk=case_id)
        clerk = self.cast.clerks[case.lead_department_id]
        roll = self.rng.random()
        if roll < 0.08 and case.state == CaseState.SUBMITTED and not case.notices.exists():
            material = case.materials.filter(superseded=False).order_by("?").first()
            if material:
                intake.issue_notice(
                    case_id,
                    clerk,
                    [
                        {
                            "material": material.material_id,
                            "problem": "复印件不清晰，请上传清晰的原件扫描件",
                        }
                    ],
                )
                self._plan(
                    self._later(day, self.rng.randint(1, 4)),
                    self._supply_notice,
                    case_id,
                    material.material_id,
                )
                return
        if roll > 0.985:
            intake.refuse_intake(case_id, clerk, "申请事项不属于本县管辖范围")
            return
        case = intake.accept(case_id, clerk)
        if case.project_type_id and self.rng.random() < 0.05:
            engine.set_fast_track(
                case_id, self.cast.leads[case.lead_department_id], "县重点招商项目"
            )
        # As after any review: an on-the-spot (即办) item decided at the window may leave
        # nothing to review, and the lead department then decides.
        self._after_review(day, case_id)

    def _supply_notice(self, day: dt.date, case_id: int, material_id: int) -> None:
        case = Case.objects.get(pk=case_id)
        intake.supply_notice(
            case_id,
            case.applicant,
            {str(material_id): SimpleUploadedFile("补正.pdf", PDF, "application/pdf")},
        )
        self._plan(self._later(day, 1), self._intake, case_id)

    # -- review --

    def _schedule_reviews(self, day: dt.date, case_id: int) -> None:
        for task in ReviewTask.objects.filter(
            case_id=case_id, state=TaskState.IN_REVIEW, dispatched_on=day
        ):
            if task.pk in self.scheduled:
                continue
            self.scheduled.add(task.pk)
            limit = (
                task.limit_days
                if task.limit_unit == "working"
                else max(1, task.limit_days * 5 // 7)
            )
            roll = self.rng.random()
            if roll < 0.05:
                spent = limit + self.rng.randint(1, 4)  # late: the supervision board turns red
            else:
                spent = max(0, round(limit * self.rng.uniform(0.15, 0.9)))
            self._plan(self._later(day, spent), self._review, task.pk)

    def _review(self, day: dt.date, task_id: int) -> None:
        task = ReviewTask.objects.select_related("item").get(pk=task_id)
        reviewer = self.cast.reviewers[task.department_id]
        if task.state != TaskState.IN_REVIEW:
            return
        roll = self.rng.random()
        if roll < 0.05 and not task.pauses.exists():
            review.request_supplement(task_id, reviewer, reason="请补充提交项目现场照片及说明")
            self._plan(self._later(day, self.rng.randint(2, 6)), self._supply_supplement, task_id)
            return
        if roll < 0.065:
            review.refuse_task(
                task_id, reviewer, opinion="申请材料与现场核查情况不符，建议不予许可"
            )
        else:
            review.approve_task(
                task_id,
                reviewer,
                opinion="经审查，符合法定条件。",
                result_number=f"{task.item.code}-{day:%Y%m%d}-{task_id}",
            )
        self._after_review(day, task.case_id)

    def _supply_supplement(self, day: dt.date, task_id: int) -> None:
        task = ReviewTask.objects.select_related("case").get(pk=task_id)
        review.supply_supplement(task_id, task.case.applicant, note="已按要求补充现场照片。")
        self._plan(self._later(day, self.rng.randint(1, 3)), self._review, task_id)

    def _after_review(self, day: dt.date, case_id: int) -> None:
        self._schedule_reviews(day, case_id)
        if Case.objects.filter(pk=case_id).values_list("state", flat=True).get() != (
            CaseState.IN_REVIEW
        ):
            return
        states = set(ReviewTask.objects.filter(case_id=case_id).values_list("state", flat=True))
        if TaskState.REFERRED in states:
            if (
                ReviewTask.objects.filter(case_id=case_id, state=TaskState.REFERRED)
                .exclude(meetings__state=JointMeeting.State.CONVENED)
                .exists()
            ):
                self._plan(self._later(day, 1), self._convene, case_id)
        elif not states & OPEN_TASK_STATES:
            # The lead decides the same day or the next; one in ten leaves it past the due
            # date when the next day is too late (an on-the-spot case is due the day it came).
            when = self._later(day, self.rng.choice([0, 1]))
            due = Case.objects.filter(pk=case_id).values_list("due_date", flat=True).get()
            if due and when > due and self.rng.random() > 0.1:
                when = day
            self._plan(when, self._decide, case_id)

    def _convene(self, day: dt.date, case_id: int) -> None:
        lead = self.cast.leads[Case.objects.get(pk=case_id).lead_department_id]
        held_on = self._later(day, 2)
        meeting = review.convene_meeting(
            case_id, lead, scheduled_for=self._at(held_on, 9), place="县政务服务中心三楼会议室"
        )
        self._plan(held_on, self._hold, meeting.pk)

    def _hold(self, day: dt.date, meeting_id: int) -> None:
        meeting = JointMeeting.objects.select_related("case").get(pk=meeting_id)
        lead = self.cast.leads[meeting.case.lead_department_id]
        seats = list(meeting.participants.values_list("department_id", flat=True))
        attendance = {str(d): "attended" for d in seats if self.rng.random() < 0.8}
        resolutions = {}
        for task in meeting.tasks.all():
            approve = task.recommendation == "approve" or self.rng.random() < 0.6
            resolutions[str(task.pk)] = {
                "approve": approve,
                "text": "经联席会议研究，同意准予许可。"
                if approve
                else "经联席会议研究，维持不予许可意见。",
                "conditions": "按会议意见完善方案后实施" if approve else "",
            }
        review.record_meeting(
            meeting_id,
            lead,
            attendance=attendance,
            resolutions=resolutions,
            minutes="联席会议纪要（示范）",
        )
        self._after_review(day, meeting.case_id)

    def _decide(self, day: dt.date, case_id: int) -> None:
        case = Case.objects.get(pk=case_id)
        lead = self.cast.leads[case.lead_department_id]
        engine.decide(case_id, lead, "经审查，依法作出如下决定。")
        self._plan(self._later(day, self.rng.choice([0, 1])), self._document, case_id)

    def _document(self, day: dt.date, case_id: int) -> None:
        """Rendering and sealing take a third of a second of CPU a document, so the year's
        documents go to the worker queue, each to be issued as of the moment it was due.
        A document's number is taken when it is issued (documents.issuing.next_number), so
        the queue runs in the order of those moments (run_after, which the worker sorts by)
        and the numbers rise with the dates. Only the first `inline_days` days' documents,
        before anything is queued, are issued here (a small run sees closed cases at once)."""
        from documents.issuing import issue_document
        from documents.tasks import issue_document_later

        case = Case.objects.get(pk=case_id)
        lead = self.cast.leads[case.lead_department_id]
        if not self.backlog and (day - self.start).days < self.inline_days:
            issue_document(case_id, lead)
            return
        now = clock.now()
        issue_document_later.using(backend="queue", run_after=min(now, self.built_at)).enqueue(
            case_id, lead.pk, now.isoformat()
        )
        self.backlog += 1


def build(
    out=None, *, cases: int = 5000, days: int = 365, seed: int = 2026, inline_days: int = 0
) -> list[tuple[str, str, str]]:
    out = out or sys.stdout
    end = clock.today()
    start = end - dt.timedelta(days=days)
    with transaction.atomic():
        ensure_calendar()
        ensure_catalog(out)
        cast = ensure_people()
    ensure_keys(out, valid_from=start)
    if Case.objects.exists():
        _say(out, f"已有 {Case.objects.count()} 个办件，沿用现有演示数据。")
    elif cases:
        _say(out, f"正在模拟 {start} 至 {end} 的办件（约 {cases} 件）……")
        simulation = Simulation(
            cast, start=start, end=end, cases=cases, seed=seed, out=out, inline_days=inline_days
        )
        # The year is simulated: its mails (escalations to the supervisor) are about a past
        # no one lived, and the console backend would print thousands of them; nor were
        # intake vouchers written in it (documents.tasks.vouchers_withheld).
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            vouchers_withheld(),
        ):
            simulation.run()
        read_the_past(end)
        if simulation.backlog:
            _say(
                out,
                f"另有 {simulation.backlog} 份批复文件已排队，由后台任务（lianban db_worker --backend queue）依次出具。",
            )
    return logins(cast)


def read_the_past(today: dt.date) -> int:
    """The county's staff read their notifications as they came: a simulated year leaves
    unread only those of the last working day before `today` and of today, not the 30,000
    of the whole year (a reviewer would open the demo to a count of 2,300). Returns how many
    were marked read, each as of the moment it came."""
    cal = current_calendar()
    day = today - dt.timedelta(days=1)
    while not cal.is_workday(day):
        day -= dt.timedelta(days=1)
    since = dt.datetime.combine(day, dt.time(0), tzinfo=TZ)
    return Notification.objects.filter(read_at__isnull=True, created_at__lt=since).update(
        read_at=F("created_at")
    )


def logins(cast: Cast) -> list[tuple[str, str, str]]:
    """The accounts a newcomer tries first, with what each sees."""
    picks = [
        "applicant",
        "agent",
        "clerk_zrzy",
        "reviewer_zrzy",
        "reviewer_zjj",
        "lead_zrzy",
        "clerk_scjg",
        "lead_scjg",
        "supervisor",
        "leader",
        "admin",
    ]
    users = {u.username: u for u in User.objects.filter(username__in=picks)}
    return [(u, str(users[u].get_role_display()), str(users[u])) for u in picks if u in users]
