"""The catalogue and the config are data with rules: check the rules."""

import dataclasses
import string

from idcheck import codes
from idcheck.config import Config

FOUNDATION_CODES = """file.unreadable file.empty file.unsupported_type file.extension_mismatch file.too_large
file.too_small
image.low_resolution image.blurry image.glare image.grayscale image.screenshot image.screen_recapture
document.not_found document.corner_missing document.occluded document.watermark
tamper.editing_software tamper.local_edit""".split()


def test_every_contract_code_is_defined():
    assert set(FOUNDATION_CODES) <= set(codes.catalogue())


def test_every_entry_is_complete_and_its_placeholders_agree():
    for code, info in codes.catalogue().items():
        family, _, name = code.partition(".")
        assert family and name and code == code.lower(), code
        for text in (info.title, info.message, info.meaning, info.fix):
            assert text.strip(), code
        if info.message_zh:
            en = {f for _, f, _, _ in string.Formatter().parse(info.message) if f}
            zh = {f for _, f, _, _ in string.Formatter().parse(info.message_zh) if f}
            assert zh <= en | {f + "_zh" for f in en} | {"measured", "threshold"}, code


def test_every_setting_has_a_unit_and_a_reason():
    for row in Config().describe():
        assert row["unit"] and len(row["reason"]) > 20, row["setting"]


def test_config_from_dict_overrides_and_rejects_unknown_names():
    cfg = Config.from_dict({"intake": {"max_pixels": 1234}})
    assert cfg.intake.max_pixels == 1234 and cfg.decode == Config().decode
    for bad in ({"intake": {"max_pixel": 1}}, {"nope": {}}):
        try:
            Config.from_dict(bad)
        except TypeError as exc:
            assert "unknown" in str(exc)
        else:
            raise AssertionError("unknown config name accepted")
    assert dataclasses.is_dataclass(cfg)


def test_config_command_lists_every_setting(capsys):
    from idcheck.cli import main

    assert main(["config", "--format", "json"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(Config().describe()) and all(r["reason"] for r in rows)
