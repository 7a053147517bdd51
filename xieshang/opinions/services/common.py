"""What every stage shares: the length limits of the text (一事一报, a draft's hard cap) and
the notices to an item's authors."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase
from xieshang.orgs import config

from .. import rules
from ..models import Opinion

S = Opinion.Status


EDITABLE_FIELDS = ["title", "facts", "analysis", "suggestions", "source_type", "source_body"]


# A draft keeps whatever its author typed, however long (the limit is the submission's: the
# author cuts the text down in the draft, as a proposal's). Only a text no item could ever
# become is refused: this many characters, or the organisation's limit if it is higher.
DRAFT_HARD_MAX_CHARS = 20000


def length_error(organisation, *, facts: str, analysis: str, suggestions: str, draft: bool) -> str:
    """Why the three parts are too long, or "": for a submission (or an item already
    received) the organisation's limit (一事一报), for a draft the hard cap."""
    limit = config.get(organisation, rules.MAX_CHARS)
    length = len(facts) + len(analysis) + len(suggestions)
    if not draft:
        if length > limit:
            return _("正文共%(n)s字，超过%(limit)s字的上限，请精简为一事一报。") % {
                "n": length,
                "limit": limit,
            }
        return ""
    cap = max(DRAFT_HARD_MAX_CHARS, limit)
    if length > cap:
        return _("正文共%(n)s字，草稿最多保存%(cap)s字，请删减后再保存。") % {
            "n": length,
            "cap": cap,
        }
    return ""


def check_length(organisation, *, draft: bool = False, **parts: str) -> None:
    if message := length_error(organisation, draft=draft, **parts):
        raise ValidationError(message)


def over_limit(opinion: Opinion) -> str:
    """Why a saved draft is too long to submit, or ""."""
    limit = config.get(opinion.organisation, rules.MAX_CHARS)
    length = len(opinion.facts) + len(opinion.analysis) + len(opinion.suggestions)
    if length <= limit:
        return ""
    return _("正文共%(n)s字，超过%(limit)s字的上限，提交前请删减。") % {"n": length, "limit": limit}


def _author_users(opinion: Opinion):
    from xieshang.core.models import User

    return User.objects.filter(member__in=opinion.authors.all(), is_active=True)


def submitted_key(opinion: Opinion) -> str:
    """The prefix of the office's 新的社情民意信息 notices of `opinion` (one per submission):
    settled once the office reviews it or its authors withdraw it."""
    return f"opinion:{opinion.pk}:submitted:"


def _tell_authors(opinion: Opinion, title_msgid: str, body, key: str, **params) -> None:
    """`title_msgid` a message id taking the item's title (and `params`), `body` what the
    office typed, data or a `Phrase`: each author reads the notice in their own language."""
    notify(
        _author_users(opinion),
        title=Phrase(title_msgid, title=opinion.title, **params),
        body=body,
        url=opinion.get_absolute_url(),
        dedupe_key=f"opinion:{opinion.pk}:{key}",
        channels=("inbox",),
    )


ACCEPTED_STATES = [S.ACCEPTED, S.PUBLISHED, S.REPORTED]
