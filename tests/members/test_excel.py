import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from xieshang.core.jobs import Job
from xieshang.core.models import Event
from xieshang.members.excel import IMPORT_COLUMNS
from xieshang.members.models import Member, Membership
from xieshang.orgs.models import Role

from .factories import committee, seat_of, valid_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Post a file to the import page and follow the queued job through the (immediate)
    task worker; returns the job page's response, or the refused form's."""

    def post(org, file):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("members:import"), {"organisation": org.pk, "file": file}
            )
        if response.status_code != 302:
            return response
        return client.get(response["Location"])

    return post


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


def test_it_imports_a_valid_file_into_the_current_term(client, upload, private_root):
    c = committee()
    client.force_login(c.clerk)
    file = xlsx([good_row("王一", 1), good_row("李二", 2, 性别="", 是否常委="是")])
    response = upload(c.org, file)
    assert response.status_code == 200
    job = response.context["job"]
    assert (job.status, job.outcome["created_count"], job.total, job.done) == ("done", 2, 2, 2)
    body = response.content.decode()
    assert "已导入 2 名委员" in body and reverse("members:list") in body
    assert "hx-trigger" not in body  # finished: the page stops polling
    assert not job.source and not list(private_root.rglob("*.xlsx"))  # not kept once read
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


def test_it_imports_nothing_when_one_row_is_bad_and_names_the_row(client, upload):
    c = committee()
    client.force_login(c.clerk)
    rows = [
        good_row("王一", 1),
        good_row("李二", 2),
        good_row("张三", 3, 界别="不存在界"),
        good_row("赵四", 4),
    ]
    response = upload(c.org, xlsx(rows))
    assert response.status_code == 200
    assert response.context["job"].status == "failed"
    errors = response.context["errors"]
    assert [(e["row"], e["message"]) for e in errors] == [(4, "未知的界别“不存在界”。")]
    assert "第4行" in response.content.decode()
    assert not Member.objects.exists()
    verbs = set(Event.objects.filter(verb__startswith="member.").values_list("verb", flat=True))
    assert verbs == {"member.import_queued", "member.import_rejected"}


def test_a_clerk_working_in_english_reads_the_row_errors_in_english(client, upload):
    """The rows are checked by the task worker, which runs in the default language: the
    job keeps the language it was asked in, and its errors and message come in it."""
    c = committee()
    client.force_login(c.clerk)
    client.cookies["django_language"] = "en"
    response = upload(c.org, xlsx([good_row("王一", 1), good_row("张三", 3, 界别="不存在界")]))
    assert response.context["job"].status == "failed"
    assert [e["message"] for e in response.context["errors"]] == ["Unknown Sector “不存在界”."]
    assert "Row(s) 3" in response.content.decode()
    client.cookies["django_language"] = "zh-hans"
    response = upload(c.org, xlsx([good_row("王一", 1)]))
    assert response.context["job"].message == "已导入 1 名委员。"


def test_it_reports_every_kind_of_bad_row(client, upload):
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
    response = upload(c.org, xlsx(rows))
    found = {}  # each message is listed once with its rows: the messages of each row
    for e in response.context["errors"]:
        found[e["row"]] = found.get(e["row"], "") + e["message"]
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
    assert response.status_code == 400
    assert "不接受此类文件" in response.content.decode()
    wrong_type = SimpleUploadedFile("委员.csv", b"a,b")
    response = client.post(
        reverse("members:import"), {"organisation": c.org.pk, "file": wrong_type}
    )
    assert "XLSX" in response.content.decode()
    assert not Job.objects.exists()


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
    assert response.status_code == 400  # the other district is not a choice
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
    assert event.data == {"fields": ["address", "id_number", "phone"], "count": 3}


def test_the_export_says_when_each_member_who_left_left(client):
    """辞去委员, 撤销委员资格, 届满: the 状态 column says how a seat ended, 退出日期 when; a
    seat held has no exit date."""
    import datetime as dt

    c = committee()
    c.member("丁一")
    c.member("李四", status=Membership.Status.RESIGNED, status_changed_on=dt.date(2026, 6, 30))
    c.member("王二", status=Membership.Status.REVOKED, status_changed_on=dt.date(2026, 9, 1))
    client.force_login(c.clerk)
    rows = read_back(client.get(reverse("members:export")))
    header = rows[0]
    assert header[-2:] == ["状态", "退出日期"]
    by_name = {r[1]: (r[-2], r[-1]) for r in rows[1:]}
    assert by_name["丁一"] == ("在任", None)
    assert by_name["李四"][0] == "辞去委员"
    assert by_name["李四"][1].date() == dt.date(2026, 6, 30)
    assert by_name["王二"][0] == "撤销委员资格"
    assert by_name["王二"][1].date() == dt.date(2026, 9, 1)


@pytest.mark.parametrize("count", [3, 30])
def test_it_exports_with_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    """The export shows each seat's term and activity group, which the list page does not
    join: they are read with the rows, not once a row."""
    c = committee()
    for i in range(count):
        c.member(f"王{'一二三四五六七八九十'[i % 10]}{'甲乙丙'[i // 10]}")
    client.force_login(c.clerk)
    client.get(reverse("members:export"))  # the session and the caches warmed
    with django_assert_max_num_queries(9):
        rows = read_back(client.get(reverse("members:export")))
    assert len(rows) == count + 1
    assert rows[1][rows[0].index("届次")]


def test_it_masks_the_export_for_a_role_without_pii_permission_and_logs_it(client):
    c = committee()
    import datetime as dt

    member = c.member(
        "丁一", phone="13900000001", address="示范区人民路100号", birth_date=dt.date(1980, 1, 15)
    )
    client.force_login(c.user(Role.CHAIR))  # may export, may not see personal data
    rows = read_back(client.get(reverse("members:export")))
    header = rows[0]
    assert rows[1][header.index("手机号码")] == "139****0001"
    assert rows[1][header.index("身份证号")] != member.id_number
    assert rows[1][header.index("家庭住址")] == "示范区人民路****"
    assert rows[1][header.index("出生日期")] == "1980-01"  # the day would give the ID away
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


# --- Background import jobs ----------------------------------------------------------------


def import_job(c, **fields) -> Job:
    """A member import of committee `c` as the worker left it (core.jobs)."""
    return Job.objects.create(
        kind="members.import",
        organisation=c.org,
        owner=c.clerk,
        params={"term": c.term.pk},
        **fields,
    )


def test_the_job_page_polls_and_shows_progress_while_the_worker_reads(client, upload, monkeypatch):
    from xieshang.members import imports

    c = committee()
    client.force_login(c.clerk)
    rows = [good_row(f"王{'一二三四五六七八九十'[i]}", i + 1) for i in range(5)]
    seen = []

    def watch(job_pk):
        def progress(n):  # what the page shows at each progress step of the worker
            Job.objects.filter(pk=job_pk).update(done=n)
            page = client.get(reverse("members:import_job", args=[job_pk]), HTTP_HX_REQUEST="true")
            seen.append(page.content.decode())

        return progress

    real = imports.excel.read_import

    def read_import(f, org, **kwargs):
        job = Job.objects.get()
        return real(f, org, **{**kwargs, "progress": watch(job.pk), "every": 2})

    monkeypatch.setattr(imports.excel, "read_import", read_import)
    response = upload(c.org, xlsx(rows))
    partial = seen[0]
    assert "<progress" in partial and 'value="40"' in partial  # 2 of 5 rows
    assert 'hx-trigger="every 1s"' in partial and "<html" not in partial
    assert "2 / 5" in partial
    assert response.context["job"].status == "done"
    assert Member.objects.count() == 5


def test_a_queued_job_is_shown_waiting_and_polls(client):
    c = committee()
    job = import_job(c, source_name="委员.xlsx", total=9)
    client.force_login(c.clerk)
    body = client.get(reverse("members:import_job", args=[job.pk])).content.decode()
    assert "排队等待导入" in body and 'hx-trigger="every 1s"' in body


def test_it_refuses_a_file_over_the_row_limit_with_a_clear_message(client, upload):
    from xieshang.orgs.models import OrgSetting

    c = committee()
    OrgSetting.objects.create(organisation=c.org, key="members.import_max_rows", value=3)
    client.force_login(c.clerk)
    response = upload(c.org, xlsx([good_row(f"王{n}", i) for i, n in enumerate("一二三四五")]))
    assert response.status_code == 400
    assert "共5行，超过每次导入3行的上限，请分批导入" in response.content.decode()
    assert not Job.objects.exists() and not Member.objects.exists()


def test_the_worker_enforces_the_limit_when_the_file_does_not_state_its_size(client, upload):
    from xieshang.orgs.models import OrgSetting

    c = committee()
    OrgSetting.objects.create(organisation=c.org, key="members.import_max_rows", value=3)
    wb = Workbook(write_only=True)  # writes no <dimension>: the view cannot count cheaply
    ws = wb.create_sheet("委员名单")
    ws.append(HEADERS)
    for i, name in enumerate("一二三四五"):
        row = good_row(f"王{name}", i)
        ws.append([row.get(h, "") for h in HEADERS])
    buf = io.BytesIO()
    wb.save(buf)
    client.force_login(c.clerk)
    response = upload(c.org, SimpleUploadedFile("委员.xlsx", buf.getvalue()))
    assert response.context["job"].status == "failed"
    assert "共5行，超过每次导入3行的上限" in response.content.decode()
    assert not Member.objects.exists()


def test_another_organisations_staff_get_404_on_the_job(client, upload):
    a, b = committee("甲区政协"), committee("乙区政协")
    client.force_login(a.clerk)
    response = upload(a.org, xlsx([good_row("王一", 1)]))
    job = response.context["job"]
    client.force_login(b.clerk)
    assert client.get(reverse("members:import_job", args=[job.pk])).status_code == 404
    client.force_login(a.user(Role.CHAIR))  # same organisation, but may not import
    assert client.get(reverse("members:import_job", args=[job.pk])).status_code == 404


def test_a_job_whose_worker_died_is_failed_when_its_page_is_opened(client):
    import datetime as dt

    from django.utils import timezone

    from xieshang.members import imports

    c = committee()
    old = timezone.now() - imports.STALE_AFTER - dt.timedelta(minutes=1)
    job = import_job(c, source_name="委员.xlsx", status="running", heartbeat_at=old)
    fresh = import_job(c, source_name="委员2.xlsx", status="running", heartbeat_at=timezone.now())
    client.force_login(c.clerk)
    body = client.get(reverse("members:import_job", args=[job.pk])).content.decode()
    assert "导入任务意外中断" in body and "hx-trigger" not in body
    fresh.refresh_from_db()
    assert fresh.status == "running"
    fresh.heartbeat_at = old
    fresh.save()
    assert imports.fail_stale_jobs() == 1  # the periodic sweep does the same
    fresh.refresh_from_db()
    assert fresh.status == "failed"


def test_the_task_runs_a_job_only_once(client, upload):
    from xieshang.members.imports import run_import

    c = committee()
    client.force_login(c.clerk)
    job = upload(c.org, xlsx([good_row("王一", 1)])).context["job"]
    run_import(job.pk)  # a second delivery of the task
    assert Member.objects.count() == 1
