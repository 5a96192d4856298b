"""Certificate dates read from OCR text (idcheck.ocr.dates) and document.recently_issued."""

import datetime
import io

import numpy as np
import pytest

from idcheck.config import DEFAULT
from idcheck.ocr import DocumentReading, FieldReading, dates
from idcheck.ocr.crosscheck import compare
from idcheck.ocr.rectify import Classification

D = datetime.date
TODAY = D(2026, 12, 4)


@pytest.mark.parametrize("text, want", [
    ("2024年11月28日", D(2024, 11, 28)),
    ("2024 年 11 月 28 日", D(2024, 11, 28)),
    ("２０２４年１１月２８日", D(2024, 11, 28)),  # full-width digits
    ("2024.11.28", D(2024, 11, 28)),
    ("2024-1-5", D(2024, 1, 5)),
    ("成 立 日 期 2019年3月1日", D(2019, 3, 1)),
    ("2023年2月30日", None),  # no such day
    ("2024年13月01日", None),
    ("1900年1月1日", None),  # before any such certificate
    ("2024.11-28", None),  # mixed separators
    ("2024年11月", None),
    ("", None),
    ("2024年1月2日 2024年1月3日", None),  # two dates: not sure which
    ("20241128", None),
])
def test_parse_date_is_strict(text, want):
    assert dates.parse_date(text) == want


def test_licence_dates_from_lines():
    got = dates.licence_dates(["名 称 某某有限公司", "成 立 日 期 2019年3月1日", "登 记 机 关", "2026 年 11 月 30 日"])
    assert got == {"established": D(2019, 3, 1), "issued": D(2026, 11, 30)}
    assert dates.licence_dates(["登记机关 2026年2月31日"]) == {"established": None, "issued": None}
    assert dates.licence_dates(["2026年11月30日", "2026年11月29日"])["issued"] is None  # two candidates


@pytest.mark.parametrize("age, fires", [(0, True), (9, True), (10, False), (400, False), (-1, False)])
def test_recently_issued_window(age, fires):
    f = dates.recently_issued(TODAY - datetime.timedelta(days=age), TODAY)
    assert bool(f) == fires
    if fires:
        assert f[0].code == "document.recently_issued" and f[0].severity == "warning"
        assert f[0].details["ready"] == (TODAY - datetime.timedelta(days=age - 10)).isoformat()
        assert "注册局" in f[0].template_zh


def _licence(issued_text, conf=0.99):
    fields = {"issued": FieldReading("issued", issued_text, issued_text, conf, None, (900, 800, 1300, 840))}
    return DocumentReading("rapidocr", True, Classification("business_license", "weak", {}), "business_license", 0,
                           fields)


def test_compare_reports_a_recent_issue_date_with_injected_today():
    f, _ = compare(_licence("2026年11月30日"), None, DEFAULT.ocr, today=TODAY)
    assert "document.recently_issued" in [x.code for x in f]
    f, _ = compare(_licence("2026年11月30日"), None, DEFAULT.ocr, today=D(2026, 12, 20))
    assert "document.recently_issued" not in [x.code for x in f]
    f, _ = compare(_licence("2026年11月30日", conf=0.8), None, DEFAULT.ocr, today=TODAY)  # not sure of it
    assert "document.recently_issued" not in [x.code for x in f]
    f, _ = compare(_licence("2026年11月31日"), None, DEFAULT.ocr, today=TODAY)  # no such day: never a crash
    assert "document.recently_issued" not in [x.code for x in f]


@pytest.mark.slow
def test_generated_licence_issue_date_is_read():
    from PIL import Image

    from fixtures import docgen
    from idcheck.image.context import ImageContext
    from idcheck.intake.decode import decode
    from idcheck.intake.sniff import sniff
    from idcheck.ocr import engines
    from idcheck.ocr.crosscheck import run

    if engines.resolve(DEFAULT.ocr.engines) is None:
        pytest.skip("no OCR engine")
    photo, _ = docgen.make_photo("business_license", np.random.default_rng(105), document={"issued": (2026, 11, 29)})
    buf = io.BytesIO()
    Image.fromarray(photo).save(buf, format="JPEG", quality=90)
    data = buf.getvalue()
    r = decode(data, sniff(data[:65536]).spec, DEFAULT)
    ctx = ImageContext(r.image, DEFAULT, {}, data=data)
    f, extra = run(ctx, None, DEFAULT, today=TODAY)
    if extra.get("engine") != "rapidocr":
        pytest.skip("measured with RapidOCR")
    assert "document.recently_issued" in [x.code for x in f]
