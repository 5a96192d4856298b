"""Issue 17, items 14, 15: what reaches the terminal, and what --annotate may write."""

from __future__ import annotations

import os

import idcheck
from idcheck.cli import main
from idcheck.cli.output import render_text

from . import craft

FORGED = "x\x1b[2J\x1b[H\x1b]0;owned\x07PASS  other.jpg\r\u202egpj.exe"


def test_control_characters_in_names_are_escaped(tmp_path, capsys):
    path = tmp_path / (FORGED + ".png")
    path.write_bytes(craft.noise_png(64, 48))
    report = idcheck.check(str(path))
    text = render_text(report, colour=False)
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text and "\u202e" not in text
    assert "\\x1b[2J" in text and "\\u202e" in text
    code = main(["check", str(path)])  # before: the raw escape sequences reached the terminal
    out = capsys.readouterr()
    assert code == (1 if report.verdict == "fail" else 0)  # (the exit status follows the verdict)
    assert "\x1b" not in out.out + out.err and "\r" not in out.out


def test_undecodable_name_prints(tmp_path, capsys):
    name = os.path.join(os.fsencode(tmp_path), b"bad\xff.png")
    with open(name, "wb") as fh:
        fh.write(craft.noise_png(64, 48))
    main(["check", os.fsdecode(name)])  # before: UnicodeEncodeError when printing the name
    assert "bad\\xff.png" in capsys.readouterr().out


def test_annotate_refuses_to_overwrite_an_input(tmp_path, capsys):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    a.write_bytes(craft.noise_png(64, 48, seed=1))
    b.write_bytes(craft.noise_png(64, 48, seed=2))
    before = b.read_bytes()
    # index 0 writes b.png itself: before, b.png was overwritten before it was checked
    code = main(["check", str(b), str(a), "--annotate", str(b)])
    assert code == 2 and b.read_bytes() == before
    assert "inputs are never modified" in capsys.readouterr().err
    # a hard link to an input counts too
    os.link(a, tmp_path / "link.png")
    assert main(["check", str(a), "--annotate", str(tmp_path / "link.png")]) == 2
    assert a.read_bytes() == craft.noise_png(64, 48, seed=1)


def test_annotate_refuses_symlinks(tmp_path, capsys):
    a = tmp_path / "a.png"
    a.write_bytes(craft.noise_png(64, 48))
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "out.png"
    link.symlink_to(victim)
    assert main(["check", str(a), "--annotate", str(link)]) == 2
    assert victim.read_text() == "keep me"
    assert "symlink" in capsys.readouterr().err


def test_annotate_still_writes_a_new_file(tmp_path):
    a = tmp_path / "a.png"
    a.write_bytes(craft.noise_png(64, 48))
    out = tmp_path / "ann.png"
    main(["check", str(a), "--annotate", str(out)])
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
