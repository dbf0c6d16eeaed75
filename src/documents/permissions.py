"""Who may issue and revoke the one document of a case: the lead department's coordinator.
Which documents and intake vouchers a user may see follows the case: `documents_visible_to`,
`vouchers_visible_to`."""

from accounts import permissions as rules
from cases.models import Case

from .models import ApprovalDocument, IntakeVoucher


def may_issue(user, case: Case) -> bool:
    return rules.is_lead(user) and rules.belongs_to(user, case.lead_department_id)


def documents_visible_to(user):
    return ApprovalDocument.objects.filter(case__in=Case.objects.visible_to(user))


def vouchers_visible_to(user):
    return IntakeVoucher.objects.filter(case__in=Case.objects.visible_to(user))
