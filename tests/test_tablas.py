"""The batch's outputs for people: a readable workbook, a CSV for Spanish (Chile), sintesis.docx, charts."""

from __future__ import annotations

import contextlib
import io
import shutil

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import EJEMPLOS, SERVICIO, correr, escribir_yaml, extremo, leer_resumen_csv, leer_yaml
from diagnostico_experto.cli.principal import main


@pytest.fixture(scope="module")
def lote_con_formulas(tmp_path_factory, conocimiento):
    """Two comunas; one has services and a file name that look like spreadsheet formulas."""
    tmp_path = tmp_path_factory.mktemp("formulas")
    carpeta = tmp_path / "respuestas"
    carpeta.mkdir()
    shutil.copy(EJEMPLOS / "yumbel.yaml", carpeta)
    servicios = [
        {**SERVICIO, "nombre": '=HYPERLINK("http://x.example","clic")', "unidad": "=1+1"},
        {**SERVICIO, "nombre": "@SUM(A1:A9)", "unidad": "-2+3"},
    ]
    escribir_yaml(
        carpeta / "=1+1.yaml",
        {
            "comuna": "Ninhue",
            # procesos medio (processes identified in part): the services' group is proposed
            "respuestas": {
                **extremo(conocimiento, mejor=False),
                "P01": "parcial",
                "P02": "parcial",
            },
            "servicios": servicios,
        },
    )
    salida = tmp_path / "informes"
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        codigo = main(["lote", str(carpeta), "--salida", str(salida)])
    assert codigo == 0, err.getvalue()
    return salida


def test_libro_legible(lote_con_formulas):
    salida = lote_con_formulas
    libro = load_workbook(salida / "resumen.xlsx")
    comunas = libro["Comunas"]
    encabezado = [c.value for c in comunas[1]]
    assert encabezado[:4] == [
        "Comuna",
        "UGT",
        "Estrategia: nivel vigente",
        "Estrategia: % de logro",
    ]
    assert not any("_" in str(h) for h in encabezado)  # no puntaje_estrategia
    assert comunas.freeze_panes == "C2"
    assert comunas.auto_filter.ref == f"A1:{comunas.cell(1, len(encabezado)).column_letter}3"
    logro = comunas.cell(2, 4)
    assert isinstance(logro.value, float | int) and logro.number_format == "0 %"
    horas = comunas.cell(2, encabezado.index("Horas total") + 1)
    assert horas.number_format == "#,##0.0"
    reglas = comunas.conditional_formatting
    rangos = {str(r.sqref) for r in reglas}
    assert "C2:C3" in rangos  # nivel vigente de estrategia, coloured by its value
    formulas = {regla.formula[0] for r in reglas for regla in r.rules}
    assert formulas == {'"alto"', '"medio"', '"bajo"'}
    assert comunas.column_dimensions["A"].width >= 9
    # the director knows a comuna by its name and report, not by its input's file name
    # (resumen.csv keeps it for scripts)
    assert "Archivo" not in encabezado
    tipos = {c.value for c in libro["Vacíos"]["C"][1:]}
    assert tipos <= {"Área de procesos sin servicios", "Servicio que ningún lineamiento pide"}
    graficos = libro["Gráficos"]
    assert len(graficos._charts) == 2


def test_las_formulas_de_las_respuestas_quedan_como_texto(lote_con_formulas):
    salida = lote_con_formulas
    libro = load_workbook(salida / "resumen.xlsx")
    celdas = [c for hoja in libro for fila in hoja.iter_rows() for c in fila]
    assert not [c.coordinate for c in celdas if c.data_type == "f"]
    # a text cell is never a formula; one that starts like a formula keeps Excel's quote
    # prefix (text even when someone edits it), with no apostrophe shown in the cell
    parecidas = [
        c for c in celdas if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))
    ]
    assert parecidas and all(c.data_type == "s" and c.quotePrefix for c in parecidas)
    assert any(c.value.startswith("=HYPERLINK") for c in parecidas)  # services, in Fusiones
    filas = leer_resumen_csv(salida / "resumen.csv")
    assert sorted(f["Archivo"] for f in filas) == ["'=1+1.yaml", "yumbel.yaml"]
    for fila in filas:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in fila.values())


def test_csv_para_una_planilla_en_espanol_de_chile(capsys, tmp_path):
    salida = tmp_path / "informes"
    carpeta = tmp_path / "r"
    carpeta.mkdir()
    shutil.copy(EJEMPLOS / "yumbel.yaml", carpeta)
    codigo, _, _ = correr(capsys, "lote", carpeta, "--salida", salida)
    assert codigo == 0
    crudo = (salida / "resumen.csv").read_bytes()
    assert crudo.startswith(b"\xef\xbb\xbfComuna;UGT;")
    assert b"\r\n" in crudo
    (fila,) = leer_resumen_csv(salida / "resumen.csv")
    resultado = leer_yaml(salida / "comunas" / "yumbel.json")
    logro = resultado["areas"]["estrategia"]["puntaje"] * 100
    assert fila["Estrategia: % de logro"] == f"{logro:g}".replace(".", ",")
    assert fila["Horas total"] == f"{resultado['horas']['total']:g}".replace(".", ",")


def test_sintesis_docx_e_indice_con_graficos(lote_de_ejemplos):
    salida, _ = lote_de_ejemplos
    doc = Document(str(salida / "sintesis.docx"))
    titulos = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    for titulo in (
        "Síntesis del diagnóstico del programa",
        "Áreas más débiles del programa",
        "Horas frente al presupuesto, por UGT",
        "Niveles por UGT y área",
        "Síntesis por territorio",
        "Secano Costero",
        "Arauco",
        "Grilla de comunas",
    ):
        assert titulo in titulos
    assert len(doc.inline_shapes) == 4 + 4 + 16  # one bar per area, UGT, and UGT × area
    texto = "\n".join(p.text for p in doc.paragraphs)
    assert "{{" not in texto and "{%" not in texto
    assert "1. " in texto  # the talleres' emphasis, weakest first
    indice = (salida / "index.html").read_text(encoding="utf-8")
    for titulo in (
        "Áreas más débiles del programa: comunas en nivel bajo",
        "Horas propuestas frente a la parte del presupuesto, por UGT",
        "Comunas por nivel vigente, por UGT y área",
    ):
        assert f"<figcaption>{titulo}</figcaption>" in indice
    n = len(list(EJEMPLOS.glob("*.yaml")))
    assert f"{n} comunas evaluadas · 4 territorios (UGT)" in indice
    assert " h de acompañamiento propuestas" in indice
    assert "http" not in indice  # offline
    comuna = (salida / "comunas" / "yumbel.html").read_text(encoding="utf-8")
    assert '<a href="../index.html">' in comuna


def test_productos_se_leen_enteros_y_dicen_por_que_se_proponen(lote_de_ejemplos, motor):
    """A long product wraps in a taller row instead of being cut at the column's edge,
    and the reader sees why it is proposed (the rule's description), never a rule id."""
    salida, _ = lote_de_ejemplos
    libro = load_workbook(salida / "resumen.xlsx")
    hoja = libro["Productos"]
    assert [c.value for c in hoja[1]] == [
        "Comuna",
        "UGT",
        "Área",
        "Nivel",
        "Producto",
        "Motivo (hoja «Motivos»)",
    ]
    fila = next(
        f
        for f in hoja.iter_rows(min_row=2)
        if f[0].value == "Arauco" and f[4].value.startswith("Contenido del plan de gestión")
    )
    producto, motivo = fila[4], fila[5]
    # the reason once, in the «Motivos» sheet; each row points to it by number (the same
    # sentence on every row doubled the workbook's printed pages)
    motivos = {f[0]: f[1:] for f in libro["Motivos"].iter_rows(min_row=2, values_only=True)}
    assert motivos[motivo.value] == (
        "La municipalidad no gestiona su entorno de forma sistemática: el plan de gestión "
        "de entorno de la tabla lleva los elementos del §6.2.4 e.",
        "Productos",
    )
    textos = [texto for texto, _ in motivos.values()]
    assert len(textos) == len(set(textos))
    assert (
        "Producto genérico esperado para el área según su nivel vigente (tabla del §6.2.4).",
        "Productos",
    ) in motivos.values()
    assert producto.alignment.wrap_text and producto.alignment.vertical == "top"
    ancho = hoja.column_dimensions[producto.column_letter].width
    assert len(producto.value) > 2 * ancho  # three lines or more: the row is that tall
    assert hoja.row_dimensions[producto.row].height >= 3 * 15
    ids = {r.id for r in motor.reglas}
    for titulo in ("Productos", "Fusiones", "Ajustes de estructura", "Vacíos", "Horas"):
        valores = {c.value for f in libro[titulo].iter_rows() for c in f}
        assert not valores & ids, titulo
    horas = libro["Horas"]
    assert [c.value for c in horas[1]][-1] == "Motivo (hoja «Motivos»)"
    assert all(isinstance(f[-1], int) for f in horas.iter_rows(min_row=2, values_only=True))
    assert {f[-1] for f in horas.iter_rows(min_row=2, values_only=True)} == {
        n for n, (_, hojas) in motivos.items() if "Horas" in hojas
    }
