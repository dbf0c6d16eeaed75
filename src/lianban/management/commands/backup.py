from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lianban import backup
from lianban.errors import DomainError


class Command(BaseCommand):
    help = (
        "备份：lianban backup FILE 把数据库和 MEDIA_ROOT 下的全部文件写入一个 .tar.gz，"
        "附清单（每个成员的 SHA-256 与大小、已应用的迁移）。密钥默认不备份。"
        "记录在册的文件（批复文件、材料）缺失或内容不符时，备份照常写入，命令以失败退出并逐一列出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="备份文件，如 lianban-20260301.tar.gz")
        parser.add_argument(
            "--include-keys",
            action="store_true",
            help="同时备份 KEYS_DIR 下的签章密钥（备份文件须按密钥同等保管）",
        )

    def handle(self, file: Path, include_keys=False, **options):
        if file.exists() and file.is_dir():
            raise CommandError(f"{file} 是一个目录，请给出备份文件名")
        try:
            summary = backup.create(file, include_keys=include_keys)
        except DomainError as e:
            raise CommandError(str(e.message)) from e
        done = (
            f"{summary.path}（{summary.size} 字节）：{summary.objects} 条记录，"
            f"{summary.files} 个文件，{summary.keys} 个密钥文件"
        )
        if summary.lost:
            for lost in summary.lost:
                self.stderr.write(f"存储文件：{lost}")
            raise CommandError(
                f"备份已写入 {done}，但缺少 {len(summary.lost)} 个记录在册的文件或其内容不符"
                "（见上），用它恢复的这些批复文件和材料将无法下载。请检查 MEDIA_ROOT 后重新备份。"
            )
        self.stdout.write(self.style.SUCCESS(f"备份完成：{done}"))
