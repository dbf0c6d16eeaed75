"""The demo county (示范县). Until the full demo lands: departments and one user per role."""

from django.db import transaction

from accounts.models import Role, User
from directory.models import Department, Enterprise

REGION = "139999"
DEMO_PASSWORD = "lianban-demo-2026"  # noqa: S105 - printed to the newcomer on purpose

DEPARTMENTS = [
    ("XZSP", "行政审批局", True),
    ("FGJ", "发展改革局", False),
    ("ZRZY", "自然资源局", False),
    ("ZJJ", "住房城乡建设局", False),
    ("STHJ", "生态环境局", False),
    ("YJGL", "应急管理局", False),
    ("XF", "消防救援大队", False),
    ("RF", "人防办", False),
    ("SLJ", "水利局", False),
    ("SCJG", "市场监管局", False),
    ("WJJ", "卫生健康局", False),
    ("JTJ", "交通运输局", False),
    ("SWJ", "税务局", False),
]

USERS = [
    ("applicant", Role.APPLICANT, "王丽（示范机械）", None),
    ("agent", Role.AGENT, "代办员张敏", None),
    ("clerk", Role.CLERK, "窗口刘芳", "XZSP"),
    ("lead", Role.LEAD, "牵头协调赵刚", "XZSP"),
    ("reviewer_zrzy", Role.REVIEWER, "自然资源审批员", "ZRZY"),
    ("reviewer_zjj", Role.REVIEWER, "住建审批员", "ZJJ"),
    ("supervisor", Role.SUPERVISOR, "效能监察孙伟", None),
    ("leader", Role.LEADER, "县长", None),
    ("admin", Role.ADMIN, "系统管理员", None),
]


@transaction.atomic
def build_minimal(stdout=None) -> list[tuple[str, str, str]]:
    depts = {}
    for code, name, centre in DEPARTMENTS:
        depts[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "region_code": REGION, "is_service_centre": centre}
        )
    enterprise, _ = Enterprise.objects.get_or_create(
        uscc="91139999MA0D1E2A1C",
        defaults={"name": "示范机械制造有限公司", "region_code": REGION, "industry_code": "C3011"},
    )
    logins = []
    for username, role, display, dept in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "display_name": display,
                "department": depts.get(dept),
                "enterprise": enterprise if role == Role.APPLICANT else None,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        logins.append((username, str(role.label), display))
    return logins
