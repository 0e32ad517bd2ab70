"""The command line, on top of every other layer: ``newsclaims build``, ``validate``, ``review``,
``release``, ``diff``, ``report``, ``verify-release``, ``fetch`` and ``add-seed``.

It opens the repository, wires the layers together (e.g. hands the publishing layer's document
writer to the pipeline's build) and turns errors into one line each.
"""

from newsclaims.cli.app import app, run_app as main

__all__ = ["app", "main"]
