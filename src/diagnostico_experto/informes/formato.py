"""Numbers and words as a Chilean reader expects them, and answer text made inert.

Every report, table and chart a person reads takes its numbers from here:
thousands with a dot and decimals with a comma ("2.473 h", "620,7 h",
"45 %"), plurals that agree ("1 territorio", "3 comunas"). Text from answer
files goes through :func:`md` in Markdown and :func:`neutralizar` in
spreadsheets, so it never becomes markup or a formula.
"""

from __future__ import annotations

import functools
import re
from typing import TypeVar

Valor = TypeVar("Valor")


def numero(valor: float, decimales: int = 1) -> str:
    """2473 → "2.473", 620.71 → "620,7", 45.0 → "45"."""
    redondeado = round(float(valor), decimales)
    if redondeado == int(redondeado):
        texto = f"{int(redondeado):,d}"
    else:
        texto = f"{redondeado:,.{decimales}f}".rstrip("0")
    return texto.translate(str.maketrans(",.", ".,"))


def horas(valor: float) -> str:
    return f"{numero(valor)} h"


def porcentaje(valor: float | None) -> str:
    """A share from 0 to 1 as a whole percentage: 0.4523 → "45 %"."""
    return "sin datos" if valor is None else f"{numero(valor * 100, 0)} %"


def plural(cantidad: float, singular: str, plural_: str | None = None) -> str:
    """ "1 territorio", "3 comunas", "2 fusiones" (give the plural when it is not +s)."""
    palabra = singular if cantidad == 1 else (plural_ or f"{singular}s")
    return f"{numero(cantidad)} {palabra}"


# "_" inside a word (umbral_alto) is no emphasis in CommonMark: left as it is
_MARKDOWN = re.compile(r"([\\`*\[\]|<>#!~&]|(?<!\w)_|_(?!\w))")


def md(texto: object) -> str:
    """Answer text inert in Markdown: one line, every markup character escaped.

    The Markdown environment applies it to every printed value, so a name such
    as ``<img src=x onerror=alert(1)>`` is shown, never rendered.
    """
    cadena = str(texto)
    return _md(cadena) if len(cadena) > _CORTO else _md_corto(cadena)


def _md(texto: str) -> str:
    limpio = " ".join(texto.split())
    if _MARKDOWN.search(limpio) is None:  # most texts: nothing to escape
        return limpio
    return _MARKDOWN.sub(r"\\\1", limpio)


_CORTO = 200  # short texts (names, levels, rule ids) repeat in every report: remembered
_md_corto = functools.lru_cache(maxsize=4096)(_md)


# OWASP, CSV injection: a cell whose text starts with one of these is read as a
# formula by spreadsheets; a leading apostrophe keeps it text.
_INICIO_DE_FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralizar(valor: Valor) -> Valor | str:
    """A spreadsheet cell value that can never run: text that looks like a formula gains a "'"."""
    if isinstance(valor, str) and valor.startswith(_INICIO_DE_FORMULA):
        return "'" + valor
    return valor
