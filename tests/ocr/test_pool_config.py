"""The OCR engine pool's size and idle time as an operator setting (issue 21): [ocr_pool] in the typed Config,
from idcheck.toml or [tool.idcheck], listed by describe(), applied by `idcheck serve` and configure_from."""

import pytest

import idcheck
from idcheck.config import load_file
from idcheck.errors import UsageError
from idcheck.ocr.engines import pool as engine_pool
from idcheck.ocr.engines.pool import EnginePool


@pytest.fixture
def fresh_settings(monkeypatch):
    """The pool module's process-wide settings, restored after the test."""
    monkeypatch.setattr(engine_pool, "_settings", {})
    monkeypatch.setattr(engine_pool, "_pools", [])
    monkeypatch.delenv("IDCHECK_OCR_POOL", raising=False)
    monkeypatch.delenv("IDCHECK_OCR_IDLE", raising=False)
    return engine_pool


def test_the_section_is_listed_with_units_and_reasons_and_defaults_to_the_environment_or_the_cores():
    rows = {r["setting"]: r for r in idcheck.Config().describe()}
    for name in ("ocr_pool.size", "ocr_pool.idle"):
        assert rows[name]["value"] == 0 and rows[name]["unit"] and len(rows[name]["reason"]) > 40
    assert "IDCHECK_OCR_POOL" in rows["ocr_pool.size"]["unit"] and "60" in rows["ocr_pool.idle"]["unit"]


def test_loaded_from_idcheck_toml_and_pyproject(tmp_path):
    plain = tmp_path / "idcheck.toml"
    plain.write_text("[ocr_pool]\nsize = 3\nidle = 15\n")
    config = idcheck.Config.load(plain)
    assert (config.ocr_pool.size, config.ocr_pool.idle) == (3, 15.0)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n\n[tool.idcheck.ocr_pool]\nsize = 1\n')
    assert idcheck.Config.load(pyproject).ocr_pool.size == 1 and idcheck.Config.load(pyproject).ocr_pool.idle == 0


@pytest.mark.parametrize("text, words", [
    ("[ocr_pool]\nsize = -1\n", ">= 0"),
    ("[ocr_pool]\nsize = 2.5\n", "size must be like"),
    ("[ocr_pool]\nidle = \"long\"\n", "idle must be like"),
    ("[ocr_pool]\nengines = 2\n", "unknown settings in [ocr_pool]"),
])
def test_bad_values_are_usage_errors_naming_the_file(tmp_path, text, words):
    path = tmp_path / "idcheck.toml"
    path.write_text(text)
    with pytest.raises(UsageError, match="idcheck.toml") as info:
        load_file(path)
    assert words in str(info.value)


def test_configure_from_sets_new_and_existing_pools_and_zero_keeps_the_default(fresh_settings, monkeypatch):
    made = []
    before = EnginePool(lambda key: made.append(key) or object(), lambda obj: None)
    assert before.size == engine_pool.cores() and before.idle == engine_pool.DEFAULT_IDLE
    engine_pool.configure_from(idcheck.Config.from_dict({"ocr_pool": {"size": 1, "idle": 5.0}}))
    assert (before.size, before.idle) == (1, 5.0)  # an existing pool follows at once
    after = EnginePool(lambda key: object(), lambda obj: None)
    assert (after.size, after.idle) == (1, 5.0) and engine_pool.default_size() == 1
    with before.borrow("chi_sim") as a, before.borrow("chi_sim", timeout=0.05) as b:
        assert a is not None and b is None  # one engine per language now: the second borrower waits

    monkeypatch.setattr(engine_pool, "_settings", {})
    monkeypatch.setenv("IDCHECK_OCR_POOL", "7")
    engine_pool.configure_from(idcheck.Config())  # 0: the environment's value stays in force
    assert engine_pool.default_size() == 7 and engine_pool.default_idle() == engine_pool.DEFAULT_IDLE


def test_serve_applies_the_config_files_pool_settings_at_start(fresh_settings, tmp_path):
    pytest.importorskip("starlette")
    from idcheck import serve

    path = tmp_path / "idcheck.toml"
    path.write_text("[ocr_pool]\nsize = 2\nidle = 9\n")
    serve.create_app(serve.Settings(workers=1, config=idcheck.Config.load(path)))
    assert engine_pool.default_size() == 2 and engine_pool.default_idle() == 9.0
