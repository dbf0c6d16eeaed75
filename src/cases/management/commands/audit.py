from django.core.management.base import BaseCommand, CommandError

from cases.events import verify_all
from cases.models import Case


class Command(BaseCommand):
    help = "审计：lianban audit verify 重新计算每个办件的事件哈希链，指出第一处断裂"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--case", help="只校验这个办件编号")

    def handle(self, action, case=None, **options):
        queryset = Case.objects.filter(number=case) if case else Case.objects.all()
        total = queryset.count()
        problems = list(verify_all(queryset))
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} 个办件的事件链校验失败（共 {total} 件）")
        self.stdout.write(self.style.SUCCESS(f"事件链校验通过：{total} 个办件"))
