"""Social-conditions items built through the services, in any state of the workflow."""

from tests.factories import MemberFactory, UserFactory
from xieshang.opinions import services
from xieshang.opinions.models import Opinion
from xieshang.orgs.models import Role, RoleAssignment


def member_user(organisation, **kwargs):
    """A member with a login account and the member role."""
    user = UserFactory()
    RoleAssignment.objects.create(user=user, organisation=organisation, role=Role.MEMBER)
    return MemberFactory(organisation=organisation, user=user, **kwargs)


def make_opinion(member, *, office=None, state: str = Opinion.Status.DRAFT, **kwargs) -> Opinion:
    kwargs.setdefault("title", "关于老旧小区加装电梯资金分摊的建议")
    kwargs.setdefault("facts", "我区老旧小区加装电梯进展缓慢，低层住户意见较大。")
    kwargs.setdefault("analysis", "资金分摊办法不明确，协调成本高。")
    kwargs.setdefault("suggestions", "建议出台分摊指导意见，由街道牵头协调。")
    opinion = services.opinion_create(organisation=member.organisation, actor=member.user, **kwargs)
    order = [
        Opinion.Status.SUBMITTED,
        Opinion.Status.ACCEPTED,
        Opinion.Status.PUBLISHED,
        Opinion.Status.REPORTED,
    ]
    if state == Opinion.Status.DRAFT:
        return opinion
    services.opinion_submit(opinion=opinion, actor=member.user)
    for step in order[1 : order.index(state) + 1]:
        if step == Opinion.Status.ACCEPTED:
            services.opinion_accept(opinion=opinion, actor=office)
        elif step == Opinion.Status.PUBLISHED:
            services.issue_publish(
                organisation=opinion.organisation, opinions=[opinion], actor=office
            )
        elif step == Opinion.Status.REPORTED:
            services.opinion_report(opinion=opinion, actor=office, upward=True)
    opinion.refresh_from_db()
    return opinion
