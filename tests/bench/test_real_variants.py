"""benchmarks.real_variants: the variants are what they say, and the comparison counts what changed."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from benchmarks import real_variants as rv


def _decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_turns_and_mirror_are_lossless_and_turned():
    rgb = np.random.default_rng(0).integers(0, 256, (30, 50, 3), dtype=np.uint8)
    assert (_decode(rv.variant_bytes(rgb, "rot90")) == np.rot90(rgb)).all()
    assert (_decode(rv.variant_bytes(rgb, "rot180")) == rgb[::-1, ::-1]).all()
    assert (_decode(rv.variant_bytes(rgb, "mirror")) == rgb[:, ::-1]).all()
    assert rv.variant_bytes(rgb, "crop") is None  # no labelled corners: the crop cannot be made


def test_stitched_is_the_picture_twice_with_a_grey_gap():
    wide = np.random.default_rng(1).integers(0, 256, (100, 160, 3), dtype=np.uint8)
    out = _decode(rv.variant_bytes(wide, "stitched"))
    gap = max(2, round(rv.STITCH_GAP * 100))
    assert out.shape == (200 + gap, 160, 3)  # one above the other
    assert abs(int(out[100 + gap // 2].mean()) - rv.STITCH_GREY) <= 3
    tall = np.ascontiguousarray(wide.transpose(1, 0, 2))
    assert _decode(rv.variant_bytes(tall, "stitched")).shape == (160, 200 + gap, 3)  # side by side


def test_the_crop_is_the_document_flattened():
    # a white sheet with a black square at its centre, drawn as a tilted quad on a blue desk
    canvas = np.zeros((400, 500, 3), np.uint8)
    canvas[:] = (30, 60, 160)
    quad = np.float32([[120, 60], [400, 90], [380, 330], [90, 300]])
    cv2.fillConvexPoly(canvas, quad.astype(np.int32), (250, 250, 250))
    centre = quad.mean(axis=0)
    cv2.circle(canvas, tuple(int(v) for v in centre), 20, (0, 0, 0), -1)
    flat = rv.flatten(canvas, quad)
    h, w = flat.shape[:2]
    assert abs(w - 291.5) < 2 and abs(h - 241.9) < 2  # the longer of each pair of opposite sides
    # no desk left in it (its inner 96%: the warp blends one pixel at the border), the mark at the centre
    inner = flat[int(0.02 * h):int(0.98 * h), int(0.02 * w):int(0.98 * w)].reshape(-1, 3).astype(int)
    blue = (inner[:, 2] - inner[:, 0] > 60).mean()
    assert blue < 0.001
    assert flat[h // 2, w // 2].max() < 60
    inside = rv.flatten(canvas, quad, inside=0.1)
    assert abs(inside.shape[1] - 0.8 * w) <= 2 and abs(inside.shape[0] - 0.8 * h) <= 2
    app_crop = rv.flatten(canvas, quad, rv.CROP_INSIDE)
    assert _decode(rv.variant_bytes(canvas, "crop_inside", quad)).shape == app_crop.shape


def test_compare_and_summarise_count_gains_losses_and_new_errors():
    assert rv.compare(["a:warning"], ["a:error"]) == {"gained": ["a:error"], "lost": ["a:warning"]}
    records = [
        {"file": "x.jpg", "base": [], "variants": {"rot90": {"codes": ["image.glare:warning"],
                                                              **rv.compare([], ["image.glare:warning"])}}},
        {"file": "y.jpg", "base": ["image.grayscale:error"],
         "variants": {"rot90": {"codes": [], **rv.compare(["image.grayscale:error"], [])},
                      "crop": {"codes": ["document.corner_missing:error"],
                               **rv.compare(["image.grayscale:error"], ["document.corner_missing:error"])}}},
        {"file": "z.jpg", "base": ["image.blurry:warning"],
         "variants": {"rot90": {"codes": ["image.blurry:warning"], "gained": [], "lost": []}}},
    ]
    s = rv.summarise(records, ["rot90", "crop"])
    assert s["rot90"]["pictures"] == 3 and s["rot90"]["changed"] == 2
    assert s["rot90"]["errors_gained"] == {}
    assert s["rot90"]["gained"] == {"x.jpg": ["image.glare:warning"]}
    assert s["rot90"]["lost"] == {"y.jpg": ["image.grayscale:error"]}
    assert s["crop"]["pictures"] == 1
    assert s["crop"]["errors_gained"] == {"y.jpg": ["document.corner_missing:error"]}


def test_skips_cleanly_without_the_folder(tmp_path, capsys):
    assert rv.main(["--dir", str(tmp_path / "absent"), "--out", str(tmp_path / "o.json")]) == 0
    assert "skipped" in capsys.readouterr().out
    assert not (tmp_path / "o.json").exists()


def test_messenger_and_soft_variants_reduce_recompress_and_blur():
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, (1600, 2000, 3), dtype=np.uint8)
    msg = rv.variant_bytes(rgb, "messenger")
    assert msg[:3] == b"\xff\xd8\xff"  # a JPEG, as a chat app forwards it
    with Image.open(io.BytesIO(msg)) as im:
        assert im.size == (rv.MESSENGER_LONG_SIDE, 1024)
    small = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
    assert _decode(rv.variant_bytes(small, "messenger")).shape == small.shape  # never enlarged
    soft = _decode(rv.variant_bytes(rgb, "soft"))
    assert soft.shape == rgb.shape
    # noise blurred by a 4 px Gaussian keeps a small share of its spread
    assert soft.astype(float).std() < 0.2 * rgb.astype(float).std()


def test_pictures_over_the_consoles_size_are_still_judged(monkeypatch):
    import idcheck.api as api

    monkeypatch.setattr(api, "CHANNELS", api.CHANNELS)  # restored afterwards: other tests see the library's own
    # a noisy 12 MP-like PNG is far over the console's 5 MB: the benchmark must analyse it, not compare two refusals
    big = np.random.default_rng(4).integers(0, 256, (1600, 1600, 3), dtype=np.uint8)
    data = rv._encode(big, "PNG")
    assert len(data) > 5 * 1024 * 1024
    import idcheck

    refused = idcheck.check(data)
    assert "file.not_analysed" in {f.code for f in refused.findings}
    rv.judged(data)  # checked under the benchmark's channel
    from idcheck.config import CHANNELS

    assert rv.BENCH_CHANNEL not in CHANNELS  # the library's own channels are untouched
    report = idcheck.check(data, channel=rv.BENCH_CHANNEL)
    assert "file.not_analysed" not in {f.code for f in report.findings}
    assert len(api.CHANNELS) == len(CHANNELS) + 1


def test_heic_and_webp_variants_are_those_formats_at_the_same_size():
    rgb = np.random.default_rng(5).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    heic = rv.variant_bytes(rgb, "heic")
    assert heic[4:12] in (b"ftypheic", b"ftypmif1")
    webp = rv.variant_bytes(rgb, "webp")
    assert webp[:4] == b"RIFF" and webp[8:12] == b"WEBP"
    import pillow_heif

    pillow_heif.register_heif_opener()
    for data in (heic, webp):
        assert _decode(data).shape == rgb.shape


def test_each_photo_of_a_composite_is_compared_with_the_picture_alone():
    found = ["image.blurry:warning", "document.corner_missing:error@1", "image.glare:warning@2"]
    assert rv.per_photo(found) == {1: ["document.corner_missing:error", "image.blurry:warning"],
                                   2: ["image.blurry:warning", "image.glare:warning"]}
    assert rv.per_photo(["a:warning"]) == {0: ["a:warning"]}
    records = [{"file": "x.jpg", "base": ["image.glare:warning"], "variants": {"stitched": {
        "codes": [], "gained": ["document.corner_missing:error (photo 1)"], "lost": []}}}]
    assert rv.summarise(records, ["stitched"])["stitched"]["errors_gained"] == {
        "x.jpg": ["document.corner_missing:error (photo 1)"]}
