"""Named role rules, in one place. Object-level scoping lives in each app's querysets
(`Case.objects.visible_to(user)`); these rules answer "may this kind of user do this at all"."""

from .models import DEPARTMENT_ROLES, STAFF_ROLES, Role


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_applicant(user) -> bool:
    return _active(user) and user.role == Role.APPLICANT


def is_agent(user) -> bool:
    return _active(user) and user.role == Role.AGENT


def is_staff_member(user) -> bool:
    return _active(user) and user.role in STAFF_ROLES


def is_clerk(user) -> bool:
    return _active(user) and user.role == Role.CLERK


def is_reviewer(user) -> bool:
    return _active(user) and user.role == Role.REVIEWER


def is_lead(user) -> bool:
    return _active(user) and user.role == Role.LEAD


def is_supervisor(user) -> bool:
    return _active(user) and user.role in (Role.SUPERVISOR, Role.ADMIN)


def is_leader(user) -> bool:
    return _active(user) and user.role in (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)


def is_admin(user) -> bool:
    return _active(user) and (user.role == Role.ADMIN or user.is_superuser)


def belongs_to(user, department) -> bool:
    """Department-bound staff act for their own department only."""
    return (
        _active(user)
        and user.role in DEPARTMENT_ROLES
        and department is not None
        and user.department_id == getattr(department, "pk", department)
    )


def can_apply(user) -> bool:
    return is_applicant(user) or is_agent(user)


def sees_all_cases(user) -> bool:
    """Supervisors, leaders and administrators oversee every department (电子监察)."""
    return is_supervisor(user) or is_leader(user)


def sees_full_personal_numbers(user) -> bool:
    """Only staff who handle the case need ID and phone numbers unmasked."""
    return _active(user) and user.role in (Role.CLERK, Role.REVIEWER, Role.LEAD)
