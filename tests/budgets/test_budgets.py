"""Activity budgets (C6.4): lines per activity, training and liaison room, spending, the
yearly sheet with its roll-up and Excel, the panels on the targets' pages, and who sees what."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.core.samples import PDF
from tests.xlsx import PAYLOAD, assert_no_formulas, workbook
from xieshang.budgets import selectors, services
from xieshang.budgets.models import BudgetLine
from xieshang.core.audit import StaleEdit
from xieshang.core.models import Event, Notification

from .conftest import YEAR, early, make_line, spend

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C6.4")]


def login(client, user):
    client.force_login(user)
    return client


# --- Lines and spending -----------------------------------------------------------------------


def test_it_budgets_an_activity_and_spent_is_the_sum_of_live_entries(world):
    line = make_line(world, activity=world["activity"], category="activity", planned="12000")
    assert line.item == "优化营商环境专题协商会"  # the activity's name when no item is given
    spend(world, line, "3600.5", purpose="会场租用", voucher_no="记-03-017")
    wrong = spend(world, line, "999")
    spend(world, line, "1000")
    services.spending_void(entry=wrong, actor=world["office"], reason="重复录入")

    assert selectors.spent_of(line) == Decimal("4600.50")
    verbs = list(
        Event.objects.filter(object_id=str(line.pk), verb__startswith="budget.")
        .order_by("id")
        .values_list("verb", "actor_name")
    )
    assert verbs == [
        ("budget.create", "区政协办"),
        ("budget.spend", "区政协办"),
        ("budget.spend", "区政协办"),
        ("budget.spend", "区政协办"),
        ("budget.void", "区政协办"),
    ]
    void_event = Event.objects.get(verb="budget.void")
    assert void_event.note == "重复录入（999.00）" and void_event.data["amount"] == "999.00"


def test_it_refuses_a_target_of_another_category_district_or_a_second_line(world):
    with pytest.raises(ValidationError) as exc:
        make_line(world, activity=world["activity"], category="training")
    assert "category" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_line(
            world,
            organisation=world["other"],
            actor=world["other_office"],
            activity=world["activity"],
            category="activity",
        )
    assert "activity" in exc.value.message_dict
    make_line(world, training=world["training"], category="training")
    with pytest.raises(ValidationError) as exc:
        make_line(world, training=world["training"], category="training")
    assert "training" in exc.value.message_dict
    make_line(world, liaison_room=world["room"], category="liaison_room")
    with pytest.raises(ValidationError):
        make_line(world, liaison_room=world["room"], category="liaison_room")


def test_spending_is_dated_in_the_budget_year_and_positive(world):
    line = make_line(world)
    with pytest.raises(ValidationError) as exc:
        spend(world, line, "10", date=early().replace(year=YEAR - 1))
    assert "date" in exc.value.message_dict
    with pytest.raises(ValidationError):
        spend(world, line, "0")
    assert not line.entries.exists()


def test_only_the_office_keeps_the_books(world):
    line = make_line(world)
    for who in ("chair", "supervisor", "member", "other_office"):
        with pytest.raises(PermissionDenied):
            spend({**world, "office": world[who]}, line, "10")
    assert not line.entries.exists()


def test_a_stale_edit_fails_loudly(world):
    line = make_line(world, planned="5000")
    services.line_update(line=line, actor=world["office"], expected_version=1, planned="6000")
    with pytest.raises(StaleEdit):
        services.line_update(line=line, actor=world["office"], expected_version=1, planned="7000")
    line.refresh_from_db()
    assert line.planned == Decimal("6000.00") and line.version == 2
    edit = Event.objects.get(verb="budget.edit")
    assert edit.data["changed"]["planned"] == ["5000.00", "6000.00"]
    assert edit.note == "5,000.00 → 6,000.00"


def test_going_over_budget_tells_the_chair_once(world):
    line = make_line(world, planned="1000")
    spend(world, line, "800")
    assert not Notification.objects.filter(recipient=world["chair"]).exists()
    spend(world, line, "300")
    spend(world, line, "50")
    notes = Notification.objects.filter(recipient=world["chair"])
    assert notes.count() == 1 and "委员履职手册印制" in notes.get().title
    assert not Notification.objects.filter(recipient=world["office"]).exists()  # the actor


# --- The yearly sheet -----------------------------------------------------------------------------


def _sheet_world(world):
    a = make_line(world, activity=world["activity"], category="activity", planned="12000")
    spend(world, a, "3000")
    b = make_line(world, item="新任委员培训教材", category="training", planned="3000")
    spend(world, b, "3200")
    make_line(world, liaison_room=world["room"], category="liaison_room", planned="20000")
    other = make_line(
        world, organisation=world["other"], actor=world["other_office"], item="邻区标记项目"
    )
    spend({**world, "office": world["other_office"]}, other, "2500")
    return a, b


def test_the_sheet_shows_planned_spent_balance_rate_and_flags_overruns(client, world):
    _sheet_world(world)
    response = login(client, world["office"]).get(reverse("budgets:sheet"), {"year": YEAR})
    html = response.content.decode()
    assert response.status_code == 200
    assert "12,000.00" in html and "3,000.00" in html and "9,000.00" in html and "25.0%" in html
    assert "106.7%" in html and "超预算" in html and "-200.00" in html
    # Totals: 35,000 planned, 6,200 spent.
    assert "35,000.00" in html and "6,200.00" in html and "28,800.00" in html
    assert "邻区标记项目" not in html
    assert 'id="budget-children"' not in html  # a district has no CPPCC node below


def test_a_higher_node_sees_its_childrens_totals(client, world):
    _sheet_world(world)
    response = login(client, world["city_office"]).get(
        reverse("budgets:sheet"), {"year": YEAR, "org": world["city"].pk}
    )
    html = response.content.decode()
    sheet = response.context["sheet"]
    rows = {r.organisation.name: (r.figures.planned, r.figures.spent) for r in sheet.children}
    assert rows == {
        "示范区政协": (Decimal("35000.00"), Decimal("6200.00")),
        "邻区政协": (Decimal("10000.00"), Decimal("2500.00")),
    }
    assert sheet.grand_total.planned == Decimal("45000.00")
    assert 'id="budget-children"' in html and "45,000.00" in html


def test_the_excel_sheet_reads_back_with_user_text_as_text(client, world):
    _sheet_world(world)
    make_line(world, item=PAYLOAD, category="other", planned="100")
    response = login(client, world["office"]).get(reverse("budgets:sheet_xlsx"), {"year": YEAR})
    assert response.status_code == 200
    wb = workbook(response)
    assert_no_formulas(wb)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    by_item = {r[1]: r for r in rows[1:]}
    assert by_item["新任委员培训教材"][3:8] == (3000, 3200, -200, 106.7, "超预算")
    assert by_item["优化营商环境专题协商会"][2] == "协商活动"
    assert by_item[PAYLOAD][1] == PAYLOAD
    assert rows[-1][0] == "合计" and rows[-1][3] == 35100


def test_the_sheet_costs_the_same_queries_for_3_or_9_lines(
    client, world, django_assert_num_queries
):
    login(client, world["office"])
    url = reverse("budgets:sheet")

    def lines(n):
        for i in range(n):
            spend(world, make_line(world, item=f"项目{BudgetLine.objects.count()}-{i}"), "10")

    lines(3)
    client.get(url)  # warm the caches (content types, sessions)
    with django_assert_num_queries(7) as first:
        client.get(url)
    lines(6)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


# --- Who sees what --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "department", "committee_staff"])
def test_members_and_departments_never_see_budgets(client, world, who):
    line = make_line(world)
    login(client, world[who])
    assert client.get(reverse("budgets:sheet")).status_code == 403
    assert client.get(reverse("budgets:line", args=[line.pk])).status_code == 404
    assert "活动经费" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("who", ["chair", "supervisor"])
def test_the_chair_and_the_supervisor_read_but_do_not_edit(client, world, who):
    line = make_line(world)
    login(client, world[who])
    sheet = client.get(reverse("budgets:sheet")).content.decode()
    assert "委员履职手册印制" in sheet and reverse("budgets:create") not in sheet
    page = client.get(reverse("budgets:line", args=[line.pk])).content.decode()
    assert "登记支出" not in page
    assert client.get(reverse("budgets:create")).status_code == 403
    response = client.post(
        reverse("budgets:spend", args=[line.pk]),
        {"date": early().isoformat(), "amount": "10", "purpose": "x"},
    )
    assert response.status_code == 403 and not line.entries.exists()


def test_another_districts_office_gets_404(client, world):
    line = make_line(world)
    login(client, world["other_office"])
    assert client.get(reverse("budgets:line", args=[line.pk])).status_code == 404
    assert client.get(reverse("budgets:sheet"), {"org": world["district"].pk}).status_code == 404


# --- Pages of the office --------------------------------------------------------------------------


def test_the_office_budgets_an_activity_from_its_page(client, world):
    login(client, world["office"])
    activity_url = reverse("consultation:activity", args=[world["activity"].pk])
    page = client.get(activity_url).content.decode()
    create = f"{reverse('budgets:create')}?activity={world['activity'].pk}"
    assert create.replace("&", "&amp;") in page
    form = client.get(create)
    assert form.context["form"].initial["category"] == "activity"
    response = client.post(
        create,
        {
            "organisation": world["district"].pk,
            "year": YEAR,
            "category": "activity",
            "activity": world["activity"].pk,
            "planned": "8000",
        },
    )
    line = BudgetLine.objects.get()
    assert response.status_code == 302 and line.activity == world["activity"]
    spend(world, line, "8500")
    page = client.get(activity_url).content.decode()
    assert 'id="budget-panel"' in page and "8,500.00" in page and "超预算" in page
    # The chair reads it there too; committee staff, who may open the activity, do not.
    assert "8,500.00" in login(client, world["chair"]).get(activity_url).content.decode()
    staff_page = login(client, world["committee_staff"]).get(activity_url)
    assert staff_page.status_code == 200 and 'id="budget-panel"' not in staff_page.content.decode()


def test_the_training_and_liaison_room_pages_show_their_budget(client, world):
    from tests.platforms.conftest import make_platform

    make_line(world, training=world["training"], category="training", planned="30000")
    room_line = make_line(world, liaison_room=world["room"], category="liaison_room")
    spend(world, room_line, "1234.5")
    login(client, world["office"])
    page = client.get(reverse("meetings:detail", args=[world["training"].pk])).content.decode()
    assert 'id="budget-panel"' in page and "30,000.00" in page
    platform = make_platform(world, liaison_room=world["room"])
    page = client.get(reverse("platforms:detail", args=[platform.pk])).content.decode()
    assert 'id="budget-panel"' in page and "1,234.50" in page


def test_a_refused_spending_keeps_what_was_typed(client, world):
    line = make_line(world)
    login(client, world["office"])
    response = client.post(
        reverse("budgets:spend", args=[line.pk]),
        {
            "date": early().replace(year=YEAR - 1).isoformat(),
            "amount": "88.8",
            "purpose": "专家咨询费",
            "voucher_no": "记-09-001",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and "支出日期须在预算年度" in html
    assert 'value="专家咨询费"' in html and 'value="记-09-001"' in html
    assert not line.entries.exists()


def test_spending_with_a_receipt_is_downloadable_by_readers_only(client, world, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    line = make_line(world)
    login(client, world["office"])
    receipt = SimpleUploadedFile("发票.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("budgets:spend", args=[line.pk]),
        {"date": early().isoformat(), "amount": "1200", "purpose": "资料印制", "receipt": receipt},
    )
    assert response.status_code == 302
    entry = line.entries.get()
    assert entry.receipt_name == "发票.pdf"
    assert client.get(entry.receipt_url).status_code == 200
    assert login(client, world["supervisor"]).get(entry.receipt_url).status_code == 200
    assert login(client, world["member"]).get(entry.receipt_url).status_code == 404


def test_a_stale_edit_on_the_page_keeps_the_input(client, world):
    line = make_line(world, planned="5000")
    services.line_update(line=line, actor=world["office"], expected_version=1, note="已调整")
    login(client, world["office"])
    response = client.post(
        reverse("budgets:edit", args=[line.pk]),
        {"item": "履职手册（修订）", "category": "other", "planned": "7777", "version": 1},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "已在其他窗口或由他人修改" in html
    assert 'value="履职手册（修订）"' in html and 'value="7777"' in html
    line.refresh_from_db()
    assert line.planned == Decimal("5000.00")


def test_voiding_from_the_page_needs_a_reason(client, world):
    line = make_line(world)
    entry = spend(world, line, "100")
    login(client, world["office"])
    url = reverse("budgets:void", args=[line.pk, entry.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "金额有误"}).status_code == 302
    entry.refresh_from_db()
    assert entry.void_reason == "金额有误" and selectors.spent_of(line) == 0
    page = client.get(reverse("budgets:line", args=[line.pk])).content.decode()
    assert "已作废" in page and "<del>100.00</del>" in page


def test_the_home_card_and_the_header_search_show_budgets_to_readers(client, world):
    line = make_line(world, item="委员联络室标识制作", planned="100")
    spend(world, line, "150")
    home = login(client, world["chair"]).get(reverse("home")).content.decode()
    assert reverse("budgets:sheet") in home
    found = client.get(reverse("search"), {"q": "标识制作"}).content.decode()
    assert reverse("budgets:line", args=[line.pk]) in found
    found = login(client, world["other_office"]).get(reverse("search"), {"q": "标识制作"})
    assert reverse("budgets:line", args=[line.pk]) not in found.content.decode()


@pytest.mark.parametrize(
    "amount", ["NaN", "Infinity", "1e309", "99999999999999999999999", "-5", "0.001"]
)
def test_odd_amounts_are_refused_with_the_input_kept(client, world, amount):
    line = make_line(world)
    login(client, world["office"])
    spent = client.post(
        reverse("budgets:spend", args=[line.pk]),
        {"date": early().isoformat(), "amount": amount, "purpose": "会务费"},
    )
    created = client.post(
        reverse("budgets:create"),
        {
            "organisation": world["district"].pk,
            "year": YEAR,
            "category": "other",
            "item": "预算项目甲",
            "planned": amount,
        },
    )
    assert spent.status_code == 400 and 'value="会务费"' in spent.content.decode()
    assert created.status_code == 400 and 'value="预算项目甲"' in created.content.decode()
    assert not line.entries.exists() and BudgetLine.objects.count() == 1


def test_a_plan_cut_below_the_spending_tells_the_chair_it_is_over_budget(world):
    """The plan lowered from 10,000 to 5,000 with 6,000 spent: the line is over budget as
    surely as after a payment, and the chair was not told."""
    line = make_line(world, planned="10000")
    spend(world, line, "6000")
    services.line_update(
        line=line, actor=world["office"], expected_version=line.version, planned="5000"
    )
    notes = Notification.objects.filter(recipient=world["chair"])
    assert notes.count() == 1 and "委员履职手册印制" in notes.get().title
    assert "已支出 6,000.00 元" in notes.get().body


def test_an_empty_year_says_what_to_do_to_the_office_and_who_does_it_to_the_chair(client, world):
    login(client, world["office"])
    page = client.get(reverse("budgets:sheet"), {"year": YEAR + 1}).content.decode()
    assert "本年度尚未编制预算。" in page and "之后在各项预算中登记支出" in page
    assert f'href="{reverse("budgets:create")}">编制预算</a>' in page
    login(client, world["chair"])
    page = client.get(reverse("budgets:sheet"), {"year": YEAR + 1}).content.decode()
    assert "本年度尚未编制预算（由政协办公室编制）。" in page
    assert reverse("budgets:create") not in page
