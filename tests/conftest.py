"""Suite-wide: every report any test makes is validated against the report's JSON Schema; the fast loop.

``Report.to_dict`` is wrapped for the whole session; a report that breaks the schema fails the test that
made it (in its teardown), naming the violation.  The number of reports validated is printed at the end.

The fast loop (``-m "not slow"``): which tests are slow (below), and the hypothesis profile it runs (here).
"""

from __future__ import annotations

import pathlib
import threading

import pytest
from hypothesis import settings

from idcheck import schema
from idcheck.report import Report

# Hypothesis profiles.  The whole suite (``bash scripts/test``, CI) runs the profile hypothesis loads by itself:
# "default" (100 examples where a test sets no count), or its own "ci" where a CI variable is set (the same counts,
# derandomized, no deadline); a test that sets its count writes ``examples(N)`` (tests/strategies.py), which is N
# there.  The fast loop (``-m "not slow"``) loads "fast", that profile with a fifth of every count (at least 10),
# unless ``--hypothesis-profile`` names one (``-m "not slow" --hypothesis-profile=default``: the fast selection at
# full counts).  The summary at the end names the profile a run used.
settings.register_profile("fast", parent=settings.get_profile(settings.get_current_profile_name()), max_examples=20)


def _fast_loop(config) -> bool:
    return config.getoption("markexpr", "") == "not slow"


def pytest_configure(config):
    if _fast_loop(config) and config.getoption("hypothesis_profile", None) is None:
        settings.load_profile("fast")


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
    terminalreporter.write_line(f"hypothesis profile: {settings.get_current_profile_name()} "
                                f"({settings.default.max_examples} examples where a test sets no count)")


# The fast loop (``bash scripts/test -m "not slow"``: about 14 s of CPU, under 30 s of wall time even on a loaded
# 2-core machine): the contracts that need no picture decoded or generated - number formats, profiles, the rules
# language, the report schema, benchmark scoring, the README's shape (its examples, which check pictures, are marked
# slow), and the package's doctests (src/idcheck: outside tests/, never marked); one small generated picture checks
# that a real report validates against the schema.
# Everything else generates or decodes pictures (check_submission's tests among them), starts OCR engines, worker
# pools, a browser or a server: slow.
_FAST = {"numbers", "profiles", "rules", "schema", "bench", "docs", "test_layers.py"}


_ROOT = pathlib.Path(__file__).parent


def pytest_ignore_collect(collection_path, config):
    # the fast loop does not even import the folders whose tests are all slow (about 2 s of collection)
    if _fast_loop(config) and collection_path.parent == _ROOT and collection_path.is_dir():
        return collection_path.name not in _FAST or None
    return None


def pytest_collection_modifyitems(config, items):
    root = _ROOT
    for item in items:
        try:
            top = pathlib.Path(str(item.fspath)).relative_to(root).parts[0]
        except ValueError:
            continue
        if top not in _FAST and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)
