"""Rebuild data/ and datapackage.json from seeds/, the gazetteer and curation, then validate.

Same as `newsclaims build`; kept here so the repository follows the data-package layout
(scripts/ holds the code that makes data/). Run: python scripts/build_dataset.py
"""

from newsclaims.cli.app import app

if __name__ == "__main__":
    app(["build"], prog_name="newsclaims")
