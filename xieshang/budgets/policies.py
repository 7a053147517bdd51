"""Who may see and keep the activity budgets, on core.access.

- The office (Role.OFFICE) of a CPPCC organisation keeps its budget lines and spending
  ("budgets.manage"); a committee below keeps its own (a city office reads the districts'
  sheets but does not edit them: `core.access.REACHES_DOWN`).
- The office, the chair's meeting (Role.CHAIR) and the supervision office
  (Role.SUPERVISOR, which checks how the funds were used) read them ("budgets.view").
- Members, departments and everybody else see nothing of budgets, not even on the activity
  page where the budget panel appears for the others.
"""

from django.db.models import QuerySet

from xieshang.core import access
from xieshang.orgs.models import Level, Organisation

VIEW = "budgets.view"
MANAGE = "budgets.manage"
# Budget lines belong to CPPCC committees; streets and communities have none of their own.
CPPCC_LEVELS = (Level.PROVINCE, Level.CITY, Level.DISTRICT)


def can_use(user) -> bool:
    return access.can(user, VIEW)


def can_view(user, organisation: Organisation) -> bool:
    return access.can(user, VIEW, organisation)


def can_manage(user, organisation: Organisation) -> bool:
    return access.can(user, MANAGE, organisation)


def can_view_entry(user, entry) -> bool:
    """A spending entry's receipt: whoever may read the line's organisation's budget."""
    return can_view(user, entry.line.organisation)


def viewable_organisations(user) -> QuerySet:
    """The CPPCC organisations whose yearly sheet the user may open, top first."""
    return access.organisations(user, VIEW).filter(level__in=CPPCC_LEVELS).order_by("path")


def manageable_organisations(user) -> QuerySet:
    return access.organisations(user, MANAGE).filter(level__in=CPPCC_LEVELS).order_by("path")
