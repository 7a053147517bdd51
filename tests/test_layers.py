"""The layers of the apps, bottom up: core/orgs → members/followups/textsim → proposals →
duty/portal → the other domain apps → api. A lower layer never imports a higher one (it
sends a signal or offers a registry the higher one fills in its `AppConfig.ready`).

An AST scan of every module (functions' local imports too, migrations aside) of each app
for `import xieshang.<app>` / `from xieshang.<app> …`."""

import ast
from pathlib import Path

APPS_DIR = Path(__file__).resolve().parent.parent / "xieshang"

LAYERS = [
    {"core", "orgs"},
    {"members", "followups", "textsim"},
    {"proposals"},
    {"duty", "portal"},
    {
        "meetings",
        "consultation",
        "opinions",
        "platforms",
        "residents",
        "nominations",
        "budgets",
        "demo",  # the demo data: seeds every app below api
    },
    {"api"},
]
LAYER = {app: level for level, apps in enumerate(LAYERS) for app in apps}

# Imports of a higher layer left in place, each with its reason; the test fails when one
# of them goes away too, so that this list only shrinks.
KNOWN: set[tuple[str, str]] = set()


def _apps() -> list[str]:
    """The project's installed apps (xieshang/formats is Django's format module, no app)."""
    from django.conf import settings

    return sorted(
        name.split(".")[1] for name in settings.INSTALLED_APPS if name.startswith("xieshang.")
    )


def _imports_of_other_apps(app: str):
    """(imported app, "path:line") of every import of another xieshang app in `app`."""
    for path in sorted((APPS_DIR / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
                if node.module == "xieshang":  # from xieshang import duty
                    modules = [f"xieshang.{alias.name}" for alias in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] == "xieshang" and len(parts) > 1 and parts[1] != app:
                    yield parts[1], f"{path.relative_to(APPS_DIR.parent)}:{node.lineno}"


def _upward_imports() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for app in _apps():
        for imported, where in _imports_of_other_apps(app):
            if imported in LAYER and LAYER[imported] > LAYER[app]:
                found.setdefault((app, imported), []).append(where)
    return found


def test_every_app_has_a_layer():
    # A new app is placed in LAYERS, so that its imports are checked.
    assert [app for app in _apps() if app not in LAYER] == []


def test_no_app_imports_a_higher_layer():
    upward = {pair: where for pair, where in _upward_imports().items() if pair not in KNOWN}
    assert upward == {}


def test_the_known_upward_imports_are_still_there():
    # One that is gone is taken off KNOWN, so that it cannot come back unnoticed.
    assert KNOWN - set(_upward_imports()) == set()


def test_proposals_does_not_import_duty():
    # proposals sends `proposal_accepted` / `key_proposal_approved`; duty records on them.
    assert [where for app, where in _imports_of_other_apps("proposals") if app == "duty"] == []


def test_the_scan_finds_a_function_level_import(tmp_path, monkeypatch):
    app = tmp_path / "xieshang" / "proposals"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "late.py").write_text(
        "def f():\n    from xieshang.duty.services import record_duty\n    import xieshang.api\n"
    )
    monkeypatch.setattr(__name__ + ".APPS_DIR", tmp_path / "xieshang")
    assert list(_imports_of_other_apps("proposals")) == [
        ("duty", "xieshang/proposals/late.py:2"),
        ("api", "xieshang/proposals/late.py:3"),
    ]
