"""``python -m clerk_edge`` — the ``clerk-edge`` command line (see :mod:`clerk_edge.cli`)."""
import sys

from .cli import main

sys.exit(main())
