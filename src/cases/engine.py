"""The case engine: every change of a case's state goes through a function here.

Each function takes the acting user and, in one transaction: locks the case row, guards the
state it expects (raising a DomainError with a message for the user), changes, appends the
event, and notifies after commit. Views, the API, commands and the demo all call these."""

from django.db import transaction
from django.utils.translation import gettext as _

from lianban import clock
from lianban.errors import Conflict, NotFound

from .events import append_event
from .models import Case, CaseState


def lock_case(case_id: int) -> Case:
    """The case row, locked until the transaction ends (select_for_update on PostgreSQL;
    SQLite serialises writers on its own)."""
    try:
        return Case.objects.select_for_update().get(pk=case_id)
    except Case.DoesNotExist:
        raise NotFound(_("办件不存在。")) from None


def record_document_issued(case: Case, actor, *, document_number: str, sha256: str) -> None:
    """The documents app calls this, inside its own transaction with the case locked by
    lock_case(), when the one approval document is issued: DECIDED -> CLOSED."""
    if case.state != CaseState.DECIDED:
        raise Conflict(_("办件尚未作出决定，不能出具批复文件。"))
    case.state = CaseState.CLOSED
    case.closed_at = clock.now()
    case.save(update_fields=["state", "closed_at"])
    append_event(
        case,
        actor,
        "document_issued",
        from_state=CaseState.DECIDED,
        to_state=CaseState.CLOSED,
        payload={"document": document_number, "sha256": sha256},
    )


def record_document_revoked(
    case: Case, actor, *, document_number: str, reason: str, successor_number: str = ""
) -> None:
    """A revoked document and its successor, recorded in the case's history. The case stays
    closed when a successor is issued at once; the documents app decides that."""
    if case.state != CaseState.CLOSED:
        raise Conflict(_("只有已办结的办件才能撤销批复文件。"))
    append_event(
        case,
        actor,
        "document_revoked",
        payload={"document": document_number, "reason": reason, "successor": successor_number},
    )


__all__ = ["lock_case", "record_document_issued", "record_document_revoked", "transaction"]
