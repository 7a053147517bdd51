"""A notice or a history note written in one user's language is read in each reader's own
(`core.phrases`): a clerk working in English leaves Chinese notices for a Chinese member, and
an English reader reads English, whoever wrote it. A plain text is shown as stored."""

import datetime as dt

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from tests.factories import UserFactory
from xieshang.core.audit import record_event
from xieshang.core.models import Event, Notification
from xieshang.core.notifications import deliver, notify
from xieshang.core.phrases import Phrase

pytestmark = pytest.mark.django_db

# in the catalogue: "New proposal awaiting review: …"
TITLE = gettext_noop("新提案待审查：%(title)s")


def _inbox(client, user, language):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get("/inbox/").content.decode()


def test_a_notice_sent_from_an_english_page_reads_in_each_readers_language(client):
    reader = UserFactory(full_name="张伟", email="zw@example.cn")
    with translation.override("en"):  # the sender works in English
        notify(
            [reader],
            title=Phrase(TITLE, title="加强社区养老服务"),
            body=[Phrase(gettext_noop("待审查")), "附言：请尽快处理"],
            channels=("inbox", "email"),
        )
    note = Notification.objects.get(recipient=reader)
    # stored in the site's language, for e-mail, SMS and search
    assert note.title == "新提案待审查：加强社区养老服务"
    assert note.body == "待审查\n附言：请尽快处理"

    chinese = _inbox(client, reader, "zh-hans")
    assert "新提案待审查：加强社区养老服务" in chinese and "New proposal" not in chinese
    english = _inbox(client, reader, "en")
    assert "New proposal awaiting review: 加强社区养老服务" in english
    assert "Awaiting review" in english and "附言：请尽快处理" in english

    deliver(note.pk)
    assert mail.outbox[-1].subject == "新提案待审查：加强社区养老服务"


def test_a_plain_text_notice_is_shown_as_stored(client):
    reader = UserFactory()
    notify([reader], title="会议室变更", body="改在三楼")
    note = Notification.objects.get(recipient=reader)
    assert note.title_phrase is None and note.body_phrase is None
    assert "会议室变更" in _inbox(client, reader, "en")


def test_dates_and_labels_in_a_phrase_follow_the_reader():
    phrase = Phrase(
        "%(label)s %(day)s",
        label=gettext_lazy("待审查"),
        day=dt.date(2026, 12, 5),
    )
    loaded = Phrase.load(phrase.stored())
    with translation.override("zh-hans"):
        assert loaded.render() == "待审查 2026年12月5日"
    with translation.override("en"):
        assert loaded.render() == "Awaiting review Dec. 5, 2026"


def test_a_generated_history_note_reads_in_the_readers_language():
    actor = UserFactory(full_name="李明")
    with translation.override("en"):
        event = record_event(
            actor=actor,
            verb="proposal.reassign",
            subject=actor,
            note=Phrase(
                gettext_noop("改交：%(from)s → %(to)s"), **{"from": "民政局", "to": "卫健委"}
            ),
        )
    event = Event.objects.get(pk=event.pk)
    assert event.note == "改交：民政局 → 卫健委"  # the trail as written, in the site's language
    with translation.override("en"):
        assert event.shown_note == "Handed on: 民政局 → 卫健委"
    with translation.override("zh-hans"):
        assert event.shown_note == "改交：民政局 → 卫健委"
    with translation.override("en"):
        page = render_to_string("includes/history.html", {"events": [event]})
    assert "Handed on: 民政局 → 卫健委" in page and "改交" not in page


def test_a_phrase_that_no_longer_fits_its_message_falls_back_to_the_stored_text():
    reader = UserFactory()
    notify([reader], title=Phrase(TITLE, title="甲"))
    note = Notification.objects.get(recipient=reader)
    note.title_phrase = {"m": TITLE, "p": {}}  # a parameter the message needs is missing
    assert note.shown_title == "新提案待审查：甲"


def test_make_messages_keeps_the_message_ids_of_phrases(tmp_path, monkeypatch):
    """`make messages` runs with --no-obsolete: a msgid written only as N_("…") must be
    extracted, or the next run drops its translation from the catalogue."""
    from django.core.management import call_command

    (tmp_path / "locale").mkdir()
    (tmp_path / "notices.py").write_text(
        'from django.utils.translation import gettext_noop as N_\nTITLE = N_("催办：%(title)s")\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["en"], verbosity=0)
    catalogue = (tmp_path / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    assert 'msgid "催办：%(title)s"' in catalogue


def test_a_label_with_a_context_a_bare_label_and_a_moment_follow_the_reader():
    from django.utils.translation import pgettext_lazy

    from xieshang.core.phrases import shown, store

    text, data = store(pgettext_lazy("meeting", "会次"))  # a note that is just a label
    assert text == "会次"
    with translation.override("en"):
        assert shown(data, text) == "Sitting"
    moment = dt.datetime(2026, 12, 5, 9, 30, tzinfo=dt.UTC)  # 17:30 in Beijing
    text, data = store(Phrase("%(when)s", when=moment))
    assert text == "2026年12月5日 17:30"
    with translation.override("en"):
        assert shown(data, text) == "Dec. 5, 2026 17:30"
