"""English as the second language: the switch, the pages, and a complete catalogue.

The catalogue checks read `django.po`/`django.mo` with plain Python (no gettext, no polib),
so they run on a bare machine.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.factories import make_org, user_with_role
from xieshang.orgs.models import Role

PACKAGE = Path(__file__).resolve().parents[2] / "xieshang"
LOCALE = PACKAGE / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdf]")


# --- A minimal .po reader ----------------------------------------------------------------


def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # a .po string is a valid Python string literal


def read_po(path: Path) -> list[dict]:
    """Entries as dicts: msgid, msgid_plural, msgstr (a list: one item, or one per plural
    form) and flags. The header (empty msgid) is left out."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        entry: dict = {"flags": [], "msgid": None, "msgid_plural": None, "msgstr": []}
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                if current == "msgstr":
                    entry["msgstr"][-1] += _unquote(line)
                else:
                    entry[current] += _unquote(line)
            else:
                keyword, _space, value = line.partition(" ")
                if keyword.startswith("msgstr"):
                    current = "msgstr"
                    entry["msgstr"].append(_unquote(value))
                else:
                    current = keyword
                    entry[keyword] = _unquote(value)
        if entry["msgid"]:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    return read_po(LOCALE / "django.po")


# --- The catalogue --------------------------------------------------------------------


def test_it_translates_every_entry_of_the_catalogue(catalogue):
    assert len(catalogue) > 500
    untranslated = [e["msgid"] for e in catalogue if not all(s.strip() for s in e["msgstr"])]
    assert untranslated == [], "untranslated: run `make messages` and translate these"
    fuzzy = [e["msgid"] for e in catalogue if "fuzzy" in e["flags"]]
    assert fuzzy == [], "fuzzy entries are ignored at run time; review them"
    plural_forms = [e["msgid"] for e in catalogue if e["msgid_plural"] and len(e["msgstr"]) != 2]
    assert plural_forms == []


def test_it_keeps_every_placeholder_in_the_translation(catalogue):
    broken = [
        (e["msgid"], s)
        for e in catalogue
        for s in e["msgstr"]
        if sorted(PLACEHOLDER.findall(s)) != sorted(PLACEHOLDER.findall(e["msgid"]))
    ]
    assert broken == []


def test_it_leaves_no_chinese_in_the_english_translations(catalogue):
    # Quoted spreadsheet values the user must type in Chinese (“男”, “是”) are the only
    # exception, and they always come with their English meaning.
    leftover = [
        (e["msgid"], s)
        for e in catalogue
        for s in e["msgstr"]
        if CJK.search(re.sub(r"“[^”]*”", "", s))
    ]
    assert leftover == []


def test_it_ships_a_compiled_catalogue_that_matches_the_source(catalogue):
    """The .mo is committed so `make run` needs no gettext; it must not lag the .po."""
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)._catalog
    stale = []
    for e in catalogue:
        # An entry with a context ({% translate "会次" context "meeting" %}) is keyed
        # "context\x04msgid" in the .mo.
        key = f"{e['msgctxt']}\x04{e['msgid']}" if e.get("msgctxt") else e["msgid"]
        if e["msgid_plural"]:
            got = [compiled.get((key, n)) for n in range(len(e["msgstr"]))]
        else:
            got = [compiled.get(key)]
        if got != e["msgstr"]:
            stale.append(e["msgid"])
    assert stale == [], "run `make messages` (compilemessages) and commit django.mo"


# The names `makemessages` extracts; a string passed to any other alias (`_lazy = gettext_lazy`)
# works at run time but never reaches the catalogue.
# `N_` (gettext_noop, the message ids of stored phrases) is added by core's makemessages.
EXTRACTED = {"_", "N_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}


def _source_msgids() -> dict[str, str]:
    """Literal msgids in templates ({% translate "…" %}, _("…")) and in Python (calls of
    names imported from django.utils.translation), each with where it was found."""
    found: dict[str, str] = {}
    tag = re.compile(r"""\{%\s*(?:translate|trans)\s+(?:"([^"]*)"|'([^']*)')""")
    underscore = re.compile(r"""\b_\((?:"([^"]*)"|'([^']*)')\)""")
    for path in PACKAGE.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in [*tag.finditer(text), *underscore.finditer(text)]:
            msgid = match.group(1) if match.group(1) is not None else match.group(2)
            found.setdefault(msgid, str(path.relative_to(PACKAGE)))
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
            for alias in node.names
            if alias.name
            in {"gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
                if node.func.id not in EXTRACTED:
                    where += f" (called as {node.func.id}, which makemessages does not extract)"
                found.setdefault(node.args[0].value, where)
    return found


def test_it_has_a_translation_for_every_string_in_the_code(catalogue):
    known = {e["msgid"] for e in catalogue}
    missing = {msgid: where for msgid, where in _source_msgids().items() if msgid not in known}
    assert missing == {}, "new strings: run `make messages`, translate them, commit .po and .mo"


# --- The language switch and the pages ---------------------------------------------------


def navigation(html: str) -> str:
    """The top navigation bar without the language names, which each language shows in
    its own script (简体中文 / English) on purpose."""
    nav = re.search(r'<nav class="navbar.*?</nav>', html, re.S).group(0)
    return re.sub(r"<option.*?</option>", "", nav, flags=re.S)


def test_no_template_gives_a_screen_reader_an_english_label():
    """aria-label and title are read aloud: written in Chinese and translated, like the
    text on the page (a literal "breadcrumb" was announced in English)."""
    root = Path(__file__).resolve().parents[2] / "xieshang"
    literal = re.compile(r'(?:aria-label|title)="[A-Za-z][A-Za-z ]*"')
    found = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in root.rglob("*.html")
        for match in literal.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, found


@pytest.mark.django_db
def test_it_shows_the_login_page_in_chinese_by_default(client):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html and "Log in" not in html


@pytest.mark.django_db
def test_an_english_language_browser_still_gets_chinese_until_the_user_switches(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html and ">登录</button>" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in html and ">Log in</button>" in html


@pytest.mark.django_db
def test_it_switches_the_login_page_to_english(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": reverse("login")}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("login")
    assert '<html lang="en">' in html
    assert ">Log in</button>" in html
    assert "Username" in html and "Password" in html
    assert not CJK.search(re.sub(r"<option.*?</option>", "", html, flags=re.S))
    # and back again
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert ">登录</button>" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_it_renders_an_office_clerks_pages_in_english(client):
    clerk = user_with_role(Role.OFFICE, make_org(), full_name="Li Ming")
    client.force_login(clerk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    home = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in home
    assert "Hello, Li Ming" in home
    nav = navigation(home)
    assert "Members" in nav and "Log out" in nav
    assert CJK.findall(nav) == []
    # The dashboard cards are built at import time; they must follow the language too.
    assert "Member list" in home and "委员名单" not in home

    members = client.get(reverse("members:list")).content.decode()
    assert "Member list" in members and "Filter" in members
    assert CJK.findall(navigation(members)) == []


@pytest.mark.django_db
def test_it_keeps_chinese_for_a_user_who_never_switched(client):
    clerk = user_with_role(Role.OFFICE, make_org(), full_name="Li Ming")
    client.force_login(clerk)
    nav = navigation(client.get(reverse("members:list")).content.decode())
    assert "委员" in nav and "退出登录" in nav and "Log out" not in nav


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_switches_language_from_the_menu_in_a_browser(phone_page):
    user_with_role(Role.OFFICE, make_org(), username="bangongshi", full_name="Li Ming")
    login(phone_page, "bangongshi")
    phone_page.get_by_label("语言").select_option("en")  # the select submits itself
    phone_page.wait_for_selector('html[lang="en"]')
    assert phone_page.get_by_role("heading", name="Hello, Li Ming").is_visible()
    phone_page.get_by_label("Language").select_option("zh-hans")
    phone_page.wait_for_selector('html[lang="zh-hans"]')
    assert phone_page.get_by_role("heading", name="Li Ming，您好").is_visible()
