"""上下级汇总 (C2.9): one page for an office user, its node and each child node in rows, with
the main figures of every module rolled up over each child's subtree; a child drills down
to the same page for that child, only within the user's own subtree.

Core knows no domain: each app registers a provider in its AppConfig.ready()

    tree.register(proposal_columns)   # (user, organisation, children, year) -> Group | None

A provider asks its own models, grouped by the child's path prefix with `rollup`, so a
module costs a fixed number of queries whatever the number of children. It returns None
when the user may not see its domain in that organisation.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.orgs.models import Organisation, Role

from . import access, charts, dashboard
from .params import year_param

# Who the page is for: the CPPCC office and the chairman's meeting of a node.
TREE_ROLES = (Role.OFFICE, Role.CHAIR)


@dataclass
class Group:
    """One module's column group: `values[org_id]` lines up with `columns`; the parent's
    row is its whole subtree."""

    title: str
    columns: list[str]
    values: dict[int, list] = field(default_factory=dict)
    order: int = 50
    # (column index, unit) of the figure charted per child, if this group has the headline.
    headline: tuple[int, str] | None = None

    def row(self, org_id: int) -> list:
        return self.values.get(org_id) or [0] * len(self.columns)


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def groups(user, organisation, children: list, year: int) -> list[Group]:
    found = [p(user, organisation, children, year) for p in _providers]
    return sorted((g for g in found if g is not None), key=lambda g: g.order)


def child_nodes(node, **filters) -> list[Organisation]:
    """The nodes directly below `node` (narrowed by `filters`), in the order of the rows
    after its 本级 row."""
    return list(node.children.filter(**filters).order_by("sort_order", "path"))


def own_key(organisation) -> int:
    """The key of the organisation's own row (its own committee, without the nodes below)
    in a group's `values`, beside its id, which keys the whole subtree."""
    return -organisation.pk


def rollup(
    qs: QuerySet, organisation, children: Iterable, *, field: str = "organisation", **aggregates
) -> dict[int, dict]:
    """`aggregates` over `qs` for `organisation`'s whole subtree and for each child's
    subtree, in one grouped query: rows are grouped by the first len(child path)
    characters of their organisation's path (every child's path has the same length, and
    rows of the organisation itself group under its own shorter path). Returns
    {org id: {name: value}} with the organisation's entry the sum over all its rows, and
    its own rows alone under `own_key(organisation)`."""
    children = list(children)
    width = len(children[0].path) if children else 0
    path = f"{field}__path"
    qs = qs.filter(**{f"{path}__startswith": organisation.path})
    by_prefix = {c.path: c.pk for c in children}
    result: dict[int, dict] = {c.pk: dict.fromkeys(aggregates, 0) for c in children}
    total = dict.fromkeys(aggregates, 0)
    own = dict.fromkeys(aggregates, 0)
    if children:
        rows = (
            qs.annotate(node_prefix=Substr(path, 1, width))
            .values("node_prefix")
            .annotate(**aggregates)
        )
        rows = rows.order_by()
    else:
        rows = [qs.aggregate(**aggregates)]
    for row in rows:
        child = by_prefix.get(row.get("node_prefix"))
        for name in aggregates:
            value = row[name] or 0
            total[name] += value
            if child is not None:
                result[child][name] += value
            else:
                own[name] += value
    result[organisation.pk] = total
    result[own_key(organisation)] = own
    return result


def can_view(user) -> bool:
    return user.is_authenticated and access.has_role(user, *TREE_ROLES)


def _own_roots(user) -> list[Organisation]:
    return [ra.organisation for ra in access.assignments(user) if ra.role in TREE_ROLES]


def node_for(user, pk: int | None) -> Organisation:
    """The user's own node, or a node below it; anything else (another branch, nonsense)
    is a 404, the same answer as for a node that does not exist."""
    roots = _own_roots(user)
    if not roots:
        raise Http404
    if pk is None:
        return roots[0]
    node = Organisation.objects.filter(pk=pk).first()
    if node is None or not any(node.path.startswith(r.path) for r in roots):
        raise Http404
    return node


@login_required
def tree_page(request, pk: int | None = None):
    if not can_view(request.user):
        raise Http404
    node = node_for(request.user, pk)
    year = year_param(request, default=timezone.localdate().year)
    children = child_nodes(node)
    found = groups(request.user, node, children, year)
    # The whole subtree, then the node's own committee, then each child: the rows add up.
    rows = [(node, "total", [(g, g.row(node.pk)) for g in found])]
    if children:
        rows.append((node, "own", [(g, g.row(own_key(node))) for g in found]))
    rows += [(c, "child", [(g, g.row(c.pk)) for g in found]) for c in children]
    chart = None
    head = next((g for g in found if g.headline), None)
    if head is not None and children:
        index, unit = head.headline
        chart = charts.bar(
            "chart-tree-children",
            _("下级%(g)s·%(c)s") % {"g": head.title, "c": head.columns[index]},
            [c.name for c in children],
            [{"name": head.columns[index], "data": [head.row(c.pk)[index] for c in children]}],
            unit=unit,
        )
    roots = _own_roots(request.user)
    trail = [
        o
        for o in Organisation.objects.filter(pk__in=node.ancestor_ids()).order_by("path")
        if o.pk != node.pk and any(o.path.startswith(r.path) for r in roots)
    ]
    return render(
        request,
        "core/tree.html",
        {
            "node": node,
            "year": year,
            "groups": found,
            "rows": rows,
            "chart": chart,
            "trail": trail,
        },
    )


def tree_cards(user) -> list:
    """The home page's way in for the office and the chairman's meeting."""
    from django.urls import reverse

    from .dashboard import Card

    if not can_view(user):
        return []
    return [
        Card(
            _("上下级工作汇总"),
            _("本级和各下级的主要工作数据，可逐级查看"),
            reverse("tree"),
            order=86,
        )
    ]


dashboard.register(tree_cards)
