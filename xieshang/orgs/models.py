"""The organisation tree and everything a CPPCC committee is organised into.

Every domain row in the product belongs to an `Organisation`. The tree is stored with a
materialised path (`path`), so "this node and everything below it" is one indexed
`path__startswith` query on SQLite and PostgreSQL alike.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xieshang.core.models import ChoiceLabels
from xieshang.core.text import chinese_number


def ordinal(n: int) -> str:
    """十五 in Chinese (第十五届), 15 in other languages (the translation adds "th")."""
    return chinese_number(n) if (get_language() or "zh").startswith("zh") else str(n)


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("县区级")
    STREET = "street", _("街道（乡镇）")
    COMMUNITY = "community", _("社区（村）")


class Organisation(ChoiceLabels):
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "0001.0004.0012." — the ids of the ancestors and self; set by orgs.services.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # Unique among siblings; given on creation or numbered after the parent's
    # (orgs.services.next_code: 990102 → 990102001).
    code = models.CharField(_("代码"), max_length=20, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    # 撤销 (closed) by the system administrator once it has no open organisation and no
    # active account below it: kept with its records (history stays readable above), no
    # longer offered for new organisations or accounts. Reopened the same way.
    is_active = models.BooleanField(_("在用"), default=True)
    # The optimistic lock of the 修改 form (name and code), as `core.models.Tracked` has it
    # (`core.audit.save_versioned`): two administrators saving the same organisation, the
    # second is refused and keeps what they typed. Tracked itself is not used: its creator
    # and creation time would be made up for the organisations that exist already.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cppcc(self) -> bool:
        """Province, city and district nodes are CPPCC committees; streets and communities
        are where liaison rooms and consultation platforms are."""
        return self.level in {Level.PROVINCE, Level.CITY, Level.DISTRICT}

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.split(".") if part]


class Term(models.Model):
    """届: a committee's five-year term."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("届次"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("届")
        verbose_name_plural = _("届")
        ordering = ["organisation", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="term_unique_number")
        ]

    def __str__(self) -> str:
        return _("第%(n)s届") % {"n": ordinal(self.number)}


class Session(models.Model):
    """第N次会议: one plenary session (annual) within a term."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("会次"))
    start_date = models.DateField(_("开幕日期"))
    end_date = models.DateField(_("闭幕日期"))
    proposal_deadline = models.DateField(_("大会提案截止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("全体会议")
        verbose_name_plural = _("全体会议")
        ordering = ["term", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_unique_number")
        ]

    def __str__(self) -> str:
        return _("第%(t)s届第%(n)s次会议") % {
            "t": ordinal(self.term.number),
            "n": ordinal(self.number),
        }


class Sector(models.Model):
    """界别."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sectors")
    name = models.CharField(_("界别名称"), max_length=50)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("界别")
        verbose_name_plural = _("界别")
        ordering = ["organisation", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="sector_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Committee(models.Model):
    """专门委员会 (and the proposal committee, which is one of them)."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("提案委员会")
        SPECIAL = "special", _("专门委员会")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="committees"
    )
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.SPECIAL)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("专门委员会")
        verbose_name_plural = _("专门委员会")
        ordering = ["organisation", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="committee_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ActivityGroup(models.Model):
    """委员活动小组 (C4.13)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="activity_groups"
    )
    name = models.CharField(_("名称"), max_length=50)
    leader = models.ForeignKey(
        "members.Member",
        verbose_name=_("组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("委员活动小组")
        verbose_name_plural = _("委员活动小组")
        ordering = ["organisation", "id"]

    def __str__(self) -> str:
        return self.name


class Party(models.Model):
    """Parties and affiliations: national reference data shared by every organisation."""

    class Kind(models.TextChoices):
        CPC = "cpc", _("中国共产党")
        DEMOCRATIC = "democratic", _("民主党派")
        NON_PARTY = "non_party", _("无党派人士")
        FEDERATION = "federation", _("工商联")
        PEOPLES_ORG = "peoples_org", _("人民团体")
        NONE = "none", _("群众")

    name = models.CharField(_("名称"), max_length=50, unique=True)
    short_name = models.CharField(_("简称"), max_length=20, blank=True)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("党派团体")
        verbose_name_plural = _("党派团体")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """承办单位: a government body that handles proposals and gives written feedback."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("单位名称"), max_length=100)
    leader_name = models.CharField(_("分管负责人"), max_length=50, blank=True)
    leader_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    # 职责: what the unit is responsible for, in the words of its official duty list; the
    # department suggestion (智能分办) reads it alongside the unit's past assignments.
    remit = models.TextField(_("主要职责"), blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    # The office's official order (lists, pickers, reports); ties go by name.
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["organisation", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def leaders_q(self, *, named: bool = True) -> models.Q:
        """The department's responsible leaders, as a filter on users: the accounts holding
        the 承办单位负责人 role for it, and (`named`) the one account named as its leader
        (`leader_user`, whom meeting invitations and overdue warnings address even when the
        office gave that account no role). Acting as the leader (签发) takes the role, so
        whoever may sign off is `named=False`."""
        q = models.Q(
            role_assignments__role=Role.DEPARTMENT_LEADER, role_assignments__department_id=self.pk
        )
        if named and self.leader_user_id:
            q |= models.Q(pk=self.leader_user_id)
        return q


class LiaisonRoom(models.Model):
    """街道政协委员联络室 (C5.6): one per street."""

    street = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="liaison_room"
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opened_on = models.DateField(_("设立日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("委员联络室")
        verbose_name_plural = _("委员联络室")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OFFICE = "office", _("政协办公室")
    PROPOSAL_COMMITTEE = "proposal_committee", _("提案委员会")
    COMMITTEE_STAFF = "committee_staff", _("专委会工作人员")
    CHAIR = "chair", _("主席会议成员")
    MEMBER = "member", _("政协委员")
    GROUP_LEADER = "group_leader", _("活动小组组长")
    DEPARTMENT = "department", _("承办单位经办人")
    DEPARTMENT_LEADER = "department_leader", _("承办单位负责人")
    SUPERVISOR = "supervisor", _("督查考核办")
    PARTY_OFFICE = "party_office", _("党委办公室")
    GOVERNMENT_OFFICE = "government_office", _("政府办公室")
    STANDING_SECRETARY = "standing_secretary", _("党委常委会秘书")
    ORGANISATION_DEPT = "organisation_dept", _("组织部")
    UNITED_FRONT = "united_front", _("统战部")
    LIAISON = "liaison", _("街道联络员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# 三员分立: one person never holds two of these.
ADMIN_DUTIES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class RoleAssignment(ChoiceLabels):
    """A user acting in a role in one organisation (and for department and committee roles,
    for one department or committee)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="staff"
    )
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.CASCADE, related_name="staff"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        # One row per grant. SQL (SQLite and PostgreSQL alike) counts NULLs as distinct, so
        # the first constraint alone would let a role without a department or committee be
        # granted twice: the conditional ones cover the NULL cases.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "department", "committee"],
                name="role_assignment_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(department__isnull=True, committee__isnull=True),
                name="role_assignment_unique_plain",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "department"],
                condition=models.Q(department__isnull=False, committee__isnull=True),
                name="role_assignment_unique_department",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "committee"],
                condition=models.Q(department__isnull=True, committee__isnull=False),
                name="role_assignment_unique_committee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class OrgSetting(models.Model):
    """An administrator's value for one configurable rule in one organisation.

    The defaults live in code (`orgs.config.define`); an organisation without its own value
    inherits the nearest ancestor's, so a province can set a rule for every level below it.

    A rule keeps one row per change date: the row with the latest `effective_from` on or
    before a day is the value in force that day, so a change never rewrites the past and a
    change can be scheduled. An `inherit` row ends the organisation's own value from its
    date on ("restore inherited") while the older rows stay for the days they covered.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="settings"
    )
    key = models.CharField(_("配置项"), max_length=100)
    value = models.JSONField(_("值"), null=True, blank=True)
    effective_from = models.DateField(_("施行日期"), default=timezone.localdate)
    inherit = models.BooleanField(_("恢复继承"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("组织配置")
        verbose_name_plural = _("组织配置")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key", "effective_from"],
                name="org_setting_unique_key_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.key}"
