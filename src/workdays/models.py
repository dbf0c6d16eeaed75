from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledYear(models.Model):
    """A year whose holiday schedule an administrator has entered as overrides."""

    year = models.PositiveIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("依据"), max_length=200, help_text=_("例如 国务院办公厅关于2027年部分节假日安排的通知")
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已录入年度")
        verbose_name_plural = _("已录入年度")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class CalendarOverride(models.Model):
    """One day that differs from the default: a holiday, or a worked weekend day (调休)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {_('上班') if self.is_workday else _('休息')}"
