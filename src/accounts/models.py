import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.masking import mask_phone
from directory.validators import validate_phone
from lianban import clock
from lianban.choices import ChoiceLabels


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    AGENT = "agent", _("代办员")
    CLERK = "clerk", _("综合窗口")
    REVIEWER = "reviewer", _("审批人员")
    LEAD = "lead", _("牵头部门协调人")
    SUPERVISOR = "supervisor", _("效能监察")
    LEADER = "leader", _("县领导")
    ADMIN = "admin", _("系统管理员")


STAFF_ROLES = {Role.CLERK, Role.REVIEWER, Role.LEAD, Role.SUPERVISOR, Role.LEADER, Role.ADMIN}
DEPARTMENT_ROLES = {Role.CLERK, Role.REVIEWER, Role.LEAD}


class User(ChoiceLabels, AbstractUser):
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.APPLICANT)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    is_department_head = models.BooleanField(_("部门负责人"), default=False)
    enterprise = models.ForeignKey(
        "directory.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("自然人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    phone = models.CharField(_("手机号码"), max_length=20, blank=True, validators=[validate_phone])
    language = models.CharField(_("语言"), max_length=10, default="zh-hans")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="staff_in_department_roles_have_department",
                condition=~models.Q(role__in=["clerk", "reviewer", "lead"])
                | models.Q(department__isnull=False),
            ),
        ]

    def remember_language(self, language: str) -> None:
        """The language this user reads the site in, for what reaches them later
        (notifications and their mail): set when they switch language or log in."""
        if language in dict(settings.LANGUAGES) and language != self.language:
            self.language = language
            User.objects.filter(pk=self.pk).update(language=language)

    def __str__(self):
        return self.display_name or self.username

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class ApiToken(models.Model):
    """A per-user API token. Only its SHA-256 is stored; the key is shown once at creation.
    It works until it is revoked or runs out (expires_at), whichever comes first."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("开头"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str, *, days: int | None = None) -> tuple["ApiToken", str]:
        """A token good for `days` (API_TOKEN_DAYS by default); accounts.tokens.issue checks
        the name and the term a person chose."""
        key = "lb_" + secrets.token_urlsafe(32)
        now = clock.now()
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[:8],
            key_hash=cls.hash(key),
            created_at=now,
            expires_at=now + dt.timedelta(days=days or settings.API_TOKEN_DAYS),
        )
        return token, key

    @property
    def expired(self) -> bool:
        return self.expires_at <= clock.now()

    @property
    def expires_soon(self) -> bool:
        """Within API_TOKEN_WARN_DAYS of running out, when its owner is told
        (accounts.tokens.warn_expiring)."""
        left = self.expires_at - clock.now()
        return dt.timedelta(0) < left <= dt.timedelta(days=settings.API_TOKEN_WARN_DAYS)


class LoginAttempt(ChoiceLabels, models.Model):
    """One try at a login form, kept for throttling (accounts/security.py) and for the record.
    The username is the one typed, normalised; it need not name an account."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")
        LOCKED = "locked", _("锁定期内，未校验密码")

    username = models.CharField(_("用户名"), max_length=150)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    at = models.DateTimeField(_("时间"))
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)

    class Meta:
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")
        indexes = [
            models.Index(fields=["username", "at"], name="login_attempt_username_at"),
            models.Index(fields=["ip", "at"], name="login_attempt_ip_at"),
        ]

    def __str__(self):
        return f"{self.username} {self.ip or '-'} {self.outcome}"


class SessionGeneration(models.Model):
    """Raised by "log out everywhere". A session remembers the number current when it logged
    in; accounts.middleware ends every session that remembers an older one."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="session_generation"
    )
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("会话代次")
        verbose_name_plural = _("会话代次")

    def __str__(self):
        return f"{self.user_id}: {self.value}"
