"""`lianban jobs`: the background jobs (TASKS_BACKEND=database, `lianban db_worker`) as the
county's IT staff need them.

    lianban jobs                          how many jobs in each state; every failed job and
                                          every job running longer than --stale-after
    lianban jobs requeue-stale            jobs left RUNNING by a worker that died, back to READY
    lianban jobs retry ID… | --all-failed failed jobs back to READY, to be run again

django-tasks' db_worker marks a job RUNNING when it claims it and never looks at a RUNNING job
again: a worker killed mid-job (SIGKILL, the OOM killer, a reboot) leaves it so for ever, and
the document it was issuing or the mail it was sending is lost. `lianban supervise` requeues
such jobs on every round. Every job of ours may run again: issuing checks the case's state
(a document already issued is not issued twice), the supervision tick is idempotent; a mail
may go out twice."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"
STALE_AFTER_MINUTES = 30  # our longest job, the tick over a county's cases, takes seconds


def requeue_stale(minutes: int = STALE_AFTER_MINUTES) -> list[str]:
    """Put jobs RUNNING for more than `minutes` back in the queue; their ids. One conditional
    UPDATE per job, so two supervisors at once requeue each job once. The worker stamps
    started_at with the real time (timezone.now), not lianban.clock."""
    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    requeued = []
    stale = DBTaskResult.objects.filter(status=RUNNING, started_at__lt=cutoff)
    for pk in stale.values_list("pk", flat=True):
        if DBTaskResult.objects.filter(pk=pk, status=RUNNING, started_at__lt=cutoff).update(
            status=READY, started_at=None
        ):
            requeued.append(str(pk))
    return requeued


def troubled(minutes: int = STALE_AFTER_MINUTES):
    """Failed jobs and jobs RUNNING for more than `minutes`, the latest first (by when they
    failed, or began)."""
    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    return (
        DBTaskResult.objects.filter(Q(status=FAILED) | Q(status=RUNNING, started_at__lt=cutoff))
        .annotate(at=Coalesce("finished_at", "started_at"))
        .order_by(F("at").desc(nulls_last=True), "-pk")
    )


def retry(ids: list[str] | None) -> int:
    """Failed jobs (all of them when `ids` is None) back to READY. The error of the last run
    stays on the row until the next run replaces it."""
    failed = DBTaskResult.objects.filter(status=FAILED)
    if ids is not None:
        failed = failed.filter(pk__in=ids)
    return failed.update(status=READY, started_at=None, finished_at=None)


class Command(BaseCommand):
    help = (
        "后台任务：lianban jobs 列出各状态任务数、失败的任务和长时间未结束的任务；"
        "requeue-stale 把被终止的工作进程遗留的“执行中”任务重新排队；"
        "retry ID… 或 --all-failed 重新执行失败的任务"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action", nargs="?", default="list", choices=["list", "requeue-stale", "retry"]
        )
        parser.add_argument("ids", nargs="*", help="retry：任务 ID")
        parser.add_argument("--all-failed", action="store_true", help="retry：全部失败的任务")
        parser.add_argument(
            "--stale-after",
            type=int,
            default=STALE_AFTER_MINUTES,
            metavar="MINUTES",
            help=f"执行超过这么多分钟仍未结束即视为工作进程已终止，默认 {STALE_AFTER_MINUTES}",
        )

    def handle(self, action, ids, all_failed=False, stale_after=STALE_AFTER_MINUTES, **options):
        if action == "requeue-stale":
            requeued = requeue_stale(stale_after)
            for pk in requeued:
                self.stdout.write(f"已重新排队：{pk}")
            self.stdout.write(f"重新排队 {len(requeued)} 个执行超过 {stale_after} 分钟的任务")
        elif action == "retry":
            if not ids and not all_failed:
                raise CommandError("请给出任务 ID，或加 --all-failed 重新执行全部失败的任务")
            count = retry(None if all_failed else ids)
            self.stdout.write(f"重新排队 {count} 个失败的任务")
        else:
            self.list(stale_after)

    def list(self, stale_after: int) -> None:
        counts = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("pk")).order_by())
        self.stdout.write(
            "；".join(f"{status} {counts.get(status, 0)}" for status in (READY, RUNNING, FAILED))
            + f"；SUCCESSFUL {counts.get('SUCCESSFUL', 0)}"
        )
        cutoff = timezone.now() - dt.timedelta(minutes=stale_after)
        for job in DBTaskResult.objects.filter(status=FAILED).order_by("finished_at"):
            self.stdout.write(
                f"失败 {job.pk} {job.task_path} {job.args_kwargs['args']} "
                f"{timezone.localtime(job.finished_at):%Y-%m-%d %H:%M:%S} {job.exception_class_path}"
            )
        for job in DBTaskResult.objects.filter(status=RUNNING, started_at__lt=cutoff):
            self.stdout.write(
                f"执行超过 {stale_after} 分钟 {job.pk} {job.task_path} {job.args_kwargs['args']} "
                f"开始于 {timezone.localtime(job.started_at):%Y-%m-%d %H:%M:%S}"
            )
