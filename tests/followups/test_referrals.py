"""Upward reporting (上报, C2.9): one mechanism for every item that goes up the tree."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_org, user_with_role
from tests.opinions.factories import make_opinion, member_user
from xieshang.core.audit import TransitionError
from xieshang.core.models import Event
from xieshang.core.notifications import Notification
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.duty.selectors import scores
from xieshang.followups import services
from xieshang.followups.models import Referral
from xieshang.opinions import services as opinion_services
from xieshang.opinions.models import Adoption, Opinion
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.clause("C2.9")
RS = Referral.State


@pytest.fixture
def tree(db):
    province = make_org("示范省政协", Level.PROVINCE)
    city = make_org("示范市政协", Level.CITY, parent=province)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    other_city = make_org("邻市政协", Level.CITY, parent=province)
    other_district = make_org("邻市某区政协", Level.DISTRICT, parent=other_city)
    return {
        "province": province,
        "city": city,
        "district": district,
        "other_district": other_district,
        "office": user_with_role(Role.OFFICE, district),
        "city_office": user_with_role(Role.OFFICE, city),
        "province_office": user_with_role(Role.OFFICE, province),
        "other_office": user_with_role(Role.OFFICE, other_city),
        "other_district_office": user_with_role(Role.OFFICE, other_district),
        "clerk": user_with_role(Role.SUPERVISOR, city),
        "member": member_user(district, name="张委员"),
    }


def published(tree) -> Opinion:
    return make_opinion(tree["member"], office=tree["office"], state=Opinion.Status.PUBLISHED)


def test_a_district_item_submitted_to_the_city_and_adopted_there_is_credited(tree):
    opinion = published(tree)
    referral = services.referral_submit(item=opinion, actor=tree["office"])
    assert (referral.from_organisation, referral.to_organisation) == (
        tree["district"],
        tree["city"],
    )
    assert referral.level == Level.CITY and referral.state == RS.SUBMITTED
    opinion.refresh_from_db()
    # The opinion moved with it: reported to the city, whose office is told.
    assert opinion.status == Opinion.Status.REPORTED and opinion.reported_to == tree["city"]
    assert Notification.objects.filter(recipient=tree["city_office"]).exists()
    # It waits in the city's incoming queue, not in the district's.
    from xieshang.followups.selectors import referral_queue

    assert list(referral_queue(tree["city_office"], direction="in")) == [referral]
    assert list(referral_queue(tree["office"], direction="in")) == []
    assert list(referral_queue(tree["office"], direction="out")) == [referral]

    services.referral_adopt(referral=referral, actor=tree["city_office"])
    referral.refresh_from_db()
    assert referral.state == RS.ADOPTED and referral.decided_at is not None
    # The adoption shows on the district's item, at the city level ...
    adoption = opinion.adoptions.get()
    assert (adoption.level, adoption.mode) == ("city", Adoption.Mode.STANDALONE)
    # ... and the member's duty file has the record, at the score configured for a city
    # adoption (the district's own adoption scores less).
    record = DutyRecord.objects.get(member=tree["member"], kind=DutyKind.OPINION_ADOPTED_CITY)
    year = timezone.localdate().year
    by_kind = scores(tree["district"], year, [tree["member"].pk])[tree["member"].pk].by_kind
    assert by_kind[DutyKind.OPINION_ADOPTED_CITY][1] == Decimal(15)
    assert DutyKind.OPINION_ADOPTED not in by_kind or by_kind[DutyKind.OPINION_ADOPTED][1] == 0
    assert record.date == timezone.localdate()
    # Audited: who, from which state to which.
    assert Event.objects.filter(verb="referral.adopt").exists()
    assert Event.objects.filter(verb="referral.submit").exists()
    # Adopting twice is refused.
    with pytest.raises(TransitionError):
        services.referral_adopt(referral=referral, actor=tree["city_office"])


def test_forwarded_city_to_province_then_merged_into_the_province_bulletin(tree):
    opinion = published(tree)
    first = services.referral_submit(item=opinion, actor=tree["office"])
    second = services.referral_forward(referral=first, actor=tree["city_office"])
    first.refresh_from_db()
    assert first.state == RS.FORWARDED
    assert (second.from_organisation, second.to_organisation) == (tree["city"], tree["province"])
    assert second.previous == first and second.level == Level.PROVINCE
    opinion.refresh_from_db()
    assert opinion.reported_to == tree["province"]
    services.referral_merge(referral=second, actor=tree["province_office"], note="第3期")
    second.refresh_from_db()
    assert second.state == RS.MERGED and second.note == "第3期"
    levels = sorted(opinion.adoptions.values_list("level", "mode"))
    assert levels == [("city", "forwarded"), ("province", "standalone")]
    # One duty record per level, each scored at its own level's rule.
    adopted = DutyRecord.objects.filter(
        member=tree["member"], kind__startswith="opinion_adopted"
    ).values_list("kind", flat=True)
    assert sorted(adopted) == [DutyKind.OPINION_ADOPTED_CITY, DutyKind.OPINION_ADOPTED_PROVINCE]
    year = timezone.localdate().year
    by_kind = scores(tree["district"], year, [tree["member"].pk])[tree["member"].pk].by_kind
    assert by_kind[DutyKind.OPINION_ADOPTED_CITY][1] == Decimal(15)
    assert by_kind[DutyKind.OPINION_ADOPTED_PROVINCE][1] == Decimal(20)
    # The province is the top: nothing further to forward to.
    with pytest.raises(ValidationError):
        services.referral_submit(item=opinion, actor=tree["province_office"])


def test_the_existing_report_action_goes_through_the_referral(tree):
    opinion = published(tree)
    opinion_services.opinion_report(opinion=opinion, actor=tree["office"], upward=True)
    assert Referral.objects.get().to_organisation == tree["city"]
    # Reported again by the city's office: forwarded one level up.
    opinion_services.opinion_report(opinion=opinion, actor=tree["city_office"], upward=True)
    assert list(Referral.objects.order_by("id").values_list("state", flat=True)) == [
        RS.FORWARDED,
        RS.SUBMITTED,
    ]
    # The district's office cannot report it on from the city: its 报送 form says so instead
    # of refusing the page, and reporting to the district's Party committee still works.
    with pytest.raises(ValidationError, match="正在上级处理中"):
        opinion_services.opinion_report(opinion=opinion, actor=tree["office"], upward=True)
    opinion_services.opinion_report(opinion=opinion, actor=tree["office"], upward=True, party=True)
    opinion.refresh_from_db()
    assert opinion.reported_to_party
    assert Referral.objects.count() == 2


def test_an_item_waiting_upstairs_offers_no_second_report_up(tree, client):
    """The item's office reports up with the 上报情况 panel's one button (its 报送 form serves
    the Party committee and government, fix-opin): while the city holds it, neither offers
    报送上级政协 again, and reporting to the Party committee still works."""
    opinion = published(tree)
    opinion_services.opinion_report(opinion=opinion, actor=tree["office"], upward=True)
    client.force_login(tree["office"])
    page = client.get(f"/opinions/{opinion.pk}/").content.decode()
    assert "正在上级处理中" not in page
    assert page.count("上报上级政协</button>") == 0 and 'name="upward"' not in page
    response = client.post(f"/opinions/{opinion.pk}/report/", {"upward": "on", "party": "on"})
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.reported_to_party
    assert Referral.objects.filter(state=RS.SUBMITTED).count() == 1


def test_returned_with_a_reason(tree):
    opinion = published(tree)
    referral = services.referral_submit(item=opinion, actor=tree["office"])
    with pytest.raises(ValidationError):
        services.referral_return(referral=referral, actor=tree["city_office"], reason=" ")
    services.referral_return(referral=referral, actor=tree["city_office"], reason="材料不全")
    referral.refresh_from_db()
    assert referral.state == RS.RETURNED and referral.note == "材料不全"
    assert not opinion.adoptions.exists()
    assert Notification.objects.filter(recipient=tree["office"], body="材料不全").exists()
    assert Event.objects.filter(verb="referral.return", note="材料不全").exists()
    # It is no longer reported to the city: off the city's upward list and the item's page,
    # and a published item again at home.
    opinion.refresh_from_db()
    assert opinion.reported_to is None and opinion.status == Opinion.Status.PUBLISHED
    from xieshang.opinions.selectors import upward_queue

    assert not upward_queue(tree["city_office"]).filter(pk=opinion.pk).exists()
    event = Event.objects.get(verb="opinion.report_returned")
    assert (event.from_state, event.to_state, event.note) == ("reported", "published", "材料不全")
    # It may be sent again after a return.
    again = services.referral_submit(item=opinion, actor=tree["office"])
    assert again.state == RS.SUBMITTED


def test_a_return_from_the_province_leaves_it_reported_to_the_city(tree, client):
    opinion = published(tree)
    opinion_services.opinion_report(opinion=opinion, actor=tree["office"], upward=True, party=True)
    first = Referral.objects.get()
    services.referral_forward(referral=first, actor=tree["city_office"])
    opinion.refresh_from_db()
    assert opinion.reported_to == tree["province"]
    services.referral_return(
        referral=Referral.objects.get(state=RS.SUBMITTED),
        actor=tree["province_office"],
        reason="不属本级",
    )
    opinion.refresh_from_db()
    assert opinion.reported_to == tree["city"] and opinion.status == Opinion.Status.REPORTED
    client.force_login(tree["office"])
    html = client.get(f"/opinions/{opinion.pk}/").content.decode()
    assert '<dd class="col-sm-10" id="reported-to">示范市政协、本级党委</dd>' in html


def test_another_branch_never_sees_nor_acts(tree, client):
    opinion = published(tree)
    referral = services.referral_submit(item=opinion, actor=tree["office"])
    from xieshang.followups.selectors import referral_queue

    for user in (tree["other_office"], tree["other_district_office"]):
        assert not referral_queue(user, direction="in").exists()
        assert not referral_queue(user, direction="out").exists()
        with pytest.raises(PermissionDenied):
            services.referral_adopt(referral=referral, actor=user)
    client.force_login(tree["other_office"])
    page = client.get("/followups/referrals/")
    assert page.status_code == 200 and opinion.title not in page.content.decode()
    assert client.post(f"/followups/referrals/{referral.pk}/adopt/").status_code == 404


def test_the_wrong_role_cannot_act(tree):
    opinion = published(tree)
    referral = services.referral_submit(item=opinion, actor=tree["office"])
    # The submitting district cannot adopt at the city, a supervisor at the city cannot
    # either, and a member cannot send an item up.
    for user in (tree["office"], tree["clerk"], tree["member"].user):
        with pytest.raises(PermissionDenied):
            services.referral_adopt(referral=referral, actor=user)
        with pytest.raises(PermissionDenied):
            services.referral_forward(referral=referral, actor=user)
    second = published(tree)
    with pytest.raises(PermissionDenied):
        services.referral_submit(item=second, actor=tree["member"].user)
    # A draft item cannot go up.
    draft = make_opinion(tree["member"], office=tree["office"], title="草稿")
    with pytest.raises(ValidationError):
        services.referral_submit(item=draft, actor=tree["office"])


def test_queue_and_panel_pages(tree, client):
    opinion = published(tree)
    services.referral_submit(item=opinion, actor=tree["office"])
    client.force_login(tree["city_office"])
    page = client.get("/followups/referrals/?kind=opinions.opinion&state=submitted")
    body = page.content.decode()
    assert page.status_code == 200 and opinion.title in body and "采用" in body
    referral = Referral.objects.get()
    response = client.post(f"/followups/referrals/{referral.pk}/adopt/", {"next": "item"})
    assert response.status_code == 302 and response.url == opinion.get_absolute_url()
    client.force_login(tree["office"])
    detail = client.get(opinion.get_absolute_url()).content.decode()
    assert 'id="referral-path"' in detail and "示范市政协" in detail
    outgoing = client.get("/followups/referrals/?direction=out").content.decode()
    assert opinion.title in outgoing


def test_a_key_proposal_goes_up_through_the_proposal_committees(tree):
    from xieshang.proposals.models import Proposal

    def proposal(key):
        return Proposal.objects.create(
            organisation=tree["district"],
            year=2026,
            title="关于加快老旧小区加装电梯的提案" + ("" if key else "（一般）"),
            suggestions="简化审批，财政补贴。",
            status=Proposal.Status.ASSIGNED,
            key_status=Proposal.KeyStatus.APPROVED if key else "",
        )

    committee = user_with_role(Role.PROPOSAL_COMMITTEE, tree["district"])
    city_committee = user_with_role(Role.PROPOSAL_COMMITTEE, tree["city"])
    # Only a key proposal goes up.
    with pytest.raises(ValidationError):
        services.referral_submit(item=proposal(key=False), actor=committee)
    key = proposal(key=True)
    # The office does not handle proposals; the proposal committee does.
    with pytest.raises(PermissionDenied):
        services.referral_submit(item=key, actor=tree["office"])
    referral = services.referral_submit(item=key, actor=committee)
    assert Notification.objects.filter(recipient=city_committee).exists()
    with pytest.raises(PermissionDenied):
        services.referral_adopt(referral=referral, actor=tree["city_office"])
    services.referral_adopt(referral=referral, actor=city_committee)
    referral.refresh_from_db()
    assert referral.state == RS.ADOPTED
    assert [r.level for r in services.item_referrals(key)] == [Level.CITY]


def test_items_reported_before_become_referrals(tree):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("xieshang.opinions.migrations.0004_reported_to_referrals")
    opinion = published(tree)
    Opinion.objects.filter(pk=opinion.pk).update(
        reported_to=tree["province"], status=Opinion.Status.REPORTED
    )
    migration.forwards(apps, None)
    path = list(services.item_referrals(opinion))
    assert [(r.to_organisation, r.state) for r in path] == [
        (tree["city"], RS.FORWARDED),
        (tree["province"], RS.SUBMITTED),
    ]
    assert path[1].previous == path[0]
    migration.forwards(apps, None)  # run twice: nothing more
    assert services.item_referrals(opinion).count() == 2


def test_an_inspection_report_goes_up_once_filed(db, client):
    from tests.meetings.factories import world as meetings_world
    from xieshang.meetings.models import MeetingKind

    w = meetings_world()
    city = make_org("示范市政协", Level.CITY)
    w.org.parent = city
    w.org.path = city.path + w.org.path
    w.org.save(update_fields=["parent", "path"])
    city_office = user_with_role(Role.OFFICE, city)
    inspection = w.meeting(MeetingKind.INSPECTION, title="河道治理视察")
    with pytest.raises(ValidationError):  # no report filed yet
        services.referral_submit(item=inspection, actor=w.office)
    client.force_login(w.office)
    client.post(f"/meetings/{inspection.pk}/record/", {"text": "视察发现河道垃圾较多。"})
    inspection.refresh_from_db()
    client.post(f"/followups/referrals/new/meetings.meeting/{inspection.pk}/")
    referral = Referral.objects.get()
    assert (referral.to_organisation, referral.item_title) == (city, "河道治理视察")
    services.referral_adopt(referral=referral, actor=city_office)
    html = client.get(f"/meetings/{inspection.pk}/").content.decode()
    assert 'id="referral-path"' in html and "已采用" in html
    # Other meetings carry no referral panel.
    symposium = w.meeting(MeetingKind.SYMPOSIUM, title="协商座谈")
    assert "referral-path" not in client.get(f"/meetings/{symposium.pk}/").content.decode()


def test_the_office_queue_marks_a_reported_item_the_city_sent_back(tree, client):
    opinion = published(tree)
    # Reported up and to the Party committee: sent back by the city, it stays 已报送 at home.
    opinion_services.opinion_report(opinion=opinion, actor=tree["office"], upward=True, party=True)
    client.force_login(tree["office"])
    url = "/opinions/queue/?state=reported"
    row = client.get(url).content.decode().split(opinion.title, 1)[1].split("</tr>", 1)[0]
    assert "上级已退回" not in row
    services.referral_return(
        referral=Referral.objects.get(), actor=tree["city_office"], reason="材料不全"
    )
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.REPORTED
    row = client.get(url).content.decode().split(opinion.title, 1)[1].split("</tr>", 1)[0]
    assert "上级已退回" in row


def test_only_the_items_office_reads_the_queue_rows_of_its_kind(tree, client):
    """A supervising office, the proposal committee, a Party or government office hold
    followups.view but may not open a 社情民意 item: the 上报 queue does not show them its
    title and the city's return note either, in or out."""
    opinion = published(tree)
    referral = services.referral_submit(item=opinion, actor=tree["office"])
    services.referral_return(referral=referral, actor=tree["city_office"], reason="请补充具体数据")
    from xieshang.followups.selectors import referral_queue

    outsiders = [
        tree["clerk"],  # the city's supervising office
        user_with_role(Role.SUPERVISOR, tree["district"]),
        user_with_role(Role.PROPOSAL_COMMITTEE, tree["district"]),
        user_with_role(Role.PARTY_OFFICE, tree["district"]),
        user_with_role(Role.GOVERNMENT_OFFICE, tree["district"]),
        user_with_role(Role.STANDING_SECRETARY, tree["district"]),
    ]
    for user in outsiders:
        for direction in ("in", "out"):
            assert not referral_queue(user, direction=direction).exists(), user
        client.force_login(user)
        page = client.get("/followups/referrals/?direction=out&state=").content.decode()
        assert opinion.title not in page and "请补充具体数据" not in page
    # The offices that act on it still have it.
    assert list(referral_queue(tree["office"], direction="out")) == [referral]
    client.force_login(tree["office"])
    page = client.get("/followups/referrals/?direction=out&state=").content.decode()
    assert opinion.title in page and "请补充具体数据" in page


def test_an_item_never_reported_up_says_so_without_a_numbered_list(tree, client):
    """The empty 上报情况 read "1. 尚未上报": a numbered list of one line that was no step."""
    import re

    opinion = published(tree)
    client.force_login(tree["office"])
    html = client.get(opinion.get_absolute_url()).content.decode()
    panel = html[html.index('id="referrals-title"') :]
    panel = panel[: panel.index("</section>")]
    assert "尚未上报" in panel
    assert not re.search(r"<ol[^>]*>\s*<li[^>]*>\s*尚未上报", panel)
    assert "list-group-numbered" not in panel
