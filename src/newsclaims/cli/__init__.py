"""The command line, on top of every other layer: ``newsclaims build``, ``validate``, ``review``,
``release``, ``diff``, ``report``, ``verify-release``, ``fetch`` and ``add-seed``.

It opens the repository, wires the layers together (e.g. hands the publishing layer's document
writer to the pipeline's build) and turns errors into one line each. The typer application is
``newsclaims.cli.app.app``; it is imported only when a command needs it.
"""

import sys

__all__ = ["interrupt", "main"]


def main(argv: list[str] | None = None) -> None:
    """The ``newsclaims`` command; a build with nothing to do is answered before the parser loads."""
    from newsclaims.cli.quick import plain_build_root, report_unchanged
    root = plain_build_root(sys.argv[1:] if argv is None else argv)
    if root is not None and report_unchanged(root):
        return
    import signal
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:    # not when started with Ctrl-C ignored
        signal.signal(signal.SIGINT, interrupt)
    from newsclaims.cli.app import STATE, run_app
    try:
        run_app(argv)
    except SystemExit as stop:
        if STATE.get("done") and not stop.code:
            _end_now()
        raise
    if STATE.get("done"):
        _end_now()


def _end_now() -> None:
    """End a command that finished (a local build) without the interpreter's teardown.

    A build of 10,000 articles leaves millions of objects in memos that outlive it; freeing them
    one by one at exit took about 10 s after everything was written, committed and printed.
    The exit handlers still run (multiprocessing's among them), the output is flushed, and the
    exit status is 0; only the freeing, which the operating system does at once, is skipped.
    """
    import atexit
    import os
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(0)


def interrupt(signum, frame) -> None:
    """Ctrl-C as KeyboardInterrupt, as Python's own handler does, but never inside a finalizer.

    Python drops an exception raised in an object's ``__del__`` (it prints "Exception ignored")
    and goes on; a Ctrl-C that landed there (spaCy's and regex's objects are finalized all through
    extraction) printed a traceback and the command ran to its end as if nothing was asked. Here
    it is asked again a moment later, once the finalizer has returned.

    >>> try:
    ...     interrupt(2, sys._getframe())           # outside a finalizer: at once
    ... except KeyboardInterrupt:
    ...     print("interrupted")
    interrupted
    """
    import signal
    import threading
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            # a real signal (not _thread.interrupt_main): it also wakes a main thread that waits
            if hasattr(signal, "pthread_kill"):
                timer = threading.Timer(0.02, signal.pthread_kill, (threading.main_thread().ident, signum))
            else:                                   # Windows
                import _thread
                timer = threading.Timer(0.02, _thread.interrupt_main, (signum,))
            timer.daemon = True
            timer.start()
            return
        frame = frame.f_back
    raise KeyboardInterrupt
