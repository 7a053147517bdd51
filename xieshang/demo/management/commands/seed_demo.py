"""`python manage.py seed_demo --profile district|city|province [--seed N] [--if-empty]`."""

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from xieshang.demo import accounts
from xieshang.demo.seed import PROFILES, database_is_empty, seed_demo
from xieshang.textsim import index


class Command(BaseCommand):
    help = _("生成演示数据（组织、委员、承办单位、演示账号）。")

    def add_arguments(self, parser):
        parser.add_argument("--profile", choices=PROFILES, default="district")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--proposals",
            type=int,
            default=None,
            help=_(
                "历史提案总数（以往年度的导入数据，批量写入）；省级默认 300000，其他规模默认 0。"
            ),
        )
        parser.add_argument(
            "--years",
            type=int,
            default=10,
            help=_("历史数据覆盖的年数（当年以前）。"),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("数据库中已有组织时不做任何事（供 make run 使用）。"),
        )

    def handle(self, *args, profile, seed, if_empty, verbosity, proposals, years, **options):
        if not database_is_empty():
            if if_empty:
                self.stdout.write(_("数据库中已有数据，未生成演示数据。"))
                return
            raise CommandError(
                _("数据库中已有组织数据。演示数据只能生成到空数据库；如需跳过请加 --if-empty。")
            )
        progress = None
        if verbosity and self.stderr.isatty():
            progress = lambda text: self.stderr.write(text, ending="")  # noqa: E731
        started = time.monotonic()
        # Titles and notes made with gettext are stored: always in the site's language.
        # The index is rebuilt whole below; keeping it current on each save was ~7 % of a
        # seed's time (tests/demo/test_seed_index.py).
        with translation.override(settings.LANGUAGE_CODE), index.paused():
            stats = seed_demo(
                profile=profile,
                seed=seed,
                progress_write=progress,
                history_proposals=proposals,
                history_years=years,
            )
        elapsed = time.monotonic() - started
        if verbosity:
            self.stdout.write(
                _(
                    "已生成演示数据（%(profile)s，种子 %(seed)s）：%(orgs)s 个组织、"
                    "%(members)s 名委员、%(departments)s 个承办单位、"
                    "%(users)s 个账号、%(proposals)s 件提案，用时 %(seconds).1f 秒。"
                )
                % {
                    "profile": profile,
                    "seed": seed,
                    "orgs": stats.organisations,
                    "members": stats.members,
                    "departments": stats.departments,
                    "users": stats.users,
                    "proposals": stats.proposals,
                    "seconds": elapsed,
                }
            )
        if verbosity and stats.history:
            rows = "、".join(f"{label} {n}" for label, n in sorted(stats.history.items()))
            self.stdout.write(_("其中历史数据（批量导入）：%(rows)s。") % {"rows": rows})
        # Whatever the profile: its members (and the province's history) are written in bulk,
        # without the signals that keep the search index current.
        self._rebuild_text_index(verbosity)
        if verbosity >= 2:
            for username, label in accounts():
                self.stdout.write(f"  {username:<14} {label}")

    def _rebuild_text_index(self, verbosity: int) -> None:
        """Bulk rows bypass the save hooks that keep the search index current: rebuild it,
        if this installation has the `textindex` command."""
        started = time.monotonic()
        try:
            call_command("textindex", "--rebuild", verbosity=verbosity, stdout=self.stdout)
        except Exception as exc:  # noqa: BLE001 - the data is committed; the index can wait
            self.stdout.write(
                _("未重建全文索引（可稍后运行 manage.py textindex --rebuild）：%(error)s")
                % {"error": f"{type(exc).__name__}: {exc}"}
            )
            return
        self.stdout.write(
            _("已重建全文索引，用时 %(seconds).1f 秒。") % {"seconds": time.monotonic() - started}
        )
