"""Numbers, dates and plurals as a Chilean reader expects them, through Babel (CLDR, es_CL).

Every layer that shows a number or a date to a person takes it from here:
thousands with a dot and decimals with a comma («2.473 h», «620,7 h»,
«45,5 %»), dates in words («7 de diciembre de 2026») and plurals that agree
(«1 servicio», «2 servicios»). Babel is imported on first use, so a command
that prints no number does not load the locale data.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babel import Locale

LOCALE = "es_CL"


@functools.cache
def _locale() -> Locale:
    from babel import Locale

    return Locale.parse(LOCALE)


@functools.cache
def _patron(decimales: int) -> Any:
    from babel.numbers import parse_pattern

    return parse_pattern("#,##0" + ("." + "#" * decimales if decimales else ""))


@functools.lru_cache(maxsize=8192)
def _numero(valor: float, decimales: int) -> str:
    return str(_patron(decimales).apply(valor, _locale()))


def numero(valor: float, decimales: int = 1) -> str:
    """2473 → «2.473», 620.71 → «620,7», 45.0 → «45», 3.5 → «3,5»."""
    return _numero(float(valor), decimales)


def horas(valor: float) -> str:
    """620.71 → «620,7 h»."""
    return f"{numero(valor)} h"


def porcentaje(valor: float | None, decimales: int = 0) -> str:
    """A share from 0 to 1: 0.4523 → «45 %»; with one decimal, 0.455 → «45,5 %»."""
    return "sin datos" if valor is None else f"{numero(valor * 100, decimales)} %"


def palabra(cantidad: float, singular: str, plural_: str | None = None) -> str:
    """The word that agrees with ``cantidad`` (CLDR's plural rule for Spanish): «servicio», «servicios»."""
    if _locale().plural_form(abs(cantidad)) == "one":
        return singular
    return plural_ or f"{singular}s"


def plural(cantidad: float, singular: str, plural_: str | None = None) -> str:
    """«1 territorio», «3 comunas», «2 fusiones» (give the plural when it is not +s)."""
    return f"{numero(cantidad)} {palabra(cantidad, singular, plural_)}"


def _como_fecha(valor: dt.date | str) -> dt.date | None:
    if isinstance(valor, dt.datetime):
        return valor.date()
    if isinstance(valor, dt.date):
        return valor
    try:
        return dt.date.fromisoformat(str(valor).strip()[:10])
    except ValueError:
        return None


@functools.lru_cache(maxsize=1024)
def _fecha(valor: dt.date, patron: str) -> str:
    from babel.dates import format_date

    return str(format_date(valor, patron, locale=_locale()))


def fecha(valor: dt.date | str | None, sin_fecha: str = "sin fecha") -> str:
    """«2026-12-07» or a date → «7 de diciembre de 2026»; text that is no date stays as it is."""
    if valor is None or valor == "":
        return sin_fecha
    fecha_ = _como_fecha(valor)
    return str(valor) if fecha_ is None else _fecha(fecha_, "long")


def fecha_corta(valor: dt.date | str | None, sin_fecha: str = "sin fecha") -> str:
    """For tables: «7 dic 2026»."""
    if valor is None or valor == "":
        return sin_fecha
    fecha_ = _como_fecha(valor)
    return str(valor) if fecha_ is None else _fecha(fecha_, "d MMM y").replace(".", "")


def leer_numero(texto: str) -> float:
    """A number a person typed: «3,5» and «3.5» are both three and a half; ValueError if none."""
    limpio = texto.strip().replace(" ", "").replace("\u00a0", "")
    if limpio.count(",") == 1 and "." not in limpio:
        limpio = limpio.replace(",", ".")
    elif (
        limpio.count(",") == 1 and limpio.count(".") >= 1 and limpio.rfind(",") > limpio.rfind(".")
    ):
        limpio = limpio.replace(".", "").replace(",", ".")  # «2.473,5»
    return float(limpio)


def con_punto(valor: object) -> str | None:
    """A number written with a decimal comma («5,5», «2.473,5») as a YAML number must be
    written («5.5», «2473.5»): knowledge and rule files are read as YAML, where a comma
    does not separate decimals. None when ``valor`` is no such text."""
    if not isinstance(valor, str) or "," not in valor:
        return None
    try:
        leido = leer_numero(valor)
    except ValueError:
        return None
    return repr(leido) if math.isfinite(leido) else None


def pista_con_punto(valor: object) -> str:
    """The hint a message adds for a number written with a decimal comma, or ""."""
    escrito = con_punto(valor)
    return f"; escriba {escrito}, con punto decimal" if escrito else ""


# Day first, as dates are written in Chile, besides ISO (the form YAML and Kobo write).
_FORMATOS_FECHA = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
_FECHA_ESCRITA = re.compile(
    r"([0-9]{4})-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}([-/])[0-9]{1,2}\2[0-9]{4}"
)
# Day 0 of a spreadsheet's date serial numbers (Excel, LibreOffice: 45000 is 15-03-2023).
_DIA_CERO_PLANILLA = dt.date(1899, 12, 30)


def leer_fecha(texto: str) -> dt.date:
    """A date a person typed: «15-03-2024», «15/03/2024» (day first) or «2024-03-15».

    ValueError with a Spanish reason: not a date at all, or a date the calendar lacks.
    """
    limpio = texto.strip()
    if not _FECHA_ESCRITA.fullmatch(limpio):
        raise ValueError(f"«{limpio[:40]}» no es una fecha; escríbala como 12-03-2026")
    for formato in _FORMATOS_FECHA:
        try:
            return dt.datetime.strptime(limpio, formato).date()
        except ValueError:
            continue
    raise ValueError(f"«{limpio}» no es una fecha del calendario")


def fecha_de_planilla(serie: float) -> dt.date:
    """A spreadsheet date cell stored as its serial number (45000 → 15 de marzo de 2023)."""
    if not 1 <= serie < 2_958_466:  # up to 31-12-9999, the last date a spreadsheet shows
        raise ValueError(f"«{numero(serie)}» no es una fecha")
    return _DIA_CERO_PLANILLA + dt.timedelta(days=int(serie))
