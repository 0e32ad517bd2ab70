"""newsclaims: claims, sources and events from news reports.

The modules follow the pipeline in order: ``ingest`` (seed files and their catalog) → ``clean``
(page furniture) → ``extract`` (sentences, speakers, figures, dates, places) → ``curate``
(human review) → ``tables`` (rows, ids, CSV and descriptor) → ``validate`` → ``release`` →
``load``. ``schema`` holds the one description of every table that all of them use.
"""

__version__ = "0.1.0"

from .load import Dataset, load  # noqa: E402  (the public entry point: newsclaims.load)

__all__ = ["Dataset", "load", "__version__"]
