"""Dates as Chileans write them (15-03-2024, 15/03/2024), ISO, and a planilla's date cells."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from diagnostico_experto.comun.formato_chileno import fecha_de_planilla, leer_fecha
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
from diagnostico_experto.lote.planilla import leer_planilla, planilla


@pytest.mark.parametrize("texto", ["15/03/2024", "15-03-2024", "2024-03-15", " 15/3/2024 "])
def test_leer_fecha_dia_primero_o_iso(texto: str) -> None:
    assert leer_fecha(texto) == dt.date(2024, 3, 15)


@pytest.mark.parametrize(
    ("texto", "mensaje"),
    [
        ("31-02-2024", "«31-02-2024» no es una fecha del calendario"),
        ("2026-13-45", "«2026-13-45» no es una fecha del calendario"),
        ("03/15/2024", "«03/15/2024» no es una fecha del calendario"),
        ("15-03/2024", "«15-03/2024» no es una fecha; escríbala como 12-03-2026"),
        ("el martes", "«el martes» no es una fecha; escríbala como 12-03-2026"),
    ],
)
def test_leer_fecha_rechaza(texto: str, mensaje: str) -> None:
    with pytest.raises(ValueError, match=rf"^{re.escape(mensaje)}$"):
        leer_fecha(texto)


def test_serie_de_planilla() -> None:
    assert fecha_de_planilla(45000) == dt.date(2023, 3, 15)
    assert fecha_de_planilla(46001.5) == dt.date(2025, 12, 10)  # a time of day is dropped
    with pytest.raises(ValueError, match=r"^«-3» no es una fecha$"):
        fecha_de_planilla(-3)


def test_archivo_de_respuestas_con_fechas_chilenas(
    tmp_path: Path, conocimiento: Conocimiento
) -> None:
    """The diagnosis and its evidence take 15/03/2024; a report prints it in words."""
    archivo = tmp_path / "r.yaml"
    archivo.write_text(
        "comuna: Ninhue\nfecha: 15/03/2024\nevidencias:\n"
        "  - documento: Decreto alcaldicio 123\n    fecha: 12-03-2024\n",
        encoding="utf-8",
    )
    respuestas = cargar_respuestas(archivo, conocimiento)
    assert respuestas.fecha == dt.date(2024, 3, 15)
    assert respuestas.evidencias[0].texto() == "Decreto alcaldicio 123, 12 de marzo de 2024"


def _datos() -> dict:
    return {
        "comuna": "Ninhue",
        "fecha": "2026-11-12",
        "respuestas": {"E07": "si"},
        "servicios": [
            {
                "nombre": "PRODESAL",
                "unidad": "UDEL",
                "origen": "indap",
                "clientes": ["pequenos_agricultores"],
                "etapas": ["difusion"],
            }
        ],
    }


@pytest.mark.parametrize(
    ("celda", "esperada"),
    [
        (45000, dt.date(2023, 3, 15)),  # a date cell saved as its serial number
        (dt.datetime(2026, 11, 12, 0, 0), dt.date(2026, 11, 12)),  # openpyxl's date cell
        ("12-11-2026", dt.date(2026, 11, 12)),
        ("12/11/2026", dt.date(2026, 11, 12)),
    ],
)
def test_planilla_lee_la_fecha_como_se_escriba(
    tmp_path: Path, conocimiento: Conocimiento, celda: object, esperada: dt.date
) -> None:
    """The fecha column in any of its forms; the servicios sheet's ISO date still matches it."""
    ruta = tmp_path / "planilla.xlsx"
    ruta.write_bytes(planilla(conocimiento, [_datos()]))
    libro = load_workbook(ruta)
    hoja = libro["respuestas"]
    columna = [c.value for c in hoja[1]].index("fecha") + 1
    hoja.cell(2, columna, celda)
    if not isinstance(celda, int):
        libro["servicios"].cell(2, 2, "2026-11-12")
    libro.save(ruta)
    (fila,) = leer_planilla(ruta, conocimiento)
    assert fila.datos["fecha"] == esperada
    assert [s["nombre"] for s in fila.datos["servicios"]] == ["PRODESAL"]
