"""The phone numbers residents type on the public forms (反映问题, 议题建议): one rule for
every portal form, each refusal in our own words.

- `resident_mobile`: a number texts are sent to (residents' issues): a mainland mobile, 11
  digits, however it was typed (blanks, dashes, +86, full-width digits).
- `resident_contact`: a number staff call back (topic suggestions): that mobile, or a
  landline WITH its area code (0571-87654321, (0571)87654321, 010 12345678转8001). A bare
  local number (7 or 8 digits) is refused: staff of a city or a province committee cannot
  tell which city's 87654321 it is, and a 7-digit "number" is most often a typo.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from xieshang.core import phones
from xieshang.members.validators import validate_mobile

# Area code (0 + 2 or 3 digits: 010, 021, 0571) and a 7- or 8-digit local number.
_LANDLINE_DIGITS = re.compile(r"^0[1-9]\d{9,10}$")
_LANDLINE_TYPED = re.compile(r"^\(?0\d{2,3}\)?[\s\-]?\d{3,4}[\s\-]?\d{3,4}$")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x)\s*(\d{1,6})$", re.IGNORECASE)


def _typed(value: str) -> str:
    return phones.typed(value)


def resident_mobile(value: str) -> str:
    """11 digits, or '' when left empty."""
    try:
        return validate_mobile(_typed(value))
    except ValidationError:
        raise ValidationError(_("请填写11位手机号码，或留空。"), code="mobile") from None


def resident_contact(value: str) -> str:
    """A mobile or a landline with its area code, as typed (half-width), or ''."""
    value = _typed(value)
    if not value:
        return ""
    try:
        mobile = validate_mobile(value)
    except ValidationError:
        mobile = ""
    if mobile:
        return value  # as typed: staff read it, nothing is texted
    number, extension = value, ""
    if found := _EXTENSION.search(value):
        number, extension = value[: found.start()].strip(), found.group(1)
    digits = re.sub(r"\D", "", number)
    if _LANDLINE_DIGITS.match(digits) and _LANDLINE_TYPED.match(number):
        return f"{number}转{extension}" if extension else number
    raise ValidationError(
        _("联系电话应为手机号码或带区号的固定电话，如0571-87654321。"),
        code="phone",
    )
