"""Pages of the site as a whole that no domain owns."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST
from django_tasks_db.models import DBTaskResult

from accounts import permissions as rules
from accounts.security import log_refusal

from .management.commands import jobs as job_queue
from .pagination import CappedPaginator


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (CSRF_FAILURE_VIEW): most often a page left
    open past the sign-in's end, or cookies turned off. Told in the site's layout and the
    visitor's language, not Django's own page; JSON under /api/, as every API error is."""
    message = _(
        "页面已过期或无法确认请求来源。请刷新页面后重试；如仍不行，请确认浏览器允许本站的 Cookie。"
    )
    if request.path.startswith("/api/"):
        from .api import error_response

        return error_response(403, "csrf_failed", message)
    return render(request, "403.html", {"exception": message}, status=403)


# ---- background jobs, for the supervisors ----------------------------------------------
# `lianban jobs` is the administrators'; this page tells supervisors, in plain words, which
# work did not get done. Read-only but for the administrator's retry, which is the command's.

JOBS_PER_PAGE = 20
# What each job does, by its task's path (task.module_path).
JOB_KINDS = {
    "documents.tasks.issue_document_later": pgettext_lazy("job", "出具批复文件"),
    "documents.tasks.issue_voucher_later": pgettext_lazy("job", "出具受理凭证"),
    "cases.tasks.send_notification_mail": pgettext_lazy("job", "发送通知邮件"),
    "cases.tasks.run_tick": pgettext_lazy("job", "电子监察（刷新红黄灯、逐级提醒）"),
    "cases.tasks.verify_chains": pgettext_lazy("job", "核验全部办件的审计链"),
    "cases.tasks.forget_idempotency_records": pgettext_lazy("job", "清理接口重试记录"),
    "portal.tasks.forget_lookup_failures": pgettext_lazy("job", "清理进度查询失败记录"),
    "accounts.tasks.warn_expiring_tokens": pgettext_lazy("job", "提醒即将到期的 API 令牌"),
    "lianban.tasks.forget_finished_jobs": pgettext_lazy("job", "清理已结束的后台任务记录"),
}
# An error's text may name the server's files, a connection's password or a key: those go.
_SECRET = re.compile(r"(?i)\b(password|passwd|pwd|secret|token|api[_-]?key|key)(\s*[=:]\s*)\S+")
_CREDENTIALS = re.compile(r"(?<=://)[^\s/@]+@")
# Up to the next space, quote, bracket or punctuation (Chinese punctuation included).
_PATH = re.compile(
    r"(?:[A-Za-z]:)?(?:[\\/][^\s\\/'\"<>:,;()\[\]\u3000-\u303f\uff00-\uffef]+){2,}[\\/]?"
)
_LONG = re.compile(r"[A-Za-z0-9+/=_-]{32,}")
ERROR_LENGTH = 200


def plain_error(job: DBTaskResult) -> str:
    """The first line of the error a job failed with, "Name: message", without paths or
    secrets."""
    path = job.exception_class_path
    name = path.rpartition(".")[2] or _("未知错误")
    shown = path.removeprefix("builtins.")  # how Python's traceback names the exception
    message = ""
    for line in reversed(job.traceback.splitlines()):
        if line.startswith(f"{shown}: "):
            message = line[len(shown) + 2 :].strip()
            break
    message = _PATH.sub("…", _SECRET.sub(r"\1\2…", message))
    message = _LONG.sub("…", _CREDENTIALS.sub("…@", message))
    text = f"{name}: {message}" if message else name
    return text if len(text) <= ERROR_LENGTH else text[: ERROR_LENGTH - 1] + "…"


# args: case id, …
_FOR_A_CASE = {"documents.tasks.issue_document_later", "documents.tasks.issue_voucher_later"}
_FOR_A_NOTIFICATION = {"cases.tasks.send_notification_mail"}  # args: notification id


def _cases_of(jobs: list[DBTaskResult]) -> dict[str, tuple[int, str]]:
    """job id -> (case pk, case number), for the jobs done for one case."""
    from cases.models import Case, Notification

    def first_arg(job):
        args = (job.args_kwargs or {}).get("args") or [None]
        return args[0] if isinstance(args[0], int) else None

    documents = {str(j.pk): first_arg(j) for j in jobs if j.task_path in _FOR_A_CASE}
    mails = {str(j.pk): first_arg(j) for j in jobs if j.task_path in _FOR_A_NOTIFICATION}
    noted = dict(
        Notification.objects.filter(pk__in=[n for n in mails.values() if n]).values_list(
            "pk", "case_id"
        )
    )
    case_ids = {**documents, **{job: noted.get(n) for job, n in mails.items()}}
    numbers = dict(
        Case.objects.filter(pk__in=[c for c in case_ids.values() if c]).values_list("pk", "number")
    )
    return {job: (pk, numbers[pk]) for job, pk in case_ids.items() if pk in numbers}


def _overseer(request, what: str) -> None:
    if not rules.sees_all_cases(request.user):
        log_refusal(request, what, status=404)
        raise Http404


@login_required
def jobs(request):
    _overseer(request, "jobs")
    page = CappedPaginator(job_queue.troubled(), JOBS_PER_PAGE).get_page(request.GET.get("page"))
    cases = _cases_of(list(page))
    rows = [
        {
            "job": job,
            "kind": JOB_KINDS.get(job.task_path)
            or _("其他后台任务（%(name)s）") % {"name": job.task_path.rpartition(".")[2]},
            "case": cases.get(str(job.pk)),
            "failed": job.status == job_queue.FAILED,
            "error": plain_error(job) if job.status == job_queue.FAILED else "",
        }
        for job in page
    ]
    return render(
        request,
        "lianban/jobs.html",
        {
            "page": page,
            "rows": rows,
            "may_retry": rules.is_admin(request.user),
            "stale_after": job_queue.STALE_AFTER_MINUTES,
        },
    )


@require_POST
@login_required
def retry_job(request, pk):
    """Run a failed job again: `lianban jobs retry`, for the administrator only."""
    _overseer(request, f"jobs.retry:{pk}")
    if not DBTaskResult.objects.filter(pk=pk).exists():
        log_refusal(request, f"jobs.retry:{pk}", status=404)
        raise Http404
    if not rules.is_admin(request.user):
        log_refusal(request, f"jobs.retry:{pk}", status=403)
        raise PermissionDenied(_("只有系统管理员可以重新执行后台任务。"))
    if job_queue.retry([str(pk)]):
        messages.success(request, _("任务已重新排队，由后台任务进程重新执行。"))
    else:
        messages.error(request, _("这个任务已不是失败状态（可能已重新执行），未作改动。"))
    return redirect("jobs")
