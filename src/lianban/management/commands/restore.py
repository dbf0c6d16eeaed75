import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lianban import backup
from lianban.errors import DomainError


class Command(BaseCommand):
    help = (
        "恢复：lianban restore FILE 先逐一核对备份清单中的 SHA-256，再在一个事务中载入数据、"
        "写回文件；失败则数据库与文件保持原样。恢复后校验事件哈希链和存储文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="lianban backup 生成的备份文件")
        parser.add_argument(
            "--force",
            action="store_true",
            help="数据库已有数据或已有不同文件时仍然恢复：先清空再载入备份",
        )
        parser.add_argument(
            "--accept-lost-files",
            action="store_true",
            help="备份缺少记录在册的文件（批复文件、材料）或其内容不符时仍然恢复，恢复后逐一列出",
        )

    def handle(self, file: Path, force=False, accept_lost_files=False, **options):
        if not file.is_file():
            raise CommandError(f"找不到备份文件 {file}")
        try:
            summary = backup.restore(file, force=force, accept_lost_files=accept_lost_files)
        except DomainError as e:
            raise CommandError(str(e.message)) from e
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成：备份时间 {_local(summary.created_at)}，{summary.objects} 条记录，"
                f"{summary.files} 个文件，{summary.keys} 个密钥文件"
            )
        )
        if summary.requeued_jobs:
            self.stdout.write(
                f"备份时正在执行的 {summary.requeued_jobs} 个后台任务已重新排队，"
                "由 lianban db_worker 重新执行"
            )
        if summary.newer_migrations:
            self.stdout.write(
                "本系统比备份多出这些迁移（数据已按当前结构载入）："
                + "、".join(summary.newer_migrations)
            )
        for check in summary.checks:
            if not check.ran:
                self.stdout.write(f"{check.label}：本系统未提供，跳过")
            elif check.problems:
                for problem in check.problems:
                    self.stderr.write(f"{check.label}：{problem}")
            else:
                self.stdout.write(self.style.SUCCESS(f"{check.label}：0 个问题"))
        if not summary.ok:
            problems = sum(len(c.problems) for c in summary.checks)
            raise CommandError(f"数据已恢复，但恢复后的校验发现 {problems} 个问题（见上）")


def _local(moment: str) -> str:
    try:
        return timezone.localtime(dt.datetime.fromisoformat(moment)).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return moment or "未知"
