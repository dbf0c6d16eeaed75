"""`lianban keys init [--force]`: the county root and the seal certificate for a new
installation or the demo (documents/keys.py). A production installation configures a
certificate from a real CA instead (docs/seal.md)."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents import keys
from lianban import clock


class Command(BaseCommand):
    help = "电子印章密钥：init 生成县级根证书和电子印章证书（已有密钥时拒绝覆盖，除非 --force）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="生成根证书和电子印章证书")
        init.add_argument(
            "--force", action="store_true", help="覆盖已有的密钥（已出具的文件将无法核验）"
        )
        init.add_argument(
            "--organisation", default="", help="印章证书的单位名称，默认为 LIANBAN_SERVICE_CENTRE"
        )

    def handle(self, *args, action, **options):
        if action == "init":
            self._init(force=options["force"], organisation=options["organisation"])

    def _init(self, *, force: bool, organisation: str):
        try:
            files = keys.init_keys(
                settings.KEYS_DIR,
                organisation=organisation or settings.SERVICE_CENTRE_NAME,
                region_code=settings.REGION_CODE,
                # a few minutes back, so a server whose clock is slightly behind accepts it
                not_before=clock.now() - dt.timedelta(minutes=10),
                force=force,
            )
        except keys.KeysExist as exc:
            paths = ", ".join(str(p) for p in exc.paths)
            raise CommandError(
                f"密钥已存在，未做任何改动：{paths}。"
                "若确需重新生成（已出具的文件将无法再核验），请加 --force。"
            ) from None
        self.stdout.write(f"根证书：{files.root_cert}")
        self.stdout.write(f"印章证书：{files.seal_cert}")
        self.stdout.write(f"私钥（仅所有者可读）：{files.root_key}、{files.seal_key}")
        self.stdout.write("生产环境请将根证书私钥移出服务器离线保存，见 docs/seal.md。")
