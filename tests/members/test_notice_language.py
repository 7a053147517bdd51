"""The office's notice of a member's own contact change is read in the reader's language,
whoever made it in which: a member working in English leaves the Chinese office a Chinese
notice (the fields' names too), and an English reader reads English."""

import pytest
from django.utils import translation

from xieshang.core.models import Notification
from xieshang.members import services
from xieshang.orgs.models import Role

from ..factories import user_with_role
from .factories import committee

pytestmark = pytest.mark.django_db


def test_a_contact_change_made_in_english_tells_the_office_in_each_readers_language():
    c = committee()
    user = user_with_role(Role.MEMBER, c.org, username="wangfang")
    me = c.member("王芳", user=user, phone="13912345678", employer="示范区第一中学教师")
    with translation.override("en"):
        services.member_update_contact(
            member=me,
            expected_version=me.version,
            data={
                "phone": "13800005678",
                "employer": "示范区第一中学校长",
                "email": me.email,
                "address": me.address,
            },
            actor=user,
        )
    told = Notification.objects.get(recipient=c.clerk)
    assert told.title == "委员王芳修改了本人联系方式"  # stored in the site's language
    assert "手机号码：139****5678 → 138****5678" in told.body
    with translation.override("zh-hans"):
        assert told.shown_title == "委员王芳修改了本人联系方式"
        assert told.shown_body.splitlines() == [
            "手机号码：139****5678 → 138****5678",
            "工作单位及职务：示范区第一中学教师 → 示范区第一中学校长",
        ]
    with translation.override("en"):
        assert told.shown_title == "Member 王芳 updated their contact details"
        assert told.shown_body.splitlines() == [
            "Mobile number: 139****5678 → 138****5678",
            "Employer and position: 示范区第一中学教师 → 示范区第一中学校长",
        ]
