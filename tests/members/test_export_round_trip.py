"""The office's roll export goes back through the import unchanged: every column the import
reads is in the export, in a form it reads back (dates as date cells), and the export's own
columns (所属政协, 届次, 状态, 退出日期) do not make the import refuse the file."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from xieshang.members.excel import IMPORT_COLUMNS
from xieshang.members.models import Member, Membership, MembershipCategory
from xieshang.orgs.models import ActivityGroup

from .factories import committee, party, seat_of, valid_id
from .test_excel import good_row, upload, xlsx  # noqa: F401 - upload is a fixture

pytestmark = pytest.mark.django_db

MEMBER_KEPT = ("name", "gender", "ethnicity", "birth_date", "id_number", "phone", "address")
MEMBER_KEPT += ("employer", "education", "email", "organisation_id")
SEAT_KEPT = ("term_id", "sector_id", "party_id", "activity_group_id", "is_standing", "position")
SEAT_KEPT += ("status", "status_changed_on", "start_date")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def picture(c) -> dict:
    """Every field of every member and seat the import could set, by member name."""
    found = {}
    for m in Member.objects.filter(organisation=c.org):
        seat = seat_of(m, c.term)
        found[m.name] = (
            {f: getattr(m, f) for f in MEMBER_KEPT},
            {f: getattr(seat, f) for f in SEAT_KEPT},
            sorted(seat.committees.values_list("name", flat=True)),
            sorted(seat.categories.values_list("category", flat=True)),
        )
    return found


def test_the_offices_export_imports_back_without_changing_any_member(client, upload):  # noqa: F811
    c = committee()
    group = ActivityGroup.objects.create(organisation=c.org, name="第一活动小组")
    people = [  # name, ID number's first 17 (odd 17th digit: a man), seat start
        ("丁一", "33010219750601003", None),
        ("王二", "33010219800215004", dt.date(2023, 3, 15)),
        ("张三", "33010219680930005", dt.date(2024, 7, 1)),
    ]
    for i, (name, first17, start) in enumerate(people):
        id_number = valid_id(first17)
        member = c.member(
            name,
            gender="M" if int(first17[-1]) % 2 else "F",
            ethnicity=["汉族", "回族", "蒙古族"][i],
            birth_date=dt.date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14])),
            id_number=id_number,
            phone=f"1390000000{i}",
            address=f"示范区人民路{i + 1}号",
            employer=f"示范{i}公司总经理",
            education=["大学", "研究生", ""][i],
            email=f"m{i}@example.com" if i else "",
            sector=[c.sector, c.sector2, c.sector][i],
            party=party(["中国民主建国会", "中国民主同盟", "无党派人士"][i]),
            committees=[[c.committee], [c.committee, c.committee2], []][i],
            activity_group=group if i != 2 else None,
            is_standing=i == 1,
            position=["", "副主席", ""][i],
            start_date=start,
        )
        if i < 2:
            categories = [["non_public_economy"], ["new_social_strata", "religious"]][i]
            MembershipCategory.objects.bulk_create(
                MembershipCategory(membership=seat_of(member, c.term), category=cat)
                for cat in categories
            )
    # A former member: on the roll, so the file's row for them is skipped, not revived.
    c.member(
        "李四",
        id_number=valid_id("33010219790101006"),
        birth_date=dt.date(1979, 1, 1),
        status=Membership.Status.RESIGNED,
        status_changed_on=dt.date(2025, 6, 30),
    )
    before = picture(c)
    client.force_login(c.clerk)
    content = client.get(reverse("members:export")).content

    # Every column the import reads is in the file; the seat start dates are date cells.
    ws = load_workbook(io.BytesIO(content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = rows[0]
    for _key, title in IMPORT_COLUMNS:
        assert title in header or (title == "是否常委" and "常委" in header), title
    starts = {r[1]: r[header.index("任职开始日期")] for r in rows[1:]}
    assert starts["丁一"] is None
    assert starts["王二"].date() == dt.date(2023, 3, 15)
    assert starts["张三"].date() == dt.date(2024, 7, 1)

    def reimport():
        job = upload(c.org, SimpleUploadedFile("委员名单.xlsx", content)).context["job"]
        assert job.status == "done", job.outcome
        return job

    # The roll still there: every row is a member on the roll, nothing changes.
    job = reimport()
    assert (job.outcome["created_count"], job.outcome["skipped_count"]) == (0, 4)
    assert picture(c) == before

    # The serving members gone (a new system, a roll rebuilt): the file brings them back
    # as they were, start dates included.
    Member.objects.filter(name__in=[p[0] for p in people]).delete()
    job = reimport()
    assert (job.outcome["created_count"], job.outcome["skipped_count"]) == (3, 1)
    assert picture(c) == before


def test_a_former_members_row_not_on_the_roll_is_refused_not_seated_as_serving(client, upload):  # noqa: F811
    """The import seats serving members: a row the export wrote for someone who left would
    come back 在任, so it is refused with its row; a serving row of the same file is read."""
    c = committee()
    client.force_login(c.clerk)
    headers = [h for _k, h in IMPORT_COLUMNS] + ["所属政协", "届次", "状态", "退出日期"]
    rows = [
        good_row("王一", 1, 状态="在任", 届次="第十五届", 所属政协=c.org.name),
        good_row("李二", 2, 状态="辞去委员", 退出日期="2025-06-30"),
    ]
    response = upload(c.org, xlsx(rows, headers=headers))
    job = response.context["job"]
    assert job.status == "failed"
    assert [(e["row"], e["message"]) for e in response.context["errors"]] == [
        (3, "该行委员状态为“辞去委员”：导入只登记在任委员，请删除此行。")
    ]
    assert not Member.objects.exists()
