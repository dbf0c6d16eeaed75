from django.db import models
from django.utils.translation import gettext_lazy as _

from lianban.choices import ChoiceLabels

from .masking import mask_id_number, mask_phone
from .validators import (
    validate_id_number,
    validate_industry_code,
    validate_phone,
    validate_region_code,
    validate_uscc,
)


class Department(models.Model):
    code = models.CharField(_("部门编码"), max_length=32, unique=True)
    name = models.CharField(_("部门名称"), max_length=100)
    region_code = models.CharField(
        _("行政区划代码"), max_length=6, validators=[validate_region_code]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_service_centre = models.BooleanField(_("政务服务中心"), default=False)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Enterprise(ChoiceLabels, models.Model):
    class Size(models.TextChoices):
        LARGE = "large", _("大型")
        MEDIUM = "medium", _("中型")
        SMALL = "small", _("小型")
        MICRO = "micro", _("微型")

    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("企业名称"), max_length=200)
    region_code = models.CharField(
        _("行政区划代码"), max_length=6, validators=[validate_region_code]
    )
    industry_code = models.CharField(
        _("行业代码"),
        max_length=5,
        blank=True,
        validators=[validate_industry_code],
        help_text=_("GB/T 4754-2017，例如 C3011"),
    )
    size_class = models.CharField(
        _("企业规模"), max_length=8, choices=Size.choices, default=Size.SMALL
    )
    is_key = models.BooleanField(_("重点企业"), default=False)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Person(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(
        _("居民身份证号码"), max_length=18, unique=True, validators=[validate_id_number]
    )
    phone = models.CharField(_("手机号码"), max_length=20, blank=True, validators=[validate_phone])

    class Meta:
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)
