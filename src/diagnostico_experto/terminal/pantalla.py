"""Text for the terminal: lines that break between words at the terminal's width, and pages."""

from __future__ import annotations

import re
import shutil
import textwrap

_VINETA = re.compile(r"[ -]*(\d+\. )?")  # "  - " or "  1. ": continuation lines go under the text


def ancho() -> int:
    """The terminal's width (at most 100), so long lines break between words."""
    return min(shutil.get_terminal_size((80, 24)).columns, 100) - 1


def alto() -> int:
    """The terminal's height: a view taller than this is shown in pages."""
    return max(shutil.get_terminal_size((80, 24)).lines, 12)


def envolver(texto: str, margen: int = 0) -> str:
    """Wrap each line; continuation lines keep the indent of a "  - " or "  1. " item."""
    lineas = []
    for linea in texto.splitlines():
        vineta = _VINETA.match(linea)
        sangria = " " * (vineta.end() if vineta else 0)
        lineas.append(
            textwrap.fill(
                linea,
                max(ancho() - margen, 20),
                subsequent_indent=sangria,
                break_on_hyphens=False,
                break_long_words=False,
            )
            if linea.strip()
            else ""
        )
    return "\n".join(lineas)


def envolver_opcion(texto: str, sangria: int) -> str:
    """An option of a list: its continuation lines start under its first letter.

    ``sangria`` is the width of what the list draws before the text (pointer, tick box).
    """
    relleno = " " * sangria
    return textwrap.fill(
        " ".join(texto.split()),
        max(ancho(), 20 + sangria),
        initial_indent=relleno,
        subsequent_indent=relleno,
        break_on_hyphens=False,
        break_long_words=False,
    )[sangria:]


def decir(texto: str) -> None:
    print(envolver(texto))


def paginas(lineas: list[str], por_pagina: int) -> list[list[str]]:
    """Cut wrapped lines into pages; a page never starts with a blank line."""
    resultado: list[list[str]] = []
    actual: list[str] = []
    for linea in lineas:
        if not actual and not linea.strip():
            continue
        actual.append(linea)
        if len(actual) >= por_pagina:
            resultado.append(actual)
            actual = []
    if actual:
        resultado.append(actual)
    return resultado or [[]]
