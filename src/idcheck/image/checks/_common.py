"""Small helpers shared by the check families (geometry words, polygons)."""

from __future__ import annotations

import cv2
import numpy as np

from ..context import ImageContext, Rectified

CORNER_NAMES = ("top-left", "top-right", "bottom-right", "bottom-left")
CORNER_ZH = {"top-left": "左上角", "top-right": "右上角", "bottom-right": "右下角", "bottom-left": "左下角"}
PLACE_ZH = {**CORNER_ZH, "top edge": "上边缘", "bottom edge": "下边缘", "left edge": "左边缘", "right edge": "右边缘",
            "middle": "中部"}


# Why a check has nothing to judge on a picture (English, Chinese), for idcheck.checkrun's "not applicable"
NO_DOCUMENT = ("no document was found in the picture (document.not_found)", "图片中没有找到证件（document.not_found）")
APP_CAPTURE = ("the picture was drawn by a screen (an app's capture): image.screenshot says what is wrong with it",
               "图片由屏幕绘制（应用截图）：问题见 image.screenshot")


def not_applicable(ctx: ImageContext, check: str, reason: tuple[str, str]) -> None:
    """Say that ``check`` has nothing to judge on this picture (:mod:`idcheck.checkrun` reports it as not
    applicable rather than passed)."""
    ctx.extra.setdefault("not_applicable", {})[check] = reason


def place_of(u: float, v: float) -> str:
    """Where a point lies on the document, from its relative coordinates (0..1 across, 0..1 down)."""
    horiz = "left" if u < 0.22 else "right" if u > 0.78 else None
    vert = "top" if v < 0.22 else "bottom" if v > 0.78 else None
    if horiz and vert:
        return f"{vert}-{horiz}"
    if vert:
        return f"{vert} edge"
    if horiz:
        return f"{horiz} edge"
    return "middle"


def rectified_polygon_to_original(ctx: ImageContext, points: np.ndarray,
                                  rect: Rectified | None = None) -> list[tuple[float, float]]:
    """Points in the rectified document (``ctx.rectified``, or ``rect``: the whole picture read as the document) ->
    polygon in original picture coordinates."""
    rect = rect if rect is not None else ctx.rectified
    assert rect is not None, "only called by checks that run on a rectified document"
    work = rect.to_working(points)
    work[:, 0] = np.clip(work[:, 0], 0, ctx.width)
    work[:, 1] = np.clip(work[:, 1], 0, ctx.height)
    return ctx.to_original(work)


def component_hull(mask: np.ndarray) -> np.ndarray:
    """The convex hull (N x 2 float) of a binary mask's non-zero pixels."""
    pts = cv2.findNonZero(mask)
    hull = cv2.convexHull(pts).reshape(-1, 2).astype(np.float32)
    return hull


def join_words(words: list[str], zh: bool = False) -> str:
    if zh:
        return "、".join(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
