from django.db import models
from django.utils.translation import gettext_lazy as _


class LookupFailure(models.Model):
    """One public progress lookup that found nothing (a wrong number or a wrong code), kept
    for throttling (portal/throttle.py) and forgotten after a week. The code typed is never
    kept. A lookup that found its case, or was refused during a lock, leaves no row."""

    # The case number as typed, normalised (throttle.normalise_number); it need not exist.
    number = models.CharField(_("办件编号"), max_length=32)
    # The address, or its /64 network for IPv6 (throttle.client_key): one host holds a /64.
    client = models.CharField(_("来源地址"), max_length=64, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("进度查询失败记录")
        verbose_name_plural = _("进度查询失败记录")
        indexes = [
            models.Index(fields=["client", "at"], name="lookup_failure_client_at"),
            models.Index(fields=["number", "at"], name="lookup_failure_number_at"),
            models.Index(fields=["at"], name="lookup_failure_at"),
        ]

    def __str__(self):
        return f"{self.number} {self.client or '-'} {self.at:%Y-%m-%d %H:%M}"
