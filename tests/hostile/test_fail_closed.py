"""Issue 17, items 6-9: fail closed."""

from __future__ import annotations

import idcheck
from idcheck import codes

from . import craft


def _codes(report):
    return [f.code for f in report.findings]


def test_png_pillow_cannot_decode_is_unreadable():
    # before: verdict decided by checks on a half-decoded picture (getexif() swallowed the load error)
    report = idcheck.check(craft.corrupt_idat_png())
    assert "file.unreadable" in _codes(report)
    assert report.verdict == "fail"
    unreadable = next(f for f in report.findings if f.code == "file.unreadable")
    assert unreadable.details.get("stage") == "decode"


def test_crashed_check_fails_the_file():
    # before: 1x1 "document": nine internal.check_failed warnings, verdict warn, exit 0
    report = idcheck.check(craft.tiny_png(1, 1))
    crashed = [f for f in report.findings if f.code == "internal.check_failed"]
    assert report.verdict == "fail"
    assert all(f.severity == "error" for f in crashed)
    assert codes.get("internal.check_failed").severity == "error"


def test_copymove_verify_near_border_never_crashes():
    # before: 263 of these 512 candidates raised cv2.error (empty slice into GaussianBlur)
    import itertools

    import numpy as np

    from idcheck.config import DEFAULT
    from idcheck.tamper import copymove

    rng = np.random.default_rng(0)
    y = np.clip(rng.normal(128, 6, (200, 260)), 0, 255).astype(np.uint8)
    for x0, y0, dx, dy, scale in itertools.product([0, 3, 6, 60], [0, 3, 6, 60], [-40, -3, 3, 40],
                                                   [-40, -3, 3, 40], [1.0, 1.5]):
        src = np.array([[x0 + i * 5, y0 + j * 5] for i in range(10) for j in range(10)], float)
        copymove.verify(y, src, src + [dx, dy], scale, DEFAULT.tamper)


def test_watermark_index_on_a_flat_grey_copy():
    # before: ValueError "zero-size array to reduction operation maximum"
    import numpy as np

    from idcheck.image.checks.watermark import lattice_index

    index, _ = lattice_index(np.full((200, 300), 128, np.uint8))
    assert index == 0.0


# ---------------------------------------------------------------- item 8 (the OCR-engine part), item 9

PROFILE = {"registrant_type": "individual", "region": "mainland", "name_zh": "张三", "name_en": "zhang san",
           "document_type": "id_card", "document_number": "11010519491231002X"}


def test_no_ocr_engine_with_a_profile_is_a_warning():
    # before: ocr.engine_unavailable at info, so a document whose name and number differ could pass
    from idcheck.config import Config

    cfg = Config.from_dict({"ocr": {"engines": ("no-such-engine",)}})
    report = idcheck.check(craft.noise_png(), profile=PROFILE, config=cfg)
    f = next(f for f in report.findings if f.code == "ocr.engine_unavailable")
    assert f.severity == "warning"
    assert "not compared" in f.message
    # reading without a profile compares nothing: still info
    report = idcheck.check(craft.noise_png(), ocr=True, config=cfg)
    assert next(f for f in report.findings if f.code == "ocr.engine_unavailable").severity == "info"


import pytest  # noqa: E402


@pytest.mark.parametrize("size", [(1, 1), (2, 3), (3, 2), (7, 1), (1, 40)])
@pytest.mark.parametrize("mode", ["ocr", "profile"])
def test_tiny_pictures_with_ocr_never_raise(size, mode):
    # before: cv2.error (kmeans) escaped from check() for 1x1 with profile or ocr=True
    kw = {"ocr": True} if mode == "ocr" else {"profile": PROFILE}
    report = idcheck.check(craft.tiny_png(*size), **kw)
    assert report.verdict == "fail"


def test_nul_and_lone_surrogate_paths_are_findings():
    for path in ("/tmp/x\x00y.jpg", "/tmp/x\ud800y.jpg"):
        report = idcheck.check(path)  # before: ValueError / UnicodeEncodeError
        assert _codes(report) == ["file.unreadable"]


def test_file_object_that_raises_is_a_finding():
    import io

    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def read(self, n=-1):
            raise RuntimeError("the network went away")

    report = idcheck.check(Broken())  # before: RuntimeError escaped
    assert _codes(report) == ["file.unreadable"]
    assert "RuntimeError" in report.findings[0].message


def test_text_stream_is_still_a_usage_error():
    import io

    from idcheck.errors import UsageError

    with pytest.raises(UsageError):
        idcheck.check(io.StringIO("abc"))


def test_5000_digit_json_number_in_a_profile_is_a_finding(tmp_path):
    # before: json.loads raised a bare ValueError (int string conversion limit)
    p = tmp_path / "p.json"
    p.write_text('{"registrant_type": "individual", "document_number": ' + "1" * 5000 + "}")
    profile = idcheck.Profile.load(p)
    report = idcheck.check_profile(profile)
    assert "profile.value_too_long" in [f.code for f in report.findings]  # 5000 characters: over the cap
    report = idcheck.check_profile({"registrant_type": "individual", "document_number": 10 ** 5000})
    assert report.verdict == "fail"
    p.write_text('{"registrant_type": "individual", "postal_code": ' + "1" * 4500 + "}")  # over int()'s limit
    assert idcheck.Profile.load(p).postal_code is None  # dropped as too long, never a ValueError


def test_fix_on_a_damaged_png_does_not_raise(tmp_path):
    from idcheck.fix import fix

    src = tmp_path / "bad.png"
    src.write_bytes(craft.corrupt_idat_png())
    result = fix(str(src), str(tmp_path / "out"), to_jpeg=True)  # before: OSError from im.load()
    assert result.output is None and result.actions[0].startswith("nothing done")
