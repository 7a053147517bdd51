"""Every log line of a request carries its id; LOG_FORMAT=json writes one JSON object a line;
a server error is logged once, with the id the 500 page shows, and never the password."""

import io
import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from xieshang.core import logs, views

pytestmark = pytest.mark.django_db

PASSWORD = "Geheim#Pass-2026"


@pytest.fixture
def json_lines():
    """What the console handler writes with LOG_FORMAT=json, as parsed lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestContextFilter())
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    request_logger = logging.getLogger("xieshang.request")
    level = request_logger.level
    request_logger.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        request_logger.setLevel(level)


@pytest.fixture
def broken_login(monkeypatch):
    def post(self, request, *args, **kwargs):
        raise RuntimeError("the login backend broke")

    monkeypatch.setattr(views.LoginView, "post", post)


def test_a_server_error_is_logged_once_as_json_with_the_id_and_without_the_password(
    broken_login, json_lines
):
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("login"),
        {"username": "liming", "password": PASSWORD},
        HTTP_X_REQUEST_ID="proxy-4711",
    )
    assert response.status_code == 500
    assert response["X-Request-ID"] == "proxy-4711"
    lines = json_lines()
    errors = [line for line in lines if "exception" in line]
    assert len(errors) == 1, errors
    error = errors[0]
    assert error["level"] == "ERROR"
    assert error["request_id"] == "proxy-4711"
    assert error["path"] == reverse("login")
    assert error["method"] == "POST"
    assert error["status"] == 500
    assert "Traceback" in error["exception"]["traceback"]
    assert "the login backend broke" in error["exception"]["traceback"]
    assert error["exception"]["type"] == "builtins.RuntimeError"
    # The access line of the same request, with its duration.
    access = [line for line in lines if line["logger"] == "xieshang.request"]
    assert access and access[0]["request_id"] == "proxy-4711"
    assert access[0]["status"] == 500 and access[0]["duration_ms"] >= 0
    everything = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    assert PASSWORD not in everything


def test_the_500_page_shows_the_request_id(broken_login):
    client = Client(raise_request_exception=False)
    response = client.post(reverse("login"), {"username": "x", "password": PASSWORD})
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    page = response.content.decode()
    assert request_id in page
    assert "错误编号" in page
    assert PASSWORD not in page


def test_the_proxys_request_id_is_echoed_and_a_malformed_one_replaced(client):
    response = client.get("/health/live/", HTTP_X_REQUEST_ID="abc-123.def_4:5")
    assert response["X-Request-ID"] == "abc-123.def_4:5"
    for bad in ("with space", "x" * 65, "<script>", "a\nb"):
        echoed = client.get("/health/live/", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert echoed != bad and len(echoed) == 32
    assert len(client.get("/health/live/")["X-Request-ID"]) == 32


def test_lines_logged_inside_a_request_carry_its_id_and_user(client, json_lines):
    user = UserFactory()
    client.force_login(user)
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-1")
    lines = json_lines()
    # Django's own "Not Found" warning, logged deep inside the request, and the access line.
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and not_found[0]["request_id"] == "req-1"
    assert not_found[0]["path"] == "/no-such-page/"
    access = [line for line in lines if line["logger"] == "xieshang.request"]
    assert access[-1]["request_id"] == "req-1"
    assert access[-1]["user_id"] == user.pk
    assert access[-1]["method"] == "GET"
    assert access[-1]["status"] == 404


def test_a_refused_request_is_one_line_without_a_traceback(client, json_lines):
    from tests.factories import make_org, user_with_role
    from xieshang.orgs.models import Role

    client.force_login(user_with_role(Role.MEMBER, make_org()))
    assert client.get("/proposals/review/").status_code == 403
    refused = [line for line in json_lines() if line["logger"] == "django.request"]
    assert refused and "Forbidden" in refused[0]["message"]
    assert "exception" not in refused[0]


def test_outside_a_request_there_is_no_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    logs.RequestContextFilter().filter(record)
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["message"] == "hello world"
    assert line["request_id"] is None
    assert line["level"] == "INFO" and line["logger"] == "x" and line["time"]


def test_id_numbers_and_phone_numbers_are_masked():
    record = logging.LogRecord(
        "x",
        logging.WARNING,
        __file__,
        1,
        "member %s phone %s",
        ("11010119800101123X", "13912345678"),
        None,
    )
    line = logs.JsonFormatter().format(record)
    assert "11010119800101123X" not in line and "13912345678" not in line
    assert "110***********123X" in line and "139****5678" in line


def test_text_format_is_the_default_and_names_the_request(settings):
    assert settings.LOG_FORMAT == "text"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "text"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", (), None)
    record.request_id = "0123456789abcdef"
    text = logs.TextFormatter("%(levelname)s %(message)s").format(record)
    assert text == "[01234567] INFO hello"
