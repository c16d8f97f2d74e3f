"""Write docs/cli.md and the stored help: every command's ``--help``, exactly as the
program prints it.

Run it after adding or changing a command, an option or a help text::

    uv run python -m tools.referencia_cli

``tests/test_docs.py`` fails while docs/cli.md differs from what this writes, and
``tests/test_ayuda_guardada.py`` while the help ``--help`` prints without click
(``src/diagnostico_experto/cli/ayuda.txt``, see ``cli.ayuda``) differs from click's,
so neither drifts from the program.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from diagnostico_experto.cli import ayuda
from diagnostico_experto.cli.principal import principal

RAIZ = Path(__file__).resolve().parent.parent
REFERENCIA = RAIZ / "docs" / "cli.md"
AYUDA = Path(ayuda.ARCHIVO)
ANCHO = 90  # columns of the help text: the same on every machine, not the terminal's

_ENCABEZADO = """\
# Referencia de la línea de comandos

<!-- Generado con `uv run python -m tools.referencia_cli`; no lo edite a mano. -->

Cada comando con su ayuda, tal como la muestra `diagnostico COMANDO --help`. Las opciones
`--reglas` y `--conocimiento` valen para todos los comandos, también escritas antes del comando
(`diagnostico --reglas mis-reglas evaluar …`). Los códigos de salida están en el
[README](../README.md#códigos-de-salida); el recorrido completo, en la [guía de uso](uso.md).
"""


def _comandos(
    comando: click.Command, ctx: click.Context
) -> Iterator[tuple[click.Command, click.Context]]:
    """The command and, for a group, each subcommand in alphabetical order, depth first."""
    yield comando, ctx
    if isinstance(comando, click.Group):
        for nombre in comando.list_commands(ctx):
            sub = comando.get_command(ctx, nombre)
            if sub is None or sub.hidden:
                continue
            hijo = click.Context(sub, info_name=nombre, parent=ctx, **sub.context_settings)
            yield from _comandos(sub, hijo)


def referencia() -> str:
    """The Markdown text of docs/cli.md."""
    ajustes = {**principal.context_settings, "terminal_width": ANCHO, "max_content_width": ANCHO}
    raiz = click.Context(principal, info_name="diagnostico", **ajustes)
    partes = [_ENCABEZADO]
    for comando, ctx in _comandos(principal, raiz):
        partes.append(f"## `{ctx.command_path}`\n\n```text\n{comando.get_help(ctx)}\n```\n")
    return "\n".join(partes)


def main() -> int:
    textos = {REFERENCIA: referencia(), AYUDA: ayuda.renderizada()}
    if "--revisar" in sys.argv[1:]:
        for ruta, texto in textos.items():
            vigente = ruta.read_text(encoding="utf-8") if ruta.exists() else ""
            if vigente != texto:
                print(f"{ruta} no está al día: uv run python -m tools.referencia_cli")
                return 1
        return 0
    for ruta, texto in textos.items():
        ruta.write_text(texto, encoding="utf-8")
        print(f"Escrito {ruta}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
