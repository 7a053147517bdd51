"""Server-searched pickers (core.pickers, issue 14): the JSON endpoint finds options by name,
number and pinyin, only among what the requesting user may see; the widget renders only the
chosen option; the form still validates against its scoped queryset, and works without
JavaScript through the fallback text box."""

import re

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from tests.factories import DepartmentFactory, make_org, user_with_role
from xieshang.core import pickers
from xieshang.core.forms import StyledForm
from xieshang.orgs.models import Department, Level, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = make_org("示范市政协", Level.CITY)
    a = make_org("甲区政协", Level.DISTRICT, parent=city)
    b = make_org("乙区政协", Level.DISTRICT, parent=city)
    DepartmentFactory(organisation=a, name="甲区财政局")
    DepartmentFactory(organisation=a, name="甲区教育局")
    DepartmentFactory(organisation=b, name="乙区财政局")
    DepartmentFactory(organisation=a, name="甲区旧局", is_active=False)
    return city, a, b


def ask(client, source, **params):
    response = client.get(reverse("picker", args=[source]), params)
    assert response.status_code == 200, response.status_code
    return [row["text"] for row in response.json()["results"]]


def test_the_endpoint_finds_by_name_and_pinyin_within_the_users_scope(tree):
    city, a, b = tree
    client = Client()
    client.force_login(user_with_role(Role.OFFICE, a))
    assert ask(client, "departments", q="财政") == ["甲区政协 · 甲区财政局"]
    assert ask(client, "departments", q="jqczj") == ["甲区政协 · 甲区财政局"]  # initials
    assert ask(client, "departments", q="jiaoyu") == ["甲区政协 · 甲区教育局"]  # full pinyin
    # Nothing typed: the first of the user's own, never B's nor the inactive one.
    assert set(ask(client, "departments")) == {"甲区政协 · 甲区财政局", "甲区政协 · 甲区教育局"}
    assert ask(client, "departments", q="乙区") == []
    # One organisation: its departments by their bare names.
    assert sorted(ask(client, "departments", q="局", organisation=a.pk)) == [
        "甲区教育局",
        "甲区财政局",
    ]
    assert ask(client, "departments", q="局", organisation=b.pk) == []

    city_office = Client()
    city_office.force_login(user_with_role(Role.OFFICE, city))
    assert len(ask(city_office, "departments", q="财政局")) == 2


def test_the_endpoint_refuses_strangers_and_unknown_sources(tree):
    city, a, b = tree
    assert Client().get(reverse("picker", args=["departments"])).status_code == 302  # login
    client = Client()
    client.force_login(user_with_role(Role.OFFICE, a))
    assert client.get(reverse("picker", args=["nonesuch"])).status_code == 404
    assert client.get(reverse("picker", args=["departments"]), {"perm": "x"}).status_code == 403
    # A permission the user lacks gives an empty scope, not someone else's.
    assert ask(client, "departments", perm="proposals.assign") == []


class DeptForm(StyledForm, forms.Form):
    department = forms.ModelChoiceField(
        label="承办单位",
        queryset=Department.objects.none(),
        widget=pickers.ServerPicker("departments"),
    )
    others = forms.ModelMultipleChoiceField(
        label="协办单位", queryset=Department.objects.none(), required=False
    )
    note = forms.CharField(required=False)

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Department.objects.filter(organisation=org, is_active=True)
        self.fields["department"].queryset = qs
        self.fields["department"].widget.params = {"organisation": org.pk}
        self.fields["others"].queryset = qs
        pickers.attach(self.fields["others"], "departments", {"organisation": org.pk})


def test_the_widget_renders_only_the_chosen_option_and_the_source(tree):
    city, a, b = tree
    for n in range(50):
        DepartmentFactory(organisation=a, name=f"甲区第{n}局")
    chosen = Department.objects.get(name="甲区教育局")
    html = str(DeptForm(initial={"department": chosen.pk}, org=a)["department"])
    assert re.findall(r"<option[^>]*>([^<]*)</option>", html) == ["请选择", "甲区教育局"]
    assert f'data-picker-source="/pickers/departments/?organisation={a.pk}"' in html
    assert 'name="department__q"' in html  # the no-JavaScript box
    select_tag = html.split("<select")[1].split(">")[0]
    # Not `required` (the server validates, a typed choice must get through), but marked so
    # that site.js asks no confirmation of a form the server will refuse.
    assert re.search(r"\srequired\b", select_tag) is None
    assert " data-required" in select_tag
    multiple = str(DeptForm(org=a)["others"])
    assert "<option" not in multiple and 'class="form-select"' in multiple


def test_a_value_out_of_scope_is_refused_and_the_rest_is_kept(tree):
    city, a, b = tree
    foreign = Department.objects.get(name="乙区财政局")
    form = DeptForm({"department": foreign.pk, "note": "保留的说明"}, org=a)
    assert not form.is_valid()
    assert "department" in form.errors
    html = str(form)
    assert "保留的说明" in html and "乙区财政局" not in html


def test_a_refused_post_renders_each_chosen_option_once(tree):
    city, a, b = tree
    fin = Department.objects.get(name="甲区财政局")
    edu = Department.objects.get(name="甲区教育局")
    # The form comes back for another field's error, with a choice named twice: sent twice,
    # and chosen in the list while also typed into the no-JavaScript box.
    form = DeptForm(
        {
            "department": str(edu.pk),
            "others": [str(fin.pk), str(edu.pk), str(fin.pk)],
            "others__q": "甲区教育局",
            "note": "",
        },
        org=a,
    )
    form.fields["note"].required = True
    assert not form.is_valid() and "note" in form.errors
    options = re.findall(r"<option[^>]*>([^<]*)</option>", str(form["others"]))
    assert options == ["甲区财政局", "甲区教育局"]
    options = re.findall(r"<option[^>]*>([^<]*)</option>", str(form["department"]))
    assert options == ["请选择", "甲区教育局"]


def test_without_javascript_the_typed_name_or_pinyin_is_looked_up(tree):
    city, a, b = tree
    mine = Department.objects.get(name="甲区财政局")
    form = DeptForm({"department": "", "department__q": "甲区财政局"}, org=a)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["department"] == mine
    form = DeptForm({"department__q": "jyj", "others__q": "财政、jyj"}, org=a)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["department"].name == "甲区教育局"
    assert {d.name for d in form.cleaned_data["others"]} == {"甲区财政局", "甲区教育局"}
    # Ambiguous or foreign: refused with the field's error.
    assert not DeptForm({"department__q": "局"}, org=a).is_valid()
    assert not DeptForm({"department__q": "乙区财政局"}, org=a).is_valid()


def test_every_registered_source_answers_an_empty_query(tree):
    city, a, b = tree
    client = Client()
    client.force_login(user_with_role(Role.OFFICE, city))
    for name in pickers.registered():
        response = client.get(reverse("picker", args=[name]))
        # Sources that need a context (the proposal to merge) refuse a bare query.
        assert response.status_code in {200, 403, 404}, name


def test_the_account_pages_search_departments_instead_of_listing_them(tree):
    city, a, b = tree
    client = Client()
    client.force_login(user_with_role(Role.SECURITY_ADMIN, a))
    html = client.get(reverse("user_create")).content.decode()
    select = re.search(r'<select[^>]*id="id_department".*?</select>', html, re.S).group(0)
    assert "甲区财政局" not in select and "data-picker-source" in select
    found = ask(client, "departments", perm="security.manage", q="czj")
    assert found == ["甲区政协 · 甲区财政局"]  # B's 乙区财政局 is out of this admin's scope


def test_the_account_pages_search_organisations_and_committees_too(tree):
    from tests.factories import CommitteeFactory

    city, a, b = tree
    CommitteeFactory(organisation=a, name="甲区提案委员会")
    foreign = CommitteeFactory(organisation=b, name="乙区提案委员会")
    client = Client()
    client.force_login(user_with_role(Role.SECURITY_ADMIN, a))
    html = client.get(reverse("user_create")).content.decode()
    for name in ("organisation", "committee"):
        select = re.search(rf'<select[^>]*id="id_{name}".*?</select>', html, re.S).group(0)
        assert "甲区" not in select and "data-picker-source" in select, name
    assert ask(client, "organisations", perm="security.manage") == ["甲区政协"]
    assert ask(client, "committees", perm="security.manage", q="tawyh") == [
        "甲区政协 · 甲区提案委员会"
    ]
    assert ask(client, "committees", perm="security.manage", q="乙区") == []
    # An organisation or committee outside this admin's scope is refused, the rest kept.
    data = {"username": "newclerk", "full_name": "新经办", "role": Role.OFFICE}
    response = client.post(reverse("user_create"), {**data, "organisation": b.pk})
    assert response.status_code == 400
    assert "organisation" in response.context["form"].errors
    page = response.content.decode()
    assert "选择一个有效的选项" in page and 'value="newclerk"' in page and "乙区政协" not in page
    response = client.post(
        reverse("user_create"), {**data, "organisation": a.pk, "committee": foreign.pk}
    )
    assert "committee" in response.context["form"].errors
    page = response.content.decode()
    assert 'value="newclerk"' in page and "乙区提案委员会" not in page
    # Without JavaScript: the typed name is looked up within scope.
    response = client.post(
        reverse("user_create"), {**data, "organisation__q": "甲区政协", "committee__q": "甲区提案"}
    )
    from xieshang.core.models import User

    clerk = User.objects.get(username="newclerk")
    assert clerk.role_assignments.get().organisation == a
