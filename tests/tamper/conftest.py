"""Shared material for the tamper tests: one small generated document photo and its forgeries."""


import numpy as np
import pytest

import idcheck
import idcheck.tamper.checks  # noqa: F401  (registers the tamper checks; the lead wires them into the run list)
from fixtures import forgery

SIZE = (1400, 1050)


@pytest.fixture(scope="session")
def base():
    return forgery.base_photos(np.random.default_rng(11), kind="id_card", out_size=SIZE)


@pytest.fixture(scope="session")
def camera_jpeg(base):
    data, _ = forgery.make_case("camera", np.random.default_rng(1), base)
    return data


def tamper_findings(report, severities=("error", "warning")):
    return [f for f in report.findings if f.code.startswith("tamper.") and f.severity in severities]


def check(data):
    return idcheck.check(data)
