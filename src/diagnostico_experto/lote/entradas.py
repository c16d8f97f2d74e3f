"""A batch's inputs: a folder of answer files, or a planilla (XLSX or CSV).

Each input becomes one ``Entrada`` per comuna; reading them is apart from
evaluating them, so the planilla reader and the batch do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diagnostico_experto.comun.entorno import Entorno
from diagnostico_experto.comun.errores import ErrorRespuestas, Problema
from diagnostico_experto.conocimiento.carpeta import Conocimiento


@dataclass(frozen=True)
class Entrada:
    """One comuna to evaluate: an answer file, or answers read from a spreadsheet row."""

    origen: str  # how messages name it: a path, or "planilla.xlsx, hoja respuestas, fila 5"
    ruta: Path | None = None
    datos: dict[str, Any] | None = None
    # for a planilla row: where each service and member came from ("…, hoja servicios, fila 7")
    lugares: dict[tuple[Any, ...], str] = field(default_factory=dict)
    # a row the planilla reader could not use (a formula without its value, data without
    # a comuna): evaluating it reports these, so the batch fails only this entry
    problemas: tuple[Problema, ...] = ()


def entradas_de_carpeta(carpeta: Path) -> list[Entrada]:
    """Every ``*.yaml`` / ``*.yml`` answer file of a folder, by name."""
    archivos = sorted([*carpeta.glob("*.yaml"), *carpeta.glob("*.yml")])
    if not archivos:
        raise ErrorRespuestas.uno(carpeta, "la carpeta no tiene archivos de respuestas .yaml")
    return [Entrada(str(a), ruta=a) for a in archivos]


def entradas_de(
    ruta: Path, conocimiento: Conocimiento, entorno: Entorno | None = None
) -> list[Entrada]:
    """A folder of answer files, or a spreadsheet (XLSX or CSV); ``entorno`` names the
    program in the hints of a spreadsheet's errors."""
    if ruta.is_dir():
        return entradas_de_carpeta(ruta)
    if ruta.suffix.lower() in (".xlsx", ".csv"):
        from diagnostico_experto.lote.planilla import leer_planilla  # openpyxl: only here

        return [
            Entrada(fila.origen, datos=fila.datos, lugares=fila.lugares, problemas=fila.problemas)
            for fila in leer_planilla(ruta, conocimiento, entorno)
        ]
    raise ErrorRespuestas.uno(
        ruta, "se espera una carpeta de archivos .yaml o una planilla .xlsx o .csv"
    )


def archivos_de_entrada(origen: Path, entradas: list[Entrada]) -> list[Path]:
    """Every file and folder the batch reads, so that --salida can be checked against them."""
    rutas = [origen, *(e.ruta for e in entradas if e.ruta is not None)]
    if origen.suffix.lower() == ".csv":
        rutas += [origen.with_name(f"{origen.stem}-{tabla}.csv") for tabla in ("servicios", "mesa")]
    return rutas
