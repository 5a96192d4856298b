"""benchmarks.real's scoring: expect / allow / false alarms, errors, the clean fail rate, not-judged counts, IoU."""

import numpy as np

from benchmarks import real


def _rec(name, *findings, quad=None, confident=True):
    return {"file": name, "verdict_without_file": _verdict(findings),
            "findings": [{"code": c, "severity": s, "not_judged": nj} for c, s, nj in findings],
            "document": None if quad is None else {"quad": quad, "confident": confident}}


def _verdict(findings):
    sev = {s for c, s, _ in findings if not c.startswith("file.")}
    return "fail" if "error" in sev else "warn" if "warning" in sev else "pass"


def test_scoring_counts_expect_allow_and_false_alarms():
    labels = {
        "a.jpg": {"defect": "clean", "expect": [], "allow": ["image.low_resolution"]},
        "b.jpg": {"defect": "image.glare", "expect": ["image.glare"], "allow": []},
        "c.jpg": {"defect": "image.glare", "expect": ["image.glare"], "allow": []},
        "d.jpg": {"defect": "clean", "expect": [], "allow": []},
    }
    records = [
        _rec(
            "a.jpg", ("image.low_resolution", "warning", []), ("file.too_small", "error", [])
        ),  # allowed; file.* aside
        _rec("b.jpg", ("image.glare", "error", [])),  # found, at error
        _rec("c.jpg", ("image.not_judged", "warning", ["image.glare"])),  # missed, not judged
        _rec("d.jpg", ("image.glare", "error", [])),  # a false alarm
    ]
    out = real.score(records, labels, {})
    glare = out["per_code"]["image.glare"]
    assert (glare["tp"], glare["fp"], glare["fn"], glare["not_judged"]) == (1, 1, 1, 1)
    assert glare["precision"] == 0.5 and glare["recall"] == 0.5 and glare["precision_error"] == 0.5
    assert out["per_code"]["image.low_resolution"]["fp"] == 0
    assert out["clean"]["n"] == 2 and out["clean"]["fail"] == ["d.jpg"] and out["clean"]["warn"] == ["a.jpg"]


def test_outline_iou_and_corner_error():
    square = [[0, 0], [100, 0], [100, 100], [0, 100]]
    assert real._polygon_iou(np.array(square), np.array(square)) == 1.0
    half = [[0, 0], [50, 0], [50, 100], [0, 100]]
    assert abs(real._polygon_iou(np.array(half), np.array(square)) - 0.5) < 1e-6
    # the same corners in another cyclic order: no error
    assert real._corner_error(np.roll(np.array(square), 1, axis=0), np.array(square)) == 0.0
    labels = {"a.jpg": {"defect": "clean", "expect": [], "allow": []}}
    outlines = {"a.jpg": {"file": "a.jpg", "quad": square, "all_corners_visible": True}}
    out = real.score([_rec("a.jpg", quad=half)], labels, outlines)
    assert out["outline"]["n_visible"] == 1 and out["outline"]["iou_ge_0_9_visible"] == 0.0


def test_outline_calibration_counts_right_outlines_by_what_the_engine_called_them():
    square = [[0, 0], [100, 0], [100, 100], [0, 100]]
    half = [[0, 0], [50, 0], [50, 100], [0, 100]]
    labels = {n: {"defect": "clean", "expect": [], "allow": []} for n in ("a.jpg", "b.jpg", "c.jpg")}
    outlines = {n: {"file": n, "quad": square, "all_corners_visible": True} for n in labels}
    records = [_rec("a.jpg", quad=square, confident=True), _rec("b.jpg", quad=half, confident=True),
               _rec("c.jpg", quad=square, confident=False)]
    out = real.score(records, labels, outlines)["outline"]
    assert out["confident_right"] == (1, 2) and out["doubtful_right"] == (1, 1)
