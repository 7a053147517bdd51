"""The year's summary of social-conditions work is an official document: all Chinese when
the office browses in English, its sentences and table labels (built before the template)
as well as the template's text."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.opinions.factories import make_opinion
from tests.pdftext import english_words, pdf_text
from xieshang.opinions.models import Opinion

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C2.9")
def test_the_summary_pdf_is_all_chinese_for_an_office_browsing_in_english(world, client):
    make_opinion(world["member"], office=world["office"], state=Opinion.Status.ACCEPTED)
    make_opinion(world["other_member"], state=Opinion.Status.SUBMITTED, title="关于停车的建议")
    year = timezone.localdate().year
    client.force_login(world["office"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("opinions:summary"), {"year": year}).content.decode()
    assert "Members" in page  # the page follows the reader

    response = client.get(reverse("opinions:summary_pdf"), {"year": year})
    assert response["Content-Type"] == "application/pdf"
    assert english_words(response.content) == []
    text = "".join(pdf_text(response.content).split())
    assert "共收到社情民意信息2篇，其中委员报送2篇" in text
    assert "其中：委员报送" in text
