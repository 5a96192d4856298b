"""Checks with nothing to judge on a picture say so ("not applicable"), rather than showing as passed."""

import io

import numpy as np
from PIL import Image

import idcheck


def _png(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "PNG")
    return buf.getvalue()


def _checks(data: bytes) -> dict[str, dict]:
    report = idcheck.check(data).to_dict()
    return {c["name"]: c for c in report["checks"]}


def _scene(w=900, h=1200) -> np.ndarray:
    """Smooth shading and soft colour: a photo with no document in it."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.dstack([90 + 60 * np.sin(xx / 170.0), 120 + 40 * np.cos(yy / 210.0), 100 + 30 * np.sin((xx + yy) / 300.0)])
    rng = np.random.default_rng(0)
    return np.clip(img + rng.normal(0, 4, img.shape), 0, 255).astype(np.uint8)


def _app_capture(w=1080, h=1920) -> np.ndarray:
    """A phone screenshot: flat app bars and a flat page (rows of one exact colour) around a photo."""
    page = np.full((h, w, 3), 246, np.uint8)
    page[:140] = (33, 150, 243)  # the app bar
    page[-180:] = (250, 250, 250)  # the bottom bar
    page[400:1300, 60:1020] = _scene(960, 900)  # the photo the app shows
    return page


def _status(checks: dict[str, dict], name: str) -> tuple[str, bool]:
    c = checks[name]
    return c["status"], c.get("applicable", True)


def test_no_document_leaves_resolution_and_occlusion_not_applicable():
    checks = _checks(_png(_scene()))
    assert checks["document"]["status"] == "failed"  # document.not_found
    for name in ("resolution", "occlusion"):
        status, applicable = _status(checks, name)
        assert (status, applicable) == ("skipped", False), name
        assert checks[name]["reason"].startswith("not applicable: no document")


def test_an_app_capture_leaves_glare_and_occlusion_not_applicable():
    report = idcheck.check(_png(_app_capture()))
    assert "image.screenshot" in {f.code for f in report.findings}
    checks = {c["name"]: c for c in report.to_dict()["checks"]}
    for name in ("glare", "occlusion"):
        assert _status(checks, name) == ("skipped", False), name
        assert "image.screenshot" in checks[name]["reason"]
