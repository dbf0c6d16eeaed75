from django.db import models
from django.utils.translation import gettext_lazy as _

from lianban.choices import ChoiceLabels


class LimitUnit(models.TextChoices):
    WORKING = "working", _("工作日")
    CALENDAR = "calendar", _("自然日")


class ItemKind(models.TextChoices):
    LICENCE = "licence", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    FILING = "filing", _("备案")
    PUBLIC_SERVICE = "public_service", _("公共服务")
    OTHER = "other", _("其他")


class Handling(models.TextChoices):
    ONLINE = "online", _("全程网办")
    ONLINE_PREVIEW = "online_preview", _("网上预审")
    WINDOW = "window", _("窗口办理")


class Material(models.Model):
    """A paper, identified by its normalised name. When another item issues it as its result,
    the government already holds it and the applicant never submits it (免提交)."""

    name = models.CharField(_("材料名称"), max_length=200, unique=True)
    issued_by = models.ForeignKey(
        "ApprovalItem",
        verbose_name=_("由此事项出具"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issued_materials",
    )
    # Off once no item in use asks for it any more (importer.retire_materials): a paper
    # renamed or dropped in the workbook is kept for the cases that name it, but no longer
    # offered. An import that lists it again brings it back.
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ApprovalItem(ChoiceLabels, models.Model):
    code = models.CharField(_("事项编码"), max_length=64, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("实施部门"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    kind = models.CharField(
        _("事项类型"), max_length=16, choices=ItemKind.choices, default=ItemKind.LICENCE
    )
    legal_limit = models.PositiveIntegerField(_("法定时限"))
    legal_unit = models.CharField(
        _("法定时限单位"), max_length=8, choices=LimitUnit.choices, default=LimitUnit.WORKING
    )
    promised_limit = models.PositiveIntegerField(_("承诺时限"))
    promised_unit = models.CharField(
        _("承诺时限单位"), max_length=8, choices=LimitUnit.choices, default=LimitUnit.WORKING
    )
    fee = models.CharField(_("收费标准"), max_length=200, blank=True, default="不收费")
    legal_basis = models.TextField(_("设定依据"), blank=True)
    result_name = models.CharField(_("办理结果"), max_length=200, blank=True)
    handling = models.CharField(
        _("办理方式"), max_length=16, choices=Handling.choices, default=Handling.ONLINE_PREVIEW
    )
    visits = models.PositiveSmallIntegerField(_("到现场次数"), default=0)
    notice_commitment = models.BooleanField(_("可告知承诺"), default=False)
    is_annual_inspection = models.BooleanField(_("年审年检"), default=False)
    needs_joint_meeting = models.BooleanField(_("需联席会议"), default=False)
    materials = models.ManyToManyField(
        Material, verbose_name=_("申请材料"), blank=True, related_name="items"
    )
    prerequisites = models.ManyToManyField(
        "self", verbose_name=_("前置事项"), symmetrical=False, blank=True, related_name="dependants"
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("审批事项")
        verbose_name_plural = _("审批事项")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def is_on_the_spot(self) -> bool:
        """即办: decided at the window."""
        return self.promised_limit == 0


class ItemVersion(models.Model):
    """A frozen copy of an item as it stood; a case keeps the version that held at acceptance."""

    item = models.ForeignKey(ApprovalItem, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="unique_item_version")
        ]
        ordering = ["item", "-version"]

    def __str__(self):
        return f"{self.item.code} v{self.version}"


class ProjectType(models.Model):
    """一件事 / 项目类型: the bundle of items an investor needs for one kind of project."""

    name = models.CharField(_("项目类型"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True)
    life_event = models.CharField(_("主题"), max_length=100, blank=True)
    # A project type dropped from the county's list is kept for the cases that name it.
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("项目类型")
        verbose_name_plural = _("项目类型")
        ordering = ["name"]

    def __str__(self):
        return self.name


# A stage's items in the county's order (StageItem.position): an M2M through table's ordering
# is not applied by stage.items, so querysets of items order by this.
IN_STAGE_ORDER = ("stage_links__position", "stage_links__pk")


class StageQuerySet(models.QuerySet):
    def with_items(self, *related: str) -> "StageQuerySet":
        """Each stage with its items in the county's order, in one more statement;
        `related` is given to the items' select_related ("department")."""
        items = ApprovalItem.objects.select_related(*related).order_by(*IN_STAGE_ORDER)
        return self.prefetch_related(models.Prefetch("items", queryset=items))


class Stage(models.Model):
    project_type = models.ForeignKey(ProjectType, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("阶段顺序"))
    name = models.CharField(_("阶段"), max_length=100)
    lead_department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        related_name="led_stages",
    )
    # in the order the county lists them (StageItem.position)
    items = models.ManyToManyField(
        ApprovalItem, verbose_name=_("事项"), through="StageItem", related_name="stages"
    )

    objects = StageQuerySet.as_manager()

    class Meta:
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        ordering = ["project_type", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project_type", "order"], name="unique_stage_order"),
        ]

    def __str__(self):
        return f"{self.project_type.name} · {self.name}"


class StageItem(models.Model):
    """An item of a stage at its place in the stage's list: the order of the workbook's
    事项编码 cell, in which the guide, the application form and the document list them.
    Read through Stage.objects.with_items() or IN_STAGE_ORDER."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="item_links")
    item = models.ForeignKey(
        ApprovalItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="stage_links"
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("阶段事项")
        verbose_name_plural = _("阶段事项")
        ordering = ["stage", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "item"], name="unique_stage_item"),
        ]

    def __str__(self):
        return f"{self.stage} · {self.item.code}"
