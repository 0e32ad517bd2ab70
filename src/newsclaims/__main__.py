"""``python -m newsclaims`` runs the command line."""

from .cli import app

app(prog_name="newsclaims")
