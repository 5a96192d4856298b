"""The throughput benchmark's scan folder holds enough files for the workers' start-up not to dominate."""

import os

from benchmarks.throughput import scan_folder


def test_scan_folder_links_the_files_round_after_round_up_to_the_count(tmp_path):
    paths = []
    for name in ("a.jpg", "b.png", "c.heic"):
        p = tmp_path / name
        p.write_bytes(name.encode() * 10)
        paths.append(str(p))
    out = scan_folder(str(tmp_path), paths, 8)
    files = sorted(os.listdir(out))
    assert len(files) == 8
    assert [f.split("_", 1)[1] for f in files] == ["a.jpg", "b.png", "c.heic"] * 2 + ["a.jpg", "b.png"]
    assert all((tmp_path / "scan" / f).read_bytes() == (tmp_path / f.split("_", 1)[1]).read_bytes() for f in files)
    # never fewer than the files themselves
    assert len(os.listdir(scan_folder(str(tmp_path / "x"), paths, 1))) == 3
