import time

from django.core.management.base import BaseCommand

from cases.tasks import run_tick
from portal.tasks import forget_lookup_failures


class Command(BaseCommand):
    help = (
        "电子监察调度：每隔一段时间把监察任务放入任务队列。"
        "TASKS_BACKEND=database 时由 `lianban db_worker` 执行，否则当场执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=300, help="间隔秒数（默认300）")
        parser.add_argument("--times", type=int, default=0, help="运行次数；0 表示一直运行")

    def handle(self, every, times, **options):
        runs = 0
        while True:
            result = run_tick.enqueue()
            self.stdout.write(f"已排入监察任务 {result.id}（{result.status}）")
            # The progress lookup's throttle keeps a week of failures; older ones go.
            forget_lookup_failures.enqueue()
            runs += 1
            if times and runs >= times:
                return
            time.sleep(every)
