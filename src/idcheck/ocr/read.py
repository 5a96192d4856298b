"""Reading a document (OCR): the pipeline behind :func:`read_document` (``idcheck.ocr`` re-exports it).

::

    reading = read_document(ctx, expected="id_card")          # DocumentReading
    findings, extra = idcheck.ocr.crosscheck.run(ctx, profile, config)

Pipeline (each step in its own module):

1. the document quadrilateral from the image engine (``ctx.document``; the whole frame when none
   was found, as for a flat scan), rectified at OCR resolution (:mod:`.rectify`): a 480 px copy
   of the whole document for the classification, and only the layout's field windows at full
   resolution (warping a whole licence page cost ~40 ms);
2. classified from the picture (ID photo side / emblem side / licence / passport page / other);
   a strong emblem side is not read further;
3. the layout's field windows -> tight line crops (:mod:`.fields`); a licence row's label is cut off;
4. the crops read by the engine (:mod:`.engines`): the name line and the most number-like line
   first; then the engine's other readings (variants) of the name, which vote, and - only while no
   number has passed its check characters - the other candidate lines and the number's variants;
5. numbers repaired by position and check characters (:mod:`.repair`); two different valid
   readings make the number ambiguous (never compared); the first orientation and layout whose
   number validates wins (a card upside down is read again turned by 180 degrees); the whole
   frame replaces the detected outline only when its number validates;
6. compared with the profile (:mod:`.crosscheck`, with the glyph check of :mod:`.glyphs`).

OCR runs only when asked (a profile is given or ``ocr=True``), never in bulk scans by default.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from .. import doctypes
from . import engines, mrz, textdoc
from . import mrz as _mrz
from .engines import LineCrop, ReadLine
from .fields import FieldCrop, field_crops, layout_for
from .rectify import (
    Classification,
    classify,
    orientations,
    rectify_small,
    shape_of,
    source_for,
    target_size,
    turn,
    warp_windows,
)
from .repair import Repaired, repair

__all__ = ["read_document", "DocumentReading", "FieldReading", "EXPECTED_LABEL", "NUMBER_FORMAT", "mrz_label"]

# profile document types / check() kinds -> the document label the picture must show
EXPECTED_LABEL: dict[str, str] = doctypes.EXPECTED_LABEL  # idcheck/data/document_types.toml
NUMBER_FORMAT = {"id_card_front": "ric", "business_license": "uscc"}


@dataclass
class FieldReading:
    """One field as read: ``text`` after repair; ``confidence`` the weakest character's (0..1).

    A name read several ways (the engine's variants) keeps the text most readings agree on
    (``agreeing`` of ``readings``) and, per character, the best confidence among those readings.
    ``crop`` is the line picture the engine read (for the cross-check's glyph comparison; never
    reported)."""

    field: str
    text: str
    raw: str
    confidence: float
    char_confidences: tuple[float, ...] | None
    box: tuple[int, int, int, int]  # in the rectified document
    region: list[tuple[float, float]] | None = None  # original picture coordinates
    repaired: Repaired | None = None
    readings: int = 1
    agreeing: int = 1
    crop: np.ndarray | None = dataclasses.field(default=None, repr=False, compare=False)
    span: tuple[int, int] | None = None  # (characters read before the value, characters read in the line)
    parsed: Any = dataclasses.field(default=None, repr=False, compare=False)  # an MRZ's mrz.MrzResult
    clipped: bool = False  # the line reached its search window's end: characters may lie beyond it

    @property
    def valid(self) -> bool | None:
        """Numbers: the check characters pass; names: None (no checksum)."""
        return self.repaired.valid if self.repaired is not None else None

    def __repr__(self) -> str:
        return (f"FieldReading({self.field!r}, len={len(self.text)}, confidence={self.confidence:.2f}, "
                f"valid={self.valid})")


@dataclass
class DocumentReading:
    engine: str
    found: bool  # the document quad came from detection (False: the whole frame was read)
    classification: Classification
    label: str  # the layout that was read ("id_card_front", "business_license", "passport" or "")
    orientation: int  # clockwise degrees applied to the rectified document
    fields: dict[str, FieldReading] = field(default_factory=dict)
    attempts: int = 0
    source: str = "working"
    ms: float = 0.0
    located: str = "outline"  # where the quad came from: "outline" (image engine), "text" (its labels), "frame"


    @property
    def confirmed(self) -> bool:
        """A number of the layout's format was read and validated: the document kind is certain."""
        f = self.fields.get("number") or self.fields.get("mrz")
        return bool(f and f.valid)


def _frame_quad(h: int, w: int) -> np.ndarray:
    return np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)


READ_LABELS = ("id_card_front", "business_license", "passport")
# kinds that carry no machine-readable zone: when the picture's labels classify it as one of them, MRZ-like bands
# in it are not read.  Only the licence: its labels (营业执照, 统一社会信用代码 ...) are printed on nothing that has an
# MRZ.  Not the resident ID: its emblem side's long labels (中华人民共和国, 签发机关) are printed on Chinese
# passports too, and a passport's MRZ must never be skipped.
KINDS_WITHOUT_MRZ = frozenset({"business_license"})


def _layouts_to_try(expected: str | None, cls: Classification, hint: str | None = None) -> list[str]:
    order: list[str] = []
    if expected in READ_LABELS:
        order.append(expected)
    if hint in READ_LABELS and hint not in order:
        order.append(hint)
    if cls.label in READ_LABELS and cls.label not in order:
        order.append(cls.label)
    default = "id_card_front" if cls.shape == "card" or cls.evidence.get("shape") == "card" else "business_license"
    if default not in order:
        order.append(default)
    return order


def read_document(
    ctx: Any,
    *,
    expected: str | None = None,
    engine: str | Sequence[str] = ("tesseract",),
    timeout: float = 10.0,
    max_attempts: int = 4,
) -> DocumentReading | None:
    """Read the fields of the document in ``ctx`` (an ImageContext, or anything with ``rgb``).

    ``expected`` is the document label the caller expects (see :data:`EXPECTED_LABEL`); it is
    read first.  Returns None when no engine is available.
    """
    eng = engines.resolve(engine)
    if eng is None:
        return None
    started = time.perf_counter()
    rgb = ctx.rgb
    h, w = rgb.shape[:2]
    doc = getattr(ctx, "document", None)
    # an outline the image engine itself does not trust (under document.min_confidence: the frame standing for a
    # document that fills the picture, the hull of its print) places nothing: the print is surveyed first
    untrusted = doc is not None and float(getattr(doc, "confidence", 1.0)) < ctx.config.document.min_confidence
    survey_first = doc is None or untrusted
    survey: textdoc.Survey | None = None
    if survey_first and expected != "passport":
        # where the print is surveyed anyway, a first look at it (the first batch of label lines: ~45 ms of
        # recognition, the batch the whole survey starts with) comes before the MRZ: a document it classifies as a
        # kind that carries no MRZ (KINDS_WITHOUT_MRZ) is not searched for one (15-18 ms) nor are rows of it that
        # look like a band read (two blurred generated licences: ~120 ms of recognition each, for nothing).  A
        # passport, or a picture the first look does not classify, has its MRZ looked for and read as before (the
        # whole survey, only if the MRZ does not validate, reads on from the first look).  When the caller expects a
        # passport, the MRZ comes first.
        survey = textdoc.survey(ctx, eng, timeout=timeout, first_look=True)
    skip_mrz = survey is not None and survey.label in KINDS_WITHOUT_MRZ
    bands, band_scale = ([], 1.0) if skip_mrz else _machine_bands(ctx)
    machine = _read_machine_zone(ctx, eng, expected, timeout, bands, band_scale) if bands else None
    if machine is not None and machine.confirmed:
        machine.ms = (time.perf_counter() - started) * 1000.0
        return machine
    weak = doc is None or float(getattr(doc, "confidence", 1.0)) < textdoc.WEAK_OUTLINE
    # the document's own print (textdoc.py): its kind when not given, its place when the outline is weak or absent.
    # With an outline (the kind given and a weak outline, or the kind not given and a confident outline) the outline
    # is read first (the layout the picture suggests) and the print surveyed only when that reading confirms nothing:
    # a number that passes its check characters settles the kind (it decides over the labels), so reading the labels
    # first (the text detector and a batch of label lines: 150-250 ms of CPU) would be spent for nothing.
    if survey_first and (survey is None or not survey.complete):
        survey = textdoc.survey(ctx, eng, timeout=timeout, resume=survey)
    lazy = survey is None and (weak or expected is None)
    hint = survey.label if survey is not None else None
    quads: list[tuple[np.ndarray, bool, str]] = []
    if doc is not None:
        quads.append((np.asarray(doc.quad, np.float32), True, "outline"))
    if survey is not None and survey.quad is not None:
        quads.insert(0 if weak else len(quads), (survey.quad, True, "text"))
    quads.append((_frame_quad(h, w), False, "frame"))  # a flat scan (or a missed outline): the whole picture
    best: DocumentReading | None = None
    attempts = 0
    i = 0
    while i < len(quads):
        quad, found, located = quads[i]
        if lazy and located == "frame":
            lazy = False
            survey = textdoc.survey(ctx, eng, timeout=timeout)
            if survey is not None:
                hint = survey.label or hint
                if survey.quad is not None:
                    quads.insert(i, (survey.quad, True, "text"))
                    continue
        # a located document is read once at least (its orientation and kind are known: one attempt)
        budget = max(1, max_attempts - attempts) if located == "text" else max_attempts - attempts
        reading, n = _read_quad(ctx, eng, quad, found, expected, timeout, budget, hint=hint,
                                fixed_turn=located == "text")
        reading.located = located
        attempts += n
        # the whole frame replaces the detected document only with a number that validates (a flat scan
        # whose outline was mistaken): its classification and fields are otherwise those of the background;
        # the document located from its labels replaces a weak outline that read less
        if best is None or (reading.confirmed and not best.confirmed) or (
                located == "text" and not best.confirmed and _fields_read(reading) >= _fields_read(best)):
            best = reading
        if best.confirmed or _legible(best) or best.classification.strength == "strong":
            break
        if attempts >= max_attempts and not lazy:
            break
        i += 1
    assert best is not None
    if machine is not None and not best.confirmed and (
            expected == "passport" or machine.fields["mrz"].parsed.passed >= 2):
        # an MRZ that was found but did not validate says more than a layout read over the same picture
        machine.attempts += attempts
        best = machine
    else:
        best.attempts = attempts
    if survey is not None:
        best.classification = _with_text(best, survey)
    best.ms = (time.perf_counter() - started) * 1000.0
    return best


def _with_text(reading: DocumentReading, survey: textdoc.Survey) -> Classification:
    """The reading's classification with the text's evidence: the labels read decide over the picture's look (a
    seal, a portrait); a number of another kind that passed its check characters decides over the labels.  Never
    "strong" from the labels alone (profile.document_type_mismatch is an error: the text classification has not
    been measured on enough real pictures for that)."""
    cls = reading.classification
    evidence = {**cls.evidence, **survey.evidence()}
    label = cls.label
    if survey.label is not None and not (reading.confirmed and reading.label != survey.label):
        label = survey.label
    strength = cls.strength if label == cls.label else "weak"
    return Classification(label, strength, evidence)


def mrz_label(result: Any) -> str:
    """The document label of an MRZ reading: a passport (TD3, code P) or another machine-readable travel
    document (an ID or residence card, a TD2 document, a visa)."""
    return "passport" if result.layout == "TD3" and result.lines[0][:1] == "P" else "mrz_document"


def _machine_bands(ctx: Any) -> tuple[list[Any], float]:
    """The picture's MRZ evidence: its MRZ-like bands (:func:`.mrz.find_bands`) and the scale they were found at."""
    gray, _ = mrz.gray_of(ctx)
    return mrz.find_bands(gray)


def _read_machine_zone(ctx: Any, eng: Any, expected: str | None, timeout: float, bands: list[Any],
                       scale: float) -> DocumentReading | None:
    """The MRZ in ``bands`` (found anywhere in the picture, :mod:`.mrz`), read as a DocumentReading; None without MRZ
    evidence (no band of MRZ-like lines) or when it reads as no layout."""
    if not bands:
        return None
    r = mrz.read_mrz(ctx, eng, timeout=timeout, bands=bands, scale=scale)
    if r is None:
        return None
    res = r.result
    label = mrz_label(res)
    cls = Classification("passport" if label == "passport" else "other", "strong" if res.valid else "weak",
                         {"mrz_layout": res.layout, "mrz_checks": f"{res.passed}/{res.total}", "bands": len(bands)})
    rep = Repaired("\n".join(r.texts), res.value, res.valid, "mrz", list(res.repairs), ambiguous=res.ambiguous,
                   error=None if res.valid
                   else "; ".join([f"check digit fails: {n}" for n in res.failed] + res.problems),
                   note=res.layout)
    xs = [p[0] for p in r.region]
    ys = [p[1] for p in r.region]
    box = (int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys)))
    fr = FieldReading("mrz", res.value, "\n".join(r.texts), r.confidence, None, box, r.region, rep, parsed=res)
    reading = DocumentReading(eng.name, False, cls, label,
                              r.orientation, {"mrz": fr}, attempts=r.tries, source="picture")
    return reading


def _read_quad(ctx: Any, eng: Any, quad: np.ndarray, found: bool, expected: str | None, timeout: float,
               max_attempts: int, *, hint: str | None = None, fixed_turn: bool = False) -> tuple[DocumentReading, int]:
    """Read the document inside ``quad``; ``hint`` is the kind its text says (read before the picture's guess);
    ``fixed_turn``: the quad's corners are already in reading order (located from its text), so it is not turned."""
    scale = (getattr(ctx, "scale_x", 1.0), getattr(ctx, "scale_y", 1.0))
    shape, _ = shape_of(quad, scale)
    kind = expected or hint
    if kind == "id_card_front" or kind == "id_card_back":
        shape = "card"
    elif kind in ("business_license", "passport"):
        shape = "page"
    size = target_size(quad, shape)
    src, q, source = source_for(ctx, quad, size)
    # the whole document at 480 px, for the picture's classification; not for a document located from its labels,
    # which have classified it already (the labels decide over the picture's look: see _with_text)
    small = None if fixed_turn and hint in READ_LABELS else rectify_small(ctx.rgb, quad, size)
    # homography rectified -> original coordinates, for the findings' regions
    dst = np.array([[0, 0], [size[0] - 1, 0], [size[0] - 1, size[1] - 1], [0, size[1] - 1]], np.float32)
    q_orig = np.asarray(quad, np.float32) * np.array(scale, np.float32)
    to_orig = cv2.getPerspectiveTransform(dst, q_orig)

    best: DocumentReading | None = None
    attempts = 0
    for degrees in [0] if fixed_turn else orientations(shape, size):
        cls = (classify(turn(small, degrees), shape) if small is not None
               else Classification(hint or "other", "weak", {"shape": shape}))
        upright_size = size if degrees % 180 == 0 else (size[1], size[0])
        if best is None:
            best = DocumentReading(eng.name, found, cls, "", degrees, source=source)
        if cls.label == "id_card_back" and cls.strength == "strong":
            best = DocumentReading(eng.name, found, cls, "", degrees, source=source)
            if expected in (None, "id_card_back"):  # the validity period (for document.expired)
                lay = layout_for("id_card_back", upright_size)
                assert lay is not None
                upright = warp_windows(src, q, size, degrees, [spec.window for spec in lay[1]])
                crops = field_crops(upright, lay[1])
                if crops:
                    attempts += 1
                    lines = eng.read_lines([LineCrop(c.image, c.script) for c in crops], timeout=timeout)
                    best = _assemble(eng.name, found, cls, "id_card_back", degrees,
                                     list(zip(crops, lines, strict=False)),
                                     upright.shape, to_orig, size)
                    best.source = source
            break
        for label in _layouts_to_try(expected, cls, hint):
            if attempts >= max_attempts:
                break
            lay = layout_for(label, upright_size)
            if lay is None:
                continue
            upright = warp_windows(src, q, size, degrees, [spec.window for spec in lay[1]])
            crops = field_crops(upright, lay[1])
            if not crops:
                continue
            attempts += 1
            deadline = time.monotonic() + timeout
            first, held = _first_pass(crops)
            lines = eng.read_lines([LineCrop(c.image, c.script) for c in first], timeout=timeout)
            pairs = list(zip(first, lines, strict=False)) + _more_reads(eng, label, first, lines, held, deadline)
            reading = _assemble(eng.name, found, cls, label, degrees, pairs, upright.shape, to_orig, size)
            reading.source = source
            if _better(reading, best, expected):
                best = reading
            if reading.confirmed:
                break
        if best.confirmed or _legible(best) or attempts >= max_attempts:
            break  # turned by 180 degrees only when no number was legible this way up
    assert best is not None
    return best, attempts


def _first_pass(crops: list[FieldCrop]) -> tuple[list[FieldCrop], list[FieldCrop]]:
    """(crops read first, number lines held back): of several candidate number lines only the most
    number-like (the widest for its height: 18 characters) is read first."""
    numbers = sorted((c for c in crops if c.field == "number"),
                     key=lambda c: (c.box[2] - c.box[0]) / max(1, c.box[3] - c.box[1]), reverse=True)
    first = [c for c in crops if c.field != "number"] + numbers[:1]
    return first, numbers[1:]


def _more_reads(eng: Any, label: str, crops: list[FieldCrop], lines: list[ReadLine], held: list[FieldCrop],
                deadline: float) -> list[tuple[FieldCrop, ReadLine]]:
    """The engine's other readings: every variant of a name line (they vote); for the number, while no
    reading has passed its check characters, the candidate lines held back, then the variants of all."""
    variants = getattr(eng, "variants", {}) or {}
    out: list[tuple[FieldCrop, ReadLine]] = []
    names = [c for c in crops if c.field == "name"]
    asks = [(c, v) for c in names for v in range(1, variants.get(c.script, 1))]
    if asks and time.monotonic() < deadline:
        read = eng.read_lines([LineCrop(c.image, c.script, v) for c, v in asks],
                              timeout=max(0.1, deadline - time.monotonic()))
        out += [(c, line) for (c, _), line in zip(asks, read, strict=False)]
    fmt = NUMBER_FORMAT.get(label)
    numbers = [c for c in crops if c.field == "number"] + held
    if not fmt or not numbers or any(repair(line.text, fmt).valid
                                     for c, line in zip(crops, lines, strict=False) if c.field == "number"):
        return out
    if held and time.monotonic() < deadline:
        read = eng.read_lines([LineCrop(c.image, c.script) for c in held],
                              timeout=max(0.1, deadline - time.monotonic()))
        out += list(zip(held, read, strict=False))
        if any(repair(line.text, fmt).valid for line in read):
            return out
    for v in range(1, variants.get(numbers[0].script, 1)):
        if time.monotonic() >= deadline:
            break
        read = eng.read_lines([LineCrop(c.image, c.script, v) for c in numbers],
                              timeout=max(0.1, deadline - time.monotonic()))
        out += list(zip(numbers, read, strict=False))
        if any(repair(line.text, fmt).valid for line in read):
            break
    return out


def _fields_read(r: DocumentReading) -> int:
    return sum(1 for f in r.fields.values() if f.text)


def _legible(r: DocumentReading) -> bool:
    """The number line looks like a number (right length, mostly digits): this way up is right."""
    f = r.fields.get("number") or r.fields.get("mrz")
    if f is None or not f.text:
        return False
    digits = sum(ch.isdigit() for ch in f.text)
    return 15 <= len(f.text) <= 21 and digits >= 8


def _better(a: DocumentReading, b: DocumentReading, expected: str | None = None) -> bool:
    """A validated number first; then the layout the caller expects (a failed passport reading must not lose
    to a licence layout read over the same page); then the confidence."""
    def score(r: DocumentReading) -> tuple[int, int, float]:
        conf = sum(f.confidence for f in r.fields.values())
        return (int(r.confirmed), int(bool(expected) and r.label == expected), conf)

    return score(a) > score(b)


def _unturn(box: tuple[int, int, int, int], degrees: int, upright_shape: tuple[int, ...]) -> list[tuple[float, float]]:
    """Corners of a box in the turned picture -> the un-turned rectified picture."""
    H, W = upright_shape[:2]
    x0, y0, x1, y1 = box
    pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    out: list[tuple[float, float]] = []
    for x, y in pts:
        d = degrees % 360
        if d == 0:
            out.append((x, y))
        elif d == 180:
            out.append((W - 1 - x, H - 1 - y))
        elif d == 90:  # turned clockwise: upright (x, y) came from flat (y, Wf-1-x) where Wf = H
            out.append((y, W - 1 - x))
        else:  # 270
            out.append((H - 1 - y, x))
    return out


def _assemble(engine_name, found, cls, label, degrees, pairs: list[tuple[FieldCrop, ReadLine]],
              upright_shape, to_orig, size) -> DocumentReading:
    reading = DocumentReading(engine_name, found, cls, label, degrees)
    by_field: dict[str, list[tuple[FieldCrop, ReadLine]]] = {}
    for c, line in pairs:
        by_field.setdefault(c.field, []).append((c, line))

    def region(box):
        pts = np.asarray(_unturn(box, degrees, upright_shape), np.float32).reshape(-1, 1, 2)
        return [tuple(map(float, p)) for p in cv2.perspectiveTransform(pts, to_orig).reshape(-1, 2)]

    for name, items in by_field.items():
        if name == "number":
            fmt = NUMBER_FORMAT.get(label)
            cands = []
            for c, line in items:
                rep = repair(line.text, fmt) if fmt else None
                cands.append((c, line, rep))
            # prefer a valid reading, then the one of the right length, then the most confident
            cands.sort(key=lambda t: (bool(t[2] and t[2].valid),
                                      bool(t[2] and len(t[2].value) == 18), t[1].confidence), reverse=True)
            c, line, rep = cands[0]
            values = {t[2].value for t in cands if t[2] is not None and t[2].valid}
            if rep is not None and len(values) > 1:  # two readings pass their check characters and differ
                rep = Repaired(rep.raw, rep.value, False, rep.format, rep.repairs, ambiguous=True,
                               error=f"{len(values)} different readings pass the check characters")
            text = rep.value if rep else line.text
            reading.fields[name] = FieldReading(name, text, line.text, line.confidence, line.char_confidences,
                                                c.box, region(c.box), rep, readings=len(cands),
                                                agreeing=sum(1 for t in cands
                                                             if t[2] is not None and t[2].value == text),
                                                crop=c.image)
        elif name == "mrz":
            firsts = items  # (MRZ lines are read once)
            texts = [line.text for _, line in firsts]

            parsed = _mrz.parse(texts, confidences=[line.char_confidences for _, line in firsts])
            if parsed is None:
                rep = Repaired("\n".join(texts), "\n".join(texts), False, "mrz",
                               error="the lines are no MRZ layout (TD1 3 x 30, TD2 2 x 36, TD3 2 x 44, visas)")
            else:
                rep = Repaired("\n".join(texts), parsed.value, parsed.valid, "mrz", list(parsed.repairs),
                               ambiguous=parsed.ambiguous, note=parsed.layout,
                               error=None if parsed.valid else "; ".join(
                                   [f"check digit fails: {n}" for n in parsed.failed] + parsed.problems))
            conf = min((line.confidence for _, line in firsts), default=0.0)
            box = (min(c.box[0] for c, _ in firsts), min(c.box[1] for c, _ in firsts),
                   max(c.box[2] for c, _ in firsts), max(c.box[3] for c, _ in firsts))
            reading.fields[name] = FieldReading(name, rep.value, "\n".join(texts), conf, None, box, region(box), rep,
                                                parsed=parsed)
        else:
            c = items[0][0]
            lines = [line for cc, line in items if cc is c]
            reads = [_strip_label(line.text, line.char_confidences, label) for line in lines]
            text, confs, agreeing = _vote(reads)
            conf = min(confs) if confs else 0.0
            first = next((line for line, (t, _) in zip(lines, reads, strict=False) if t == text), lines[0])
            span = (_value_span(first.text, label)[0], len(first.text))
            reading.fields[name] = FieldReading(name, text, first.text, conf if text else 0.0, confs, c.box,
                                                region(c.box), readings=len(reads), agreeing=agreeing, crop=c.image,
                                                span=span, clipped=c.clipped)
    return reading


def _vote(reads: list[tuple[str, tuple[float, ...] | None]]) -> tuple[str, tuple[float, ...], int]:
    """The text most readings agree on (the first reading when none agree), with each character's best
    confidence among the readings that agree, and how many agree."""
    if not reads:
        return "", (), 0
    counts: dict[str, int] = {}
    for text, _ in reads:
        counts[text] = counts.get(text, 0) + 1
    best = max(counts, key=lambda t: (counts[t] if t else 0, t == reads[0][0]))
    if counts[best] < 2:
        best = reads[0][0]
    agreeing = [confs or tuple([0.0] * len(text)) for text, confs in reads if text == best]
    confs = tuple(max(col) for col in zip(*agreeing, strict=False)) if best else ()
    return best, confs, len(agreeing)


_LABELS = ("名称", "名稱", "姓名")


def _strip_label(text: str, confs: tuple[float, ...] | None, label: str) -> tuple[str, tuple[float, ...] | None]:
    """Remove a printed label ("名 称", "姓名") and separators read together with the value."""
    if confs is None or len(confs) != len(text):
        confs = tuple([1.0] * len(text))
    a, b = _value_span(text, label)
    return text[a:b], tuple(confs[a:b])


def _value_span(text: str, label: str) -> tuple[int, int]:
    """[start, end) of the value in a line read with its label and ornaments."""
    a, b = 0, len(text)
    if label in ("business_license", "id_card_front"):
        # the row starts with the label 名称 (possibly misread in its spacing); drop up to and including 称
        joined = text[:6]
        for lab in _LABELS:
            k = joined.find(lab[-1])
            if k != -1 and k <= 4 and lab[0] in joined[:k + 1]:
                a = k + 1
                break
        else:  # only the label's last character (the crop starts after the label; a stroke of it was read)
            k = next((i for i, ch in enumerate(joined[:2]) if ch in "称稱"), -1)
            if k != -1 and label == "business_license":
                a = k + 1
    # a name starts with a Han character, a letter or a digit (never with a quote or a bracket read
    # from the row's ornaments); it ends with one of those or a closing bracket
    while a < b and not text[a].isalnum():
        a += 1
    while b > a and not (text[b - 1].isalnum() or text[b - 1] in ")）》"):
        b -= 1
    return a, b
