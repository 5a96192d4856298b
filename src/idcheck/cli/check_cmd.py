"""``idcheck check FILE... [--profile P.json] [--format text|json|jsonl|csv|html] [--out FILE]
[--channel console|api] [--kind K] [--config idcheck.toml] [--lang en|zh]``  (FILE ``-`` reads the picture from
standard input)"""

from __future__ import annotations

import argparse
import os
import sys

from PIL import Image

from ..api import KINDS, check
from ..config import CHANNELS
from ..configfile import load_file
from ..errors import UsageError
from ..profile import Profile
from ..render.annotate import annotate, thumbnail_jpeg
from ..render.html import HtmlReport
from ..render.records import FORMATS, RecordStream, json_document
from .output import eprint, render_text, safe, use_colour, write_jsonl


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="check image files one by one", description=__doc__)
    p.add_argument("files", nargs="+", metavar="FILE", help="image files to check")
    p.add_argument("--profile", metavar="P.json", help="registrant profile (form data) to check as well")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="output format, as for scan (default: text; html: a one-file report page)")
    p.add_argument("--out", metavar="FILE", help="write the output here (default: standard output)")
    p.add_argument("--channel", choices=sorted(CHANNELS), default=None,
                   help="upload channel rules (default: the config file's, else console)")
    p.add_argument("--kind", choices=KINDS, default="auto", help="the document, when known (default: auto)")
    p.add_argument("--config", metavar="FILE",
                   help="settings from idcheck.toml, or [tool.idcheck] of a pyproject.toml")
    p.add_argument("--reveal", action="store_true", help="show names and ID numbers unmasked")
    p.add_argument("--ocr", action="store_true", help="read the document's name and number even without a profile")
    add_lang_option(p)
    p.add_argument("--annotate", metavar="OUT.png",
                   help="draw what idcheck saw into OUT.png (OUT-2.png, ... for further files)")
    p.set_defaults(func=run)


def add_lang_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("en", "zh"), default=None,
                   help="language of messages and output: en or zh (default: $IDCHECK_LANG, else en)")


def chosen_lang(args: argparse.Namespace) -> str:
    """--lang, else $IDCHECK_LANG, else en; exits with usage status 2 on a language idcheck does not speak."""
    from ..errors import UsageError
    from ..i18n import resolve_lang

    try:
        return resolve_lang(getattr(args, "lang", None))
    except UsageError as exc:
        eprint(f"idcheck: {exc} (from IDCHECK_LANG)")
        raise SystemExit(2) from None


def load_profile(path: str):
    """The profile from a JSON file; exits with usage status 2 on a missing or malformed file."""
    try:
        return Profile.load(path)
    except (OSError, ValueError) as exc:
        eprint(f"idcheck: cannot read profile {safe(path)}: {safe(exc)}")
        raise SystemExit(2) from None


def annotation_target(target: str, index: int) -> str:
    stem, ext = os.path.splitext(target)
    return target if index == 0 else f"{stem}-{index + 1}{ext or '.png'}"


def annotation_clash(files: list[str], target: str, option: str = "--annotate") -> str | None:
    """Why the --annotate targets cannot be written (an input, or a symlink), or None.

    Inputs are never modified: a target that is an input (by name, hard link or symlink) or that is a
    symlink at all is refused before anything is checked or written."""
    inputs: set[object] = set()  # (device, inode) pairs and real paths
    for f in files:
        try:
            st = os.stat(f)
            inputs.add((st.st_dev, st.st_ino))
        except (OSError, ValueError):
            pass
        inputs.add(os.path.realpath(f) if "\x00" not in f else f)
    for i in range(len(files)):
        out = annotation_target(target, i)
        if os.path.islink(out):
            return f"{option} {safe(out)} is a symlink; idcheck does not write through symlinks"
        try:
            st = os.stat(out)
            same = (st.st_dev, st.st_ino) in inputs
        except (OSError, ValueError):
            same = False
        if same or os.path.realpath(out) in inputs:
            return f"{option} {safe(out)} is one of the files being checked; inputs are never modified"
    return None


def _write_annotation(report, path: str, target: str, index: int) -> None:
    out = annotation_target(target, index)
    picture = annotate(report, path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(out, flags, 0o644)  # O_NOFOLLOW: a symlink planted since the check is refused, not followed
    with os.fdopen(fd, "wb") as fh:
        picture.save(fh, format=_format_for(out))
    eprint(f"annotated picture written to {safe(out)}")


def _format_for(out: str) -> str:
    ext = os.path.splitext(out)[1].lower()
    Image.init()
    return Image.EXTENSION.get(ext, "PNG")


def load_config(path: str | None):
    """The config file's settings (None without --config); exits with usage status 2 on a bad file."""
    if path is None:
        return None

    try:
        return load_file(path)
    except UsageError as exc:
        eprint(f"idcheck: {exc}")
        raise SystemExit(2) from None


def run(args: argparse.Namespace) -> int:
    if args.annotate:
        clash = annotation_clash(list(args.files), args.annotate)
        if clash is not None:
            eprint(f"idcheck: {clash}")
            return 2
    lang = chosen_lang(args)
    profile = load_profile(args.profile) if args.profile else None
    settings = load_config(args.config)
    config = settings.config if settings else None
    channel = args.channel or (settings and settings.channel) or "console"
    ocr = args.ocr or bool(settings and settings.read_documents)
    colour = use_colour(sys.stdout)

    missing = [path for path in args.files if path != "-" and not os.path.lexists(path)]
    if missing:
        eprint(f"idcheck: no such file: {', '.join(missing)}")
        return 2
    if args.files.count("-") > 1:
        eprint("idcheck: standard input ('-') can be read once")
        return 2
    if args.out:
        clash = annotation_clash(list(args.files), args.out, "--out")
        if clash is not None:
            eprint(f"idcheck: {clash}")
            return 2
    out = open(args.out, "w", encoding="utf-8", newline="") if args.out else sys.stdout
    try:
        return _check_all(args, profile, config, channel, ocr, out, colour=colour and not args.out, lang=lang)
    finally:
        if args.out:
            out.close()


def _check_all(args: argparse.Namespace, profile, config, channel: str, ocr: bool, out, *, colour: bool,
               lang: str) -> int:
    reports = []
    records = RecordStream(out, args.format, colour=colour, lang=lang) if args.format in ("csv",) else None
    page = (HtmlReport(None, stream=out, title="idcheck check", lang=lang, reveal=args.reveal)
            if args.format == "html" else None)
    any_fail = False
    for index, path in enumerate(args.files):
        source = sys.stdin.buffer.read() if path == "-" else path  # stdin: bytes without a name
        report = check(source, profile=profile, channel=channel, ocr=ocr, kind=args.kind, config=config)
        if path == "-":
            report.path = "-"
            path = source
        any_fail |= report.verdict == "fail"
        if args.annotate:
            try:
                _write_annotation(report, path, args.annotate, index)
            except (OSError, ValueError) as exc:  # a symlink planted meanwhile (ELOOP), a full disk...
                eprint(f"idcheck: the annotated picture was not written: {safe(exc)}")
        if args.format == "text":
            print(render_text(report, reveal=args.reveal, colour=colour, lang=lang), file=out, flush=True)
        elif args.format == "jsonl":
            write_jsonl([report], out, reveal=args.reveal, lang=lang)
        elif records is not None:
            records.write(report.to_json(args.reveal, lang=lang))
        elif page is not None:
            record = report.to_dict(args.reveal, lang)
            page.add(record, _thumbnail(record, path))
        else:
            reports.append(report.to_dict(args.reveal, lang))
    if args.format == "json":
        out.write(json_document(reports))
    if records is not None:
        records.close()
    if page is not None:
        page.commit()
    return 1 if any_fail else 0


def _thumbnail(record: dict, source) -> bytes | None:
    try:
        return thumbnail_jpeg(record, source)
    except Exception:  # a thumbnail is a nicety: never lose the report for it
        return None
