"""A leader's instruction (批示, C4.7) is recorded once: the same form sent twice (a double
click, back and send again) neither asks the units twice nor credits the item's authors twice
(获领导批示 counts in their duty scores). The second is refused and says which instruction
is already there; the form keeps what was typed. Two requests at the same instant meet on
the item's locked row (PostgreSQL) or the serialised write (SQLite): one records, the other
is refused."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.concurrency import database_as_deployed
from tests.followups.test_instructions import district  # noqa: F401 - the fixture
from tests.opinions.factories import member_user
from xieshang.core.models import Notification
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.followups import services
from xieshang.followups.models import Instruction, Task
from xieshang.opinions import services as opinions
from xieshang.opinions.models import Opinion

TEXT = "阅。\n请区住建局牵头研究加装电梯资金分摊办法，月底前书面反馈。"


def _published(d):
    member = member_user(d["org"], name="张委员")
    opinion = Opinion.objects.create(
        organisation=d["org"],
        year=timezone.localdate().year,
        title="关于老旧小区加装电梯资金分摊的建议",
        suggestions="建议出台分摊指导意见，由街道牵头协调。",
        status=Opinion.Status.PUBLISHED,
    )
    opinion.authors.set([member])
    return member, opinion


def _form(d, **overrides):
    data = {
        "leader": "王书记",
        "level": "district",
        "instructed_on": timezone.localdate().isoformat(),
        "text": TEXT,
        "departments": [d["housing"].pk],
        "working_days": 10,
    }
    data.update(overrides)
    return data


def _url(opinion):
    return f"/followups/instructions/new/opinions.opinion/{opinion.pk}/"


def _instructed(member):
    return DutyRecord.objects.filter(member=member, kind=DutyKind.OPINION_INSTRUCTED)


@pytest.mark.django_db
@pytest.mark.clause("C4.7")
def test_the_same_instruction_posted_twice_is_recorded_once_and_the_form_says_so(
    client,
    district,  # noqa: F811
):
    d = district
    member, opinion = _published(d)
    client.force_login(d["office"])
    first = client.post(_url(opinion), _form(d))
    assert first.status_code == 302 and first["Location"] == opinion.get_absolute_url()
    # Sent again, with the text's line breaks and spaces shifted by the browser.
    again = client.post(_url(opinion), _form(d, text=TEXT.replace("\n", "\r\n  ")))
    assert again.status_code == 400
    html = again.content.decode()
    assert "这条批示已经记录过了：王书记" in html and "由区政协办于" in html
    assert 'value="王书记"' in html and "月底前书面反馈。" in html  # what was typed is kept
    instruction = Instruction.objects.get()
    assert instruction.item == opinion
    assert Task.objects.filter(kind=Task.Kind.INSTRUCTION).count() == 1
    assert _instructed(member).count() == 1
    assert (
        Notification.objects.filter(recipient=member.user, title__contains="获领导批示").count()
        == 1
    )


@pytest.mark.django_db
@pytest.mark.clause("C4.7")
def test_another_day_or_another_text_is_another_instruction(district):  # noqa: F811
    d = district
    member, opinion = _published(d)
    today = timezone.localdate()
    record = dict(
        item=opinion,
        actor=d["office"],
        leader="王书记",
        level="district",
        text=TEXT,
        departments=[d["housing"]],
    )
    first = services.instruction_record(instructed_on=today, **record)
    with pytest.raises(ValidationError) as refused:
        services.instruction_record(
            instructed_on=today, **{**record, "leader": " 王书记 ", "text": f" {TEXT} "}
        )
    assert "这条批示已经记录过了" in refused.value.messages[0]
    # The leader's further instruction on another day, and a second one that day in other words.
    services.instruction_record(instructed_on=today - timezone.timedelta(days=7), **record)
    services.instruction_record(instructed_on=today, **{**record, "text": "再阅。请抓紧。"})
    # Another leader's instruction in the same words.
    services.instruction_record(instructed_on=today, **{**record, "leader": "李区长"})
    assert Instruction.objects.count() == 4
    assert Instruction.objects.filter(pk=first.pk).exists()


@pytest.mark.django_db
@pytest.mark.clause("C4.7")
def test_an_instruction_credits_each_author_once_however_often_its_effects_run(
    district,  # noqa: F811
):
    d = district
    member, opinion = _published(d)
    instruction = services.instruction_record(
        item=opinion,
        actor=d["office"],
        leader="王书记",
        level="district",
        instructed_on=timezone.localdate(),
        text=TEXT,
        departments=[d["housing"]],
    )
    opinions.instruction_after(instruction, d["office"])  # the item's effects, run again
    assert _instructed(member).count() == 1
    assert (
        Notification.objects.filter(recipient=member.user, title__contains="获领导批示").count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("C4.7")
def test_two_clicks_at_the_same_instant_record_one_instruction(district, tmp_path):  # noqa: F811
    d = district
    member, opinion = _published(d)
    clients = []
    for _i in range(4):
        client = Client()
        client.force_login(d["office"])
        clients.append(client)
    barrier = threading.Barrier(len(clients), timeout=60)
    results: list = [None] * len(clients)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = clients[i].post(_url(opinion), _form(d)).status_code
        except Exception as exc:  # noqa: BLE001 - any failure is reported below
            results[i] = exc
        finally:
            connection.close()

    with database_as_deployed(tmp_path):
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        counts = (
            Instruction.objects.count(),
            Task.objects.filter(kind=Task.Kind.INSTRUCTION).count(),
            _instructed(member).count(),
        )
    assert sorted(results) == [302, 400, 400, 400]
    assert counts == (1, 1, 1)
