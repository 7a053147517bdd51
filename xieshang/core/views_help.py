"""使用帮助: what each role the user holds does on this platform and where it starts.

The page (core/help.html) speaks to each role in `user_roles`, with links gated as the main
menu gates them (includes/nav_items.html). The deadlines it quotes are the rules in force in
the user's home organisation (orgs.config), so a newcomer reads what their organisation's
rules page says, not the national defaults it may have changed.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from xieshang.orgs import config
from xieshang.orgs.models import Role

from . import access
from .text import month_name

# The template's name of each deadline -> the configurable rule it reads. The rules are
# registered by their apps' rules modules; core only reads them by key (no upward import).
RULES = {
    "review_days": "proposals.review_working_days",
    "return_days": "proposals.return_working_days",
    "contact_days": "proposals.contact_working_days",
    "answer_months": "proposals.answer_months",
    "co_view_months": "proposals.co_view_months",
    "rate_days": "proposals.evaluation_working_days",
    "body_max": "proposals.body_max_chars",
    "opinion_max": "opinions.max_chars",
    "leave_plenary": "meetings.leave_days_before_plenary",
    "leave_standing": "meetings.leave_days_before_standing",
    "leave_other": "meetings.leave_days_before_other",
    "report_months": "meetings.committee_report_months",
    "resident_days": "residents.answer_working_days",
    "minutes_days": "consultation.minutes_working_days",
    "feedback_days": "consultation.feedback_working_days",
}


def rules_in_force(organisation) -> dict:
    """The deadlines the page quotes, as in force today in `organisation` (one query), or
    the defaults for a user without one."""
    if organisation is None:
        values = {key: config.RULES[key].default for key in RULES.values()}
    else:
        values = config.get_keys([organisation], RULES.values())[organisation.pk]
    rules = {name: values[key] for name, key in RULES.items()}
    rules["report_months"] = _("、").join(month_name(m) for m in rules["report_months"])
    return rules


@login_required
def help_page(request):
    held = access.roles(request.user)
    # In the order of the roles' list, each with its label in the reader's language.
    sections = {role.value: role.label for role in Role if role.value in held}
    return render(
        request,
        "core/help.html",
        {
            "sections": sections,
            "rules": rules_in_force(access.home_organisation(request.user)),
        },
    )
