"""Excel in and out for members (openpyxl): the import template, reading an upload, the
list export and the composition tables. Nothing here decides who may see what: callers pass
rows already scoped and say whether personal data is shown."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel

from xieshang.core import excel as core_excel
from xieshang.core import pii
from xieshang.orgs.models import ActivityGroup, Committee, Organisation, Party, Sector, Term

from . import validators
from .models import Category, Gender, Member, Membership
from .services import MemberInput

XLSX = core_excel.XLSX
LIST_SEPARATORS = ("、", "，", ",", "；", ";", "/")


def table_workbook(title: str, headers: list[str], rows: list[list]) -> bytes:
    return core_excel.table_bytes(title, headers, rows)


# --- Import ------------------------------------------------------------------------------

# (key, header). The header is what clerks see; the reader also takes HEADER_ALIASES.
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
    # Optional. A file without the column seats every row as `services._new_seat` does; a
    # column with an empty cell is "from the term's start", as the form's empty field.
    ("start_date", "任职开始日期"),
]
# Columns kept as text in the template, so that Excel leaves dates, ID and phone numbers
# as typed.
TEXT_FORMAT_KEYS = ("birth_date", "id_number", "phone", "start_date")


def import_template(organisation: Organisation) -> bytes:
    """The template to fill in, with a second sheet listing the names the import accepts.
    A data-exchange format: Chinese whatever the clerk's language, as the import reads it
    (a template downloaded in English listed "Male", which the import then refused)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _import_template(organisation)


def _import_template(organisation: Organisation) -> bytes:
    book = core_excel.Book()
    ws = book.sheet("委员名单", [h for _k, h in IMPORT_COLUMNS])
    keys = [k for k, _h in IMPORT_COLUMNS]
    for col in (get_column_letter(keys.index(k) + 1) for k in TEXT_FORMAT_KEYS):
        for row in range(2, 1001):
            ws[f"{col}{row}"].number_format = "@"
    help_ws = book.sheet("填写说明")
    rows = [["项目", "可填写的值"]]
    rows.append(["性别", "、".join(str(label) for _v, label in Gender.choices)])
    rows.append(["出生日期", "1973-03-05、1973年3月5日或19730305；不填则按身份证号"])
    rows.append(["身份证号", "18位，校验位须正确；已在册的委员（身份证号相同）不会重复导入"])
    rows.append(["手机号码", "11位手机号码"])
    rows.append(["是否常委", "是 / 否"])
    rows.append(["多个值", "联系类别、所在专委会可填多个，用“、”分隔"])
    rows.append(
        [
            "任职开始日期",
            "届中增补的委员填写增补日期，如2024-03-15，须在本届任期内且不晚于今天；"
            "不填表示自本届开始任职",
        ]
    )
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


@dataclass
class Skipped:
    """A row for a member already on the roll: not imported again."""

    row: int
    name: str


@dataclass
class ImportRead:
    """What the reader found in one file. `errors` holds one entry per problem (a row with
    two problems has two); the caller imports `rows` only when there is no error. `skipped`
    are rows for members already on the roll, `ignored` the headers of columns not read
    (序号, 备注), `sheet` and `header_row` where the table was found."""

    rows: list[MemberInput] = field(default_factory=list)
    errors: list[ImportError_] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    sheet: str = ""
    header_row: int = 0


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _half_width(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# 1973-03-05, 1973/3/5, 1973.3.5, 1973年3月5日, with a time of day after it if Excel added one.
_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_YYYYMMDD_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# An Excel serial date (days since 1899-12-30): five digits are 1927-05-18 to 2173, every
# living member's birthday; four digits (1973) are a year, not a date.
_SERIAL_RE = re.compile(r"^\d{5}(?:\.\d+)?$")


def _read_date(value, *, epoch=WINDOWS_EPOCH) -> dt.date | None:
    """A date as clerks type it: a date cell, an Excel serial number (a number cell, or the
    same digits as text when the cell was formatted as text after the date was typed),
    YYYYMMDD, or year, month and day with - / . or 年月日, in half- or full-width digits.
    None for an empty cell; ValueError for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _half_width(_cell_text(value)).strip()
    if not text:
        return None
    found = None
    try:
        if match := _DATE_RE.match(text) or _YYYYMMDD_RE.match(text):
            found = dt.date(*(int(p) for p in match.groups()))
        elif _SERIAL_RE.match(text):
            found = from_excel(float(text), epoch=epoch).date()
    except (ValueError, OverflowError):
        found = None
    if found is None or found.year < 1900:
        raise ValueError(text)
    return found


def _parse_date(value, *, epoch=WINDOWS_EPOCH) -> dt.date | None:
    """A birth date (`_read_date`), not after today. A date cell is taken as it is."""
    if isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    shown = _cell_text(value)
    try:
        found = _read_date(value, epoch=epoch)
    except ValueError:
        raise ValidationError(
            _("出生日期“%(v)s”无法识别，请按“1973-03-05”填写。") % {"v": shown}
        ) from None
    if found is not None and found > timezone.localdate():
        raise ValidationError(_("出生日期“%(v)s”晚于今天，请核对。") % {"v": shown})
    return found


def _parse_seat_start(value, term: Term | None, *, epoch=WINDOWS_EPOCH) -> dt.date | None:
    """任职开始日期 (增补): a date as `_read_date` reads it, within `term` and not after
    today (`validators.validate_seat_start`); None for an empty cell."""
    try:
        found = _read_date(value, epoch=epoch)
    except ValueError:
        raise ValidationError(
            _("任职开始日期“%(v)s”无法识别，请按“2024-03-15”填写。") % {"v": _cell_text(value)}
        ) from None
    return validators.validate_seat_start(found, term)


def _split(text: str) -> list[str]:
    for sep in LIST_SEPARATORS[1:]:
        text = text.replace(sep, LIST_SEPARATORS[0])
    return [part.strip() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]


class _Lookups:
    """Names the import accepts for one organisation, and the members it already has, read
    once per file."""

    def __init__(self, organisation: Organisation, term: Term | None = None):
        self.term = term  # the term imported into: a start date is checked against it
        self.sectors = {s.name: s for s in Sector.objects.filter(organisation=organisation)}
        self.parties = {}
        for p in Party.objects.all():
            self.parties[p.name] = p
            if p.short_name:
                self.parties.setdefault(p.short_name, p)
        self.committees = {c.name: c for c in Committee.objects.filter(organisation=organisation)}
        self.groups = {g.name: g for g in ActivityGroup.objects.filter(organisation=organisation)}
        # The names the template lists, in Chinese whatever the language the import runs in.
        with translation.override(settings.LANGUAGE_CODE):
            self.categories = {str(label): value for value, label in Category.choices}
            self.serving = str(Membership.Status.ACTIVE.label)  # the export's 状态 of a seat held
            self.genders = {str(label): value for value, label in Gender.choices}
        # Rosters write 男性/女性 as often as 男/女.
        for label, value in list(self.genders.items()):
            self.genders.setdefault(f"{label}性", value)
        # Who is on the roll already: by ID number, and by name and birth date for members
        # registered without one.
        self.by_id: dict[str, tuple[int, str]] = {}
        self.by_person: dict[tuple, list[tuple[int, bool]]] = {}
        members = Member.objects.filter(organisation=organisation).values_list(
            "pk", "name", "birth_date", "id_number"
        )
        for pk, name, birth, id_number in members:
            if id_number:
                self.by_id[id_number] = (pk, name)
            self.by_person.setdefault((name, birth), []).append((pk, bool(id_number)))
        # Members with a seat in the term imported into (None: any member counts).
        self.seated = (
            set(Membership.objects.filter(term=term).values_list("member_id", flat=True))
            if term is not None
            else None
        )


def unreadable() -> ImportError_:
    return ImportError_(0, _("无法读取该文件，请使用下载的模板（.xlsx）填写。"))


def too_many_rows(count: int, limit: int) -> str:
    return _("共%(n)d行，超过每次导入%(max)d行的上限，请分批导入。") % {"n": count, "max": limit}


# --- The header: which sheet, which row, which column is what ---

# Other names clerks' own rosters give the template's columns. Matched after _header_key, so
# blanks, full-width letters, a trailing colon and the * or （必填） marking a required
# column do not matter.
HEADER_ALIASES = {
    "name": ("委员姓名",),
    "birth_date": ("出生年月日", "生日"),
    "id_number": ("身份证号码", "身份证", "公民身份号码", "公民身份证号码", "身份证件号码"),
    "phone": ("手机号", "手机", "移动电话", "联系电话"),
    "address": ("家庭地址", "住址", "通讯地址", "联系地址"),
    "employer": ("工作单位", "工作单位和职务", "工作单位职务", "单位及职务", "单位职务"),
    "education": ("文化程度", "最高学历"),
    "email": ("邮箱", "电子邮件", "Email", "E-mail"),
    "sector": ("所属界别",),
    "party": ("所属党派", "政治面貌"),
    "categories": ("类别",),
    "committees": ("专委会", "所属专委会", "专门委员会"),
    "activity_group": ("所在活动小组", "委员活动小组"),
    "is_standing": ("常委", "是否为常委"),
    "start_date": ("增补日期", "任职日期", "任职起始日期", "开始任职日期"),
}
# Columns of clerks' rosters that hold no member data: not read, and the result says so.
# 所属政协, 届次 and 退出日期 are the roll export's (`EXPORT_HEADERS`), so that an exported
# roll goes back in: the organisation and term are the ones the import was started for.
IGNORED_HEADERS = ("序号", "编号", "备注", "说明", "所属政协", "届次", "退出日期")
# The export's 状态, read only to refuse a row for someone who left (`_left`): the import
# seats serving members.
STATUS_HEADER = "状态"
# Columns without which no row can be imported (gender may come from the ID number).
REQUIRED_KEYS = ("name", "sector", "party")
HEADER_SCAN_ROWS = 10  # title rows a roster may have above its header


def _header_key(value) -> str:
    text = re.sub(r"\s", "", _half_width(_cell_text(value)))
    text = re.sub(r"\(必填\)$", "", text)
    return text.strip("*:").lower()


HEADER_TO_KEY = (
    {_header_key(header): key for key, header in IMPORT_COLUMNS}
    | {_header_key(alias): key for key, aliases in HEADER_ALIASES.items() for alias in aliases}
    | {_header_key(STATUS_HEADER): "status"}
)
_IGNORED = {_header_key(h) for h in IGNORED_HEADERS}
_LABELS = dict(IMPORT_COLUMNS)


@dataclass
class _Layout:
    sheet: str
    row: int  # the header's row number, as Excel shows it
    width: int  # cells in the header row
    index: dict[str, int]  # key -> column index
    ignored: list[str]
    unknown: list[str]
    doubled: list[list[str]]  # headers naming the same column twice
    unnamed: set[int]  # blank header cells: a column with data there has no name


def _is_header(values) -> bool:
    keys = {HEADER_TO_KEY.get(_header_key(v)) for v in values} - {None}
    return "name" in keys or len(keys) >= 3


def _layout(sheet: str, row: int, values) -> _Layout:
    layout = _Layout(sheet, row, len(values), {}, [], [], [], set())
    named: dict[str, list[str]] = {}
    for i, title in enumerate(values):
        norm = _header_key(title)
        key = HEADER_TO_KEY.get(norm)
        if not norm:
            layout.unnamed.add(i)
        elif key:
            named.setdefault(key, []).append(_cell_text(title))
            layout.index.setdefault(key, i)
        elif norm in _IGNORED:
            layout.ignored.append(_cell_text(title))
        else:
            layout.unknown.append(_cell_text(title))
    layout.doubled = [titles for titles in named.values() if len(titles) > 1]
    return layout


def _find_layout(wb) -> _Layout | None:
    """The first sheet with a header in its first rows (a roster often has a title above
    it, and the member list may follow an instructions sheet)."""
    for ws in wb.worksheets:
        rows = ws.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True)
        for number, values in enumerate(rows, start=1):
            if values and _is_header(values):
                return _layout(ws.title, number, values)
    return None


def _quoted(names) -> str:
    return "、".join(f"“{n}”" for n in names)


def _no_header(wb) -> ImportError_:
    return ImportError_(
        0,
        _(
            "在工作表%(sheets)s的前%(n)d行中未找到表头（应有“姓名”“界别”“党派”等列），"
            "请使用下载的模板。"
        )
        % {"sheets": _quoted(ws.title for ws in wb.worksheets), "n": HEADER_SCAN_ROWS},
    )


def _header_problems(layout: _Layout) -> list[str]:
    found = []
    if layout.unknown:
        found.append(
            _("表头中有无法识别的列：%(cols)s。请改用模板中的列名，或删除这些列后重新上传。")
            % {"cols": _quoted(layout.unknown)}
        )
    for titles in layout.doubled:
        found.append(_("表头中%(cols)s是同一列，请只保留一列。") % {"cols": _quoted(titles)})
    missing = [_LABELS[key] for key in REQUIRED_KEYS if key not in layout.index]
    if "gender" not in layout.index and "id_number" not in layout.index:
        missing.append(_LABELS["gender"])
    if missing:
        found.append(_("表头缺少%(cols)s列，请使用下载的模板。") % {"cols": _quoted(missing)})
    return found


def sheet_rows(file) -> int | None:
    """Data rows (below the header) as the member sheet's stored dimension says, reading
    only the first rows of each sheet to find the header: fast enough for the request.
    None if the file does not say (some generators write no dimension); the reader then
    enforces the limit row by row. The dimension counts formatted empty rows too, so it is
    an upper bound."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same answer
        raise ValidationError(unreadable().message) from None
    finally:
        file.seek(0)
    try:
        try:
            layout = _find_layout(wb)
        except Exception:  # noqa: BLE001 - cells that cannot be read: the same answer
            raise ValidationError(unreadable().message) from None
        if layout is not None:
            max_row, header = wb[layout.sheet].max_row, layout.row
        else:
            max_row, header = (wb.worksheets[0].max_row if wb.worksheets else 0), 1
    finally:
        wb.close()
        file.seek(0)  # the cells were read from it
    return None if max_row is None else max(0, max_row - header)


# --- Errors as the page shows them ---

ERROR_GROUPS_SHOWN = 100  # distinct messages listed; the rest only counted
ROW_RANGES_SHOWN = 30  # row ranges listed for one message


def rows_label(rows: list[int]) -> str:
    """第2–4501行, 第3、7–9行: the rows of one message, runs compressed, capped."""
    ranges: list[list[int]] = []
    for row in sorted(set(rows)):
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1][1] = row
        else:
            ranges.append([row, row])
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in ranges[:ROW_RANGES_SHOWN]]
    label = _("第%(rows)s行") % {"rows": _("、").join(parts)}
    if len(ranges) > ROW_RANGES_SHOWN:
        label += _("等，共%(n)d行") % {"n": len(set(rows))}
    return label


def group_errors(errors: list[ImportError_]) -> dict:
    """Each message once with the rows it applies to (a file with 4,500 rows missing the
    same value is one line, not 4,500), in the order of their first row, capped."""
    by_message: dict[str, list[int]] = {}
    for error in errors:
        by_message.setdefault(error.message, []).append(error.row)
    groups = sorted(by_message.items(), key=lambda item: min(item[1]))
    shown = [
        {
            "row": min(rows),
            "rows": rows_label([r for r in rows if r]) if any(rows) else "",
            "count": len(rows),
            "message": message,
        }
        for message, rows in groups[:ERROR_GROUPS_SHOWN]
    ]
    return {
        "errors": shown,
        "error_count": len(errors),
        "error_rows": len({e.row for e in errors if e.row}),
        "groups_left_off": max(0, len(groups) - ERROR_GROUPS_SHOWN),
    }


# --- Reading ---


def read_import(
    file,
    organisation: Organisation,
    *,
    term: Term | None = None,
    max_rows: int | None = None,
    progress=None,
    every: int = 200,
) -> ImportRead:
    """Read an uploaded workbook into rows to create and every problem found, each with the
    spreadsheet row number as Excel shows it (0: the whole file). More than `max_rows` data
    rows is one error for the whole file (the rest is only counted). A row for a member of
    `organisation` already on the roll (seated in `term`) is skipped, not an error.
    `progress(rows_read)` is called every `every` rows."""
    result = ImportRead()
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same answer
        result.errors.append(unreadable())
        return result
    try:
        _read(wb, organisation, term, result, max_rows=max_rows, progress=progress, every=every)
    finally:
        wb.close()
    return result


def _read(wb, organisation, term, result: ImportRead, *, max_rows, progress, every) -> None:
    layout = _find_layout(wb)
    if layout is None:
        result.errors.append(_no_header(wb))
        return
    result.sheet, result.header_row, result.ignored = layout.sheet, layout.row, layout.ignored
    header_problems = _header_problems(layout)
    if header_problems:
        result.errors.extend(ImportError_(layout.row, p) for p in header_problems)
        return
    look = _Lookups(organisation, term)
    seen_ids: dict[str, int] = {}
    seen_people: dict[tuple, int] = {}
    unnamed_data: set[int] = set()  # columns with data under no header
    count = 0
    start = layout.row + 1
    ws = wb[layout.sheet]
    for number, values in enumerate(ws.iter_rows(min_row=start, values_only=True), start=start):
        raw = {key: values[i] if i < len(values) else None for key, i in layout.index.items()}
        stray = {
            i
            for i, v in enumerate(values)
            if (i >= layout.width or i in layout.unnamed) and _cell_text(v)
        }
        if all(_cell_text(v) == "" for v in raw.values()):
            unnamed_data |= stray  # a row with data only there is still read for this
            continue  # blank lines are not rows
        unnamed_data |= stray
        count += 1
        if progress is not None and count % every == 0:
            progress(count)
        if max_rows is not None and count > max_rows:
            continue  # only counted, for the message
        problems: list[str] = []
        parsed = _parse_row(raw, look, problems, epoch=wb.epoch)
        if parsed is not None:
            skip = _on_roll(parsed, look, problems, seen_ids, seen_people, number)
            if skip and not problems:
                result.skipped.append(Skipped(number, parsed.member["name"]))
                continue
            problems.extend(_left(raw, look))
        if problems:
            result.errors.extend(ImportError_(number, p) for p in problems)
        elif parsed is not None:
            result.rows.append(parsed)
    if max_rows is not None and count > max_rows:
        result.rows, result.skipped = [], []
        result.errors = [ImportError_(0, too_many_rows(count, max_rows))]
        return
    if progress is not None:
        progress(count)
    for i in sorted(unnamed_data):
        result.errors.append(
            ImportError_(
                layout.row,
                _("%(col)s列有数据但没有列名，请在表头填写列名或删除该列。")
                % {"col": get_column_letter(i + 1)},
            )
        )
    if not result.rows and not result.errors and not result.skipped:
        result.errors.append(ImportError_(0, _("文件中没有委员数据。")))


def _left(raw: dict, look: _Lookups) -> list[str]:
    """A row the roll export wrote for someone whose seat ended (状态 辞去委员, 届满…) and who
    is not on the roll: imported, they would come back serving."""
    status = _cell_text(raw.get("status"))
    if not status or status == look.serving:
        return []
    return [_("该行委员状态为“%(v)s”：导入只登记在任委员，请删除此行。") % {"v": status}]


def _on_roll(parsed, look: _Lookups, problems, seen_ids, seen_people, number) -> bool:
    """Whether the row is a member already on the roll (to skip). A row repeating an
    earlier row, an ID number registered under another name, or a member of an earlier
    term with no seat in this one is a problem instead."""
    member = parsed.member
    id_number, name, birth = member["id_number"], member["name"], member["birth_date"]
    if id_number:
        if id_number in seen_ids:
            problems.append(_("身份证号与第%(n)d行重复。") % {"n": seen_ids[id_number]})
            return False
        seen_ids[id_number] = number
        found = look.by_id.get(id_number)
        if found is not None and found[1] != name:
            problems.append(
                _("身份证号已登记在本政协委员“%(other)s”名下，与本行姓名“%(name)s”不符，请核对。")
                % {"other": found[1], "name": name}
            )
            return False
        # Or a member registered without an ID number, by name and birth date.
        pks = (
            [found[0]]
            if found
            else [pk for pk, has_id in look.by_person.get((name, birth), []) if not has_id]
        )
    else:
        if (name, birth) in seen_people:
            problems.append(
                _("与第%(n)d行姓名、出生日期相同，是同一人，请删除其中一行。")
                % {"n": seen_people[(name, birth)]}
            )
            return False
        seen_people[(name, birth)] = number
        pks = [pk for pk, _has_id in look.by_person.get((name, birth), [])]
    if not pks:
        return False
    if look.seated is not None and not look.seated.intersection(pks):
        problems.append(
            _(
                "该委员已在本政协登记，但不在本届名单中：请在其委员页面点“编辑”登记本届任职，"
                "不要重复导入。"
            )
        )
        return False
    return True


# The free-text columns, checked against their fields' max_length (the others are names
# looked up, dates, or numbers validated on their own).
TEXT_COLUMNS = (
    ("name", Member),
    ("ethnicity", Member),
    ("address", Member),
    ("employer", Member),
    ("education", Member),
    ("email", Member),
    ("position", Membership),
)


def _parse_row(
    raw: dict, look: _Lookups, problems: list[str], *, epoch=WINDOWS_EPOCH
) -> MemberInput | None:
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
    if isinstance(raw.get("id_number"), int | float):
        # Excel keeps 15 significant digits of a number: an 18-digit ID number typed into a
        # number cell has already lost its last digits, which no check can bring back.
        problems.append(
            _("身份证号被Excel存成了数字，末几位已丢失：请将该列设为文本格式后重新填写。")
        )
        id_number = ""
    elif id_number:
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
        birth = _parse_date(raw.get("birth_date"), epoch=epoch)
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
    seat_start = {}  # nothing given without the column: `services._new_seat` dates the seat
    if "start_date" in raw:
        try:
            seat_start["start_date"] = _parse_seat_start(raw["start_date"], look.term, epoch=epoch)
        except ValidationError as exc:
            problems.extend(exc.messages)

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
    # A value longer than its field is refused, not cut: the import is all or nothing, and
    # a clerk would never learn that a truncated 工作单位及职务 lost its end.
    for key, model in TEXT_COLUMNS:
        field = model._meta.get_field(key)
        if len(text(key)) > field.max_length:
            problems.append(
                _("%(what)s不能超过%(max)d字（现为%(n)d字）。")
                % {"what": field.verbose_name, "max": field.max_length, "n": len(text(key))}
            )
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
            "address": text("address"),
            "employer": text("employer"),
            "education": text("education"),
            "email": email,
            "street": None,
        },
        seat={
            "sector": sector,
            "party": party,
            "activity_group": group,
            "is_standing": standing_text == "是",
            "position": text("position"),
            **seat_start,
        },
        committees=committees,
        categories=categories,
    )


# --- Export ------------------------------------------------------------------------------

# Every column the import reads is here, under a header it reads and in a form it takes
# back (dates as date cells, names as the import's lookups spell them), so that an exported
# roll edited in Excel and imported again loses nothing (任职开始日期 was missing, and an
# imported seat then took the default start). The import skips 序号, 所属政协, 届次 and
# 退出日期, and refuses the row of a member who left (状态) unless they are on the roll.
# The columns added for that come after 身份证号: the earlier ones keep their places, which
# files and sheets made from the export may count on.
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
    "任职开始日期",
    "民族",
    "出生日期",
    "学历",
    "电子邮箱",
    "家庭住址",
    "状态",
    # The day a seat ended (辞去委员, 撤销委员资格, 届满: the kind is its 状态), empty for a
    # seat held: a list of everyone who served shows who left when.
    "退出日期",
]


def export_members(rows, *, show_pii) -> bytes:
    """The list as the page shows it, same order. `show_pii(member)` says whether this
    user may see the member's personal data unmasked. Chinese headers and values whatever
    the clerk's language (性别 男, 届次 第十五届), as the import template writes them: the
    roll is a data-exchange file whose rows go back into the template."""
    with translation.override(settings.LANGUAGE_CODE):
        return _export_members(rows, show_pii=show_pii)


def _export_members(rows, *, show_pii) -> bytes:
    data = []
    for i, seat in enumerate(rows, start=1):
        m = seat.member
        unmasked = show_pii(m)

        def personal(name, m=m, unmasked=unmasked):
            value = getattr(m, name)
            return value if unmasked else pii.masked(name, value)

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
                personal("phone"),
                personal("id_number"),
                seat.start_date,  # empty: from the term's start, as the import reads it
                m.ethnicity,
                personal("birth_date") or None,  # a date cell, or 1980-01 masked
                m.education,
                m.email,
                personal("address"),
                seat.get_status_display(),
                seat.status_changed_on if seat.status != Membership.Status.ACTIVE else None,
            ]
        )
    return table_workbook("委员名单", EXPORT_HEADERS, data)
