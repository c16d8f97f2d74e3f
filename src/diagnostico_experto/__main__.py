"""``python -m diagnostico_experto``: the same as the ``diagnostico`` command."""

from diagnostico_experto.cli.entrada import ejecutar

ejecutar()
