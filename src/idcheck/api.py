"""``idcheck.check``: one image file in, one :class:`~idcheck.report.Report` out.

The stages, each timed into ``Report.timings`` (milliseconds)::

    read     path / bytes / file object -> bytes (input never modified)
    sniff    real type from the first bytes (magic-number table + libmagic)
    file     type for the channel, extension vs content, size window
    decode   once, reduced to the working size, orientation applied
    checks   the image-check registry over one shared ImageContext
    profile  the typed form data, when a profile is given

A bad file never raises: every problem is a finding.  Only wrong argument
types raise :class:`idcheck.errors.UsageError`.  A stage or check that crashes
becomes ``internal.check_failed`` (an error: the file fails closed), and a
cooperative deadline (``timeout=``) stops the work between stages and checks
with ``file.timeout`` (see :mod:`idcheck.deadline`).  ``check`` keeps no state
between calls and is safe to call from many threads at once.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Mapping
from typing import Any

from . import codes, doctypes
from .config import CHANNELS, DEFAULT, Config
from .deadline import Deadline, DeadlineExceeded
from .errors import UsageError
from .intake import filechecks
from .intake.budget import describe as describe_over_budget
from .intake.decode import decode
from .intake.sniff import sniff
from .intake.source import read_source
from .ocr.crosscheck import run as read_and_compare
from .pipeline import make_context, run_checks
from .profile import check_profile  # the profile check lives beside the image path
from .report import Measure, Private, Report

KINDS = doctypes.KINDS  # the image kinds of idcheck/data/document_types.toml


def check(
    source: Any,
    *,
    profile: Any = None,
    kind: str = "auto",
    channel: str = "console",
    config: Config | None = None,
    ocr: bool = False,
    filename: str | None = None,
    timeout: float | None = None,
) -> Report:
    """Check one image: ``source`` is a path, bytes or a binary file object.

    ``profile`` (a :class:`idcheck.profile.Profile` or a dict of the form data) adds the
    profile's own findings; ``kind`` names the document when known; ``channel``
    picks the upload rules ("console": JPEG/PNG/BMP/HEIC/WebP, 55 KB-5 MB; "api": JPEG/BMP, 55 KB-1 MB).
    The document is read (OCR) and cross-checked with the profile only when a profile is given or
    ``ocr=True``, so checks without a profile never start an OCR engine.
    ``filename`` is the uploaded file's name (a service gets bytes and a name): its extension is checked
    against the content, and the name is personal data, masked in the report unless revealed.
    ``timeout`` (seconds; default ``config.intake.timeout``) is a cooperative deadline: past it the
    check stops between stages or checks and reports ``file.timeout`` with what ran.
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
    if timeout is None:
        timeout = config.intake.timeout
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise UsageError(f"timeout must be a positive number of seconds, not {timeout!r}")
    rules = CHANNELS[channel]
    clock = _Clock()
    started = time.perf_counter()
    deadline = Deadline(float(timeout))

    # Only what the channel could accept is read whole: a larger file already fails on size, so it is
    # typed from its head and refused, never decoded or analysed (and a stream is read no further).
    src = read_source(source, config, limit=min(config.intake.max_read_bytes, rules.max_bytes - 1))
    if filename is not None:  # the upload's own name; a client's path part is dropped
        src.name = os.path.basename(filename.replace("\\", "/")) or None
    report = Report(kind="image", path=src.path)
    shown_name = Private(src.name, "filename") if filename is not None and src.name else src.name
    report.file = {"bytes": src.size, "name": shown_name, "extension": filechecks.extension_of(src.name)}
    report.extra["channel"] = channel
    report.extra["kind"] = kind
    clock.lap(report, "read")
    try:
        try:
            _check_file(src, rules, config, report, clock, kind, profile, ocr, deadline)
        except (DeadlineExceeded, UsageError):
            raise
        except Exception as exc:  # a crash in a stage must not escape: the file fails closed
            _crashed(report, clock.stage, exc)
        if profile is not None:
            clock.stage = "profile"
            deadline.check("profile")
            try:
                profile_report = check_profile(profile)
            except UsageError:
                raise
            except Exception as exc:
                _crashed(report, "profile", exc)
            else:
                report.extend(profile_report.findings)
            clock.lap(report, "profile")
    except DeadlineExceeded as exc:
        ran = [k for k in report.timings if k != "total"]
        report.findings.append(
            codes.finding(
                "file.timeout",
                limit=f"{timeout:g} s",
                measured=Measure(round(float(timeout) + max(0.0, -deadline.remaining()), 3), "s"),
                threshold=Measure(float(timeout), "s", "<="),
                details={"stopped_before": exc.where, "ran": ran, "deadline": "cooperative"},
            )
        )
    finally:
        report.timings["total"] = (time.perf_counter() - started) * 1000.0
    from .checkrun import attach  # what ran, passed, failed or was skipped, and why (report.checks)

    return attach(report, ocr_asked=profile is not None or ocr, profile_given=profile is not None)


def _crashed(report: Report, stage: str, exc: BaseException) -> None:
    report.findings.append(
        codes.finding(
            "internal.check_failed",
            severity="error",
            check=stage,
            error=_exception_text(exc),
            details={"check": stage, "error": type(exc).__name__},
        )
    )


def _exception_text(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    first = lines[0].strip() if lines else ""
    return f"{type(exc).__name__}: {first[:160]}" if first else type(exc).__name__


def _check_file(src, rules, config, report: Report, clock: _Clock, kind: str, profile: Any, ocr: bool,
                deadline: Deadline) -> None:
    if src.error is not None:
        report.findings.append(codes.finding("file.unreadable", reason=src.error, details={"stage": "read"}))
        return
    if src.size == 0:
        report.findings.append(codes.finding("file.empty", measured=Measure(0, "bytes")))
        return
    file = report.file
    assert file is not None  # check() fills the file facts before it calls this

    clock.stage = "sniff"
    sniffed = sniff(src.head)
    spec = sniffed.spec
    file.update(
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
    if isinstance(file.get("name"), Private):  # an uploaded file's name is masked like a name
        mismatch = [_mask_name_param(f, file["name"]) for f in mismatch]
    report.extend(mismatch)
    report.extend(filechecks.check_size(src.size, rules))
    clock.lap(report, "file")

    if src.data is None or src.size >= rules.max_bytes:
        size = filechecks.human_size(src.size)
        report.findings.append(
            codes.finding(
                "file.not_analysed",
                reason=f"the file is {'more than ' if not src.size_exact else ''}{size}, at or above the "
                f"{rules.name} channel's limit of {filechecks.human_size(rules.max_bytes)}",
                reason_zh=f"文件{'超过 ' if not src.size_exact else '为 '}{size}，达到或超过该渠道的上限 "
                f"{filechecks.human_size(rules.max_bytes)}",
                details={"bytes_read": src.size, "size_exact": src.size_exact},
            )
        )
        return
    clock.stage = "decode"
    deadline.check("decode")
    result = decode(src.data, spec, config)
    file.update(result.facts)
    clock.lap(report, "decode")
    if result.over_budget is not None:
        over = result.over_budget
        report.findings.append(
            codes.finding(
                "file.over_budget",
                reason=over.reason,
                limit=over.limit,
                unit=over.unit,
                measured=Measure(over.measured, over.unit),
                threshold=Measure(over.limit, over.unit, "<="),
                details=describe_over_budget(over),
            )
        )
        return
    if result.image is None:
        report.findings.append(codes.finding("file.unreadable", reason=result.error, details={"stage": "decode"}))
        return
    frames = result.facts.get("frames", 1)
    if frames > 1:
        report.findings.append(
            codes.finding("file.animated", detected=spec.title, frames=frames, measured=Measure(frames, "frames"))
        )

    clock.stage = "checks"
    ctx = make_context(result.image, config, report.file, data=src.data)
    ctx.requested_kind = kind
    check_timings: dict[str, float] = {}  # per check, beside the stage totals
    try:
        report.extend(run_checks(ctx, check_timings, deadline))
    finally:  # also when the deadline stopped the checks: say which ran
        report.timings.update(check_timings)
        report.timings.update(ctx.timings)
        report.extra.update(ctx.extra)
        clock.lap(report, "checks")
    if profile is not None or ocr:
        clock.stage = "ocr"
        deadline.check("ocr")
        ocr_config = config
        if deadline.remaining() < config.ocr.timeout:  # the OCR engines' own deadline: at most the time left
            ocr_config = dataclasses.replace(config, ocr=dataclasses.replace(config.ocr, timeout=deadline.remaining()))
        ocr_findings, ocr_extra = read_and_compare(ctx, profile, ocr_config)
        if profile is not None:  # the cross-check the profile asked for did not run: never a silent pass
            ocr_findings = [dataclasses.replace(f, severity="warning") if f.code == "ocr.engine_unavailable" else f
                            for f in ocr_findings]
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
        self.stage = "read"  # the stage running now (named in internal.check_failed when it crashes)

    def lap(self, report: Report, stage: str) -> None:
        now = time.perf_counter()
        report.timings[stage] = report.timings.get(stage, 0.0) + (now - self.last) * 1000.0
        self.last = now
