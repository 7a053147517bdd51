"""{% load orgs_reference %}: whether a page may link to an organisation's 基础数据."""

from django import template

from xieshang.core import access

register = template.Library()


@register.filter
def reference_editable(organisation, user) -> bool:
    """{% if org|reference_editable:request.user %}: a CPPCC committee whose reference data
    the user keeps (`orgs.department_order` there; it does not reach down)."""
    return bool(
        organisation is not None
        and organisation.is_cppcc
        and access.can(user, "orgs.department_order", organisation)
    )
