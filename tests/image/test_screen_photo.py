"""The document in an app's capture is the photo the screen shows, not the interface's panels around it."""

import cv2
import numpy as np

from idcheck.image.capture import photo_regions

from .conftest import photo, run


def _app_capture(rng, with_photo=True):
    """A phone capture (540 x 1000): an app bar, a panel of text on flat grey, a button, and a camera photo."""
    shot = np.full((1000, 540, 3), 245, np.uint8)
    shot[:80] = (33, 150, 243)  # the app bar, one colour across the width
    cv2.putText(shot, "Verify identity", (20, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.1, (255, 255, 255), 2)
    shot[700:900, 20:520] = (230, 230, 232)  # a panel with text on it
    for i, line in enumerate(["Hold the card flat", "Avoid glare and shadows", "All four corners visible"]):
        cv2.putText(shot, line, (40, 750 + 45 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (40, 40, 40), 2)
    shot[920:980, 120:420] = (255, 120, 0)  # a button
    box = None
    if with_photo:
        img, labels = photo("id_card", seed=int(rng.integers(0, 1000)), background="wood")
        small = cv2.resize(img, (480, 360), interpolation=cv2.INTER_AREA)
        shot[200:560, 30:510] = small
        box = (30, 200, 480, 360)
    return shot, box


def _iou(a, b):
    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
    inter = cv2.intersectConvexConvex(a, b)[0]
    return inter / (abs(cv2.contourArea(a)) + abs(cv2.contourArea(b)) - inter)


def test_photo_regions_find_the_photo_and_not_the_interface():
    rng = np.random.default_rng(3)
    shot, (x, y, w, h) = _app_capture(rng)
    gray = cv2.cvtColor(shot, cv2.COLOR_RGB2GRAY)
    regions = photo_regions(gray, 0.04)
    assert regions, "the camera photo is a region"
    rx, ry, rw, rh, fill = regions[0]
    found = [(rx, ry), (rx + rw, ry), (rx + rw, ry + rh), (rx, ry + rh)]
    assert _iou(found, [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]) > 0.85
    assert fill > 0.8
    # text on flat panels, bars and buttons are not photos
    ui, _ = _app_capture(rng, with_photo=False)
    assert photo_regions(cv2.cvtColor(ui, cv2.COLOR_RGB2GRAY), 0.04) == []


def test_the_outline_of_an_app_capture_is_inside_the_photo_it_shows():
    rng = np.random.default_rng(4)
    shot, (x, y, w, h) = _app_capture(rng)
    ctx, findings = run(shot, original=(540, 1000))
    assert ctx.drawn_on_screen  # the app bar's rows
    doc = ctx.document
    assert doc is not None and doc.details.get("in_screen_photo")
    q = doc.quad
    # within the photo (a few px of slack for the search around its box), never the app bar or the panel
    assert q[:, 0].min() >= x - 12 and q[:, 0].max() <= x + w + 12
    assert q[:, 1].min() >= y - 12 and q[:, 1].max() <= y + h + 12
    # the same photo as a camera took it (no interface round it): the detector alone, no screen path
    img, _ = photo("id_card", seed=5, background="wood")
    ctx2, _ = run(img)
    assert not ctx2.drawn_on_screen
    assert ctx2.document is None or not ctx2.document.details.get("in_screen_photo")


def test_a_card_small_in_the_camera_preview_of_a_capture_is_its_document():
    # a phone's camera preview in an app's capture, the card far from the lens: under half of the preview, so the
    # search within the preview leaves it (a part of a photo: a card's portrait); the whole picture's search found
    # it surely, inside the preview, and that is the document the capture shows
    from fixtures import docgen

    img, labels = docgen.make_photo("id_card", np.random.default_rng(21), [], background="dark_cloth",
                                    out_size=(1200, 900), fill=0.35, angle=0.0)
    shot = np.full((1000, 540, 3), 245, np.uint8)
    shot[:80] = (33, 150, 243)  # the app bar, one colour across the width
    shot[200:605, :] = cv2.resize(img, (540, 405), interpolation=cv2.INTER_AREA)  # the preview, the full width
    card = np.asarray(labels["quad"], np.float32) * np.float32([540 / 1200, 405 / 900]) + np.float32([0, 200])
    ctx, _ = run(shot, original=(540, 1000))
    assert ctx.drawn_on_screen
    assert ctx.document is not None
    assert _iou(ctx.document.quad, card) > 0.85
