import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from xieshang.core.models import Event
from xieshang.members.excel import IMPORT_COLUMNS
from xieshang.members.models import Member, Membership
from xieshang.orgs.models import Role

from .factories import committee, seat_of, valid_id

pytestmark = pytest.mark.django_db

HEADERS = [h for _k, h in IMPORT_COLUMNS]


def xlsx(rows: list[dict], headers=HEADERS) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h, "") for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("委员名单.xlsx", buf.getvalue())


def good_row(name: str, seq: int, **extra) -> dict:
    row = {
        "姓名": name,
        "性别": "男",
        "身份证号": valid_id(f"33010219750601{seq * 2 + 1:03d}"),  # odd: a man
        "手机号码": f"1380000{seq:04d}",
        "工作单位及职务": "某公司董事长",
        "界别": "经济界",
        "党派": "民建",
        "联系类别": "非公有制经济人士、新的社会阶层人士",
        "所在专委会": "经济委员会、教科卫体委员会",
        "是否常委": "否",
    }
    row.update(extra)
    return row


def read_back(response) -> list[list]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    ws = load_workbook(io.BytesIO(content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_it_offers_a_template_with_chinese_headers_and_the_accepted_names(client):
    c = committee()
    client.force_login(c.clerk)
    response = client.get(reverse("members:import_template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in wb["委员名单"][1]] == HEADERS
    help_text = str([list(r) for r in wb["填写说明"].iter_rows(values_only=True)])
    assert "经济界" in help_text and "经济委员会" in help_text


def test_it_imports_a_valid_file_into_the_current_term(client):
    c = committee()
    client.force_login(c.clerk)
    upload = xlsx([good_row("王一", 1), good_row("李二", 2, 性别="", 是否常委="是")])
    response = client.post(reverse("members:import"), {"organisation": c.org.pk, "file": upload})
    assert response.status_code == 302
    wang = Member.objects.get(name="王一")
    li = Member.objects.get(name="李二")
    assert li.gender == "M"  # from the ID number when the column is empty
    seat = seat_of(wang, c.term)
    assert seat.party.short_name == "民建"
    assert sorted(seat.committees.values_list("name", flat=True)) == [
        "教科卫体委员会",
        "经济委员会",
    ]
    assert seat.categories.count() == 2
    assert seat_of(li, c.term).is_standing
    assert Event.objects.filter(verb="member.import").count() == 2
    assert Event.objects.get(verb="member.import_file").data["count"] == 2


def test_it_imports_nothing_when_one_row_is_bad_and_names_the_row(client):
    c = committee()
    client.force_login(c.clerk)
    rows = [
        good_row("王一", 1),
        good_row("李二", 2),
        good_row("张三", 3, 界别="不存在界"),
        good_row("赵四", 4),
    ]
    response = client.post(
        reverse("members:import"), {"organisation": c.org.pk, "file": xlsx(rows)}
    )
    assert response.status_code == 200
    errors = response.context["errors"]
    assert [(e.row, e.message) for e in errors] == [(4, "未知的界别“不存在界”。")]
    assert "第4行" in response.content.decode()
    assert not Member.objects.exists()
    assert not Event.objects.filter(verb__startswith="member.").exists()


def test_it_reports_every_kind_of_bad_row(client):
    c = committee()
    existing = c.member("钱在册", id_number=valid_id("33010219750601001"))
    client.force_login(c.clerk)
    dup = good_row("孙甲", 5)
    rows = [
        good_row("", 1),  # row 2: no name
        good_row("周乙", 2, 身份证号="330102197506010021"),  # row 3: bad checksum
        dup,  # row 4
        good_row("吴丙", 6, 身份证号=dup["身份证号"]),  # row 5: duplicate of row 4
        good_row("郑丁", 7, 身份证号=existing.id_number),  # row 6: already registered
        good_row("冯戊", 8, 党派="某某党", 所在专委会="不存在委员会"),  # row 7
        good_row("陈己", 9, 手机号码="12345"),  # row 8
    ]
    response = client.post(
        reverse("members:import"), {"organisation": c.org.pk, "file": xlsx(rows)}
    )
    found = {e.row: e.message for e in response.context["errors"]}
    assert set(found) == {2, 3, 5, 6, 7, 8}
    assert "请填写姓名" in found[2]
    assert "校验位" in found[3]
    assert "与第4行重复" in found[5]
    assert "已登记" in found[6]
    assert "未知的党派“某某党”" in found[7] and "未知的专委会“不存在委员会”" in found[7]
    assert "11位" in found[8]
    assert Member.objects.count() == 1


def test_it_refuses_a_file_that_is_not_a_workbook(client):
    c = committee()
    client.force_login(c.clerk)
    bad = SimpleUploadedFile("委员.xlsx", b"not a workbook")
    response = client.post(reverse("members:import"), {"organisation": c.org.pk, "file": bad})
    assert "无法读取该文件" in response.content.decode()
    wrong_type = SimpleUploadedFile("委员.csv", b"a,b")
    response = client.post(
        reverse("members:import"), {"organisation": c.org.pk, "file": wrong_type}
    )
    assert ".xlsx" in response.content.decode()


def test_it_refuses_import_to_roles_without_the_permission(client):
    c = committee()
    client.force_login(c.user(Role.CHAIR))
    upload = xlsx([good_row("王一", 1)])
    assert client.post(reverse("members:import"), {"file": upload}).status_code == 403
    assert client.get(reverse("members:import_template")).status_code == 403
    assert not Member.objects.exists()


def test_it_does_not_import_into_another_district(client):
    a, b = committee("甲区政协"), committee("乙区政协")
    client.force_login(a.clerk)
    upload = xlsx([good_row("王一", 1)])
    response = client.post(reverse("members:import"), {"organisation": b.org.pk, "file": upload})
    assert response.status_code == 200  # the other district is not a choice
    assert not Member.objects.exists()


def test_it_exports_the_filtered_list_in_official_order_for_the_office(client):
    c = committee()
    c.member("张三", phone="13900000003")
    c.member("丁一", phone="13900000001")
    c.member("王二", phone="13900000002", sector=c.sector2)
    c.member("李四", status=Membership.Status.RESIGNED)
    client.force_login(c.clerk)
    response = client.get(reverse("members:export"), {"status": "active"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = read_back(response)
    assert rows[0][:3] == ["序号", "姓名", "性别"]
    assert [r[1] for r in rows[1:]] == ["丁一", "王二", "张三"]
    phone_col = rows[0].index("手机号码")
    assert rows[1][phone_col] == "13900000001"
    assert rows[2][rows[0].index("界别")] == "教育界"
    event = Event.objects.get(verb="pii.export")
    assert event.actor == c.clerk
    assert event.data == {"fields": ["id_number", "phone"], "count": 3}


def test_it_masks_the_export_for_a_role_without_pii_permission_and_logs_it(client):
    c = committee()
    member = c.member("丁一", phone="13900000001")
    client.force_login(c.user(Role.CHAIR))  # may export, may not see personal data
    rows = read_back(client.get(reverse("members:export")))
    header = rows[0]
    assert rows[1][header.index("手机号码")] == "139****0001"
    assert rows[1][header.index("身份证号")] != member.id_number
    assert Event.objects.get(verb="pii.export").data == {"fields": [], "count": 1}


def test_it_keeps_a_district_clerk_export_to_their_district(client):
    a, b = committee("甲区政协"), committee("乙区政协")
    a.member("王甲")
    b.member("李乙")
    client.force_login(a.clerk)
    names = [r[1] for r in read_back(client.get(reverse("members:export")))[1:]]
    assert names == ["王甲"]


def test_it_refuses_export_to_roles_without_the_permission(client):
    c = committee()
    c.member("王甲")
    client.force_login(c.user(Role.PROPOSAL_COMMITTEE))
    assert client.get(reverse("members:export")).status_code == 403
    assert not Event.objects.filter(verb="pii.export").exists()


def test_the_export_writes_a_formula_typed_as_employer_as_plain_text(client):
    from tests.xlsx import PAYLOAD, assert_no_formulas, workbook

    c = committee()
    c.member("丁一", employer=PAYLOAD, position="+1+2")
    client.force_login(c.clerk)
    wb = workbook(client.get(reverse("members:export")))
    assert_no_formulas(wb)
    rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
    assert rows[1][rows[0].index("工作单位及职务")] == PAYLOAD
    assert rows[1][rows[0].index("政协职务")] == "+1+2"
