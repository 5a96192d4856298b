"""The README cannot drift: it stays a short user's page that opens with the two set-up commands, and its
Python examples run, as written, against the demo's own sample pictures."""

from __future__ import annotations

import contextlib
import io
import json
import pathlib
import re
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
# issue 18: "the README becomes a user's page ... under 10 KB" (KiB, bytes of the UTF-8 file)
MAX_BYTES = 10 * 1024
TWO_COMMANDS = "```\nbash scripts/demo\nbash scripts/test\n```\n"


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.S | re.M)


def test_readme_is_under_10_kb():
    size = len(README.read_bytes())
    assert size < MAX_BYTES, f"README.md is {size} bytes; a user's page stays under {MAX_BYTES} (move detail to docs/)"


def test_readme_opens_with_exactly_the_two_set_up_commands():
    text = README.read_text(encoding="utf-8")
    title, _, rest = text.partition("\n\n")
    assert title == "# idcheck"
    assert rest.startswith(TWO_COMMANDS), rest[:120]
    # and the scripts they name exist
    assert (ROOT / "scripts/demo").is_file() and (ROOT / "scripts/test").is_file()


def test_readme_has_python_examples_to_run():
    assert len(_python_blocks(README.read_text(encoding="utf-8"))) >= 1


@pytest.mark.slow
def test_readme_python_examples_run_on_the_demo_samples(tmp_path, monkeypatch):
    """Each ```python block runs verbatim; the only names it leaves to the reader are given here: the files it
    opens (the demo's clean ID-card photo, an example profile) and ``data`` (that photo's bytes)."""
    import idcheck
    from fixtures import docgen

    name, photo = next(docgen.sample_set())  # the first picture scripts/demo bundles
    assert name == "idcard-clean.jpg"
    for target in ("upload.jpg", "id.jpg"):
        (tmp_path / target).write_bytes(photo)
    shutil.copy(ROOT / "fixtures/profiles/individual-mainland.json", tmp_path / "profile.json")
    monkeypatch.chdir(tmp_path)

    for block in _python_blocks(README.read_text(encoding="utf-8")):
        namespace: dict = {"data": photo}
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), namespace)

        # what the comments beside the code promise
        report = namespace["report"]
        assert isinstance(report, idcheck.Report)
        printed = out.getvalue().splitlines()
        assert printed and printed[0] in ("pass", "warn", "fail") and printed[0] == report.verdict
        assert len(printed) == 1 + len(report.findings)
        # the last check() was given the upload's name: masked in JSON (张****证.png) unless reveal=True
        masked = json.loads(report.to_json())
        assert masked["file"]["name"] == "张****证.png"
        assert report.to_dict(reveal=True)["file"]["name"] == "张三-身份证.png"
        assert isinstance(namespace["profile"], idcheck.Profile)
