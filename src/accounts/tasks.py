"""Background work of the accounts app (see cases/tasks.py for how jobs run)."""

from django_tasks import task


@task()
def warn_expiring_tokens() -> int:
    """Periodic: owners of API tokens that run out soon are told (tokens.warn_expiring)."""
    from .tokens import warn_expiring

    return warn_expiring()
