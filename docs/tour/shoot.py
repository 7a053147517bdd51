"""Screenshots for the README's tour, taken from a fresh demo so that they stay current.

    make tour        # or: .venv/bin/python docs/tour/shoot.py

Builds the district demo in a throw-away data folder, serves it on a free local port with
gunicorn, signs in as the demo accounts in Debian's Chromium and writes one PNG per page
and width into docs/tour/. Nothing here is used by the product or the tests.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = os.environ.get("DEMO_PASSWORD", "Xieshang@2026")

DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}

# (file name, account, path, width, what the README says about it)
SHOTS = [
    ("home-office", "office", "/", DESKTOP, "政协办公室的首页：待办、期限与各模块入口"),
    ("proposals-office", "office", "/proposals/", DESKTOP, "提案列表：状态、期限与筛选"),
    (
        "proposal-detail",
        "office",
        "{proposal}",
        DESKTOP,
        "一件提案：正文、联名、交办与答复、办理历程",
    ),
    ("member-phone", "member", "/", PHONE, "委员在手机上的首页"),
    ("new-proposal-phone", "member", "/proposals/new/", PHONE, "委员在手机上撰写提案"),
    ("dept-queue-phone", "dept", "/proposals/dept/", PHONE, "承办单位经办人在手机上的办理队列"),
    ("consultation-office", "office", "/consultation/", DESKTOP, "协商计划与活动"),
    ("portal-phone", None, "/portal/", PHONE, "“有事好商量”公众门户（手机）"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="xs-tour-") as var:
        env = {**os.environ, "XIESHANG_VAR_DIR": var, "DEBUG": "1"}
        env.pop("DATABASE_URL", None)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo", "--profile", "district", "--seed", "11")
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "xieshang.wsgi:application",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(base + "/accounts/login/")
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM)
                shoot_all(browser, base)
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    print(f"screenshots written to {OUT.relative_to(ROOT)}/")


def shoot_all(browser, base: str) -> None:
    contexts: dict = {}
    proposal_url = None
    for name, account, path, size, _caption in SHOTS:
        key = (account, size["width"])
        if key not in contexts:
            ctx = browser.new_context(viewport=size, locale="zh-CN", device_scale_factor=1)
            page = ctx.new_page()
            if account:
                page.goto(base + "/accounts/login/")
                page.get_by_label("用户名").fill(account)
                page.get_by_label("密码").fill(PASSWORD)
                page.get_by_role("button", name="登录").click()
                page.wait_for_load_state()
            contexts[key] = page
        page = contexts[key]
        if path == "{proposal}":
            if proposal_url is None:
                page.goto(base + "/proposals/")
                link = page.locator("main table tbody a[href^='/proposals/']").first
                proposal_url = link.get_attribute("href")
            path = proposal_url
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
        print(f"  {name}.png  {base}{path}")


if __name__ == "__main__":
    main()
