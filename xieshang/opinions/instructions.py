"""Leaders' instructions (批示, C4.7) on a social-conditions item, through the one mechanism
of followups (found there by autodiscovery): an item published or reported takes them; the
office of its organisation, or of the node it was reported to, records them, each for its
own leaders and units."""

from django.utils.translation import gettext_lazy as _

from xieshang.followups import instructions, subjects
from xieshang.orgs import config

from . import policies, rules, services
from .models import Adoption, Opinion

instructions.register(
    Opinion,
    label=_("社情民意信息"),
    url_name="opinions:detail",
    can_record=lambda user, o: services._can_record_outcome(user, o),
    organisation=policies.instruction_organisation,
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
