"""The staff second factor is on in production unless configured off (the security
baseline), off under DEBUG and in the demo, and `check --deploy` warns when it is off."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

ROOT = Path(__file__).resolve().parents[2]


def second_factor_setting(**env: str) -> str:
    """STAFF_2FA_REQUIRED as xieshang.settings reads it under these variables alone."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "STAFF_2FA_REQUIRED"}}
    clean.update(SECRET_KEY="settings-test-" + "k" * 50, XIESHANG_TESTING="0", **env)
    result = subprocess.run(
        [sys.executable, "-c", "from xieshang import settings; print(settings.STAFF_2FA_REQUIRED)"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_production_asks_staff_for_a_second_factor_unless_configured_off():
    assert second_factor_setting(DEBUG="0") == "True"
    assert second_factor_setting(DEBUG="0", PLAIN_HTTP="1") == "True"
    assert second_factor_setting(DEBUG="0", STAFF_2FA_REQUIRED="0") == "False"


def test_development_does_not_ask_for_one_unless_configured_on():
    assert second_factor_setting(DEBUG="1") == "False"
    assert second_factor_setting(DEBUG="1", STAFF_2FA_REQUIRED="1") == "True"


def test_the_demo_is_served_without_it():
    # `make run` serves production settings; the demo accounts log in with a password alone.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "STAFF_2FA_REQUIRED ?= 0" in makefile
    assert "STAFF_2FA_REQUIRED=$(STAFF_2FA_REQUIRED)" in makefile


def deploy_warnings() -> list[str]:
    return [m.id for m in run_checks(include_deployment_checks=True, tags=["security"])]


def test_check_deploy_warns_when_it_is_off(settings):
    settings.STAFF_2FA_REQUIRED = False
    assert "xieshang.W001" in deploy_warnings()


def test_check_deploy_is_quiet_when_it_is_on(settings):
    settings.STAFF_2FA_REQUIRED = True
    assert "xieshang.W001" not in deploy_warnings()


@pytest.mark.parametrize("flag", [True, False])
def test_the_ordinary_check_never_mentions_it(settings, flag):
    settings.STAFF_2FA_REQUIRED = flag
    assert "xieshang.W001" not in [m.id for m in run_checks(tags=["security"])]
