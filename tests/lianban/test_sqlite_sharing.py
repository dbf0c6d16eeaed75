"""The embedded database is one SQLite file shared by the server's workers and the background
worker (`make demo` runs both). A transaction that reads, then writes after another process
has written, must wait its turn rather than fail with "database is locked"."""

import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper


def _connection(path) -> DatabaseWrapper:
    """A connection to `path` opened as the project opens its SQLite database."""
    wrapper = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": dict(settings.SQLITE_OPTIONS),
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias=f"sharing-{id(path)}-{time.monotonic_ns()}",
    )
    wrapper.ensure_connection()
    return wrapper


def _counter(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM counter")
        return cursor.fetchone()[0]


@contextmanager
def _registered(path):
    """A connection of this thread, known to django.db.connections under its own alias."""
    wrapper = _connection(path)
    connections[wrapper.alias] = wrapper
    try:
        yield wrapper
    finally:
        del connections[wrapper.alias]
        wrapper.close()


def test_a_read_then_write_waits_for_another_processs_write_instead_of_failing(
    tmp_path, django_db_blocker
):
    path = tmp_path / "shared.sqlite3"
    errors = []
    with django_db_blocker.unblock(), _registered(path) as mine:
        with mine.cursor() as cursor:
            cursor.execute("CREATE TABLE counter (value integer NOT NULL)")
            cursor.execute("INSERT INTO counter VALUES (0)")

        def their_write():
            try:
                with _registered(path) as theirs, transaction.atomic(using=theirs.alias):
                    with theirs.cursor() as cursor:
                        cursor.execute("UPDATE counter SET value = value + 10")
            except Exception as exc:
                errors.append(exc)

        other = threading.Thread(target=their_write)
        # Read, then write: the way the engine draws the next case or document number.
        with transaction.atomic(using=mine.alias):
            seen = _counter(mine)
            other.start()
            time.sleep(0.3)  # the other process writes (or tries to) while we hold our read
            with mine.cursor() as cursor:
                cursor.execute("UPDATE counter SET value = %s", [seen + 1])
        other.join(timeout=30)
        assert errors == []
        assert _counter(mine) == 11  # both writes landed, ours first, neither lost
