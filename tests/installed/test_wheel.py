"""The built wheel, installed into a fresh virtual environment, works from a folder that is not the checkout:
`rules list` (the rule files ship as package data), `submit`, `check --profile` and `schema`.

Builds with pip (build isolation: setuptools comes from the index or pip's cache) and installs the wheel
with its dependencies.  Skips only when pip cannot fetch what it needs (offline, no cache); any other
build or install failure fails the test.  About 30 s (most of it installing numpy/OpenCV), hence `slow`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OFFLINE = re.compile(
    r"No matching distribution found|Could not find a version that satisfies|Failed to establish a new connection"
    r"|Temporary failure in name resolution|Network is unreachable|NewConnectionError|ProxyError",
    re.I,
)

pytestmark = pytest.mark.slow


def _clean_env() -> dict[str, str]:
    """The environment without what points at the checkout (a PYTHONPATH=src run would make pip in the fresh
    venv see the source tree's idcheck.egg-info as installed, and python import the checkout)."""
    return {k: v for k, v in os.environ.items() if k not in ("IDCHECK_RULES", "PYTHONPATH", "VIRTUAL_ENV")}


def _pip(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-m", "pip", *args], cwd=cwd, env=_clean_env(), capture_output=True, text=True,
                          timeout=600)


def _require(proc: subprocess.CompletedProcess, what: str) -> None:
    if proc.returncode == 0:
        return
    output = proc.stdout + proc.stderr
    if OFFLINE.search(output):
        pytest.skip(f"pip cannot {what} here (offline?): {OFFLINE.search(output).group(0)}")
    pytest.fail(f"pip could not {what}:\n{output[-3000:]}")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    _require(
        _pip(Path(sys.executable), "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT), cwd=base), "build the wheel"
    )
    wheels = list(dist.glob("idcheck-*.whl"))
    assert len(wheels) == 1, wheels
    import zipfile

    names = zipfile.ZipFile(wheels[0]).namelist()
    for required in ("idcheck/rules/standard.rules", "idcheck/rules/gov.cn.rules", "idcheck/schema/report-1.json",
                     "idcheck/catalogue/file.toml"):
        assert required in names, f"{required} is not in the wheel"
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = env_dir / "bin" / "python"
    _require(_pip(python, "install", "-q", str(wheels[0]), cwd=base), "install the wheel and its dependencies")
    work = base / "elsewhere"  # not the checkout: nothing of the source tree is reachable from here
    work.mkdir()
    return env_dir / "bin" / "idcheck", work


def _run(installed, *args: str) -> subprocess.CompletedProcess:
    exe, work = installed
    env = _clean_env()
    return subprocess.run([str(exe), *args], cwd=work, env=env, capture_output=True, text=True, timeout=300)


def test_installed_package_is_not_the_checkout(installed):
    exe, work = installed
    env = _clean_env()
    out = subprocess.run([str(exe.parent / "python"), "-c", "import idcheck; print(idcheck.__file__)"],
                         cwd=work, env=env, capture_output=True, text=True, timeout=60).stdout
    assert "site-packages" in out and str(ROOT) not in out


def test_rules_list_from_the_wheel(installed):
    proc = _run(installed, "rules", "list")
    assert proc.returncode == 0, proc.stderr
    assert "site-packages/idcheck/rules" in proc.stdout
    for name in ("standard v1", "gov.cn v1", "cn v1", "trademark", "restaurant"):
        assert name in proc.stdout


def _files(work: Path):
    sys.path.insert(0, str(ROOT))
    try:
        from fixtures.formats import encode, textured
        from tests.rules.conftest import GOV_ORG, PERSON
    finally:
        sys.path.remove(str(ROOT))
    pic = work / "doc.jpg"
    pic.write_bytes(encode(textured(900, 1200, seed=3), "jpeg", quality=90))
    gov = work / "gov.json"
    gov.write_text(json.dumps(GOV_ORG, ensure_ascii=False), encoding="utf-8")
    person = work / "person.json"
    person.write_text(json.dumps(PERSON, ensure_ascii=False), encoding="utf-8")
    return pic, gov, person


def test_submit_and_check_with_profile_from_the_wheel(installed):
    _, work = installed
    pic, gov, person = _files(work)
    docs = ["--doc", f"uscc_certificate={pic}", "--doc", f"registration_form={pic}", "--doc", f"contact_id_card={pic}"]
    proc = _run(installed, "submit", "--domain", "haidian.gov.cn", "--profile", str(gov), *docs, "--no-ocr",
                "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["kind"] == "submission"
    assert [r["name"] for r in report["extra"]["rulesets"]] == ["standard", "gov.cn"]

    proc = _run(installed, "check", str(pic), "--profile", str(person), "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    (report,) = json.loads(proc.stdout)
    assert report["kind"] == "image" and "ocr" in report["extra"]
    assert "张三" not in proc.stdout and "11010519491231002X" not in proc.stdout  # masked

    proc = _run(installed, "schema")
    assert proc.returncode == 0 and json.loads(proc.stdout)["properties"]["schema"] == {"const": 1}


def test_serve_without_the_extra_says_what_to_install(installed):
    proc = _run(installed, "serve", "--port", "1")
    assert proc.returncode == 2 and "pip install 'idcheck[serve]'" in proc.stderr
