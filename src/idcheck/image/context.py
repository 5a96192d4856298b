"""ImageContext: everything the checks share about one decoded picture.

The picture is decoded once (``idcheck.intake.decode``), reduced to the working
size the checks need, with EXIF orientation applied.  Derived views (grey,
HSV, the document quadrilateral, ...) are computed on first use and cached, so
no check decodes again or recomputes what another already computed.

Coordinates: the working copy is ``rgb`` (H x W x 3, uint8, RGB order).  A point
(x, y) in the working copy is (x * scale_x, y * scale_y) in the full-resolution
upright picture; findings report regions in those full-resolution coordinates
(use :meth:`ImageContext.to_original`).

A context belongs to one call of ``check()`` and is not shared between threads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import cv2
import numpy as np

from ..config import Config
from ..doctypes import shape_of
from ..intake.decode import jpeg_luma
from ..intake.decoded import DecodedImage
from ..report import Point
from . import capture, sharpness, text_evidence
from .document import DocumentQuad, detect, detect_in_screen_photo, print_fit
from .document.detector import CONFIDENT


class ImageContext:
    def __init__(
        self,
        decoded: DecodedImage,
        config: Config,
        file_facts: dict[str, Any] | None = None,
        data: bytes | None = None,
        *,
        read_jpeg_tables: Callable[[bytes], Any] | None = None,
    ):
        self.decoded = decoded
        self.config = config
        self.file_facts = file_facts or {}
        # The file's bytes, for checks that read headers (metadata, JPEG tables) without decoding.
        self.data = data
        # How to read a JPEG's quantisation tables from its header (idcheck.pipeline passes
        # idcheck.tamper.jpegq.read): the context is below tamper/ and imports nothing from it.
        self._read_jpeg_tables = read_jpeg_tables
        self.rgb = decoded.rgb
        self.height, self.width = decoded.rgb.shape[:2]
        ow, oh = decoded.original_size
        self.scale_x = ow / self.width
        self.scale_y = oh / self.height
        # What checks add for the report's "extra" (e.g. the document quad): results, never timings.
        self.extra: dict[str, Any] = {}
        # Sub-stage timings (ms) a check wants reported; they go into Report.timings.
        self.timings: dict[str, float] = {}
        # The document kind the caller named ("auto" when unknown; see idcheck.api.KINDS); set by idcheck.check.
        self.requested_kind: str = "auto"
        # On a composite (photos put together), the documents found in its photos (working-copy quad, whether its
        # outline is sure), set by the pipeline once each photo was judged: the whole picture's checks read these
        # instead of one outline of the whole (:attr:`doc_mask`, the screen check's recapture measures).
        self.photo_documents: list[tuple[np.ndarray, bool]] | None = None

    # -- coordinates -------------------------------------------------------
    def to_original(self, points: Iterable[Sequence[float]]) -> list[Point]:
        """Working-copy points -> full-resolution upright pixel coordinates."""
        return [(float(x) * self.scale_x, float(y) * self.scale_y) for x, y in points]

    def box_to_original(self, x: float, y: float, w: float, h: float) -> list[Point]:
        """An axis-aligned working-copy box -> its polygon in original coordinates."""
        return self.to_original([(x, y), (x + w, y), (x + w, y + h), (x, y + h)])

    # -- shared views (computed once, on first use) -------------------------
    @cached_property
    def full_luma(self) -> np.ndarray | None:
        """Full-resolution luminance of a JPEG in its *stored* orientation, or None for other formats.

        The one deliberate second decode: the JPEG analyses of idcheck.tamper need the 8x8 block grid
        and quantisation lattice that the reduced (DCT-scaled) working copy destroys.  Luminance only,
        at most once per file (22-31 ms and 12 MB on a 12 MP JPEG).
        """
        if self.decoded.format != "jpeg" or not self.data:
            return None
        return jpeg_luma(self.data)

    @cached_property
    def jpeg_quant(self) -> Any:
        """The JPEG's quantisation tables and quality estimate (:class:`idcheck.tamper.jpegq.QuantInfo`), read
        from the header only by the reader the context was given; None for other formats or without one."""
        if self.decoded.format != "jpeg" or not self.data or self._read_jpeg_tables is None:
            return None
        return self._read_jpeg_tables(self.data)

    @cached_property
    def gray(self) -> np.ndarray:
        """H x W uint8 luma (BT.601)."""
        return cv2.cvtColor(self.rgb, cv2.COLOR_RGB2GRAY)

    @cached_property
    def hsv(self) -> np.ndarray:
        """H x W x 3 uint8 HSV (OpenCV ranges: H 0-179, S 0-255, V 0-255)."""
        return cv2.cvtColor(self.rgb, cv2.COLOR_RGB2HSV)

    @cached_property
    def uniform_rows(self) -> int:
        """Rows of the working copy that are one exact, unclipped colour across the full width
        (:func:`idcheck.image.capture.uniform_rows`)."""
        return capture.uniform_rows(self.rgb)

    @cached_property
    def uniform_columns(self) -> int:
        """Columns of the working copy that are one exact, unclipped colour across the full height: the same evidence
        as :attr:`uniform_rows` on a screenshot turned a quarter (an editor's rotate, a landscape capture)."""
        return capture.uniform_rows(self.rgb.transpose(1, 0, 2))

    @cached_property
    def panel_edges(self) -> int:
        """Edges a screen drew across the whole working copy (:func:`idcheck.image.capture.panel_edges`)."""
        return capture.panel_edges(self.gray)

    @cached_property
    def screen_features(self) -> dict[str, float]:
        """Flat 8 x 8 blocks and sensor noise of the whole picture (:func:`idcheck.image.capture.screen_features`);
        of a composite's photos, weighted by their areas (the gap between them is the collage app's flat colour: two
        grey flatbed scans with a grey gap between read as 30% drawn flat)."""
        if not self.composite_parts:
            return capture.screen_features(self.gray)
        measured = [(capture.screen_features(self.gray[y:y + h, x:x + w]), w * h)
                    for x, y, w, h in self.composite_parts]
        total = float(sum(area for _, area in measured))
        return {k: sum(f[k] * area for f, area in measured) / total for k in measured[0][0]}

    @cached_property
    def drawn_on_screen(self) -> bool:
        """Whether the picture is a screen capture by its strongest evidence: rows (or columns) of one exact colour
        across it (``screen.min_uniform_rows``) or an edge drawn exactly along a pixel row or column across it
        (:attr:`panel_edges`).  The checks that judge a photographed document (corners, glare, a finger) then have
        nothing to judge.  On a composite, the seams are an editor's, not a screen's: only a photo's own lines count
        (:attr:`photo_lines`: a screenshot put in a collage is still a screenshot)."""
        if self.composite_parts:
            need = self.config.screen.min_uniform_rows
            return any(rows >= need or columns >= need or panels > 0 for rows, columns, panels in self.photo_lines)
        return self.screen_lines

    @cached_property
    def photo_lines(self) -> list[tuple[int, int, int]]:
        """Per photo of a composite (:attr:`composite_parts`): its own uniform rows, uniform columns and panel edges,
        as :attr:`uniform_rows`, :attr:`uniform_columns` and :attr:`panel_edges` count them on a picture."""
        out = []
        for x, y, w, h in self.composite_parts:
            rgb = self.rgb[y:y + h, x:x + w]
            out.append((capture.uniform_rows(rgb), capture.uniform_rows(rgb.transpose(1, 0, 2)),
                        capture.panel_edges(np.ascontiguousarray(self.gray[y:y + h, x:x + w]))))
        return out

    @cached_property
    def screen_lines(self) -> bool:
        """Whether the picture has the lines a screen draws: ``screen.min_uniform_rows`` uniform rows or columns, or a
        panel edge (the seams of stitched photos are such lines too: :attr:`composite_parts`)."""
        need = self.config.screen.min_uniform_rows
        return self.uniform_rows >= need or self.uniform_columns >= need or self.panel_edges > 0

    @cached_property
    def composite_parts(self) -> tuple[tuple[int, int, int, int], ...]:
        """The photos the picture is put together from (a front and back stitched by an app or an editor), as
        working-copy boxes (x, y, width, height); empty when it is not one
        (:func:`idcheck.image.capture.composite_parts`).  Its seams are the lines a screen draws, so they are looked
        for only where such lines are (no cost on a photo)."""
        return tuple(capture.composite_parts(self.gray)) if self.screen_lines or self._grey_lines else ()

    @property
    def _grey_lines(self) -> bool:
        """Rows or columns of one exact grey level across the picture (``screen.min_uniform_rows``): a collage's gap
        as a JPEG stores it (its colour rings with the photos' beside it, its grey stays exact)."""
        need = self.config.screen.min_uniform_rows
        grey = self.gray[:, :, None]
        return capture.uniform_rows(grey) >= need or capture.uniform_rows(grey.transpose(1, 0, 2)) >= need

    def photo(self, box: tuple[int, int, int, int]) -> ImageContext:
        """A context of its own for the photo in working-copy ``box`` (x, y, width, height) of a composite: its
        "original" is that photo at full resolution (its frame is the photo's edges), without the file's bytes (the
        file-level evidence belongs to the whole picture).  Regions its checks report are the photo's own; add
        :meth:`box_origin` to place them in the picture."""
        x, y, w, h = box
        decoded = DecodedImage(
            np.ascontiguousarray(self.rgb[y:y + h, x:x + w]),
            (max(1, round(w * self.scale_x)), max(1, round(h * self.scale_y))),
            self.decoded.format, self.decoded.mode, self.decoded.reduced_by, dict(self.decoded.notes),
        )
        sub = ImageContext(decoded, self.config, self.file_facts)
        sub.requested_kind = self.requested_kind
        return sub

    def box_origin(self, box: tuple[int, int, int, int]) -> Point:
        """The top-left corner of working-copy ``box`` in full-resolution upright pixels."""
        return self.to_original([box[:2]])[0]

    # -- document views (idcheck.image.document) ----------------------------
    @cached_property
    def small(self) -> np.ndarray:
        """A copy reduced to ``config.document.detect_long_side`` (area-averaged) for detection."""
        target = self.config.document.detect_long_side
        f = min(1.0, target / max(self.width, self.height))
        if f >= 1.0:
            return self.rgb
        size = (max(8, round(self.width * f)), max(8, round(self.height * f)))
        return cv2.resize(self.rgb, size, interpolation=cv2.INTER_AREA)

    @cached_property
    def document(self) -> DocumentQuad | None:
        """The document's quadrilateral in working coordinates (TL, TR, BR, BL), or None if none was found."""
        small = self.small
        cfg = self.config.document
        found = detect(small, min_share=cfg.min_frame_share, min_score=cfg.min_edge_support)
        if self.drawn_on_screen:
            # an app's capture: its panels and bars make confident rectangles; the document is the photo it shows
            regions = capture.photo_regions(self.gray, cfg.min_frame_share)
            if regions:
                x, y, w, h, fill = regions[0]
                f = small.shape[1] / self.width
                box = (x * f, y * f, w * f, h * f)
                shown = detect_in_screen_photo(small, box, fill, min_score=cfg.min_edge_support)
                # where the search within the photo found nothing but the photo's own rectangle, a sure outline the
                # whole picture's search found inside it is the document it shows (a card small in a camera
                # preview: under half of the photo, so no search within it may take it for the document)
                if not (found is not None and found.confidence >= CONFIDENT and _inside_box(found.quad, box)
                        and _box_iou(shown.quad, box) >= PHOTO_ITSELF
                        and abs(cv2.contourArea(found.quad)) <= PHOTO_PART * box[2] * box[3]):
                    found = shown
        elif found is not None and cfg.min_text_lines > 0 and print_fit.worth_asking(found, CONFIDENT):
            # the outline must hold the document's print (an inner rectangle does not): the text detector's lines
            # choose among the outlines the search found (the pass is shared with the checks that use print)
            lines = self.text_lines
            if lines:
                f = small.shape[1] / self.width
                found = print_fit.fit_to_print(found, [b * f for b in lines], (small.shape[1], small.shape[0]))
        if found is None:
            return None
        fx = self.width / small.shape[1]
        fy = self.height / small.shape[0]
        found.quad = (found.quad * np.array([fx, fy], np.float32)).astype(np.float32)
        found.alternatives = []  # in the detection copy's pixels, and chosen from: nothing reads them later
        return found

    @cached_property
    def sharpness(self) -> sharpness.Sharpness:
        """The edge blur of the document, or of the whole picture without a sure outline (:mod:`.sharpness`)."""
        return sharpness.measure(self.rectified, self.gray, self.decoded.original_size,
                                 max(self.scale_x, self.scale_y), self.config.blur)

    @cached_property
    def text_lines(self) -> list[np.ndarray] | None:
        """Text-line quads in working coordinates found by the text detector (:mod:`idcheck.image.text_evidence`),
        or None when it is unavailable.  Computed only when asked for (about 160 ms of CPU at 640 px)."""
        return text_evidence.text_lines(self.rgb)

    @property
    def text_lines_if_found(self) -> list[np.ndarray] | None:
        """:attr:`text_lines` when the text detector has already run on this picture (the document stage runs it
        when the outline is missing or doubtful), else None: for checks that use print when it is there but must
        not pay for the detector on every picture."""
        return self.__dict__.get("text_lines")

    @cached_property
    def print_without_outline(self) -> bool:
        """No outline was found, but the picture holds ``document.min_text_lines`` lines of print or more: a document
        is there whose edges were not found (it fills the picture, or runs out of it)."""
        need = self.config.document.min_text_lines
        if self.document is not None or need <= 0:
            return False
        lines = self.text_lines
        return lines is not None and len(lines) >= need

    @cached_property
    def document_confident(self) -> bool:
        """Whether the found quad is trustworthy enough to report from (``document.min_confidence``).

        A doubtful one (below :data:`text_evidence.DOUBTFUL_BELOW`) counts only if print is found inside it
        (:func:`text_evidence.print_inside`): windows, furniture and an app's bars make straight-sided quads too,
        but no document is without print."""
        doc = self.document
        if doc is None or doc.confidence < self.config.document.min_confidence:
            return False
        if "print_outside" in doc.details:  # much of the print lies outside it: a part of the document at best
            self.extra.setdefault("document_evidence", "much of the print lies outside the outline")
            return False
        if doc.confidence >= text_evidence.DOUBTFUL_BELOW or self.config.document.min_text_lines <= 0:
            return True
        return self.print_inside_outline is not False

    @cached_property
    def print_inside_outline(self) -> bool | None:
        """Whether the found outline shows print (:func:`text_evidence.print_inside` on its flattened crop); None when
        that cannot be told (no outline, no detector, too small a crop).  When the detector has already read the whole
        picture (the outline was checked against the print) and found enough lines inside the outline, that settles it
        without a second pass over the crop; fewer may be the whole picture's coarser scale missing small print."""
        doc, lines = self.document, self.text_lines_if_found
        if doc is not None and lines:
            inside = len(lines) - print_fit.print_outside(doc.quad, lines)[1]  # both in working pixels
            if inside >= text_evidence.MIN_LINES_INSIDE:
                return True
        rect = self.rectified_any
        printed = None if rect is None else text_evidence.print_inside(rect.rgb)
        if printed is None and rect is not None and lines is not None and len(lines) == 0:
            # too small a crop to read, but the whole picture was read and holds no print at all: nothing shows a
            # document inside the outline (a chest of drawers in a room, a window), and a document too small to
            # show any print is no document a reviewer could read either
            printed = False
        if printed is False:
            self.extra.setdefault("document_evidence", "no print inside the doubtful outline")
        return printed

    @cached_property
    def doc_mask(self) -> np.ndarray | None:
        """H x W uint8 mask (255 inside the document quad, within the frame), or None when no document was located:
        none was found, or only the picture's frame stands for one that fills it (``method == "frame"``, see
        :mod:`.document.print_fit`), so the edit-trace analyses comparing the document's regions run as without one."""
        if self.photo_documents is not None:  # a composite: each photo's own document
            quads = [quad for quad, _ in self.photo_documents]
        else:
            doc = self.document
            quads = [] if doc is None or doc.method == "frame" else [doc.quad]
        if not quads:
            return None
        mask = np.zeros((self.height, self.width), np.uint8)
        for quad in quads:
            cv2.fillConvexPoly(mask, np.round(quad).astype(np.int32), 255)
        return mask

    @cached_property
    def document_kind(self) -> str:
        """"card" (ID-card proportions) or "page" (licence, passport page), from the caller's kind or the quad."""
        shape = shape_of(self.requested_kind)  # idcheck/data/document_types.toml
        if shape is not None:
            return shape
        doc = self.document
        if doc is None:
            return "page"
        # side lengths in original pixels (the working copy may be scaled unevenly)
        q = np.asarray(self.to_original(doc.quad), np.float32)
        a = float(np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
        b = float(np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
        ratio = max(a, b) / max(1.0, min(a, b))
        return "card" if ratio >= self.config.resolution.card_aspect else "page"

    @cached_property
    def rectified(self) -> Rectified | None:
        """The document warped flat and upright (as photographed), at most ``blur.canonical_long_side`` px long.

        None when no document was found *or* its quad is doubtful (:attr:`document_confident`): the checks
        reading the rectified document then report nothing rather than judge the wrong region."""
        return self.rectified_any if self.document_confident else None

    @cached_property
    def rectified_any(self) -> Rectified | None:
        """As :attr:`rectified`, but also from a doubtful quad: for measures that need the document's
        region only roughly (its colours), never its outline."""
        doc = self.document
        if doc is None:
            return None
        return self._rectify(doc.quad)

    @property
    def frame_document(self) -> bool:
        """Whether the picture is the document, square to its frame: it holds print
        (``document.min_text_lines`` text lines) and either its edges run along the frame (``method ==
        "frame-edges"``) or its print runs square to the picture (:func:`print_fit.print_square`) and reaches within
        ``print_fit.FILLS_FRAME_MARGIN`` of every side (or, in a picture with an ID card's proportions, of three:
        :func:`print_fit.print_fills_card`) - a scan cropped to the document, a scanner app's flattened crop, a page
        photographed so close that it fills the frame.  Its corners cannot be judged from it, but what lies over
        its print can be read from the whole picture (:attr:`frame_rectified`) where no outline is sure enough for
        it (an outline found, if any, is the printed frame or a part of the document).  Never an app's capture (its
        frame is the screen's).  Read only the print the document stage read (on a missing or doubtful outline)."""
        lines = self._print_read()
        if lines is None:
            return False
        doc = self.document
        if doc is not None and doc.method == "frame-edges":
            # the document's edges were seen running along all four sides of the frame, 1-3 px inside it: the picture
            # was cropped to them (an ID card's front, whose portrait leaves a third of the card free of text lines,
            # passes no test of the print's reach)
            return True
        return self.print_fills_picture and print_fit.print_square(lines)

    @property
    def print_fills_picture(self) -> bool:
        """Whether the print the document stage read (on a missing or doubtful outline: never a run of the detector of
        its own) reaches within ``print_fit.FILLS_FRAME_MARGIN`` of every side of the picture, or of three in a
        picture with an ID card's proportions (:attr:`frame_document` without its squareness).  Never an app's
        capture."""
        lines = self._print_read()
        if lines is None:
            return False
        frame = (self.width, self.height)
        return print_fit.print_fills_frame(lines, frame) or print_fit.print_fills_card(lines, frame)

    def _print_read(self) -> list[np.ndarray] | None:
        """The print the document stage read on a missing or doubtful outline, when it is ``document.min_text_lines``
        lines or more and the picture is no app's capture (its frame is the screen's); else None.  Never a run of the
        detector of its own: a picture whose print was not asked for has none to go by."""
        need = self.config.document.min_text_lines
        lines = self.text_lines_if_found
        if self.drawn_on_screen or need <= 0 or not lines or len(lines) < need:
            return None
        return lines

    @cached_property
    def frame_rectified(self) -> Rectified:
        """The whole picture as :class:`Rectified` (reduced to ``blur.canonical_long_side`` as a document is), for
        the checks that read a :attr:`frame_document`."""
        w, h = float(self.width), float(self.height)
        return self._rectify(np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32))

    def _rectify(self, quad: np.ndarray) -> Rectified:
        q = quad.astype(np.float32)
        wa = float(np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
        ha = float(np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
        long_side = max(wa, ha)
        f = min(1.0, self.config.blur.canonical_long_side / max(long_side, 1.0))
        W, H = max(16, int(round(wa * f))), max(16, int(round(ha * f)))
        dst = np.array([[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]], np.float32)
        M = cv2.getPerspectiveTransform(q, dst)
        rgb = cv2.warpPerspective(self.rgb, M, (W, H), flags=cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_CONSTANT)
        if (q[:, 0].min() >= 2 and q[:, 1].min() >= 2
                and q[:, 0].max() <= self.width - 3 and q[:, 1].max() <= self.height - 3):
            # the whole quad lies 2 px inside the frame: every rectified pixel maps (nearest) to a pixel of the
            # frame, so the warped frame mask is all 255 - no need to warp a full-size mask (~1.5 ms at 12 MP)
            valid: np.ndarray = np.full((H, W), 255, np.uint8)
        else:
            valid = cv2.warpPerspective(np.full((self.height, self.width), 255, np.uint8), M, (W, H),
                                        flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT)
        return Rectified(rgb=rgb, valid=valid, matrix=M, doc_long_side=float(long_side), factor=f)


# Share of an outline's area that must lie within a screen's photo region for the outline to be in that photo
INSIDE_BOX = 0.95
PHOTO_ITSELF = 0.8  # IoU with a screen's photo region from which an outline is that photo's own rectangle
PHOTO_PART = 0.8  # of the photo region's area: an outline no larger is something the photo shows, not the photo


def _box_overlap(quad: np.ndarray, box: tuple[float, float, float, float]) -> tuple[float, float, float]:
    """(intersection, quad's area, box's area) of ``quad`` and ``box`` (x, y, w, h), in the same pixels."""
    x, y, w, h = box
    rect = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float32)
    q = np.asarray(quad, np.float32)
    inter, _ = cv2.intersectConvexConvex(q, rect)
    return float(inter), abs(float(cv2.contourArea(q))), float(w * h)


def _box_iou(quad: np.ndarray, box: tuple[float, float, float, float]) -> float:
    inter, area, box_area = _box_overlap(quad, box)
    union = area + box_area - inter
    return inter / union if union > 0 else 0.0


def _inside_box(quad: np.ndarray, box: tuple[float, float, float, float]) -> bool:
    """Whether ``INSIDE_BOX`` of ``quad``'s area lies within ``box`` (x, y, w, h), in the same pixels."""
    inter, area, _ = _box_overlap(quad, box)
    return inter >= INSIDE_BOX * area


@dataclass
class Rectified:
    """The document flattened: ``rgb`` (H x W x 3), ``valid`` (255 where the pixel was inside the frame),
    ``matrix`` (working -> rectified homography), ``doc_long_side`` (working px) and ``factor`` (rectified px per
    working px)."""

    rgb: np.ndarray
    valid: np.ndarray
    matrix: np.ndarray
    doc_long_side: float
    factor: float

    @cached_property
    def gray(self) -> np.ndarray:
        """H x W uint8 luma (BT.601), shared by blur, glare, occlusion and watermark."""
        return cv2.cvtColor(self.rgb, cv2.COLOR_RGB2GRAY)

    @cached_property
    def saturation(self) -> np.ndarray:
        """H x W uint8 HSV saturation (OpenCV's 0-255), shared by glare and occlusion."""
        return cv2.cvtColor(self.rgb, cv2.COLOR_RGB2HSV)[:, :, 1]

    def to_working(self, points: Iterable[Sequence[float]]) -> np.ndarray:
        pts = np.asarray(list(points), np.float32).reshape(-1, 1, 2)
        return cv2.perspectiveTransform(pts, np.linalg.inv(self.matrix)).reshape(-1, 2)

