"""The pipeline: from seed articles to the package's tables, in the order a seed travels.

:mod:`.repository` (what a command reads, once) → :mod:`.ingest` (seeds and catalog) →
:mod:`.clean` (page furniture) → :mod:`.extract` (speakers, figures, dates) → :mod:`.curate`
(the curators' decisions) and :mod:`.relations` (automatic corroborations and contradictions) →
:mod:`.tables` (rows, ids, CSV, descriptor) → :mod:`.build` (validate in staging, commit).
:mod:`.review` lists what curators still have to do; :mod:`.checks` validates a repository.
"""
