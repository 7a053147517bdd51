"""The screening step of the public forms, the lexicon page, rate limits and tickets."""

import datetime as dt

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_org, user_with_role
from xieshang.core.models import Event
from xieshang.orgs.models import Level, Role
from xieshang.portal import lexicon, ratelimit, tickets
from xieshang.portal.models import RateHit, ScreenedText, ScreeningTerm
from xieshang.portal.screening import compact, screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    lexicon.seed()  # transactional tests flush the migration's rows
    city = make_org("示范市政协", Level.CITY)
    return make_org("示范区政协", Level.DISTRICT, parent=city)


def check(org, text, client="", contact=""):
    return screen(organisation=org, texts=[text], client=client, contact=contact)


def test_a_short_genuine_complaint_passes(org):
    verdict = check(org, "楼道灯坏了三个月没人修")
    assert (verdict.held, verdict.spam, verdict.labels) == (False, False, ())


@pytest.mark.parametrize(
    "text",
    [
        "代开发票",
        "代 开 发 票",
        "代-开.发*票！",
        "代💰开💰发💰票",
        "代\u200b开\u200b发\u200b票",  # zero-width spaces
        "代x开x发x票",  # letters between the characters
        "代開發票",  # traditional forms
    ],
)
def test_banned_terms_match_through_obfuscation(org, text):
    verdict = check(org, f"本公司{text}，价格实惠")
    assert verdict.spam and verdict.held
    assert any(r.startswith("含违禁词（代开发票）") for r in verdict.labels)


def test_full_width_and_look_alike_letters_are_folded(org):
    assert compact("ＢＥＴ３６５") == "bet365"
    assert compact("vх") == "vx"  # Cyrillic х
    verdict = check(org, "ＢＥＴ３６５ 足球")
    assert verdict.spam
    assert "含违禁词（博彩）：bet365" in verdict.labels


def test_a_suspicious_term_holds_without_calling_it_spam(org):
    verdict = check(org, "小区棋牌室每天半夜还在打麻将，吵得睡不着。")
    assert verdict.held and not verdict.spam
    assert verdict.labels == ("含可疑词（博彩）：棋牌",)


def test_words_that_only_contain_a_term_do_not_match_as_it(org):
    # 发票 alone is a genuine complaint; 返水 (sewer backflow) is not gambling here.
    assert not check(org, "商家不给开发票，应该找哪个部门？").held
    assert not check(org, "下水道返水，一楼都淹了").held


def test_the_office_adds_a_term_and_the_next_submission_is_held(org, client):
    office = user_with_role(Role.OFFICE, org, full_name="政协办")
    text = "祖传秘方专治百病，无效退款"
    assert not check(org, text).held
    client.force_login(office)
    page = client.get(reverse("screening:terms"))
    assert page.status_code == 200 and "代开发票" in page.text
    response = client.post(
        reverse("screening:terms"),
        {"organisation": org.pk, "term": "祖传 秘方", "category": "fraud", "severity": "banned"},
    )
    assert response.status_code == 302
    term = ScreeningTerm.objects.get(term="祖传 秘方")
    assert term.organisation == org and term.created_by == office
    assert Event.objects.filter(verb="screening.term_add", object_id=str(term.pk)).exists()
    verdict = check(org, text)
    assert verdict.spam and "含违禁词（诈骗）：祖传 秘方" in verdict.labels
    # The term applies below the office's organisation, not to another district.
    street = make_org("城关街道", Level.STREET, parent=org)
    assert check(street, text).spam
    other = make_org("另一区政协", Level.DISTRICT, parent=org.parent)
    assert not check(other, text).held

    client.post(reverse("screening:term_toggle", args=[term.pk]), {"active": "0"})
    term.refresh_from_db()
    assert not term.is_active
    assert Event.objects.filter(verb="screening.term_deactivate", object_id=str(term.pk)).exists()
    ScreenedText.objects.all().delete()  # this test repeated the text; repetition aside
    assert not check(org, text).held


def test_an_office_cannot_touch_deployment_wide_terms(org, client):
    office = user_with_role(Role.OFFICE, org, full_name="政协办")
    term = ScreeningTerm.objects.get(term="代开发票", organisation=None)
    client.force_login(office)
    response = client.post(reverse("screening:term_toggle", args=[term.pk]), {"active": "0"})
    assert response.status_code == 404
    term.refresh_from_db()
    assert term.is_active
    response = client.post(
        reverse("screening:terms"),
        {"organisation": "", "term": "某某词", "category": "other", "severity": "banned"},
    )
    assert response.status_code == 400


def test_a_member_may_not_open_the_lexicon(org, client):
    client.force_login(user_with_role(Role.MEMBER, org, full_name="委员"))
    assert client.get(reverse("screening:terms")).status_code == 403


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("详情见 http://example.com/a", "含网址链接"),
        ("访问 www点abc88点com 了解", "含网址链接"),
        ("官网 bet88。vip", "含网址链接"),
        ("有意者加QQ：12345678", "含QQ号"),
        ("扣扣 一二三四五六七八", "含QQ号"),
        ("ＱＱ：１２３４５６７８９", "含QQ号"),
        ("加微信 abc_12345", "含微信号"),
        ("V信：zhang-san88", "含微信号"),
        ("邮箱 someone@example.com", "含电子邮箱"),
    ],
)
def test_links_and_contact_ids_are_marked(org, text, reason):
    verdict = check(org, text)
    assert reason in verdict.labels
    if reason != "含电子邮箱":
        assert verdict.held


def test_an_email_address_is_not_also_called_a_web_link(org):
    # Tester: a genuine complaint quoting an address was held as 含网址链接 for its domain.
    verdict = check(org, "楼上漏水，可发邮件 zw@example.com 联系我")
    assert "含电子邮箱" in verdict.labels and "含网址链接" not in verdict.labels
    both = check(org, "邮箱 zw@example.com，详情见 www.example.com")
    assert {"含电子邮箱", "含网址链接"} <= set(both.labels)


def test_a_phone_number_alone_does_not_hold_a_request_but_adds_to_advertising(org):
    verdict = check(org, "联系电话13912345678，我们小区的自来水管道老化，经常爆管。")
    assert not verdict.held and verdict.labels == ("正文含电话号码",)
    verdict = check(org, "兼职日结，详询 139 1234 5678")
    assert verdict.held and "正文含电话号码" in verdict.labels


def test_contact_field_with_an_id_is_marked(org):
    verdict = check(org, "路灯不亮", contact="加v abc12345")
    assert verdict.held
    assert "联系方式含微信号" in verdict.labels


def test_the_same_text_from_the_same_client_is_held(org):
    assert not check(org, "东环路那段路面坑坑洼洼好几年了", client="10.0.0.1").held
    verdict = check(org, "东环路那段路面，坑坑洼洼好几年了！", client="10.0.0.1")
    assert verdict.held and not verdict.spam
    assert "同一来源重复提交相近内容" in verdict.labels
    # Another client with a different request is not affected.
    assert not check(org, "建议在地铁站出口设置非机动车停放区", client="10.0.0.2").held


def test_many_near_identical_texts_from_many_clients_are_a_flood(org):
    text = "建议每个月在小区门口组织一次义诊，老人看病太不方便了"
    verdicts = [check(org, text, client=f"10.0.1.{i}") for i in range(6)]
    assert not verdicts[0].held and not verdicts[1].held
    assert verdicts[2].held and not verdicts[2].spam
    assert verdicts[-1].spam
    assert any("疑似批量发送" in r for r in verdicts[-1].labels)


def test_repetition_memory_keeps_only_the_window_and_no_address(org):
    check(org, "路灯不亮", client="10.0.0.9")
    row = ScreenedText.objects.get()
    assert "10.0.0.9" not in row.client_hash
    ScreenedText.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    check(org, "路灯不亮", client="10.0.0.9")
    assert ScreenedText.objects.count() == 1  # the old one was pruned, no repetition mark


# --- rate limits behind proxies -------------------------------------------------------------


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **meta)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_trusted_proxies_x_forwarded_for_is_ignored():
    assert ratelimit.client_ip(_request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_with_one_trusted_proxy_the_address_it_saw_counts():
    # The client forged "1.2.3.4"; the proxy appended the real address.
    request = _request("10.0.0.1", "1.2.3.4, 198.51.100.7")
    assert ratelimit.client_ip(request) == "198.51.100.7"
    assert ratelimit.client_ip(_request("10.0.0.1")) == "10.0.0.1"
    assert ratelimit.client_ip(_request("10.0.0.1", "not-an-ip")) == "10.0.0.1"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_with_two_trusted_proxies_the_second_hop_from_the_right_counts():
    request = _request("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.1")
    assert ratelimit.client_ip(request) == "198.51.100.7"


def test_allow_counts_per_key_and_window():
    assert [ratelimit.allow("k:a", 2, 3600) for _ in range(3)] == [True, True, False]
    assert ratelimit.allow("k:b", 2, 3600)
    RateHit.objects.update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert ratelimit.allow("k:a", 2, 3600)
    assert not RateHit.objects.filter(key__contains="k:a").exists()  # keys are hashed


# --- tickets ---------------------------------------------------------------------------------


def test_check_codes_are_unambiguous_and_stored_hashed():
    code = tickets.new_code()
    assert len(code) == 6 and not set(code) & set("01ILO")
    stored = tickets.hash_code(code)
    assert code not in stored
    assert tickets.code_matches(code.lower(), stored)
    assert tickets.code_matches(f" {code[:3]}-{code[3:]} ", stored)
    assert not tickets.code_matches("ABCDEF" if code != "ABCDEF" else "ABCDEG", stored)
    assert not tickets.code_matches("", stored)
