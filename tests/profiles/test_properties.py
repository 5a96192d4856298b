"""check_profile never raises for JSON-like data, and its report is always well-formed."""

import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idcheck.profile import Profile, check_profile
from idcheck.profile.model import DOCUMENT_TYPES, FIELDS, PHONE_FIELDS, REGIONS, REGISTRANT_TYPES
from tests.strategies import examples

from .conftest import PASSING

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)

# strings that reach the interesting paths: real choices, real numbers, look-alike punctuation
INTERESTING = st.sampled_from(
    list(REGISTRANT_TYPES)
    + list(REGIONS)
    + list(DOCUMENT_TYPES)
    + [
        "11010519491231002X",
        "810000199001010019",
        "91110000600037341L",
        "H32031177",
        "0",
        "86",
        "0571",
        "13800138000",
        "张三",
        "阿卜杜拉・买买提",
        "（中国）",
        "a@b.club",
        "x@例子.中国",
        "＠",
        "·",
        "《》",
        "\u200b",
        "\u3000",
    ]
)
TEXTS = st.text(max_size=25) | INTERESTING | st.lists(INTERESTING | st.text(max_size=4), max_size=5).map("".join)
VALUES = TEXTS | JSON
PHONES = st.fixed_dictionaries({}, optional={k: VALUES for k in PHONE_FIELDS}) | JSON
PROFILES = st.fixed_dictionaries({}, optional={**{k: VALUES for k in FIELDS if k != "phone"}, "phone": PHONES})
WITH_EXTRA = st.builds(
    lambda p, extra: {**extra, **p}, PROFILES, st.dictionaries(st.text(max_size=10), JSON, max_size=3)
)


def assert_well_formed(report):
    assert report.kind == "profile"
    assert not report.has("internal.check_failed"), [
        f.to_dict() for f in report.findings if f.code == "internal.check_failed"
    ]
    for reveal in (False, True):
        data = report.to_dict(reveal=reveal)
        json.dumps(data)
        assert data["verdict"] in ("pass", "warn", "fail")
        for f in data["findings"]:
            assert f["field"] and f["message"]
    for f in report.findings:  # every placeholder filled
        for template in (f.template, f.template_zh or ""):
            assert {name for _, name, _, _ in string.Formatter().parse(template) if name} <= set(f.params), f.code


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(WITH_EXTRA)
def test_check_profile_never_raises(data):
    report = check_profile(data)
    assert_well_formed(report)
    # loading the same data through JSON gives the same findings
    try:
        text = json.dumps(data)
    except (TypeError, ValueError):
        return
    assert check_profile(Profile.from_json(text)).codes == check_profile(json.loads(text)).codes


@settings(max_examples=examples(200), deadline=None)
@given(st.sampled_from(sorted(PASSING)), st.sampled_from(FIELDS), VALUES)
def test_one_field_changed_in_a_real_profile(name, field, value):
    data = {**PASSING[name], field: value}
    assert_well_formed(check_profile(data))
    p = Profile.from_dict(data)
    assert Profile.from_dict(p.to_dict()) == p  # to_dict is a fixed point after loading
