"""Members (委员): a person, and their membership in each term of a committee."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xieshang.core.models import ChoiceLabels
from xieshang.core.text import pinyin_sort_key, stroke_sort_key


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Category(models.TextChoices):
    """The groups the speech names for outreach (C3.5); a member may be in several."""

    NON_PARTY_INTELLECTUAL = "non_party_intellectual", _("党外知识分子")
    NON_PUBLIC_ECONOMY = "non_public_economy", _("非公有制经济人士")
    NEW_SOCIAL_STRATA = "new_social_strata", _("新的社会阶层人士")
    ETHNIC_MINORITY = "ethnic_minority", _("少数民族界")
    RELIGIOUS = "religious", _("宗教界")
    HONG_KONG_MACAO = "hong_kong_macao", _("港澳同胞")
    TAIWAN = "taiwan", _("台胞台属")
    OVERSEAS_CHINESE = "overseas_chinese", _("海外侨胞（归侨侨眷）")


class Member(ChoiceLabels):
    """A person who is or was a member. Personal data (ID number, phone, address) is masked
    for roles that do not need it; see core.pii."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所属政协"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    employer = models.CharField(_("工作单位及职务"), max_length=200, blank=True)
    education = models.CharField(_("学历"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    street = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("居住街道"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_members",
    )
    stroke_key = models.CharField(max_length=255, db_index=True, editable=False, default="")
    pinyin_key = models.CharField(max_length=255, db_index=True, editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("委员")
        verbose_name_plural = _("委员")
        ordering = ["stroke_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "id_number"],
                condition=~models.Q(id_number=""),
                name="member_unique_id_number",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def refresh_sort_keys(self) -> None:
        self.stroke_key = stroke_sort_key(self.name)
        self.pinyin_key = pinyin_sort_key(self.name)


class Membership(ChoiceLabels):
    """A member's seat in one term: sector, party, committees, group, status."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在任")
        RESIGNED = "resigned", _("辞去委员")
        REVOKED = "revoked", _("撤销委员资格")
        TERM_ENDED = "term_ended", _("届满")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    term = models.ForeignKey(
        "orgs.Term", verbose_name=_("届"), on_delete=models.PROTECT, related_name="memberships"
    )
    sector = models.ForeignKey(
        "orgs.Sector",
        verbose_name=_("界别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    party = models.ForeignKey(
        "orgs.Party",
        verbose_name=_("党派"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    committees = models.ManyToManyField(
        "orgs.Committee", verbose_name=_("所在专委会"), blank=True, related_name="memberships"
    )
    activity_group = models.ForeignKey(
        "orgs.ActivityGroup",
        verbose_name=_("活动小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    is_standing = models.BooleanField(_("常委"), default=False)
    position = models.CharField(_("政协职务"), max_length=50, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    status_reason = models.CharField(_("变更原因"), max_length=200, blank=True)
    # The day a seat added during its term (增补) began; empty for the seats the term began
    # with. A year ended before it does not evaluate the seat (`selectors.joined_after`).
    start_date = models.DateField(_("开始日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("委员任职")
        verbose_name_plural = _("委员任职")
        constraints = [
            models.UniqueConstraint(fields=["member", "term"], name="membership_unique_term")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.term}"

    @property
    def organisation(self):
        """The committee the seat belongs to: audit events on a membership are filed there."""
        return self.member.organisation

    @property
    def position_label(self) -> str:
        """政协职务 in the reader's language: the product's own words (委员, 常委, 主席…) are
        translated, anything else an office typed is shown as typed."""
        word = POSITION_WORDS.get(self.position)
        return str(word) if word is not None else self.position


# The positions the product itself writes (the seed, the import's default): shown in the
# reader's language; the stored text stays as it is.
POSITION_WORDS = {
    "委员": pgettext_lazy("one member", "委员"),
    "常委": _("常委"),
    "主席": pgettext_lazy("position", "主席"),
    "副主席": pgettext_lazy("position", "副主席"),
    "秘书长": pgettext_lazy("position", "秘书长"),
}


class MembershipCategory(models.Model):
    """One C3.5 category of a membership; a table rather than a list so that composition
    reports count them with plain SQL on every database."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(_("联系类别"), max_length=32, choices=Category.choices)

    class Meta:
        verbose_name = _("联系类别")
        verbose_name_plural = _("联系类别")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "category"], name="membership_category_unique"
            )
        ]

    def __str__(self) -> str:
        return self.get_category_display()


class HigherLevelMember(models.Model):
    """A provincial or city member who lives in this district, grouped under a convener
    (C5.5: the district chair convenes them)."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("住区"),
        on_delete=models.CASCADE,
        related_name="higher_level_members",
    )
    member = models.ForeignKey(
        Member, verbose_name=_("委员"), on_delete=models.CASCADE, related_name="residences"
    )
    convener = models.ForeignKey(
        Member,
        verbose_name=_("召集人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="convened",
    )

    class Meta:
        verbose_name = _("住区上级政协委员")
        verbose_name_plural = _("住区上级政协委员")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "member"], name="higher_level_member_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.member)


class StreetConvener(models.Model):
    """街道政协工作召集人 (C5.5): one per street, usually the deputy Party secretary."""

    street = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="convener"
    )
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("街道召集人")
        verbose_name_plural = _("街道召集人")

    def __str__(self) -> str:
        return self.name


# The two helpers below are named by migration 0003 (the member import jobs of before
# core.jobs); kept so that the migration history still loads.
def _private_storage():
    from xieshang.core.uploads import private_storage

    return private_storage()


def _import_path(instance, filename: str) -> str:
    """A random name: the clerk's file name (often a person's or a unit's) stays in the row."""
    import secrets

    from django.utils import timezone

    return f"imports/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}.xlsx"


# --- People around the members (issue 11): talks and visits, Party groups, conveners ------


class ContactKind(models.TextChoices):
    TALK = "talk", _("谈心谈话")
    VISIT = "visit", _("走访看望")
    OTHER = "other", _("其他联系")


class MemberContact(models.Model):
    """谈心谈话、走访看望委员 (C3.3): one talk with or visit to a member, recorded by the
    office or committee staff. The member sees the entries about themselves only."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="member_contacts"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("委员"), on_delete=models.PROTECT, related_name="contacts"
    )
    kind = models.CharField(_("方式"), max_length=10, choices=ContactKind.choices)
    date = models.DateField(_("日期"), db_index=True)
    by_name = models.CharField(_("谈话（走访）人"), max_length=100)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("谈话（走访）人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.CharField(_("地点"), max_length=100, blank=True)
    topic = models.CharField(_("主题"), max_length=200)
    raised = models.TextField(_("委员反映的问题和意见"), blank=True)
    follow_up = models.TextField(_("后续办理"), blank=True)
    followup_task = models.ForeignKey(
        "followups.Task",
        verbose_name=_("督办事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("谈心谈话走访记录")
        verbose_name_plural = _("谈心谈话走访记录")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["organisation", "date", "kind"])]

    def __str__(self) -> str:
        return f"{self.date} {self.member} {self.get_kind_display()}"


class PartyGroup(models.Model):
    """委员党小组 (C6.2): a group of the Party-member members of one term."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="party_groups"
    )
    term = models.ForeignKey(
        "orgs.Term", verbose_name=_("届"), on_delete=models.PROTECT, related_name="party_groups"
    )
    name = models.CharField(_("党小组名称"), max_length=50)
    leader = models.ForeignKey(
        Member,
        verbose_name=_("组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("委员党小组")
        verbose_name_plural = _("委员党小组")
        ordering = ["term", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="party_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PartyGroupMember(models.Model):
    """A Party-member member's place in a Party group. A seat (membership) belongs to one
    term, so one row per seat is "exactly one group per term"; the database holds it."""

    group = models.ForeignKey(PartyGroup, on_delete=models.CASCADE, related_name="seats")
    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="party_group_seat"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("党小组成员")
        verbose_name_plural = _("党小组成员")

    def __str__(self) -> str:
        return f"{self.group} · {self.membership.member}"


class ConvenerGroup(models.Model):
    """The convener of the provincial and city members living in a district for one term
    (C5.5: by default the district chair). `HigherLevelMember` rows of the organisation are
    the group."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="convener_groups"
    )
    term = models.ForeignKey("orgs.Term", verbose_name=_("届"), on_delete=models.PROTECT)
    convener = models.ForeignKey(
        Member, verbose_name=_("召集人"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("住区上级政协委员召集人")
        verbose_name_plural = _("住区上级政协委员召集人")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "term"], name="convener_group_unique_term"
            )
        ]

    def __str__(self) -> str:
        return str(self.convener)


class ConvenerActivity(models.Model):
    """A dated activity of a convener group: the higher-level members' group of the
    district (no street) or a street's CPPCC work (a street)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="convener_activities"
    )
    street = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField(_("日期"))
    title = models.CharField(_("活动名称"), max_length=200)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    participants = models.PositiveIntegerField(_("参加人数"), default=0)
    summary = models.TextField(_("活动情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("召集人活动")
        verbose_name_plural = _("召集人活动")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title
