from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lianban import pagecache

from . import service
from .models import CalendarOverride, ScheduledYear


@receiver([post_save, post_delete], sender=CalendarOverride)
@receiver([post_save, post_delete], sender=ScheduledYear)
def _calendar_changed(**kwargs):
    service.invalidate()
    pagecache.changed()  # a project type's public timeline counts working days
