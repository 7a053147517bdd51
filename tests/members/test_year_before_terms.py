"""A year before the committee's first term had no members: `term_of_year` answers None
for it (not the current term), and the yearly contacts report says so instead of listing
the current term's members as that year's not contacted."""

import datetime as dt

import pytest
from django.urls import reverse

from xieshang.members import selectors

from .factories import committee

pytestmark = pytest.mark.django_db


def test_a_year_before_the_first_term_has_no_term():
    c = committee()  # the 14th term began in 2017, the 15th is the current one
    fourteenth = c.org.terms.get(number=14)
    assert selectors.term_of_year(c.org, 2016) is None
    assert selectors.term_of_year(c.org, 2017) == fourteenth
    assert selectors.first_term_year(c.org) == 2017
    assert list(selectors.terms_of_year(type(c.org).objects.filter(pk=c.org.pk), 2016)) == []


def test_the_contacts_report_of_such_a_year_says_so(client):
    c = committee()
    c.member("王经济")
    client.force_login(c.clerk)
    page = client.get(reverse("members:contact_report"), {"year": 2016}).content.decode()
    assert "2016年尚无届次" in page and "2017" in page
    assert "王经济" not in page
    assert client.get(reverse("members:contact_report_export"), {"year": 2016}).status_code == 404
    this_year = dt.date.today().year
    page = client.get(reverse("members:contact_report"), {"year": this_year}).content.decode()
    assert "尚无届次" not in page and "王经济" in page
