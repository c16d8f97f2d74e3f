"""The process entry (the ``diagnostico`` script, ``python -m diagnostico_experto``).

A request for a command's help is answered from the help click rendered before
(``cli.ayuda``) without importing click; everything else goes to the commands
(``cli.principal.ejecutar``).
"""

from __future__ import annotations

import codecs
import shutil
import sys

from diagnostico_experto.cli.ayuda import guardada


def ejecutar() -> None:
    """Print the stored help and exit 0, or run the command through click."""
    texto = _ayuda_guardada()
    if texto is None:
        from diagnostico_experto.cli.principal import ejecutar as con_click

        con_click()
        return
    try:  # as click.echo writes it, and its failures as the commands report them
        sys.stdout.write(texto)
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    except OSError as exc:  # a full disk
        from diagnostico_experto.cli.principal import error_de_sistema

        sys.exit(error_de_sistema(exc))
    sys.exit(0)


def _ayuda_guardada() -> str | None:
    """The stored help, when this call asks for it and click would write the same:
    the terminal's width as click reads it, and an output click writes as is
    (click re-encodes one that says ASCII)."""
    salida = sys.stdout
    if (
        salida is None
        or codecs.lookup(getattr(salida, "encoding", None) or "ascii").name != "utf-8"
    ):
        return None
    return guardada(sys.argv[1:], shutil.get_terminal_size().columns)
