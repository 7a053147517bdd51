"""What happens to a social-conditions item after the office sends it on (C3.2, C4.7):
the Party committee's and the government's offices read what was reported to them; a unit's
written answer to a leader's instruction reaches the item's authors; and an instruction is
carried out by the units of the level whose leader gave it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import DepartmentFactory, user_with_role
from tests.opinions.factories import make_opinion
from xieshang.core.models import Notification
from xieshang.followups import services as followups
from xieshang.followups.forms import InstructionForm
from xieshang.followups.instructions import target_for
from xieshang.opinions import services
from xieshang.opinions.models import AdoptionLevel, Opinion
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db
S = Opinion.Status


@pytest.mark.clause("C3.2")
def test_the_party_and_government_offices_read_what_was_reported_to_each(world, client):
    office = world["office"]
    to_party = make_opinion(world["member"], office=office, state=S.PUBLISHED, title="关于甲的建议")
    services.opinion_report(opinion=to_party, actor=office, upward=True, party=True)
    followups.referral_return(
        referral=followups.open_referral(to_party), actor=world["city_office"], reason="请补充数据"
    )
    to_government = make_opinion(
        world["member"], office=office, state=S.PUBLISHED, title="关于乙的建议"
    )
    services.opinion_report(opinion=to_government, actor=office, upward=False, government=True)
    unreported = make_opinion(
        world["member"], office=office, state=S.PUBLISHED, title="关于丙的建议"
    )
    waiting = make_opinion(world["member"], office=office, state=S.SUBMITTED, title="关于丁的建议")
    gov_office = user_with_role(Role.GOVERNMENT_OFFICE, world["district"], full_name="区府办")

    for user, mine, theirs in (
        (world["party_office"], to_party, to_government),
        (gov_office, to_government, to_party),
    ):
        client.force_login(user)
        home = client.get(reverse("home")).content.decode()
        assert reverse("opinions:received") in home  # the menu leads there
        assert "报送本机关的社情民意" in home  # and a card on the home page
        listing = client.get(reverse("opinions:received")).content.decode()
        assert mine.title in listing
        for other in (theirs, unreported, waiting):
            assert other.title not in listing
        page = client.get(reverse("opinions:detail", args=[mine.pk])).content.decode()
        assert mine.title in page
        # The item, not the CPPCC's own record of it: no history, no path up the tree.
        assert 'id="history"' not in page and "请补充数据" not in page and "上报" not in page
        # The bulletin it appeared in is named, not linked: its page is the office's.
        assert "/opinions/issues/" not in page
        for other in (theirs, unreported, waiting):
            assert client.get(reverse("opinions:detail", args=[other.pk])).status_code == 404
        assert client.get(reverse("opinions:queue")).status_code == 403

    # The authors and the office read the record, with the city's note.
    for user in (world["member"].user, office):
        client.force_login(user)
        page = client.get(reverse("opinions:detail", args=[to_party.pk])).content.decode()
        assert 'id="history"' in page and "请补充数据" in page

    # The neighbouring district's Party office reads nothing of this district's.
    neighbour = user_with_role(Role.PARTY_OFFICE, world["other_district"])
    client.force_login(neighbour)
    assert to_party.title not in client.get(reverse("opinions:received")).content.decode()
    assert client.get(reverse("opinions:detail", args=[to_party.pk])).status_code == 404


@pytest.mark.clause("C4.7")
def test_a_units_answer_to_an_instruction_reaches_the_items_authors(world, client):
    office, member = world["office"], world["member"]
    opinion = make_opinion(member, office=office, state=S.PUBLISHED)
    services.instruction_record(
        opinion=opinion,
        actor=office,
        leader="王书记",
        level=AdoptionLevel.DISTRICT,
        instructed_on=timezone.localdate(opinion.created_at),
        text="请区住建局研究落实。",
        departments=[world["dept"]],
        working_days=10,
    )
    [task] = services.instruction_tasks(opinion)
    client.force_login(member.user)
    before = client.get(reverse("opinions:detail", args=[opinion.pk])).content.decode()
    assert "今年内完成分摊办法" not in before

    followups.feedback_submit(task=task, text="今年内完成分摊办法起草。", actor=world["clerk"])

    note = Notification.objects.filter(recipient=member.user, title__contains="书面反馈").get()
    assert world["dept"].name in note.title and note.body == "今年内完成分摊办法起草。"
    page = client.get(reverse("opinions:detail", args=[opinion.pk])).content.decode()
    assert "今年内完成分摊办法起草。" in page
    # The author reads the answer on the item's page; the task itself stays the unit's.
    assert reverse("followups:detail", args=[task.pk]) not in page
    # A member who is not an author reads the item's instructions but not the answers.
    other = world["other_member"]
    assert not Notification.objects.filter(recipient=other.user, title__contains="书面反馈")


def test_an_instruction_goes_to_the_units_of_the_level_that_records_it(world):
    office, city_office = world["office"], world["city_office"]
    city_unit = DepartmentFactory(organisation=world["city"], name="市住房和城乡建设局")
    opinion = make_opinion(world["member"], office=office, state=S.REPORTED)
    assert opinion.reported_to == world["city"]
    target = target_for(opinion)

    def units(user):
        form = InstructionForm(target=target, item=opinion, user=user)
        return set(form.fields["departments"].queryset)

    assert world["dept"] in units(office) and city_unit not in units(office)
    assert city_unit in units(city_office) and world["dept"] not in units(city_office)


@pytest.mark.clause("C4.7")
def test_an_office_asked_to_act_on_an_instruction_reads_the_item_from_its_task(world, client):
    office = world["office"]
    opinion = make_opinion(world["member"], office=office, state=S.PUBLISHED)
    gov_office = user_with_role(Role.GOVERNMENT_OFFICE, world["district"], full_name="区府办")
    detail = reverse("opinions:detail", args=[opinion.pk])
    client.force_login(gov_office)
    assert client.get(detail).status_code == 404  # not reported to the government
    services.instruction_record(
        opinion=opinion,
        actor=office,
        leader="王区长",
        level=AdoptionLevel.DISTRICT,
        instructed_on=timezone.localdate(opinion.created_at),
        text="请区政府办牵头研究。",
        offices=[Role.GOVERNMENT_OFFICE],
    )
    [task] = services.instruction_tasks(opinion)
    task_page = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert f'href="{detail}"' in task_page  # the task leads to what it is about
    assert client.get(detail).status_code == 200
    # The Party office oversees the task but was not asked: no link that would 404.
    client.force_login(world["party_office"])
    task_page = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert f'href="{detail}"' not in task_page
    assert client.get(detail).status_code == 404


@pytest.mark.clause("C3.2")
def test_the_offices_and_units_it_was_sent_to_do_not_read_the_review_note(world, client):
    office = world["office"]
    opinion = make_opinion(world["member"], office=office, state=S.SUBMITTED)
    services.opinion_accept(opinion=opinion, actor=office, note="文字较粗糙，已由办公室改写")
    services.issue_publish(organisation=opinion.organisation, opinions=[opinion], actor=office)
    services.opinion_report(opinion=opinion, actor=office, upward=False, party=True)
    followups.instruction_record(
        item=opinion,
        actor=office,
        leader="王书记",
        level=AdoptionLevel.DISTRICT,
        instructed_on=timezone.localdate(),
        text="请住建局研究落实。",
        departments=[world["dept"]],
        working_days=10,
    )
    url = reverse("opinions:detail", args=[opinion.pk])
    for reader in (world["party_office"], world["clerk"], world["supervisor"]):
        client.force_login(reader)
        page = client.get(url).content.decode()
        assert opinion.title in page
        assert "文字较粗糙" not in page and "审核意见" not in page
    # The author and the office still read it.
    for reader in (world["member"].user, office):
        client.force_login(reader)
        assert "文字较粗糙" in client.get(url).content.decode()
