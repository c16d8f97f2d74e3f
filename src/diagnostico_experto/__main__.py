"""``python -m diagnostico_experto``: the same as the ``diagnostico`` command."""

import sys

from diagnostico_experto.cli.principal import main

sys.exit(main())
