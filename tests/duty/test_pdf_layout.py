"""Layout of the duty documents handed out on paper, read back page by page: the certificate
of participation (参加政协活动证明, given to the member's employer) never splits a row across
pages, keeps each date on one line and its verification code on the page of the sign-off;
the commendation decision (表彰决定) keeps each 姓名（界别） whole on a line; a decision's
number (文号) is never given to two decisions of the same organisation."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.duty.factories import YEAR, record, setting
from xieshang.core.text import chinese_date
from xieshang.duty.models import DutyKind

pytestmark = pytest.mark.django_db
K = DutyKind

# Short activities beside one long enough to wrap over five lines in its column: a page break
# could fall inside a row, between its lines or beside a one-line cell. With these rows as
# laid out here (Noto CJK), the 39th row of the year falls across the 3rd page's end, and a
# certificate of the first 20 rows ends with its sign-off at the foot of a page.
TOPICS = [
    "委员学习培训班",
    "全会协商：年度经济社会发展",
    "参加城关街道“有事好商量”协商议事室：关于老旧小区加装电梯费用分摊、楼道堆物清理、"
    "停车位划定、垃圾分类投放点调整、小区物业服务费调整、电动自行车集中充电设施建设、"
    "背街小巷路灯维修和社区养老服务站选址等居民关心事项的议事会",
    "视察调研：区人大常委会联合视察河道整治",
]


def _activities(member, n=40) -> list[tuple[dt.date, str]]:
    rows = []
    for i in range(n):
        day = dt.date(YEAR, 1, 1) + dt.timedelta(days=9 * i)
        title = f"{TOPICS[i % len(TOPICS)]}（第{i + 1}次）"
        record(member, K.MEETING, date=day, title=title)
        rows.append((day, title))
    return rows


def _certificate(client, member, start: dt.date, end: dt.date) -> list[str]:
    """The certificate's pages, as text."""
    client.force_login(member.user)
    response = client.post(
        reverse("duty:certificate"), {"start_date": start.isoformat(), "end_date": end.isoformat()}
    )
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def _flat(text: str) -> str:
    return "".join(text.split())


def _member():
    _org, _term, _office, member = setting()
    member.name = "刘维雄"  # the intro's length is part of the layout
    member.save()
    return member


@pytest.mark.clause("C6.3")
def test_no_row_of_the_certificate_is_split_across_pages_and_each_date_is_on_one_line(client):
    member = _member()
    rows = _activities(member)
    pages = _certificate(client, member, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    assert len(pages) > 2  # the point is the page breaks

    def page_of(needle: str) -> list[int]:
        return [i for i, text in enumerate(pages) if needle in _flat(text)]

    for day, title in rows:
        date = chinese_date(day)
        # The row is on one page, its date beside its activity, and the date on one line.
        assert page_of(title) == page_of(date) and len(page_of(date)) == 1, (date, title)
        assert any(date in line for line in pages[page_of(date)[0]].splitlines()), date
    assert "验证码" in pages[-1] and "请所在单位予以支持" in _flat(pages[-1])


@pytest.mark.clause("C6.3")
def test_the_verification_code_stays_on_the_page_of_the_sign_off(client):
    member = _member()
    rows = _activities(member)
    pages = _certificate(client, member, dt.date(YEAR, 1, 1), rows[19][0])
    assert "第20次" in _flat(pages[-1]) or "第20次" in _flat(pages[-2])
    last = _flat(pages[-1])
    assert "验证码" in last
    assert "请所在单位予以支持" in last and member.organisation.name in last


# --- The commendation decision ---------------------------------------------------------------

SURNAMES = "顾周贾王李赵钱孙吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = ["致雄", "奇", "蕊雅", "建国", "丽", "海涛", "敏", "晓燕", "志强", "芳"]
SECTORS = ["科技界", "特邀人士", "中共", "经济界", "民革", "教育界", "无党派人士", "农业界"]


def _approved_round(org, year=YEAR, doc_number="", **kwargs):
    from xieshang.duty.award_models import Commendation

    return Commendation.objects.create(
        organisation=org,
        year=year,
        status=Commendation.Status.APPROVED,
        doc_number=doc_number,
        **kwargs,
    )


@pytest.mark.clause("C5.8")
def test_each_name_and_sector_of_the_decision_stays_whole_on_a_line(client):
    from xieshang.duty.award_models import Award, AwardType

    org, _term, office, _member = setting()
    com = _approved_round(org)
    entries = []
    for i, surname in enumerate(SURNAMES):
        name = surname + GIVEN[i % len(GIVEN)]
        unit = SECTORS[i % len(SECTORS)]
        Award.objects.create(
            commendation=com,
            award_type=AwardType.PROPOSER,
            ref=f"member:{i}",
            name=name,
            unit=unit,
            rule="提案",
            sort_key=f"{i:03}",
        )
        entries.append(f"{name}（{unit}）")
    client.force_login(office)
    response = client.get(reverse("duty:commendation_document", args=[com.pk]))
    assert response["Content-Type"] == "application/pdf"
    lines = [
        line.replace(" ", "").replace("\u3000", "")
        for page in PdfReader(io.BytesIO(response.content)).pages
        for line in page.extract_text().splitlines()
    ]
    names = [line for line in lines if "（" in line and "）" in line]
    assert len(names) > 3  # the list runs over several lines
    for entry in entries:
        assert any(entry in line for line in lines), entry


# --- The decision's number --------------------------------------------------------------------

USED = "示范区政协发〔2026〕3号"


@pytest.mark.clause("C5.8")
def test_a_decision_number_another_decision_carries_is_refused_with_what_was_typed(client):
    from django.utils import timezone

    from xieshang.duty.award_models import Commendation

    org, _term, office, _member = setting()
    _approved_round(
        org,
        year=YEAR,
        doc_number=USED,
        published_at=timezone.now(),
    )
    Commendation.objects.filter(year=YEAR).update(status=Commendation.Status.PUBLISHED)
    earlier = _approved_round(org, year=YEAR - 1)
    client.force_login(office)
    publish = reverse("duty:commendation_publish", args=[earlier.pk])

    response = client.post(publish, {"doc_number": USED})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"文号“{USED}”已用于{YEAR}年度表彰决定" in page
    assert f'value="{USED}"' in page  # what was typed is kept
    earlier.refresh_from_db()
    assert earlier.status == Commendation.Status.APPROVED and earlier.published_at is None
    assert earlier.doc_number == ""

    # The same number typed with other brackets or spaces is the same number.
    response = client.post(publish, {"doc_number": " 示范区政协发[2026] 3号"})
    assert response.status_code == 400 and "已用于" in response.content.decode()

    # Another number is accepted; so is the same number at another organisation.
    response = client.post(publish, {"doc_number": "示范区政协发〔2026〕4号"})
    assert response.status_code == 302
    earlier.refresh_from_db()
    assert earlier.status == Commendation.Status.PUBLISHED
    assert earlier.doc_number == "示范区政协发〔2026〕4号"
    other_org, _t, other_office, _m = setting()
    other = _approved_round(other_org)
    client.force_login(other_office)
    client.post(reverse("duty:commendation_publish", args=[other.pk]), {"doc_number": USED})
    other.refresh_from_db()
    assert other.status == Commendation.Status.PUBLISHED and other.doc_number == USED


@pytest.mark.clause("C5.8")
def test_the_service_refuses_a_used_decision_number(client):
    from django.core.exceptions import ValidationError

    from xieshang.duty import awards

    org, _term, office, _member = setting()
    _approved_round(org, year=YEAR, doc_number=USED)
    earlier = _approved_round(org, year=YEAR - 1)
    with pytest.raises(ValidationError) as refused:
        awards.commendation_publish(commendation=earlier, actor=office, doc_number=USED)
    assert "doc_number" in refused.value.message_dict
    # No number at all stays allowed (the form says 可不填), however many rounds have none.
    awards.commendation_publish(commendation=earlier, actor=office, doc_number="")
    earlier.refresh_from_db()
    assert earlier.published_at is not None
