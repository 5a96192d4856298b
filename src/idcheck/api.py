"""``idcheck.check``: one image file in, one :class:`~idcheck.report.Report` out.

The stages, each timed into ``Report.timings`` (milliseconds)::

    read     path / bytes / file object -> bytes (input never modified)
    sniff    real type from the first bytes (magic-number table + libmagic)
    file     type for the channel, extension vs content, size window
    decode   once, reduced to the working size, orientation applied
    checks   the image-check registry over one shared ImageContext
    profile  the typed form data, when a profile is given

A bad file never raises: every problem is a finding.  Only wrong argument
types raise :class:`idcheck.errors.UsageError`.  ``check`` keeps no state
between calls and is safe to call from many threads at once.
"""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any, Mapping

from . import codes
from .config import CHANNELS, DEFAULT, Config
from .errors import UsageError
from .image.context import ImageContext
from .image.registry import run_checks
from .intake import filechecks
from .intake.decode import decode
from .intake.sniff import sniff
from .intake.source import read_source
from .report import Measure, Private, Report

KINDS = ("auto", "id_card", "id_card_back", "business_license", "passport", "permit", "certificate", "other")


def check(
    source: Any,
    *,
    profile: Any = None,
    kind: str = "auto",
    channel: str = "console",
    config: Config | None = None,
    ocr: bool = False,
    filename: str | None = None,
) -> Report:
    """Check one image: ``source`` is a path, bytes or a binary file object.

    ``profile`` (a :class:`idcheck.profile.Profile` or a dict of the form data) adds the
    profile's own findings; ``kind`` names the document when known; ``channel``
    picks the upload rules ("console": JPEG/PNG/BMP/HEIC/WebP, 55 KB-5 MB; "api": JPEG/BMP, 55 KB-1 MB).
    The document is read (OCR) and cross-checked with the profile only when a profile is given or
    ``ocr=True``, so checks without a profile never start an OCR engine.
    ``filename`` is the uploaded file's name (a service gets bytes and a name): its extension is checked
    against the content, and the name is personal data, masked in the report unless revealed.
    """
    if kind not in KINDS:
        raise UsageError(f"kind must be one of {KINDS}, not {kind!r}")
    if not isinstance(channel, str) or channel not in CHANNELS:
        raise UsageError(f"channel must be one of {sorted(CHANNELS)}, not {channel!r}")
    if config is None:
        config = DEFAULT
    elif not isinstance(config, Config):
        raise UsageError(f"config must be an idcheck.Config, not {type(config).__name__}")
    if profile is not None and not _is_profile_like(profile):
        raise UsageError(f"profile must be an idcheck Profile or a dict, not {type(profile).__name__}")
    if filename is not None and not isinstance(filename, str):
        raise UsageError(f"filename must be a str, not {type(filename).__name__}")
    rules = CHANNELS[channel]
    clock = _Clock()
    started = time.perf_counter()

    src = read_source(source, config)
    if filename is not None:  # the upload's own name; a client's path part is dropped
        src.name = os.path.basename(filename.replace("\\", "/")) or None
    report = Report(kind="image", path=src.path)
    shown_name = Private(src.name, "filename") if filename is not None and src.name else src.name
    report.file = {"bytes": src.size, "name": shown_name, "extension": filechecks.extension_of(src.name)}
    report.extra["channel"] = channel
    report.extra["kind"] = kind
    clock.lap(report, "read")
    try:
        _check_file(src, rules, config, report, clock, kind, profile, ocr)
        if profile is not None:
            from .profile import check_profile  # the profile check lives beside the image path

            profile_report = check_profile(profile)
            report.extend(profile_report.findings)
            clock.lap(report, "profile")
    finally:
        report.timings["total"] = (time.perf_counter() - started) * 1000.0
    return report


def _check_file(src, rules, config, report: Report, clock: "_Clock", kind: str, profile: Any, ocr: bool) -> None:
    if src.error is not None:
        report.findings.append(codes.finding("file.unreadable", reason=src.error, details={"stage": "read"}))
        return
    if src.size == 0:
        report.findings.append(codes.finding("file.empty", measured=Measure(0, "bytes")))
        return

    sniffed = sniff(src.head)
    spec = sniffed.spec
    report.file.update(
        mime=sniffed.mime,
        format=spec.name if spec else None,
        libmagic=sniffed.libmagic_mime,
        libmagic_description=sniffed.libmagic_description,
    )
    clock.lap(report, "sniff")

    report.extend(filechecks.check_type(sniffed, rules))
    if spec is None or not spec.decodable:
        return  # nothing more can be learnt from a format we do not decode
    mismatch = filechecks.check_extension(src.name, spec)
    if isinstance(report.file.get("name"), Private):  # an uploaded file's name is masked like a name
        mismatch = [_mask_name_param(f, report.file["name"]) for f in mismatch]
    report.extend(mismatch)
    report.extend(filechecks.check_size(src.size, rules))
    clock.lap(report, "file")

    if src.data is None:
        report.findings.append(
            codes.finding(
                "file.not_analysed",
                reason=f"the file is {filechecks.human_size(src.size)}, above the "
                f"{filechecks.human_size(config.intake.max_read_bytes)} that idcheck reads",
            )
        )
        return
    result = decode(src.data, spec, config)
    report.file.update(result.facts)
    clock.lap(report, "decode")
    if result.image is None:
        report.findings.append(codes.finding("file.unreadable", reason=result.error, details={"stage": "decode"}))
        return
    frames = result.facts.get("frames", 1)
    if frames > 1:
        report.findings.append(
            codes.finding("file.animated", detected=spec.title, frames=frames, measured=Measure(frames, "frames"))
        )

    ctx = ImageContext(result.image, config, report.file, data=src.data)
    ctx.requested_kind = kind
    check_timings: dict[str, float] = {}  # per check, beside the stage totals
    report.extend(run_checks(ctx, check_timings))
    report.timings.update(check_timings)
    report.timings.update(ctx.timings)
    report.extra.update(ctx.extra)
    clock.lap(report, "checks")
    if profile is not None or ocr:
        from .ocr.crosscheck import run as read_and_compare

        ocr_findings, ocr_extra = read_and_compare(ctx, profile, config)
        report.extend(ocr_findings)
        report.extra["ocr"] = ocr_extra
        clock.lap(report, "ocr")


def _mask_name_param(finding, private: Private):
    if "name" not in finding.params:
        return finding
    return dataclasses.replace(finding, params={**finding.params, "name": private})


def _is_profile_like(profile: Any) -> bool:
    if isinstance(profile, Mapping):
        return True
    return type(profile).__name__ == "Profile"


class _Clock:
    """Stage timer: each lap records the ms since the previous lap."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def lap(self, report: Report, stage: str) -> None:
        now = time.perf_counter()
        report.timings[stage] = report.timings.get(stage, 0.0) + (now - self.last) * 1000.0
        self.last = now
