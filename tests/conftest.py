"""Suite-wide: every report any test makes is validated against the report's JSON Schema.

``Report.to_dict`` is wrapped for the whole session; a report that breaks the schema fails the test that
made it (in its teardown), naming the violation.  The number of reports validated is printed at the end.
"""

from __future__ import annotations

import pathlib
import threading

import pytest

from idcheck import schema
from idcheck.report import Report

_violations: list[str] = []
_lock = threading.Lock()
_count = [0]


@pytest.fixture(scope="session", autouse=True)
def _validate_every_report():
    original = Report.to_dict

    def to_dict(self, reveal: bool = False, lang=None):
        data = original(self, reveal, lang)
        problems = schema.errors(data)
        with _lock:
            _count[0] += 1
            if problems:
                _violations.append(f"{data.get('kind')} report {data.get('path')!r}: " + "; ".join(problems))
        return data

    Report.to_dict = to_dict
    try:
        yield
    finally:
        Report.to_dict = original


@pytest.fixture(autouse=True)
def _no_schema_violations(_validate_every_report):
    with _lock:
        before = len(_violations)
    yield
    with _lock:
        new = _violations[before:]
    if new:
        pytest.fail("report(s) broke the JSON Schema:\n" + "\n".join(new[:5]), pytrace=False)


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"report schema: {_count[0]} reports validated, {len(_violations)} violations")


# The fast loop (``bash scripts/test -m "not slow"``, about 30 s on 2 cores): the contracts that need no picture
# decoded or generated - number formats, profiles, the rules language, the report schema, benchmark scoring, the
# README's shape (its examples, which check pictures, are marked slow), and the package's doctests (src/idcheck:
# outside tests/, never marked).
# Everything else generates or decodes pictures, starts OCR engines, worker pools, a browser or a server: slow.
_FAST = {"numbers", "profiles", "rules", "schema", "bench", "docs", "test_layers.py"}


def pytest_collection_modifyitems(config, items):
    root = pathlib.Path(__file__).parent
    for item in items:
        try:
            top = pathlib.Path(str(item.fspath)).relative_to(root).parts[0]
        except ValueError:
            continue
        if top not in _FAST and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)
