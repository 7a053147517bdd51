"""Answers to residents' issues published on the portal (issue 9): what is listed, what a
public page shows of the resident (nothing), and who may withhold an answer."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.residents.conftest import accepted, raise_issue, routed
from xieshang.core.models import Event
from xieshang.followups import services as followups
from xieshang.residents import services

pytestmark = pytest.mark.django_db
ANSWERS = reverse("residents_public:answers")


def answer_url(issue) -> str:
    return reverse("residents_public:answer", args=[issue.pk])


def closed(world, *, reply="已协调物业更换路灯。", **kwargs):
    issue, _code = raise_issue(world, **kwargs)
    return services.issue_close(issue=issue, actor=world["office"], reply=reply)


def act(client, issue, action, data):
    return client.post(reverse("residents:act", args=[issue.pk, action]), data)


@pytest.mark.clause("C2.11")
def test_a_published_answer_is_listed_and_shown_without_the_resident(client, world):
    issue, _code = routed(
        world,
        title="王阿姨家门口路灯不亮",
        description="北门路灯坏了一个月。有事请打13612345678找王阿姨。",
        location="幸福路12号3栋",
        resident_name="王阿姨",
        phone="13900001111",
    )
    followups.feedback_submit(
        task=issue.task,
        text="已更换路灯。王阿姨如有问题请拨13900001111，或致电住建局0571-87654321。",
        actor=world["clerk"],
    )
    listed = client.get(ANSWERS)
    assert listed.status_code == 200
    body = listed.content.decode()
    assert answer_url(issue) in body and "家门口路灯不亮" in body
    assert "王阿姨" not in body
    page = client.get(answer_url(issue))
    assert page.status_code == 200
    body = page.content.decode()
    assert "已更换路灯" in body and "北门路灯坏了一个月" in body
    assert "城关街道 · 东门社区" in body and "区住房和城乡建设局" in body
    for private in ("王阿姨", "13900001111", "13612345678", "87654321", "幸福路12号"):
        assert private not in body, private
    assert "139****1111" not in body  # not even masked: the resident is not on the page

    # A place without a number is shown (scrubbed like the rest).
    plain = closed(world, title="菜市场门口积水", location="东门菜市场门口", phone="")
    assert "东门菜市场门口" in client.get(answer_url(plain)).content.decode()


@pytest.mark.clause("C2.11")
def test_an_id_number_or_a_flat_in_the_residents_words_is_not_published(client, world):
    issue, _code = routed(
        world,
        title="3号楼2单元楼道灯不亮",
        description="幸福小区3号楼2单元301室门口的灯坏了。我的身份证号110101199003071234，"
        "电话13812345678。",
    )
    followups.feedback_submit(
        task=issue.task,
        text="已修复幸福小区3号楼2单元楼道灯。如仍有问题请拨打住建局服务热线0571-87654321。",
        actor=world["clerk"],
    )
    page = client.get(answer_url(issue)).content.decode()
    assert "楼道灯不亮" in page and "幸福小区" in page and "已修复" in page
    for private in ("110101199003071234", "3号楼", "301室", "13812345678"):
        assert private not in page, private
    opendata = client.get(reverse("portal:data_csv", args=["resident-answers"]))
    csv = b"".join(opendata.streaming_content if opendata.streaming else [opendata.content])
    assert "楼道灯不亮".encode() in csv
    for private in ("110101199003071234", "3号楼", "301室"):
        assert private.encode() not in csv, private


@pytest.mark.clause("C2.11")
def test_a_flat_number_written_bare_after_the_entrance_is_not_published(client, world):
    """ "3号楼2单元501" is how most residents write their flat: the bare 501 goes too, not
    only the building and entrance before it."""
    issue = closed(
        world,
        description="晚上很黑。我住3号楼2单元501，楼下5栋1203也反映过。",
        reply="已修好，您家3号楼2单元501门口的灯也换了。",
    )
    page = client.get(answer_url(issue)).content.decode()
    assert "晚上很黑" in page and "已修好" in page
    for private in ("501", "1203"):
        assert private not in page, private
    opendata = client.get(reverse("portal:data_csv", args=["resident-answers"]))
    csv = b"".join(opendata.streaming_content if opendata.streaming else [opendata.content])
    assert "晚上很黑".encode() in csv and b"501" not in csv and b"1203" not in csv


@pytest.mark.clause("C2.11")
def test_what_is_not_public_is_neither_listed_nor_reachable(client, world):
    published = closed(world, title="公开的答复")
    withheld, code = raise_issue(world, title="不公开的答复")
    withheld = services.issue_close(issue=withheld, actor=world["office"], reply="已调解。")
    services.issue_answer_withhold(issue=withheld, actor=world["liaison"], reason="涉及邻里纠纷")
    rejected, _c = raise_issue(world, title="被拒的事项")
    services.issue_reject(issue=rejected, actor=world["office"], reason="广告")
    spam = closed(
        world, title="垃圾信息事项", verdict=SimpleNamespace(spam=True, held=True, reasons=["x"])
    )
    # Held by the screening for a person's look, then accepted and answered: public.
    held = closed(world, title="曾待甄别的事项", verdict=SimpleNamespace(spam=False, held=True))
    unanswered, _c = accepted(world, title="尚未答复的事项")
    waiting, _c = routed(world, title="等待部门答复的事项")
    rejected.refresh_from_db()
    assert rejected.status == "rejected" and spam.status == held.status == "closed"

    body = client.get(ANSWERS).content.decode()
    assert "公开的答复" in body and client.get(answer_url(published)).status_code == 200
    assert "曾待甄别的事项" in body and client.get(answer_url(held)).status_code == 200
    for issue in (withheld, rejected, spam, unanswered, waiting):
        assert issue.title not in body, issue.title
        assert client.get(answer_url(issue)).status_code == 404, issue.title
    assert client.get(reverse("residents_public:answer", args=[999999])).status_code == 404
    # The resident still reads a withheld answer on their own lookup page.
    lookup = reverse("residents_public:lookup")
    assert client.post(lookup, {"ticket": withheld.ticket, "code": code}).status_code == 302
    assert "已调解。" in client.get(lookup).content.decode()


@pytest.mark.clause("C2.11")
def test_withhold_and_restore_are_audited(client, world):
    issue = closed(world, title="楼道堆物")
    client.force_login(world["liaison"])
    detail = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    assert "act-withhold" in detail and answer_url(issue) in detail

    assert act(client, issue, "withhold", {"withhold-reason": ""}).status_code == 400
    assert act(client, issue, "withhold", {"withhold-reason": "涉及具体住户"}).status_code == 302
    issue.refresh_from_db()
    assert not issue.answer_public
    event = Event.objects.get(verb="resident_issue.answer_withhold", object_id=str(issue.pk))
    assert event.actor == world["liaison"] and event.note == "涉及具体住户"
    assert client.get(answer_url(issue)).status_code == 404
    # Twice is refused and writes nothing more.
    again = act(client, issue, "withhold", {"withhold-reason": "再次"})
    assert again.status_code == 400 and "已不公开" in again.content.decode()
    assert Event.objects.filter(verb="resident_issue.answer_withhold").count() == 1
    detail = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    assert "act-publish" in detail and "act-withhold" not in detail

    client.force_login(world["convener"])  # convener of the community's platform
    assert act(client, issue, "publish", {"publish-note": "已核实可公开"}).status_code == 302
    issue.refresh_from_db()
    assert issue.answer_public
    event = Event.objects.get(verb="resident_issue.answer_publish", object_id=str(issue.pk))
    assert event.actor == world["convener"] and event.note == "已核实可公开"
    assert client.get(answer_url(issue)).status_code == 200


@pytest.mark.clause("C2.11")
def test_a_department_or_another_district_cannot_withhold(client, world):
    issue, _code = routed(world, title="路面坑洼")
    followups.feedback_submit(task=issue.task, text="已修补路面。", actor=world["clerk"])
    issue.refresh_from_db()
    changes = Event.objects.filter(verb__startswith="resident_issue.")
    before = changes.count()
    client.force_login(world["clerk"])  # sees the issue (routed to it), may not triage
    assert act(client, issue, "withhold", {"withhold-reason": "x"}).status_code == 403
    for who in ("other_office", "other_clerk", "liaison2"):
        client.force_login(world[who])
        assert act(client, issue, "withhold", {"withhold-reason": "x"}).status_code == 404, who
    for who in ("clerk", "other_office"):
        with pytest.raises(PermissionDenied):
            services.issue_answer_withhold(issue=issue, actor=world[who], reason="x")
    issue.refresh_from_db()
    assert issue.answer_public and changes.count() == before
    assert client.get(answer_url(issue)).status_code == 200


def test_the_list_filters_by_street(client, world):
    here = closed(world, title="东门社区的答复")
    there = closed(world, title="新华街道的答复", organisation=world["street2"])
    body = client.get(ANSWERS + f"?street={world['street'].pk}").content.decode()
    assert here.title in body and there.title not in body
    body = client.get(ANSWERS + f"?street={world['street2'].pk}").content.decode()
    assert there.title in body and here.title not in body
    for bad in ("abc", "-1", "99999999", str(world["community"].pk), "1e3"):
        assert client.get(ANSWERS + f"?street={bad}").status_code == 400, bad
    assert client.get(ANSWERS + "?page=x").status_code == 400


def test_newest_answer_first_and_linked_from_the_portal(client, world):
    first = closed(world, title="先答复的事项")
    second = closed(world, title="后答复的事项")
    body = client.get(ANSWERS).content.decode()
    assert body.index(second.title) < body.index(first.title)
    assert ANSWERS in client.get(reverse("portal:home")).content.decode()
    assert ANSWERS in client.get(reverse("residents_public:submit")).content.decode()


@pytest.mark.clause("C2.11")
def test_the_list_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    for n in range(3):
        closed(world, title=f"事项{n}")
    client.get(ANSWERS)  # warm caches (content types)
    with django_assert_num_queries(3) as few:
        response = client.get(ANSWERS)
    assert response.content.decode().count("/portal/issues/answers/") >= 3
    for n in range(27):
        closed(world, title=f"更多事项{n}", organisation=world["street2"])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(ANSWERS)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(ANSWERS + f"?street={world['street2'].pk}&page=2")


@pytest.mark.parametrize("street", ["abc", "-1", "99999999999999999999"])
def test_a_wrong_street_in_the_address_says_so_in_words(client, world, street):
    response = client.get(ANSWERS, {"street": street})
    assert response.status_code == 400
    body = response.content.decode()
    assert "街道（street）不是有效的选项。" in body
    assert "9223372036854775807" not in body


@pytest.mark.clause("C2.11")
def test_the_answering_unit_is_named_for_every_kind_of_answer(client, world):
    """答复单位 on the answer's page and in open data: the department (also once the issue
    is closed after a review of its answer), the platform whose session settled it, or the
    street or community that replied itself. Only the department's had been named."""
    import csv
    import datetime as dt
    import io

    from django.utils import timezone

    departments, _code = routed(world, title="部门答复后维持办结")
    followups.feedback_submit(task=departments.task, text="已更换路灯。", actor=world["clerk"])
    departments.refresh_from_db()
    services.issue_rate(issue=departments, rating="dissatisfied", comment="太慢")
    services.issue_review_close(issue=departments, actor=world["liaison"], reply="已督促。")
    settled, _code = accepted(world, title="议事会协商解决")
    type(settled).objects.filter(pk=settled.pk).update(
        created_at=timezone.now() - dt.timedelta(days=5)
    )
    services.issue_settle(
        issue=settled, actor=world["convener"], session=world["held"], result="物业本月修复。"
    )
    direct = closed(world, title="街道直接答复")

    opendata = client.get(reverse("portal:data_csv", args=["resident-answers"]))
    text = b"".join(opendata.streaming_content if opendata.streaming else [opendata.content])
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert {row["事项"]: row["答复单位"] for row in rows} == {
        "部门答复后维持办结": "区住房和城乡建设局",
        "议事会协商解决": "东门社区议事厅",
        "街道直接答复": "东门社区",
    }
    for issue, unit in [(settled, "东门社区议事厅"), (direct, "东门社区")]:
        assert f"· {unit}</dd>" in client.get(answer_url(issue)).content.decode()
