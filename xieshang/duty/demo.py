"""Demo duty file data: this year's score table, pending manual entries (one of them by
the demo member account) and a few discipline cases raised by the scan."""

import datetime as dt
import random

from django.utils import timezone

from xieshang.members.models import Member

from . import selectors, services
from .models import DisciplineCase, DutyKind

ENTRIES = [
    (DutyKind.SECTOR_CONTACT, "走访界别群众，听取小微企业融资意见", "走访记录及照片3张"),
    (DutyKind.INSPECTION, "参加社区养老服务中心调研", "调研通知及签到表"),
    (DutyKind.STUDIO, "委员工作室接待群众", "接待登记表"),
    (DutyKind.TRAINING, "参加市政协委员履职培训班", "培训结业证书"),
]


def build(*, organisation, rng: random.Random) -> None:
    today = timezone.localdate()
    selectors.ensure_rules(organisation, today.year)
    selectors.ensure_rules(organisation, today.year - 1)
    members = list(Member.objects.filter(organisation=organisation).order_by("pk")[:200])
    if not members:
        return
    demo_member = Member.objects.filter(organisation=organisation, user__username="member").first()
    authors = ([demo_member] if demo_member else []) + rng.sample(members, min(3, len(members)))
    for member, (kind, title, evidence) in zip(authors, ENTRIES, strict=False):
        services.manual_entry_submit(
            member=member,
            actor=member.user,
            kind=kind,
            date=today - dt.timedelta(days=rng.randint(3, 40)),
            title=title,
            evidence=evidence,
        )
    services.scan_discipline(organisation, today.year, yearly=False)
    if DisciplineCase.objects.filter(organisation=organisation).count() < 2:
        for member in rng.sample(members, min(2, len(members))):
            DisciplineCase.objects.get_or_create(
                member=member,
                rule=DisciplineCase.Rule.NO_CONTRIBUTION,
                year=today.year - 1,
                defaults={
                    "organisation": organisation,
                    "facts": f"{today.year - 2}—{today.year - 1}年",
                },
            )
