from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lianban import backup
from lianban.errors import DomainError


class Command(BaseCommand):
    help = (
        "备份：lianban backup FILE 把数据库和 MEDIA_ROOT 下的全部文件写入一个 .tar.gz，"
        "附清单（每个成员的 SHA-256 与大小、已应用的迁移）。密钥默认不备份。"
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
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{summary.path}（{summary.size} 字节）："
                f"{summary.objects} 条记录，{summary.files} 个文件，{summary.keys} 个密钥文件"
            )
        )
