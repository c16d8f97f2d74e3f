"""Every command's ``--help``, kept as click renders it, so that asking for help
does not import click (importing click alone costs more than the whole help
should: issue 31).

``ayuda.txt``, next to this module, holds each command's help at the width click
uses with no terminal or a terminal of 80 columns or more. ``uv run python -m
tools.referencia_cli`` writes it with ``renderizada()``, and ``tests/test_ayuda_guardada.py``
fails while it differs from what click prints. The entry (``cli.entrada``) shows
it only for exactly ``diagnostico [COMANDO…] --help`` (or ``-h``) at that width;
anything else, or a narrower terminal, goes through click as always.
"""

from __future__ import annotations

import os

OPCIONES = ("--help", "-h")
ANCHO = 78  # click's width: min(terminal columns, 80) - 2
COLUMNAS = ANCHO + 2  # the fewest terminal columns that give that width
# os.path, not pathlib: importing pathlib costs about half of what showing the help does
ARCHIVO = os.path.join(os.path.dirname(__file__), "ayuda.txt")  # noqa: PTH118, PTH120
_SECCION = "\f"  # starts each command's help: «\fdiagnostico reglas calibrar\n…»


def guardada(argumentos: list[str], columnas: int) -> str | None:
    """The help ``diagnostico *argumentos`` prints, when it is exactly a request for
    a command's help at the stored width; None otherwise (click then answers)."""
    if not argumentos or argumentos[-1] not in OPCIONES or columnas < COLUMNAS:
        return None
    try:
        with open(ARCHIVO, encoding="utf-8") as archivo:  # noqa: PTH123 (as above)
            texto = archivo.read()
    except OSError:
        return None
    for seccion in texto.split(_SECCION)[1:]:
        camino, _, ayuda = seccion.partition("\n")
        if camino.split(" ")[1:] == argumentos[:-1]:
            return ayuda
    return None


def renderizada() -> str:
    """The text of ``ayuda.txt``: each command's help as click prints it at ``ANCHO``."""
    import click

    from diagnostico_experto.cli.principal import principal

    partes = []
    raiz = click.Context(
        principal, info_name="diagnostico", terminal_width=ANCHO, **principal.context_settings
    )
    pendientes = [raiz]
    while pendientes:
        ctx = pendientes.pop(0)
        comando = ctx.command
        ayuda = comando.get_help(ctx) + "\n"  # click.echo adds the line end
        assert _SECCION not in ayuda
        partes.append(f"{_SECCION}{ctx.command_path}\n{ayuda}")
        if isinstance(comando, click.Group):
            for nombre in comando.list_commands(ctx):
                sub = comando.get_command(ctx, nombre)
                if sub is not None:
                    pendientes.append(
                        click.Context(sub, info_name=nombre, parent=ctx, **sub.context_settings)
                    )
    return "".join(partes)
