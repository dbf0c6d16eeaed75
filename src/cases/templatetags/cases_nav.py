"""The navigation each role sees, and the unread notification count beside it."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import permissions as rules

register = template.Library()


def _links(user) -> list[tuple[str, str]]:
    if not (user and user.is_authenticated):
        return [
            (reverse("portal:search"), _("办事指南")),
            (reverse("portal:progress"), _("进度查询")),
            ("/documents/verify/", _("文件核验")),
        ]
    links = []
    if rules.can_apply(user):
        links += [
            (reverse("cases:mine"), _("我的办件")),
            (reverse("cases:apply"), _("申请办理")),
            (reverse("cases:agents"), _("代办授权")),
        ]
    if rules.is_clerk(user) or rules.is_lead(user):
        links.append((reverse("cases:intake_queue"), _("受理队列")))
    if rules.is_lead(user):
        links.append((reverse("cases:led"), _("牵头办件")))
    if rules.is_reviewer(user) or rules.is_lead(user):
        links.append((reverse("cases:tasks"), _("审查任务")))
    if rules.sees_all_cases(user):
        links.append((reverse("cases:board"), _("监察看板")))
    return links


@register.simple_tag(takes_context=True)
def nav_links(context):
    request = context.get("request")
    path = request.path if request else ""
    return [
        {"url": url, "label": label, "current": path.startswith(url)}
        for url, label in _links(context.get("user"))
    ]


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    user = context.get("user")
    if not (user and user.is_authenticated):
        return 0
    return user.notifications.filter(read_at__isnull=True).count()
