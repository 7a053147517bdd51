"""Importing an office's own roster: header variants, re-imports, rare characters, full-width
input, Excel dates, title rows and other sheets, and thousands of errors on one page."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.utils.datetime import to_excel

from xieshang.members.models import Member
from xieshang.members.validators import validate_chinese_name, validate_id_number
from xieshang.orgs.models import Term

from ..factories import MemberFactory, seat
from .factories import committee, seat_of
from .test_excel import HEADERS, good_row

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789X-", "０１２３４５６７８９Ｘ－")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Post a file as the committee's clerk and follow the job to its end; returns the
    job page."""

    def post(c, file):
        client.force_login(c.clerk)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("members:import"), {"organisation": c.org.pk, "file": file}
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        return client.get(response["Location"])

    return post


def book(*sheets) -> SimpleUploadedFile:
    """A workbook with one sheet per (title, rows) pair, rows as lists of cell values."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("委员名单.xlsx", buf.getvalue())


def roster(rows: list[dict], headers=HEADERS, *, above=(), title="Sheet1") -> SimpleUploadedFile:
    """One sheet: `above` rows (a title), then the header, then the rows by header."""
    lines = [list(line) for line in above] + [list(headers)]
    lines += [[row.get(h, "") for h in headers] for row in rows]
    return book((title, lines))


def body(response) -> str:
    return response.content.decode()


def job_of(response):
    return response.context["job"]


# --- 1. Header variants are read, unknown headers refuse the file -----------------------------


def test_common_header_variants_are_read_not_dropped(upload):
    c = committee()
    variants = {
        "手机号码": "手机号",
        "工作单位及职务": "工作单位",
        "身份证号": "身份证号码",
        "姓名": " 姓 名* ",  # padded, marked required
        "界别": "界别：",
        "党派": "党派（必填）",
        "电子邮箱": "Ｅｍａｉｌ",  # full-width letters
    }
    headers = [variants.get(h, h) for h in HEADERS]
    row = good_row("王一", 1, 电子邮箱="wang@example.com")
    response = upload(c, roster([{variants.get(k, k): v for k, v in row.items()}], headers))
    assert job_of(response).status == "done", body(response)
    wang = Member.objects.get(name="王一")
    assert wang.phone == row["手机号码"]
    assert wang.employer == row["工作单位及职务"]
    assert wang.id_number == row["身份证号"]
    assert wang.email == "wang@example.com"
    assert seat_of(wang, c.term).sector == c.sector


def test_serial_and_remarks_columns_are_ignored_and_the_result_says_so(upload):
    c = committee()
    headers = ["序号", *HEADERS, "备注"]
    row = {**good_row("王一", 1), "序号": 1, "备注": "连任"}
    response = upload(c, roster([row], headers))
    assert job_of(response).status == "done"
    assert "已忽略列：序号、备注" in body(response)
    assert Member.objects.filter(name="王一").exists()


def test_an_unknown_header_refuses_the_file_naming_it(upload):
    c = committee()
    headers = [*HEADERS, "出生年月", "兴趣爱好"]
    row = {**good_row("王一", 1), "出生年月": "1975.06", "兴趣爱好": "书法"}
    response = upload(c, roster([row], headers))
    assert job_of(response).status == "failed"
    messages = [e["message"] for e in response.context["errors"]]
    assert messages == [
        "表头中有无法识别的列：“出生年月”、“兴趣爱好”。请改用模板中的列名，或删除这些列后重新上传。"
    ]
    assert not Member.objects.exists()


def test_two_headers_for_the_same_column_refuse_the_file(upload):
    c = committee()
    headers = [*HEADERS, "手机"]
    row = {**good_row("王一", 1), "手机": "13900000009"}
    response = upload(c, roster([row], headers))
    assert job_of(response).status == "failed"
    assert "“手机号码”、“手机”是同一列" in body(response)
    assert not Member.objects.exists()


def test_data_under_a_column_without_a_header_is_not_dropped_silently(upload):
    c = committee()
    headers = [*HEADERS, None]
    row = {**good_row("王一", 1), None: "某项说明"}
    response = upload(c, roster([row], headers))
    assert job_of(response).status == "failed"
    assert "S列有数据但没有列名" in body(response)  # the column after the template's last
    assert not Member.objects.exists()


# --- 2. Importing the same roster again -----------------------------------------------------


def test_a_row_without_id_number_imported_twice_is_one_member(upload):
    c = committee()
    row = good_row("王一", 1, 身份证号="", 出生日期="1975-06-01")
    first = upload(c, roster([row, good_row("李二", 2)]))
    assert job_of(first).outcome["created_count"] == 2
    again = upload(c, roster([row, good_row("李二", 2), good_row("张三", 3)]))
    job = job_of(again)
    assert job.status == "done"
    assert (job.outcome["created_count"], job.outcome["skipped_count"]) == (1, 2)
    page = body(again)
    assert "已导入 1 名委员" in page and "2 名已在册，未重复导入" in page
    assert "第2行 王一" in page and "第3行 李二" in page
    assert Member.objects.filter(name="王一").count() == 1
    assert Member.objects.count() == 3


def test_a_file_with_id_numbers_imported_again_is_not_refused(upload):
    c = committee()
    rows = [good_row("王一", 1), good_row("李二", 2)]
    upload(c, roster(rows))
    again = upload(c, roster(rows))
    job = job_of(again)
    assert job.status == "done", body(again)
    assert "已登记" not in body(again)
    assert (job.outcome["created_count"], job.outcome["skipped_count"]) == (0, 2)
    assert Member.objects.count() == 2


def test_a_row_with_an_id_number_matches_a_member_registered_without_one(upload):
    c = committee()
    c.member("王一", id_number="", birth_date=dt.date(1975, 6, 1))
    response = upload(c, roster([good_row("王一", 1)]))  # the ID number says 1975-06-01
    assert job_of(response).outcome["skipped_count"] == 1
    assert Member.objects.count() == 1


def test_an_id_number_registered_under_another_name_is_still_refused(upload):
    c = committee()
    row = good_row("王一", 1)
    c.member("钱在册", id_number=row["身份证号"])
    response = upload(c, roster([row]))
    assert job_of(response).status == "failed"
    assert [(e["row"], e["message"]) for e in response.context["errors"]] == [
        (2, "身份证号已登记在本政协委员“钱在册”名下，与本行姓名“王一”不符，请核对。")
    ]


def test_a_member_of_an_earlier_term_is_not_skipped_as_on_the_roll(upload):
    c = committee()
    row = good_row("王一", 1)
    earlier = Term.objects.get(organisation=c.org, number=14)
    seat(MemberFactory(organisation=c.org, name="王一", id_number=row["身份证号"]), earlier)
    response = upload(c, roster([row]))
    assert job_of(response).status == "failed"
    assert "不在本届名单中" in body(response)


def test_two_rows_for_the_same_person_without_id_number_are_refused(upload):
    c = committee()
    row = good_row("王一", 1, 身份证号="", 出生日期="1975-06-01")
    response = upload(c, roster([row, row]))
    assert job_of(response).status == "failed"
    assert "与第2行姓名、出生日期相同" in body(response)
    assert not Member.objects.exists()


# --- 3. Names with rare characters, minority names, padded names ----------------------------


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("测试𠀾", "测试𠀾"),  # extension B
        ("\U0002a700\U0002b740", "\U0002a700\U0002b740"),  # extensions C and D
        ("王\U00031350", "王\U00031350"),  # extension H
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),  # bullet typed for the middle dot
        ("测　试", "测试"),  # padded with a full-width space to align
        (" 王 芳 ", "王芳"),
    ],
)
def test_names_with_rare_characters_dots_and_padding_are_accepted(typed, kept):
    assert validate_chinese_name(typed) == kept


def test_a_padded_name_and_a_rare_character_import(upload):
    c = committee()
    response = upload(c, roster([good_row("测　试", 1), good_row("王𠀾", 2)]))
    assert job_of(response).status == "done", body(response)
    assert set(Member.objects.values_list("name", flat=True)) == {"测试", "王𠀾"}


# --- 4. Full-width digits ------------------------------------------------------------------


def test_a_full_width_id_number_is_accepted():
    assert validate_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


def test_full_width_id_number_date_and_phone_import(upload):
    c = committee()
    row = good_row("王一", 1)
    typed = {
        **row,
        "身份证号": row["身份证号"].translate(FULL_WIDTH),
        "出生日期": "1975-06-01".translate(FULL_WIDTH),
        "手机号码": row["手机号码"].translate(FULL_WIDTH),
    }
    response = upload(c, roster([typed]))
    assert job_of(response).status == "done", body(response)
    wang = Member.objects.get()
    assert (wang.id_number, wang.birth_date) == (row["身份证号"], dt.date(1975, 6, 1))


# --- 5. Dates as Excel and clerks write them -------------------------------------------------


def test_excel_serial_numbers_and_yyyymmdd_are_dates(upload):
    c = committee()
    born = dt.date(1973, 3, 5)
    serial = int(to_excel(born))
    rows = [
        good_row("王一", 1, 身份证号="", 出生日期=serial),  # a number cell
        good_row("李二", 2, 身份证号="", 出生日期=str(serial)),  # the same, as text
        good_row("张三", 3, 身份证号="", 出生日期="19730305"),
        good_row("赵四", 4, 身份证号="", 出生日期=19730305),  # typed into a number cell
        good_row("钱五", 5, 身份证号="", 出生日期="1973年3月5日"),
    ]
    response = upload(c, roster(rows))
    assert job_of(response).status == "done", body(response)
    assert set(Member.objects.values_list("birth_date", flat=True)) == {born}


def test_a_serial_date_matching_the_id_number_imports(upload):
    c = committee()
    serial = int(to_excel(dt.date(1975, 6, 1)))  # good_row's ID numbers say 1975-06-01
    response = upload(c, roster([good_row("王一", 1, 出生日期=serial)]))
    assert job_of(response).status == "done", body(response)


@pytest.mark.parametrize("typed", ["1973", "abc", "19731305", "1973-02-30", "99999"])
def test_nonsense_dates_are_refused_naming_row_and_column(upload, typed):
    c = committee()
    rows = [good_row("王一", 1, 身份证号=""), good_row("李二", 2, 身份证号="", 出生日期=typed)]
    response = upload(c, roster(rows))
    assert job_of(response).status == "failed"
    errors = response.context["errors"]
    assert [e["row"] for e in errors] == [3]
    assert errors[0]["message"].startswith(f"出生日期“{typed}”")
    assert "第3行" in body(response)


# --- 6. Layout: missing columns, title rows, other sheets ------------------------------------


def test_a_missing_required_column_is_one_message_not_one_per_row(upload):
    c = committee()
    headers = [h for h in HEADERS if h != "界别"]
    response = upload(c, roster([good_row(n, i) for i, n in enumerate("一二三", 1)], headers))
    assert job_of(response).status == "failed"
    messages = [e["message"] for e in response.context["errors"]]
    assert messages == ["表头缺少“界别”列，请使用下载的模板。"]
    assert "请填写界别" not in body(response)


def test_a_title_row_above_the_header_is_skipped(upload):
    c = committee()
    above = [["示范区政协第十五届委员名单"], []]
    response = upload(c, roster([good_row("王一", 1)], above=above))
    job = job_of(response)
    assert job.status == "done", body(response)
    assert "表头在第3行" in body(response)
    assert Member.objects.filter(name="王一").exists()


def test_the_member_sheet_is_found_after_an_instructions_sheet(upload):
    c = committee()
    row = good_row("王一", 1)
    file = book(
        ("填写说明", [["说明"], ["请在第二个工作表填写"]]),
        ("委员", [HEADERS, [row.get(h, "") for h in HEADERS]]),
    )
    response = upload(c, file)
    assert job_of(response).status == "done", body(response)
    assert "读取的工作表：“委员”" in body(response)
    assert Member.objects.filter(name="王一").exists()


def test_no_header_anywhere_names_the_sheets_read(upload):
    c = committee()
    file = book(("Sheet1", [["名单"], ["王一", "男"]]), ("Sheet2", [["备忘"]]))
    response = upload(c, file)
    assert job_of(response).status == "failed"
    assert "在工作表“Sheet1”、“Sheet2”的前10行中未找到表头" in body(response)


# --- 7. Thousands of errors ----------------------------------------------------------------


def test_the_same_error_on_every_row_is_listed_once_with_its_rows(upload):
    c = committee()
    rows = [good_row("王一", 1, 身份证号="", 界别="") for _ in range(600)]
    for i, row in enumerate(rows):  # distinct people, all without a sector
        row["出生日期"] = (dt.date(1960, 1, 1) + dt.timedelta(days=i)).isoformat()
    response = upload(c, roster(rows))
    assert job_of(response).status == "failed"
    assert [(e["rows"], e["message"]) for e in response.context["errors"]] == [
        ("第2–601行", "请填写界别。")
    ]
    page = body(response)
    assert page.count("请填写界别") == 1
    assert "发现 600 处问题（涉及 600 行）" in page
    assert len(page) < 30_000


def test_many_different_errors_are_capped_with_the_rest_counted(upload):
    c = committee()
    rows = []
    for i in range(130):
        row = good_row("王一", 1, 身份证号="", 界别=f"第{i}界")
        row["出生日期"] = (dt.date(1960, 1, 1) + dt.timedelta(days=i)).isoformat()
        rows.append(row)
    response = upload(c, roster(rows))
    assert len(response.context["errors"]) == 100
    assert "另有 30 种问题未列出" in body(response)
    assert "发现 130 处问题（涉及 130 行）" in body(response)


def test_row_numbers_are_compressed_into_ranges():
    from xieshang.members.excel import rows_label

    assert rows_label([2, 3, 4, 7, 9, 10]) == "第2–4、7、9–10行"
    assert rows_label(list(range(2, 200, 2))).endswith("等，共99行")


# --- 8. 男性/女性, and an ID number Excel turned into a number -----------------------------------


def test_gender_written_as_nanxing_or_nvxing_is_read(upload):
    c = committee()
    row = good_row("李文华", 1, 性别="男性")
    page = body(upload(c, roster([row])))
    assert "已导入 1 名委员" in page, page[:3000]
    assert Member.objects.get(name="李文华").gender == "M"


def test_an_id_number_stored_as_a_number_says_so_not_check_digit(upload):
    c = committee()
    row = good_row("李文华", 1)
    row["身份证号"] = float(row["身份证号"][:17] + "0")  # what Excel keeps of it
    page = body(upload(c, roster([row])))
    assert "身份证号被Excel存成了数字" in page
    assert "校验" not in page
    assert not Member.objects.filter(name="李文华").exists()


def test_an_over_long_value_is_refused_not_cut(upload):
    """A 工作单位及职务 of 300 characters was imported as its first 200, without a word."""
    c = committee()
    rows = [
        good_row("王一", 1),
        good_row("李二", 2, 工作单位及职务="某" * 300),
        good_row("张三", 3, 政协职务="委" * 51),
    ]
    response = upload(c, roster(rows))
    assert job_of(response).status == "failed"
    page = body(response)
    assert "工作单位及职务不能超过200字（现为300字）。" in page
    assert "政协职务不能超过50字（现为51字）。" in page
    assert [e["row"] for e in response.context["errors"]] == [3, 4]
    assert not Member.objects.filter(name__in=["王一", "李二", "张三"]).exists()
