"""Background work of the documents app. Jobs take primary keys."""

import datetime as dt
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django_tasks import task

from lianban import clock
from lianban.errors import DomainError

logger = logging.getLogger(__name__)

# A backlog (the demo's year of decided cases) is issued one document after another, each
# rendered and sealed under SQLite's write lock. Without a pause between them the worker
# takes the lock again at once, and a user signing in can wait past the lock's timeout.
BACKLOG_PAUSE_SECONDS = 0.1


@task()
def issue_document_later(case_id: int, actor_id: int, as_of: str = "") -> str:
    """Issue a decided case's document from a worker. `as_of` (ISO datetime) dates the
    registry entry at the moment the document was due, for a backlog being worked off.

    Returns the document's number, or "" when the domain refuses: the case has moved on
    (issued by hand, revoked) or waits for papers accepted as missing (容缺). Such a refusal
    is an answer, not a failure to run again: the lead department issues the document from
    the case page once the applicant has supplied them (intake.supply_shortfall tells
    them). A missing seal (SealNotConfigured) is the county's to fix, so that job fails
    and can be run again."""
    from accounts.models import User

    from .issuing import SealNotConfigured, issue_document

    actor = User.objects.get(pk=actor_id)
    try:
        if as_of:
            try:
                with clock.frozen(dt.datetime.fromisoformat(as_of)):
                    return issue_document(case_id, actor).number
            finally:
                time.sleep(BACKLOG_PAUSE_SECONDS)
        return issue_document(case_id, actor).number
    except SealNotConfigured:
        raise
    except DomainError as exc:
        logger.warning("Document for case %s not issued (%s): %s", case_id, exc.code, exc.message)
        return ""


@task()
def issue_voucher_later(case_id: int, kind: str) -> str:
    """Issue the intake voucher of `kind` (documents.models.VoucherKind) for a case the window
    accepted or refused. Returns its number, the one it already had when run again, or ""
    when the case has no such act to record. A missing seal fails the job, to be run again
    once the county has fixed it, as issue_document_later's does."""
    from .issuing import SealNotConfigured
    from .vouchers import issue_voucher

    try:
        return issue_voucher(case_id, kind).number
    except SealNotConfigured:
        raise
    except DomainError as exc:
        logger.warning("Voucher for case %s not issued (%s): %s", case_id, exc.code, exc.message)
        return ""


_withheld: ContextVar[bool] = ContextVar("lianban_vouchers_withheld", default=False)


@contextmanager
def vouchers_withheld() -> Iterator[None]:
    """No voucher for the acts inside the block: the demo's simulated year (lianban.demo),
    whose thousands of acceptances would each be rendered and sealed at build time, for a
    past no voucher was written in. Cases accepted or refused after the build get theirs."""
    token = _withheld.set(True)
    try:
        yield
    finally:
        _withheld.reset(token)


def issue_voucher_after_commit(case_id: int, kind: str) -> None:
    """Called by cases.intake inside the window's transaction: the voucher is issued once the
    act is committed, by the worker (inline when none is configured). Neither a failing job
    nor a queue that cannot be written to undoes the act or fails the clerk's request."""
    if _withheld.get():
        return

    def enqueue_voucher():
        issue_voucher_later.enqueue(case_id, kind)

    transaction.on_commit(enqueue_voucher, robust=True)
