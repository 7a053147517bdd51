"""The home cards cached across worker processes (core.changes, core.dashboard.cached_cards,
kept by core.regions.kept in core_renderedregion): served from the database while no committed
write has moved the change generation, rebuilt after one, never another user's or another
language's, never older than the age bound.

The write-then-read tests are transactional: the generation moves after a commit, which a
plain test (one transaction rolled back at its end) never makes."""

import datetime as dt
import json
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import set_script_prefix
from django.utils import timezone, translation

from tests.factories import MemberFactory, TermFactory, UserFactory, make_org, seat, user_with_role
from xieshang.core import changes, dashboard, regions
from xieshang.core.models import Event, RenderedRegion, User
from xieshang.orgs.models import Level, Role, RoleAssignment, Session
from xieshang.proposals import services as proposal_services
from xieshang.proposals.models import Proposal

TEXT = {
    "title": "关于加快老旧小区加装电梯的建议",
    "facts": "我区2000年以前建成的老旧小区共有住宅楼1200余栋，多数为六层无电梯。",
    "analysis": "加装电梯涉及资金分摊、规划审批和居民意见统一等问题。",
    "suggestions": "一是简化审批流程；二是设立财政补贴；三是建立协商议事机制。",
    "category": "社会建设",
}


@pytest.fixture
def cache_on(settings):
    settings.HOME_CARDS_CACHE = True
    settings.HOME_CARDS_CACHE_SECONDS = 600


class District:
    """A district with its proposal committee (the 提案审查 card counts what waits for
    review), its office and two members with logins and seats."""

    def __init__(self):
        self.org = make_org("示范区政协", Level.DISTRICT)
        self.term = TermFactory(organisation=self.org, number=15, start_date=dt.date(2022, 1, 10))
        Session.objects.create(
            term=self.term,
            number=5,
            start_date=dt.date(2026, 1, 12),
            end_date=dt.date(2026, 1, 15),
            proposal_deadline=dt.date(2026, 1, 14),
        )
        self.reviewer = user_with_role(Role.PROPOSAL_COMMITTEE, self.org)
        self.office = user_with_role(Role.OFFICE, self.org)
        self.members = [self.member() for _ in range(2)]

    def member(self) -> User:
        user = UserFactory()
        seat(MemberFactory(organisation=self.org, user=user), self.term)
        RoleAssignment.objects.create(user=user, organisation=self.org, role=Role.MEMBER)
        return user

    def submit(self, user: User) -> Proposal:
        proposal = proposal_services.proposal_create(actor=user, organisation=self.org, **TEXT)
        return proposal_services.proposal_submit(proposal=proposal, actor=user)


def client_for(user, language: str = "") -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def badge(html: str, title: str) -> int | None:
    """The count shown on the card titled `title`; None when the card has no badge."""
    match = re.search(
        rf'card-title mb-1">{re.escape(title)}(?: <span class="badge[^"]*">(\d+)</span>)?</h2>',
        html,
    )
    assert match, f"no card {title!r}"
    return int(match.group(1)) if match.group(1) else None


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def generation() -> int:
    return changes.current()


def card_row(user, language: str = "zh-hans") -> RenderedRegion:
    """The row holding `user`'s home cards in `language`, as stored today under this code."""
    with translation.override(language):
        return RenderedRegion.objects.get(user=user, key=dashboard._key())


# --- which statements move the generation -----------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        'INSERT INTO "proposals_proposal" ("title") VALUES (%s)',
        'UPDATE "proposals_proposal" SET "status" = %s WHERE "id" = %s',
        'DELETE FROM "orgs_roleassignment" WHERE "id" IN (%s)',
        'INSERT OR IGNORE INTO "members_member" ("name") VALUES (%s)',
        'REPLACE INTO "orgs_orgsetting" ("key") VALUES (%s)',
        'UPDATE "core_user" SET "is_superuser" = %s WHERE "core_user"."id" = %s',
        # Not recognised as a read: bumps whatever it touches.
        'WITH moved AS (UPDATE "x" SET "a" = 1 RETURNING "id") SELECT * FROM moved',
        'TRUNCATE "proposals_proposal"',
        'ALTER TABLE "proposals_proposal" ADD COLUMN "x" integer',
    ],
)
def test_writes_to_the_domain_tables_move_the_generation(sql):
    assert changes.writes_watched_table(sql)


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT COUNT(*) FROM "proposals_proposal"',
        '(SELECT "id" FROM "a") UNION (SELECT "id" FROM "b")',
        'SAVEPOINT "s1_x1"',
        'RELEASE SAVEPOINT "s1_x1"',
        "BEGIN",
        'UPDATE "django_session" SET "expire_date" = %s WHERE "session_key" = %s',
        'UPDATE "core_accountsession" SET "expire_date" = %s WHERE "session_key" = %s',
        'INSERT INTO "core_event" ("verb") VALUES (%s)',
        'INSERT INTO "core_renderedregion" ("user_id") VALUES (%s) ON CONFLICT DO NOTHING',
        'UPDATE "core_changegeneration" SET "n" = "n" + 1 WHERE "id" = 1',
        'INSERT INTO "axes_accesslog" ("username") VALUES (%s)',
        'UPDATE "core_user" SET "last_login" = %s WHERE "core_user"."id" = %s',
    ],
)
def test_reads_and_the_unwatched_tables_leave_it(sql):
    assert not changes.writes_watched_table(sql)


@pytest.mark.django_db
def test_the_unwatched_tables_exist_and_no_card_reads_them(cache_on):
    """Leaving a table out is only right while no card depends on it: build the cards of
    every role (and a member, a department clerk, the superuser) and look at what they read."""
    from django.db import connection as c

    tables = set(c.introspection.table_names())
    assert changes.UNWATCHED <= tables, changes.UNWATCHED - tables
    d = District()
    users = [user_with_role(role, d.org) for role in Role.values]
    users += [d.members[0], UserFactory(is_superuser=True)]
    with CaptureQueriesContext(c) as ctx:
        for user in users:
            dashboard.build_cards(User.objects.get(pk=user.pk))
    read = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "proposals_proposal" in read  # the capture saw the cards' queries
    assert not [t for t in changes.UNWATCHED if f'"{t}"' in read]
    # last_login is read as a column of the user's row, never filtered or sorted on.
    for q in ctx.captured_queries:
        assert not re.search(r'"last_login"\s*(=|<|>|IS|IN|BETWEEN)', q["sql"]), q["sql"]
        _select, order_by, ordering = q["sql"].rpartition("ORDER BY")
        assert not order_by or '"last_login"' not in ordering, q["sql"]


# --- served from the cache ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_visit_is_served_from_the_stored_cards(cache_on):
    d = District()
    client = client_for(d.reviewer)
    first = home(client)
    assert badge(first, "提案审查") == 0
    row = card_row(d.reviewer)
    # What the page shows comes from the row: change its count, and the page says so.
    cards = json.loads(row.body)
    for card in cards:
        if card[0] == "提案审查":
            card[3] = 7
    RenderedRegion.objects.filter(pk=row.pk).update(body=json.dumps(cards, ensure_ascii=False))
    with CaptureQueriesContext(connection) as cached:
        assert badge(home(client), "提案审查") == 7
    with CaptureQueriesContext(connection) as built:
        assert dashboard.build_cards(User.objects.get(pk=d.reviewer.pk))
    # The cards' own queries are not run: one read of the row instead.
    assert not [q for q in cached.captured_queries if "proposals_proposal" in q["sql"]]
    assert len(built) > 3


@pytest.mark.django_db
def test_the_cache_switched_off_stores_nothing_and_moves_nothing(settings):
    settings.HOME_CARDS_CACHE = False
    d = District()
    before = generation()
    with transaction.atomic():
        d.submit(d.members[0])
        assert not [f for _s, f, _r in connection.run_on_commit if f is changes.bump]
    assert badge(home(client_for(d.reviewer)), "提案审查") == 1
    assert not RenderedRegion.objects.exists()
    assert generation() == before


@pytest.mark.django_db
def test_another_user_never_gets_the_first_users_cards(cache_on):
    d = District()
    reviewer_page = home(client_for(d.reviewer))
    member_page = home(client_for(d.members[0]))
    assert "提案审查" in reviewer_page and "提案审查" not in member_page
    assert "我的提案" in member_page and "我的提案" not in reviewer_page
    # And again, now that both rows are stored.
    assert "提案审查" not in home(client_for(d.members[0]))
    assert "我的提案" not in home(client_for(d.reviewer))
    assert RenderedRegion.objects.count() == 2
    assert card_row(d.reviewer).pk != card_row(d.members[0]).pk


@pytest.mark.django_db
def test_each_language_gets_its_own_cards(cache_on):
    d = District()
    assert "提案审查" in home(client_for(d.reviewer))
    english = home(client_for(d.reviewer, "en"))
    assert "提案审查" not in english and "Proposal review" in english
    assert "提案审查" in home(client_for(d.reviewer, "zh-hans"))
    assert RenderedRegion.objects.count() == 2
    assert card_row(d.reviewer, "zh-hans").pk != card_row(d.reviewer, "en").pk
    # Stored as plain text, not as lazy translations.
    assert any(card[0] == "Proposal review" for card in json.loads(card_row(d.reviewer, "en").body))


def _tamper(user, **changes_):
    """Mark the stored cards (a count of 99 on every card with a badge) so that a test can
    tell whether the page came from the row."""
    row = card_row(user)
    cards = json.loads(row.body)
    for card in cards:
        if card[3] is not None:
            card[3] = 99
    RenderedRegion.objects.filter(pk=row.pk).update(body=json.dumps(cards), **changes_)


@pytest.mark.django_db
def test_stored_cards_older_than_the_bound_are_rebuilt(cache_on):
    d = District()
    client = client_for(d.reviewer)
    home(client)
    _tamper(d.reviewer)
    assert badge(home(client), "提案审查") == 99
    old = timezone.now() - dt.timedelta(seconds=601)
    RenderedRegion.objects.filter(user=d.reviewer).update(built_at=old)
    assert badge(home(client), "提案审查") == 0
    assert card_row(d.reviewer).built_at > old


@pytest.mark.django_db
def test_yesterdays_cards_are_not_served_today(cache_on, monkeypatch):
    d = District()
    client = client_for(d.reviewer)
    home(client)
    _tamper(d.reviewer)
    assert badge(home(client), "提案审查") == 99
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(dashboard.timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert badge(home(client), "提案审查") == 0


@pytest.mark.django_db
def test_cards_built_by_other_code_or_under_another_prefix_are_not_served(cache_on, monkeypatch):
    d = District()
    client = client_for(d.reviewer)
    home(client)
    _tamper(d.reviewer)
    assert badge(home(client), "提案审查") == 99
    # Another provider registered.
    with monkeypatch.context() as m:
        m.setattr(dashboard, "_providers", [*dashboard._providers, lambda user: []])
        assert badge(home(client), "提案审查") == 0
    _tamper(d.reviewer)
    assert badge(home(client), "提案审查") == 99
    # A provider's module (or the translations) changed on disk.
    with monkeypatch.context() as m:
        regions.code_of.cache_clear()
        m.setattr(regions, "_mtime", lambda path: "another build")
        assert badge(home(client), "提案审查") == 0
    regions.code_of.cache_clear()
    _tamper(d.reviewer)
    assert badge(home(client), "提案审查") == 99
    # Another URL prefix: the links differ.
    set_script_prefix("/xs/")
    try:
        cards = dashboard.cards_for(d.reviewer)
    finally:
        set_script_prefix("/")
    review = next(card for card in cards if card.title == "提案审查")
    assert review.count == 0 and review.url.startswith("/xs/")


# --- the generation moves after commits, and only then --------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_proposal_submitted_in_another_request_shows_on_the_next_visit(cache_on):
    d = District()
    d.submit(d.members[0])
    reviewer = client_for(d.reviewer)
    assert badge(home(reviewer), "提案审查") == 1
    assert badge(home(reviewer), "提案审查") == 1  # served from the row
    stored_at = card_row(d.reviewer).generation
    # The member submits through the page, as a member would.
    member = client_for(d.members[1])
    draft = proposal_services.proposal_create(actor=d.members[1], organisation=d.org, **TEXT)
    response = member.post(f"/proposals/{draft.pk}/act/submit/")
    assert response.status_code in (200, 302), response.status_code
    assert Proposal.objects.get(pk=draft.pk).status == Proposal.Status.SUBMITTED
    assert generation() > stored_at
    assert badge(home(reviewer), "提案审查") == 2


@pytest.mark.django_db(transaction=True)
def test_a_write_on_another_connection_moves_the_generation_after_its_commit(cache_on):
    """Another worker's write: a thread has its own database connection."""
    import threading

    from django.db import connections

    d = District()
    home(client_for(d.reviewer))
    before = generation()
    seen: dict = {}

    def other_worker():
        try:
            with transaction.atomic():
                d.submit(d.members[0])
                seen["inside"] = generation()  # the write is not committed: not moved yet
            seen["after"] = generation()
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    thread.join()
    assert seen == {"inside": before, "after": before + 1}  # once for the whole transaction
    assert badge(home(client_for(d.reviewer)), "提案审查") == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_the_generation(cache_on):
    d = District()
    before = generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        d.submit(d.members[0])
        raise RuntimeError
    assert generation() == before
    # A savepoint rolled back inside a transaction that writes nothing else: the same.
    with transaction.atomic():
        Proposal.objects.count()
        try:
            with transaction.atomic():
                d.submit(d.members[0])
                raise RuntimeError
        except RuntimeError:
            pass
    assert generation() == before
    assert not Proposal.objects.exists()
    # ... and a savepoint rolled back after a bump was registered in it, then another write
    # in the outer transaction: that write still bumps.
    with transaction.atomic():
        try:
            with transaction.atomic():
                d.submit(d.members[0])
                raise RuntimeError
        except RuntimeError:
            pass
        d.submit(d.members[1])
    assert generation() == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_write_in_autocommit_moves_it_at_once_and_reads_and_visits_do_not(cache_on):
    d = District()
    before = generation()
    User.objects.filter(pk=d.office.pk).update(full_name="办公室")
    assert generation() == before + 1
    # The home page, its stored row, a login's session, last_login and audit rows: none.
    client = Client()
    assert client.post("/accounts/login/", {"username": d.reviewer.username, "password": "x"})
    client.force_login(d.reviewer)
    home(client)
    home(client)
    Event.objects.create(verb="test.read")
    assert generation() == before + 1
    assert card_row(d.reviewer).generation == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_role_given_in_another_request_changes_the_cards(cache_on):
    d = District()
    client = client_for(d.members[0])
    assert "提案审查" not in home(client)
    RoleAssignment.objects.create(
        user=d.members[0], organisation=d.org, role=Role.PROPOSAL_COMMITTEE
    )
    assert "提案审查" in home(client)


@pytest.mark.django_db
def test_the_bump_runs_on_commit_once_a_transaction(cache_on, django_capture_on_commit_callbacks):
    """The test's own transaction stands for a request's: many writes, one bump, after."""
    before = generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        d = District()
        d.submit(d.members[0])
        d.submit(d.members[1])
        assert generation() == before  # never before the commit
    assert [f for f in callbacks if f is changes.bump] == [changes.bump]
    assert generation() == before + 1


@pytest.mark.django_db
def test_migrate_moves_the_generation_and_makes_its_row(cache_on):
    from django.apps import apps

    from xieshang.core.models import ChangeGeneration

    before = generation()
    changes.after_migrate(apps.get_app_config("core"), using="default")
    assert generation() == before + 1
    ChangeGeneration.objects.all().delete()
    d = District()
    # No row: the cards are built, not stored.
    assert badge(home(client_for(d.reviewer)), "提案审查") == 0
    assert not RenderedRegion.objects.exists()
    changes.after_migrate(apps.get_app_config("core"), using="default")
    assert generation() == 1


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_while_the_cards_are_built_leaves_them_stale(cache_on, monkeypatch):
    """The generation is read before the cards are built: a write another worker commits
    after a card has counted, but before the row is stored, leaves the row stale."""
    import threading

    from django.db import connections

    d = District()
    armed = [True]

    def racing(user):
        waiting = Proposal.objects.filter(status=Proposal.Status.SUBMITTED).count()
        if armed.pop() if armed else False:

            def other_worker():
                try:
                    d.submit(d.members[0])
                finally:
                    connections.close_all()

            thread = threading.Thread(target=other_worker)
            thread.start()
            thread.join()
        return [dashboard.Card("竞态", "", "/", waiting, order=1)]

    monkeypatch.setattr(dashboard, "_providers", [*dashboard._providers, racing])
    client = client_for(d.reviewer)
    assert badge(home(client), "竞态") == 0  # counted before the other worker's write
    assert badge(home(client), "竞态") == 1


@pytest.mark.django_db(transaction=True)
def test_executemany_moves_the_generation(cache_on):
    d = District()
    before = generation()
    with connection.cursor() as cursor:
        cursor.executemany(
            'UPDATE "core_user" SET "full_name" = %s WHERE "id" = %s',
            [("甲", d.office.pk), ("乙", d.reviewer.pk)],
        )
    assert generation() == before + 1


@pytest.mark.django_db
def test_a_connection_opened_inside_another_wrapper_keeps_watching_after_it():
    from django.db.backends.signals import connection_created

    def noop(execute, sql, params, many, context):
        return execute(sql, params, many, context)

    connection.execute_wrappers.remove(changes.watch_writes)  # as before its first connect
    try:
        with connection.execute_wrapper(noop):
            # What connect() sends when the block opens the connection.
            connection_created.send(sender=type(connection), connection=connection)
        assert noop not in connection.execute_wrappers
        assert changes.watch_writes in connection.execute_wrappers
    finally:
        changes.install(connection=connection)
