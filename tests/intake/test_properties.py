"""Property: for any bytes, check() returns a Report quickly and never raises."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import idcheck
from fixtures.formats import encode, textured
from tests.strategies import examples

_SEEDS = {}


def _real_files():
    if not _SEEDS:
        pic = textured(96, 128, seed=9)
        for fmt in ("jpeg", "png", "webp", "bmp", "heic", "gif"):
            _SEEDS[fmt] = encode(pic, fmt)
    return _SEEDS


MAGICS = [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"BM", b"RIFF\x00\x00\x00\x00WEBP", b"GIF89a", b"%PDF-",
          b"\x00\x00\x00\x18ftypheic", b"II*\x00", b"8BPS", b"PK\x03\x04"]


def _assert_sane(report) -> None:
    assert report.verdict in ("pass", "warn", "fail")
    assert all(f.code in idcheck.codes.catalogue() for f in report.findings)
    report.to_json()  # always serialisable


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_any_bytes(data):
    start = time.perf_counter()
    report = idcheck.check(data)
    assert time.perf_counter() - start < 5
    _assert_sane(report)


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MAGICS), st.binary(max_size=2048))
def test_magic_prefix_then_junk(magic, tail):
    _assert_sane(idcheck.check(magic + tail))


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["jpeg", "png", "webp", "bmp", "heic", "gif"]), st.data())
def test_mutated_real_images(fmt, data):
    blob = bytearray(_real_files()[fmt])
    how = data.draw(st.sampled_from(["truncate", "flip", "swap_magic", "splice"]))
    if how == "truncate":
        blob = blob[: data.draw(st.integers(0, len(blob)))]
    elif how == "flip":  # bit flips, mostly in the header where parsers are most fragile
        for _ in range(data.draw(st.integers(1, 8))):
            i = data.draw(st.integers(0, min(len(blob) - 1, 300)))
            blob[i] ^= 1 << data.draw(st.integers(0, 7))
    elif how == "swap_magic":
        magic = data.draw(st.sampled_from(MAGICS))
        blob[: len(magic)] = magic
    else:
        other = _real_files()[data.draw(st.sampled_from(sorted(_real_files())))]
        cut = data.draw(st.integers(0, len(blob)))
        blob = blob[:cut] + other[cut:]
    start = time.perf_counter()
    report = idcheck.check(bytes(blob))
    assert time.perf_counter() - start < 5
    _assert_sane(report)


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp", "bmp", "heic"])
def test_every_truncation_point_of_a_small_file(fmt):
    blob = _real_files()[fmt]
    for cut in range(0, len(blob), max(1, len(blob) // 60)):
        _assert_sane(idcheck.check(blob[:cut]))


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_jpeg_the_decoder_had_to_fill_in_never_passes_and_never_reaches_the_checks(data):
    """Bytes flipped in a JPEG's entropy-coded data: whatever libjpeg makes of them, the report is sane; when the
    decoder says it filled blocks in (``report.file["corrupt"]``), the file is unreadable and nothing is judged on
    the noise."""
    blob = bytearray(_real_files()["jpeg"])
    sos = bytes(blob).index(b"\xff\xda")
    for _ in range(data.draw(st.integers(1, 20))):
        i = data.draw(st.integers(sos + 20, len(blob) - 3))
        blob[i] ^= 1 << data.draw(st.integers(0, 7))
    report = idcheck.check(bytes(blob))
    _assert_sane(report)
    if report.file and report.file.get("corrupt"):
        assert report.verdict == "fail" and "file.unreadable" in report.codes
        assert not [f for f in report.findings if f.code.startswith(("image.", "document.", "tamper."))]
