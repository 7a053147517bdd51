"""An account that must change its password (a temporary one, or one past its age) changes
it before it can mint an API token: a token outlives the password it was minted with by up to
a year, so a temporary password someone else read, or a stale one, would keep working through
the API after the change (tester t-admin)."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_org, user_with_role
from xieshang.core.models import ApiToken
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("why", ["temporary", "expired"])
def test_no_token_is_issued_before_the_password_is_changed(client, why):
    clerk = user_with_role(Role.OFFICE, make_org(), username="clerk")
    if why == "temporary":
        clerk.must_change_password = True
    else:
        clerk.password_changed_at = timezone.now() - dt.timedelta(
            days=settings.PASSWORD_MAX_AGE_DAYS + 1
        )
    clerk.save()
    client.force_login(clerk)
    page = client.get(reverse("api_tokens"))
    assert page.status_code == 302 and page["Location"] == reverse("password_change")
    issued = client.post(reverse("api_tokens"), {"name": "报表同步", "days": "365"})
    assert issued.status_code == 302 and issued["Location"] == reverse("password_change")
    assert not ApiToken.objects.filter(user=clerk).exists()
    # The change page and logging out are still open.
    assert client.get(reverse("password_change")).status_code == 200
    # Once changed, the page opens as before.
    clerk.must_change_password = False
    clerk.password_changed_at = timezone.now()
    clerk.save()
    assert client.get(reverse("api_tokens")).status_code == 200
