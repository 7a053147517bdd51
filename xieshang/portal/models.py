"""What the public side keeps: the screening lexicon the office maintains, and a short-lived
memory of screened texts for the repetition checks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScreeningTerm(models.Model):
    """One banned or suspicious term of the screening lexicon. A row without an organisation
    applies to the whole deployment; an organisation's rows apply to it and the units below
    it. Terms are never deleted, only deactivated, so the audit trail keeps its subject."""

    class Category(models.TextChoices):
        GAMBLING = "gambling", _("博彩")
        PORN = "porn", _("色情")
        INVOICE = "invoice", _("代开发票")
        FAKE_DOCS = "fake_docs", _("办证刻章")
        WEAPONS = "weapons", _("枪支爆炸物")
        DRUGS = "drugs", _("毒品")
        ADVERTISING = "advertising", _("引流广告")
        LOANS = "loans", _("贷款套现")
        FRAUD = "fraud", _("诈骗")
        OTHER = "other", _("其他")

    class Severity(models.TextChoices):
        BANNED = "banned", _("违禁")
        SUSPICIOUS = "suspicious", _("可疑")

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("适用单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="screening_terms",
    )
    term = models.CharField(_("词语"), max_length=50)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    severity = models.CharField(_("程度"), max_length=16, choices=Severity.choices)
    is_active = models.BooleanField(_("在用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("筛查词")
        verbose_name_plural = _("筛查词库")
        ordering = ["category", "term", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "term"], name="screening_term_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.term


class ScreenedText(models.Model):
    """A text seen by the screening step, normalised, kept for the repetition window only
    (rows older than the window are deleted on the next screening). The client is a keyed
    hash, never the address itself."""

    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    client_hash = models.CharField(max_length=64, blank=True, db_index=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:30]


class RateHit(models.Model):
    """One counted request of a rate-limited public action (`ratelimit.allow`). In the
    database, not a per-process cache, so several app servers share the count. The key holds
    a keyed hash of the client, never the address."""

    key = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["key", "created_at"])]

    def __str__(self) -> str:
        return self.key[:12]
