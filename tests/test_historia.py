"""Re-diagnosis: several dated answer files of one comuna are its history, in lote and `avance`."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import (
    CONOCIMIENTO,
    EJEMPLOS,
    SERVICIO,
    correr,
    escribir_yaml,
    extremo,
    leer_resumen_csv,
    leer_yaml,
)

AREAS = ("estrategia", "estructura", "procesos", "productos")
NOMBRES_AREAS = ("Estrategia", "Estructura", "Procesos", "Productos y servicios")


@pytest.fixture
def historia(tmp_path: Path, conocimiento) -> Path:
    """Ninhue diagnosed twice (all bajo, then all alto) and Yumbel once."""
    carpeta = tmp_path / "respuestas"
    carpeta.mkdir()
    for nombre, fecha, mejor in (
        ("ninhue-2027", "2027-06-01", True),
        ("ninhue", "2026-06-01", False),
    ):
        escribir_yaml(
            carpeta / f"{nombre}.yaml",
            {
                "comuna": "ninhue" if mejor else "Ninhue",  # matched like the comuna lookup
                "fecha": fecha,
                "respuestas": extremo(conocimiento, mejor),
                "servicios": [SERVICIO],
            },
        )
    shutil.copy(EJEMPLOS / "yumbel.yaml", carpeta)
    return carpeta


def test_lote_con_dos_fechas_cuenta_la_comuna_una_vez_y_muestra_su_avance(
    capsys, tmp_path, historia
):
    salida = tmp_path / "informes"
    codigo, _, err = correr(capsys, "lote", historia, "--salida", salida)
    assert codigo == 0, err
    assert "2 comunas evaluadas (1 con avance desde su línea base)" in err
    filas = leer_resumen_csv(salida / "resumen.csv")
    assert [f["Comuna"] for f in filas] == ["Ninhue", "Yumbel"]
    ninhue = filas[0]
    assert [ninhue[f"{n}: nivel vigente"] for n in NOMBRES_AREAS] == ["alto"] * 4  # the latest
    # every diagnosis keeps its report; the latest keeps the comuna's name
    comunas = salida / "comunas"
    assert (comunas / "ninhue-2026-06-01.html").exists()
    assert (
        json.loads((comunas / "ninhue.json").read_text(encoding="utf-8"))["fecha"] == "2027-06-01"
    )
    avance = json.loads((comunas / "ninhue-avance.json").read_text(encoding="utf-8"))
    assert (avance["fecha_base"], avance["fecha_actual"]) == ("2026-06-01", "2027-06-01")
    assert {
        a: (x["nivel_antes"], x["nivel_despues"], x["cambio"]) for a, x in avance["areas"].items()
    } == dict.fromkeys(AREAS, ("bajo", "alto", "sube"))
    completados = {p["regla"] for p in avance["completados"]}
    assert "producto-generico:estrategia-bajo" in completados
    assert all(p["nivel"] == "alto" for p in avance["nuevos"])
    assert avance["pendientes"] == []
    md = (comunas / "ninhue-avance.md").read_text(encoding="utf-8")
    assert "| Estrategia | bajo | 0 % | alto | 100 % | ↑ sube |" in md
    assert "Definición de los lineamientos de fomento productivo" in md.split("## Lo que falta")[0]
    # the index: per UGT with an inline SVG chart, per comuna with a link
    indice = (salida / "index.html").read_text(encoding="utf-8")
    assert "Avance desde la línea base" in indice
    assert "<svg" in indice and "Secano Costero: 4 suben" in indice
    assert 'href="comunas/ninhue-avance.html"' in indice
    # the workbook: per comuna and area, per UGT with a native chart; totals count Ninhue once
    libro = load_workbook(salida / "resumen.xlsx")
    assert libro["Comunas"].max_row == 3
    filas_avance = list(libro["Avance"].iter_rows(min_row=2, values_only=True))
    assert [f[0] for f in filas_avance] == ["Ninhue"] * 4
    assert filas_avance[0][4:10] == ("Estrategia", "bajo", 0, "alto", 1, "↑ sube")
    por_ugt = libro["Avance por UGT"]
    assert list(por_ugt.iter_rows(min_row=2, values_only=True)) == [("Secano Costero", 4, 0, 0, 1)]
    assert len(por_ugt._charts) == 1
    # sintesis.docx: the same «Avance» section, per UGT and per comuna
    from docx import Document

    sintesis = Document(str(salida / "sintesis.docx"))
    parrafos = [p.text for p in sintesis.paragraphs]
    assert "Avance desde la línea base" in parrafos
    assert (
        "1 comuna con más de un diagnóstico: 4 áreas suben de nivel, 0 bajan y 0 siguen igual."
        in parrafos
    )
    tablas = [[[c.text for c in fila.cells] for fila in t.rows] for t in sintesis.tables]
    assert [
        ["UGT", "Comunas", "Áreas que suben", "Siguen igual", "Bajan"],
        ["Secano Costero", "1", "4", "0", "0"],
    ] in tablas
    grafico = next(t for t in tablas if t[0] == ["", "Gráfico", "Cifras"] and "suben" in t[1][2])
    assert [(f[0], f[2]) for f in grafico[1:]] == [
        ("Secano Costero", "4 suben · 0 igual · 0 bajan")
    ]
    assert tablas[-1][1] == [
        "Ninhue",
        "1 jun 2026 → 1 jun 2027",
        *["bajo → alto"] * 4,
        str(len(avance["completados"])),
        str(len(avance["nuevos"])),
    ]


def test_lote_sin_historia_no_muestra_avance(capsys, tmp_path):
    carpeta = tmp_path / "r"
    carpeta.mkdir()
    shutil.copy(EJEMPLOS / "yumbel.yaml", carpeta)
    codigo, _, err = correr(capsys, "lote", carpeta, "--salida", tmp_path / "s")
    assert codigo == 0, err
    assert "Avance desde la línea base" not in (tmp_path / "s" / "index.html").read_text("utf-8")
    assert "Avance" not in load_workbook(tmp_path / "s" / "resumen.xlsx").sheetnames
    from docx import Document

    sintesis = Document(str(tmp_path / "s" / "sintesis.docx"))
    assert "Avance desde la línea base" not in [p.text for p in sintesis.paragraphs]


def test_dos_archivos_de_una_comuna_con_la_misma_fecha_son_un_error(capsys, tmp_path):
    carpeta = tmp_path / "r"
    carpeta.mkdir()
    for nombre in ("yumbel", "cobquecura"):
        shutil.copy(EJEMPLOS / f"{nombre}.yaml", carpeta)
    texto = (EJEMPLOS / "yumbel.yaml").read_text(encoding="utf-8")
    (carpeta / "yumbel-copia.yaml").write_text(
        texto.replace("comuna: Yumbel", "comuna: YUMBÉL"), encoding="utf-8"
    )
    salida = tmp_path / "s"
    codigo, _, err = correr(capsys, "lote", carpeta, "--salida", salida)
    assert codigo == 1
    assert "Traceback" not in err
    copia, original = carpeta / "yumbel-copia.yaml", carpeta / "yumbel.yaml"
    assert (
        f"{copia}: Yumbel tiene otro diagnóstico con la misma fecha (12 de noviembre de 2026) en {original}; "
        "no se sabe cuál es el vigente y ninguno se cuenta." in err
    )
    assert (
        f"{original}: Yumbel tiene otro diagnóstico con la misma fecha (12 de noviembre de 2026) en {copia}"
        in err
    )
    assert "1 comuna evaluada, 2 archivos con errores" in err
    assert [r["Comuna"] for r in leer_resumen_csv(salida / "resumen.csv")] == ["Cobquecura"]
    assert "misma fecha" in (salida / "index.html").read_text(encoding="utf-8")


def test_avance_en_la_terminal_json_html_y_salida(capsys, tmp_path, historia):
    antes, despues = historia / "ninhue.yaml", historia / "ninhue-2027.yaml"
    codigo, out, err = correr(capsys, "avance", despues, antes)  # ordered by date
    assert codigo == 0, err
    assert out.startswith("# Avance de Ninhue desde la línea base")
    linea_base = next(linea for linea in out.splitlines() if "Línea base" in linea)
    assert linea_base == "- **Línea base:** 1 de junio de 2026"
    assert "- **Áreas:** 4 suben de nivel, 0 bajan, 0 sin cambio" in out
    codigo, out, _ = correr(capsys, "avance", antes, despues, "--formato", "json")
    assert json.loads(out)["areas"]["procesos"]["cambio"] == "sube"
    destino = tmp_path / "avance.html"
    codigo, out, err = correr(capsys, "avance", antes, despues, "--salida", destino)
    assert (codigo, out) == (0, "")
    assert "<h1>Avance de Ninhue desde la línea base</h1>" in destino.read_text("utf-8")


def test_avance_en_word_con_lo_mismo_que_el_markdown(capsys, tmp_path):
    """`avance --salida x.docx` writes a Word document: levels, products, paths, other changes."""
    from docx import Document

    historia = Path(__file__).parent.parent / "knowledge" / "historia"
    antes, despues = historia / "ninhue.yaml", historia / "ninhue-2027-11-18.yaml"
    destino = tmp_path / "avance.docx"
    codigo, out, err = correr(capsys, "avance", antes, despues, "--salida", destino)
    assert (codigo, out) == (0, ""), err
    # a document without pictures keeps its relationships (styles, numbering, header):
    # without them LibreOffice refuses the file
    assert "word/_rels/document.xml.rels" in zipfile.ZipFile(destino).namelist()
    doc = Document(str(destino))
    parrafos = [p.text for p in doc.paragraphs]
    assert parrafos[0] == "Avance de Ninhue desde la línea base"
    assert parrafos[1] == (
        "UGT Secano Costero · línea base: 20 de noviembre de 2026 · "
        "estado actual: 18 de noviembre de 2027"
    )
    assert "Ejemplo ilustrativo: las respuestas no son datos reales de la comuna." in parrafos
    assert "2 áreas suben de nivel, 1 baja y 1 sigue igual." in parrafos
    niveles, fuera = ([[c.text for c in fila.cells] for fila in t.rows] for t in doc.tables)
    assert niveles == [
        ["Área", "Línea base", "% de logro", "Actual", "% de logro", "Cambio"],
        ["Estrategia", "bajo", "19 %", "medio", "56 %", "↑ sube"],
        ["Estructura", "bajo", "12 %", "bajo", "38 %", "= igual"],
        ["Procesos", "bajo", "12 %", "medio", "36 %", "↑ sube"],
        ["Productos y servicios", "alto", "29 %", "bajo", "38 %", "↓ baja"],
    ]
    assert [
        "¿Se revisa periódicamente el avance de la estrategia de fomento productivo?",
        "No",
        "Sí",
    ] in fuera
    assert "Estructura (a nivel medio): 0 de 1 cambio hecho" in parrafos
    # the same products as the Markdown report, each in its section
    codigo, md, _ = correr(capsys, "avance", antes, despues)
    secciones = md.split("\n## ")
    completados = next(x for x in secciones if x.startswith("Productos completados"))
    ya_no = next(x for x in secciones if x.startswith("Ya no corresponden"))
    falta = next(x for x in secciones if x.startswith("Lo que falta"))
    de_md = [
        linea.removeprefix("- ").replace("**", "").replace(":", "", 1)
        for linea in (completados + ya_no + falta).splitlines()
        if linea.startswith("- ")
    ]
    de_docx = [p.text.replace(":", "", 1) for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert de_md and de_docx[: len(de_md)] == de_md
    texto = "\n".join(parrafos)
    assert "{{" not in texto and "{%" not in texto
    assert texto.endswith("(las incluidas en el programa).")


def test_avance_en_word_necesita_salida_y_una_copia_antigua_usa_la_plantilla_incluida(
    capsys, tmp_path, historia
):
    from docx import Document

    from conftest import copiar_carpetas

    antes, despues = historia / "ninhue.yaml", historia / "ninhue-2027.yaml"
    codigo, out, err = correr(capsys, "avance", antes, despues, "--formato", "docx")
    assert (codigo, out) == (2, "")
    assert "Error: el formato docx necesita --salida ARCHIVO.docx" in err.splitlines()
    reglas, conocimiento = copiar_carpetas(tmp_path)
    (conocimiento / "plantillas" / "avance.docx").unlink()  # made before the template shipped
    destino = tmp_path / "avance.docx"
    codigo, _, err = correr(
        capsys,
        "avance",
        antes,
        despues,
        "--salida",
        destino,
        "--reglas",
        reglas,
        "--conocimiento",
        conocimiento,
    )
    assert codigo == 0, err
    assert Document(str(destino)).paragraphs[0].text == "Avance de Ninhue desde la línea base"


def test_avance_rechaza_comunas_distintas_y_la_misma_fecha(capsys, historia):
    ninhue, yumbel = historia / "ninhue.yaml", historia / "yumbel.yaml"
    codigo, _, err = correr(capsys, "avance", ninhue, yumbel)
    assert codigo == 2
    assert err.strip() == (
        f"{yumbel}: es un diagnóstico de Yumbel y {ninhue} es de Ninhue; "
        "el avance compara dos diagnósticos de la misma comuna"
    )
    codigo, _, err = correr(capsys, "avance", ninhue, ninhue)
    assert codigo == 2
    assert "tiene la misma fecha (2026-06-01)" in err
    codigo, _, err = correr(
        capsys, "avance", ninhue, historia / "ninhue-2027.yaml", "--salida", ninhue
    )
    assert codigo == 2
    assert "es un archivo de entrada; no se sobrescribe" in err


def test_filas_repetidas_de_una_planilla_no_se_cuentan_dos_veces(capsys, tmp_path, conocimiento):
    from diagnostico_experto.lote.planilla import planilla

    sin_servicios = leer_yaml(EJEMPLOS / "yumbel.yaml") | {"servicios": []}
    datos = [sin_servicios, leer_yaml(EJEMPLOS / "cobquecura.yaml"), sin_servicios]
    xlsx = tmp_path / "terreno.xlsx"
    xlsx.write_bytes(planilla(conocimiento, datos))
    salida = tmp_path / "s"
    codigo, _, err = correr(capsys, "lote", xlsx, "--salida", salida)
    assert codigo == 1
    assert (
        f"{xlsx}, hoja respuestas, fila 4: Yumbel tiene otro diagnóstico con la misma fecha "
        f"(12 de noviembre de 2026) en {xlsx}, hoja respuestas, fila 2" in err
    )
    assert [r["Comuna"] for r in leer_resumen_csv(salida / "resumen.csv")] == ["Cobquecura"]


def test_el_lote_escribe_el_avance_en_word_como_el_comando_avance(capsys, tmp_path, historia):
    """The batch writes each comuna's progress in Word as it writes its reports, with the
    template (and so the text) of ``diagnostico avance``."""
    from docx import Document

    salida = tmp_path / "informes"
    codigo, _, err = correr(capsys, "lote", historia, "--salida", salida)
    assert codigo == 0, err
    del_lote = salida / "comunas" / "ninhue-avance.docx"
    solo = tmp_path / "avance.docx"
    args = ("avance", historia / "ninhue.yaml", historia / "ninhue-2027.yaml", "--salida", solo)
    codigo, _, err = correr(capsys, *args)
    assert codigo == 0, err
    parrafos = [p.text for p in Document(str(del_lote)).paragraphs]
    assert parrafos[0] == "Avance de Ninhue desde la línea base"
    assert parrafos == [p.text for p in Document(str(solo)).paragraphs]
    assert sorted(p.name for p in (salida / "comunas").glob("ninhue-avance.*")) == [
        f"ninhue-avance.{f}" for f in ("docx", "html", "json", "md")
    ]


def test_los_ejemplos_declaran_tantos_servicios_como_su_inventario(conocimiento):
    """The illustrative answers agree with themselves: the answer that counts the services
    (S01) is the number of services in the file's inventory, in every example and every
    diagnosis of the history (the inventory is the detailed record; S01 its count)."""
    cuentan = [
        p.id
        for p in conocimiento.cuestionario.preguntas
        if getattr(p, "cuenta", None) == "servicios"
    ]
    assert cuentan  # the questionnaire has one
    archivos = sorted(EJEMPLOS.glob("*.yaml"))
    archivos += sorted((CONOCIMIENTO / "historia").glob("*.yaml"))
    assert len(archivos) == 29 + 28
    distintos = {
        ruta.name: (datos["respuestas"][id_], len(datos["servicios"]))
        for ruta in archivos
        for datos in [leer_yaml(ruta)]
        for id_ in cuentan
        if datos["respuestas"].get(id_) != len(datos["servicios"])
    }
    assert distintos == {}
