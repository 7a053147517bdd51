"""A server process loads its views and jieba's dictionary before its first request, so the
first person after a start or a `systemctl reload` does not wait for them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
import xieshang.wsgi
from xieshang.textsim import text
print("views" if "xieshang.consultation.views" in sys.modules else "no-views")
print("jieba" if text._tokenizer is not None else "no-jieba")
"""


def _probe(**env) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "xieshang.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_wsgi_application_is_warm_before_its_first_request():
    assert _probe(XIESHANG_WARMUP="1") == ["views", "jieba"]


def test_warm_up_can_be_switched_off():
    assert _probe(XIESHANG_WARMUP="0") == ["no-views", "no-jieba"]
