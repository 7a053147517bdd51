"""A new-term nomination round in a real browser: the organisation department nominates a
Party member, the united front department a democratic-party member (who waits for the
consultation record), the office records the Party group's opinion on a sitting member and
confirms the list, which becomes the new term's member list."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.duty.factories import record
from xieshang.duty.models import DutyKind
from xieshang.nominations import services

from ..conftest import login
from ..pickers import pick
from .factories import open_round, sitting_member, world


def _page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("C5.1", "C5.2", "C5.3", "C5.10")
def test_a_round_goes_from_candidates_to_the_new_terms_member_list(browser, live_server):
    w = world()
    kept = sitting_member(w, "孙续")
    record(kept, DutyKind.INSPECTION, date=dt.date(timezone.localdate().year, 1, 2))
    sitting_member(w, "周退")
    r = open_round(w)
    services.seats_set(round=r, actor=w.office, sectors={s.pk: 2 for s in w.sectors}, categories={})
    round_url = f"{live_server.url}/nominations/{r.pk}/"

    # The organisation department nominates a Party member and completes the nomination.
    org = _page(browser, live_server)
    login(org, w.orgdept.username)
    org.goto(live_server.url + "/nominations/")
    org.get_by_role("link", name=r.title).click()
    org.get_by_role("link", name="提名人选").click()
    # Only the parties this department nominates are offered (C5.1).
    expect(org.get_by_label("政治面貌").locator("option")).to_have_text(["请选择", "中国共产党"])
    org.get_by_label("政治面貌").select_option(label="中国共产党")
    org.get_by_label("姓名").fill("王新")
    org.get_by_label("性别").select_option(label="男")
    org.get_by_label("出生日期").fill("1982-03-04")
    org.get_by_label("界别").select_option(label="中共界")
    org.get_by_role("button", name="提名", exact=True).click()
    expect(org.locator("#candidate-status")).to_have_text("已提名")
    org.get_by_role("button", name="完成提名").click()
    expect(org.locator("#candidate-status")).to_have_text("提名完成")

    # The united front department: a democratic-party member waits for the consultation.
    uf = _page(browser, live_server)
    login(uf, w.ufwd.username)
    uf.goto(round_url + "nominate/")
    uf.get_by_label("姓名").fill("刘佳宁")
    uf.get_by_label("性别").select_option(label="女")
    uf.get_by_label("出生日期").fill("1986-07-08")
    # 政治面貌 offers the political affiliations only: a short plain list (no search box).
    uf.get_by_label("政治面貌").select_option(label="中国民主同盟")
    uf.get_by_label("界别").select_option(label="教育界")
    uf.get_by_role("button", name="提名", exact=True).click()
    uf.get_by_role("button", name="完成提名").click()
    expect(uf.get_by_role("alert").or_(uf.locator("#missing-steps")).first).to_contain_text(
        "须先与民盟协商"
    )
    expect(uf.locator("#candidate-status")).to_have_text("已提名")
    uf.get_by_label("协商单位").fill("民盟区委会")
    uf.get_by_label("协商意见").fill("民盟区委会同意提名。")
    uf.get_by_role("button", name="登记协商情况").click()
    uf.get_by_role("button", name="完成提名").click()
    expect(uf.locator("#candidate-status")).to_have_text("提名完成")
    # …and re-nominates the sitting member, which needs the Party group.
    uf.goto(round_url + "nominate/")
    # Searched on the server (issue 14), labelled with the seat's sector and the committee.
    pick(uf, "现任（原任）委员", f"孙续（经济界·{w.org.name}）", typed="孙续")
    uf.get_by_label("政治面貌").select_option(label="无党派人士")
    uf.get_by_label("界别").select_option(label="经济界")
    uf.get_by_role("button", name="提名", exact=True).click()
    expect(uf.locator("#missing-steps")).to_contain_text("政协党组意见")
    renominated = uf.url

    # The office records the Party group's opinion (the duty summary comes with it)…
    office = _page(browser, live_server)
    login(office, w.office.username)
    office.goto(renominated)
    office.get_by_label("同意继续提名", exact=True).check()
    office.get_by_label("意见内容").fill("履职积极，同意继续提名。")
    office.get_by_role("button", name="登记政协党组意见").click()
    expect(office.locator("#duty-summary")).to_contain_text(str(timezone.localdate().year))
    uf.reload()
    uf.get_by_role("button", name="完成提名").click()
    expect(uf.locator("#candidate-status")).to_have_text("提名完成")

    # …sees the composition, and confirms the list.
    office.goto(round_url)
    expect(office.locator("#candidates")).to_contain_text("刘佳宁")
    expect(office.locator("#composition-checks")).to_contain_text("中共党员占比")
    # Confirming seats the list for good: the browser asks first.
    asked = []
    office.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    office.get_by_role("button", name="确认名单").click()
    expect(office.locator("#round-status")).to_contain_text("名单已确认")
    assert "不能撤销" in asked[0]

    # The new term's member list: the three, and not the member who left.
    office.goto(live_server.url + "/members/")
    members = office.locator("main")
    for name in ["王新", "刘佳宁", "孙续"]:
        expect(members).to_contain_text(name)
    expect(members).not_to_contain_text("周退")
    for page in (org, uf, office):
        page.context.close()
