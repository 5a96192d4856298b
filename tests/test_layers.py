"""The house's shape: every module imports on its own, no import circles, and arrows point only downward.

(a) Each module of idcheck is imported alone, in a subprocess, after every ``idcheck*`` module of the
    previous one is dropped from ``sys.modules`` (third-party packages stay loaded, which keeps it fast):
    an import that only works when something else was imported first fails here.
(b) The static import graph, from the AST: every ``import idcheck...`` and ``from ... import`` of an idcheck
    module, at the top, inside functions and under ``TYPE_CHECKING`` alike.  ``from pkg import name`` is an
    arrow to ``pkg.name`` when that is a module, otherwise to ``pkg`` (its ``__init__``, whose own arrows to
    what it re-exports are counted in turn).  The implicit import of a parent package is not an arrow (a
    package's ``__init__`` importing its own modules is not a circle).  No strongly connected component may
    have more than one module, and every arrow goes to the same or a lower layer of :data:`LAYERS`.
"""

from __future__ import annotations

import ast
import functools
import os
import pathlib
import subprocess
import sys
from dataclasses import fields

import pytest

import idcheck
from idcheck.config import Config
from idcheck.image.context import ImageContext
from idcheck.pipeline import CHECKS

SRC = pathlib.Path(idcheck.__file__).parent

# Lowest first.  A module may import from its own layer (without a circle) or any layer below.
# A layer is a list of top-level names under idcheck (a module or a package, with everything inside it).
LAYERS: list[list[str]] = [
    ["errors", "textsafe", "deadline", "privacy", "status", "numbers", "doctypes", "i18n"],
    ["report", "config", "configfile"],
    ["codes", "tally", "schema"],
    ["intake"],
    ["image"],
    ["tamper"],
    ["profile"],
    ["ocr"],
    ["dsl"],
    ["pipeline"],
    ["checkrun"],  # what ran: read from a finished report and the pipeline's list
    ["api"],
    ["submission", "fix"],
    ["__init__"],  # the package's public names (and __version__)
    ["render"],
    ["bulk"],
    ["serve"],
    ["cli", "__main__"],
]

# Only these may import render/: it is the output of the commands and of a scan, never of the library's core.
MAY_IMPORT_RENDER = {"render", "bulk", "cli"}


def _modules() -> dict[str, tuple[pathlib.Path, bool]]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts = parts[:-1]
        out[".".join(parts)] = (path, package)
    return out


def _targets(module: str, package: bool, node: ast.AST, modules: dict) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "idcheck"]
    assert isinstance(node, ast.ImportFrom)
    if node.level:
        base = module.split(".")
        if not package:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target.split(".")[0] != "idcheck":
        return []
    return [f"{target}.{a.name}" if f"{target}.{a.name}" in modules else target for a in node.names]


@functools.cache  # built once per run (about a second): three tests read it, none changes it
def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, (path, package) in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _targets(module, package, node, modules):
                    assert target in modules, f"{module} imports {target}, which is not a module"
                    if target != module:
                        graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(module: str) -> int:
    top = _top(module).removesuffix(".py")
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise AssertionError(f"{module}: its top-level name {top!r} is in no layer of LAYERS; add it")


def test_no_import_circles():
    assert _cycles(import_graph()) == []


def test_arrows_point_only_downward():
    wrong = []
    for module, targets in sorted(import_graph().items()):
        for target in sorted(targets):
            if _layer(target) > _layer(module):
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_only_bulk_and_the_cli_import_render():
    wrong = [f"{m} -> {t}" for m, ts in import_graph().items() for t in ts
             if _top(t) == "render" and _top(m) not in MAY_IMPORT_RENDER]
    assert wrong == []


@pytest.mark.slow  # about a minute: importing any idcheck module runs idcheck/__init__, i.e. all of it
def test_every_module_imports_alone():
    names = [m for m in _modules() if not m.endswith("__main__")]
    script = (
        "import importlib, sys, traceback\n"
        "bad = []\n"
        f"for name in {names!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'idcheck' or m.startswith('idcheck.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        bad.append(name + ': ' + traceback.format_exc(limit=-3))\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(SRC.parent)})
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_pipeline_lists_each_check_once_with_a_known_config_section():
    names = [c.name for c in CHECKS]
    assert len(names) == len(set(names))
    assert names[0] == "document" and names[-2:] == ["tamper.metadata", "tamper.local"]
    sections = {f.name for f in fields(Config)}
    for check in CHECKS:
        assert check.section in sections, f"{check.name}: no Config section {check.section!r}"
        assert check.codes, check.name


def test_the_check_order_is_the_documented_one():
    assert [c.name for c in CHECKS] == ["document", "resolution", "blur", "glare", "colour", "occlusion",
                                        "watermark", "screen", "seal", "tamper.metadata", "tamper.local"]
    assert "jpeg_quant" in dir(ImageContext)  # the tamper and screen checks read the tables through the context


def test_a_dict_setting_is_not_shared_between_configs():
    a, b = Config(), Config()
    assert a.ocr.name_confidence == b.ocr.name_confidence
    assert a.ocr.name_confidence is not b.ocr.name_confidence
