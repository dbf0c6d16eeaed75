"""`lianban` — one console command over the management commands (what manage.py runs).

`lianban` or `lianban help` lists the county's own commands, in Chinese, each with what it
does; `lianban COMMAND --help` explains one; `lianban help --commands` names every management
command, Django's own included. A setting that is missing or wrong (no SECRET_KEY with DEBUG
off, a number that is not one) is said in one line, not in a traceback.
"""

import os
import sys
from pathlib import Path

from lianban.text import display_width

# The commands a county's administrator uses, in the order of the README's table. Plain
# Chinese like every command's own help: the console has no language switch.
COUNTY_COMMANDS = [
    ("serve [地址:端口]", "启动 Web 服务（gunicorn，两个工作进程）"),
    ("migrate", "升级数据库结构（安装和每次更新程序后运行）"),
    ("demo [--cases N]", "建立示范县：事项清单、人员和一年的办件（可重复运行）"),
    ("catalog check|import|export 文件", "事项清单：检查、导入、导出（docs/catalog-format.md）"),
    ('plan "项目类型" [--start 日期]', "并联审批排期，与串联办理对比"),
    ("calendar enter|show 年份", "工作日历：录入或查看某年的节假日安排"),
    ("tick", "电子监察：立即视为受理、刷新红黄灯、逐级提醒"),
    ("supervise --every 300", "电子监察调度：定期把监察任务放入任务队列"),
    ("db_worker [--backend queue]", "后台任务进程（TASKS_BACKEND=database 时须常驻运行）"),
    ("jobs [requeue-stale|retry]", "后台任务：查看失败和卡住的任务，重新排队"),
    ("audit verify|files", "审计：核验每个办件的事件哈希链；核对存储文件"),
    ("keys init", "生成县级根证书和电子印章证书（docs/seal.md）"),
    ("document verify 文件", "核验批复文件是否登记在册、签章有效、未被撤销"),
    ("backup 文件", "把数据库和存储文件备份到一个文件"),
    ("restore 文件", "从备份文件恢复，并校验恢复的内容"),
]
HELP_WORDS = {"help", "--help", "-h"}


def overview() -> str:
    column = max(display_width(usage) for usage, _what in COUNTY_COMMANDS) + 2
    lines = ["联办 lianban：县级政务服务一站式审批平台的管理命令", "", "日常命令："]
    for usage, what in COUNTY_COMMANDS:
        lines.append(f"  lianban {usage}{' ' * (column - display_width(usage))}{what}")
    lines += [
        "",
        "lianban 命令 --help        查看一个命令的全部选项",
        "lianban help --commands    列出全部命令（含 Django 自带的命令）",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) < 2 or (len(argv) == 2 and argv[1] in HELP_WORDS):
        sys.stdout.write(overview())
        return
    src = Path(__file__).resolve().parent.parent
    if str(src) not in sys.path:
        sys.path.insert(0, str(src))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianban.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reads the settings module, which checks the environment
    except (ImproperlyConfigured, ValueError) as error:
        sys.stderr.write(f"lianban：设置有误：{error}\n")
        raise SystemExit(2) from None
    execute_from_command_line(["lianban", *argv[1:]])


if __name__ == "__main__":
    main()
