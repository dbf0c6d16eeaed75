"""`lianban document verify FILE`: the public verification page's answer, in the terminal.
Exit status 0 only for a valid, registered, unrevoked document; 1 otherwise; 2 for a file
that cannot be read or is not a PDF."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents import verify


class Command(BaseCommand):
    help = "批复文件：verify FILE 核验文件是否为登记在册、签章有效、未被撤销的原件"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="核验一个 PDF 文件")
        check.add_argument("file", type=Path)

    def handle(self, *args, action, **options):
        if action == "verify":
            self._verify(options["file"])

    def _verify(self, path: Path):
        try:
            size = path.stat().st_size
            if size > verify.MAX_UPLOAD_BYTES:
                raise CommandError(f"文件过大（{size} 字节），不是批复文件。", returncode=2)
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}", returncode=2) from None
        try:
            verdict = verify.verify_file(content)
        except verify.NotAPdf as exc:
            raise CommandError(str(exc), returncode=2) from None
        for line in verdict.lines:
            self.stdout.write(line)
        if not verdict.ok:
            raise SystemExit(1)
