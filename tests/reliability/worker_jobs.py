"""Jobs for the worker tests: a real `lianban db_worker`, in a process of its own, runs them."""

from django.db import connection
from django_tasks import task


@task()
def hold(seconds: float) -> str:
    """Keep the connection busy for a while (PostgreSQL), so it can be cut mid-job."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])
    return "done"


@task()
def broken_query() -> None:
    """Fails with a database error while the connection stays healthy."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_anywhere")


@task()
def nothing() -> str:
    return "done"
