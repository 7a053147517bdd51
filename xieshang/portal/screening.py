"""One screening step for every public form (topics, residents' issues, anything later).

    verdict = screen(organisation=org, texts=[title, body], contact=phone, client=ip)

Before a public submission reaches a person it is scored on four kinds of evidence:

- the lexicon the office maintains (`ScreeningTerm`): banned terms make a text spam,
  suspicious ones mark it for a moderator;
- links and contact patterns: URLs (also written "点com"), QQ numbers, WeChat ids, e-mail,
  phone numbers written into the body;
- repetition: the same text from the same client, or many near-identical texts from anyone,
  within a window (similarity from `textsim`);
- all of it tolerant of obfuscation: full-width forms, spaces, punctuation, emoji and
  zero-width characters between the letters, Latin look-alikes, a few traditional
  characters, Chinese numerals in numbers.

The verdict says whether the item is held (marked for a moderator with reasons) and whether
it is clearly spam (never shown publicly; moderators can reject such items in bulk). Nothing
is refused here: a false mark costs a moderator one look, a refusal would lose a resident's
request without anyone seeing it.
"""

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from xieshang.orgs import config
from xieshang.textsim import similarity

from .models import ScreenedText, ScreeningTerm

# A verdict holds an item from this score, and calls it spam from this score: one banned
# term, or a contact id together with a suspicious word, is spam; a single suspicious word,
# link or contact id is a mark for the moderator.
HOLD_SCORE = 3
SPAM_SCORE = 8

BANNED_POINTS = 10
SUSPICIOUS_POINTS = 3
LINK_POINTS = 5
IM_POINTS = 6  # QQ or WeChat id: nearly always an invitation to move off the form
EMAIL_POINTS = 2
PHONE_POINTS = 2  # residents leave their number in the text too; alone it marks nothing
SAME_CLIENT_POINTS = 5
FLOOD_POINTS = 4
FLOOD_SPAM_POINTS = 8

NEAR_IDENTICAL = 0.85
MAX_TEXT = 4000
# Near-identical texts from anyone in the window: from this many the item is held, from
# FLOOD_SPAM_COUNT it is a flood and spam.
FLOOD_COUNT = 2
FLOOD_SPAM_COUNT = 4
RECENT_LIMIT = 300  # texts compared for repetition, newest first

WINDOW_HOURS = config.define(
    "portal.screening_window_hours",
    24,
    gettext_lazy("公众表单重复内容检查时段（小时）"),
    minimum=1,
    maximum=720,  # 30 days; the newest RECENT_LIMIT texts are compared in any case
)


# Reasons are stored as codes with their parameters ({"code": "banned", "cat": "gambling",
# "words": "百家乐"}) and worded in the reader's language when shown: the submitter's
# language is not the moderator's. Texts stored before the codes (Chinese) are mapped by
# `reason_from_text` in a data migration; a text it does not know is shown as it is.
_REASON_LABELS = {
    "banned": gettext_lazy("含违禁词（%(cat)s）：%(words)s"),
    "suspicious": gettext_lazy("含可疑词（%(cat)s）：%(words)s"),
    "link": gettext_lazy("含网址链接"),
    "email": gettext_lazy("含电子邮箱"),
    "qq": gettext_lazy("含QQ号"),
    "wechat": gettext_lazy("含微信号"),
    "contact_link": gettext_lazy("联系方式含网址链接"),
    "contact_email": gettext_lazy("联系方式含电子邮箱"),
    "contact_qq": gettext_lazy("联系方式含QQ号"),
    "contact_wechat": gettext_lazy("联系方式含微信号"),
    "phone": gettext_lazy("正文含电话号码"),
    "same_client": gettext_lazy("同一来源重复提交相近内容"),
    "flood_spam": gettext_lazy("%(h)s小时内已有%(n)s条近似内容（疑似批量发送）"),
    "flood": gettext_lazy("%(h)s小时内已有%(n)s条近似内容"),
}


def reason_label(reason) -> str:
    """One stored reason worded in the active language; a text is shown as it is."""
    if not isinstance(reason, dict) or reason.get("code") not in _REASON_LABELS:
        return str(reason)
    params = {k: v for k, v in reason.items() if k != "code"}
    if "cat" in params:
        params["cat"] = dict(ScreeningTerm.Category.choices).get(params["cat"], params["cat"])
    try:
        return (
            str(_REASON_LABELS[reason["code"]]) % params
            if params
            else str(_REASON_LABELS[reason["code"]])
        )
    except (KeyError, TypeError, ValueError):
        return str(_REASON_LABELS[reason["code"]])


def reason_labels(reasons) -> list[str]:
    """The stored reasons of an item (a list of codes, or old texts) for a page."""
    return [reason_label(r) for r in reasons or ()]


_TEXT_PATTERNS = (
    ("banned", re.compile(r"^含违禁词（(?P<cat>[^）]*)）：(?P<words>.*)$", re.S)),
    ("suspicious", re.compile(r"^含可疑词（(?P<cat>[^）]*)）：(?P<words>.*)$", re.S)),
    ("flood_spam", re.compile(r"^(?P<h>\d+)小时内已有(?P<n>\d+)条近似内容（疑似批量发送）$")),
    ("flood", re.compile(r"^(?P<h>\d+)小时内已有(?P<n>\d+)条近似内容$")),
)


def reason_from_text(text):
    """The code of a reason stored as a Chinese text before codes were stored, or the text
    itself when it is not one this module wrote."""
    if not isinstance(text, str):
        return text
    with translation.override("zh-hans"):
        plain = {
            str(label): code for code, label in _REASON_LABELS.items() if "%(" not in str(label)
        }
        categories = {str(label): value for value, label in ScreeningTerm.Category.choices}
    if text in plain:
        return {"code": plain[text]}
    for code, pattern in _TEXT_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        params = match.groupdict()
        if "cat" in params:
            if params["cat"] not in categories:
                return text
            params["cat"] = categories[params["cat"]]
        for key in ("h", "n"):
            if key in params:
                params[key] = int(params[key])
        return {"code": code, **params}
    return text


@dataclass(frozen=True)
class Verdict:
    held: bool  # not passed straight to the moderation queue: marked for a moderator
    spam: bool  # clearly spam: never reaches a public page; moderators can bulk-reject
    # Codes with parameters, ready to store: {"code": "banned", "cat": "gambling",
    # "words": "百家乐"}; `labels` words them in the active language.
    reasons: tuple[dict, ...]
    score: int

    @classmethod
    def clean(cls) -> "Verdict":
        return cls(held=False, spam=False, reasons=(), score=0)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(reason_labels(self.reasons))


@dataclass
class _Findings:
    score: int = 0
    reasons: list[dict] = field(default_factory=list)

    def add(self, points: int, code: str, **params) -> None:
        self.score += points
        reason = {"code": code, **params}
        if reason not in self.reasons:
            self.reasons.append(reason)

    def verdict(self) -> Verdict:
        return Verdict(
            held=self.score >= HOLD_SCORE,
            spam=self.score >= SPAM_SCORE,
            reasons=tuple(self.reasons),
            score=self.score,
        )


# ---------------------------------------------------------------------------------------
# Normalising against obfuscation

# Latin look-alikes from other scripts, and traditional forms of the characters spam uses
# most (NFKC folds full-width, circled and styled letters and digits already).
_CHAR_MAP = str.maketrans(
    {
        **dict(zip("аеорсухкмтвнАЕОРСУХКМТВНіІј", "aeopcyxkmtbhaeopcyxkmtbhiij", strict=True)),
        **dict(zip("αβεικνορτυχΑΒΕΙΚΜΝΟΡΤΥΧ", "abeikvoptuxabeikmnoptyx", strict=True)),
        **dict(
            zip(
                "發開賭場約貸槍彈號幣網聯繫錢現碼資價買賣藥證辦遊戲們頭腦樂彩實體這裡務領費",
                "发开赌场约贷枪弹号币网联系钱现码资价买卖药证办游戏们头脑乐彩实体这里务领费",
                strict=True,
            )
        ),
    }
)
_NON_WORD = re.compile(r"[\W_]+")
_NON_CJK = re.compile(r"[^\u3400-\u9fff]+")
# Chinese numerals written for digits to slip past number patterns ("扣扣：一二三四五六").
_NUMERALS = str.maketrans("零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖两", "001234567891234567892")


def fold(text: str) -> str:
    """NFKC, lower case, look-alikes and traditional forms mapped; nothing removed."""
    return unicodedata.normalize("NFKC", text or "").translate(_CHAR_MAP).lower()


def compact(text: str) -> str:
    """`fold` with every space, punctuation mark, symbol, emoji and zero-width character
    removed: "代 开.发*票" and "代开发票" become one string."""
    return _NON_WORD.sub("", fold(text))


def cjk_only(text: str) -> str:
    """Only the Chinese characters of `text`: also catches letters and digits put between
    them ("代x开x发x票")."""
    return _NON_CJK.sub("", fold(text))


# ---------------------------------------------------------------------------------------
# Lexicon


@dataclass(frozen=True)
class _Term:
    key: str  # compacted term
    label: str
    category: str
    banned: bool


def active_terms(organisation) -> list[_Term]:
    """The active terms that apply to `organisation`: deployment-wide ones, its own and its
    ancestors'. Read on each screening (one query), so an office's new term applies to the
    very next submission."""
    scope = Q(organisation__isnull=True)
    if organisation is not None:
        scope |= Q(organisation_id__in=organisation.ancestor_ids() or [organisation.pk])
    rows = ScreeningTerm.objects.filter(scope, is_active=True).values_list(
        "term", "category", "severity"
    )
    return _prepare(rows)


def _prepare(rows: Iterable[tuple[str, str, str]]) -> list[_Term]:
    terms = {}
    for term, category, severity in rows:
        key = compact(term)
        if not key:
            continue
        banned = severity == ScreeningTerm.Severity.BANNED
        # One term may exist deployment-wide and for an organisation: the stricter wins.
        if key not in terms or (banned and not terms[key].banned):
            terms[key] = _Term(key, term.strip(), category, banned)
    return list(terms.values())


def _match_terms(text: str, terms: Sequence[_Term], found: _Findings) -> None:
    flat, chinese = compact(text), cjk_only(text)
    hits: dict[tuple[bool, str], list[str]] = {}
    for term in terms:
        in_chinese = _NON_CJK.sub("", term.key) == term.key
        if term.key in flat or (in_chinese and term.key in chinese):
            hits.setdefault((term.banned, term.category), []).append(term.label)
    all_words = [w for ws in hits.values() for w in ws]
    for (banned, category), words in sorted(hits.items(), key=lambda kv: not kv[0][0]):
        # A longer hit containing a shorter one ("代开发票" and "代开") is one finding.
        words = [
            w for w in words if not any(w != o and compact(w) in compact(o) for o in all_words)
        ]
        if not words:
            continue
        listed = "、".join(words[:5])
        if banned:
            found.add(BANNED_POINTS * len(words), "banned", cat=category, words=listed)
        else:
            found.add(SUSPICIOUS_POINTS * len(words), "suspicious", cat=category, words=listed)


# ---------------------------------------------------------------------------------------
# Links and contacts

_TLDS = (
    "com|cn|net|org|top|xyz|vip|cc|me|io|info|club|site|shop|app|link|tk|ly|co|tv|pw|"
    "online|fun|icu|live|wang|ink|work|biz|asia|hk|tw|mo"
)
_URL = re.compile(
    rf"(?:https?|ftp)\s*[:：]\s*//|www\s*\.|"
    rf"(?<![a-z0-9])[a-z0-9][a-z0-9-]{{0,62}}\s*\.\s*(?:{_TLDS})(?![a-z])|"
    rf"(?<!\d)\d{{1,3}}(?:\.\d{{1,3}}){{3}}(?::\d+)?/",
)
# "点com", "。cn", "[.]net", "dot com": a dot written another way before a domain ending.
_DOTS = re.compile(r"\s*(?:点|。|．|\[\.\]|\(\.\)|（\.）|dot)\s*(?=(?:" + _TLDS + r")(?![a-z]))")
_EMAIL = re.compile(r"[a-z0-9._%+\-]+\s*(?:@|\(at\)|\[at\])\s*[a-z0-9\-]+(?:\.[a-z0-9\-]+)+")
_QQ = re.compile(
    r"(?:qq|扣扣|叩叩|口口|企鹅|企鹅号|q号|q群|球球|蔻蔻)(?:号|群|号码)?[^0-9a-z]{0,6}(\d{5,11})"
    r"|(?<![a-z0-9])q(\d{6,11})(?!\d)"
)
_WECHAT = re.compile(
    r"(?:微信|威信|薇信|徽信|维信|卫信|溦信|v信|vx|wx|weixin|wechat|vchat|微x|加v|\+v|v号|微号|薇|威x)"
    r"(?:号|号码)?[^0-9a-z]{0,6}([a-z][a-z0-9_-]{5,19}|\d{6,11})"
)
_MOBILE = re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:0\d{2,3}\d{7,8}|[48]00\d{7})(?!\d)")


def _digits_text(text: str) -> str:
    """Folded text with Chinese numerals as digits and separators between digits dropped,
    for the number patterns: "1 3 8-0013-8000" and "一三八〇〇一三八〇〇〇" both read as
    13800138000."""
    folded = fold(text).translate(_NUMERALS)
    return re.sub(r"(?<=[0-9a-z])[\s\-_.·•,，、/|]+(?=[0-9])", "", folded)


def _match_contacts(text: str, found: _Findings, *, where: str = "") -> None:
    """`where` is "contact_" for the contact field, "" for the body."""
    folded = _DOTS.sub(".", fold(text))
    # An e-mail address's domain (example.com) is no web link: it counts as an address.
    if _URL.search(_EMAIL.sub(" ", folded)):
        found.add(LINK_POINTS, where + "link")
    if _EMAIL.search(folded):
        found.add(EMAIL_POINTS, where + "email")
    digits = _digits_text(text)
    squeezed = _NON_WORD.sub("", digits)
    if _QQ.search(digits) or _QQ.search(squeezed):
        found.add(IM_POINTS, where + "qq")
    if _WECHAT.search(digits) or _WECHAT.search(squeezed):
        found.add(IM_POINTS, where + "wechat")
    if not where and (_MOBILE.search(squeezed) or _LANDLINE.search(squeezed)):
        found.add(PHONE_POINTS, "phone")


# ---------------------------------------------------------------------------------------
# Repetition


def client_hash(client: str) -> str:
    """A keyed hash of the client's address: repetition is checked without keeping it."""
    if not client:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:screen:{client}".encode()).hexdigest()


def _match_repetition(organisation, text: str, client: str, found: _Findings) -> None:
    hours = config.get(organisation, WINDOW_HOURS)
    since = timezone.now() - dt.timedelta(hours=hours)
    ScreenedText.objects.filter(created_at__lt=since).delete()
    key = client_hash(client)
    if text:
        recent = list(
            ScreenedText.objects.filter(
                organisation=organisation, created_at__gte=since
            ).values_list("client_hash", "text")[:RECENT_LIMIT]
        )
        same_client = 0
        others = 0
        for other_client, other in recent:
            if other == text or similarity(other, text) >= NEAR_IDENTICAL:
                if key and other_client == key:
                    same_client += 1
                else:
                    others += 1
        if same_client:
            found.add(SAME_CLIENT_POINTS, "same_client")
        if others + same_client >= FLOOD_SPAM_COUNT:
            found.add(FLOOD_SPAM_POINTS, "flood_spam", h=hours, n=others + same_client)
        elif others >= FLOOD_COUNT:
            found.add(FLOOD_POINTS, "flood", h=hours, n=others)
    ScreenedText.objects.create(organisation=organisation, client_hash=key, text=text)


# ---------------------------------------------------------------------------------------


def assess(texts: Iterable[str], contact: str = "", terms: Sequence[_Term] = ()) -> _Findings:
    """The checks that need no database: lexicon (given), links and contacts."""
    found = _Findings()
    body = "\n".join(t for t in texts if t)[:MAX_TEXT]
    _match_terms(body, terms, found)
    _match_contacts(body, found)
    if contact:
        _match_terms(contact, terms, found)
        _match_contacts(contact[:200], found, where="contact_")
    return found


def screen(*, organisation, texts: Iterable[str], contact: str = "", client: str = "") -> Verdict:
    """Screen one public submission. `texts` are its free-text fields (title, body…),
    `contact` what the resident gave as a contact (a phone number is normal there), `client`
    the caller's address (`ratelimit.client_ip`) for the repetition checks. Remembers the
    text for the repetition window; call it once per submission."""
    texts = [t for t in texts if t]
    found = assess(texts, contact, active_terms(organisation))
    normalised = " ".join(compact(t) for t in texts)[:MAX_TEXT]
    _match_repetition(organisation, normalised, client, found)
    return found.verdict()
