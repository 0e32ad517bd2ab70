"""The command line, on top of every other layer: ``newsclaims build``, ``validate``, ``review``,
``release``, ``diff``, ``report``, ``verify-release``, ``fetch`` and ``add-seed``.

It opens the repository, wires the layers together (e.g. hands the publishing layer's document
writer to the pipeline's build) and turns errors into one line each. The typer application is
``newsclaims.cli.app.app``; it is imported only when a command needs it.
"""

import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """The ``newsclaims`` command; a build with nothing to do is answered before the parser loads."""
    from newsclaims.cli.quick import plain_build_root, report_unchanged
    root = plain_build_root(sys.argv[1:] if argv is None else argv)
    if root is not None and report_unchanged(root):
        return
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
