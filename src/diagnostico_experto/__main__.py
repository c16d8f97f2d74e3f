"""``python -m diagnostico_experto``: the same as the ``diagnostico`` command."""

import sys

from .cli import main

sys.exit(main())
