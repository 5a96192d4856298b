"""The report contract and the API's promises: types, masking, no writes, thread safety."""

import io
import json
import os
import threading

import pytest

import idcheck
from fixtures.formats import encode
from idcheck.errors import UsageError
from idcheck.report import Private


def test_report_is_json_serialisable_with_the_documented_keys(photo):
    report = idcheck.check(encode(photo, "png"))
    data = json.loads(report.to_json())
    assert set(data) == {"schema", "kind", "path", "verdict", "findings", "checks", "file", "timings", "extra"}
    assert data["verdict"] in ("pass", "warn", "fail")
    for stage in ("read", "sniff", "file", "decode", "checks", "total"):
        assert stage in data["timings"]


def test_verdict_rule():
    from idcheck import codes
    from idcheck.report import Report

    warn = codes.finding("file.too_small", size="1 KB", limit="55 KB", channel="console")
    err = codes.finding("file.empty")
    info = codes.finding("file.animated", detected="WebP", frames=2)
    assert Report("image", [info]).verdict == "pass"
    assert Report("image", [info, warn]).verdict == "warn"
    assert Report("image", [warn, err]).verdict == "fail"


@pytest.mark.parametrize("bad", [12, 3.5, None, ["a.jpg"], {"path": "a.jpg"}, object()])
def test_wrong_source_types_raise_usage_error(bad):
    with pytest.raises(UsageError, match="path .* bytes or a binary file object"):
        idcheck.check(bad)


def test_text_stream_is_a_usage_error():
    with pytest.raises(UsageError, match="binary"):
        idcheck.check(io.StringIO("hello"))


@pytest.mark.parametrize("kwargs", [{"channel": "fax"}, {"kind": "selfie"}, {"config": {"intake": {}}}, {"profile": 5}])
def test_wrong_options_raise_usage_error(kwargs):
    with pytest.raises(UsageError):
        idcheck.check(b"\xff\xd8\xff", **kwargs)


def test_file_object_source_uses_its_name(photo, tmp_path):
    path = tmp_path / "x.jpg"
    path.write_bytes(encode(photo, "png"))
    with open(path, "rb") as fh:
        report = idcheck.check(fh)
    assert report.path == str(path) and report.has("file.extension_mismatch")


def test_missing_file_and_folder_are_findings(tmp_path):
    assert idcheck.check(tmp_path / "nope.jpg").codes == ["file.unreadable"]
    assert "folder" in idcheck.check(tmp_path).findings[0].message


def test_input_is_never_modified_and_nothing_is_written_beside_it(photo, tmp_path):
    path = tmp_path / "id.jpg"
    path.write_bytes(encode(photo, "heic"))  # wrong extension, too: exercise every stage
    os.utime(path, (1_000_000_000, 1_000_000_000))
    before = (path.read_bytes(), os.stat(path).st_mtime_ns, sorted(os.listdir(tmp_path)))
    idcheck.check(path)
    idcheck.check(str(path), channel="api")
    after = (path.read_bytes(), os.stat(path).st_mtime_ns, sorted(os.listdir(tmp_path)))
    assert before == after


def _stable(report):
    data = report.to_dict()
    data.pop("timings")
    return data


def test_eight_threads_give_identical_reports(photo, tmp_path):
    files = []
    for i, fmt in enumerate(["jpeg", "png", "webp", "heic", "bmp", "gif"]):
        p = tmp_path / f"f{i}.jpg"
        p.write_bytes(encode(photo, fmt))
        files.append(p)
    expected = [_stable(idcheck.check(p)) for p in files]
    results: dict[int, list] = {}
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            results[n] = [_stable(idcheck.check(p)) for p in files for _ in range(2)][::2]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(results[n] == expected for n in range(8))


def test_private_values_are_masked_unless_revealed():
    from idcheck import codes

    f = codes.finding("file.unreadable", reason=Private("11010519491231002X", "number"))
    assert "1101**********002X" in f.message and "11010519491231002X" not in f.message
    assert "11010519491231002X" in f.to_dict(reveal=True)["message"]
    assert "11010519491231002X" not in repr(f) and "11010519491231002X" not in str(
        Private("11010519491231002X", "number")
    )
