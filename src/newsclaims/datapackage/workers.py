"""Helper processes that leave Ctrl-C to the command that started them.

A terminal sends Ctrl-C to every process of the foreground group. A helper that takes it prints
its own traceback beside the command's one-line answer; so helpers ignore it, and the command,
which knows what it has written, answers and stops them.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import multiprocessing.pool
import signal
import threading
from typing import Any, Callable


def cores() -> int:
    """The cores this process may use (its CPU affinity on Linux, else every core).

    >>> cores() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:          # not on Linux
        return os.cpu_count() or 1


def spawn_pool(processes: int) -> multiprocessing.pool.Pool:
    """A pool of *processes* spawned (not forked) processes that ignore Ctrl-C; stop them with
    ``terminate()`` when the command is interrupted or fails. Give them work through
    :func:`helper_task`.

    They start with SIGINT ignored, which a new program inherits, so even a Ctrl-C that comes
    while one is still starting (importing, unpickling its task) prints nothing. This process
    ignores it only for the instant it takes to start them.

    >>> pool = spawn_pool(1)
    >>> pool.apply(abs, (-3,))
    3
    >>> pool.terminate()
    """
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        return multiprocessing.get_context("spawn").Pool(processes)
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


def helper_task(fn: Callable[..., Any], *args) -> Any:
    """``fn(*args)`` as a helper process runs it (``pool.apply_async(helper_task, (fn, *args))``):
    without the cyclic garbage collector (a helper ends with its answer; see
    ``newsclaims.pipeline.build.without_cyclic_gc``), and with any error as a RuntimeError
    carrying its message, which crosses the process boundary whatever the error's type.

    >>> helper_task(abs, -3)
    3
    >>> helper_task(int, "x")
    Traceback (most recent call last):
    RuntimeError: invalid literal for int() with base 10: 'x'
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return fn(*args)
    except Exception as exc:
        raise RuntimeError(str(exc)) from None
    finally:
        if enabled:
            gc.enable()
