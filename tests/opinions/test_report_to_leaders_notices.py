"""报送党委 / 报送政府 tells those offices, as an inspection report sent to them does: their
clerks find "政协报送的社情民意信息：…" in Messages and can record the leader's instruction.
When one of them records it, the CPPCC office that reported the item (it keeps the record
of instructions) is told as well, not only the authors and the units asked to act."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import user_with_role
from tests.opinions.factories import make_opinion
from xieshang.core.models import Notification
from xieshang.opinions import services
from xieshang.opinions.models import AdoptionLevel, Opinion
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db
S = Opinion.Status


def _inbox(client, user) -> str:
    client.force_login(user)
    return client.get("/inbox/").content.decode()


def test_reporting_to_party_committee_and_government_tells_their_offices(world, client):
    office, party_office = world["office"], world["party_office"]
    gov_office = user_with_role(Role.GOVERNMENT_OFFICE, world["district"], full_name="区府办")
    opinion = make_opinion(world["member"], office=office, state=S.PUBLISHED)

    client.force_login(office)
    response = client.post(
        reverse("opinions:report", args=[opinion.pk]), {"party": "on", "government": "on"}
    )
    assert response.status_code == 302

    for clerk in (party_office, gov_office):
        page = _inbox(client, clerk)
        assert f"政协报送的社情民意信息：{opinion.title}" in page
    notice = Notification.objects.get(recipient=party_office)
    assert notice.url == opinion.get_absolute_url()
    assert "可在报送本机关的事项中记录领导批示" in notice.body
    # The page it links to opens for them.
    assert client.get(notice.url).status_code == 200

    # Ticking the Party committee again tells nobody twice.
    services.opinion_report(opinion=opinion, actor=office, upward=False, party=True)
    assert Notification.objects.filter(recipient=party_office).count() == 1


def test_reporting_only_to_the_government_leaves_the_party_office_untold(world):
    gov_office = user_with_role(Role.GOVERNMENT_OFFICE, world["district"], full_name="区府办")
    opinion = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    services.opinion_report(opinion=opinion, actor=world["office"], upward=False, government=True)
    assert Notification.objects.filter(recipient=gov_office).count() == 1
    assert not Notification.objects.filter(recipient=world["party_office"]).exists()


def test_the_reporting_office_is_told_of_the_party_committees_instruction(world, client):
    office, party_office = world["office"], world["party_office"]
    opinion = make_opinion(world["member"], office=office, state=S.PUBLISHED)
    services.opinion_report(opinion=opinion, actor=office, upward=False, party=True)

    services.instruction_record(
        opinion=opinion,
        actor=party_office,
        leader="张明书记",
        level=AdoptionLevel.DISTRICT,
        instructed_on=timezone.localdate(),
        text="请区住建局研究落实。",
        departments=[world["dept"]],
    )
    page = _inbox(client, office)
    assert f"社情民意信息获领导批示：{opinion.title}" in page
    notice = Notification.objects.get(recipient=office, dedupe_key__contains=":instr:")
    assert notice.body == "张明书记批示：请区住建局研究落实。"
    assert notice.url == opinion.get_absolute_url()


def test_the_office_is_not_told_of_an_instruction_it_recorded_itself(world):
    office = world["office"]
    opinion = make_opinion(world["member"], office=office, state=S.PUBLISHED)
    services.instruction_record(
        opinion=opinion,
        actor=office,
        leader="张明书记",
        level=AdoptionLevel.DISTRICT,
        instructed_on=timezone.localdate(),
        text="请区住建局研究落实。",
        departments=[world["dept"]],
    )
    assert not Notification.objects.filter(
        recipient=office, dedupe_key__contains=":instr:"
    ).exists()
