"""`makemessages` that also extracts `N_("…")`, the name the code gives `gettext_noop` for
the message ids of stored phrases (`core.phrases`): without it the next `make messages`
(run with --no-obsolete) would drop them from the catalogue."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
