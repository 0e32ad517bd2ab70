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
    from newsclaims.cli.app import run_app
    run_app(argv)
