"""Issue 17, item 9: check() and check_submission() never raise for data (profile and OCR on)."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

import idcheck
from tests.strategies import examples

from . import craft


def _seed_files() -> list[bytes]:
    out = [craft.tiny_png(1, 1), craft.tiny_png(5, 3), craft.noise_png(48, 32), craft.corrupt_idat_png()]
    buf = io.BytesIO()
    Image.new("RGB", (40, 24), (240, 240, 240)).save(buf, "JPEG", quality=80, progressive=True)
    out.append(buf.getvalue())
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 200, 10)).save(buf, "WEBP")
    out.append(buf.getvalue())
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(buf, "BMP")
    out.append(buf.getvalue())
    return out


SEEDS = _seed_files()


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[i:i + draw(st.integers(1, 64))]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=32))
        else:
            del data[i:]
    return bytes(data)


PROFILE_VALUES = st.one_of(st.none(), st.text(max_size=40), st.integers(), st.booleans(),
                           st.lists(st.integers(), max_size=3), st.just("1" * 5000), st.just("\x00\ud800\x1b[2J"))
PROFILES = st.fixed_dictionaries(
    {"registrant_type": st.sampled_from(["individual", "organization", "x"]),
     "document_type": st.sampled_from(["id_card", "business_license", "passport", "??"])},
    optional={k: PROFILE_VALUES for k in ("name_zh", "name_en", "document_number", "region", "phone", "email")},
)


@settings(max_examples=examples(30), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=mutated(), profile=st.one_of(st.none(), PROFILES), ocr=st.booleans())
def test_check_never_raises(data, profile, ocr):
    report = idcheck.check(data, profile=profile, ocr=ocr, timeout=20)
    assert report.verdict in ("pass", "warn", "fail")
    report.to_json()


@settings(max_examples=examples(10), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=mutated(), profile=PROFILES)
def test_check_submission_never_raises(data, profile):
    report = idcheck.check_submission("example.cn", profile, {"id_card": data})
    assert report.verdict in ("pass", "warn", "fail")
    report.to_json()
