import time

from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from accounts.tasks import warn_expiring_tokens
from cases.tasks import forget_idempotency_records, run_tick
from lianban.management.commands.jobs import STALE_AFTER_MINUTES, requeue_stale
from lianban.tasks import forget_finished_jobs
from portal.tasks import forget_lookup_failures


class Command(BaseCommand):
    help = (
        "电子监察调度：每隔一段时间把监察任务放入任务队列。"
        "TASKS_BACKEND=database 时由 `lianban db_worker` 执行，否则当场执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=300, help="间隔秒数（默认300）")
        parser.add_argument("--times", type=int, default=0, help="运行次数；0 表示一直运行")
        parser.add_argument(
            "--stale-after",
            type=int,
            default=STALE_AFTER_MINUTES,
            metavar="MINUTES",
            help="执行超过这么多分钟仍未结束的后台任务重新排队（见 lianban jobs）",
        )

    def handle(self, every, times, stale_after=STALE_AFTER_MINUTES, **options):
        runs = 0
        while True:
            # A worker killed mid-job leaves it RUNNING, and no worker takes it up again
            # (the "queue" backend is the database whatever TASKS_BACKEND says).
            for job in requeue_stale(stale_after):
                self.stderr.write(f"后台任务 {job} 执行过久（工作进程可能已终止），已重新排队")
            # With the worker down for days, one tick waiting is enough: the tick works from
            # the state of the cases, so one run catches up, where a tick every five minutes
            # would queue hundreds, and documents queued after them would wait behind them.
            if waiting := _waiting(run_tick):
                self.stdout.write(f"监察任务 {waiting} 仍在排队，未再排入")
            else:
                result = run_tick.enqueue()
                self.stdout.write(f"已排入监察任务 {result.id}（{result.status}）")
            # The progress lookup's throttle keeps a week of failures; older ones go.
            if not _waiting(forget_lookup_failures):
                forget_lookup_failures.enqueue()
            # So do the API's records of retried requests.
            if not _waiting(forget_idempotency_records):
                forget_idempotency_records.enqueue()
            # Owners of API tokens running out are told, once each (accounts/tokens.py).
            if not _waiting(warn_expiring_tokens):
                warn_expiring_tokens.enqueue()
            # And finished jobs' rows past their time (lianban/tasks.py).
            if not _waiting(forget_finished_jobs):
                forget_finished_jobs.enqueue()
            runs += 1
            if times and runs >= times:
                return
            time.sleep(every)


def _waiting(task) -> str:
    """The id of a run of `task` queued and not started yet, or "" (always "" inline)."""
    pk = (
        DBTaskResult.objects.filter(status="READY", task_path=task.module_path)
        .values_list("pk", flat=True)
        .first()
    )
    return str(pk) if pk else ""
