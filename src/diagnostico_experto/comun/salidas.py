"""Outputs never overwrite an input: the checks made before anything is written.

Paths are compared by what they are on disk (same file, same folder), so a
symlink, a ``..`` or another spelling on a case-insensitive disk does not
slip through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from diagnostico_experto.comun.errores import ErrorEntorno

# A comuna's file name: long enough to tell comunas apart, short enough that the name,
# a date, a counter and the longest suffix («.avance.html») stay under every system's
# 255-byte limit, whatever name the knowledge accepts.
LARGO_NOMBRE = 80

_CLAVE_RESPUESTAS = re.compile(rb"^respuestas[ \t]*:", re.MULTILINE)
_PLANILLAS = (".xlsx", ".xlsm", ".csv")  # what «lote» reads; no report has these suffixes
_LEIDO = 1 << 16  # an answer file names its answers near the top; a report never has the key


def nombre_de_archivo(texto: str, si_vacio: str = "comuna") -> str:
    """ASCII, no separators, at most LARGO_NOMBRE characters cut between words.

    Callers keep names unique (two long names may share their first words).
    """
    from slugify import slugify  # here: a report to the terminal names no file

    return slugify(texto, max_length=LARGO_NOMBRE, word_boundary=True) or si_vacio


def es_archivo_de_respuestas(ruta: Path) -> bool:
    """A regular file with a top-level ``respuestas:`` key, as every answer file has."""
    try:
        ruta = ruta.resolve()
        if not ruta.is_file():
            return False
        with ruta.open("rb") as f:
            return _CLAVE_RESPUESTAS.search(f.read(_LEIDO)) is not None
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return False


def _mismo(a: Path, b: Path) -> bool:
    """Same file on disk; ``a`` may not exist yet (``x/../A.yaml`` with no ``x``)."""
    try:
        return a.resolve().samefile(b)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return False


def _resuelta(ruta: Path) -> Path | None:
    """Where a path leads, or None when it leads nowhere (a symlink loop, no permission):
    such an entry is reported by the batch when it reads it, not here."""
    try:
        return ruta.resolve()
    except (OSError, RuntimeError):
        return None


def _con_destino(salida: Path) -> Path:
    """Where --salida leads; a symlink that leads back to itself is refused in one line."""
    resuelta = _resuelta(salida)
    if resuelta is None:
        raise ErrorEntorno.uno(
            salida, "no se puede escribir: es un enlace simbólico que vuelve sobre sí mismo"
        )
    return resuelta


def revisar_informe(salida: Path, entrada: Path) -> None:
    """``evaluar --salida``: refuse the answer file being evaluated, any other answer file or a planilla."""
    _con_destino(salida)
    if _mismo(salida, entrada):
        raise ErrorEntorno.uno(
            salida,
            "es el archivo de respuestas que se evalúa; el informe lo reemplazaría. "
            "Elija otro nombre para --salida.",
        )
    if salida.suffix.lower() in _PLANILLAS and salida.is_file():
        raise ErrorEntorno.uno(
            salida,
            "es una planilla; un informe nunca es .xlsx ni .csv y no la reemplaza. "
            "Elija otro nombre para --salida.",
        )
    if es_archivo_de_respuestas(salida):
        raise ErrorEntorno.uno(
            salida,
            "es un archivo de respuestas; el informe no lo reemplaza. "
            "Elija otro nombre para --salida.",
        )


# the endings of the files a user may think the batch writes as one document
_EXTENSIONES_DE_DOCUMENTO = frozenset(
    {".xlsx", ".xls", ".csv", ".html", ".htm", ".docx", ".doc", ".md", ".json", ".pdf", ".zip"}
)


def revisar_carpeta(salida: Path, entradas: Iterable[Path]) -> None:
    """``lote --salida``: the folder is replaced whole, so no input may be it or be inside it.

    A name that ends like a document (``informes.xlsx``) is refused unless that folder already
    exists: the user meant one file, and would find a folder of reports under that name
    (an existing file is left to the checks below).
    """
    if salida.suffix.lower() in _EXTENSIONES_DE_DOCUMENTO and not salida.exists():
        raise ErrorEntorno.uno(
            salida,
            f"--salida es la carpeta donde el lote escribe todos sus informes, no un archivo "
            f"«{salida.suffix}». Elija una carpeta, por ejemplo «informes».",
        )
    real = _con_destino(salida)
    try:
        propia = salida.stat()
        identidad: tuple[int, int] | None = (propia.st_dev, propia.st_ino)
    except OSError:
        identidad = None  # not there yet: only the spelling can match
    vistas: set[Path] = set()
    for entrada in entradas:
        if identidad is not None and not salida.is_dir() and _mismo(salida, entrada):
            raise ErrorEntorno.uno(
                salida,
                "es la entrada del lote; los informes la reemplazarían. "
                "Elija otra carpeta para --salida.",
            )
        resuelta = _resuelta(entrada)
        if resuelta is None:
            continue
        if resuelta == real or (identidad is not None and _mismo(entrada, salida)):
            raise ErrorEntorno.uno(
                salida,
                "es la carpeta de entrada del lote; los informes reemplazarían las respuestas. "
                "Elija otra carpeta para --salida.",
            )
        if resuelta.is_relative_to(real) or (
            identidad is not None and _dentro_de(resuelta, identidad, vistas)
        ):
            raise ErrorEntorno.uno(
                salida,
                f"contiene la entrada del lote ({entrada}); los informes la reemplazarían. "
                "Elija otra carpeta para --salida.",
            )


def _dentro_de(ruta: Path, carpeta: tuple[int, int], vistas: set[Path]) -> bool:
    """Whether ``ruta`` or a folder above it is ``carpeta`` (by device and inode)."""
    for parte in (ruta, *ruta.parents):
        if parte in vistas:
            return False  # checked already, with everything above it
        vistas.add(parte)
        try:
            datos = parte.stat()
        except OSError:
            continue
        if (datos.st_dev, datos.st_ino) == carpeta:
            return True
    return False
