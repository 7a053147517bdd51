"""The demo logins `manage.py serve` prints at start-up (`serve.demo_accounts_line`).

core is the lowest layer and does not import the demo app: demo registers its `accounts`
here in its `AppConfig.ready`. Without the demo app nothing is registered and nothing is
printed."""

from collections.abc import Callable

_providers: list[Callable[[], list[tuple[str, str]]]] = []


def register(provider: Callable[[], list[tuple[str, str]]]) -> None:
    """`provider()` gives (username, role label) of each demo login, in the order to print."""
    if provider not in _providers:
        _providers.append(provider)


def listed() -> list[tuple[str, str]]:
    return [row for provider in _providers for row in provider()]
