"""The case (办件) and everything the engine keeps about it. Only cases/engine.py changes state."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import permissions as rules
from catalog.models import LimitUnit
from lianban.choices import ChoiceLabels


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    NOTICE = "notice", _("一次性告知待补正")
    IN_REVIEW = "in_review", _("并联审批中")
    SUSPENDED = "suspended", _("中止")
    DECIDED = "decided", _("已决定待出文")
    CLOSED = "closed", _("已办结")
    REFUSED_AT_INTAKE = "refused_at_intake", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_CASE_STATES = {CaseState.SUBMITTED, CaseState.NOTICE, CaseState.IN_REVIEW, CaseState.SUSPENDED}
FINAL_CASE_STATES = {CaseState.CLOSED, CaseState.REFUSED_AT_INTAKE, CaseState.WITHDRAWN}
# The states in which a case is supervised: open ones, and decided until its document is out.
SUPERVISED_CASE_STATES = {*OPEN_CASE_STATES, CaseState.DECIDED}


class Decision(models.TextChoices):
    APPROVED = "approved", _("准予许可")
    PARTIAL = "partial", _("部分准予")
    REFUSED = "refused", _("不予许可")


class TaskState(models.TextChoices):
    WAITING = "waiting", _("等待前置事项")
    IN_REVIEW = "in_review", _("审查中")
    PAUSED = "paused", _("暂停计时")
    REFERRED = "referred", _("提交联席会议")
    APPROVED = "approved", _("准予")
    REFUSED = "refused", _("不予")
    CANCELLED = "cancelled", _("已取消")


OPEN_TASK_STATES = {TaskState.WAITING, TaskState.IN_REVIEW, TaskState.PAUSED, TaskState.REFERRED}
DECIDED_TASK_STATES = {TaskState.APPROVED, TaskState.REFUSED}


class Light(models.TextChoices):
    """电子监察: green, yellow when a deadline nears, red when passed."""

    GREEN = "green", _("正常")
    YELLOW = "yellow", _("临近期限")
    RED = "red", _("已超期")


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one place that says which cases a user may see."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if rules.sees_all_cases(user):
            return self
        if rules.is_applicant(user):
            return self.filter(applicant=user)
        # Subqueries rather than joins: no duplicate rows to remove with DISTINCT, and a plan
        # that stays cheap with a million cases (benchmarks/RESULTS-web.md).
        if rules.is_agent(user):
            authorised = Authorisation.objects.filter(agent=user, revoked_at__isnull=True)
            return self.filter(
                Q(agent=user) | Q(applicant_id__in=authorised.values("applicant_id"))
            )
        if rules.is_clerk(user):
            return self.filter(lead_department_id=user.department_id)
        with_tasks = ReviewTask.objects.filter(department_id=user.department_id).values("case_id")
        if rules.is_lead(user):
            return self.filter(Q(lead_department_id=user.department_id) | Q(pk__in=with_tasks))
        if rules.is_reviewer(user):
            return self.filter(pk__in=with_tasks)
        return self.none()


class Case(ChoiceLabels, models.Model):
    number = models.CharField(_("办件编号"), max_length=32, unique=True)
    query_code = models.CharField(_("查询码"), max_length=8)
    region_code = models.CharField(_("行政区划代码"), max_length=6)
    title = models.CharField(_("项目名称"), max_length=200)
    project_type = models.ForeignKey(
        "catalog.ProjectType",
        verbose_name=_("项目类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    enterprise = models.ForeignKey(
        "directory.Enterprise",
        verbose_name=_("申请企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("申请人（自然人）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代办员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agent_cases",
    )
    lead_department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        related_name="led_cases",
    )
    channel = models.CharField(_("申请渠道"), max_length=8, default="online")
    state = models.CharField(
        _("状态"), max_length=20, choices=CaseState.choices, default=CaseState.SUBMITTED
    )
    state_before_suspension = models.CharField(max_length=20, blank=True)
    decision = models.CharField(_("办理结论"), max_length=10, choices=Decision.choices, blank=True)
    decision_text = models.TextField(_("决定说明"), blank=True)
    fast_track = models.BooleanField(_("特事特办"), default=False)
    fast_track_reason = models.CharField(_("特事特办理由"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    notice_deadline = models.DateField(
        _("告知期限"),
        null=True,
        blank=True,
        help_text=_("行政许可法第32条：逾期不告知的，自收到申请材料之日起即为受理"),
    )
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    due_date = models.DateField(_("承诺办结日期"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    light = models.CharField(
        _("监察状态"), max_length=8, choices=Light.choices, default=Light.GREEN
    )
    event_count = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["lead_department", "state"]),
            models.Index(fields=["state", "due_date"]),
            models.Index(fields=["applicant", "-submitted_at"]),
            # The API's case list for whoever sees many cases, newest first: read in order.
            models.Index(fields=["-submitted_at", "-id"], name="cases_by_submitted"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CASE_STATES

    @property
    def shows_light(self) -> bool:
        """Its supervision light means something: accepted, and not yet closed or ended."""
        return self.accepted_on is not None and self.state in SUPERVISED_CASE_STATES

    @property
    def party_name(self) -> str:
        if self.enterprise_id:
            return self.enterprise.name
        if self.person_id:
            return self.person.name
        return str(self.applicant)


class ReviewTaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if rules.sees_all_cases(user):
            return self
        if rules.is_reviewer(user):
            return self.filter(department_id=user.department_id)
        if rules.is_clerk(user):
            return self.filter(case__lead_department_id=user.department_id)
        if rules.is_lead(user):
            # A subquery rather than a join's OR, which no index can serve (as Case.visible_to).
            led = Case.objects.filter(lead_department_id=user.department_id).values("pk")
            return self.filter(Q(department_id=user.department_id) | Q(case_id__in=led))
        return self.filter(case__in=Case.objects.visible_to(user))


class ReviewTask(ChoiceLabels, models.Model):
    """One item of a case, reviewed by its own department, in parallel with the others."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    item = models.ForeignKey("catalog.ApprovalItem", on_delete=models.PROTECT, related_name="tasks")
    item_version = models.PositiveIntegerField(_("事项版本"))
    department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("审批部门"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependants"
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=TaskState.choices, default=TaskState.WAITING
    )
    limit_days = models.PositiveIntegerField(_("承诺时限"))
    limit_unit = models.CharField(
        max_length=8, choices=LimitUnit.choices, default=LimitUnit.WORKING
    )
    legal_limit_days = models.PositiveIntegerField(_("法定时限"))
    legal_limit_unit = models.CharField(
        max_length=8, choices=LimitUnit.choices, default=LimitUnit.WORKING
    )
    needs_meeting = models.BooleanField(_("需联席会议"), default=False)
    dispatched_on = models.DateField(_("分发日期"), null=True, blank=True)
    due_date = models.DateField(_("到期日"), null=True, blank=True)
    paused_on = models.DateField(_("暂停日期"), null=True, blank=True)
    pause_kind = models.CharField(max_length=16, blank=True)
    paused_days = models.PositiveIntegerField(_("已暂停天数"), default=0)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recommendation = models.CharField(
        _("审查建议"),
        max_length=8,
        blank=True,
        help_text=_("approve / refuse：提交联席会议前审批人员的建议"),
    )
    opinion = models.TextField(_("审查意见"), blank=True)
    conditions = models.TextField(_("许可条件"), blank=True)
    result_number = models.CharField(_("证照编号"), max_length=64, blank=True)
    light = models.CharField(
        _("监察状态"), max_length=8, choices=Light.choices, default=Light.GREEN
    )
    yellow_escalated_at = models.DateTimeField(null=True, blank=True)
    red_escalated_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("审查任务")
        verbose_name_plural = _("审查任务")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "item"], name="one_task_per_item_per_case"),
            models.CheckConstraint(
                name="due_not_before_dispatch",
                condition=Q(due_date__isnull=True)
                | Q(dispatched_on__isnull=True)
                | Q(due_date__gte=models.F("dispatched_on")),
            ),
        ]
        indexes = [
            # A department's task list, in its order (due date, then id), whatever the state
            # filter: the page reads 20 entries of the index, not every matching task.
            models.Index(fields=["department", "state", "due_date", "id"], name="tasks_by_state"),
            # The default list (every open state) in the same order.
            models.Index(
                fields=["department", "due_date", "id"],
                condition=Q(state__in=sorted(OPEN_TASK_STATES)),
                name="open_tasks_by_due_date",
            ),
            # The API's task list across departments (supervisors, leaders), in its order.
            models.Index(fields=["due_date", "id"], name="tasks_by_due_date"),
        ]

    def __str__(self):
        return f"{self.case.number} · {self.item.name}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_TASK_STATES


class TaskPause(ChoiceLabels, models.Model):
    """A stretch of time that does not count: a supplement (补正) or time the law excludes
    (行政许可法 art. 45: hearing, testing, expert review)."""

    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", _("补正")
        SUSPENSION = "suspension", _("中止")
        HEARING = "hearing", _("听证")
        TESTING = "testing", _("检验检测")
        EXPERT = "expert", _("专家评审")

    task = models.ForeignKey(ReviewTask, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.TextField(_("原因"))
    materials = models.JSONField(default=list, help_text="material ids asked for")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    days = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")
        ordering = ["started_on", "pk"]


class CaseMaterial(models.Model):
    """One paper of a case, uploaded once however many items need it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey("catalog.Material", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="cases/%Y/%m/", max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    superseded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering = ["material__name", "-uploaded_at"]


class Notice(models.Model):
    """一次性告知: every missing or faulty paper listed at once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    problems = models.JSONField(help_text="[{material, problem}]")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("一次性告知")
        verbose_name_plural = _("一次性告知")
        ordering = ["-issued_at"]


class Shortfall(models.Model):
    """容缺受理: a non-essential paper accepted as missing against a written promise."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shortfalls")
    material = models.ForeignKey("catalog.Material", on_delete=models.PROTECT, related_name="+")
    promise = models.TextField(_("书面承诺"))
    promised_by = models.DateField(_("承诺补交日期"))
    supplied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("容缺材料")
        verbose_name_plural = _("容缺材料")


class JointMeeting(ChoiceLabels, models.Model):
    """联席会议, convened by the lead department; its resolutions decide the items discussed."""

    class State(models.TextChoices):
        CONVENED = "convened", _("已召集")
        HELD = "held", _("已召开")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    convened_at = models.DateTimeField()
    scheduled_for = models.DateTimeField(_("会议时间"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CONVENED)
    held_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    tasks = models.ManyToManyField(ReviewTask, related_name="meetings")

    class Meta:
        verbose_name = _("联席会议")
        verbose_name_plural = _("联席会议")
        ordering = ["-scheduled_for"]


class MeetingParticipant(ChoiceLabels, models.Model):
    class Attendance(models.TextChoices):
        INVITED = "invited", _("已邀请")
        ATTENDED = "attended", _("出席")
        OPINION = "opinion", _("书面意见")
        ABSENT_AGREES = "absent", _("缺席视为同意")

    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="participants")
    department = models.ForeignKey(
        "directory.Department", on_delete=models.PROTECT, related_name="+"
    )
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.INVITED
    )
    opinion = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "department"], name="one_seat_per_department"
            )
        ]


class MeetingResolution(models.Model):
    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="resolutions")
    task = models.ForeignKey(ReviewTask, on_delete=models.PROTECT, related_name="resolutions")
    approve = models.BooleanField()
    text = models.TextField(_("决议"))
    conditions = models.TextField(blank=True)


class Authorisation(models.Model):
    """An applicant's authorisation for an agent (代办), until withdrawn."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authorisations_given"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authorisations_held"
    )
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("代办授权")
        verbose_name_plural = _("代办授权")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "agent"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_authorisation",
            )
        ]


class CaseEvent(models.Model):
    """The append-only history. Each event carries the hash of the one before it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=100)
    actor_role = models.CharField(max_length=16)
    kind = models.CharField(max_length=32)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    task = models.ForeignKey(
        ReviewTask, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("办件事件")
        verbose_name_plural = _("办件事件")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="one_event_per_seq")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("case events are append-only")


class Notification(models.Model):
    """In-app notification. `key` makes escalations idempotent: one per task, light and due date."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=120)
    message = models.TextField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_key")
        ]
        # The unread count beside every signed-in page's navigation reads only the unread,
        # not the user's whole history of notifications.
        indexes = [
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="unread_by_user"),
            # The notifications page, newest first, without sorting a user's whole history.
            models.Index(fields=["user", "-created_at", "-id"], name="notifications_by_user"),
        ]


class IdempotencyRecord(models.Model):
    """The answer to an API POST sent with an Idempotency-Key, replayed for a repeat."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_record_per_key")]


class NumberSequence(models.Model):
    """Per region and day, the last case number issued (row-locked when a number is taken)."""

    region_code = models.CharField(max_length=6)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region_code", "day"], name="one_sequence_per_day")
        ]
