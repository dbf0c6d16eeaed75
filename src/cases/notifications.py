"""Who is told what about a case: in-app notifications once per user and key, each in the
recipient's language, with mail after commit to those with an address."""

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from lianban import clock

from .models import Case, Notification, TaskState


def leads_of(case: Case):
    """The lead department's leads: told when a case is theirs to move."""
    return User.objects.filter(
        role=Role.LEAD, department_id=case.lead_department_id, is_active=True
    )


def party_of(case: Case):
    """The applicant, and the agent acting for them: told what the case asks of them."""
    return User.objects.filter(pk__in=[case.applicant_id, case.agent_id], is_active=True)


def notify(
    users, case: Case | None, key: str, message: str, params: dict | None = None
) -> list[int]:
    """In-app notifications, once per user and key, each in the recipient's language;
    mail goes out after commit to those with an address (their notification ids are returned).
    `message` is the untranslated source (gettext_noop)."""
    return notify_each(case, message, [(users, key, params)])


def notify_each(case: Case | None, message: str, entries: list) -> list[int]:
    """`notify` for several keys at once: entries are (users, key, params)."""
    entries = [
        ({u.pk: u for u in users if u is not None}, key, params) for users, key, params in entries
    ]
    entries = [e for e in entries if e[0]]
    if not entries:
        return []
    already = set(
        Notification.objects.filter(
            key__in=[key for _u, key, _p in entries],
            user_id__in={pk for users, _k, _p in entries for pk in users},
        ).values_list("user_id", "key")
    )
    now = clock.now()
    fresh = []
    for users, key, params in entries:
        texts: dict[str, str] = {}
        for pk, user in users.items():
            if (pk, key) in already:
                continue
            language = user.language or settings.LANGUAGE_CODE
            if language not in texts:
                with translation.override(language):
                    texts[language] = _(message) % (params or {})
            fresh.append(
                Notification(user=user, case=case, key=key, message=texts[language], created_at=now)
            )
    if not fresh:
        return []
    Notification.objects.bulk_create(fresh)  # sets the ids: both databases return them
    ids = [n.pk for n in fresh if n.user.email]
    if not ids:
        return []
    from .tasks import send_notification_mail

    transaction.on_commit(lambda: [send_notification_mail.enqueue(pk) for pk in ids])
    return ids


def notify_party(case: Case, key: str, message: str, params: dict | None = None) -> None:
    notify(party_of(case), case, f"case:{case.pk}:{key}", message, params)


def notify_departments(case: Case, tasks: list, key: str, message: str) -> None:
    """Tell whoever holds each task: its department's reviewers, or for an item referred to
    the joint meeting, the lead department's leads. `message` may use number, item, due."""
    tasks = [t for t in tasks if t.state != TaskState.WAITING]
    reviewers = defaultdict(list)
    for user in User.objects.filter(
        role=Role.REVIEWER, department_id__in={t.department_id for t in tasks}, is_active=True
    ):
        reviewers[user.department_id].append(user)
    leads = list(leads_of(case)) if any(t.state == TaskState.REFERRED for t in tasks) else []
    notify_each(
        case,
        message,
        [
            (
                leads if t.state == TaskState.REFERRED else reviewers[t.department_id],
                f"task:{t.pk}:{key}",
                {
                    "number": case.number,
                    "item": t.item.name,
                    "due": t.due_date.isoformat() if t.due_date else "—",
                },
            )
            for t in tasks
        ],
    )
