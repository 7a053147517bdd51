"""The comment a resident writes with their rating is their own words: a phone or ID
number typed into it is masked on the issue's staff page, in its history and in the
handler's notice, as the issue's description is; the handler reads it whole by the logged
look."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.residents.conftest import accepted
from xieshang.core.models import Notification
from xieshang.residents import services

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

COMMENT = "没有解决，请回电13812345678，身份证110101199003071234"


def test_a_number_typed_with_the_rating_is_masked_for_staff(world):
    issue, _code = accepted(world)
    services.issue_close(issue=issue, actor=world["liaison"], reply="已协调物业维修。")
    issue.refresh_from_db()
    services.issue_rate(issue=issue, rating="dissatisfied", comment=COMMENT)

    staff = Client()
    staff.force_login(world["liaison"])
    page = staff.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    assert "13812345678" not in page and "110101199003071234" not in page
    assert "138****5678" in page and "110****1234" in page
    whole = staff.get(reverse("residents:detail", args=[issue.pk]) + "?phone=1")
    assert "13812345678" in whole.content.decode()

    notice = Notification.objects.get(recipient=world["liaison"], title__contains=issue.ticket)
    assert "13812345678" not in notice.body and "138****5678" in notice.body
