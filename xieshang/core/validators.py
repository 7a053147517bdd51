import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def not_after_today(value) -> None:
    """A date of something that has happened (a decision, an instruction, an adoption, a
    talk): not later than today. Typed years such as 2099 are refused, not stored."""
    from django.utils import timezone

    if value is not None and value > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天。"))


class ComplexityValidator:
    """At least three of: upper-case letter, lower-case letter, digit, other character
    (the usual 等保 wording: 大写字母、小写字母、数字、特殊字符中至少三类)."""

    classes = (r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9]")

    def validate(self, password: str, user=None) -> None:
        found = sum(1 for pattern in self.classes if re.search(pattern, password))
        if found < 3:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、特殊字符中的至少三类。"),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、特殊字符中的至少三类。")


class NameInPasswordValidator:
    """The password may not contain the user's name or username (测试联络员2026!x for
    测试联络员): Django's similarity check compares the whole password with the name and lets
    a Chinese name with a few characters added pass."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.casefold()
        # A two-character Chinese name is a name; a short Latin username ("li") is in many
        # words, so a username counts from four characters.
        for value, shortest in (
            (getattr(user, "full_name", ""), 2),
            (getattr(user, "username", ""), 4),
        ):
            value = (value or "").strip().casefold()
            if len(value) >= shortest and value in lowered:
                raise ValidationError(
                    _("密码不能包含本人的姓名或用户名。"), code="password_contains_name"
                )

    def get_help_text(self) -> str:
        return _("密码不能包含本人的姓名或用户名。")


class NotCurrentPasswordValidator:
    """The new password must differ from the current one (no "changing" to the same)."""

    def validate(self, password: str, user=None) -> None:
        from django.contrib.auth.hashers import check_password

        encoded = getattr(user, "password", "") or ""
        # check_password without a setter: comparing must never re-hash and save the old one.
        if encoded and user.has_usable_password() and check_password(password, encoded):
            raise ValidationError(
                _("新密码不能与当前密码相同。"),
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("新密码不能与当前密码相同。")


class PasswordHistoryValidator:
    """The new password may not be any of the last PASSWORD_HISTORY_COUNT passwords the user
    chose (0: off). Only their hashes are kept (core.models.PasswordHistory), written here
    when a password is saved. A temporary password an administrator issues (the account
    must change it at its next login) is not recorded: the user never chose it, and it is
    the current password, which NotCurrentPasswordValidator refuses, until it is changed."""

    def validate(self, password: str, user=None) -> None:
        from django.conf import settings
        from django.contrib.auth.hashers import check_password

        from .models import PasswordHistory

        count = settings.PASSWORD_HISTORY_COUNT
        if not count or getattr(user, "pk", None) is None:
            return
        current = getattr(user, "password", "") or ""
        recent = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
        for encoded in recent[:count]:
            # The current password has its own message (NotCurrentPasswordValidator).
            if encoded != current and check_password(password, encoded):
                raise ValidationError(
                    _("新密码不能与最近%(count)d次使用过的密码相同，请换一个。"),
                    code="password_in_history",
                    params={"count": count},
                )

    def password_changed(self, password: str, user=None) -> None:
        from django.conf import settings

        from .models import PasswordHistory

        count = settings.PASSWORD_HISTORY_COUNT
        if not count or getattr(user, "pk", None) is None or user.must_change_password:
            return
        if not user.has_usable_password():
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[count:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        from django.conf import settings

        count = settings.PASSWORD_HISTORY_COUNT
        if not count:
            return ""
        return _("新密码不能与最近%(count)d次使用过的密码相同。") % {"count": count}


class MinimumLengthValidator:
    """Django's length rule with a Chinese message (Django's own zh-hans catalogue lacks the
    current wording, so users would read English)."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码太短，至少需要 %(min_length)d 个字符。"),
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
