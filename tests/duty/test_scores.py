import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.duty.factories import YEAR, record, setting
from tests.factories import MemberFactory, make_org, seat, user_with_role
from xieshang.core.models import Event
from xieshang.duty import selectors
from xieshang.duty.models import DutyKind, DutyRecord, ScoreRule
from xieshang.duty.views import EVALUATION_PER_PAGE
from xieshang.orgs.models import OrgSetting, Role

pytestmark = pytest.mark.django_db
K = DutyKind
# Grades are given once the year is over (before that the page reads 进行中).
AFTER_YEAR = time_machine.travel(dt.datetime(YEAR + 1, 1, 5, 2, 0, tzinfo=dt.UTC))


def _three_a_year(member):
    record(member, K.PLENARY_HALF_DAY, quantity=4)  # 20
    record(member, K.PROPOSAL_FIRST)  # 15
    record(member, K.INSPECTION, quantity=2)  # 10


@pytest.mark.clause("C5.7")
@AFTER_YEAR
def test_it_scores_confirmed_records_with_the_default_table_and_caps():
    org, _term, _office, member = setting()
    _three_a_year(member)
    record(member, K.SECTOR_CONTACT, quantity=8)  # 16, capped at 10
    record(member, K.PLENARY_ABSENCE_EXCUSED)  # -10
    record(member, K.TRAINING, status=DutyRecord.Status.PENDING)  # not counted
    record(member, K.TRAINING, date=dt.date(YEAR - 1, 12, 31))  # other year
    score = selectors.scores(org, YEAR, [member.pk])[member.pk]
    assert score.total == Decimal(45)
    assert score.by_kind[K.SECTOR_CONTACT][1] == Decimal(10)
    assert score.grade == "不称职"
    assert score.minimum_met


@pytest.mark.clause("C5.7")
@AFTER_YEAR
def test_it_grades_with_the_configured_thresholds():
    org, _term, _office, member = setting()
    _three_a_year(member)
    record(member, K.PLENARY_SPEECH, quantity=4)  # 45 + 40 = 85
    assert selectors.scores(org, YEAR, [member.pk])[member.pk].grade == "良好"
    OrgSetting.objects.create(organisation=org, key="duty.grade_excellent_min", value=85)
    assert selectors.scores(org, YEAR, [member.pk])[member.pk].grade == "优秀"


@pytest.mark.clause("C5.7")
def test_it_flags_a_member_who_misses_a_minimum_duty():
    org, _term, _office, member = setting()
    record(member, K.PLENARY_HALF_DAY)
    record(member, K.OPINION_SUBMITTED)
    score = selectors.scores(org, YEAR, [member.pk])[member.pk]
    assert [met for _label, met in score.minimum] == [True, True, False]
    assert not score.minimum_met


@pytest.mark.clause("C5.7")
def test_it_lets_the_office_edit_the_score_table_with_an_audit_event(client):
    org, _term, office, member = setting()
    record(member, K.INSPECTION)
    client.force_login(office)
    url = reverse("duty:rules") + f"?year={YEAR}"
    page = client.get(url)
    assert page.status_code == 200
    rules = {r.kind: r for r in ScoreRule.objects.filter(organisation=org, year=YEAR)}
    assert rules[K.PROPOSAL_FIRST].points == 15
    data = {}
    for rule in rules.values():
        data[f"r{rule.pk}-points"] = str(rule.points)
        data[f"r{rule.pk}-cap"] = "" if rule.cap is None else str(rule.cap)
        data[f"r{rule.pk}-version"] = str(rule.version)
    data[f"r{rules[K.INSPECTION].pk}-points"] = "8"
    response = client.post(url, data)
    assert response.status_code == 302
    assert selectors.scores(org, YEAR, [member.pk])[member.pk].total == 8
    assert Event.objects.filter(verb="duty.rules_update", organisation=org).exists()


def test_it_rejects_an_out_of_range_score_and_keeps_what_was_typed(client):
    org, _term, office, _member = setting()
    client.force_login(office)
    url = reverse("duty:rules") + f"?year={YEAR}"
    client.get(url)
    rules = list(ScoreRule.objects.filter(organisation=org, year=YEAR))
    data = {}
    for rule in rules:
        data[f"r{rule.pk}-points"] = str(rule.points)
        data[f"r{rule.pk}-cap"] = ""
        data[f"r{rule.pk}-version"] = str(rule.version)
    data[f"r{rules[0].pk}-points"] = "500"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "请更正下列错误" in response.content.decode()
    assert 'value="500"' in response.content.decode()
    assert ScoreRule.objects.get(pk=rules[0].pk).points != 500


def test_it_refuses_a_stale_score_table_edit(client):
    org, _term, office, _member = setting()
    client.force_login(office)
    url = reverse("duty:rules") + f"?year={YEAR}"
    client.get(url)
    rule = ScoreRule.objects.filter(organisation=org, year=YEAR).first()
    data = {
        f"r{rule.pk}-points": "7",
        f"r{rule.pk}-cap": "",
        f"r{rule.pk}-version": str(rule.version),
    }
    # Someone else sets it to 9 points meanwhile.
    ScoreRule.objects.filter(pk=rule.pk).update(points=9, version=rule.version + 1)
    for other in ScoreRule.objects.filter(organisation=org, year=YEAR).exclude(pk=rule.pk):
        data[f"r{other.pk}-points"] = str(other.points)
        data[f"r{other.pk}-cap"] = "" if other.cap is None else str(other.cap)
        data[f"r{other.pk}-version"] = str(other.version)
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    # The shared wording (core.audit.StaleEdit, core.forms.SAVE_AGAIN): saved in another
    # tab as often as by someone else, so it never says "他人".
    assert "该记录在您打开此页后已在其他窗口或由他人修改并保存" in page
    assert "以本页内容为准的，请再次保存" in page
    assert "已被他人修改" not in page and "他人已改为" not in page
    # The row says what it is now and keeps what this user typed; only it is marked.
    assert page.count("现已保存为") == 1 and "现已保存为：每项9.00分" in page
    assert f'name="r{rule.pk}-points" value="7' in page
    assert ScoreRule.objects.get(pk=rule.pk).points == 9
    # Having looked, saving again keeps this user's 7.
    version = re.search(rf'name="r{rule.pk}-version" value="(\d+)"', page).group(1)
    assert version == str(rule.version + 1)
    data[f"r{rule.pk}-version"] = version
    assert client.post(url, data).status_code == 302
    assert ScoreRule.objects.get(pk=rule.pk).points == 7


def _posted(page: str) -> dict:
    """What the browser sends from the score table as the page drew it."""
    field = r'<input[^>]*?name="((?:initial-)?r\d+-\w+)"[^>]*?value="([^"]*)"'
    return dict(re.findall(field, page))


def test_a_score_table_save_leaves_rows_it_did_not_touch_as_someone_else_set_them(client):
    org, _term, office, _member = setting()
    client.force_login(office)
    url = reverse("duty:rules") + f"?year={YEAR}"
    data = _posted(client.get(url).content.decode())
    mine, theirs = ScoreRule.objects.filter(organisation=org, year=YEAR).order_by("pk")[:2]
    assert f"r{theirs.pk}-points" in data and f"initial-r{theirs.pk}-points" in data
    data[f"r{mine.pk}-points"] = "7"
    # Someone else sets another row to 9 points while this page is open.
    ScoreRule.objects.filter(pk=theirs.pk).update(points=9, version=theirs.version + 1)
    assert client.post(url, data).status_code == 302
    assert ScoreRule.objects.get(pk=mine.pk).points == 7
    assert ScoreRule.objects.get(pk=theirs.pk).points == 9
    change = Event.objects.filter(verb="duty.rules_update").latest("pk").data["changes"]
    assert list(change) == [mine.kind]


def test_a_conflict_on_one_row_shows_the_untouched_rows_as_they_are_now(client):
    org, _term, office, _member = setting()
    client.force_login(office)
    url = reverse("duty:rules") + f"?year={YEAR}"
    data = _posted(client.get(url).content.decode())
    mine, theirs = ScoreRule.objects.filter(organisation=org, year=YEAR).order_by("pk")[:2]
    data[f"r{mine.pk}-points"] = "7"
    ScoreRule.objects.filter(pk=mine.pk).update(points=8, version=mine.version + 1)
    ScoreRule.objects.filter(pk=theirs.pk).update(points=9, version=theirs.version + 1)
    page = client.post(url, data).content.decode()
    assert page.count("现已保存为") == 1 and "现已保存为：每项8.00分" in page
    assert f'name="r{mine.pk}-points" value="7' in page
    assert f'name="r{theirs.pk}-points" value="9.00"' in page
    # Saving again, having looked, keeps this user's 7 and the other's 9.
    assert client.post(url, _posted(page)).status_code == 302
    assert ScoreRule.objects.get(pk=mine.pk).points == 7
    assert ScoreRule.objects.get(pk=theirs.pk).points == 9


def _seat_many(org, term, n):
    for i in range(n):
        member = MemberFactory(organisation=org)
        seat(member, term)
        record(member, K.MEETING, quantity=i % 5)
        record(member, K.PROPOSAL_FIRST)


@pytest.mark.clause("C5.7")
@pytest.mark.parametrize("n", [3, 30])
def test_it_lists_the_yearly_evaluation_in_constant_queries(client, django_assert_num_queries, n):
    org, term, office, _member = setting()
    _seat_many(org, term, n)
    client.force_login(office)
    url = reverse("duty:evaluation") + f"?year={YEAR}"
    client.get(url)  # warm up: creates the score table
    # 11: the committee's first term is read to refuse a year before it (duty.views).
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    # One page of rows: the seated members (n and the setting's own), at most a page full.
    assert response.content.decode().count("duty/members/") == min(n + 1, EVALUATION_PER_PAGE)


@pytest.mark.clause("C5.7")
def test_it_exports_the_evaluation_to_excel_sorted_by_score(client):
    org, term, office, member = setting()
    _three_a_year(member)
    other = MemberFactory(organisation=org, name="乙委员")
    seat(other, term)
    record(other, K.MEETING)
    client.force_login(office)
    response = client.get(reverse("duty:evaluation_export") + f"?year={YEAR}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("姓名", "界别", "得分", "等级")
    assert rows[1][0] == member.name and rows[1][2] == 45
    assert rows[2][0] == "乙委员" and rows[2][2] == 5 and rows[2][-1] == "未达到"


def test_it_hides_the_evaluation_from_members_and_other_districts(client):
    org, _term, _office, member = setting()
    client.force_login(member.user)
    assert client.get(reverse("duty:evaluation")).status_code == 403
    other_office = user_with_role(Role.OFFICE, make_org("另一区政协"))
    client.force_login(other_office)
    assert client.get(reverse("duty:member_file", args=[member.pk])).status_code == 404


def test_the_evaluation_export_writes_formulas_as_plain_text(client):
    from tests.xlsx import PAYLOAD, assert_no_formulas, texts, workbook

    org, term, office, member = setting()
    member.name = PAYLOAD
    member.save(update_fields=["name"])
    record(member, K.MEETING)
    client.force_login(office)
    wb = workbook(client.get(reverse("duty:evaluation_export") + f"?year={YEAR}"))
    assert_no_formulas(wb)
    assert PAYLOAD in texts(wb)
