"""``python -m newsclaims`` runs the command line."""

import sys

try:
    from newsclaims.cli import main
except KeyboardInterrupt:       # Ctrl-C while starting up: nothing was read or written yet
    sys.stderr.write("interrupted before anything was written\n")
    sys.exit(130)

main()
