"""Numbers and words as a Chilean reader expects them, and answer text made inert.

Every report, table and chart a person reads takes its numbers, dates and
plurals from here; they are Babel's es_CL formats, kept in
:mod:`diagnostico_experto.comun.formato_chileno` so that the questionnaire's
layers use the same ones. Text from answer files goes through :func:`md` in
Markdown and :func:`neutralizar` in spreadsheets, so it never becomes markup
or a formula.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, TypeVar

from diagnostico_experto.comun.formato_chileno import (
    fecha,
    fecha_corta,
    horas,
    numero,
    palabra,
    plural,
    porcentaje,
)

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = [
    "en_plantillas",
    "fecha",
    "fecha_corta",
    "horas",
    "md",
    "neutralizar",
    "numero",
    "palabra",
    "plural",
    "porcentaje",
]

Valor = TypeVar("Valor")


def en_plantillas(entorno: Environment) -> None:
    """Give a template environment (reports, Word documents) the formats above:
    ``num``, ``pct``, ``horas``, ``plural``, ``palabra`` and the ``fecha`` filters."""
    entorno.globals.update(pct=porcentaje, num=numero, horas=horas, plural=plural, palabra=palabra)
    entorno.filters.update(fecha=fecha, fecha_corta=fecha_corta)


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
