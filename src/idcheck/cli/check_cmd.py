"""``idcheck check FILE... [--profile P.json] [--format text|json|jsonl] [--channel console|api] [--kind K]
[--config idcheck.toml] [--lang en|zh]``  (FILE ``-`` reads the picture from standard input)"""

from __future__ import annotations

import argparse
import json
import os
import sys

from ..api import KINDS, check
from ..config import CHANNELS
from .output import eprint, render_text, safe, use_colour, write_jsonl


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="check image files one by one", description=__doc__)
    p.add_argument("files", nargs="+", metavar="FILE", help="image files to check")
    p.add_argument("--profile", metavar="P.json", help="registrant profile (form data) to check as well")
    p.add_argument("--format", choices=("text", "json", "jsonl"), default="text", help="output format (default: text)")
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
    from ..profile import Profile

    try:
        return Profile.load(path)
    except (OSError, ValueError) as exc:
        eprint(f"idcheck: cannot read profile {safe(path)}: {safe(exc)}")
        raise SystemExit(2) from None


def annotation_target(target: str, index: int) -> str:
    stem, ext = os.path.splitext(target)
    return target if index == 0 else f"{stem}-{index + 1}{ext or '.png'}"


def annotation_clash(files: list[str], target: str) -> str | None:
    """Why the --annotate targets cannot be written (an input, or a symlink), or None.

    Inputs are never modified: a target that is an input (by name, hard link or symlink) or that is a
    symlink at all is refused before anything is checked or written."""
    inputs = set()
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
            return f"--annotate {safe(out)} is a symlink; idcheck does not write through symlinks"
        try:
            st = os.stat(out)
            same = (st.st_dev, st.st_ino) in inputs
        except (OSError, ValueError):
            same = False
        if same or os.path.realpath(out) in inputs:
            return f"--annotate {safe(out)} is one of the files being checked; inputs are never modified"
    return None


def _write_annotation(report, path: str, target: str, index: int) -> None:
    out = annotation_target(target, index)
    picture = report.annotate(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(out, flags, 0o644)  # O_NOFOLLOW: a symlink planted since the check is refused, not followed
    with os.fdopen(fd, "wb") as fh:
        picture.save(fh, format=_format_for(out))
    eprint(f"annotated picture written to {safe(out)}")


def _format_for(out: str) -> str:
    from PIL import Image

    ext = os.path.splitext(out)[1].lower()
    Image.init()
    return Image.EXTENSION.get(ext, "PNG")


def load_config(path: str | None):
    """The config file's settings (None without --config); exits with usage status 2 on a bad file."""
    if path is None:
        return None
    from ..configfile import load_file
    from ..errors import UsageError

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
    import os

    missing = [path for path in args.files if path != "-" and not os.path.lexists(path)]
    if missing:
        eprint(f"idcheck: no such file: {', '.join(missing)}")
        return 2
    if args.files.count("-") > 1:
        eprint("idcheck: standard input ('-') can be read once")
        return 2
    reports = []
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
            print(render_text(report, reveal=args.reveal, colour=colour, lang=lang), flush=True)
        elif args.format == "jsonl":
            write_jsonl([report], sys.stdout, reveal=args.reveal, lang=lang)
        else:
            reports.append(report.to_dict(args.reveal, lang))
    if args.format == "json":
        json.dump(reports, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return 1 if any_fail else 0
