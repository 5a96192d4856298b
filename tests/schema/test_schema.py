"""The report's JSON Schema: a valid draft 2020-12 document, printed by `idcheck schema`, and strict enough
to catch a broken report (the suite-wide hook in tests/conftest.py validates every report the tests make)."""

import copy
import json

import jsonschema
import pytest

import idcheck
from idcheck import schema
from idcheck.cli import main
from idcheck.report import SCHEMA_VERSION


def test_schema_is_valid_and_versioned(capsys):
    doc = schema.load()
    jsonschema.Draft202012Validator.check_schema(doc)
    assert doc["properties"]["schema"] == {"const": SCHEMA_VERSION}
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == doc
    assert main(["schema", "--version", "99"]) == 2
    with pytest.raises(ValueError):
        schema.load(99)


@pytest.fixture(scope="module")
def good():
    from fixtures.formats import encode, textured

    data = encode(textured(700, 900, seed=5), "png")
    report = idcheck.check(data, filename="张三-身份证.jpg")  # a PNG named .jpg: an error finding
    assert report.has("file.extension_mismatch")
    return report.to_dict()


def test_a_real_report_validates(good):
    assert schema.errors(good) == []
    schema.validate(good)


@pytest.mark.parametrize(
    "breakage, where",
    [
        (lambda r: r.update(verdict="pass"), "verdict"),  # an error finding but verdict pass
        (lambda r: r.pop("timings"), "(top)"),
        (lambda r: r.update(schema=2), "schema"),
        (lambda r: r.update(surprise=1), "(top)"),
        (lambda r: r["findings"][0].update(severity="fatal"), "findings/0/severity"),
        (lambda r: r["findings"][0].update(code="Not A Code"), "findings/0/code"),
        (lambda r: r["findings"][0].update(region=[[1, 2, 3]]), "findings/0/region"),
        (lambda r: r["findings"][0].pop("message"), "findings/0"),
        (lambda r: r["timings"].update(total="fast"), "timings/total"),
    ],
)
def test_a_broken_report_is_caught(good, breakage, where):
    broken = copy.deepcopy(good)
    breakage(broken)
    problems = schema.errors(broken)
    assert problems and any(p.startswith(where + ":") for p in problems), problems
    with pytest.raises(ValueError, match="does not match its schema"):
        schema.validate(broken)


def test_the_schema_ships_with_the_package():
    from importlib import resources

    assert (resources.files("idcheck.schema") / f"report-{SCHEMA_VERSION}.json").is_file()
