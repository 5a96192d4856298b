"""Typed configuration: every threshold, with its unit and the reason for its default.

``Config()`` is the default.  Change a value with :func:`dataclasses.replace` on
its section, e.g. ``Config(intake=replace(Config().intake, max_pixels=100_000_000))``,
or load overrides from a dict/JSON with :meth:`Config.from_dict`.  ``Config.describe()``
lists every setting with unit and reason (``idcheck config``).

Each field's metadata holds ``unit`` and ``reason``; a test checks that every
field has both, so a threshold without a stated reason cannot be added.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .errors import UsageError

KIB = 1024
MIB = 1024 * 1024


def setting(default: Any, unit: str, reason: str) -> Any:
    """A config field with its unit and the reason for its default."""
    if isinstance(default, (dict, list, set)):  # a fresh copy for each instance, never one shared object
        return field(default_factory=lambda: copy.deepcopy(default), metadata={"unit": unit, "reason": reason})
    return field(default=default, metadata={"unit": unit, "reason": reason})


@dataclass(frozen=True)
class Channel:
    """An upload channel's rules: which formats, and the size window [min_bytes, max_bytes)."""

    name: str
    formats: tuple[str, ...]
    min_bytes: int
    max_bytes: int
    source: str


# The registrar's upload channels (domain-rules.md §3.4).  Data, not code: add a
# registrar's channel here.
CHANNELS: Mapping[str, Channel] = MappingProxyType(
    {
        "console": Channel(
            "console",
            ("jpeg", "png", "bmp", "heic", "webp"),
            min_bytes=55 * KIB,
            max_bytes=5 * MIB,
            source="Alibaba Cloud console: JPG/JPEG/PNG/BMP/HEIC/WebP, 55 KB to 5 MB (domain-rules.md §3.4, A9)",
        ),
        "api": Channel(
            "api",
            ("jpeg", "bmp"),
            min_bytes=55 * KIB,
            max_bytes=1 * MIB,
            source="Alibaba Cloud API IdentityCredential: JPG/BMP, 55 KB to 1 MB (domain-rules.md §3.4, A14)",
        ),
    }
)


@dataclass(frozen=True)
class IntakeConfig:
    max_pixels: int = setting(
        64_000_000,
        "pixels (width x height)",
        "50 MP phone photos (8160 x 6120) fit with headroom; larger pictures are refused before decoding "
        "as possible decompression bombs (a 64 MP RGB decode needs ~190 MB). Pillow itself refuses above 179 MP.",
    )
    max_read_bytes: int = setting(
        256 * MIB,
        "bytes",
        "A file this big is no upload candidate (the limit is 5 MB); it is typed from its first bytes but "
        "not read whole, so a stray video or disk image cannot exhaust memory.",
    )
    header_bytes: int = setting(
        64 * KIB,
        "bytes",
        "Enough for the type sniff of every accepted format, including the HEIF 'meta' box that names the codec.",
    )
    max_jpeg_scans: int = setting(
        100,
        "scans (start-of-scan markers)",
        "libjpeg makes a pass over every block per scan; cameras and editors write 1 (baseline) to about 10-20 "
        "(progressive), so 100 leaves room while a crafted file with thousands of empty scans (minutes of CPU) "
        "is refused before decoding.",
    )
    max_decoded_ratio: int = setting(
        300,
        "decoded bytes per byte of file",
        "A real photo or scan compresses 5-50x (PNG screenshots of documents up to ~100x); a few KB of WebP, "
        "16-bit PNG, HEIC or RLE BMP that decode to hundreds of MB (1000-100000x) are refused before decoding.",
    )
    min_decoded_budget: int = setting(
        64 * MIB,
        "bytes",
        "Every file may decode to this much whatever its size (a 21 MP 8-bit RGB picture), so small ordinary "
        "files are never refused by the ratio.",
    )
    max_metadata_bytes: int = setting(
        2 * MIB,
        "bytes",
        "Camera EXIF is under 64 KB, XMP with edit history rarely above a few hundred KB; more metadata than "
        "this is parsed by nobody and only costs time, so the file is refused.",
    )
    timeout: float = setting(
        30.0,
        "seconds",
        "check()'s default deadline (its timeout= argument overrides it): an ordinary 12 MP photo takes well under "
        "1 s with OCR, so 30 s only stops pathological files. It is cooperative (looked at between stages and "
        "checks); single native calls are bounded by the byte, pixel and scan budgets before decoding.",
    )


@dataclass(frozen=True)
class DecodeConfig:
    work_long_side: int = setting(
        1600,
        "pixels",
        "The checks work on a reduced copy: 1600 px on the long side keeps ID-card text strokes 2+ px wide "
        "when the card fills half the frame, while JPEG DCT scaling (draft) makes decoding 4-8x cheaper.",
    )


# -- image checks (idcheck.image.checks): one section per check family --------------------------
@dataclass(frozen=True)
class DocumentConfig:
    detect_long_side: int = setting(
        384, "pixels",
        "Document detection runs on a copy this size: a card filling a third of the frame still spans 120+ px "
        "and its outline stays straight, while k-means and Canny cost under 15 ms.",
    )
    min_text_lines: int = setting(
        5, "text lines",
        "With no outline found, this many lines of print found by the text detector (idcheck.image.text_evidence, "
        "at 640 px) mean a document is there and only its edges were not found (it fills the picture or runs out "
        "of it), so 'not found' is not said. An ID card's front has 5+ lines (name, sex and nationality, birth, "
        "address, number); the scenes of the real development photos gave 0-1. 0 turns the detector off.",
    )
    min_edge_support: float = setting(
        0.5, "share of perimeter",
        "A quad is accepted as the document only when at least half of its in-frame outline lies on a real border "
        "(strong gradient with different surfaces on either side); below that it is texture, not a document.",
    )
    min_frame_share: float = setting(
        0.04, "share of frame area",
        "Anything smaller than 4% of the picture is not a document photo (and too small to read anyway).",
    )
    corner_margin: float = setting(
        0.004, "share of the frame's short side",
        "A corner closer to the picture edge than ~0.4% (4 px on a 1000 px side) is cut by the frame or touches it: "
        "reviewers cannot see the rounded corner or the border line, so they reject it.",
    )
    corner_min_support: float = setting(
        0.75, "share of perimeter",
        "Only a confidently found outline (75% of the in-frame border on a real edge) can prove a corner is missing; "
        "a weaker quad could place a corner outside the frame by mistake.",
    )
    min_confidence: float = setting(
        0.5, "confidence (0-1)",
        "The outline's confidence is the straightness of its weakest in-frame side (share of it on one straight "
        "edge), times angle and proportion plausibility. Below 0.5 at least half of one side follows no straight "
        "edge: the quad may be a hand, a shadow or the desk, so checks that read the document from it "
        "(corners, occlusion, glare, watermark, blur) report nothing rather than a finding from the wrong region.",
    )


@dataclass(frozen=True)
class ResolutionConfig:
    min_long_side_card: int = setting(
        480, "pixels (original, document long side)",
        "Legibility rule: the smallest print a reviewer reads must get at least 10 px per character height, the floor "
        "below which Chinese characters lose strokes (and OCR engines stop reading). An ID card's smallest print (the "
        "back's authority and validity lines) is ~1.8 mm on 85.6 mm: 85.6 / 1.8 x 10 = 475, so 480 px.",
    )
    min_long_side_page: int = setting(
        850, "pixels (original, document long side)",
        "The same rule on an A4 licence or passport page: its smallest print (the business scope's 10.5 pt body, "
        "~3.5 mm characters) over 297 mm: 297 / 3.5 x 10 = 849, so 850 px. Real photos: pages of 500-742 px were "
        "judged too small by eye, 943 px legible.",
    )
    min_print_char_px: int = setting(
        16, "pixels (original) per character height, lower quartile of the lines of print found",
        "The same legibility rule read from the print itself where the text detector found 5 lines or more: the 10 px "
        "the smallest print needs (min_long_side_card), carried to the ~3 mm lines that make most of an ID card's "
        "and a licence's small print: 10 x 3 / 1.8 = 16.7, so 16. Used where the outline cannot measure the "
        "document: none found, a doubtful one, or a document cut by the frame (its length is only a lower bound).",
    )
    card_aspect: float = setting(
        1.5, "long side / short side",
        "ID cards are 85.6 x 54 mm (1.585), A4 pages and passport pages are 1.41-1.42: the midpoint tells them apart "
        "when the caller did not say which document it is.",
    )
    small_share: float = setting(
        0.333, "share of frame area",
        "A document covering less than a third of the frame wastes the camera's pixels; Tencent asks for two thirds. "
        "Reported as info (image.document_small) when the pixel count itself is still enough.",
    )


@dataclass(frozen=True)
class BlurConfig:
    canonical_long_side: int = setting(
        800, "pixels",
        "The document is rectified to at most 800 px on its long side before measuring, so the measure is relative to "
        "the document's size and one threshold serves a card filling the frame or half of it.",
    )
    max_edge_blur: float = setting(
        1.5, "px per 1000 px of document long side (gaussian sigma, sampling floor removed)",
        "Sharp seed-1 photos (watermarked ones included) measure 0.4-1.15 once only edges that own their step are "
        "used; the mildest generated defocus (a sigma of 2.2 per 1000 px) measures 1.88-2.0. Around 2/1000, 3 mm "
        "characters on an ID card smear by a fifth of a stroke gap: reviewers start to call the picture soft.",
    )
    min_share_of_window_gradient: float = setting(
        0.5, "x strongest gradient within the 9 x 9 step window",
        "The step height is the 9 x 9 range, so an edge is measured only if it is (about) that window's steepest: a "
        "faint paper-texture maximum beside a watermark stroke borrows the stroke's step and reads 3-10 px soft "
        "(sharp watermarked photos measured 2.0-2.4 without this); a blurred step's centre is always its steepest.",
    )
    picture_factor: float = setting(
        2.0, "x max_edge_blur",
        "Without a found document the whole picture is measured against its own long side: a proxy (background "
        "texture, a shallow depth of field; sharp seed-1 pictures whose document was missed read 0.4-0.85), so only "
        "a picture soft all over (twice the threshold) is reported.",
    )
    sampling_floor: float = setting(
        1.2, "pixels of the measured (rectified) image, gaussian sigma",
        "A sharp printed edge in a real photo - demosaiced, sharpened and compressed by the phone, then area-reduced "
        "to the working copy - measures sigma 0.92-1.47 px (median 1.2) in the measured copy whatever the reduction "
        "(25 real development photos, each at 1, 0.7, 0.5 and 0.35 times its working size); what is left above this "
        "floor is the scene's blur, which scales with the document, so a small or reduced document reads like a "
        "large one. "
        "The 0.9 measured on generated edges (sampled once) left 0.6-0.8 px that, divided by a document reduced to "
        "about 500 px, read 1.5-1.9 per 1000 px: sharp photos stitched into a front-and-back collage were called "
        "blurry (4 of the 61). With 1.2, the same photos mildly out of focus (benchmarks.real_variants soft) are "
        "found as often (18 of 61 both ways).",
    )
    min_sigma_px: float = setting(
        1.6, "pixels of the original picture (gaussian sigma of an edge)",
        "Blur is reported only when edges are also soft in absolute terms: an edge spread over 1.6 px or less is crisp "
        "whatever the document's size (sharp small web pictures and screenshots of the real set measured 1.0-1.35 px), "
        "and a document that is merely small in pixels is image.low_resolution's finding, not this one.",
    )
    min_edges: int = setting(
        150, "edge pixels",
        "The blur estimate needs at least this many high-contrast edge pixels in one direction to be a statistic, "
        "not noise; an almost blank region is not judged.",
    )


@dataclass(frozen=True)
class GlareConfig:
    clip_level: int = setting(
        248, "grey level (0-255)",
        "Specular reflections saturate the sensor: the print under them is gone only where the picture is clipped "
        "(>= 248 after JPEG rounding).",
    )
    above_paper: int = setting(
        8, "grey levels",
        "A glare spot is brighter than the document's own paper (median of the paper): an evenly overexposed white "
        "licence is not glare, its print is still readable.",
    )
    max_share: float = setting(
        0.006, "share of document area",
        "0.6% of an ID card is a 7 x 4 mm spot: enough to wipe out two or three characters of the number or name. "
        "Regula's sample profile flags glare from 1% of the document; we are a little stricter because one lost "
        "character is a rejection.",
    )
    min_hotspot: float = setting(
        0.005, "share of the picture's area",
        "Without a confident outline only a clear reflection is reported: a clipped spot with a soft halo covering "
        "0.5% of the picture (a 7 x 4 mm spot on an ID card that fills a quarter of the frame). The real reflection "
        "of the development set covered 3.8%.",
    )
    min_soft_spot: float = setting(
        0.01, "share of document area",
        "A reflection that is not clipped leaves the print under it faint, not gone: it is reported from 1% of the "
        "document (a 9 x 5 mm patch of an ID card, a few characters), when it lies 50 grey levels or more above the "
        "paper with a soft halo (image/soft_glare.py). The development photos' two such reflections covered 1.9% and "
        "2.2%; the clipped rule counts from 0.6% because clipped print is gone.",
    )
    rim_inset: float = setting(
        0.012, "share of the document's short side",
        "The outline is accurate to about 1% of the document: a blown-out strip only along its rim is what lies beyond "
        "it (a white desk, an app's white background in a screenshot), so a spot must have 0.05% of the document "
        "inside that rim (seed 1: a 3-4 px white strip around a screenshot's card read as 1.1% glare).",
    )


@dataclass(frozen=True)
class ColourConfig:
    min_chroma: float = setting(
        6.0, "Lab chroma units",
        "A pixel is 'coloured' when its 5 x 5 px smoothed chroma, after dividing out the colour of the light, is 6 or "
        "more: faded blue labels and portraits measure 8-20, the seal ~60; black-and-white print under a tinted "
        "light, JPEG chroma noise and demosaicing fringes stay under ~5 (seed 1 fixtures).",
    )
    min_coloured_share: float = setting(
        0.014, "share of document area",
        "Colour documents, faded or blurred, have >= 2.2% of their area in colour (labels, portrait, seal, tinted "
        "guilloche); black-and-white copies and scans photographed in colour stay under 0.9% (seed 1; one copy held "
        "in a skin-toned hand reaches 6%, its outline taking in the hand).",
    )
    max_picture_chroma: float = setting(
        2.0, "Lab chroma units (99th percentile over the picture, its global cast removed)",
        "A black-and-white file or grey scan carries no colour anywhere: after removing its one global tint, 99% of it "
        "lies within 1.1 chroma units (real greyscale scans and greyscale JPEGs: 0.0-1.1). Every colour camera photo "
        "on the real set measured 3.0 or more - a white page on black cloth included - from the light's variation, "
        "the desk, a hand, sensor noise: 2.0 lies between. Measured on the ~400 px detection copy. Below it a "
        "warning; an error only below grey_file_chroma (a colour photo cropped to a black-and-white page can measure "
        "1.6-2.5).",
    )
    grey_file_chroma: float = setting(
        0.5, "Lab chroma units (as max_picture_chroma)",
        "Under this the picture carries no colour information at all: a file stored grey (R = G = B, or a JPEG whose "
        "chroma planes are flat) measures 0.0, and any colour capture keeps more than this of sensor noise and the "
        "light's tint. Real development set: 4 greyscale files 0.00, a near-grey scan 1.11; the photos of "
        "black-and-white pages cropped to the page (as a scanner app does) 1.61-2.45. Only this is certain enough "
        "for an error.",
    )
    min_region_confidence: float = setting(
        0.2, "outline confidence (0-1)",
        "Colour is measured on the document's region even from a doubtful outline, but not from one below 0.2 (a "
        "sliver or triangle from a broken outline, a portrait's box): the whole picture is measured instead. A "
        "colour card's portrait alone, or a sliver of grey desk, reads as a black-and-white document.",
    )


@dataclass(frozen=True)
class OcclusionConfig:
    min_share: float = setting(
        0.001, "share of document area",
        "A fingertip entering over an ID card's edge shows 0.1-0.4% of the card inside the outline's 1.2% inset; 0.1% "
        "(~5 mm2 on a card, ~0.6 cm2 on A4) is a patch that hides part of a border, corner or character. Smooth skin-"
        "toned regions entering from the border measured 0 on seed-1 photos without a finger, 0.066% at most (a "
        "screen photo); the smallest fingertips measured 0.09-0.17%.",
    )
    max_skin_texture: float = setting(
        5.0, "grey levels (standard deviation over 5 x 5 px)",
        "Skin over a document is smooth (and usually out of focus, being nearer the lens); red seals, tinted "
        "guilloche and coloured watermark text are strokes with 10+ levels of local variation.",
    )
    border_band: float = setting(
        0.01, "share of the document's short side, beyond the ignored inset",
        "A finger crosses the document's edge, so its skin reaches the outline (within the inset plus 1%: the "
        "outline's own accuracy); skin-coloured areas that stop short of the edge - punch holes showing a wooden "
        "desk, the portrait's face, a warm-shaded margin - are not fingers (real photos: 3 of 3 such false alarms "
        "lay 2-8% inside the edge).",
    )
    inset: float = setting(
        0.012, "share of the document's short side",
        "The outline is known to about 1% of the card: the outermost strip is ignored so that a wooden or skin-"
        "coloured background showing at the very edge is not taken for a finger.",
    )


@dataclass(frozen=True)
class WatermarkConfig:
    min_lattice: float = setting(
        7.0, "spectral peak / band median ratio",
        "Tiled watermark text makes the document's faint-stroke layer periodic along a direction tilted 15-75 degrees "
        "from its sides (rows of text every 1/16-1/3 of the document): one spectral peak 7-18x above that band's "
        "median once the black print is left out. Clean photographed documents stay under ~6x; blurred ones reach "
        "~10x (leftover character grid), which min_over_cross_term separates (tuned on seed 1).",
    )
    min_tilt_over_axis: float = setting(
        1.0, "tilted peak / strongest axis peak",
        "A watermark's tilted rows make the strongest peak of the whole period band, axes included "
        "(seed 1: 1.18-5.8x), no margin asked: near the axes (74.7 degrees) a clean card's tilted peak that is "
        "no cross term still lost to its rows (0.82x).",
    )
    min_over_cross_term: float = setting(
        1.25, "tilted peak / weaker of its two axis projections",
        "A document's own rows (0, b) and columns (a, 0) make tilted cross terms (a, b), no stronger than either "
        "parent: clean, blurred, glared and photocopied documents near or above min_lattice stay under 1.16x on "
        "seed 1; a watermark's tilted rows have no such parents (1.36-5.8x).",
    )
    min_outline_confidence: float = setting(
        0.8, "outline confidence (0-1)",
        "The lattice measure reads faint periodic texture over the whole outlined region: an outline that is only "
        "doubtfully the document's (0.5-0.8) takes in what is beside it, and windows, wardrobe doors, tiles and "
        "fabric are periodic too (a building's windows outlined at 0.57 read as a watermark on a real photo). "
        "Generated documents are outlined at 0.9-1.0. Below it, a picture that is the document (a scan, a scanner "
        "app's crop: ImageContext.frame_document) is read whole instead.",
    )
    stroke_clip: float = setting(
        4.0, "grey levels",
        "The stroke layer (high-pass of the grey document) is clipped at 4 grey levels so a semi-transparent "
        "watermark stroke (10-60 levels) weighs as much as any other fine detail.",
    )
    print_below_paper: float = setting(
        110.0, "grey levels below the paper",
        "Black print is 150-200 levels darker than the paper; a watermark at alpha 0.2-0.6, even in a dark colour, "
        "at most ~90 darker: the print (and 2 px around it) is left out of the stroke layer.",
    )
    min_stroke_tilt: float = setting(
        1.8, "folded direction histogram at its peak / its median 5-15 degrees either side",
        "A phrase laid over the document at a tilt puts its faint strokes' edges at that angle and 90 degrees on "
        "(image/stroke_tilt.py); looked for on a surely outlined document when the lattice index found nothing. "
        "Originals: the development photos, their 2000 px copies and the MRZ documents measure at most 1.57 (57 "
        "outlines), generated documents with guilloche at several tilts at most 1.23; app-style watermarks over "
        "the real photos mostly 1.4-4.0 (benchmarks/watermark_real.py). 1.8 leaves the originals' highest 15% below.",
    )
    min_stroke_pair: float = setting(
        1.2, "prominence of the weaker of the two perpendicular directions",
        "Text's strokes run along and across its baseline: both directions stand out. A logo's slanted side, a "
        "triangle's edges, one family of guilloche lines make one direction only (a real card's printed triangle: "
        "1.52 folded, 0.89 for the weaker direction).",
    )
    rows_from_stroke_tilt: float = setting(
        1.2, "folded direction histogram at its peak / its median 5-15 degrees either side",
        "Strokes leaning at one tilt, but under min_stroke_tilt, are a question, not an answer: the text detector is "
        "then asked whether they are rows of text at a tilt (as text_rows_on_every_picture does for every picture). "
        "Most originals measure 1.0-1.15 (the development photos and the MRZ documents: 4 of the 35 outlines "
        "measured at 1.2 or more, none called watermarked; generated cards with guilloche up to 1.23), so the "
        "detector's 80-160 ms of CPU is spent on few pictures; a grey phrase over a dim page or a faint one over "
        "dense print measures 1.2-1.8 (benchmarks/watermark_real.py: 58 -> 63 of 132 found, held-out styles "
        "67 -> 75 of 176, no false alarm).",
    )
    min_phrase_repeat: float = setting(
        0.025, "autocorrelation peak prominence (share of the zero-shift energy)",
        "Third evidence on a sure outline or a frame document, when the spectrum and the strokes' directions say "
        "nothing (image/phrase_repeat.py): a tiled phrase makes the faint-stroke layer repeat, glyph for glyph, at "
        "a tilted shift (in grey, then in the chroma). Noise alone peaks at 0.006-0.009 at this size (the spectrum "
        "partly whitened, phrase_repeat.SPECTRUM_POWER); the real originals' tilted peaks reach well above, but every "
        "one is a cross term of their print (min_phrase_over_parents), an echo of security print (phrase_repeat."
        "FINE_RATIO) or confined to part of the document (min_phrase_spread): none of 156 originals (the development "
        "photos and their cut-out documents, 60 generated cards and licences) passes those three at any peak (one "
        "of benchmarks.watermark_scans' 80 cards did, at FINE_RATIO 2.0: see there). 0.025 (3x the noise's highest): "
        "read over the whole of the 36 real scans with 7 app styles, 147-159 of 252 phrases found at 0.02-0.03 "
        "against 128 at 0.04 (FINE_RATIO 2.0 then).",
    )
    min_phrase_over_parents: float = setting(
        2.0, "peak / the weaker of its two projections on the axes",
        "A document's rows (0, b) and columns (a, 0) of print repeat at (a, b) too, no more strongly than either "
        "parent: the real originals' strongest tilted repeats measure 0.09-0.97x their parents; a phrase's repeat "
        "has none on the axes (mostly 3-50x). 2.0: at 1.5 one of the 520 generated pictures of benchmarks.accuracy "
        "(seed 2: an ID card on wood, its design repeating at a tilt at 1.56x its parents) was called watermarked; "
        "2.0 keeps 90% of the phrases found at 1.5 over the real scans (130 against 144 of 252, this measure alone).",
    )
    min_phrase_spread: float = setting(
        0.66, "share of a 3 x 3 grid over the document",
        "An app tiles its phrase over the whole document, print and portrait alike: the repeat must hold in 6 of the "
        "9 cells or more (a real passport's diamond pattern, printed over part of its page, in 2-5 of 9); cells with "
        "under a quarter of the mean faint-stroke energy (a dark desk, left out with the print) are not counted.",
    )
    text_rows_on_every_picture: bool = setting(
        False, "on / off",
        "Rows of text laid at a tilt across the print (an app's tiled watermark) are looked for in the text lines "
        "the document stage found when the outline was missing or doubtful. On: the text detector also runs on "
        "pictures with a sure outline, to look for them there (about 160 ms of CPU per picture). Real photos with "
        "app-style watermarks laid over them (benchmarks/watermark_real.py) measure the recall both ways.",
    )


@dataclass(frozen=True)
class ScreenConfig:
    min_uniform_rows: int = setting(
        4, "rows of the working copy",
        "A screen draws app bars, panels and page backgrounds as one exact colour across the full width; a camera "
        "never records a whole row within 2 levels of one unclipped colour (noise, vignetting, the light's gradient). "
        "Real photos, scans and photos of screens: 0 such rows in 46 pictures; real screenshots: 6-125 (4 px is a "
        "thin toolbar's edge at the working size). Clipped white and black rows are left out: a flatbed scan's white "
        "background and a blown-out sky are uniform too. Columns down the full height count the same (a capture "
        "turned a quarter), and a row counts only when most of it is exactly one value (capture.EXACT_SHARE): the "
        "blank face of a real card photo cropped flat ran within 2 levels down 25-121 columns, never exactly. Rows in "
        "a run from the picture's edge are a frame or padding, not counted (real screenshots: 5-94 rows away from "
        "it). Nor are the seams of photos stitched together (capture.composite_parts: image.composite).",
    )
    flat_share: float = setting(
        0.2, "share of picture area",
        "Screens render UI backgrounds as exactly constant colour; a camera photo never has 20% of its area in "
        "8 x 8 blocks whose pixels are all identical, because of sensor noise (generated photos: under 0.1%; "
        "screenshots: over 30%). Without phone proportions only non-clipped flat blocks count (a scanner clips white).",
    )
    min_jpeg_quality_for_flat: int = setting(
        70, "JPEG quality (IJG scale, estimated from the file's tables)",
        "Below ~70 the quantiser zeroes every AC coefficient of a smooth photographed area (sensor noise of 1-2 grey "
        "levels is under half the lowest AC step of ~8), so the decoder draws it as exactly flat 8 x 8 blocks: a chat "
        "app's recompression of a photo reached 20% flat blocks at quality 45. Flat blocks then count only with a "
        "phone screen's proportions.",
    )
    phone_aspect: float = setting(
        1.7, "long side / short side",
        "Phone screens are 16:9 to 19.5:9 (1.78-2.17); photos are 4:3 or 3:2 and documents 1.41-1.59.",
    )
    min_moire: float = setting(
        150.0, "spectral peak / band median ratio",
        "A photo of a screen shows the display's pixel grid beating with the sensor's: one sharp peak at 2-7 px "
        "periods, 150x+ above that band's median; but print, guilloche and paper reached 165x on seed 1, so a peak "
        "counts only with some colour texture as well (``moire_colour_texture``).",
    )
    min_colour_texture: float = setting(
        3.3, "Cr/Cb levels (RMS of the 1.5 px high-pass over the brighter half of the document)",
        "A screen's red, green and blue sub-pixels, imaged by the sensor's own colour mosaic, leave colour texture "
        "where paper is plain white: seed-1 screen photos measured 2.2-48 (median 7.5), printed documents 0-3.2 "
        "(median 1.1; the top ones tiny documents stored without chroma subsampling).",
    )
    moire_colour_texture: float = setting(
        2.5, "Cr/Cb levels (as above)",
        "With a pixel-grid peak (``min_moire``), less colour texture suffices; but printed documents stored without "
        "chroma subsampling (BMP, PNG) with a guilloche peak of 165x reached 2.07 (seeds 1 and 5).",
    )
    min_colour_stripes: float = setting(
        1.0, "Cr/Cb levels (amplitude of the strongest hue-turning chroma sinusoid, 2-25 px periods, central crop)",
        "Colour moire that the working copy's reduction folded to coarser periods shows as rainbow bands whose hue "
        "turns; print of one colour only swings chroma back and forth and measures ~0. Seed 1: printed documents "
        "at most 0.17, screen photos that the texture measures missed 1.5-8.7; 1.0 is 6 x the top of print.",
    )
    stripe_peak_ratio: float = setting(
        250.0, "chroma spectral peak / band median ratio",
        "The stripe must be one sharp period, not a chance excess in chroma noise: over noise of sigma 1.3 Cr/Cb "
        "levels a 6-level rainbow reaches ~400 (unit test); seed-1 screen photos with stripes measured 357-1530.",
    )
    min_grid_tiles: int = setting(
        6, "tiles of 16 (256 px each, full resolution) agreeing on one pixel pitch",
        "A display's pixel lattice resolved by the camera: a sharp spectral line at a 2.1-6 px period along the "
        "picture's axes, the same period across the screen (idcheck.image.display_grid). Real development photos: "
        "the two photos of screens 10 and 12 tiles; the 59 other pictures (paper, cards, halftone print, "
        "screenshots, resized web JPEGs) at most 2. 6 tiles is a screen over at least a third of the picture.",
    )


@dataclass(frozen=True)
class OcrConfig:
    engines: tuple[str, ...] = setting(
        ("rapidocr", "tesseract"), "engine names, in order of preference",
        "The first installed engine reads the document; 'rapidocr' is RapidOCR 3 (PP-OCRv6 small, a dependency). "
        "benchmarks/mrz.py, 27 real MRZs without a profile: RapidOCR 3 read 25 numbers and 23 whole MRZs exactly, "
        "rapidocr-onnxruntime 1.4 27 and 19 (2 valid readings with another line wrong), Tesseract 17 and 5; none "
        "claimed validity with a wrong number. benchmarks/ocr.py, report seed 2026, 72 generated ID cards and "
        "licences: RapidOCR 3 and 1.4 both read 72/72 names and numbers (Tesseract 66 and 70), no false mismatch; "
        "one-character name changes caught 71/72 against 69/72. Tesseract (chi_sim + eng) is always installed "
        "and is the fallback.",
    )
    timeout: float = setting(
        10.0, "seconds per engine call",
        "One call reads a few small line crops (0.1-0.5 s); ten seconds means the engine hangs, and the check "
        "must still return a report (the fields count as unreadable).",
    )
    name_confidence: dict = setting(
        {"rapidocr": 0.50, "tesseract": 0.50}, "weakest character's confidence (0-1), per engine",
        "Below this the name counts as unreadable ('could not verify'), whatever it says. Above it a reading "
        "equal to the profile is verified (the profile corroborates every character), and a difference must "
        "still pass mismatch_confidence and the glyph check. Correctly read names had their weakest character "
        "at 0.63+ (RapidOCR) and 0.87+ (Tesseract, per-character confidences of the in-process library) on the "
        "tuning seed of benchmarks/ocr.py.",
    )
    mismatch_confidence: dict = setting(
        {"rapidocr": 0.95, "tesseract": 0.95}, "confidence (0-1) of every differing character, per engine",
        "A name is reported as different from the profile only when each character that differs was read at "
        "least this confidently, most readings of the line agree and the glyph check does not veto it: a "
        "misread must never become a profile.name_mismatch. Tuning seed (benchmarks/ocr.py): a correctly read "
        "character at the position a one-character change touched had 0.957+ (Tesseract; 0.88 once for "
        "RapidOCR, otherwise 0.957+); Tesseract's misreads 0.80-0.96 (起 for 霞 at 0.96 is left to the glyph "
        "check). Weaker differences are 'could not verify' (ocr.unreadable).",
    )
    number_confidence: float = setting(
        0.30, "weakest character's confidence (0-1)",
        "A number is trusted because its check characters pass (a one-character misread fails GB 11643 / "
        "GB 32100 always), so the confidence only screens out noise read as digits.",
    )
    glyph_check: bool = setting(
        True, "on/off",
        "Before a name is reported as different, each differing character of the picture is compared with the "
        "read and the typed character rendered in a CJK font (idcheck.ocr.glyphs): engines misread some "
        "characters confidently and consistently (Tesseract reads 霞 as 起 at 0.96 at every scale), which no "
        "confidence threshold can tell from a real difference. Without a CJK font the difference is 'could "
        "not verify'.",
    )
    glyph_min_score: float = setting(
        0.30, "normalised cross-correlation (-1..1)",
        "The read character must fit the picture at least this well, or the character cell was not cut out "
        "cleanly and nothing is concluded from it. Real differences on the tuning seed scored 0.39-0.98.",
    )
    glyph_margin: float = setting(
        0.05, "normalised cross-correlation (-1..1)",
        "The read character must fit the picture this much better than the typed one. On the tuning seed the "
        "engines' confident misreads fitted 0.19-0.70 worse than the true (typed) character, real differences "
        "0.15 or more better.",
    )


@dataclass(frozen=True)
class OcrPoolConfig:
    """The OCR engines a process shares between its threads (:mod:`idcheck.ocr.engines.pool`, which owns this
    section).  An operator's setting for the whole process, not per check: ``idcheck serve`` applies it at start;
    an embedding service calls ``idcheck.ocr.engines.pool.configure_from(config)`` once, before its first OCR
    read (RapidOCR's concurrency is fixed when its engine is first made; the Tesseract pools follow later
    changes at once)."""

    size: int = setting(
        0, "engines per language (Tesseract); concurrent runs (RapidOCR); 0: $IDCHECK_OCR_POOL, else the cores",
        "One read keeps a core busy, so more engines than cores only queue inside the engine while each "
        "initialised Tesseract engine holds ~54 MB (chi_sim): at most one per core and language. Lower it to cap "
        "OCR memory on a server that runs other work; the 16-thread bursts of benchmarks.ocr_pool stayed at "
        "192-194 MB with the default on 2 cores.",
    )
    idle: float = setting(
        0.0, "seconds unused before an engine is ended; 0: $IDCHECK_OCR_IDLE, else 60",
        "Making a Tesseract engine costs ~0.2-0.5 s, so an engine is kept while requests keep coming; a minute "
        "without a read hands its ~54 MB back (benchmarks.ocr_pool: 194 -> 114 MB once the engines were ended).",
    )

    def __post_init__(self) -> None:
        if self.size < 0 or self.idle < 0:
            raise UsageError(f"[ocr_pool] size and idle must be >= 0 (0: the default), not {self.size}, {self.idle}")


@dataclass(frozen=True)
class TamperConfig:
    """The grading thresholds of tamper findings; the detectors' tuning constants are module constants beside their
    code (idcheck.tamper.local, .grid, .copymove), each with its unit and reason."""

    ghost_warn: float = setting(
        7.0, "binomial z-score (peak of a region)",
        "A pasted field saved earlier at quality 50-80 peaks at z 8-20 when the final save is 85-95; untouched "
        "photos, camera originals or re-saved once, stayed at or below 5.6 on the tuning seed.",
    )
    ghost_error: float = setting(
        12.0, "binomial z-score (peak of a region)",
        "Only a lattice this far beyond chance is reported as an error: no untouched photo came near it.",
    )
    dq_z: float = setting(
        8.0, "mean window z over the region",
        "A region without the DQ signature must lie this far below the document: untouched photos with a clear "
        "signature reached -5.3 (a portrait area) on the tuning seed, a never-compressed pasted field -16.",
    )
    noise_ratio: float = setting(
        0.35, "local / document noise",
        "Typed-in or synthetic content has almost no sensor noise: its flat background measures under a third of "
        "the paper's noise elsewhere on the document; lighting alone changes noise by well under 2x.",
    )
    copy_error_z: float = setting(
        12.0, "noise correlation x sqrt(flat pixels)",
        "A copy-move is an error when the copied area's noise correlation is this far beyond chance (copies on "
        "the tuning seed: 5.6-74, 12 of 16 above 12; untouched photos never reached the 5.0 needed to report); "
        "below it, a warning.",
    )
    copy_noise_corr: float = setting(
        0.45, "correlation (0-1)",
        "Copied pixels carry the same sensor noise: the noise residuals of the two blocks correlate far above "
        "two prints of the same glyph (which correlate under ~0.3 after removing the glyph's edges).",
    )
    grid_z: float = setting(
        8.0, "binomial z-score",
        "Over the grown region, the coefficients on the foreign grid must sit on the IJG lattice this far "
        "beyond chance.",
    )
    grid_error: float = setting(
        14.0, "binomial z-score (over the region)",
        "A region on an earlier lattice is an error from this z (pasted fields on the tuning seed: 18-116); no "
        "untouched photo gave any region at all (no window passed idcheck.tamper.grid.SEED).",
    )


@dataclass(frozen=True)
class Config:
    intake: IntakeConfig = field(default_factory=IntakeConfig)
    decode: DecodeConfig = field(default_factory=DecodeConfig)
    document: DocumentConfig = field(default_factory=DocumentConfig)
    resolution: ResolutionConfig = field(default_factory=ResolutionConfig)
    blur: BlurConfig = field(default_factory=BlurConfig)
    glare: GlareConfig = field(default_factory=GlareConfig)
    colour: ColourConfig = field(default_factory=ColourConfig)
    occlusion: OcclusionConfig = field(default_factory=OcclusionConfig)
    watermark: WatermarkConfig = field(default_factory=WatermarkConfig)
    screen: ScreenConfig = field(default_factory=ScreenConfig)
    ocr: OcrConfig = field(default_factory=OcrConfig)
    ocr_pool: OcrPoolConfig = field(default_factory=OcrPoolConfig)
    tamper: TamperConfig = field(default_factory=TamperConfig)

    def describe(self) -> list[dict[str, Any]]:
        """Every setting: section, name, value, unit, reason."""
        rows = []
        for section in dataclasses.fields(self):
            part = getattr(self, section.name)
            for f in dataclasses.fields(part):
                rows.append(
                    {
                        "setting": f"{section.name}.{f.name}",
                        "value": getattr(part, f.name),
                        "unit": f.metadata.get("unit", ""),
                        "reason": f.metadata.get("reason", ""),
                    }
                )
        return rows

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Config:
        """Defaults overridden by ``{"section": {"name": value}}``; unknown names are usage errors."""
        base = cls()
        changes: dict[str, Any] = {}
        known = {f.name for f in dataclasses.fields(cls)}
        for section_name, values in data.items():
            if section_name not in known:
                raise UsageError(f"unknown config section {section_name!r}; known: {sorted(known)}")
            section = getattr(base, section_name)
            names = {f.name for f in dataclasses.fields(section)}
            bad = set(values) - names
            if bad:
                raise UsageError(f"unknown settings in [{section_name}]: {sorted(bad)}; known: {sorted(names)}")
            changes[section_name] = dataclasses.replace(section, **values)
        return dataclasses.replace(base, **changes)

    @classmethod
    def load(cls, path: Any) -> Config:
        """Defaults overridden by a TOML file: ``idcheck.toml``, or ``[tool.idcheck]`` of a pyproject.toml
        (see :func:`load_file`); names and types are checked."""
        return load_file(path).config


DEFAULT = Config()


# -- configuration files: idcheck.toml, or [tool.idcheck] in a pyproject.toml (idcheck.configfile) --------

OPTIONS = {"channel": str, "read_documents": bool}


@dataclass(frozen=True)
class ConfigFile:
    path: str
    config: Config
    channel: str | None = None  # None: not set in the file
    read_documents: bool | None = None


def load_file(path: str | os.PathLike[str]) -> ConfigFile:
    path = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from None
    if os.path.basename(path) == "pyproject.toml":
        data = data.get("tool", {}).get("idcheck")
        if data is None:
            raise UsageError(f"{path} has no [tool.idcheck] table")
    options: dict[str, Any] = {}
    sections: dict[str, Any] = {}
    for key, value in data.items():
        if key in OPTIONS:
            if type(value) is not OPTIONS[key]:
                raise UsageError(f"{path}: {key} must be a {OPTIONS[key].__name__}, not {value!r}")
            options[key] = value
        elif isinstance(value, dict):
            sections[key] = value
        else:
            raise UsageError(f"{path}: unknown option {key!r}; options: {sorted(OPTIONS)}, or a [section] of settings")
    if "channel" in options and options["channel"] not in CHANNELS:
        raise UsageError(f"{path}: channel must be one of {sorted(CHANNELS)}, not {options['channel']!r}")
    try:
        config = Config.from_dict({name: _typed(name, values, path) for name, values in sections.items()})
    except UsageError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return ConfigFile(path, config, **options)


def _typed(section_name: str, values: dict[str, Any], path: str) -> dict[str, Any]:
    """Values checked against the defaults' types (TOML arrays become tuples)."""
    known = {f.name: f for f in dataclasses.fields(Config)}
    if section_name not in known:
        return values  # from_dict names the known sections
    section = getattr(Config(), section_name)
    out = {}
    for name, value in values.items():
        if not hasattr(section, name):
            out[name] = value  # from_dict names the known settings
            continue
        default = getattr(section, name)
        out[name] = _coerce(default, value, f"[{section_name}] {name}")
    return out


def _coerce(default: Any, value: Any, where: str) -> Any:
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(default, str):
        ok = isinstance(value, str)
    elif isinstance(default, tuple):
        ok = isinstance(value, list)
        if ok:
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
    else:
        ok = True
    if not ok:
        raise UsageError(f"{where} must be like {default!r}, not {value!r}")
    return value
