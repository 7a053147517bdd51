"""The product's own `manage.py check --deploy` warnings: a production setting that leaves
part of the security baseline (SPEC, 等保 2.0) off."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def staff_second_factor(app_configs, **kwargs):
    if settings.STAFF_2FA_REQUIRED:
        return []
    return [
        Warning(
            "STAFF_2FA_REQUIRED is off: staff log in with a password alone.",
            hint="The security baseline asks staff for a TOTP code as well; unset "
            "STAFF_2FA_REQUIRED (on by default when DEBUG is off) or set it to 1.",
            id="xieshang.W001",
        )
    ]
