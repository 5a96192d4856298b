"""Whether a refined outline is a real document's: its confidence (:func:`verify`), and a screen's or picture
frame's dark rim (:func:`_dark_rim`)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from ..stats import median_u8
from .quad import _on_frame_edge

# corner angles: a flat rectangle photographed from a phone's usual viewpoints keeps every corner within ~25 degrees of
# square - confidence 1 up to 25 degrees off square, 0 at 35
ANGLE_ZERO_DEG = 35.0
ANGLE_RAMP_DEG = 10.0
# proportions (long / short): 1 within 1.3-1.75 (A4 1.414 and ID card 1.586, +-8% of perspective), 0 beyond 1.2 / 1.85
ASPECT_MIN, ASPECT_MAX, ASPECT_RAMP = 1.2, 1.85, 0.1
# cut by the frame on one side: the two sides across the cut, against the whole side, no longer than this (1 at 1.9)
CUT_ASPECT_MAX, CUT_ASPECT_RAMP = 2.1, 0.2
CORNER_SLIVER = 0.15  # share of the frame: a quad cut in two directions is fully trusted from this size (not a sliver)
# skin along a side on the frame edge (a hand merged with the document): sampled over this share of the way to the
# centre; confidence 1 up to 20% of it skin, 0 from 35%
EDGE_STRIP = 0.12
EDGE_SKIN_ZERO, EDGE_SKIN_RAMP = 0.35, 0.15
# a screen's or picture frame's dark rim: the ring 3-8% in from the outline, darker than 60 grey levels and than
# 0.4 x the median grey of the middle (the inner half)
RIM_OUTER, RIM_INNER, RIM_CORE = 0.97, 0.92, 0.5
DARK_RIM_MAX = 60  # grey levels
DARK_RIM_RATIO = 0.4  # of the middle's median grey


# A phone's main camera: focal length about 0.8 of the picture's long side in pixels (24-28 mm equivalent on a 4:3
# sensor: 0.72-0.84).  A view straight on gives the same proportions whatever the focal length.
PHONE_FOCAL = 0.8
# Perspective is undone only where the picture shows it plainly: a pair of opposite sides converging by this many
# degrees at least, on a quad whose short side spans this share of the frame's short side at least.  On a small or
# square-on quad, 1 px of the outline's own error reads as perspective (a portrait inside a card, 1.3 degrees off
# square, would have looked like a slanted card).  Real photos of pages and cards at a slant: 6.5-19 degrees, 0.35-0.87
# of the frame
SLANT_MIN_DEG = 5.0
SLANT_MIN_SHARE = 0.3
# Proportions undone from perspective are kept only within this factor of the image's own (a quad too distorted
# for the camera assumed - a crop of a larger photo, a wrong quad - keeps its image proportions)
FLAT_ASPECT_MAX_CHANGE = 1.35


def _image_aspect(quad: np.ndarray) -> float:
    """Long / short of ``quad`` as the picture shows it, each from the mean of two opposite sides."""
    s1 = float(np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    s2 = float(np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
    return max(s1, s2) / max(1e-6, min(s1, s2))


def _proportion_conf(ratio: float) -> float:
    """1 within 1.3-1.75 (long / short), 0 beyond 1.2 / 1.85 (see :data:`ASPECT_MIN`)."""
    return float(np.clip(min(ratio - ASPECT_MIN, ASPECT_MAX - ratio) / ASPECT_RAMP, 0.0, 1.0))


def _slanted(quad: np.ndarray, frame: tuple[int, int]) -> bool:
    """Whether ``quad`` shows a flat rectangle at a plain slant (see :data:`SLANT_MIN_DEG`)."""
    q = np.asarray(quad, np.float64)

    def between(u: np.ndarray, v: np.ndarray) -> float:
        d = abs(float(np.degrees(np.arctan2(u[1], u[0]) - np.arctan2(v[1], v[0])))) % 180.0
        return min(d, 180.0 - d)

    converge = max(between(q[1] - q[0], q[2] - q[3]), between(q[3] - q[0], q[2] - q[1]))
    short = min(np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3]),
                np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    return converge >= SLANT_MIN_DEG and float(short) >= SLANT_MIN_SHARE * min(frame)


def flat_aspect(quad: np.ndarray, frame: tuple[int, int], focal: float | None = None) -> float | None:
    """Long / short of the flat rectangle whose perspective image is ``quad`` (TL, TR, BR, BL, px), for a camera
    with its principal point at the centre of ``frame`` (w, h), square pixels and focal length ``focal`` px (default
    :data:`PHONE_FOCAL` of the long side); None when the quad gives no answer (degenerate, or too far from its image
    proportions).  Zhang and He, "Whiteboard scanning and image enhancement", Digital Signal Processing 17 (2007)."""
    w, h = frame
    f = focal if focal is not None else PHONE_FOCAL * max(w, h)
    u0, v0 = w / 2.0, h / 2.0
    tl, tr, br, bl = (np.array([float(p[0]), float(p[1]), 1.0]) for p in quad)
    m1, m2, m3, m4 = tl, tr, bl, br  # the rectangle's (0, 0), (W, 0), (0, H), (W, H)
    d2 = float(np.dot(np.cross(m2, m4), m3))
    d3 = float(np.dot(np.cross(m3, m4), m2))
    if abs(d2) < 1e-9 or abs(d3) < 1e-9:
        return None
    k2 = float(np.dot(np.cross(m1, m4), m3)) / d2
    k3 = float(np.dot(np.cross(m1, m4), m2)) / d3
    n2, n3 = k2 * m2 - m1, k3 * m3 - m1  # the rectangle's two side directions, up to the camera matrix
    a_inv = np.linalg.inv(np.array([[f, 0.0, u0], [0.0, f, v0], [0.0, 0.0, 1.0]]))
    a, b = a_inv @ n2, a_inv @ n3
    na, nb = float(np.dot(a, a)), float(np.dot(b, b))
    if not (na > 0 and nb > 0 and np.isfinite(na) and np.isfinite(nb)):
        return None
    r = float(np.sqrt(na / nb))
    flat = max(r, 1.0 / r)
    image = _image_aspect(np.asarray(quad, np.float64))
    if not 1.0 / FLAT_ASPECT_MAX_CHANGE <= flat / image <= FLAT_ASPECT_MAX_CHANGE:
        return None
    return flat


def verify(quad: np.ndarray, straight: list[float | None], frame: tuple[int, int],
           skin: np.ndarray | None = None) -> tuple[float, dict[str, Any]]:
    """Confidence (0..1) that ``quad`` is a real document's outline, and why.

    * the weakest in-frame side's straightness (see :func:`refine`);
    * corner angles: a flat rectangle photographed from a phone's usual viewpoints keeps every corner
      within ~25 degrees of square;
    * proportions: after averaging opposite sides, long/short must be near an ID card's 1.586 or a
      page's 1.414 (1.2-1.85 allows for mild foreshortening; at a plain slant the flat document's proportions,
      undone from perspective by :func:`flat_aspect`, count too); for a document cut by the frame
      only an upper bound holds (see the code);
    * a side on the frame edge must not be lined with skin (a hand merged with the document): ``skin`` is
      a mask of clearly skin-coloured pixels (see :func:`detect`).
    """
    sides = [s for s in straight if s is not None]
    side_conf = min(sides) if sides else 0.0
    angles = []
    for i in range(4):
        a = quad[(i - 1) % 4] - quad[i]
        b = quad[(i + 1) % 4] - quad[i]
        cosang = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-6))
        angles.append(float(np.degrees(np.arccos(np.clip(cosang, -1, 1)))))
    worst_angle = max(abs(a - 90.0) for a in angles)
    angle_conf = float(np.clip((ANGLE_ZERO_DEG - worst_angle) / ANGLE_RAMP_DEG, 0.0, 1.0))
    image_ratio = _image_aspect(quad)
    w, h = frame
    ratio, flat = image_ratio, None
    on_edge = [i for i in range(4) if _on_frame_edge(quad[i], quad[(i + 1) % 4], w, h)]
    side_len = [float(np.linalg.norm(quad[(i + 1) % 4] - quad[i])) for i in range(4)]
    if len(on_edge) == 1:
        # one side lies on the frame edge: the document is cut there.  The side opposite is whole; the two sides
        # across the cut are shorter than the document by an unknown amount, so they may be as short as they like,
        # but not longer than a document's proportions allow against the whole side
        i = on_edge[0]
        whole = max(1e-6, side_len[(i + 2) % 4])
        across = (side_len[(i + 1) % 4] + side_len[(i + 3) % 4]) / 2
        aspect_conf = float(np.clip((CUT_ASPECT_MAX - across / whole) / CUT_ASPECT_RAMP, 0.0, 1.0))
    elif on_edge:
        # cut in two directions (a corner off the frame's corner): proportions unknown; but a small sliver in the
        # frame's corner (a hand, a patch of table) is not what the picture is of - full trust from 15% of the frame
        clipped, _ = cv2.intersectConvexConvex(quad.astype(np.float32),
                                               np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32))
        aspect_conf = float(np.clip(float(clipped) / (w * h) / CORNER_SLIVER, 0.0, 1.0))
    else:
        # 1 within 1.3-1.75 (A4 1.414 and ID card 1.586, +-8% of perspective), 0 beyond 1.2 / 1.85
        aspect_conf = _proportion_conf(image_ratio)
        if aspect_conf < 1.0 and _slanted(quad, frame):
            # ... as the picture shows it, or as the flat document is, where it is seen at a plain slant (a page
            # foreshortened to 1.14-1.26 : 1, a card stretched to 1.79 : 1): the focal length is only assumed, so
            # the more plausible of the two counts
            flat = flat_aspect(quad, frame)
            if flat is not None and _proportion_conf(flat) > aspect_conf:
                ratio, aspect_conf = flat, _proportion_conf(flat)
            else:
                flat = None
    skin_share = 0.0
    if skin is not None and on_edge:
        # ... unless what lies along that side is skin: a hand holding the document, merged with it
        c = quad.mean(axis=0)
        for i in on_edge:
            p, q = quad[i], quad[(i + 1) % 4]
            strip = np.array([p, q, q + EDGE_STRIP * (c - q), p + EDGE_STRIP * (c - p)], np.float32)
            m = np.zeros(skin.shape, np.uint8)
            cv2.fillConvexPoly(m, np.round(strip).astype(np.int32), 255)
            n = np.count_nonzero(m)
            if n:
                skin_share = max(skin_share, np.count_nonzero(skin[m > 0]) / n)
    skin_conf = float(np.clip((EDGE_SKIN_ZERO - skin_share) / EDGE_SKIN_RAMP, 0.0, 1.0))
    conf = side_conf * angle_conf * aspect_conf * skin_conf
    return conf, {"straightness": [None if s is None else round(s, 3) for s in straight],
                  "worst_angle_deg": round(worst_angle, 1), "aspect": round(ratio, 3),
                  **({"image_aspect": round(image_ratio, 3)} if flat is not None else {}),
                  "frame_edge_sides": on_edge, "edge_skin": round(skin_share, 3)}


def _dark_rim(quad: np.ndarray, gray: np.ndarray) -> bool:
    """Whether ``quad`` is a dark frame around something light: a monitor's or phone's bezel, a picture frame.

    No identity document has a near-black rim all round (ID cards, licences and passport pages are light
    paper to their edges), so an outline whose inner rim (3-8% in from it) is darker than 60 grey levels and
    under 40% of the brightness at its centre is the screen or frame holding the document, not the document;
    the document is then looked for inside it.
    """
    c = quad.mean(axis=0)
    h, w = gray.shape
    outer = np.zeros((h, w), np.uint8)
    inner = np.zeros((h, w), np.uint8)
    core = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(outer, np.round(c + (quad - c) * RIM_OUTER).astype(np.int32), 255)
    cv2.fillConvexPoly(inner, np.round(c + (quad - c) * RIM_INNER).astype(np.int32), 255)
    cv2.fillConvexPoly(core, np.round(c + (quad - c) * RIM_CORE).astype(np.int32), 255)
    rim = (outer > 0) & (inner == 0)
    if rim.sum() < 50 or not core.any():
        return False
    rim_level = median_u8(gray, rim)
    return rim_level < DARK_RIM_MAX and rim_level < DARK_RIM_RATIO * median_u8(gray, core)
