"""Field rules for member data, shared by the form and the Excel import so that both refuse
the same values with the same Chinese message."""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import phones
from xieshang.core.text import HAN, normalise_name, reader_date

# GB 11643-1999: weights of the first 17 digits, and the check character for sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
# Mainland mobile numbers: 11 digits starting 13–19.
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Han characters and the middle dot of transliterated minority names (阿依古丽·买买提),
# kept with the name rules in core.text (the invitation boxes read leaders' names too).
_NAME_RE = re.compile(rf"^[{HAN}]+(?:·[{HAN}]+)*$")


def normalise_id_number(value: str) -> str:
    """Half-width (a full-width １１０… typed on a Chinese keyboard is the same number),
    without blanks, upper-case X."""
    return re.sub(r"\s", "", _half_width(value)).upper()


def id_number_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_number_birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def id_number_gender(value: str) -> str:
    """'M' or 'F' from the sequence digit (odd for men)."""
    return "M" if int(value[16]) % 2 else "F"


def validate_id_number(value: str) -> str:
    """Return the normalised 18-character ID number or raise ValidationError."""
    value = normalise_id_number(value)
    if not _ID_RE.match(value):
        raise ValidationError(_("身份证号应为18位，最后一位可为数字或X。"), code="id_format")
    birth = id_number_birth_date(value)
    if birth is None or birth > timezone.localdate() or birth.year < 1900:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="id_birth")
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对。"), code="id_checksum")
    return value


def _half_width(value: str) -> str:
    # Full-width digits and dashes typed on a Chinese keyboard (１３８－…) are the same number.
    return unicodedata.normalize("NFKC", value or "")


def validate_mobile(value: str) -> str:
    """A mobile number as 11 digits, whatever blanks, dashes or +86 (0086, (+86)) it was
    typed with."""
    value = re.sub(r"[\s\-—]", "", _half_width(phones.typed(value)))
    if value.startswith("+86") or (value.startswith("86") and len(value) == 13):
        value = value[-11:]
    if value and not _MOBILE_RE.match(value):
        raise ValidationError(_("手机号码应为以1开头的11位数字。"), code="mobile")
    return value


_PHONE_RE = re.compile(r"^(?:\+?86[\s\-]?)?[\d\s\-()]{7,20}(?:(?:转|ext\.?)\s*\d{1,6})?$")


def validate_phone(value: str) -> str:
    """A contact telephone: a mobile, or a landline with its area code (0571-87654321,
    (0571)87654321, 0571-87654321转8001). Kept as typed, in half-width characters."""
    value = _half_width(value).strip().replace("（", "(").replace("）", ")")
    digits = re.sub(r"\D", "", re.split(r"转|ext", value)[0])
    if value and (not _PHONE_RE.match(value) or not 7 <= len(digits) <= 15):
        raise ValidationError(
            _("联系电话应为手机号码或带区号的固定电话，如0571-87654321。"), code="phone"
        )
    return value


def validate_chinese_name(value: str) -> str:
    value = normalise_name(value)
    if not value:
        raise ValidationError(_("请填写姓名。"), code="name_required")
    if len(value) < 2 or not _NAME_RE.match(value):
        raise ValidationError(
            _("姓名应为两个及以上汉字（少数民族姓名可用“·”分隔）。"), code="name_format"
        )
    return value


def validate_seat_start(value: dt.date | None, term=None) -> dt.date | None:
    """The day a seat added during its term (增补) began, as the form and the import take
    it: within `term` (from its start to its end, when it has one) and not after today —
    the evaluation leaves the seat out of the years before it (`selectors.joined_after`).
    None: the seat began with its term."""
    if value is None:
        return None
    if term is not None and value < term.start_date:
        raise ValidationError(
            _("任职开始日期不能早于本届开始日期（%(date)s）。")
            % {"date": reader_date(term.start_date)},
            code="seat_start_before_term",
        )
    if term is not None and term.end_date is not None and value > term.end_date:
        raise ValidationError(
            _("任职开始日期不能晚于本届结束日期（%(date)s）。")
            % {"date": reader_date(term.end_date)},
            code="seat_start_after_term",
        )
    if value > timezone.localdate():
        raise ValidationError(_("任职开始日期不能晚于今天。"), code="seat_start_future")
    return value
