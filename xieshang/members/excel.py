"""Excel in and out for members (openpyxl): the import template, reading an upload, the
list export and the composition tables. Nothing here decides who may see what: callers pass
rows already scoped and say whether personal data is shown."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from xieshang.core import excel as core_excel
from xieshang.core import pii
from xieshang.orgs.models import ActivityGroup, Committee, Organisation, Party, Sector

from . import validators
from .models import Category, Gender, Member
from .services import MemberInput

XLSX = core_excel.XLSX
LIST_SEPARATORS = ("、", "，", ",", "；", ";", "/")


def table_workbook(title: str, headers: list[str], rows: list[list]) -> bytes:
    return core_excel.table_bytes(title, headers, rows)


# --- Import ------------------------------------------------------------------------------

# (key, header). The header is what clerks see and what the reader matches on.
IMPORT_COLUMNS = [
    ("name", "姓名"),
    ("gender", "性别"),
    ("ethnicity", "民族"),
    ("birth_date", "出生日期"),
    ("id_number", "身份证号"),
    ("phone", "手机号码"),
    ("address", "家庭住址"),
    ("employer", "工作单位及职务"),
    ("education", "学历"),
    ("email", "电子邮箱"),
    ("sector", "界别"),
    ("party", "党派"),
    ("categories", "联系类别"),
    ("committees", "所在专委会"),
    ("activity_group", "活动小组"),
    ("is_standing", "是否常委"),
    ("position", "政协职务"),
]
HEADER_TO_KEY = {header: key for key, header in IMPORT_COLUMNS}


def import_template(organisation: Organisation) -> bytes:
    """The template to fill in, with a second sheet listing the names the import accepts."""
    book = core_excel.Book()
    ws = book.sheet("委员名单", [h for _k, h in IMPORT_COLUMNS])
    for col in ("D", "E", "F"):  # dates, ID and phone numbers as text, so Excel keeps them
        for row in range(2, 1001):
            ws[f"{col}{row}"].number_format = "@"
    help_ws = book.sheet("填写说明")
    rows = [["项目", "可填写的值"]]
    rows.append(["性别", "、".join(str(label) for _v, label in Gender.choices)])
    rows.append(["出生日期", "2026-11-25 或 2026年11月25日；不填则按身份证号"])
    rows.append(["身份证号", "18位，校验位须正确；同一政协内不得重复"])
    rows.append(["手机号码", "11位手机号码"])
    rows.append(["是否常委", "是 / 否"])
    rows.append(["多个值", "联系类别、所在专委会可填多个，用“、”分隔"])
    rows.append(
        ["界别", "、".join(s.name for s in Sector.objects.filter(organisation=organisation))]
    )
    rows.append(["党派", "、".join(p.name for p in Party.objects.all())])
    rows.append(["联系类别", "、".join(str(label) for _v, label in Category.choices)])
    rows.append(
        [
            "所在专委会",
            "、".join(c.name for c in Committee.objects.filter(organisation=organisation)),
        ]
    )
    rows.append(
        [
            "活动小组",
            "、".join(g.name for g in ActivityGroup.objects.filter(organisation=organisation)),
        ]
    )
    for row in rows:  # sector, committee and group names are typed by users
        core_excel.append_row(help_ws, row)
    help_ws.column_dimensions["A"].width = 14
    help_ws.column_dimensions["B"].width = 100
    return book.to_bytes()


@dataclass
class ImportError_:
    row: int
    message: str


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    if not text:
        return None
    text = text.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-")
    text = text.replace(".", "-")
    try:
        y, m, d = (int(p) for p in text.split("-"))
        return dt.date(y, m, d)
    except ValueError:
        raise ValidationError(_("出生日期“%(v)s”无法识别。") % {"v": _cell_text(value)}) from None


def _split(text: str) -> list[str]:
    for sep in LIST_SEPARATORS[1:]:
        text = text.replace(sep, LIST_SEPARATORS[0])
    return [part.strip() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]


class _Lookups:
    """Names the import accepts for one organisation, read once per file."""

    def __init__(self, organisation: Organisation):
        self.sectors = {s.name: s for s in Sector.objects.filter(organisation=organisation)}
        self.parties = {}
        for p in Party.objects.all():
            self.parties[p.name] = p
            if p.short_name:
                self.parties.setdefault(p.short_name, p)
        self.committees = {c.name: c for c in Committee.objects.filter(organisation=organisation)}
        self.groups = {g.name: g for g in ActivityGroup.objects.filter(organisation=organisation)}
        self.categories = {str(label): value for value, label in Category.choices}
        self.genders = {str(label): value for value, label in Gender.choices}
        self.existing_ids = set(
            Member.objects.filter(organisation=organisation)
            .exclude(id_number="")
            .values_list("id_number", flat=True)
        )


def unreadable() -> ImportError_:
    return ImportError_(0, _("无法读取该文件，请使用下载的模板（.xlsx）填写。"))


def too_many_rows(count: int, limit: int) -> str:
    return _("共%(n)d行，超过每次导入%(max)d行的上限，请分批导入。") % {"n": count, "max": limit}


def sheet_rows(file) -> int | None:
    """Data rows (after the header) as the first sheet's stored dimension says, without
    reading the cells: fast enough for the request. None if the file does not say (some
    generators write no dimension); the reader then enforces the limit row by row. The
    dimension counts formatted empty rows too, so it is an upper bound."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same answer
        raise ValidationError(unreadable().message) from None
    finally:
        file.seek(0)
    try:
        max_row = wb.worksheets[0].max_row if wb.worksheets else 0
    finally:
        wb.close()
    return None if max_row is None else max(0, max_row - 1)


def read_import(
    file,
    organisation: Organisation,
    *,
    max_rows: int | None = None,
    progress=None,
    every: int = 200,
) -> tuple[list[MemberInput], list[ImportError_]]:
    """Read an uploaded workbook. Returns the rows and every problem found, each with the
    spreadsheet row number as Excel shows it; the caller imports only when there is none.
    More than `max_rows` data rows is one error for the whole file (the rest is only
    counted). `progress(rows_read)` is called every `every` rows."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same answer
        return [], [unreadable()]
    ws = wb.worksheets[0]
    rows_iter = ws.iter_rows(values_only=True)
    header = next(rows_iter, None)
    if not header:
        return [], [ImportError_(1, _("第一行应为表头。"))]
    index = {}
    for i, title in enumerate(header):
        key = HEADER_TO_KEY.get(_cell_text(title))
        if key:
            index[key] = i
    if "name" not in index:
        return [], [ImportError_(1, _("表头中缺少“姓名”列，请使用下载的模板。"))]
    look = _Lookups(organisation)
    rows: list[MemberInput] = []
    errors: list[ImportError_] = []
    seen_ids: dict[str, int] = {}
    count = 0
    for number, values in enumerate(rows_iter, start=2):
        raw = {key: values[i] if i < len(values) else None for key, i in index.items()}
        if all(_cell_text(v) == "" for v in raw.values()):
            continue  # blank lines are not rows
        count += 1
        if progress is not None and count % every == 0:
            progress(count)
        if max_rows is not None and count > max_rows:
            continue  # only counted, for the message
        problems: list[str] = []
        parsed = _parse_row(raw, look, problems)
        id_number = parsed.member.get("id_number") if parsed else ""
        if id_number:
            if id_number in seen_ids:
                problems.append(_("身份证号与第%(n)d行重复。") % {"n": seen_ids[id_number]})
            else:
                seen_ids[id_number] = number
            if id_number in look.existing_ids:
                problems.append(_("身份证号已登记在本政协的其他委员名下。"))
        if problems:
            errors.append(ImportError_(number, "；".join(problems)))
        elif parsed is not None:
            rows.append(parsed)
    wb.close()
    if max_rows is not None and count > max_rows:
        return [], [ImportError_(0, too_many_rows(count, max_rows))]
    if progress is not None:
        progress(count)
    if not rows and not errors:
        errors.append(ImportError_(0, _("文件中没有委员数据。")))
    return rows, errors


def _parse_row(raw: dict, look: _Lookups, problems: list[str]) -> MemberInput | None:
    def text(key: str) -> str:
        return _cell_text(raw.get(key))

    def check(fn, value):
        try:
            return fn(value)
        except ValidationError as exc:
            problems.extend(exc.messages)
            return ""

    name = check(validators.validate_chinese_name, text("name"))
    gender = look.genders.get(text("gender"), "")
    id_number = text("id_number")
    if id_number:
        id_number = check(validators.validate_id_number, id_number)
    if not text("gender"):
        gender = validators.id_number_gender(id_number) if id_number else ""
        if not gender:
            problems.append(_("请填写性别。"))
    elif not gender:
        problems.append(_("性别“%(v)s”无法识别，应为“男”或“女”。") % {"v": text("gender")})
    elif id_number and validators.id_number_gender(id_number) != gender:
        problems.append(_("性别与身份证号不符。"))
    try:
        birth = _parse_date(raw.get("birth_date"))
    except ValidationError as exc:
        problems.extend(exc.messages)
        birth = None
    if id_number:
        from_id = validators.id_number_birth_date(id_number)
        if birth is None:
            birth = from_id
        elif birth != from_id:
            problems.append(_("出生日期与身份证号不符。"))
    phone = check(validators.validate_mobile, text("phone"))

    def one(key: str, table: dict, label: str):
        value = text(key)
        if not value:
            return None
        if value not in table:
            problems.append(_("未知的%(what)s“%(v)s”。") % {"what": label, "v": value})
            return None
        return table[value]

    sector = one("sector", look.sectors, _("界别"))
    if not text("sector"):
        problems.append(_("请填写界别。"))
    party = one("party", look.parties, _("党派"))
    if not text("party"):
        problems.append(_("请填写党派。"))
    group = one("activity_group", look.groups, _("活动小组"))
    committees = []
    for value in _split(text("committees")):
        if value in look.committees:
            committees.append(look.committees[value])
        else:
            problems.append(_("未知的专委会“%(v)s”。") % {"v": value})
    categories = []
    for value in _split(text("categories")):
        if value in look.categories:
            categories.append(look.categories[value])
        else:
            problems.append(_("未知的联系类别“%(v)s”。") % {"v": value})
    standing_text = text("is_standing")
    if standing_text not in ("", "是", "否"):
        problems.append(_("“是否常委”应填“是”或“否”。"))
    email = text("email")
    if email and "@" not in email:
        problems.append(_("电子邮箱格式不正确。"))
    if problems:
        return None
    return MemberInput(
        member={
            "name": name,
            "gender": gender,
            "ethnicity": text("ethnicity") or "汉族",
            "birth_date": birth,
            "id_number": id_number,
            "phone": phone,
            "address": text("address")[:200],
            "employer": text("employer")[:200],
            "education": text("education")[:20],
            "email": email,
            "street": None,
        },
        seat={
            "sector": sector,
            "party": party,
            "activity_group": group,
            "is_standing": standing_text == "是",
            "position": text("position")[:50],
        },
        committees=committees,
        categories=categories,
    )


# --- Export ------------------------------------------------------------------------------

EXPORT_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "所属政协",
    "届次",
    "界别",
    "党派",
    "联系类别",
    "所在专委会",
    "活动小组",
    "常委",
    "政协职务",
    "工作单位及职务",
    "手机号码",
    "身份证号",
    "状态",
]


def export_members(rows, *, show_pii) -> bytes:
    """The list as the page shows it, same order. `show_pii(member)` says whether this
    user may see the member's personal data unmasked."""
    data = []
    for i, seat in enumerate(rows, start=1):
        m = seat.member
        unmasked = show_pii(m)
        data.append(
            [
                i,
                m.name,
                m.get_gender_display(),
                str(m.organisation),
                str(seat.term),
                str(seat.sector or ""),
                str(seat.party or ""),
                "、".join(c.get_category_display() for c in seat.categories.all()),
                "、".join(c.name for c in seat.committees.all()),
                str(seat.activity_group or ""),
                "是" if seat.is_standing else "",
                seat.position,
                m.employer,
                m.phone if unmasked else pii.mask_phone(m.phone),
                m.id_number if unmasked else pii.mask_id_number(m.id_number),
                seat.get_status_display(),
            ]
        )
    return table_workbook("委员名单", EXPORT_HEADERS, data)
