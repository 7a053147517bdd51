"""The text index behind textsim.search(): words and names find their rows on both databases,
ranked; saves, edits and deletes keep it current; the rebuild command; the header search;
and on PostgreSQL the GIN index serves the query."""

import importlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MemberFactory, TermFactory, make_org, seat, user_with_role
from xieshang.consultation.models import Topic
from xieshang.core.audit import save_versioned
from xieshang.meetings.models import Meeting
from xieshang.members.models import Member
from xieshang.opinions.models import Opinion
from xieshang.orgs.models import Level, Organisation, Role
from xieshang.proposals import selectors
from xieshang.proposals.models import Proposal, Signer
from xieshang.residents.models import ResidentIssue
from xieshang.textsim import index, search
from xieshang.textsim.models import SearchEntry
from xieshang.textsim.search import index_terms, matching_entries

# The module (the package's `search` is the function).
text_search = importlib.import_module("xieshang.textsim.search")

FIELDS = ["title", "number", "facts", "suggestions"]


@pytest.fixture
def district(db):
    return make_org("甲区政协", Level.DISTRICT, parent=make_org("示范市政协", Level.CITY))


def proposal(org, title, *, facts="", suggestions="", by=None, number="", status="submitted"):
    return Proposal.objects.create(
        organisation=org,
        year=2026,
        title=title,
        facts=facts,
        suggestions=suggestions,
        number=number,
        first_proposer=by,
        status=status,
    )


def titles(qs) -> list[str]:
    return [p.title for p in qs]


def entry(obj):
    ct = ContentType.objects.get_for_model(obj)
    return SearchEntry.objects.filter(content_type=ct, object_id=obj.pk).first()


def test_every_kind_is_indexed():
    labels = {spec.label for spec in index.specs()}
    assert {
        "proposals.Proposal",
        "consultation.Topic",
        "opinions.Opinion",
        "residents.ResidentIssue",
        "meetings.Meeting",
        "members.Member",
    } <= labels


def test_two_character_words_and_names_find_their_rows(district):
    wang = MemberFactory(organisation=district, name="王建国")
    care = proposal(
        district,
        "关于发展社区居家养老服务的建议",
        facts="我区老年人口占比逐年上升，养老院床位紧张。",
        by=wang,
    )
    school = proposal(
        district, "关于优化中小学课后服务的建议", suggestions="义务教育阶段推行课后延时服务。"
    )
    proposal(district, "关于缓解停车难的建议", facts="老旧小区停车位不足。")
    qs = Proposal.objects.all()
    # The query must go to the index, not to a substring scan.
    assert matching_entries(Proposal, "养老") is not None
    assert titles(search(qs, FIELDS, "养老")) == [care.title]  # inside 居家养老 and 养老院
    assert titles(search(qs, FIELDS, "教育")) == [school.title]  # inside 义务教育, in the body
    assert titles(search(qs, FIELDS, "王建国")) == [care.title]  # the first proposer's name
    assert titles(search(qs, FIELDS, "建国")) == [care.title]  # part of a name
    assert titles(search(qs, FIELDS, "养老 教育")) == []  # every word must match
    assert titles(search(qs, FIELDS, "殡葬")) == []
    # Members by name and employer, through the same function.
    MemberFactory(organisation=district, name="欧阳明华", employer="市第一人民医院院长")
    members = Member.objects.all()
    assert [m.name for m in search(members, ["name"], "欧阳明华")] == ["欧阳明华"]
    assert [m.name for m in search(members, ["name"], "人民医院")] == ["欧阳明华"]


def test_every_kind_finds_its_rows_through_the_index(district):
    import datetime as dt

    from django.utils import timezone

    Topic.objects.create(
        organisation=district, title="老年人助餐服务议题", source="cppcc", proposer_name="李明"
    )
    opinion = Opinion.objects.create(
        organisation=district, year=2026, title="社区食堂经营困难", suggestions="给予助餐补贴"
    )
    author = MemberFactory(organisation=district, name="赵晓燕")
    opinion.authors.add(author)  # names added later still reach the index
    ResidentIssue.objects.create(
        organisation=district,
        ticket="R20260001",
        check_code_hash="x",
        title="助餐点饭菜太咸",
        description="……",
        channel="portal",
    )
    start = timezone.now() + dt.timedelta(days=3)
    Meeting.objects.create(
        organisation=district,
        kind="consultation",
        title="老年人助餐专题协商会",
        start=start,
        end=start + dt.timedelta(hours=2),
    )
    for model in (Topic, Opinion, ResidentIssue, Meeting):
        assert search(model.objects.all(), ["title"], "助餐").count() == 1, model
    assert search(Opinion.objects.all(), ["title"], "赵晓燕").get() == opinion
    assert search(Topic.objects.all(), ["title"], "李明").count() == 1
    assert search(ResidentIssue.objects.all(), ["ticket"], "r20260001").count() == 1


def test_ranking_puts_the_better_match_first(district):
    body_only = proposal(
        district, "关于完善社区服务的建议", facts="部分社区的老年人助餐点覆盖不足。"
    )
    in_title = proposal(district, "关于做好老年人助餐服务的建议", facts="助餐是民生实事。")
    proposal(district, "关于加装电梯的建议")
    found = list(search(Proposal.objects.all(), FIELDS, "老年人助餐", ranked=True))
    assert found == [in_title, body_only]
    assert found[0].search_rank > found[1].search_rank > 0


def test_a_ranked_search_keeps_an_old_title_match_first_beyond_the_window(district, monkeypatch):
    """PostgreSQL ranks a large match set within a window: the newest matches and the
    newest title matches. An old proposal with the word in its title still comes first
    when newer ones only mention it in the body."""
    in_title = proposal(district, "关于完善殡葬改革配套政策的建议")
    for i in range(4):
        proposal(district, f"关于社区治理的建议{i}", facts="殡葬改革涉及多个部门。")
    monkeypatch.setattr(text_search, "RANK_WINDOW", 2)
    found = list(search(Proposal.objects.all(), FIELDS, "殡葬改革", ranked=True)[:3])
    assert found[0] == in_title
    assert len(found) == 3
    assert found[0].search_rank > found[1].search_rank > 0


def test_count_is_exact_up_to_the_cap_and_says_more_beyond(district):
    for i in range(3):
        proposal(district, f"关于养老服务的建议{i}")
    found = search(Proposal.objects.all(), FIELDS, "养老")
    assert text_search.count(found, cap=3) == text_search.Total(3)
    assert str(text_search.count(found, cap=3)) == "3 条"
    total = text_search.count(found, cap=2)
    assert total == text_search.Total(2, exact=False)
    assert str(total) == "超过 2 条"
    # The cap only bounds the count: the search still lists every match.
    assert found.count() == 3


def test_search_only_narrows_the_queryset_it_is_given(district):
    other = make_org("乙区政协", Level.DISTRICT)
    mine = proposal(district, "关于养老服务的建议")
    proposal(other, "关于养老服务的建议")
    scoped = Proposal.objects.filter(organisation=district)
    assert list(search(scoped, FIELDS, "养老")) == [mine]
    assert list(search(scoped, FIELDS, "养老", ranked=True)) == [mine]


def test_saves_and_edits_update_the_index_and_deletes_remove_it(district):
    p = proposal(district, "关于养老服务的建议")
    qs = Proposal.objects.all()
    assert search(qs, FIELDS, "养老").count() == 1
    p.title = "关于教育均衡发展的建议"
    p.save()
    assert search(qs, FIELDS, "养老").count() == 0
    assert search(qs, FIELDS, "教育").count() == 1
    # The services' compare-and-set edit (an UPDATE) keeps it current too.
    p.facts = "农村学校校舍老化。"
    save_versioned(p, expected_version=p.version, fields=["facts"])
    assert search(qs, FIELDS, "校舍").count() == 1
    # A co-signer's name once confirmed.
    li = MemberFactory(organisation=district, name="李秀英")
    signer = Signer.objects.create(proposal=p, member=li)
    assert search(qs, FIELDS, "李秀英").count() == 0  # only invited
    signer.status = Signer.Status.CONFIRMED
    signer.save()
    assert search(qs, FIELDS, "李秀英").count() == 1
    # A save that changes no indexed text leaves the entry alone.
    before = entry(p).updated_at
    p.status = "accepted"
    p.save(update_fields=["status"])
    assert entry(p).updated_at == before
    pk = p.pk
    p.delete()
    ct = ContentType.objects.get_for_model(Proposal)
    assert not SearchEntry.objects.filter(content_type=ct, object_id=pk).exists()
    assert search(qs, FIELDS, "教育").count() == 0


def test_saves_inside_a_pause_write_no_entry_until_the_rebuild(district):
    """A bulk writer (the demo seed) pauses the upkeep and rebuilds once at its end."""
    qs = Proposal.objects.all()
    kept = proposal(district, "关于养老服务的建议")
    with index.paused():
        p = proposal(district, "关于教育均衡发展的建议")
        p.facts = "农村学校校舍老化。"
        p.save()
        kept.delete()
        assert entry(p) is None
        assert search(qs, FIELDS, "教育").count() == 0
    # Outside the pause each save keeps the index current again.
    p.suggestions = "新建寄宿制学校。"
    p.save()
    assert search(qs, FIELDS, "寄宿制").count() == 1
    call_command("textindex", "--rebuild", "--model", "proposals.Proposal")
    assert search(qs, FIELDS, "校舍").count() == 1
    assert search(qs, FIELDS, "养老").count() == 0  # the entry of the row deleted meanwhile


def test_rebuild_command_indexes_rows_written_without_signals(district, capsys):
    Proposal.objects.bulk_create(
        [
            Proposal(organisation=district, year=2026, title=f"关于养老服务第{i}项的建议")
            for i in range(5)
        ]
    )
    MemberFactory(organisation=district, name="钱学文")
    qs = Proposal.objects.all()
    assert search(qs, FIELDS, "养老").count() == 0  # bulk_create sends no signal
    call_command("textindex", "--rebuild", "--model", "proposals.Proposal", "--batch", "2")
    assert search(qs, FIELDS, "养老").count() == 5
    assert "proposals.Proposal: 5" in capsys.readouterr().out
    SearchEntry.objects.all().delete()
    call_command("textindex", "--rebuild")
    assert search(qs, FIELDS, "养老").count() == 5
    assert search(Member.objects.all(), ["name"], "钱学文").count() == 1
    with pytest.raises(CommandError):
        call_command("textindex", "--rebuild", "--model", "orgs.Organisation")


def test_fallbacks_for_what_the_index_cannot_answer(district):
    proposal(district, "关于鱼塘治理的建议")
    qs = Proposal.objects.all()
    assert index_terms("鱼") is None  # one character: a substring search
    assert search(qs, FIELDS, "鱼").count() == 1
    # A model outside the index searches as before.
    assert search(Organisation.objects.all(), ["name"], "甲区").count() == 1
    # A name the segmenter cuts ("欧阳明" + "华") is looked up whole.
    assert index_terms("欧阳明华") == ["欧阳明华"]


def test_the_header_search_finds_old_people_meals(district, client):
    term = TermFactory(organisation=district)
    office = user_with_role(Role.OFFICE, district, username="office")
    for title in ["关于推进老年人助餐服务的建议", "关于扩大老年人助餐覆盖面的提案"]:
        proposal(district, title)
    proposal(district, "关于老年人体育健身的建议")
    zhang = MemberFactory(organisation=district, name="张丽华", employer="区教育局副局长")
    seat(zhang, term)
    client.force_login(office)
    body = client.get(reverse("search"), {"q": "老年人助餐"}).content.decode()
    assert "关于推进老年人助餐服务的建议" in body and "关于扩大老年人助餐覆盖面的提案" in body
    assert "老年人体育健身" not in body
    body = client.get(reverse("search"), {"q": "张丽华"}).content.decode()
    assert "张丽华" in body
    body = client.get(reverse("search"), {"q": "教育"}).content.decode()
    assert "张丽华" in body  # the employer
    # The proposals list the "more" link opens finds the same rows.
    listed = client.get(reverse("proposals:index"), {"q": "老年人助餐"}).content.decode()
    assert "关于推进老年人助餐服务的建议" in listed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL ranks in windows")
def test_a_ranked_search_finds_the_same_rows_when_its_windows_come_from_the_newest_entries(
    district, monkeypatch
):
    """A common word's windows are looked for among the newest entries first; the rows a
    user is shown are the same as when every match is read."""
    other = make_org("乙区政协", Level.DISTRICT)
    old_title = proposal(district, "关于完善殡葬改革配套政策的建议")
    for i in range(6):
        proposal(district, f"关于社区治理的建议{i}", facts="殡葬改革涉及多个部门。")
        proposal(other, f"关于殡葬改革的建议{i}")
    for i in range(4):
        proposal(district, f"关于城市更新的建议{i}", facts="与此无关。")
    mine = Proposal.objects.filter(organisation=district)
    monkeypatch.setattr(text_search, "RANK_WINDOW", 3)

    def ranked(qs, recent, few=10_000, *, organisations=None):
        monkeypatch.setattr(text_search, "RECENT", recent)
        # Up to FEW matches, the title window is looked for among them; beyond, in the scope.
        monkeypatch.setattr(text_search, "FEW", few)
        text_search._floors.clear()
        # Told the organisations, the search reads the matches' ids first.
        found = search(qs, FIELDS, "殡葬改革", ranked=True, organisations=organisations)
        return [(p.pk, round(p.search_rank, 6)) for p in found]

    for qs in (Proposal.objects.all(), mine):
        everything = ranked(qs, 10_000)  # fewer entries than that: no floor, all matches read
        assert text_search._floors  # the floor was looked up (and found none)
        for recent in (4, 8, 12):
            for few in (10_000, 4):
                assert ranked(qs, recent, few) == everything, (recent, few)
        assert ranked(qs, 4, organisations=[district.pk, other.pk]) == everything
        assert not text_search._floors  # the ids were all it needed
    # The window of the district holds its old title match, which ranks first.
    assert ranked(mine, 8)[0][0] == old_title.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL ranks in windows")
def test_windows_read_from_the_newest_matches_ids_are_the_windows_of_every_match(
    district, monkeypatch
):
    """The newest matches are read as ids and the scope is asked which are its own, a
    chunk at a time (`_recent_windows`): the rows ranked are the same as when every match
    is joined to the scope, for a scope of columns or of a sub-select (as the meetings'),
    whatever the chunk, the floor and the budget."""
    other = make_org("乙区政协", Level.DISTRICT)
    proposal(district, "关于完善殡葬改革配套政策的建议")  # an old title match
    for i in range(8):
        # Interleaved: the district's matches and another's, body and title matches.
        proposal(district, f"关于社区治理的建议{i}", facts="殡葬改革涉及多个部门。")
        proposal(other, f"关于殡葬改革的建议{i}")
        proposal(district, f"关于殡葬改革试点的建议{i}")
        proposal(district, f"关于城市更新的建议{i}", facts="与此无关。")
    mine = Proposal.objects.filter(organisation=district)
    by_subselect = Proposal.objects.filter(pk__in=mine.values("pk"))
    monkeypatch.setattr(text_search, "RANK_WINDOW", 3)
    asked = []
    real = text_search._recent_windows
    monkeypatch.setattr(
        text_search,
        "_recent_windows",
        lambda *a: asked.append(real(*a)) or asked[-1],
    )

    def ranked(qs, recent=10_000, *, chunk=1000, few=10_000):
        monkeypatch.setattr(text_search, "RECENT", recent)
        monkeypatch.setattr(text_search, "CHUNK", chunk)
        monkeypatch.setattr(text_search, "FEW", few)
        text_search._floors.clear()
        found = search(qs, FIELDS, "殡葬改革", ranked=True)
        return [(p.pk, round(p.search_rank, 6)) for p in found]

    for qs in (Proposal.objects.all(), mine, by_subselect):
        everything = ranked(qs)  # fewer entries than RECENT: no floor, every match joined
        for recent in (6, 12, 20):
            for chunk in (1, 2, 5, 1000):
                for few in (4, 10_000):
                    assert ranked(qs, recent, chunk=chunk, few=few) == everything, (
                        recent,
                        chunk,
                        few,
                    )
    # The windows were found from the ids, both full, in some of those searches.
    assert any(
        recent is not None and len(recent) == len(titled or []) == 3 for recent, titled in asked
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans by estimate")
def test_a_search_finds_the_same_rows_from_the_matches_ids_or_from_a_sub_select(
    district, monkeypatch
):
    """Few expected matches are passed to the list as their ids; many as a sub-select."""
    other = make_org("乙区政协", Level.DISTRICT)
    wanted = [proposal(district, f"关于养老服务的建议{i}") for i in range(4)]
    proposal(other, "关于养老服务的建议")
    proposal(district, "关于加装电梯的建议")
    scoped = Proposal.objects.filter(organisation=district)
    few = search(scoped, FIELDS, "养老")
    assert "textsim_searchentry" not in str(few.query)  # the ids, looked up first
    monkeypatch.setattr(text_search, "FEW", 0)
    many = search(scoped, FIELDS, "养老")
    assert "textsim_searchentry" in str(many.query)
    assert list(few.order_by("pk")) == list(many.order_by("pk")) == wanted


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans by estimate")
def test_a_page_of_words_that_go_together_walks_the_list_order_and_finds_the_same_rows(
    district, monkeypatch
):
    """Two words that always go together: the planner multiplies their shares and expects
    few matches, and there are many. A page of them then tests each row it walks against a
    hash of the matches; what it finds is what the join finds."""
    monkeypatch.setattr(text_search, "FEW", 10)
    together = [
        proposal(district, f"关于老旧小区加装电梯的建议（{i}）", status="submitted")
        for i in range(30)
    ]
    others = [proposal(district, f"关于社区养老服务的建议（{i}）") for i in range(150)]
    for i, p in enumerate([*together, *others]):
        # Dates that interleave, so the page is not the order they were written in.
        p.year = 2020 + i % 7
        p.save(update_fields=["year"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE textsim_searchentry")
        cursor.execute("ANALYZE proposals_proposal")
    query = "老旧小区 电梯"
    ids, misjudged = text_search._few_ids(matching_entries(Proposal, query))
    assert ids is None and misjudged  # expected few, found more than FEW

    order = ("-year", "-id")
    paged = search(Proposal.objects.all(), FIELDS, query, paged=True).order_by(*order)
    joined = search(Proposal.objects.all(), FIELDS, query).order_by(*order)
    assert "IS TRUE" in str(paged.query) and "IS TRUE" not in str(joined.query)
    assert "SubPlan" in paged[:5].explain()  # not turned into a join
    assert [p.pk for p in paged[:5]] == [p.pk for p in joined[:5]]
    assert sorted(p.pk for p in paged) == sorted(p.pk for p in together)
    # The same search through the proposals list: its page, whatever form it takes.
    office = user_with_role(Role.OFFICE, district)
    page = [p.pk for p in selectors.proposal_list(office, q=query, paged=True)[:5]]
    assert page == [p.pk for p in joined.order_by(*selectors.LIST_ORDER)[:5]]
    assert selectors.proposal_count(office, q=query) == 30


def test_a_district_committee_in_a_wide_tree_finds_the_same_proposals_either_way(
    district, monkeypatch
):
    """A search in a scope of under a twentieth of the organisations starts from the
    scope's ids, and the index reads only the entries of the user's organisations; the
    proposals listed, counted and shown in the header search are those the date-ordered
    walk over every entry finds."""
    from xieshang.core import access
    from xieshang.proposals.search import search_proposals

    province = make_org("示范省政协", Level.PROVINCE)
    for i in range(20):
        make_org(f"第{i}区政协", Level.DISTRICT, parent=province)
    committee = user_with_role(Role.PROPOSAL_COMMITTEE, district)
    top = user_with_role(Role.PROPOSAL_COMMITTEE, province)
    assert access.scope_share(committee, "proposals.view") < access.SMALL_SCOPE
    assert access.scope_share(top, "proposals.view") > access.NARROW_SCOPE
    mine = [proposal(district, f"关于养老服务的建议{i}") for i in range(3)]
    theirs = proposal(make_org("乙区政协", Level.DISTRICT, parent=province), "关于养老服务的建议")
    proposal(district, "关于养老机构建设的建议", status="draft")  # another's draft: hidden
    # A co-signed proposal of another district: in the committee member's own part.
    seated = MemberFactory(organisation=district, name="钱其琛")
    seated.user = committee
    seated.save()
    elsewhere = make_org("丙区政协", Level.DISTRICT, parent=province)
    cosigned = proposal(elsewhere, "关于养老护理员培训的建议")
    Signer.objects.create(proposal=cosigned, member=seated, status=Signer.Status.CONFIRMED)

    def found(user):
        return (
            [p.pk for p in selectors.proposal_list(user, q="养老")],
            selectors.proposal_count(user, q="养老"),
            [hit.url for hit in search_proposals(user, "养老", 10).hits],
        )

    narrow, wide = found(committee), found(top)
    assert sorted(narrow[0]) == sorted([p.pk for p in mine] + [cosigned.pk])
    assert narrow[1] == 4 and len(narrow[2]) == 4
    assert sorted(wide[0]) == [theirs.pk, cosigned.pk] and wide[1] == 2  # the province's
    # Neither starting from the ids nor reading only the scope's entries changes a thing.
    monkeypatch.setattr(access, "SMALL_SCOPE", 0)
    monkeypatch.setattr(access, "NARROW_SCOPE", -1)
    assert found(committee) == narrow
    monkeypatch.setattr(access, "NARROW_SCOPE", 2)
    assert found(top) == wide


def test_the_entry_keeps_its_items_organisation(district):
    """A proposal's entry holds its organisation: written on save, moved with the proposal
    (without segmenting it again), and written by the rebuild; a search told other
    organisations does not find it, and a model that registers none refuses the hint."""
    other = make_org("乙区政协", Level.DISTRICT)
    p = proposal(district, "关于加强校园食品安全的建议")
    assert entry(p).organisation_id == district.pk
    digest = entry(p).digest
    p.organisation = other
    p.save(update_fields=["organisation"])
    assert (entry(p).organisation_id, entry(p).digest) == (other.pk, digest)
    SearchEntry.objects.update(organisation_id=None)
    index.rebuild([Proposal], jobs=1)
    assert entry(p).organisation_id == other.pk
    everyone = Proposal.objects.all()
    assert list(search(everyone, FIELDS, "食品安全", organisations=[other.pk])) == [p]
    assert list(search(everyone, FIELDS, "食品安全", organisations=[district.pk])) == []
    in_other = Organisation.objects.filter(pk=other.pk)
    ranked = search(everyone, FIELDS, "食品安全", ranked=True, organisations=in_other)
    assert list(ranked) == [p]
    with pytest.raises(ValueError):
        search(Topic.objects.all(), ["title"], "食品安全", organisations=[other.pk])


def test_the_migration_fills_the_organisation_of_entries_written_before_it(district):
    """Entries indexed before the organisation was kept get it from their items."""
    migration = importlib.import_module("xieshang.textsim.migrations.0004_searchentry_organisation")
    p = proposal(district, "关于规范农村宅基地管理的建议")
    topic = Topic.objects.create(  # registers no organisation
        organisation=district, title="宅基地议题", source="cppcc", proposer_name="李明"
    )
    SearchEntry.objects.update(organisation_id=None)

    class Editor:  # what `fill` uses of a schema editor (SQLite's refuses to open in a test)
        def __init__(self):
            self.connection = connection

        def execute(self, sql, params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    migration.fill(None, Editor())
    assert entry(p).organisation_id == district.pk
    assert entry(topic).organisation_id is None


def test_the_entry_keeps_its_items_year_and_a_search_in_a_year_reads_only_its_entries(
    district, client
):
    """A proposal's entry holds its year (written on save, and by the rebuild and the
    migration for entries written before); a search told the years reads only their entries,
    and the proposal list's year filter tells it: the same rows and total as without."""
    migration = importlib.import_module("xieshang.textsim.migrations.0005_searchentry_year")
    p = proposal(district, "关于加强校园食品安全的建议")
    old = proposal(district, "关于落实校园食品安全的建议")
    Proposal.objects.filter(pk=old.pk).update(year=2025)
    index.index_object(Proposal.objects.get(pk=old.pk))
    assert (entry(p).year, entry(old).year) == (2026, 2025)
    SearchEntry.objects.update(year=None)
    index.rebuild([Proposal], jobs=1)
    assert (entry(p).year, entry(old).year) == (2026, 2025)
    SearchEntry.objects.update(year=None)

    class Editor:  # what `fill` uses of a schema editor (SQLite's refuses to open in a test)
        def __init__(self):
            self.connection = connection

        def execute(self, sql, params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    migration.fill(None, Editor())
    assert (entry(p).year, entry(old).year) == (2026, 2025)

    everyone = Proposal.objects.all()
    assert list(search(everyone, FIELDS, "食品安全", years=[2025])) == [old]
    assert set(search(everyone, FIELDS, "食品安全", years=[2025, 2026])) == {p, old}
    assert list(search(everyone, FIELDS, "食品安全", ranked=True, years=[2026])) == [p]
    with pytest.raises(ValueError):
        search(Topic.objects.all(), ["title"], "食品安全", years=[2026])

    # The list's filters name the year they ask; nothing else does.
    assert selectors.years_in(Q(year=2025) & Q(kind="session")) == [2025]
    assert selectors.years_in(Q(kind="session") & Q(year="2025")) == [2025]
    assert selectors.years_in(Q(year=2025) | Q(year=2026)) is None
    assert selectors.years_in(~Q(year=2025)) is None
    assert selectors.years_in(Q()) is None and selectors.years_in(None) is None

    office = user_with_role(Role.PROPOSAL_COMMITTEE, district, username="year_office")
    client.force_login(office)
    for year, shown in ((2025, old), (2026, p)):
        page = client.get(reverse("proposals:index"), {"q": "食品安全", "year": year}).text
        assert shown.title in page and "共找到 1 件" in page.replace(",", "")
        assert selectors.proposal_count(office, q="食品安全", where=Q(year=year)) == 1
    page = client.get(reverse("proposals:index"), {"q": "食品安全", "year": ""}).text
    assert p.title in page and old.title in page
    # The count reads that year's entries only (the index's year, not only the proposals').
    with CaptureQueriesContext(connection) as seen:
        selectors.proposal_count(office, q="食品安全", where=Q(year=2025))
    assert any('."year" IN (2025)' in q["sql"] for q in seen.captured_queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgres_plan_uses_the_gin_index(district, monkeypatch):
    """With enough rows that a scan is dearer (5,000 proposals and their entries, analysed, as
    the seed's rebuild ends), the planner looks the words up in the GIN index; no planner
    setting is changed. The proposals are there too: with the entries alone, the plan
    depended on what the proposals table's statistics held from earlier tests (a nested loop
    over 180 estimated proposals was cheaper, and CI failed on it once)."""
    ct = ContentType.objects.get_for_model(Proposal)
    vocabulary = [
        f"{a}{b}" for a in "城乡社区学校医院企业农村街道" for b in "教育养老停车就业物业交通"
    ]
    rows = Proposal.objects.bulk_create(
        Proposal(organisation=district, year=2026, title=f"第{i}件", status="submitted")
        for i in range(5000)
    )
    SearchEntry.objects.bulk_create(
        SearchEntry(
            content_type=ct,
            object_id=row.pk,
            title=" ".join(vocabulary[(i * 7 + k) % len(vocabulary)] for k in range(6)),
            body=" ".join(vocabulary[(i * 13 + k) % len(vocabulary)] for k in range(40))
            + (" 养老服务站 养老 老服 服务 务站" if i % 500 == 0 else ""),
        )
        for i, row in enumerate(rows)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE textsim_searchentry")
        cursor.execute("ANALYZE proposals_proposal")
    # The matches' ids are looked up through the index (few expected: then the list is
    # filtered by them), and so is the sub-select a search of many matches uses.
    plan = matching_entries(Proposal, "养老服务站").values("object_id").explain()
    assert "textsim_searchentry_vector_gin" in plan, plan
    monkeypatch.setattr(text_search, "FEW", 0)
    plan = search(Proposal.objects.all(), FIELDS, "养老服务站").explain()
    assert "textsim_searchentry_vector_gin" in plan, plan
    # A ranked search also looks for title matches: the titles' own GIN index serves that.
    titled = text_search._title_entries(Proposal, ct, text_search.pg_query(["养老服务站"]), None)
    plan = titled.explain()
    assert "textsim_searchentry_title_gin" in plan, plan
    # A search told its scope's organisations reads their entries off the scope's index: a
    # word in a quarter of the rows, one organisation of fifty. (Whether PostgreSQL also
    # ANDs in the GIN index depends on its estimates; either way no other row is read.)
    SearchEntry.objects.filter(content_type=ct).update(organisation_id=F("object_id") % 50)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE textsim_searchentry")
    common = vocabulary[0]
    assert matching_entries(Proposal, common).count() > 1000
    scoped = matching_entries(Proposal, common, organisations=[0])
    plan = scoped.values("object_id").explain()
    assert "textsim_entry_scope" in plan and "Seq Scan" not in plan, plan
    assert matching_entries(Proposal, "养老服务站").count() == 10


def test_a_save_that_changes_no_indexed_text_segments_nothing_and_reads_names_in_one_query(
    district, monkeypatch, django_assert_num_queries
):
    """Most saves of a proposal (its status, a deadline, a version) change none of the words
    it is found by: the entry's digest says so before any word is cut, and the co-signers'
    names are one query whatever their number."""
    p = proposal(district, "关于社区养老服务的建议", facts="老年人助餐点太少。")
    for name in ("李秀英", "王建国", "赵敏"):
        member = MemberFactory(organisation=district, name=name)
        Signer.objects.create(proposal=p, member=member, status=Signer.Status.CONFIRMED)
    assert search(Proposal.objects.all(), FIELDS, "赵敏").count() == 1
    cut = []
    words_of = index.words_of
    monkeypatch.setattr(index, "words_of", lambda text: cut.append(text) or words_of(text))
    p = Proposal.objects.get(pk=p.pk)  # as a service reads it: no signers prefetched
    # The signers' names, the entry's digest; nothing written.
    with django_assert_num_queries(2):
        index.index_object(p)
    assert cut == []
    p.facts = "老年人助餐点太少，送餐上门难。"
    index.index_object(p)
    assert cut  # the text changed: segmented and written
    assert search(Proposal.objects.all(), FIELDS, "送餐").count() == 1
