"""Panels that a higher app adds to a lower app's detail page, without the lower app
importing it.

The consultation activity page cannot import `budgets` (a higher layer), yet shows the
activity's budget. The higher app registers a provider for the model in its
AppConfig.ready():

    panels.register("consultation.activity", budget_panel)  # (request, obj) -> Panel | None

and the lower page's template shows whatever is registered for its object:

    {% load panels %}{% detail_panels activity %}

A provider checks the viewer's right itself and returns None when there is nothing to show,
so the page looks as before to whoever may not see it. Each provider asks the database a
fixed number of times, whatever the object.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


_providers: dict[str, list[Callable]] = {}


def register(label: str, provider: Callable) -> Callable:
    """`label` is the model's `app_label.model_name` (its `_meta.label_lower`)."""
    found = _providers.setdefault(label.lower(), [])
    if provider not in found:
        found.append(provider)
    return provider


def panels_for(request, obj) -> list[Panel]:
    if obj is None or not hasattr(obj, "_meta"):
        return []
    panels = []
    for provider in _providers.get(obj._meta.label_lower, []):
        panel = provider(request, obj)
        if panel is not None:
            panels.append(panel)
    return sorted(panels, key=lambda p: p.order)
