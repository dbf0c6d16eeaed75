from django.core.management.base import BaseCommand

from cases.supervision import tick


class Command(BaseCommand):
    help = "电子监察：视为受理、刷新红黄灯、逐级提醒（可重复运行）"

    def handle(self, *args, **options):
        result = tick()
        self.stdout.write(
            "视为受理 {accepted_by_default} 件，灯色变化 {lights_changed} 项，新提醒 {escalated} 项".format(
                **result
            )
        )
