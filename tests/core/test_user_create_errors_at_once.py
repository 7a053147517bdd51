"""The new-account form says a user name is taken together with its other errors: it used
to say so only after every other mistake was mended (the check ran in the service)."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, make_org, user_with_role
from xieshang.core.models import User
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db


def test_a_taken_user_name_is_said_with_the_forms_other_errors(client):
    district = make_org("东湖区政协", Level.DISTRICT)
    client.force_login(user_with_role(Role.SECURITY_ADMIN, district))
    UserFactory(username="ZhangSan")  # taken in another case: logins ignore the case
    response = client.post(
        reverse("user_create"),
        {
            "username": "zhangsan",
            "full_name": "张三",
            "phone": "12345",
            "organisation": district.pk,
            "role": Role.OFFICE,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "用户名“zhangsan”已被使用" in page
    assert "请输入11位手机号码" in page
    assert 'value="张三"' in page  # what was typed is kept
    assert User.objects.filter(username__iexact="zhangsan").count() == 1
