"""Evidence that a picture was drawn by a screen rather than recorded by a camera (shared by the screenshot check
and by the checks that judge a photographed document, which have nothing to judge on an app's capture)."""

from __future__ import annotations

import cv2
import numpy as np

# Share of a uniform row's samples that must be EXACTLY its median colour (all three channels): a screen draws a bar
# in one value, which survives PNG, a JPEG's flat blocks and an area reduction unchanged; a camera's smooth surface
# (a blank card's face, the working copy's noise averaged down to under a level) only lies within a level or two of
# it.  Real screenshots' uniform rows: 0.73-1.0 exact (median 0.94-1.0, forwarded by a chat app included); the
# blank face of a real card photo cropped flat, whose columns ran within 2 levels of one colour: at most 0.47.
EXACT_SHARE = 0.6


def _drawn_rows(rgb: np.ndarray, tolerance: int = 2, coverage: float = 0.97, exact: float = EXACT_SHARE) -> np.ndarray:
    """Per row of ``rgb``: one unclipped colour across the full width, as :func:`uniform_rows` asks (wherever it is)."""
    # every k-th column (~128 per row): a row's share of pixels near its median is the same statistic on a
    # sample, at a tenth of the cost on a 1600 px working copy; the median as the middle of the sorted sample
    # (np.median is 6x slower here)
    g = np.ascontiguousarray(rgb[:, :: max(1, rgb.shape[1] // 128)].transpose(0, 2, 1)).astype(np.int16)  # H x 3 x n
    n = g.shape[2]
    med = np.sort(g, axis=2)[:, :, n // 2 : n // 2 + 1]
    off = np.abs(g - med).max(axis=1)  # H x n: the largest channel's distance from the row's median
    near = np.count_nonzero(off <= tolerance, axis=1) / n
    same = np.count_nonzero(off == 0, axis=1) / n
    level = med[:, :, 0].mean(axis=1)
    return (near >= coverage) & (same >= exact) & (level >= 8) & (level <= 247)


def uniform_rows(rgb: np.ndarray, tolerance: int = 2, coverage: float = 0.97, exact: float = EXACT_SHARE) -> int:
    """How many rows of ``rgb`` (H x W x 3 uint8) hold one unclipped colour across the full width: ``coverage`` of
    their pixels within ``tolerance`` levels of the row's median in every channel and ``exact`` of them equal to it
    (:data:`EXACT_SHARE`), that median between 8 and 247 (clipped white and black rows - a scanner's background, a
    blown-out sky - are left out).  Columns: pass ``rgb.transpose(1, 0, 2)``.

    Rows in an unbroken run from the picture's first or last row are not counted: a frame or padding that an editor
    or app lays around any picture, photo or capture (web images of specimen IDs framed in grey, a photo padded to a
    square).  A screen's bars and page backgrounds lie between its content: every real screenshot whose rows decide
    has 5 or more away from the edges (5-94), and a status bar's icons break its run from the top."""
    drawn = _drawn_rows(rgb, tolerance, coverage, exact)
    breaks = np.flatnonzero(~drawn)
    if breaks.size == 0:
        return 0  # one colour from the first row to the last: a blank frame, nothing drawn between content
    return int(np.count_nonzero(drawn[breaks[0]:breaks[-1] + 1]))


# Mean grey level under which a flat 8 x 8 block is deep shadow, not drawn colour: a camera's black level and noise
# reduction crush a dark scene's shadows (below ~10% of full scale) into exactly flat blocks.  On the 61 real
# development photos the night street and a greyscale photo on a dark ground had 80-82% of their unclipped flat blocks
# under 20; the real screenshots had none under 40.  A dark-mode app (#121212 is 18) keeps its stronger evidence,
# the full-width uniform rows of its bars (:func:`uniform_rows`).
SHADOW_LEVEL = 24


# Blocks shifted by this many px (half a JPEG block) for ``flat_unclipped_offset_share`` in :func:`screen_features`
JPEG_GRID_SHIFT = 4


# -- a panel's edge drawn across the picture (panel_edges) -----------------------------------------------------------
PANEL_STEP = 40  # grey levels between two neighbouring rows: a panel's edge (bar against page, page against photo)
PANEL_COVER = 0.9  # share of the picture's width (height) along which that step lies in one and the same row
PANEL_BORDER = 0.03  # share of the picture's height (width) at each end left out: a card cropped to its edge, a
#                      scanner's border line and a window's own frame lie there
# Share of the step the rows either side of it may carry (medians over the step's pixels): a screen draws an edge
# from one pixel row to the next; a lens spreads any edge it records over two rows or more
PANEL_SHARP = 0.25


def panel_edges(gray: np.ndarray) -> int:
    """Rows and columns of ``gray`` (H x W uint8) across which the picture steps by ``PANEL_STEP`` grey levels or more
    along ``PANEL_COVER`` of its width (height), from one pixel to the next.

    A screen draws its panels, bars and a shown photo's rectangle with edges exactly along its pixel rows and
    columns, and often across the whole capture; a camera never records an edge exactly level across a whole
    picture (a hundredth of a degree of tilt moves it by a row), and its lens spreads every edge over two rows or
    more.  On the 61 real development photos: 8 of the 12 screenshots have one or more (desktop captures whose
    clipped white and black bars hold no uniform row among them), none of the other 49; none of 120 generated
    photos."""
    n = 0
    h, w = gray.shape
    # rows, then columns, each on the picture as it lies (no transposed copy), the steps along every line counted by
    # OpenCV (a compare and a sum): 3x faster than numpy's boolean count over a transposed copy; the rare candidate
    # lines are then read alone
    for along_rows in (True, False):
        if along_rows:
            d = cv2.absdiff(gray[1:], gray[:-1])  # d[y] = |g[y + 1] - g[y]|
            size, across = h, w
        else:
            d = cv2.absdiff(gray[:, 1:], gray[:, :-1])  # d[:, x] = |g[:, x + 1] - g[:, x]|
            size, across = w, h
        strong = cv2.compare(d, PANEL_STEP, cv2.CMP_GE)  # type: ignore[call-overload]  # 255 where strong
        counts = cv2.reduce(strong, 1 if along_rows else 0, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel() // 255
        margin = max(3, int(PANEL_BORDER * size))
        for y in np.nonzero(counts >= PANEL_COVER * across)[0]:
            if y < margin or y >= size - 1 - margin:
                continue
            before, line, after = (d[y - 1], d[y], d[y + 1]) if along_rows else (d[:, y - 1], d[:, y], d[:, y + 1])
            on = line >= PANEL_STEP
            here = float(np.median(line[on]))
            beside = float(np.median(np.maximum(before[on], after[on])))
            if beside <= PANEL_SHARP * here:
                n += 1
    return n


def _flat_blocks(gray: np.ndarray, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Per 8 x 8 block of ``gray`` starting ``offset`` px in from the top-left: (flat, first pixel's level)."""
    top, bottom = _cell_extremes(gray, 8, offset)
    return top == bottom, gray[offset::8, offset::8][: top.shape[0], : top.shape[1]]


def _unclipped(flat: np.ndarray, mean: np.ndarray) -> np.ndarray:
    return flat & ~((mean >= 254) | (mean <= 1)) & ~(mean < SHADOW_LEVEL)


def screen_features(gray: np.ndarray) -> dict[str, float]:
    flat, mean = _flat_blocks(gray)  # every pixel of a block identical: drawn, not photographed
    # sensor noise (Immerkaer), on a sparse grid of smooth, unclipped pixels
    # (in 16-bit integers: the kernel's sums of 8-bit pixels are exact there, as in float32, at half the traffic;
    # the kernel is [1 -2 1] x [1 -2 1], applied as two 1-D passes; the selected values go back to float32 so
    # that their mean is summed exactly as before)
    sub = np.ascontiguousarray(gray[::2, ::2])
    d2 = np.array([1, -2, 1], np.float32)
    lap = np.abs(cv2.sepFilter2D(sub, cv2.CV_16S, d2, d2))
    smooth = (lap < 24) & (sub > 8) & (sub < 247)
    vals = lap[smooth].astype(np.float32)
    noise = float(np.sqrt(np.pi / 2) * vals.mean() / 6.0) if vals.size > 1000 else 0.0
    unclipped = float(_unclipped(flat, mean).mean())  # neither clipped nor deep shadow
    # the same blocks shifted by half a block: a screen's flat colour is flat at any offset, a JPEG's decoded flat
    # blocks only on its own 8 px grid (measured only when there is flat colour to explain)
    shifted = min(gray.shape) >= JPEG_GRID_SHIFT + 8  # room for one shifted block (else no grid can be told)
    offset = float(_unclipped(*_flat_blocks(gray, JPEG_GRID_SHIFT)).mean()) if unclipped and shifted else unclipped
    return {
        "flat_share": float(flat.mean()),
        "flat_unclipped_share": unclipped,
        "flat_unclipped_offset_share": offset,
        "flat_white_share": float((flat & (mean >= 254)).mean()),
        "noise": noise,
    }


# -- the photo a screen shows (photo_regions) ----------------------------------------------------------------------
PHOTO_BLOCK = 4  # px of the working copy: the cell in which "drawn flat" is judged
FLAT_RANGE = 3  # grey levels: a cell varying by no more is drawn flat (a JPEG capture at quality >= 85 keeps a UI's
#                 flat colour within +-3 levels; a photo's texture and a camera's noise vary more inside 4 x 4 px)
PHOTO_WINDOW = 9  # cells (36 px): the neighbourhood over which the share of flat cells is taken
PHOTO_MAX_FLAT = 0.1  # share of flat cells below which a neighbourhood is photo, not UI (text on a flat panel leaves
#                       most cells between its strokes flat; a photo of a card leaves almost none)
PHOTO_OPEN = 5  # cells (20 px): thinner photo-like strips (a line of text, an icon, a button edge) are not photos
PHOTO_MIN_FILL = 0.5  # share of its bounding box a region must fill: a photo is a rectangle on a screen


def _cell_extremes(gray: np.ndarray, b: int, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Per ``b`` x ``b`` cell of ``gray`` (its whole cells from ``offset`` px in from the top-left): (brightest,
    darkest) pixel."""
    h, w = gray.shape
    g = gray[offset: offset + (h - offset) // b * b, offset: offset + (w - offset) // b * b]
    # the cells' rows first: the element-wise max and min of each cell's b rows (whole rows of the picture, b - 1
    # OpenCV calls), then a 1 x b dilation and erosion anchored at the window's left, read at every cell's first
    # column - the same extremes as a b x b dilation read at every cell's corner, without filtering the picture at
    # every pixel (5x faster than that dilation on a 1600 px working copy, itself 15x faster than numpy's max over
    # the strided cell axes)
    rows = g.reshape(g.shape[0] // b, b, g.shape[1])  # cell row, row within the cell, column (a view)
    top, bottom = rows[:, 0].copy(), rows[:, 0].copy()
    for i in range(1, b):
        cv2.max(top, rows[:, i], dst=top)
        cv2.min(bottom, rows[:, i], dst=bottom)
    k = np.ones((1, b), np.uint8)
    top = cv2.dilate(top, k, anchor=(0, 0), borderType=cv2.BORDER_REPLICATE)[:, ::b]
    bottom = cv2.erode(bottom, k, anchor=(0, 0), borderType=cv2.BORDER_REPLICATE)[:, ::b]
    return top, bottom


def photo_regions(gray: np.ndarray, min_share: float) -> list[tuple[int, int, int, int, float]]:
    """Rectangles of a screen capture where the screen shows a photo, largest first: (x, y, w, h, fill) in ``gray``'s
    pixels, each covering at least ``min_share`` of the picture.

    A screen draws its interface (panels, bars, text on flat colour) with most 4 x 4 cells exactly flat, while a photo
    it displays (the card in a camera preview, a scan on a web page) has texture or noise in almost every cell: the
    document in an app's capture is the photo region, not the interface around it."""
    h, w = gray.shape
    b = PHOTO_BLOCK
    if h < 4 * b * PHOTO_OPEN or w < 4 * b * PHOTO_OPEN:
        return []
    top, bottom = _cell_extremes(gray, b)
    flat = ((top.astype(np.int16) - bottom) <= FLAT_RANGE).astype(np.float32)
    photo: np.ndarray = (cv2.blur(flat, (PHOTO_WINDOW, PHOTO_WINDOW)) < PHOTO_MAX_FLAT).astype(np.uint8)
    photo = cv2.morphologyEx(photo, cv2.MORPH_OPEN, np.ones((PHOTO_OPEN, PHOTO_OPEN), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(photo, connectivity=4)
    cells = photo.shape[0] * photo.shape[1]
    out = []
    for x, y, bw, bh, area in stats[1:]:
        fill = float(area) / (bw * bh)
        if bw * bh >= min_share * cells and fill >= PHOTO_MIN_FILL:
            out.append((int(x * b), int(y * b), int(bw * b), int(bh * b), fill))
    return sorted(out, key=lambda r: -r[2] * r[3])


# -- photos put together (composite_parts) ---------------------------------------------------------------------------
# A front and back stitched into one picture (an app's or an editor's collage) is cut by exactly the lines a screen
# draws: a gap of one colour between the photos (uniform rows), or a step from one photo to the next along one pixel
# row (a panel edge).  What tells it from a screen is what lies between those lines: photographs only, no interface.
SEAM_SHOULDER = 2  # px either side of a cut row that belong to the cut (a gap's antialiased edge, JPEG ringing)
SEAM_MIN_PART = 16  # px: a part thinner than this is a sliver of the seam, not a photo
SEAM_DEPTH = 3  # cuts nested this deep at most (rows, then columns within a row, then rows again)
# Share of a part's 4 x 4 cells that are exactly one unclipped value: an interface draws its panels and bars so, a
# camera's picture has noise in nearly every cell (real development photos stitched in pairs, at 700-1200 px:
# 0.00-0.10 per part; their stitched grey scans 0.0, their white paper being clipped).  Real screenshots are told
# apart first by their small parts (bars, words, icons); where they are cut into large parts, their flattest one
# measured 0.37-0.93 (clipped white included; 0.16-0.92 without).  Bound near the geometric middle of 0.10 and
# 0.37: 0.2.
COMPOSITE_MAX_FLAT = 0.2
# Each part of a composite is a photo of a document: at least this share of the picture's area (two photos stitched:
# 30-70% each; a grid of six: 16%) and 48 px each way.  An interface cut along its lines falls into bars, words and
# icons (real screenshots: parts of 16-30 px rows), or into its photo and a band of buttons (a camera preview's
# capture: 9% of it, white with two round buttons, which have few exactly flat cells once its clipped white is left
# out).
COMPOSITE_MIN_PART = 0.15
GAP_FLAT = 0.95  # share of a part's 4 x 4 cells exactly flat above which it is the gap between photos, not a part
# ... or above which a strip thinner than COMPOSITE_MIN_SIDE is (a white padding strip beside a shorter photo, its
# cells next to the photo rippled by the JPEG: 0.74-0.89 flat); a bar of an interface thin and flat like it would
# be left out too, but never decides alone (the large parts must still all be photographic)
STRIP_FLAT = 0.7
COMPOSITE_MIN_SIDE = 48


def _cut_rows(gray: np.ndarray) -> np.ndarray:
    """Per row of ``gray``: a line along which the picture is cut - exactly one unclipped grey level across the full
    width (as :func:`uniform_rows` counts them: a scan's white rows between its lines of print do not cut it), or a
    step of ``PANEL_STEP`` levels from this row to the next across ``PANEL_COVER`` of it (a photo against a white
    gap).  One grey level, not one colour: a JPEG stores colour at half resolution, in blocks of 16 px, so a gap
    narrower than about 32 px between two photos takes on their colours' ringing in every row (a real collage with a
    24 px grey gap: its rows vary by 2-4 levels of blue, none of them one colour), while its grey stays exact."""
    cut = _drawn_rows(gray[:, :, None])
    step = np.count_nonzero(cv2.absdiff(gray[1:], gray[:-1]) >= PANEL_STEP, axis=1) >= PANEL_COVER * gray.shape[1]
    cut[:-1] |= step
    return cut


def _parts(gray: np.ndarray, depth: int, x0: int = 0, y0: int = 0) -> list[tuple[int, int, np.ndarray]]:
    """The pieces of ``gray`` between its cuts (recursively, rows and columns, ``depth`` levels), each with the x, y
    of its top left corner in the picture (``x0``, ``y0``: this piece's own), or ``[(x0, y0, gray)]`` uncut."""
    if depth > 0:
        for turned in (False, True):
            g = np.ascontiguousarray(gray.T) if turned else gray
            cut = _cut_rows(g)
            if not cut.any():
                continue
            wide = np.convolve(cut, np.ones(2 * SEAM_SHOULDER + 1), "same") > 0
            edges = np.flatnonzero(np.diff(np.concatenate(([True], wide, [True])).astype(np.int8)))
            pieces = [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= SEAM_MIN_PART]
            if not pieces or pieces == [(0, len(cut))]:
                continue
            out: list[tuple[int, int, np.ndarray]] = []
            for a, b in pieces:
                if turned:
                    out.extend(_parts(np.ascontiguousarray(g[a:b].T), depth - 1, x0 + int(a), y0))
                else:
                    out.extend(_parts(g[a:b], depth - 1, x0, y0 + int(a)))
            return out
    return [(x0, y0, gray)]


# A thin piece (under COMPOSITE_MIN_SIDE) is the gap between photos when this share of its pixels lies within
# THIN_GAP_LEVELS grey levels of its median: a white gap is clipped (no uniform row cuts it, only the steps at its
# sides, which leave a sliver of JPEG ringing by them: 16-19 rows of a real collage's 24 px white gap, 20-57% of their
# cells exactly flat, all within 4 levels of white); a strip of an interface holds words and icons
THIN_GAP_LEVELS = 4
THIN_GAP_SHARE = 0.9


def _even(gray: np.ndarray) -> bool:
    """Whether ``THIN_GAP_SHARE`` of ``gray`` lies within ``THIN_GAP_LEVELS`` of its median."""
    med = int(np.median(gray))
    return float(np.count_nonzero(np.abs(gray.astype(np.int16) - med) <= THIN_GAP_LEVELS)) >= THIN_GAP_SHARE * gray.size


def _photos(pieces: list[tuple[int, int, np.ndarray]], shape: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """The boxes of ``pieces`` of a picture of ``shape`` (H, W; gaps and padding strips left out) when they are 2 or
    more photos - each large (``COMPOSITE_MIN_PART`` of it, ``COMPOSITE_MIN_SIDE`` each way) and photographic
    (``COMPOSITE_MAX_FLAT``) - else none."""
    height, width = shape
    area = height * width
    photos: list[tuple[int, int, int, int]] = []
    for x, y, g in pieces:
        h, w = g.shape
        if h < 4 or w < 4:
            continue
        top, bottom = _cell_extremes(g, 4)
        flat = top == bottom
        # an even thin piece is a gap only between pieces: at the picture's edge it may be a screen's bar, whose
        # edge is a screen's evidence (a web capture's grey header, 30 px)
        between = (y > 0 and y + h < height) if w >= h else (x > 0 and x + w < width)
        if flat.mean() >= GAP_FLAT or (min(h, w) < COMPOSITE_MIN_SIDE
                                       and (flat.mean() >= STRIP_FLAT or (between and _even(g)))):
            continue  # the gap itself (a white or black band between the photos, cut at its steps), or padding
        if h * w < COMPOSITE_MIN_PART * area or min(h, w) < COMPOSITE_MIN_SIDE:
            return []
        # clipped white and black cells are a scanner's or a blown highlight's as much as an interface's
        drawn = flat & (top < 254) & (top > 1)
        if float(drawn.mean()) >= COMPOSITE_MAX_FLAT:
            return []
        photos.append((x, y, w, h))
    return photos if len(photos) >= 2 else []


def composite_parts(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The photographs the picture ``gray`` (its luminance, H x W uint8) is put together from, as boxes (x, y, width,
    height in its pixels, in reading order): 2 or more when its full-width (full-height) lines cut it into parts that
    are all large (``COMPOSITE_MIN_PART``) and photographic (``COMPOSITE_MAX_FLAT``), else none (not cut, or some
    part is small or drawn: an interface).  Cut as deep as ``SEAM_DEPTH`` (a grid of photos); failing that, along
    the first lines only: a photo may hold a straight line of its own across it (a monitor's, a table's edge), whose
    deeper cuts leave pieces too small for photos, while the collage's seams alone leave the photos whole."""
    return _photos(_parts(gray, SEAM_DEPTH), gray.shape) or _photos(_parts(gray, 1), gray.shape)
