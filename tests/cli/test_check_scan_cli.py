"""The command line: check, scan and explain, as a user runs them."""

import json
import os

import pytest

from fixtures.formats import ACCEPTED, EXTENSION, REFUSED, encode, giant_png, textured
from idcheck.cli import main


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    """A folder with every format (correctly named and renamed), a 0-byte file, a truncated JPEG and a giant PNG."""
    folder = tmp_path_factory.mktemp("zoo")
    pic = textured(900, 1200, seed=5)
    expected = {}
    for fmt in ACCEPTED + REFUSED:
        data = encode(pic, fmt)
        (folder / f"ok_{fmt}.{EXTENSION[fmt]}").write_bytes(data)
        expected[f"ok_{fmt}.{EXTENSION[fmt]}"] = None if fmt in ACCEPTED else "file.unsupported_type"
        wrong = "png" if fmt == "jpeg" else "jpg"
        (folder / f"renamed_{fmt}.{wrong}").write_bytes(data)
        expected[f"renamed_{fmt}.{wrong}"] = "file.extension_mismatch" if fmt in ACCEPTED else "file.unsupported_type"
    (folder / "zero.jpg").write_bytes(b"")
    expected["zero.jpg"] = "file.empty"
    jpeg = encode(pic, "jpeg")
    (folder / "truncated.jpg").write_bytes(jpeg[: len(jpeg) // 3])
    expected["truncated.jpg"] = "file.unreadable"
    (folder / "giant.png").write_bytes(giant_png())
    expected["giant.png"] = "file.unreadable"
    return folder, expected


def test_check_jsonl_over_the_zoo(zoo, capsys):
    folder, expected = zoo
    names = sorted(expected)
    code = main(["check", "--format", "jsonl", *[str(folder / n) for n in names]])
    assert code == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(names)
    for name, line in zip(names, lines, strict=True):
        record = json.loads(line)
        assert record["path"].endswith(name)  # one record per file, in order
        want = expected[name]
        codes = [f["code"] for f in record["findings"]]
        if want is None:
            assert not any(c.startswith("file.") and c != "file.too_large" for c in codes), (name, codes)
        else:
            assert want in codes, (name, codes)
            assert record["verdict"] == "fail"
        # every record says where its time went (speed itself is measured in benchmarks/, not asserted here: a
        # wall-clock limit fails on a loaded machine, and the hostile-input tests bound the work by deadline)
        assert record["timings"]["total"] > 0, (name, record["timings"])
        if want is None:  # a file that was decoded says how long that took
            assert "decode" in record["timings"], (name, record["timings"])


def test_check_exit_zero_when_all_pass_or_warn(tmp_path, capsys):
    import numpy as np
    from pypinyin import lazy_pinyin

    from fixtures import docgen

    photo, labels = docgen.make_photo("id_card", np.random.default_rng(1), {})
    name, number = labels["fields"]["name"], labels["fields"]["number"]
    p = tmp_path / "id.jpg"
    p.write_bytes(encode(photo, "jpeg", quality=90))
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({
        "registrant_type": "individual", "region": "mainland", "name_zh": name, "name_en": " ".join(lazy_pinyin(name)),
        "document_type": "id_card", "document_number": number, "province": "北京市",
        "city": "北京市", "address": "北京市东城区东长安街1号", "postal_code": "100005",
        "phone": {"country_code": "86", "number": "13800138000"}, "email": "zs@example.club"}, ensure_ascii=False))
    assert main(["check", str(p), "--profile", str(profile)]) == 0  # warnings only: new-gTLD mailbox
    out = capsys.readouterr().out
    assert "WARN" in out and "profile.email_new_gtld" in out
    assert number not in out and name not in out  # masked


def test_check_json_is_one_array(tmp_path, capsys):
    p = tmp_path / "a.png"
    p.write_bytes(encode(textured(90, 120), "png"))
    main(["check", "--format", "json", str(p), str(p)])
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == 2


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["check", "--channel", "fax", "x.jpg"])
    assert exc.value.code == 2


def test_scan_writes_one_line_per_file_and_a_summary(zoo, tmp_path, capsys):
    folder, expected = zoo
    out = tmp_path / "results.jsonl"
    assert main(["scan", str(folder), "--out", str(out), "--summary-json", str(tmp_path / "s.json")]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(os.path.basename(r["path"]) for r in records) == sorted(expected)
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["files"] == len(expected)
    assert sum(summary["verdicts"].values()) == len(expected)
    assert "files:" in capsys.readouterr().out


def test_scan_skips_hidden_and_outside_symlinks_and_reports_unreadable_folders(tmp_path, monkeypatch, capsys):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "locked").mkdir()
    (root / ".hidden").mkdir()
    data = encode(textured(90, 120), "png")
    (root / "sub" / "a.png").write_bytes(data)
    (root / ".hidden" / "b.png").write_bytes(data)
    (root / ".c.png").write_bytes(data)
    outside = tmp_path / "outside.png"
    outside.write_bytes(data)
    (root / "link_out.png").symlink_to(outside)
    (root / "link_in.png").symlink_to(root / "sub" / "a.png")
    (root / "loop").symlink_to(root, target_is_directory=True)

    real_scandir = os.scandir

    def scandir(path):  # as root, chmod cannot make a folder unreadable: simulate it
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out = tmp_path / "r.jsonl"
    assert main(["scan", str(root), "--out", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    paths = sorted(os.path.relpath(r["path"], root) for r in records)
    assert paths == ["link_in.png", "locked", "sub/a.png"]
    locked = next(r for r in records if r["path"].endswith("locked"))
    assert (
        locked["findings"][0]["code"] == "file.unreadable" and "Permission denied" in locked["findings"][0]["message"]
    )


def test_explain(capsys):
    assert main(["explain", "file.extension_mismatch"]) == 0
    out = capsys.readouterr().out
    assert "How to fix it" in out and "extension" in out
    assert main(["explain", "file.too_smal"]) == 2
    assert "file.too_small" in capsys.readouterr().err
    assert main(["explain"]) == 0
    assert "document.corner_missing" in capsys.readouterr().out


def test_scan_says_what_it_left_out_in_the_output_language(tmp_path, capsys):
    root = tmp_path / "root"
    root.mkdir()
    data = encode(textured(90, 120), "png")
    (root / "a.png").write_bytes(data)
    (root / ".b.png").write_bytes(data)  # hidden: left out, and said so
    assert main(["scan", str(root), "--out", str(tmp_path / "en.jsonl")]) == 0
    assert "not checked: 1 hidden" in capsys.readouterr().out
    assert main(["scan", str(root), "--out", str(tmp_path / "zh.jsonl"), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "未检查：1个隐藏文件" in out and "not checked" not in out
