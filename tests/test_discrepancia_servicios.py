"""S01 (the number of services the municipality offers) against the inventory the fusions
are read from: every document says when they disagree, from the result's structured
``discrepancia_servicios``; the illustrative examples agree."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

from conftest import EJEMPLOS, correr, escribir_yaml, leer_yaml
from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
from diagnostico_experto.informes.comuna import informe

AVISO = (
    "El número de servicios declarado (5) no coincide con el inventario de la comuna (2): "
    "las fusiones y coordinaciones se proponen con los servicios del inventario; complete el "
    "inventario o corrija la respuesta."
)


def _arauco_con_s01(carpeta: Path, valor: int) -> Path:
    datos = leer_yaml(EJEMPLOS / "arauco.yaml")  # two services in its inventory
    datos["respuestas"]["S01"] = valor
    return escribir_yaml(carpeta / "arauco.yaml", datos)


def test_los_ejemplos_no_tienen_discrepancia(ejemplos):
    con = {n: e.resultado.discrepancia_servicios for n, e in ejemplos.items()}
    assert {n: d for n, d in con.items() if d is not None} == {}
    assert not any(
        "número de servicios" in a for e in ejemplos.values() for a in e.resultado.advertencias
    )


def test_el_resultado_dice_la_discrepancia_en_ambos_sentidos(tmp_path, motor):
    for valor in (5, 1):
        ruta = _arauco_con_s01(tmp_path, valor)
        r = motor.evaluar(cargar_respuestas(ruta, motor.conocimiento)).resultado
        assert r.discrepancia_servicios is not None
        assert r.discrepancia_servicios.model_dump() == {
            "pregunta": "S01",
            "declarados": valor,
            "inventario": 2,
        }
    assert r.advertencias[-1].startswith("El número de servicios declarado (1) no coincide")


def test_el_informe_y_el_acta_lo_dicen(tmp_path, motor):
    ruta = _arauco_con_s01(tmp_path, 5)
    evaluacion = motor.evaluar(cargar_respuestas(ruta, motor.conocimiento))
    args = (evaluacion, motor.reglas, motor.conocimiento)
    md = str(informe(*args, "md"))
    acta = md.split("### Acta de validación")[1]
    assert AVISO in acta
    assert "S01" not in acta
    html = str(informe(*args, "html"))
    assert f"<p><strong>{AVISO}</strong></p>" in html.split("Acta de validación")[1]
    docx = tmp_path / "arauco.docx"
    docx.write_bytes(bytes(informe(*args, "docx")))
    parrafos = Document(str(docx)).paragraphs
    aviso = next(p for p in parrafos if p.text == AVISO)
    assert aviso.paragraph_format.keep_with_next  # with the acta and its signatures


def test_el_lote_lo_marca_en_el_indice_y_en_la_fila(tmp_path, capsys):
    entrada = tmp_path / "entrada"
    _arauco_con_s01(entrada, 5)
    escribir_yaml(entrada / "bulnes.yaml", leer_yaml(EJEMPLOS / "bulnes.yaml"))
    salida = tmp_path / "salida"
    codigo, _, err = correr(capsys, "lote", entrada, "--salida", salida)
    assert codigo == 0, err
    indice = (salida / "index.html").read_text(encoding="utf-8")
    assert (
        "<td>Arauco<br><small>¡5 servicios declarados, 2 en el inventario!</small></td>" in indice
    )
    assert "<td>Bulnes</td>" in indice
    filas = list(
        csv.DictReader(io.StringIO((salida / "resumen.csv").read_text("utf-8-sig")), delimiter=";")
    )
    columna = {f["Comuna"]: f["Servicios: declarados ≠ inventario"] for f in filas}
    assert columna == {"Arauco": "5 declarados, 2 en el inventario", "Bulnes": ""}
    hoja = load_workbook(salida / "resumen.xlsx")["Comunas"]
    encabezado = [c.value for c in hoja[1]]
    columna_xlsx = encabezado.index("Servicios: declarados ≠ inventario")
    valores = {f[0].value: f[columna_xlsx].value for f in hoja.iter_rows(min_row=2)}
    assert valores == {"Arauco": "5 declarados, 2 en el inventario", "Bulnes": None}
