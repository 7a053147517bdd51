"""`pytest --clauses`: one line per clause of docs/clauses.md with the outcome of the tests
tagged `@pytest.mark.clause("C…")`, then `clauses: N of M covered`.

Works under pytest-xdist: the clause ids travel with each report as user properties.
"""

import re
from collections import defaultdict
from pathlib import Path

import pytest

CLAUSE_FILE = Path(__file__).resolve().parents[2] / "docs" / "clauses.md"
CLAUSE_RE = re.compile(r"^\|\s*(C\d+\.\d+)\s*\|", re.MULTILINE)


def pytest_addoption(parser):
    parser.addoption("--clauses", action="store_true", help="print the clause coverage matrix")


def pytest_configure(config):
    config._clause_results = defaultdict(lambda: {"passed": 0, "failed": 0, "skipped": 0})


def pytest_collection_modifyitems(config, items):
    known = set(CLAUSE_RE.findall(CLAUSE_FILE.read_text(encoding="utf-8")))
    for item in items:
        for mark in item.iter_markers("clause"):
            for clause in mark.args:
                if clause not in known:
                    raise pytest.UsageError(f"{item.nodeid}: unknown clause {clause!r}")
                item.user_properties.append(("clause", clause))


def pytest_runtest_logreport(report):
    config = _config
    if config is None:
        return
    clauses = [value for key, value in report.user_properties if key == "clause"]
    if not clauses:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        outcome = "passed" if report.passed else ("skipped" if report.skipped else "failed")
        for clause in set(clauses):
            config._clause_results[clause][outcome] += 1


_config = None


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    global _config
    _config = session.config


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not config.getoption("--clauses"):
        return
    ids = CLAUSE_RE.findall(CLAUSE_FILE.read_text(encoding="utf-8"))
    results = config._clause_results
    covered = 0
    terminalreporter.section("clauses")
    for clause in ids:
        r = results.get(clause)
        if not r or (r["passed"] + r["failed"]) == 0:
            terminalreporter.write_line(f"{clause} NONE")
            continue
        total = r["passed"] + r["failed"]
        if r["failed"]:
            terminalreporter.write_line(f"{clause} FAIL {r['failed']}/{total}")
        else:
            covered += 1
            terminalreporter.write_line(f"{clause} PASS {r['passed']}")
    terminalreporter.write_line(f"clauses: {covered} of {len(ids)} covered")
