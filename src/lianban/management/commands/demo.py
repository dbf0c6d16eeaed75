import time

from django.core.management.base import BaseCommand

from lianban import demo
from lianban.text import display_width


class Command(BaseCommand):
    help = "建立示范县演示数据：导入事项清单、人员，并驱动办件引擎模拟一年的办件（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases", type=int, default=5000, help="模拟的办件数（默认5000；0 只建基础数据）"
        )
        parser.add_argument("--days", type=int, default=365, help="模拟的天数（默认365）")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, cases, days, seed, **options):
        started = time.monotonic()
        logins = demo.build(self.stdout, cases=cases, days=days, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"示范县已就绪（{time.monotonic() - started:.0f} 秒） · demo county ready: http://127.0.0.1:8000/"
            )
        )
        self.stdout.write(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）:")
        column = max((display_width(role) for _username, role, _display in logins), default=0) + 2
        for username, role, display in logins:
            # Padded by the columns a terminal gives each character, two for a Chinese one.
            self.stdout.write(
                f"  {username:<16} {role}{' ' * (column - display_width(role))}{display}"
            )
