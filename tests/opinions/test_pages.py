"""The pages: a member's list and form (phone-friendly), the office queue, the upward queue,
issues and their PDF, statistics with the Excel export."""

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.opinions.factories import make_opinion, member_user
from xieshang.core.models import Event, Notification
from xieshang.followups.models import Task
from xieshang.opinions import services
from xieshang.opinions.models import Adoption, AdoptionLevel, Issue, Opinion

pytestmark = pytest.mark.django_db
S = Opinion.Status


@pytest.mark.clause("C3.2")
def test_it_lets_a_member_write_and_submit_an_item(client, world):
    member = world["member"]
    client.force_login(member.user)
    response = client.post(
        "/opinions/new/",
        {
            "title": "关于增设学校周边临时停车位的建议",
            "facts": "放学时段周边道路拥堵。",
            "analysis": "接送车辆无处停放。",
            "suggestions": "建议在学校周边设置限时停车位。",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.status == S.SUBMITTED
    assert list(opinion.authors.all()) == [member]
    html = client.get("/opinions/").content.decode()
    assert "关于增设学校周边临时停车位的建议" in html
    assert "待审核" in html


def test_a_too_long_item_is_refused_with_what_the_member_typed(client, world):
    client.force_login(world["member"].user)
    response = client.post(
        "/opinions/new/",
        {
            "title": "很长的信息",
            "facts": "情" * 1000,
            "suggestions": "建" * 600,
            "action": "submit",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "超过1500字的上限" in html
    assert "很长的信息" in html and "建" * 600 in html
    assert not Opinion.objects.exists()


def test_a_too_long_draft_is_saved_and_says_how_much_to_cut_before_submitting(client, world):
    """A member writing on a phone saves a long first version to cut later, as a proposal's
    draft: the limit is the submission's (it once refused the draft, so the text lived only
    in the page)."""
    client.force_login(world["member"].user)
    response = client.post(
        "/opinions/new/",
        {"title": "很长的信息", "facts": "情" * 1000, "suggestions": "建" * 600, "action": "save"},
        follow=True,
    )
    opinion = Opinion.objects.get()
    assert opinion.status == S.DRAFT and len(opinion.facts) == 1000
    assert "草稿已保存。正文共1600字，超过1500字的上限，提交前请删减。" in response.content.decode()
    # Submitting it from its page is refused with the reason; it stays a draft.
    response = client.post(f"/opinions/{opinion.pk}/edit/", {
        "title": "很长的信息", "facts": "情" * 1000, "suggestions": "建" * 600,
        "version": opinion.version, "action": "submit",
    })  # fmt: skip
    assert response.status_code == 400
    assert "超过1500字的上限" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.status == S.DRAFT
    # Cut down, it is saved without the warning and then submitted.
    response = client.post(f"/opinions/{opinion.pk}/edit/", {
        "title": "很长的信息", "facts": "情" * 900, "suggestions": "建" * 600,
        "version": opinion.version, "action": "submit",
    }, follow=True)  # fmt: skip
    assert "已提交，请等待政协办公室审核。" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.status == S.SUBMITTED


def test_a_draft_beyond_any_items_length_is_refused_with_its_text(client, world):
    client.force_login(world["member"].user)
    response = client.post(
        "/opinions/new/",
        {"title": "粘贴错了", "facts": "情" * 20001, "suggestions": "建议", "action": "save"},
    )
    assert response.status_code == 400
    assert "草稿最多保存20000字" in response.content.decode()
    assert not Opinion.objects.exists()


def test_members_never_see_each_others_items(client, world):
    mine = make_opinion(world["member"], state=S.SUBMITTED, title="张委员的信息")
    draft = make_opinion(world["member"], title="张委员的草稿")
    client.force_login(world["other_member"].user)
    assert "张委员的信息" not in client.get("/opinions/").content.decode()
    assert client.get(f"/opinions/{mine.pk}/").status_code == 404
    assert client.get(f"/opinions/{draft.pk}/").status_code == 404
    # The office sees the submitted item but not the draft.
    client.force_login(world["office"])
    assert client.get(f"/opinions/{mine.pk}/").status_code == 200
    assert client.get(f"/opinions/{draft.pk}/").status_code == 404


@pytest.mark.clause("C3.2")
def test_an_author_deletes_a_draft_never_submitted_and_nothing_else(client, world):
    draft = make_opinion(world["member"], title="写错了的草稿")
    submitted = make_opinion(world["member"], state=S.SUBMITTED, title="已提交的信息")
    client.force_login(world["other_member"].user)
    assert client.post(f"/opinions/{draft.pk}/delete/").status_code == 404
    client.force_login(world["member"].user)
    html = client.get(f"/opinions/{draft.pk}/").content.decode()
    assert "删除草稿" in html and "删除后不能恢复" in html
    assert "删除草稿" not in client.get(f"/opinions/{submitted.pk}/").content.decode()
    response = client.post(f"/opinions/{draft.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/opinions/"
    assert not Opinion.objects.filter(pk=draft.pk).exists()
    event = Event.objects.get(verb="opinion.draft_delete")
    assert event.note == "写错了的草稿" and event.actor == world["member"].user
    client.post(f"/opinions/{submitted.pk}/delete/", follow=True)
    assert Opinion.objects.filter(pk=submitted.pk, status=S.SUBMITTED).exists()


def test_saving_a_draft_deleted_in_another_window_keeps_the_text_as_a_new_draft(client, world):
    draft = make_opinion(world["member"], title="写错了的草稿")
    client.force_login(world["member"].user)
    url = f"/opinions/{draft.pk}/edit/"
    assert client.get(url).status_code == 200  # the edit page is open in one window
    client.post(f"/opinions/{draft.pk}/delete/")  # deleted in another
    typed = {
        "title": "关于社区助餐点运营补贴的建议",
        "facts": "我区社区助餐点运营困难，独居老人吃饭难。",
        "analysis": "补贴标准多年未调整。",
        "suggestions": "建议按服务人次给予运营补贴。",
        "source_type": "member",
        "version": str(draft.version),
    }
    response = client.post(url, typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert "已在其他窗口删除" in page and "独居老人吃饭难" in page
    assert 'action="/opinions/new/"' in page  # saving it makes a new draft
    assert not Opinion.objects.exists()

    typed.pop("version")
    assert client.post("/opinions/new/", {**typed, "draft_key": ""}).status_code == 302
    assert Opinion.objects.get().title == "关于社区助餐点运营补贴的建议"
    # Anybody else posting to the deleted draft's address learns nothing of it.
    client.force_login(world["other_member"].user)
    assert client.post(url, typed).status_code == 404


@pytest.mark.clause("C3.2")
def test_an_author_withdraws_an_item_the_office_has_not_decided_on(client, world):
    opinion = make_opinion(world["member"], state=S.SUBMITTED, title="想撤回的信息")
    client.force_login(world["member"].user)
    assert (
        f"/opinions/{opinion.pk}/withdraw/"
        in client.get(f"/opinions/{opinion.pk}/").content.decode()
    )
    client.post(f"/opinions/{opinion.pk}/withdraw/")
    opinion.refresh_from_db()
    assert opinion.status == S.DRAFT
    event = Event.objects.get(verb="opinion.withdraw")
    assert (event.from_state, event.to_state) == (S.SUBMITTED, S.DRAFT)
    # Withdrawn: the office's 新的社情民意信息 of it no longer waits unread.
    received = Notification.objects.filter(
        recipient=world["office"], url=f"/opinions/{opinion.pk}/"
    )
    assert received.count() == 1 and received.get().read_at is not None
    # Submitted once, it is not deleted: it is edited and submitted again.
    html = client.get(f"/opinions/{opinion.pk}/").content.decode()
    assert "删除草稿" not in html and "修改" in html and "不能删除" in html
    client.post(f"/opinions/{opinion.pk}/submit/")
    client.force_login(world["office"])
    client.post(f"/opinions/{opinion.pk}/accept/")
    client.force_login(world["member"].user)
    response = client.post(f"/opinions/{opinion.pk}/withdraw/", follow=True)
    opinion.refresh_from_db()
    assert opinion.status == S.ACCEPTED
    assert f'action="/opinions/{opinion.pk}/withdraw/"' not in response.content.decode()


def test_another_districts_office_sees_nothing(client, world):
    opinion = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    client.force_login(world["other_office"])
    assert client.get(f"/opinions/{opinion.pk}/").status_code == 404
    assert client.get(f"/opinions/issues/{opinion.issue_id}/").status_code == 404
    assert client.get(f"/opinions/issues/{opinion.issue_id}/pdf/").status_code == 404
    assert opinion.title not in client.get("/opinions/queue/?state=published").content.decode()
    assert client.post(f"/opinions/{opinion.pk}/report/", {"upward": "on"}).status_code == 404


def test_the_office_accepts_from_its_queue_and_sees_similar_items(client, world):
    make_opinion(world["other_member"], state=S.SUBMITTED, title="关于老旧小区加装电梯补贴的建议")
    opinion = make_opinion(world["member"], state=S.SUBMITTED)
    client.force_login(world["office"])
    html = client.get(f"/opinions/{opinion.pk}/").content.decode()
    assert 'id="similar-opinions"' in html
    assert "关于老旧小区加装电梯补贴的建议" in html
    response = client.post(f"/opinions/{opinion.pk}/accept/", {"note": "采用"})
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == S.ACCEPTED


def test_a_stale_edit_keeps_what_the_clerk_typed(client, world):
    opinion = make_opinion(world["member"], state=S.SUBMITTED)
    stale = opinion.version
    services.opinion_update(
        opinion=opinion, actor=world["office"], expected_version=stale, title="别人先改了"
    )
    client.force_login(world["office"])
    response = client.post(
        f"/opinions/{opinion.pk}/edit/",
        {
            "version": stale,
            "title": "我的修改",
            "facts": "",
            "analysis": "",
            "suggestions": "建议。",
            "source_type": "member",
            "source_body": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "已在其他窗口或由他人修改" in html and "我的修改" in html
    opinion.refresh_from_db()
    assert opinion.title == "别人先改了"


def test_the_office_composes_an_issue_and_downloads_its_pdf(client, world):
    office = world["office"]
    a = make_opinion(world["member"], office=office, state=S.ACCEPTED, title="第一条信息")
    b = make_opinion(world["other_member"], office=office, state=S.ACCEPTED, title="第二条信息")
    client.force_login(office)
    response = client.post("/opinions/issues/new/", {"opinions": [a.pk, b.pk]})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.issue is not None and a.issue.number == 1
    pdf = client.get(f"/opinions/issues/{a.issue_id}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    pages = PdfReader(BytesIO(pdf.content)).pages
    text = "".join(p.extract_text() for p in pages)
    assert "第一条信息" in text and "第二条信息" in text and "第1期" in text
    # As a bulletin is printed: 期号 with the running number under the masthead, the 报/送
    # lines at the foot of the last page.
    flat = "".join(text.split())
    assert f"社情民意{a.issue.year}年第1期（总第1期）示范区政协办公室编" in flat
    last = "".join(pages[-1].extract_text().split())
    assert "报：中国人民政治协商会议示范市委员会，中共示范区委员会，示范区人民政府。" in last
    assert "送：" in last and "中国人民政治协商会议示范区委员会办公室" in last
    # Nothing chosen: refused with a clear message.
    response = client.post("/opinions/issues/new/", {})
    assert response.status_code == 400
    assert "请选择要编发的信息" in response.content.decode()


@pytest.mark.clause("C4.7")
def test_the_office_records_an_instruction_and_the_department_gets_a_task(client, world):
    opinion = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    # Submitted and published before the leader's instruction of 2 March (an earlier date
    # is refused: the office's own leaders read the item from its 编发 on).
    Opinion.objects.filter(pk=opinion.pk).update(
        submitted_at=dt.datetime(2026, 2, 27, 2, tzinfo=dt.UTC)
    )
    Issue.objects.filter(pk=opinion.issue_id).update(published_on=dt.date(2026, 2, 28))
    client.force_login(world["office"])
    response = client.post(
        f"/opinions/{opinion.pk}/instruct/",
        {
            "leader": "李区长",
            "level": "district",
            "instructed_on": "2026-03-02",
            "text": "请住建局抓紧研究。",
            "departments": [world["dept"].pk],
            "working_days": 10,
        },
    )
    assert response.status_code == 302
    client.force_login(world["clerk"])
    assert "落实领导批示" in client.get("/followups/").content.decode()
    # The item's page tells how far behind the unit is.
    Task.objects.filter(department=world["dept"]).update(due_date=dt.date(2026, 3, 16))
    with time_machine.travel(dt.datetime(2026, 3, 18, 2, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(world["office"])
        page = client.get(f"/opinions/{opinion.pk}/").content.decode()
    assert "已逾期2个工作日" in page.split('id="instructions"')[1].split("</ul>")[0]
    # Without a body to act, the form says so.
    client.force_login(world["office"])
    response = client.post(
        f"/opinions/{opinion.pk}/instruct/",
        {
            "leader": "李区长",
            "level": "district",
            "instructed_on": "2026-03-02",
            "text": "阅。",
            "working_days": 10,
        },
    )
    assert response.status_code == 400
    assert "请至少指定一个落实单位或办公室" in response.content.decode()


def test_the_city_office_sees_reported_items_in_its_upward_queue(client, world):
    reported = make_opinion(world["member"], office=world["office"], state=S.REPORTED)
    make_opinion(world["other_member"], office=world["office"], state=S.PUBLISHED, title="未报送")
    client.force_login(world["city_office"])
    html = client.get("/opinions/upward/").content.decode()
    assert reported.title in html and "未报送" not in html
    response = client.post(
        f"/opinions/{reported.pk}/adopt/",
        {
            "level": "city",
            "mode": "forwarded",
            "adopted_on": timezone.localdate().isoformat(),
            "body": "市委办公室",
        },
    )
    assert response.status_code == 302
    assert reported.adoptions.get().mode == Adoption.Mode.FORWARDED


def _queue_rows(world, n: int):
    for i in range(n):
        member = member_user(world["district"], name=f"委员{i}")
        make_opinion(member, state=S.SUBMITTED, title=f"信息{i}")


@pytest.mark.parametrize("rows", [3, 30])
def test_the_office_queue_runs_a_fixed_number_of_queries(
    client, world, rows, django_assert_num_queries
):
    _queue_rows(world, rows)
    client.force_login(world["office"])
    client.get("/opinions/queue/")
    with django_assert_num_queries(7):
        response = client.get("/opinions/queue/")
    assert response.content.decode().count("/opinions/") >= rows


@pytest.mark.parametrize("rows", [3, 30])
def test_the_member_list_runs_a_fixed_number_of_queries(
    client, world, rows, django_assert_num_queries
):
    for i in range(rows):
        make_opinion(world["member"], title=f"我的信息{i}")
    client.force_login(world["member"].user)
    client.get("/opinions/")
    # 9: one of them the member's seats (a former member reads the list, writes no new item).
    with django_assert_num_queries(9):
        response = client.get("/opinions/")
    assert "我的信息0" in response.content.decode()


def test_statistics_count_per_member_and_export_to_excel(client, world):
    office = world["office"]
    year = timezone.localdate().year
    opinion = make_opinion(world["member"], office=office, state=S.PUBLISHED)
    services.adoption_record(
        opinion=opinion,
        actor=office,
        level=AdoptionLevel.DISTRICT,
        mode=Adoption.Mode.STANDALONE,
        adopted_on=timezone.localdate(),
    )
    make_opinion(world["member"], state=S.SUBMITTED, title="另一条")
    make_opinion(world["other_member"], title="草稿不计")
    client.force_login(office)
    html = client.get(f"/opinions/stats/?year={year}").content.decode()
    assert "张委员" in html and "李委员" not in html
    response = client.get(f"/opinions/stats/?year={year}&format=xlsx")
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("委员", "界别", "报送", "录用编发")
    assert rows[1][0] == "张委员"
    assert rows[1][2:5] == (2, 1, 1)


def test_the_city_queue_holds_its_own_items_and_the_home_page_counts_waiting_ones(client, world):
    make_opinion(world["member"], state=S.SUBMITTED, title="区里待审核的信息")
    client.force_login(world["city_office"])
    assert "区里待审核的信息" not in client.get("/opinions/queue/").content.decode()
    client.force_login(world["office"])
    assert "区里待审核的信息" in client.get("/opinions/queue/").content.decode()
    home = client.get("/").content.decode()
    assert "社情民意审核" in home
    client.force_login(world["member"].user)
    assert "撰写、报送和查看自己反映的社情民意" in client.get("/").content.decode()


def test_the_statistics_excel_writes_formulas_as_plain_text(client, world):
    from tests.xlsx import PAYLOAD, assert_no_formulas, texts, workbook

    member = member_user(world["district"], name=PAYLOAD)
    make_opinion(member, state=S.SUBMITTED)
    client.force_login(world["office"])
    year = timezone.localdate().year
    wb = workbook(client.get(f"/opinions/stats/?year={year}&format=xlsx"))
    assert_no_formulas(wb)
    assert PAYLOAD in texts(wb)


def test_the_edit_page_is_not_offered_once_the_item_cannot_be_edited(client, world):
    submitted = make_opinion(world["member"], state=S.SUBMITTED)
    published = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    client.force_login(world["member"].user)
    # Each says why, and what the author can do: withdraw a submitted one first.
    for opinion, why in (
        (submitted, "正等待政协办公室审核，不能再修改；需要修改的，请先在信息页面撤回"),
        (published, "这篇信息当前为“已编发”，不能再修改"),
    ):
        response = client.get(f"/opinions/{opinion.pk}/edit/", follow=True)
        assert response.redirect_chain[-1][0] == f"/opinions/{opinion.pk}/"
        assert why in response.content.decode()
    # The office still edits what it has not published, and not what it has.
    client.force_login(world["office"])
    assert client.get(f"/opinions/{submitted.pk}/edit/").status_code == 200
    assert client.get(f"/opinions/{published.pk}/edit/").status_code == 302


def test_submitting_from_the_edit_page_says_it_was_submitted(client, world):
    opinion = make_opinion(world["member"])
    client.force_login(world["member"].user)
    response = client.post(
        f"/opinions/{opinion.pk}/edit/",
        {
            "version": opinion.version,
            "title": opinion.title,
            "facts": "",
            "analysis": "",
            "suggestions": "建议增设充电桩。",
            "source_type": "member",
            "source_body": "",
            "action": "submit",
        },
        follow=True,
    )
    opinion.refresh_from_db()
    assert opinion.status == S.SUBMITTED
    assert "已提交，请等待政协办公室审核" in response.content.decode()


def test_a_save_from_a_tab_opened_before_submitting_says_to_withdraw_and_keeps_the_text(
    client, world
):
    """The member opened the draft in two tabs, submitted it from one, then saved the other."""
    opinion = make_opinion(world["member"])
    client.force_login(world["member"].user)
    client.post(f"/opinions/{opinion.pk}/submit/")
    response = client.post(
        f"/opinions/{opinion.pk}/edit/",
        {
            "title": opinion.title,
            "analysis": "另一个窗口里新写的分析",
            "suggestions": opinion.suggestions,
            "version": opinion.version,
            "action": "save",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "请先在信息页面撤回" in body and "本页填写的内容仍保留" in body
    assert "另一个窗口里新写的分析" in body


def test_the_issue_pdf_is_named_with_its_committee(client, world):
    """A city office downloads several districts' issues: 社情民意2026年第1期.pdf each time
    would overwrite one another."""
    from urllib.parse import unquote

    opinion = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    issue = opinion.issue
    client.force_login(world["office"])
    response = client.get(f"/opinions/issues/{issue.pk}/pdf/")
    assert response.status_code == 200
    name = unquote(response["Content-Disposition"].split("filename*=UTF-8''", 1)[1])
    assert name == f"{issue.organisation.name}社情民意{issue.year}年第{issue.number}期.pdf"


def test_the_issue_pdf_joins_the_authors_in_chinese_for_an_english_reader(client, world):
    """The page speaks the reader's language; the official document stays Chinese."""
    from io import BytesIO

    from pypdf import PdfReader

    opinion = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    opinion.authors.add(world["other_member"])
    client.force_login(world["office"])
    client.cookies["django_language"] = "en"
    response = client.get(f"/opinions/issues/{opinion.issue_id}/pdf/")
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "张委员、李委员" in text.replace("\n", "") or "李委员、张委员" in text.replace("\n", "")
