"""The public and staff pages of residents' issues."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.residents.conftest import accepted, raise_issue, routed
from xieshang.core.models import Event
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.residents import services
from xieshang.residents.models import ResidentIssue

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]
SUBMIT = reverse("residents_public:submit")
LOOKUP = reverse("residents_public:lookup")


def form_data(world, **overrides):
    data = {
        "organisation": world["community"].pk,
        "title": "小区门口路灯不亮",
        "description": "北门路灯坏了一个月。",
        "location": "东门小区北门",
        "resident_name": "",
        "phone": "13900001111",
        "website": "",
    }
    data.update(overrides)
    return data


def test_a_resident_raises_an_issue_and_sees_ticket_and_code_once(client, world):
    page = client.get(SUBMIT)
    assert page.status_code == 200
    body = page.content.decode()
    assert "个人信息保护法" in body and "东门社区" in body
    response = client.post(SUBMIT, form_data(world))
    assert response.status_code == 302 and response.url == reverse("residents_public:thanks")
    issue = ResidentIssue.objects.get()
    thanks = client.get(response.url).content.decode()
    assert issue.ticket in thanks and "请保存好" in thanks
    code = client.session["resident_issue_thanks"]["code"]
    assert services.find_by_ticket(issue.ticket, code) == issue
    assert issue.status == "submitted" and issue.phone == "13900001111"
    # Another browser sees nothing of it: it is sent to the lookup form.
    from django.test import Client

    other = Client().get(response.url)
    assert other.status_code == 302 and other.url == reverse("residents_public:lookup")
    assert issue.ticket not in Client().get(other.url).content.decode()


def test_the_same_form_sent_twice_gives_one_ticket(client, world):
    page = client.get(SUBMIT).content.decode()
    once = re.search(r'name="once" value="([^"]+)"', page).group(1)
    first = client.post(SUBMIT, form_data(world, once=once))
    ticket = client.session["resident_issue_thanks"]["ticket"]
    # Back and submit again (or a double tap): the first ticket, no second issue.
    again = client.post(SUBMIT, form_data(world, once=once))
    assert first.status_code == again.status_code == 302
    assert ResidentIssue.objects.count() == 1
    assert ticket in client.get(again.url).content.decode()
    # A new form with other words is a new matter.
    fresh = re.search(r'name="once" value="([^"]+)"', client.get(SUBMIT).content.decode())
    assert fresh.group(1) != once
    client.post(SUBMIT, form_data(world, once=fresh.group(1), title="楼道灯也不亮"))
    assert ResidentIssue.objects.count() == 2


def test_back_then_submit_again_on_a_phone_gives_the_first_ticket(client, world):
    """A phone's browser fetches the form anew on "back" (a new `once`) and puts the typed
    words back: sent again, they are the issue already raised, not a second one."""
    first_form = client.get(SUBMIT).content.decode()
    once = re.search(r'name="once" value="([^"]+)"', first_form).group(1)
    client.post(SUBMIT, form_data(world, once=once))
    ticket = client.session["resident_issue_thanks"]["ticket"]
    code = client.session["resident_issue_thanks"]["code"]
    back = client.get(SUBMIT).content.decode()
    once_after_back = re.search(r'name="once" value="([^"]+)"', back).group(1)
    assert once_after_back != once
    # Blanks the phone's keyboard added do not make it another matter.
    again = client.post(
        SUBMIT,
        form_data(world, once=once_after_back, description=" 北门路灯坏了一个月。\n"),
    )
    assert again.status_code == 302
    assert ResidentIssue.objects.count() == 1
    thanks = client.get(again.url).content.decode()
    assert ticket in thanks and code in thanks
    # Another browser raising the same words is another resident: a ticket of its own.
    from django.test import Client

    Client().post(SUBMIT, form_data(world, once="other-browser"))
    assert ResidentIssue.objects.count() == 2
    # So is the same browser an hour later.
    with time_machine.travel(dt.timedelta(hours=1, minutes=1)):
        client.post(SUBMIT, form_data(world, once="an-hour-later"))
    assert ResidentIssue.objects.count() == 3


def test_the_public_form_speaks_in_its_own_words(client, world):
    response = client.post(SUBMIT, form_data(world, title="", description="", phone="123"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "请用一句话说明您反映的事" in body and "请填写11位手机号码" in body
    for stock in (
        "这个字段是必填项",
        "This field is required",
        "Enter a valid value",
        "输入一个有效的值",
    ):
        assert stock not in body
    assert "北门路灯坏了一个月" not in body  # it was blank
    kept = client.post(SUBMIT, form_data(world, phone="123")).content.decode()
    assert "北门路灯坏了一个月" in kept  # what was typed is kept


def test_a_short_genuine_complaint_passes_screening_clean(client, world):
    client.post(SUBMIT, form_data(world, title="路灯坏了", description="路灯不亮"))
    issue = ResidentIssue.objects.get()
    assert not issue.screen_spam and not issue.screen_held


def test_spam_is_marked_for_the_moderator(client, world):
    client.post(
        SUBMIT,
        form_data(world, title="百家乐首存送彩金", description="真人娱乐 加微信 abc12345 返水"),
    )
    issue = ResidentIssue.objects.get()
    assert issue.screen_spam and issue.screen_reasons


def test_the_form_is_rate_limited_per_client(client, world):
    for n in range(5):
        assert client.post(SUBMIT, form_data(world, title=f"第{n}件事")).status_code == 302
    refused = client.post(SUBMIT, form_data(world, title="第六件事"))
    assert refused.status_code == 429 and "太频繁" in refused.content.decode()


@pytest.mark.parametrize("typed", ["138-0013-8000", "１３８００１３８０００", "+86 138 0013 8000"])
def test_a_phone_number_typed_with_dashes_or_full_width_digits_is_taken(client, world, typed):
    response = client.post(SUBMIT, form_data(world, phone=typed))
    assert response.status_code == 302
    assert ResidentIssue.objects.get().phone == "13800138000"


def test_a_phone_number_that_is_not_one_is_refused_with_the_text_kept(client, world):
    response = client.post(SUBMIT, form_data(world, phone="1380013", title="井盖松动"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写11位手机号码" in body and 'value="井盖松动"' in body
    assert not ResidentIssue.objects.exists()


def test_the_portals_one_progress_link_finds_an_issue_as_well_as_a_topic(client, world):
    """The portal's menu has one "办理进展查询" (the topics' lookup): an issue's ticket typed
    there reaches the issue, and a topic's typed on the issues' page reaches the topics'."""
    issue, code = accepted(world)
    topics = reverse("consultation_public:lookup")
    assert f'href="{topics}"' in client.get(reverse("portal:home")).content.decode()
    response = client.post(topics, {"ticket": issue.ticket.lower(), "code": code})
    assert response.status_code == 307 and response.url == LOOKUP
    page = client.post(topics, {"ticket": issue.ticket, "code": code}, follow=True)
    assert issue.title in client.get(LOOKUP).content.decode()
    assert page.redirect_chain[0] == (LOOKUP, 307)
    # A topic's ticket in the issues' lookup goes the other way, and a wrong code is told so.
    wrong = client.post(LOOKUP, {"ticket": "YT2026000001", "code": "ABCDEF"}, follow=True)
    assert wrong.redirect_chain[0] == (topics, 307)
    assert "未找到相符的记录" in wrong.content.decode()


def test_lookup_by_ticket_and_code_shows_steps_and_the_answer(client, world):
    issue, code = routed(world)
    followups.feedback_submit(
        task=issue.task, text="已更换路灯。经办人：王工，电话13812345678", actor=world["clerk"]
    )
    response = client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    assert response.status_code == 302
    page = client.get(LOOKUP).content.decode()
    assert "已更换路灯" in page and "13812345678" not in page and "王工" not in page
    assert "已转区住房和城乡建设局办理" in page and "已受理" in page
    assert "城关联络员" not in page and "区政协办" not in page  # no staff names
    # Rate once.
    rated = client.post(reverse("residents_public:rate"), {"rating": "satisfied", "comment": ""})
    assert rated.status_code == 302
    issue.refresh_from_db()
    assert issue.rating == "satisfied"
    page = client.get(LOOKUP).content.decode()
    assert "rate-form" not in page and "您的评价" in page
    again = client.post(reverse("residents_public:rate"), {"rating": "dissatisfied"})
    issue.refresh_from_db()
    assert again.status_code == 400 and issue.rating == "satisfied"


def test_a_wrong_code_answers_like_an_unknown_ticket(client, world):
    issue, code = raise_issue(world)
    wrong = client.post(LOOKUP, {"ticket": issue.ticket, "code": "ZZZZZZ"})
    unknown = client.post(LOOKUP, {"ticket": "MQ2000-000009", "code": code})
    assert wrong.status_code == unknown.status_code == 404
    for response in (wrong, unknown):
        body = response.content.decode()
        assert "没有找到该事项，请核对受理编号和查询码。" in body
        assert "小区门口路灯不亮" not in body
    assert client.post(reverse("residents_public:rate"), {"rating": "basic"}).status_code == 302


def test_the_queue_masks_phones_and_shows_screening_marks(client, world):
    raise_issue(world)
    client.force_login(world["liaison"])
    body = client.get(reverse("residents:queue")).content.decode()
    assert "139****1111" in body and "13900001111" not in body


def test_the_queue_card_on_a_phone_keeps_the_raised_date_and_a_big_tick_box(client, world):
    """A liaison triages by age: 提出时间 is not among the cells a phone hides, and the tick
    box for bulk actions sits in a label that site.css makes 44 px on a phone."""
    raise_issue(world)
    client.force_login(world["liaison"])
    body = client.get(reverse("residents:queue")).content.decode()
    date_cell = re.search(r'<td[^>]*data-label="提出时间"[^>]*>', body).group(0)
    assert "xs-col-minor" not in date_cell
    assert re.search(r'<label class="xs-pick"><input[^>]*name="issues"', body)
    css = (settings.BASE_DIR / "xieshang" / "static" / "xs" / "site.css").read_text()
    rule = re.search(r"\.xs-list \.xs-pick \{([^}]*)\}", css).group(1)
    assert "min-width: 44px" in rule and "min-height: 44px" in rule


def test_the_detail_shows_the_whole_number_only_on_request_and_logs_it(client, world):
    issue, _code = raise_issue(world)
    client.force_login(world["liaison"])
    url = reverse("residents:detail", args=[issue.pk])
    assert "13900001111" not in client.get(url).content.decode()
    assert not Event.objects.filter(verb="pii.view").exists()
    assert "13900001111" in client.get(url + "?phone=1").content.decode()
    assert Event.objects.filter(verb="pii.view", object_id=str(issue.pk)).count() == 1
    client.force_login(world["supervisor"])  # may read, not call the resident
    assert "13900001111" not in client.get(url + "?phone=1").content.decode()


def test_numbers_typed_into_the_description_are_masked_like_the_phone(client, world):
    issue, _code = routed(
        world, description="路灯坏了。我的电话138 1234 5678，身份证110101199003071234，请回电。"
    )
    url = reverse("residents:detail", args=[issue.pk])
    for who in ("liaison", "supervisor", "clerk"):
        client.force_login(world[who])
        response = client.get(url)
        body = response.content.decode()
        assert "138****5678" in body and "110****1234" in body, who
        assert "12345678" not in body and "199003071234" not in body, who
        # A logged-in page may carry personal data: no browser or proxy keeps a copy.
        assert response["Cache-Control"] == "private, no-store"
    client.force_login(world["liaison"])
    body = client.get(url + "?phone=1").content.decode()
    assert "138 1234 5678" in body and "110101199003071234" in body
    event = Event.objects.get(verb="pii.view", object_id=str(issue.pk))
    assert event.data["fields"] == ["description", "phone"]


def test_other_districts_and_unrelated_departments_get_404(client, world):
    issue, _code = routed(world)
    url = reverse("residents:detail", args=[issue.pk])
    for who in ("other_office", "other_clerk", "liaison2", "member"):
        client.force_login(world[who])
        assert client.get(url).status_code == 404, who
        assert (
            client.post(reverse("residents:act", args=[issue.pk, "close"]), {"reply": "x"})
        ).status_code == 404, who
    client.force_login(world["clerk"])
    page = client.get(url)
    assert page.status_code == 200  # routed to their department
    # Its breadcrumb leads to the department's own list, which opens for it.
    routed_list = reverse("residents:routed")
    assert f'href="{routed_list}"' in page.content.decode()
    assert client.get(routed_list).status_code == 200
    client.force_login(world["other_office"])
    assert (
        issue.ticket not in client.get(reverse("residents:queue") + "?state=open").content.decode()
    )


def test_a_city_office_reads_a_districts_issue_and_leaves_its_handling_to_the_district(
    client, world
):
    """Reading reaches down the tree; doing stops at the next committee below."""
    issue, _code = raise_issue(world)
    url = reverse("residents:detail", args=[issue.pk])
    client.force_login(world["city_office"])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "139****1111" in body and "显示完整号码" not in body
    assert "13900001111" not in client.get(url + "?phone=1").content.decode()
    assert 'name="note"' not in body  # no 受理 form
    act = client.post(reverse("residents:act", args=[issue.pk, "accept"]), {"note": ""})
    assert act.status_code in (403, 404)
    issue.refresh_from_db()
    assert issue.status != "accepted"
    assert not Event.objects.filter(verb="pii.view").exists()
    # The district's own office handles it.
    client.force_login(world["office"])
    client.post(reverse("residents:act", args=[issue.pk, "accept"]), {"note": ""})
    issue.refresh_from_db()
    assert issue.status == "accepted"


def test_triage_actions_through_the_page(client, world):
    issue, _code = raise_issue(world)
    client.force_login(world["liaison"])
    act = lambda action, data: client.post(  # noqa: E731
        reverse("residents:act", args=[issue.pk, action]), data
    )
    assert act("accept", {"note": ""}).status_code == 302
    refused = act("accept", {"note": ""})
    assert refused.status_code == 400 and "不能执行此操作" in refused.content.decode()
    assert act("route", {"department": world["dept"].pk, "working_days": 10}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == "routed" and issue.task.due_date is not None
    client.force_login(world["clerk"])
    assert client.get(reverse("residents:routed")).status_code == 200
    assert (
        client.post(
            reverse("followups:feedback", args=[issue.task.pk]), {"text": "已修复。"}
        ).status_code
        == 302
    )
    issue.refresh_from_db()
    assert issue.status == "answered"


def test_bulk_reject_through_the_queue(client, world):
    a, _c = raise_issue(world, title="代开发票")
    b, _c = raise_issue(world, title="网赌")
    client.force_login(world["liaison"])
    response = client.post(
        reverse("residents:reject_bulk"), {"issues": [a.pk, b.pk], "reason": "广告或垃圾信息"}
    )
    assert response.status_code == 302
    assert set(ResidentIssue.objects.values_list("status", flat=True)) == {"rejected"}


def test_bulk_reject_skips_an_item_a_colleague_handled_and_rejects_the_rest(client, world):
    a, _c = raise_issue(world, title="代开发票")
    b, _c = raise_issue(world, title="网赌")
    c, _c = raise_issue(world, title="刷单兼职")
    client.force_login(world["liaison"])
    # A colleague rejected one of the ticked rows while the list was open.
    services.issue_reject(issue=b, actor=world["liaison"], reason="重复提交")
    response = client.post(
        reverse("residents:reject_bulk"),
        {"issues": [a.pk, b.pk, c.pk], "reason": "广告或垃圾信息"},
        follow=True,
    )
    body = response.content.decode()
    assert "已不予受理2件" in body and "有1件已由他人处理，未作变动" in body
    assert set(ResidentIssue.objects.values_list("status", flat=True)) == {"rejected"}
    notes = dict(
        Event.objects.filter(verb="resident_issue.reject").values_list("object_id", "note")
    )
    spam = "广告或垃圾信息"
    assert notes == {str(a.pk): spam, str(b.pk): "重复提交", str(c.pk): spam}


def test_staff_enter_an_issue_and_get_the_code_to_hand_over(client, world):
    client.force_login(world["liaison"])
    assert client.get(reverse("residents:create")).status_code == 200
    response = client.post(
        reverse("residents:create"),
        {
            "organisation": world["street"].pk,
            "channel": "in_person",
            "title": "菜市场周边占道经营",
            "description": "早市时段占道严重。",
            "phone": "",
        },
        follow=True,
    )
    issue = ResidentIssue.objects.get()
    assert issue.status == "accepted" and "查询码" in response.content.decode()


def test_dashboard_and_statistics_pages(client, world):
    routed(world)
    client.force_login(world["liaison"])
    assert client.get(reverse("residents:dashboard")).status_code == 200
    client.force_login(world["city_office"])
    body = client.get(reverse("residents:stats")).content.decode()
    assert "示范区政协" in body and "邻区政协" in body
    body = client.get(reverse("residents:stats") + f"?org={world['street'].pk}").content.decode()
    assert "东门社区" in body
    client.force_login(world["office"])
    assert (
        client.get(reverse("residents:stats") + f"?org={world['other_district'].pk}").status_code
        == 404
    )
    assert client.get(reverse("residents:stats") + "?org=abc").status_code == 400


@pytest.mark.clause("C4.7")
def test_the_lists_and_the_page_say_how_many_working_days_the_department_is_behind(client, world):
    issue, _code = routed(world)
    Task.objects.filter(pk=issue.task_id).update(due_date=dt.date(2026, 4, 27))
    pages = [
        ("office", reverse("residents:queue") + "?state=open"),
        ("clerk", reverse("residents:routed")),
        ("clerk", reverse("residents:detail", args=[issue.pk])),
    ]
    # Wednesday 29 April: the 28th and the 29th are working days past the deadline.
    with time_machine.travel(dt.datetime(2026, 4, 29, 2, 0, tzinfo=dt.UTC), tick=False):
        for who, url in pages:
            client.force_login(world[who])
            assert "已逾期2个工作日" in client.get(url).content.decode(), url
    # Answered: the deadline no longer runs, and no page counts it.
    followups.feedback_submit(task=issue.task, text="已处理。", actor=world["clerk"])
    with time_machine.travel(dt.datetime(2026, 4, 29, 2, 0, tzinfo=dt.UTC), tick=False):
        for who, url in pages:
            client.force_login(world[who])
            assert "已逾期" not in client.get(url).content.decode(), url


@pytest.mark.parametrize("url_name", ["residents:queue", "residents:routed"])
def test_list_pages_run_a_fixed_number_of_queries(
    client, world, url_name, django_assert_max_num_queries
):
    user = world["clerk"] if url_name == "residents:routed" else world["office"]
    client.force_login(user)
    state = "?state=open" if url_name == "residents:queue" else ""
    routed(world)
    client.get(reverse(url_name) + state)  # warm caches (content types, sessions)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse(url_name) + state)
    for _ in range(6):
        routed(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(url_name) + state)


def test_dashboard_and_stats_run_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    client.force_login(world["office"])
    accepted(world)
    for url in (reverse("residents:dashboard"), reverse("residents:stats")):
        client.get(url)
        with django_assert_max_num_queries(40) as few:
            client.get(url)
        for _ in range(4):
            routed(world)
            raise_issue(world, organisation=world["street2"])
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(url)


def test_home_cards(client, world):
    raise_issue(world)
    routed(world)
    client.force_login(world["liaison"])
    home = client.get("/").content.decode()
    assert "民情事项" in home and "街道民情工作台" in home
    client.force_login(world["clerk"])
    assert "民情事项答复" in client.get("/").content.decode()


def test_the_tabs_show_the_street_desk_and_intake_only_to_those_they_open_for(client, world):
    # The supervising office reads the lists and statistics but triages nothing: the
    # street desk and the intake form would refuse it, so its tabs do not offer them.
    for who, opens in (("supervisor", False), ("liaison", True)):
        client.force_login(world[who])
        tabs = client.get(reverse("residents:stats")).content.decode()
        for name in ("residents:dashboard", "residents:create"):
            assert (f'href="{reverse(name)}"' in tabs) is opens, (who, name)
            assert client.get(reverse(name)).status_code == (200 if opens else 403), (who, name)


def test_a_city_office_is_not_offered_the_street_tools_of_its_districts(client, world):
    """A city office reads its districts' issues; their streets are handled by the district's
    own office. So it gets no "民情事项 0" card, no empty street desk, no intake form with
    no place to choose and no bulk refusal that would refuse every ticked item."""
    raise_issue(world)
    client.force_login(world["city_office"])
    home = client.get("/").content.decode()
    assert "民情事项统计" in home and "街道民情工作台" not in home
    queue = client.get(reverse("residents:queue")).content.decode()
    assert "小区门口路灯不亮" in queue  # it reads the district's waiting issue
    assert "不予受理所选事项" not in queue and 'name="issues"' not in queue
    for name in ("residents:dashboard", "residents:create"):
        assert f'href="{reverse(name)}"' not in queue, name
        assert client.get(reverse(name)).status_code == 403, name
    # The district's office still has them all.
    client.force_login(world["office"])
    queue = client.get(reverse("residents:queue")).content.decode()
    assert "不予受理所选事项" in queue and f'href="{reverse("residents:create")}"' in queue
    assert client.get(reverse("residents:dashboard")).status_code == 200


def test_each_action_form_has_its_own_ids_and_a_refused_one_keeps_its_errors_to_itself(
    client, world
):
    import collections
    import re

    issue, _code = accepted(world)
    # Received before the session held three days ago: the settle form is on the page.
    ResidentIssue.objects.filter(pk=issue.pk).update(
        created_at=timezone.now() - dt.timedelta(days=5)
    )
    client.force_login(world["liaison"])
    body = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    assert 'id="id_settle_session"' in body
    ids = collections.Counter(re.findall(r'\sid="([^"]+)"', body))
    assert [i for i, n in ids.items() if n > 1] == []
    # Scheduling without a session is refused: the error is in the schedule form only,
    # not also in the settle form that takes the same fields.
    response = client.post(reverse("residents:act", args=[issue.pk, "schedule"]), {})
    assert response.status_code == 400
    body = response.content.decode()
    schedule = re.search(r'id="act-schedule".*?</form>', body, re.S).group(0)
    settle = re.search(r'id="act-settle".*?</form>', body, re.S).group(0)
    assert "invalid-feedback" in schedule
    assert "invalid-feedback" not in settle


def test_the_queue_names_the_district_only_for_a_city_that_mixes_several(client, world):
    raise_issue(world)  # 东门社区 of 城关街道
    raise_issue(world, organisation=world["street2"], title="雨水井盖破损")
    note = '<div class="small text-secondary">示范区政协</div>'
    url = reverse("residents:queue")
    for who, rows_named in (("liaison", 0), ("office", 0), ("city_office", 2)):
        client.force_login(world[who])
        page = client.get(url).content.decode()
        assert "小区门口路灯不亮" in page, who
        assert page.count(note) == rows_named, who


def test_a_ticket_typed_without_its_dash_or_in_full_width_finds_the_issue(client, world):
    issue, code = raise_issue(world)
    plain = issue.ticket.replace("-", "")
    assert plain != issue.ticket
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in issue.ticket.lower())
    for typed in (plain, f" {plain[:6]} {plain[6:]} ", full_width):
        fresh = client.__class__()
        assert fresh.post(LOOKUP, {"ticket": typed, "code": code}).status_code == 302, typed
        assert "小区门口路灯不亮" in fresh.get(LOOKUP).content.decode()


def test_a_looked_up_issue_is_not_shown_to_the_next_person_after_a_while(client, world):
    issue, code = raise_issue(world)
    with time_machine.travel(dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC), tick=False):
        assert client.post(LOOKUP, {"ticket": issue.ticket, "code": code}).status_code == 302
        assert "小区门口路灯不亮" in client.get(LOOKUP).content.decode()
    with time_machine.travel(dt.datetime(2026, 6, 1, 2, 14, tzinfo=dt.UTC), tick=False):
        assert "小区门口路灯不亮" in client.get(LOOKUP).content.decode()
    with time_machine.travel(dt.datetime(2026, 6, 1, 2, 16, tzinfo=dt.UTC), tick=False):
        page = client.get(LOOKUP).content.decode()
    assert "小区门口路灯不亮" not in page and "查询码" in page


def test_in_english_the_issue_page_names_the_resident_and_the_referral_plainly(client, world):
    issue, _code = accepted(world)
    client.force_login(world["liaison"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    assert ">Resident</dt>" in page and "No affiliation" not in page
    route = page.split('id="act-route"', 1)[1].split("</form>", 1)[0]
    assert ">Refer</button>" in route and "Convert" not in route


def test_the_departments_list_puts_the_issues_still_to_answer_first(client, world):
    """An answered issue with an early deadline does not sit above the open ones: after a
    year of answers the open issues would be on the list's last pages."""

    def routed_in(days, title):
        issue, _code = accepted(world, title=title)
        services.issue_route(
            issue=issue, actor=world["liaison"], department=world["dept"], working_days=days
        )
        issue.refresh_from_db()
        return issue

    answered = routed_in(3, "路灯不亮")
    followups.feedback_submit(task=answered.task, text="已修复。", actor=world["clerk"])
    later = routed_in(20, "井盖破损")
    sooner = routed_in(10, "楼道堆物")
    client.force_login(world["clerk"])
    body = client.get(reverse("residents:routed")).content.decode()
    positions = [body.index(issue.ticket) for issue in (sooner, later, answered)]
    assert positions == sorted(positions)


def test_a_departments_menu_leads_to_the_issues_routed_to_it(client, world):
    """A department answers residents' issues: its menu has 民情事项, opening its own list
    (the office's queue is not for it)."""
    routed_list = reverse("residents:routed")
    for who in ("clerk", "leader"):
        client.force_login(world[who])
        home = client.get(reverse("home")).content.decode()
        nav = home[home.index("navbar") : home.index("</nav>")]
        assert f'href="{routed_list}"' in nav, who
        assert f'href="{reverse("residents:queue")}"' not in nav, who
    client.force_login(world["member"])
    assert f'href="{routed_list}"' not in client.get(reverse("home")).content.decode()


def test_the_lookup_page_masks_the_numbers_the_resident_typed_in_the_title(client, world):
    """The page stays open in the browser that looked it up (a family's shared phone): the
    resident's own phone in the title is masked, as staff pages mask it."""
    issue, code = routed(world, title="路灯不亮 请联系13812345678")
    client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    page = client.get(LOOKUP).content.decode()
    assert "路灯不亮 请联系138****5678" in page and "13812345678" not in page
