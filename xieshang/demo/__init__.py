"""Demo data: `manage.py seed_demo` builds a realistic Chinese data set, and `accounts()`
lists the demo logins that `manage.py serve` prints at start-up."""


def accounts() -> list[tuple[str, str]]:
    """(username, Chinese role label) of every demo login, in the order to print them.
    They all use the password `settings.DEMO_PASSWORD`."""
    from .data import DEMO_ACCOUNTS

    return [(username, str(label)) for username, _role, _where, label in DEMO_ACCOUNTS]
