"""One environment-driven settings module (healthchecks style): every knob is an env var."""

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SRC_DIR = BASE_DIR / "src"
VAR_DIR = Path(os.environ.get("LIANBAN_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str = "False") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envfile(name: str, default: str = "") -> str:
    """A secret may come as NAME or as NAME_FILE (a path), as container secrets do."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as e:  # said in one line by `lianban`, not as a traceback
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(f"{name}_FILE={path}：{e.strerror}") from None
    return os.environ.get(name, default)


DEBUG = envbool("DEBUG", "False")
SECRET_KEY = envfile("SECRET_KEY")
if not SECRET_KEY and (VAR_DIR / "secret_key").exists():
    # `make demo` writes a random key here on first run, readable by its owner only.
    SECRET_KEY = (VAR_DIR / "secret_key").read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    # The test runner is allowed the development key so `pytest` works without setup.
    if (
        not DEBUG
        and not envbool("LIANBAN_INSECURE_DEV_KEY", "False")
        and "pytest" not in sys.modules
    ):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (或设置 DEBUG=1 用于开发)"
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
CSRF_FAILURE_VIEW = "lianban.views.csrf_failure"
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
REGION_CODE = os.environ.get("LIANBAN_REGION_CODE", "139999")
SERVICE_CENTRE_NAME = os.environ.get("LIANBAN_SERVICE_CENTRE", "示范县行政审批局")
# Named in every refusal's notice of remedies (行政复议法 2023 art. 20, 行政诉讼法 art. 46):
# the county government reviews its departments' decisions (行政复议法 art. 24); the court
# is the county's, or the one the province assigns its administrative cases to (集中管辖).
RECONSIDERATION_BODY = os.environ.get("LIANBAN_RECONSIDERATION_BODY", "示范县人民政府")
COURT_NAME = os.environ.get("LIANBAN_COURT", "示范县人民法院")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",  # /api/docs serves Swagger UI from our own static files, not a CDN
    # Before django_tasks: `lianban db_worker` is lianban's own (it outlives a lost database
    # connection), and Django runs the first installed app's command of a name.
    "lianban",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "directory",
    "workdays",
    "catalog",
    "cases",
    "documents",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lianban.middleware.security_headers",
    "lianban.middleware.api_method_not_allowed",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.session_refresh",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.session_generation",
    "accounts.middleware.refusal_log",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "lianban.urls"
WSGI_APPLICATION = "lianban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "lianban" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lianban.context.site",
                "lianban.pagecache.csrf_token",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lianban.sqlite3'}"),
        # `lianban serve` keeps a worker's connection for 60 s (DB_CONN_MAX_AGE); commands and
        # tests open one per request. The health check finds a connection PostgreSQL lost.
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
# WAL and a busy timeout let the server and the background worker share one file. Every
# transaction takes the write lock when it begins (IMMEDIATE): a deferred one that read first
# fails at once with "database is locked" when another process wrote meanwhile, whatever the
# timeout, where an immediate one waits its turn.
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Every form focuses its first field in error after a refused submit (lianban/forms.py).
FORM_RENDERER = "lianban.forms.Renderer"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# Each role lands on its own starting page (cases.views.home): the list of its work.
LOGIN_REDIRECT_URL = "cases:home"
LOGOUT_REDIRECT_URL = "portal:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # the demo and tests serve static files without collectstatic
MEDIA_ROOT = VAR_DIR / "media"
KEYS_DIR = Path(os.environ.get("LIANBAN_KEYS_DIR", VAR_DIR / "keys"))
# The electronic seal (docs/seal.md). Empty means the file `lianban keys init` writes under
# KEYS_DIR (seal.pem, seal-key.pem, root.pem); a PKCS#11 module replaces the key file.
SEAL_CERT_FILE = os.environ.get("SEAL_CERT_FILE", "")
SEAL_KEY_FILE = os.environ.get("SEAL_KEY_FILE", "")
SEAL_KEY_PASSPHRASE_FILE = os.environ.get("SEAL_KEY_PASSPHRASE_FILE", "")
SEAL_ROOT_CERT_FILE = os.environ.get("SEAL_ROOT_CERT_FILE", "")
SEAL_PKCS11_MODULE = os.environ.get("SEAL_PKCS11_MODULE", "")
SEAL_PKCS11_TOKEN_LABEL = os.environ.get("SEAL_PKCS11_TOKEN_LABEL", "")
SEAL_PKCS11_KEY_LABEL = os.environ.get("SEAL_PKCS11_KEY_LABEL", "")
LIANBAN_DOCUMENT_PREFIX = os.environ.get("LIANBAN_DOCUMENT_PREFIX", "示审批")

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_MAX_FILE_BYTES = envint("UPLOAD_MAX_FILE_BYTES", 20 * 1024 * 1024)
UPLOAD_MAX_CASE_BYTES = envint("UPLOAD_MAX_CASE_BYTES", 200 * 1024 * 1024)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@lianban.local")
# EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend in production; the console default
# writes every mail (addresses, case numbers) into the worker's log.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envfile("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL")
# Without a timeout a mail server that stops answering holds the worker's job RUNNING for ever.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)

# Background work runs inline unless a worker is configured (TASKS_BACKEND=database, with
# `lianban db_worker`). The "queue" backend is always the database: work that must wait for a
# worker whatever the default (the demo's backlog of documents) is enqueued there.
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[os.environ.get("TASKS_BACKEND", "immediate")],
    },
    "queue": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# Deadline supervision: a task turns yellow when this share of its limit has passed.
SUPERVISION_YELLOW_SHARE = float(os.environ.get("SUPERVISION_YELLOW_SHARE", "0.8"))
FAST_TRACK_FACTOR = float(os.environ.get("FAST_TRACK_FACTOR", "0.5"))

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 30 * 60)
# Idle sessions end after SESSION_COOKIE_AGE. The expiry is pushed back by
# accounts.middleware.session_refresh at most once a minute, not on every request: saving
# the session on every page view was three statements and a write per request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
# Login throttling (accounts/security.py): this many failures within the window lock the
# username, or the address, for LOGIN_LOCKOUT_MINUTES. Offices share addresses: keep IP higher.
LOGIN_FAILURES_PER_USERNAME = envint("LOGIN_FAILURES_PER_USERNAME", 5)
LOGIN_FAILURES_PER_IP = envint("LOGIN_FAILURES_PER_IP", 20)
LOGIN_FAILURE_WINDOW_MINUTES = envint("LOGIN_FAILURE_WINDOW_MINUTES", 15)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
# Progress lookup throttling (portal/throttle.py): this many lookups that found nothing within
# the window lock the address (IPv6: its /64), or the case number, for the lockout minutes.
# The number's limit stays above the address's: one address must not lock an applicant out.
PROGRESS_LOOKUP_FAILURES_PER_IP = envint("PROGRESS_LOOKUP_FAILURES_PER_IP", 10)
PROGRESS_LOOKUP_FAILURES_PER_NUMBER = envint("PROGRESS_LOOKUP_FAILURES_PER_NUMBER", 20)
PROGRESS_LOOKUP_WINDOW_MINUTES = envint("PROGRESS_LOOKUP_WINDOW_MINUTES", 15)
PROGRESS_LOOKUP_LOCKOUT_MINUTES = envint("PROGRESS_LOOKUP_LOCKOUT_MINUTES", 15)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "False")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "False")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "lianban.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
FORMAT_MODULE_PATH = None
__all__ = ["_"]

# API tokens (accounts/tokens.py) run out: a token is made for API_TOKEN_DAYS unless its owner
# picks another term, never more than API_TOKEN_MAX_DAYS; its owner is told
# API_TOKEN_WARN_DAYS before it runs out.
API_TOKEN_DAYS = envint("API_TOKEN_DAYS", 90)
API_TOKEN_MAX_DAYS = envint("API_TOKEN_MAX_DAYS", 365)
API_TOKEN_WARN_DAYS = envint("API_TOKEN_WARN_DAYS", 14)
