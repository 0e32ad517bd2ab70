"""The data package layer, the lowest: what a newsclaims data package *is*.

Table descriptions from ``schemas/`` (:mod:`.schema`), typed CSV and Parquet reading and writing
(:mod:`.csvio`, :mod:`.tableio`), descriptors (:mod:`.descriptor`), safe YAML (:mod:`.yamlfiles`),
errors (:mod:`.errors`), atomic writes, staging folders and the repository lock (:mod:`.fsio`),
committing and recovering builds and releases (:mod:`.commit`), zip unpacking (:mod:`.archive`),
validation and its cross-table rules (:mod:`.validate`, :mod:`.rules`) and package diffs
(:mod:`.diff`). It imports no other layer.
"""
