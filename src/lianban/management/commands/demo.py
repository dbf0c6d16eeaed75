from django.core.management.base import BaseCommand

from lianban import demo


class Command(BaseCommand):
    help = "建立示范县演示数据（可重复运行，已有数据会复用）"

    def handle(self, *args, **options):
        logins = demo.build_minimal()
        self.stdout.write(
            self.style.SUCCESS("示范县已就绪 · demo county ready: http://127.0.0.1:8000/")
        )
        self.stdout.write(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）:")
        for username, role, display in logins:
            self.stdout.write(f"  {username:<16} {role:<10} {display}")
