import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cases import uploads
from cases.events import verify_all
from cases.models import Case


class Command(BaseCommand):
    help = (
        "审计：lianban audit verify 重新计算每个办件的事件哈希链，指出第一处断裂；"
        "lianban audit files 核对存储文件与记录的 SHA-256，列出（--delete 删除）无记录的孤立文件"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "files"])
        parser.add_argument("--case", help="verify：只校验这个办件编号")
        parser.add_argument("--delete", action="store_true", help="files：删除孤立文件")
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            metavar="MINUTES",
            help="files：只算写入超过这么多分钟的文件（更新的可能属于尚未提交的事务），默认 60",
        )

    def handle(self, action, case=None, **options):
        if action == "files":
            self.files(options["delete"], options["older_than"])
            return
        queryset = Case.objects.filter(number=case) if case else Case.objects.all()
        total = queryset.count()
        problems = list(verify_all(queryset))
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} 个办件的事件链校验失败（共 {total} 件）")
        self.stdout.write(self.style.SUCCESS(f"事件链校验通过：{total} 个办件"))

    def files(self, delete: bool, older_than: int) -> None:
        from lianban.backup import check_stored_files

        problems = check_stored_files().problems
        orphans = uploads.orphans(dt.timedelta(minutes=max(older_than, 0)))
        for path in orphans:
            self.stdout.write(f"孤立文件（没有记录指向它）：{path}")
        if delete:
            uploads.discard(orphans)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} 个存储文件缺失或与记录的 SHA-256 不符")
        done = "已删除" if delete else "未删除，加 --delete 删除"
        self.stdout.write(
            self.style.SUCCESS(f"存储文件校验通过；孤立文件 {len(orphans)} 个（{done}）")
        )
