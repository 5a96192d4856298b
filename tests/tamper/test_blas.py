"""tamper.blas.one_thread: one OpenBLAS thread inside, the caller's setting restored after, same products."""

import numpy as np

from idcheck.tamper import blas


def test_one_thread_restores_the_setting_and_keeps_the_results():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (4000, 64)).astype(np.float32)
    b = rng.standard_normal((64, 15)).astype(np.float32)
    before = a @ b
    fn = blas._set_local()
    with blas.one_thread():
        inside = a @ b
        if fn is not None:
            assert fn(1) == 1  # the thread count in force inside is 1 (set again to read it back)
    np.testing.assert_array_equal(inside, before)  # a thread count changes how rows are shared, not the sums
    if fn is not None:
        previous = fn(1)
        fn(previous)
        with blas.one_thread():
            pass
        assert fn(previous) == previous  # restored on the way out


def test_one_thread_restores_on_an_exception():
    fn = blas._set_local()
    if fn is None:
        return
    previous = fn(1)
    fn(previous)
    try:
        with blas.one_thread():
            raise ValueError
    except ValueError:
        pass
    assert fn(previous) == previous


def test_concurrent_analyses_restore_the_setting_once_all_are_out():
    import threading

    fn = blas._set_local()
    if fn is None:
        return
    previous = fn(1)
    fn(previous)
    inside = threading.Barrier(4)

    def analysis():
        with blas.one_thread():
            inside.wait(timeout=30)  # all four inside at once
            assert blas.threads() == 1

    threads = [threading.Thread(target=analysis) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert blas.threads() == previous
