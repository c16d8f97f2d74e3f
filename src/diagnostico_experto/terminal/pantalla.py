"""Text for the terminal: lines that break between words at the terminal's width."""

from __future__ import annotations

import shutil
import textwrap


def ancho() -> int:
    """The terminal's width (at most 100), so long lines break between words."""
    return min(shutil.get_terminal_size((80, 24)).columns, 100) - 1


def envolver(texto: str, margen: int = 0) -> str:
    """Wrap each line; continuation lines keep the indent of a "  - " item."""
    lineas = []
    for linea in texto.splitlines():
        sangria = " " * (len(linea) - len(linea.lstrip(" -")))
        lineas.append(
            textwrap.fill(linea, ancho() - margen, subsequent_indent=sangria) if linea else ""
        )
    return "\n".join(lineas)


def decir(texto: str) -> None:
    print(envolver(texto))
