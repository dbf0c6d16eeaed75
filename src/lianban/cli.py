"""`lianban` — one console command over the management commands.

lianban serve [addr:port]      the web server (gunicorn when installed, else runserver)
lianban migrate                apply migrations
lianban demo                   build the demo county
lianban catalog check FILE     ... and every other management command by name
"""

import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    src = Path(__file__).resolve().parent.parent
    if str(src) not in sys.path:
        sys.path.insert(0, str(src))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianban.settings")
    from django.core.management import execute_from_command_line

    if len(argv) < 2:
        argv.append("help")
    execute_from_command_line(["lianban", *argv[1:]])


if __name__ == "__main__":
    main()
