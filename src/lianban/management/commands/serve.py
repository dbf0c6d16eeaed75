import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


class Command(BaseCommand):
    help = "启动 Web 服务（gunicorn，两个工作进程）"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--dev", action="store_true", help="Django runserver with autoreload")

    def handle(self, addrport, workers, dev, **options):
        if dev:
            call_command("runserver", addrport)
            return
        # A worker keeps its database connection between requests: opening one per request
        # costs PostgreSQL a new backend and the page 35-45 % of its requests/s (BENCHMARKS.md).
        os.environ.setdefault("DB_CONN_MAX_AGE", "60")
        os.execvp(  # noqa: S606 - replaces this process with gunicorn on purpose
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lianban.wsgi:application",
                "--bind",
                addrport,
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                # The path without its query, and no referrer: the progress lookup is a GET
                # whose query carries the case number and its lookup code, which the default
                # format wrote into the log of every lookup.
                "--access-logformat",
                ACCESS_LOG_FORMAT,
                # We do not use gunicorn's control interface; its socket is one per user
                # (~/.gunicorn), so two servers of one user would share it.
                "--no-control-socket",
            ],
        )
