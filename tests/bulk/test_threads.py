"""Scan workers start with one thread per native library (issue 19): the forkserver gets the thread variables
before it imports numpy, and the caller's environment is left as it was."""

import os
import subprocess
import sys

import idcheck

PROBE = """
import os
from idcheck.bulk import pool
from idcheck.tamper import blas

if __name__ == "__main__":
    before = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    ctx = pool._context()
    after = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    with ctx.Pool(1) as p:
        print(p.apply(os.getenv, ("OPENBLAS_NUM_THREADS",)), p.apply(blas.threads), before == after, blas.threads())
"""


def test_forkserver_workers_get_one_blas_thread_and_the_caller_keeps_its_environment(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(idcheck.__file__)), env.get("PYTHONPATH", "")])
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    worker_env, worker_threads, unchanged, caller_threads = out.stdout.split()
    assert worker_env == "1"
    assert unchanged == "True"
    if worker_threads != "None":  # numpy's OpenBLAS has the per-thread setting: it loaded with one thread
        assert worker_threads == "1"
        assert os.cpu_count() == 1 or caller_threads != "1"  # the caller's own BLAS was not limited


PRELOAD_PROBE = """
import sys
from idcheck.bulk import pool

def loaded(name):
    return name in sys.modules

if __name__ == "__main__":
    ctx = pool._context()
    with ctx.Pool(1) as p:
        print(p.apply(loaded, ("rapidocr.main",)), "rapidocr.main" in sys.modules)
"""


def test_scan_workers_start_with_the_text_detectors_library_imported(tmp_path):
    """Imported in each worker, the detector's library cost every worker 0.6-0.9 s at its first picture that needs
    it (a scan of 24 pictures on two workers ran x1.71 the speed of one; x1.90 with the library preloaded)."""
    import importlib.util

    if importlib.util.find_spec("rapidocr") is None:
        import pytest

        pytest.skip("rapidocr is not installed: nothing to preload")
    script = tmp_path / "probe.py"
    script.write_text(PRELOAD_PROBE)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(idcheck.__file__)), env.get("PYTHONPATH", "")])
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    in_worker, in_caller = out.stdout.split()
    assert in_worker == "True"  # imported by the forkserver before the worker forked
    assert in_caller == "False"  # the caller itself pays nothing for it
