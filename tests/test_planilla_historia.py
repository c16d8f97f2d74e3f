"""A planilla with two dated diagnoses of one comuna: its history, each with its own rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import EJEMPLOS, correr, leer_yaml
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.lote.planilla import leer_planilla, planilla


def _dos_diagnosticos() -> list[dict]:
    actual = leer_yaml(EJEMPLOS / "ninhue.yaml")
    actual["fecha"] = "2026-11-20"
    base = leer_yaml(EJEMPLOS / "ninhue.yaml")
    base["fecha"] = "2025-11-20"
    base["servicios"] = base["servicios"][:1]
    base["mesa"] = [{"nombre": "Integrante de la línea base (ilustrativo)"}]
    return [base, actual]


def test_servicios_y_mesa_por_fecha(tmp_path: Path, conocimiento: Conocimiento) -> None:
    ruta = tmp_path / "planilla.xlsx"
    ruta.write_bytes(planilla(conocimiento, _dos_diagnosticos()))
    hoja = load_workbook(ruta, read_only=True)["servicios"]
    assert next(hoja.iter_rows(max_row=1, values_only=True))[:3] == ("comuna", "fecha", "nombre")
    base, actual = leer_planilla(ruta, conocimiento)
    esperado = _dos_diagnosticos()
    assert base.datos["fecha"] == dt.date(2025, 11, 20)
    assert [s["nombre"] for s in base.datos["servicios"]] == [esperado[0]["servicios"][0]["nombre"]]
    assert [s["nombre"] for s in actual.datos["servicios"]] == [
        s["nombre"] for s in esperado[1]["servicios"]
    ]
    assert base.datos["mesa"] == [{"nombre": "Integrante de la línea base (ilustrativo)"}]
    assert base.lugares[("servicios", 0)] == f"{ruta}, hoja servicios, fila 2"


def test_el_lote_la_lee_como_historia(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conocimiento: Conocimiento
) -> None:
    ruta = tmp_path / "planilla.xlsx"
    ruta.write_bytes(planilla(conocimiento, _dos_diagnosticos()))
    codigo, _, err = correr(capsys, "lote", ruta, "--salida", tmp_path / "i", "--workers", "1")
    assert codigo == 0, err
    assert "1 comuna evaluada (1 con avance desde su línea base)" in err
    assert (tmp_path / "i" / "comunas" / "ninhue-2025-11-20.json").exists()


def test_una_fila_sin_fecha_con_dos_diagnosticos(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conocimiento: Conocimiento
) -> None:
    ruta = tmp_path / "planilla.xlsx"
    ruta.write_bytes(planilla(conocimiento, _dos_diagnosticos()))
    libro = load_workbook(ruta)
    libro["servicios"]["B2"] = None
    libro["mesa"]["B2"] = dt.date(2024, 1, 1)
    libro.save(ruta)
    codigo, _, err = correr(capsys, "lote", ruta, "--salida", tmp_path / "i")
    assert codigo == 2
    assert err.strip() == (
        f"{ruta}, hoja servicios, fila 2: fecha: Ninhue tiene 2 diagnósticos en la hoja "
        "respuestas (fechas 2025-11-20, 2026-11-20); indique a cuál pertenece esta fila"
    )
    libro["servicios"]["B2"] = "2025-11-20"
    libro.save(ruta)
    codigo, _, err = correr(capsys, "lote", ruta, "--salida", tmp_path / "i")
    assert codigo == 2
    assert err.strip() == (
        f"{ruta}, hoja mesa, fila 2: fecha: no hay respuestas de Ninhue con fecha 2024-01-01 en "
        "la hoja respuestas (tiene 2025-11-20, 2026-11-20)"
    )
