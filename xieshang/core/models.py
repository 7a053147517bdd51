"""Shared mechanisms' tables: users, the audit trail, the working-day calendar, notifications.

No domain rules live here; the domain apps call the functions in this package.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .files import file_url
from .uploads import RandomName, private_storage


class User(AbstractUser):
    """A login. What it may do comes from its `orgs.RoleAssignment` rows, not from flags here."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class PasswordHistory(models.Model):
    """A password the user chose, as its hash (never the password): a new one may not repeat
    any of the last PASSWORD_HISTORY_COUNT (core.validators.PasswordHistoryValidator, which
    also writes these rows)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("密码哈希"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="password_history_user")]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


# (field, language) -> {value: label}; see `ChoiceLabels`.
_choice_labels: dict = {}


class ChoiceLabels(models.Model):
    """`get_FOO_display()` from a table built once per field and language.

    Django's own rebuilds a dict of every choice on each call and hashes each lazy label
    on the way, which translates it: a list of 50 proposals spent ~16 ms of its ~40 ms in
    700 gettext calls for its status and kind columns."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        key = (field, get_language())
        labels = _choice_labels.get(key)
        if labels is None:
            labels = {make_hashable(k): str(v) for k, v in field.flatchoices}
            _choice_labels[key] = labels
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class Tracked(ChoiceLabels):
    """Who created a domain record, when, and its edit counter: one definition for all.

    `version` is the optimistic lock: `core.audit.save_versioned` saves only if it still
    holds the value the form was read with (else `StaleEdit`), and `core.audit.transition`
    bumps it. It starts at 1; forms send it back as a hidden field, never edit it.
    `created_by`/`created_at` are what lists and the audit trail show as who and when;
    the creator stays optional so deleting a user keeps the record.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class StoredFile(models.Model):
    """An uploaded file kept in private storage and served through `core.files` after the
    owner's check: one definition for a proposal's 附件, an activity's attachments and a duty
    record's 佐证材料. A subclass adds its owner's foreign key and declares `file` again
    with its own folder (`RandomName("proposals")`)."""

    file = models.FileField(_("文件"), upload_to=RandomName("files"), storage=private_storage)
    # The uploader's file name, for the download; the stored name is random (core.uploads).
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name.rsplit("/", 1)[-1]

    @property
    def download_url(self) -> str:
        return file_url(self, "file")


class AppendOnlyError(Exception):
    pass


class Event(models.Model):
    """One row of the audit trail: who did what to which object, from which state to which.

    Written only through `core.audit.record_event` (or a transition that calls it), in the
    same transaction as the change it describes. Rows are never updated or deleted except by
    the retention purge, which only removes rows older than AUDIT_RETENTION_DAYS.
    """

    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too, so the trail still reads correctly if the user is renamed or removed.
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verb = models.CharField(_("动作"), max_length=64, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    from_state = models.CharField(_("原状态"), max_length=64, blank=True)
    to_state = models.CharField(_("新状态"), max_length=64, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    # The seal chain (core.audit_seal): the row's place in it and HMAC(previous seal, row).
    # Filled by the sealing job shortly after the row is written; never by the writer.
    seal_seq = models.BigIntegerField(null=True, blank=True, editable=False)
    seal = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"]),
            # The sealing job's queue: a province's millions of sealed rows are never read.
            models.Index(
                fields=["id"], condition=models.Q(seal_seq__isnull=True), name="event_unsealed"
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["seal_seq"], name="event_unique_seal_seq")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.verb} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_purge", False):
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    @property
    def shown_note(self) -> str:
        """The note in the reader's language when it was written as a phrase (a generated
        note such as 改交：A → B); a note a user typed is shown as typed."""
        from .phrases import shown

        return shown((self.data or {}).get("note_phrase"), self.note)

    @property
    def shown_actor(self) -> str:
        """Who acted, in the reader's language when named by a phrase (a resident, 群众:
        `audit._actor_phrase`); an account's name as stored."""
        from .phrases import shown

        return shown((self.data or {}).get("actor_phrase"), self.actor_name)


class HolidayNotice(models.Model):
    """The State Council's notice of one year's public holidays and make-up working days
    (国务院办公厅关于某年部分节假日安排的通知), as entered by the system administrator.
    Its days are `CalendarDay` rows pointing here; its existence marks the year's schedule
    as confirmed (no "明年调休安排尚未录入" warning next to deadlines in that year)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("通知标题"), max_length=200)
    number = models.CharField(_("文号"), max_length=50, blank=True)
    published_on = models.DateField(_("发布日期"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("录入人"),
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("节假日安排通知")
        verbose_name_plural = _("节假日安排通知")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.number or self.title}"


class CalendarDay(models.Model):
    """An administrator's override of one day: the State Council's next-year schedule, say,
    before the holidays library knows it. Overrides win over the library.

    A row with a `notice` was written from that year's `HolidayNotice` and is replaced when
    the notice is entered again; a row without one is a local exception entered on its own."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    notice = models.ForeignKey(
        HolidayNotice,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="days",
        verbose_name=_("节假日安排通知"),
    )

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_working_day else '休'}"


class Notification(models.Model):
    """An in-app inbox item. `dedupe_key` makes sending idempotent: a scan that runs twice
    creates the row once (unique per recipient)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    channels = models.JSONField(default=list, blank=True)
    delivered = models.JSONField(default=dict, blank=True)
    # The title and body as phrases (`core.phrases`), shown in the reader's language; empty
    # for a notice written as plain text, which is shown as stored.
    title_phrase = models.JSONField(null=True, blank=True, editable=False)
    body_phrase = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_unique_dedupe_key",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # `notifications.settle` finds the unread notices of a matter by key prefix
            # across recipients (LIKE 'prefix%': a pattern operator class on PostgreSQL).
            models.Index(
                fields=["dedupe_key"],
                name="notification_unread_key",
                condition=models.Q(read_at__isnull=True) & ~models.Q(dedupe_key=""),
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        from .phrases import shown

        return shown(self.title_phrase, self.title)

    @property
    def shown_body(self) -> str:
        from .phrases import shown

        return shown(self.body_phrase, self.body)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash is stored; the clear token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The request budget: a fixed one-minute window counted on the row itself, so every
    # worker and app server shares one count and the count costs no write of its own
    # (the same UPDATE stamps last_used_at).
    window_started_at = models.DateTimeField(null=True, blank=True)
    window_hits = models.PositiveIntegerField(default=0)
    expiry_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name: str, days: int | None = None) -> tuple["ApiToken", str]:
        """A new token and its clear text (shown once). Use `core.api_tokens.issue` from a
        page or command: it checks the request and audits it."""
        raw = "xs_" + secrets.token_urlsafe(32)
        now = timezone.now()
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=raw[:8],
            token_hash=cls.hash(raw),
            created_at=now,
            expires_at=now + dt.timedelta(days=days or settings.API_TOKEN_DAYS),
        )
        return token, raw

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "active"


class TotpDevice(models.Model):
    """A staff user's authenticator app (RFC 6238 TOTP, 30-second steps, six digits).

    `confirmed_at` is set once the user has typed a valid code during setup; until then the
    device does not count. `last_step` stops the same code from being used twice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    # Wrong codes since the last right one, per account (not per session: a new password
    # login must not buy new guesses). At the login failure limit the account is locked.
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("动态口令设备")
        verbose_name_plural = _("动态口令设备")

    def __str__(self) -> str:
        return f"TOTP · {self.user}"


class Counter(models.Model):
    """The last number given in one numbering series (proposal serials of a session, bulletin
    issues of a year…). Taken through `core.counters.next_value` only: the row is locked while
    the next value is taken, so two users in different transactions never get the same one."""

    key = models.CharField(max_length=200, unique=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("编号计数器")
        verbose_name_plural = _("编号计数器")

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class AccountSession(AbstractBaseSession):
    """A login (browser session), Django's database session with the account's id in an
    indexed column of its own (`core.sessions.SessionStore` fills it on every save). So an
    account's open sessions are one indexed query (the security administrator's account page,
    强制下线, deactivation, password reset) instead of decoding every session row. A plain
    integer, not a foreign key: the bench keeps its sessions in a database of their own
    (bench/settings_bench.py)."""

    user_id = models.IntegerField(null=True, db_index=True, editable=False)

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore


# Background jobs with progress (imports, big exports) live with their mechanism.
from .jobs import Job  # noqa: E402, F401


class ChangeGeneration(models.Model):
    """How many committed writes the database has seen, as far as the product can tell: one
    row (id 1, made by the migration), bumped by `core.changes` after every transaction that
    wrote to a table that can change a home card. Whatever was computed at generation n is
    current while the row still reads n."""

    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("数据变更代数")
        verbose_name_plural = _("数据变更代数")

    def __str__(self) -> str:
        return str(self.n)


class RenderedRegion(models.Model):
    """What `core.regions.kept` keeps for one user: a region of a page as rendered for them
    (`core.regions.cached`) or their home cards (`core.dashboard.cached_cards`). Served only
    while the change generation is still the one read before it was built and the row is
    younger than the caller's bound (REGION_CACHE_SECONDS, HOME_CARDS_CACHE_SECONDS). `key`
    digests everything else it was built under: for a region its name, the path and the whole
    query string, the language, the day, the code and the URL prefix; for the cards the same
    but the path. `body` is JSON: a region's HTML and what the view needs of it on every
    request (the personal data it shows, for the audit; the status), or the cards."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    generation = models.BigIntegerField()
    built_at = models.DateTimeField()
    body = models.TextField()

    class Meta:
        verbose_name = _("页面区域缓存")
        verbose_name_plural = _("页面区域缓存")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="renderedregion_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key[:8]} @{self.generation}"
