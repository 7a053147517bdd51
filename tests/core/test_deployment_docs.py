"""The production recipe stays true to the code: every environment variable that
xieshang/settings.py reads is in docs/deployment.md's settings table, and the deploy/ files
the recipe names exist and say what it says."""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WSGI = ROOT / "xieshang" / "wsgi.py"
SETTINGS = ROOT / "xieshang" / "settings.py"
DOC = ROOT / "docs" / "deployment.md"
READERS = {"os.environ.get", "os.getenv", "envbool", "envint", "envlist", "envsecret"}


def environment_variables_read(source: str) -> set[str]:
    """Names passed as a literal to os.environ.get/os.getenv/os.environ[...] and the
    settings' env* helpers; envsecret(NAME) also reads NAME_FILE."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in READERS:
            if node.args and isinstance(node.args[0], ast.Constant):
                names.add(node.args[0].value)
                if ast.unparse(node.func) == "envsecret":
                    names.add(f"{node.args[0].value}_FILE")
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            if isinstance(node.slice, ast.Constant):
                names.add(node.slice.value)
    return names


def documented_variables() -> set[str]:
    """`NAME` in the first column of a table row of docs/deployment.md."""
    names = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            first = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first))
    return names


def load_bundle():
    """deploy/bundle.py (a script, not a package)."""
    sys.path.insert(0, str(ROOT / "deploy"))
    try:
        import bundle
    finally:
        sys.path.remove(str(ROOT / "deploy"))
    return bundle


def test_the_reader_finds_every_kind_of_read():
    source = (
        'A = os.environ.get("A", 1)\nB = envint("B", 2)\nC = envsecret("C", "")\n'
        'D = os.environ["D"]\nE = envlist("E", [])\nF = os.getenv("F")\n'
    )
    assert environment_variables_read(source) == {"A", "B", "C", "C_FILE", "D", "E", "F"}


def test_every_environment_variable_of_the_settings_is_in_the_deployment_settings_table():
    read = environment_variables_read(SETTINGS.read_text(encoding="utf-8"))
    assert {"DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE", "DEBUG"} <= read
    missing = sorted(read - documented_variables())
    assert missing == [], f"add these to the settings table of docs/deployment.md: {missing}"


def test_the_settings_table_lists_no_variable_the_code_does_not_read():
    read = environment_variables_read(SETTINGS.read_text(encoding="utf-8"))
    read |= environment_variables_read(WSGI.read_text(encoding="utf-8"))
    read.add("PORT")  # manage.py serve
    stale = sorted(documented_variables() - read)
    assert stale == [], f"docs/deployment.md lists variables nothing reads: {stale}"


def test_the_deploy_files_the_recipe_names_exist():
    doc = DOC.read_text(encoding="utf-8")
    for path in (
        "deploy/nginx/xieshang.conf",
        "deploy/systemd/xieshang-web.service",
        "deploy/systemd/xieshang-worker.service",
        "deploy/systemd/xieshang-scheduler.service",
        "deploy/logrotate/xieshang",
    ):
        assert path in doc
        assert (ROOT / path).is_file(), path


def test_the_services_run_the_commands_make_run_starts():
    units = ROOT / "deploy" / "systemd"
    web = (units / "xieshang-web.service").read_text(encoding="utf-8")
    assert "gunicorn xieshang.wsgi:application" in web
    assert "manage.py task_worker" in (units / "xieshang-worker.service").read_text("utf-8")
    assert "manage.py run_scheduler" in (units / "xieshang-scheduler.service").read_text("utf-8")
    for unit in units.glob("*.service"):
        assert "EnvironmentFile=/etc/xieshang/xieshang.env" in unit.read_text(encoding="utf-8")


def test_the_bundle_reads_every_line_of_the_lock_file():
    bundle = load_bundle()
    pins = bundle.locked_requirements()
    lines = [
        line
        for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert len(pins) == len(lines)
    assert ("Django", next(v for n, v in pins if n == "Django")) in pins


def test_a_glibc_2_28_target_takes_the_wheels_for_older_glibc_too():
    bundle = load_bundle()
    tags = bundle.expand_platforms(["manylinux_2_28_aarch64"])
    assert tags[0] == "manylinux_2_28_aarch64"
    assert {"manylinux_2_27_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"} <= set(
        tags
    )
    assert not any("x86_64" in tag or "_2_29_" in tag for tag in tags)
    assert bundle.expand_platforms(["manylinux2014_aarch64"]) == ["manylinux2014_aarch64"]
