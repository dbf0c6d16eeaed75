"""Background work of the documents app. Jobs take primary keys."""

import datetime as dt

from django_tasks import task

from lianban import clock


@task()
def issue_document_later(case_id: int, actor_id: int, as_of: str = "") -> str:
    """Issue a decided case's document from a worker. `as_of` (ISO datetime) dates the
    registry entry at the moment the document was due, for a backlog being worked off."""
    from accounts.models import User

    from .issuing import issue_document

    actor = User.objects.get(pk=actor_id)
    if as_of:
        with clock.frozen(dt.datetime.fromisoformat(as_of)):
            return issue_document(case_id, actor).number
    return issue_document(case_id, actor).number
