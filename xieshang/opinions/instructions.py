"""Leaders' instructions (批示, C4.7) on a social-conditions item, through the one mechanism
of followups (found there by autodiscovery): an item published or reported takes them; the
office of its organisation, or of the node it was reported to, records them, each for its
own leaders and units; and the Party committee's or the government's office the item was
reported to (报送党委 / 报送政府) records its own leaders' instructions on it, for the units
of the item's organisation, with the same tasks, duty records and notices."""

from django.db.models import Case, DateTimeField, F, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from xieshang.core import access
from xieshang.followups import instructions, subjects
from xieshang.orgs import config

from . import policies, rules, selectors, services
from .models import Adoption, Opinion


def received_by(user, opinion: Opinion) -> bool:
    """Reported to the Party committee or the government whose office `user` is, at the
    item's own node (the reading right of 报送本机关, which stops at the next CPPCC below)."""
    return (
        opinion.reported_to_party
        and access.can(user, policies.RECEIVED_PARTY, opinion.organisation)
    ) or (
        opinion.reported_to_government
        and access.can(user, policies.RECEIVED_GOVERNMENT, opinion.organisation)
    )


def can_record_instruction(user, opinion: Opinion) -> bool:
    return services._can_record_outcome(user, opinion) or received_by(user, opinion)


def instruction_organisation(opinion: Opinion, user):
    """The Party committee's or government's office records for the units of the item's own
    node, whose leaders it serves; the CPPCC offices as `policies.instruction_organisation`
    says (a node it was reported to records for its own units)."""
    if received_by(user, opinion):
        return opinion.organisation
    return policies.instruction_organisation(opinion, user)


def received(user):
    """报送本机关 · 待批示: the items reported to the user's Party committee or government
    that take an instruction (published or reported, not merged away)."""
    return selectors.received(user).filter(
        status__in=(Opinion.Status.PUBLISHED, Opinion.Status.REPORTED)
    )


# The day an item went to each office that reads it as 报送本机关.
SENT_ON_FIELDS = {
    policies.RECEIVED_PARTY: ("reported_to_party", "reported_to_party_at"),
    policies.RECEIVED_GOVERNMENT: ("reported_to_government", "reported_to_government_at"),
}


def sent_on(user):
    """The day the item was reported to `user`'s own office (the Party committee's and the
    government's each their own, `services.opinion_report`); the latest report otherwise."""
    whens = [
        When(organisation_id=ra.organisation_id, **{flag: True}, then=F(field))
        for ra in access.assignments(user)
        for permission, (flag, field) in SENT_ON_FIELDS.items()
        if permission in access.PERMISSIONS.get(ra.role, ())
    ]
    return Coalesce(Case(*whens, default=Value(None), output_field=DateTimeField()), "reported_at")


instructions.register(
    Opinion,
    label=_("社情民意信息"),
    url_name="opinions:detail",
    can_record=can_record_instruction,
    organisation=instruction_organisation,
    received=received,
    sent_on=sent_on,
    # No `earliest` here: the day depends on the office recording the instruction (报送党委,
    # 报送政府, the node it was reported up to, or 编发 for its own office), which only the
    # service knows: `services.check_instruction_date`, run from `after`.
    check=services.instruction_check,
    after=services.instruction_after,
    answered=services.instruction_answered,
    reads_feedback=policies.is_author,
    working_days=lambda o: config.get(o.organisation, rules.INSTRUCTION_DAYS),
)
subjects.register(
    Opinion,
    can_view=policies.can_view,
    can_view_many=policies.viewable_ids,
    related=("organisation", "reported_to"),
)
# An adoption (采用) counts in its authors' duty files; it is shown on the item's page.
subjects.register_part(Adoption, page="opinion")
