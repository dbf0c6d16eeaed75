"""Background work of the portal. With no worker configured it runs inline
(TASKS_BACKEND=immediate)."""

from django_tasks import task


@task()
def forget_lookup_failures() -> int:
    """Periodic: the progress lookup's old failure rows (throttle.forget_old_failures)."""
    from .throttle import forget_old_failures

    return forget_old_failures()
