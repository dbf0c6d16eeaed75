"""Playwright drives Debian's chromium against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, so Django's async-unsafe guard
would refuse the ORM calls the tests make to arrange data and check results."""

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def _playwright_runs_an_event_loop():
    """Playwright's sync API keeps an event loop running in this thread; Django would refuse
    its ORM there. Only in the browser run (make test runs it in a process of its own)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def base_url():
    # Replaces pytest-playwright's own fallback, a session fixture written as a method, which
    # pytest 9 warns about (and warnings are errors here). Tests use live_server.url instead.
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Chinese browser: the site answers in zh-Hans until the English switch is used.
    return {**browser_context_args, "locale": "zh-CN", "accept_downloads": True}


@pytest.fixture(scope="session", autouse=True)
def _urls_loaded():
    """Import every app's views before the browser's first request: the documents app pulls in
    the PDF and signing libraries, which takes seconds on a small machine."""
    from django.urls import get_resolver

    assert get_resolver().url_patterns


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def open_as(browser, browser_context_args, live_server):
    """open_as(username) -> a page in its own browser context, logged in through the form;
    open_as(None) -> an anonymous visitor."""
    contexts = []

    def open_page(username, *, english=False, width=1100):
        context = browser.new_context(
            **browser_context_args, viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        if english:
            page.get_by_role("button", name="English").click()
            page.wait_for_selector("html[lang=en]")
        if username:
            form = page.locator("main form")
            form.get_by_label("用户名" if not english else "Username").fill(username)
            form.get_by_label("密码" if not english else "Password").fill(PASSWORD)
            form.get_by_role("button").click()
            # Each role lands on its own work (cases.views.home), all of it under /cases/.
            page.wait_for_url(live_server.url + "/cases/**")
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def county(transactional_db, settings, tmp_path, live_server):
    """A county built through the ORM: a service centre that leads, four departments with five
    items of one project type, a user per role, the seal's keys, and next year's calendar."""
    import datetime as dt

    from accounts.models import Role, User
    from catalog.models import ApprovalItem, Material, ProjectType, Stage
    from directory.models import Department, Enterprise
    from documents import keys
    from tests.conftest import USCC_A, USCC_B
    from workdays import service
    from workdays.models import ScheduledYear

    # Deadlines run into next year; weekdays only will do for a test.
    ScheduledYear.objects.get_or_create(year=2027, defaults={"source": "test"})
    service.invalidate()
    settings.KEYS_DIR = tmp_path / "keys"
    settings.SITE_URL = live_server.url
    keys.init_keys(
        settings.KEYS_DIR,
        organisation="示范县行政审批局",
        region_code="139999",
        not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
    )

    def dept(code, name, **extra):
        return Department.objects.create(code=code, name=name, region_code="139999", **extra)

    centre = dept("XZSP", "行政审批局", is_service_centre=True)
    land = dept("ZRZY", "自然资源局")
    housing = dept("ZJJ", "住房城乡建设局")
    ecology = dept("SHJ", "生态环境局")
    fire = dept("XF", "消防救援大队")
    papers = {
        name: Material.objects.create(name=name)
        for name in ("申请表", "项目备案证明", "施工图设计文件", "施工合同", "环境影响报告表")
    }

    def item(code, name, department, limit, *names):
        created = ApprovalItem.objects.create(
            code=code,
            name=name,
            department=department,
            legal_limit=limit,
            promised_limit=limit,
        )
        created.materials.set([papers[n] for n in names])
        return created

    items = [
        item("ZR01", "建设用地规划许可", land, 10, "申请表", "项目备案证明"),
        item("ZJ01", "建设工程规划许可", housing, 10, "申请表", "施工图设计文件"),
        item("ZJ02", "建筑工程施工许可", housing, 7, "申请表", "施工合同"),
        item("HB01", "环境影响评价审批", ecology, 15, "环境影响报告表"),
        item("XF01", "消防设计审查", fire, 10, "施工图设计文件"),
    ]
    project = ProjectType.objects.create(
        name="工业厂房建设项目", life_event="投资建厂", description="新建工业厂房的全部审批"
    )
    first = Stage.objects.create(
        project_type=project, order=1, name="立项用地规划许可", lead_department=centre
    )
    first.items.set(items[:1] + items[3:4])
    second = Stage.objects.create(
        project_type=project, order=2, name="工程建设许可", lead_department=centre
    )
    second.items.set(items[1:3] + items[4:])

    ours = Enterprise.objects.create(uscc=USCC_A, name="示范农机装备有限公司", region_code="139999")
    theirs = Enterprise.objects.create(uscc=USCC_B, name="他人科技有限公司", region_code="139999")

    def user(username, role, name, **extra):
        return User.objects.create_user(
            username=username, password=PASSWORD, role=role, display_name=name, **extra
        )

    return {
        "project": project,
        "items": items,
        "departments": {"land": land, "housing": housing, "ecology": ecology, "fire": fire},
        "applicant": user("qiye", Role.APPLICANT, "赵企业", enterprise=ours),
        "other": user("taren", Role.APPLICANT, "钱他人", enterprise=theirs),
        "clerk": user("chuangkou", Role.CLERK, "窗口孙", department=centre),
        "lead": user("qiantou", Role.LEAD, "牵头李", department=centre),
        "land": user("zr_shenpi", Role.REVIEWER, "自然资源审批员", department=land),
        "housing": user("zj_shenpi", Role.REVIEWER, "住建审批员", department=housing),
        "ecology": user("hb_shenpi", Role.REVIEWER, "环保审批员", department=ecology),
        "fire": user("xf_shenpi", Role.REVIEWER, "消防审批员", department=fire),
    }
