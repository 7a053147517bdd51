"""Community consultation platforms (协商议事平台 / 议事室, C2.10) and their sessions (议事会).

A platform sits at a street or community node of the organisation tree; the committee that
oversees it is the nearest CPPCC ancestor. Members are assigned to it (委员下沉/进社区) over a
period. Each session on residents' issues records who took part, minutes and agreed outcomes;
the outcomes reach the portal only once the platform's convener (or the office) approves them.

There is no abstract base in the project for created_by/created_at/version, so the fields
are declared on each model, as in the other apps.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core.models import Tracked
from xieshang.orgs.models import Level


class PlatformLevel(models.TextChoices):
    STREET = Level.STREET.value, _("街道")
    COMMUNITY = Level.COMMUNITY.value, _("社区（村）")


class Platform(Tracked):
    class Status(models.TextChoices):
        PLANNED = "planned", _("筹建中")
        BUILT = "built", _("已建成")
        RUNNING = "running", _("运行中")
        SUSPENDED = "suspended", _("暂停运行")

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在街道/社区"),
        on_delete=models.PROTECT,
        related_name="platforms",
    )
    # Mirrors organisation.level (street or community), kept on the row so the register
    # filters and counts by level without a join.
    level = models.CharField(_("层级"), max_length=16, choices=PlatformLevel.choices)
    name = models.CharField(_("平台名称"), max_length=100)
    place = models.CharField(_("议事场所"), max_length=200, blank=True)
    convener = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("召集人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="convened_platforms",
    )
    # Shown when the convener has no account (a community secretary, say).
    convener_name = models.CharField(_("召集人"), max_length=50, blank=True)
    liaison_room = models.ForeignKey(
        "orgs.LiaisonRoom",
        verbose_name=_("所属委员联络室"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="platforms",
    )
    members = models.ManyToManyField(
        "members.Member",
        verbose_name=_("下沉委员"),
        through="PlatformMember",
        related_name="platforms",
        blank=True,
    )
    description = models.TextField(_("简介"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    # The date of each change of status; the latest one the platform went through is kept.
    planned_on = models.DateField(_("筹建日期"), null=True, blank=True)
    built_on = models.DateField(_("建成日期"), null=True, blank=True)
    running_since = models.DateField(_("运行日期"), null=True, blank=True)
    suspended_on = models.DateField(_("暂停日期"), null=True, blank=True)
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("协商议事平台")
        verbose_name_plural = _("协商议事平台")
        ordering = ["organisation__path", "id"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/platforms/{self.pk}/"

    @property
    def convener_display(self) -> str:
        if self.convener_name:
            return self.convener_name
        return self.convener.display_name if self.convener_id else ""


class PlatformMember(models.Model):
    """A member assigned to a platform (委员下沉/进社区) from `since` until `until`."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="platform_assignments"
    )
    since = models.DateField(_("下沉日期"), default=timezone.localdate)
    until = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("下沉委员")
        verbose_name_plural = _("下沉委员")
        ordering = ["platform", "since", "id"]
        constraints = [
            # One open assignment per member and platform; ended ones stay as history.
            models.UniqueConstraint(
                fields=["platform", "member"],
                condition=models.Q(until__isnull=True),
                name="platform_member_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} · {self.member}"

    @property
    def is_current(self) -> bool:
        return self.until is None or self.until >= timezone.localdate()


class PlatformSession(Tracked):
    """议事会: one sitting of a platform on residents' issues."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        HELD = "held", _("已召开待审定")
        PUBLISHED = "published", _("成果已公开")
        CANCELLED = "cancelled", _("已取消")

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("议题"), max_length=120)
    starts_at = models.DateTimeField(_("召开时间"), db_index=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    description = models.TextField(_("议事内容"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    # Other participants: counts for the public, names for the staff record only.
    resident_count = models.PositiveIntegerField(_("居民代表人数"), default=0)
    resident_names = models.TextField(_("居民代表"), blank=True)
    department_count = models.PositiveIntegerField(_("部门人员人数"), default=0)
    department_names = models.TextField(_("部门人员"), blank=True)
    cadre_count = models.PositiveIntegerField(_("街道社区干部人数"), default=0)
    cadre_names = models.TextField(_("街道社区干部"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    held_at = models.DateTimeField(_("登记召开时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    is_published = models.BooleanField(_("已公开"), default=False, db_index=True)
    published_on = models.DateField(_("公开日期"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("议事会")
        verbose_name_plural = _("议事会")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["platform", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/platforms/sessions/{self.pk}/"

    @property
    def organisation(self):
        """The street or community of the platform, so audit events land in its scope."""
        return self.platform.organisation


class SessionAttendance(models.Model):
    """A member's attendance at a session; "present" writes one duty record."""

    class State(models.TextChoices):
        PRESENT = "present", _("出席")
        EXCUSED = "excused", _("请假")
        ABSENT = "absent", _("缺席")

    session = models.ForeignKey(
        PlatformSession, on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="platform_attendance"
    )
    state = models.CharField(_("出勤"), max_length=10, choices=State.choices)

    class Meta:
        verbose_name = _("议事会出勤")
        verbose_name_plural = _("议事会出勤")
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="platform_attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.member}"


class SessionOutcome(models.Model):
    """One agreed outcome (议定事项) of a session, in the order agreed."""

    session = models.ForeignKey(PlatformSession, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    text = models.TextField(_("议定事项"))
    responsible = models.CharField(_("责任单位"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ["session", "position", "id"]

    def __str__(self) -> str:
        return self.text[:40]
