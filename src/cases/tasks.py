"""Background work of the cases app. Jobs take primary keys and are enqueued after commit;
with no worker configured they run inline (TASKS_BACKEND=immediate)."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django_tasks import task


@task()
def send_notification_mail(notification_id: int) -> bool:
    from .models import Notification

    note = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if note is None or not note.user.email:
        return False
    with translation.override(note.user.language or settings.LANGUAGE_CODE):
        send_mail(
            subject="联办通知" if note.user.language.startswith("zh") else "Lianban notification",
            message=note.message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[note.user.email],
            # A mail server that refuses or cannot be reached fails the job, which the
            # worker records and `lianban jobs retry` runs again; silenced, the mail was
            # lost and the job still counted as done.
            fail_silently=False,
        )
    return True


@task()
def forget_idempotency_records() -> int:
    """Periodic: API retries' records past their week (idempotency.forget_old_records)."""
    from .idempotency import forget_old_records

    return forget_old_records()


@task()
def run_tick() -> dict:
    from .supervision import tick

    return tick()
