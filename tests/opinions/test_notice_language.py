"""A social-conditions item's notices and generated history notes are read in the reader's
language, whoever sent them in which (C4.6): an office clerk working in English leaves a
Chinese member Chinese notices, and an English reader reads English. The text stored for
e-mail, SMS, the audit trail and the duty file stays in the site's language (Chinese)."""

import pytest
from django.utils import timezone, translation

from xieshang.core.audit import history
from xieshang.core.models import Notification
from xieshang.duty.models import DutyRecord
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.opinions import services
from xieshang.opinions.models import Adoption, AdoptionLevel, Opinion
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db

TITLE = "关于老旧小区加装电梯资金分摊的建议"


def _item(world, status):
    opinion = Opinion.objects.create(
        organisation=world["district"],
        year=timezone.localdate().year,
        title=TITLE,
        suggestions="建议出台分摊指导意见，由街道牵头协调。",
        status=status,
    )
    opinion.authors.set([world["member"]])
    return opinion


def _notice(world, key: str) -> Notification:
    return Notification.objects.get(recipient=world["member"].user, dedupe_key__contains=key)


def read(obj, lang: str, attr: str) -> str:
    with translation.override(lang):
        return getattr(obj, attr)


@pytest.mark.clause("C4.6")
def test_publishing_and_an_adoption_entered_in_english_read_chinese_to_a_chinese_member(world):
    opinion = _item(world, Opinion.Status.ACCEPTED)
    with translation.override("en"):
        issue = services.issue_publish(
            organisation=world["district"], opinions=[opinion], actor=world["office"]
        )
        services.adoption_record(
            opinion=opinion,
            actor=world["office"],
            level=AdoptionLevel.CITY,
            mode=Adoption.Mode.STANDALONE,
            adopted_on=timezone.localdate(),
            body="市委办公室",
        )
    name = f"《社情民意》{issue.year}年第{issue.number}期"
    published = _notice(world, ":published")
    assert published.title == f"社情民意信息已编发：{TITLE}"  # stored: e-mail, SMS
    assert published.body == name
    assert read(published, "zh-hans", "shown_body") == name
    assert read(published, "en", "shown_title") == f"Social-conditions item published: {TITLE}"
    assert read(published, "en", "shown_body") == (
        f"Social Conditions bulletin {issue.year} no. {issue.number}"
    )
    event = history(opinion).get(verb="opinion.publish")
    assert event.note == name and read(event, "zh-hans", "shown_note") == name
    assert read(event, "en", "shown_note").startswith("Social Conditions bulletin")

    adopted = _notice(world, ":adopted:")
    assert adopted.body == "市级单独采用"
    assert read(adopted, "zh-hans", "shown_title") == f"社情民意信息被采用：{TITLE}"
    assert read(adopted, "en", "shown_body") == "City: Adopted stand-alone"
    note = history(opinion).get(verb="opinion.adopt")
    assert note.note == "市级单独采用 · 市委办公室"
    assert read(note, "en", "shown_note") == "City: Adopted stand-alone · 市委办公室"
    # The duty file's line is stored text, Chinese whoever entered the adoption.
    duty = DutyRecord.objects.get(member=world["member"], object_id=str(opinion.adoptions.get().pk))
    assert duty.title == f"{TITLE}（市级单独采用）"


@pytest.mark.clause("C4.6")
def test_an_office_answering_an_instruction_reads_in_each_authors_language(world):
    opinion = _item(world, Opinion.Status.PUBLISHED)
    with translation.override("en"):
        instruction = services.instruction_record(
            opinion=opinion,
            actor=world["office"],
            leader="王书记",
            level=AdoptionLevel.DISTRICT,
            instructed_on=timezone.localdate(),
            text="请区委办牵头落实。",
            offices=[Role.PARTY_OFFICE],
        )
        task = Task.objects.get(kind=Task.Kind.INSTRUCTION)
        # The task's title and request are stored text, read by the office asked: Chinese.
        assert task.title == f"落实领导批示：{TITLE}"
        assert task.request == "王书记批示：请区委办牵头落实。"
        followups.feedback_submit(task=task, text="已部署落实。", actor=world["party_office"])
    instructed = Notification.objects.get(
        recipient=world["member"].user, dedupe_key__endswith=f":instr:{instruction.pk}"
    )
    assert instructed.title == f"社情民意信息获领导批示：{TITLE}"
    assert read(instructed, "en", "shown_title") == (
        f"Leader's instruction on social-conditions item: {TITLE}"
    )
    answered = _notice(world, ":answer:")
    assert answered.title == f"领导批示落实情况：党委办公室已就“{TITLE}”书面反馈"
    assert read(answered, "zh-hans", "shown_title") == answered.title
    assert read(answered, "en", "shown_title") == (
        f"Instruction follow-up: Party committee office answered in writing on “{TITLE}”"
    )
    assert answered.body == "已部署落实。"  # what the office typed, as typed


@pytest.mark.clause("C4.6")
def test_a_merge_notice_sent_in_english_reads_chinese(world):
    into = _item(world, Opinion.Status.ACCEPTED)
    opinion = _item(world, Opinion.Status.SUBMITTED)
    with translation.override("en"):
        services.opinion_merge(opinion=opinion, into=into, actor=world["office"])
    merged = _notice(world, ":merged")
    chinese = f"与《{TITLE}》反映同一事项，已合并办理，您列为该篇的反映人。"
    assert merged.body == chinese and read(merged, "zh-hans", "shown_body") == chinese
    assert read(merged, "en", "shown_body").startswith(f"It reports the same matter as “{TITLE}”")
