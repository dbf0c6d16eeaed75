"""The shared cast: one user per role, two departments, and an outsider who must get 404."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation

from accounts.models import Role, User
from directory.models import Department, Enterprise, Person

# Real, published codes with correct check characters.
USCC_A = "91350100M000100Y43"
USCC_B = "9144030071526726XG"
ID_A = "11010519491231002X"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEYS_DIR = tmp_path / "keys"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from workdays import service

    service.invalidate()  # a rolled-back test leaves no signal behind to do it
    cache.clear()  # the published statistics, kept for ten minutes
    yield
    # The test client runs requests in this thread: an English request would leave English
    # active for the next test (a management command's messages, say).
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def centre(db):
    return Department.objects.create(
        code="XZSP", name="行政审批局", region_code="139999", is_service_centre=True
    )


@pytest.fixture
def dept_a(db):
    return Department.objects.create(code="ZRZY", name="自然资源局", region_code="139999")


@pytest.fixture
def dept_b(db):
    return Department.objects.create(code="ZJJ", name="住房城乡建设局", region_code="139999")


@pytest.fixture
def enterprise(db):
    return Enterprise.objects.create(uscc=USCC_A, name="示范机械制造有限公司", region_code="139999")


@pytest.fixture
def other_enterprise(db):
    return Enterprise.objects.create(uscc=USCC_B, name="他人科技有限公司", region_code="139999")


def _user(username, role, **extra):
    return User.objects.create_user(
        username=username, password="correct horse battery", role=role, **extra
    )


@pytest.fixture
def applicant(enterprise):
    return _user("alice", Role.APPLICANT, display_name="王丽", enterprise=enterprise)


@pytest.fixture
def charlie(other_enterprise):
    """The outsider: an applicant of another enterprise. Must get 404 on everything of alice's."""
    return _user("charlie", Role.APPLICANT, display_name="陈强", enterprise=other_enterprise)


@pytest.fixture
def person_applicant(db):
    person = Person.objects.create(name="李明", id_number=ID_A, phone="13812345678")
    return _user("liming", Role.APPLICANT, display_name="李明", person=person)


@pytest.fixture
def agent(db):
    return _user("agent", Role.AGENT, display_name="代办员张")


@pytest.fixture
def clerk(centre):
    return _user("clerk", Role.CLERK, display_name="窗口刘", department=centre)


@pytest.fixture
def lead(centre):
    return _user("lead", Role.LEAD, display_name="牵头赵", department=centre)


@pytest.fixture
def reviewer_a(dept_a):
    return _user("reviewer_a", Role.REVIEWER, display_name="审批员甲", department=dept_a)


@pytest.fixture
def reviewer_b(dept_b):
    return _user("reviewer_b", Role.REVIEWER, display_name="审批员乙", department=dept_b)


@pytest.fixture
def supervisor(db):
    return _user("supervisor", Role.SUPERVISOR, display_name="监察孙")


@pytest.fixture
def leader(db):
    return _user("leader", Role.LEADER, display_name="县长")


@pytest.fixture
def admin_user(db):
    user = _user("admin", Role.ADMIN, display_name="管理员", is_staff=True, is_superuser=True)
    return user


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` exercise row locks that SQLite does not have; CI runs the
    suite a second time on PostgreSQL, where they run. On SQLite they are deselected, and
    tests marked `sqlite` (SQLite's own transaction modes) on PostgreSQL."""
    from django.db import connection

    other = "sqlite" if connection.vendor == "postgresql" else "postgres"
    selected = [i for i in items if not i.get_closest_marker(other)]
    deselected = [i for i in items if i.get_closest_marker(other)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
