"""What a reader gets from a batch: Chilean Spanish in every document, a workbook that prints,
and comuna reports of at most four A4 pages (counted by LibreOffice where it is installed)."""

from __future__ import annotations

import contextlib
import csv
import html.parser
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from tests.conftest import CONOCIMIENTO

from diagnostico_experto.cli.principal import main

HISTORIA = CONOCIMIENTO / "historia"

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# a decimal point: «3.5», «620.71» (a Chilean thousands dot has exactly three digits after it)
PUNTO_DECIMAL = re.compile(r"(?<![\d.])\d+\.(?:\d{1,2}|\d{4,})(?![\d.])")
SECCION = re.compile(r"§\s?\d+(?:\.\d+)*")  # the source's sections: «§6.2.4»
ARCHIVO = re.compile(r"\b[\w-]+\.(?:ya?ml|py|j2)\b|\b(?:knowledge|rules)/")


@pytest.fixture(scope="module")
def lote_de_historia(tmp_path_factory) -> Path:
    salida = tmp_path_factory.mktemp("lote-historia") / "informes"
    with contextlib.redirect_stderr(io.StringIO()) as err:
        codigo = main(["lote", str(HISTORIA), "--salida", str(salida)])
    assert codigo == 0, err.getvalue()
    return salida


class _Texto(html.parser.HTMLParser):
    """The text a person sees in a page: no styles, scripts, SVG geometry or the rule annex."""

    def __init__(self) -> None:
        super().__init__()
        self.partes: list[str] = []
        self._oculto = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script") or (tag == "details" and ("class", "anexo") in attrs):
            self._oculto += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "details") and self._oculto:
            self._oculto -= 1

    def handle_data(self, data: str) -> None:
        if not self._oculto:
            self.partes.append(data)


def _textos(carpeta: Path) -> dict[str, str]:
    """Every document of a batch as the text its reader sees (the rule annex left out: it is
    the consultants' trace, with rule ids and places; the «Archivo» column names the input)."""
    textos: dict[str, str] = {}
    for ruta in sorted(carpeta.rglob("*")):
        nombre = str(ruta.relative_to(carpeta))
        if ruta.suffix == ".md":
            textos[nombre] = ruta.read_text(encoding="utf-8").split("## Anexo")[0]
        elif ruta.suffix == ".html":
            lector = _Texto()
            lector.feed(ruta.read_text(encoding="utf-8"))
            textos[nombre] = " ".join(lector.partes)
        elif ruta.suffix == ".docx":
            with zipfile.ZipFile(ruta) as paquete:
                xml = paquete.read("word/document.xml").decode("utf-8")
            textos[nombre] = " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
        elif ruta.suffix == ".csv":
            filas = list(
                csv.reader(io.StringIO(ruta.read_text(encoding="utf-8-sig")), delimiter=";")
            )
            fuera = {i for i, t in enumerate(filas[0]) if t in ("Archivo", "Informe")}
            textos[nombre] = " ".join(c for f in filas for i, c in enumerate(f) if i not in fuera)
        elif ruta.suffix == ".xlsx":
            libro = openpyxl.load_workbook(ruta, read_only=True)
            celdas = []
            for hoja in libro.worksheets:
                filas = list(hoja.iter_rows(values_only=True))
                fuera = {
                    i
                    for i, t in enumerate(filas[0] if filas else ())
                    if t in ("Archivo", "Informe")
                }
                celdas += [
                    str(v)
                    for f in filas
                    for i, v in enumerate(f)
                    if isinstance(v, str) and i not in fuera
                ]
            textos[nombre] = " ".join(celdas)
    return textos


@pytest.mark.parametrize("lote", ["lote_de_ejemplos", "lote_de_historia"])
def test_ningun_documento_del_lote_muestra_fechas_iso_puntos_decimales_ni_nombres_internos(
    request, lote, conocimiento, motor
):
    """Nor question ids («E05») or rule ids: a person reads a question by its words and a
    proposal by its reason; ids stay in the rule annex and the consultants' tools."""
    carpeta = request.getfixturevalue(lote)
    carpeta = carpeta[0] if isinstance(carpeta, tuple) else carpeta
    parametros = [p for p in conocimiento.valores_parametros() if "_" in p]
    pregunta = re.compile(r"\b(?:" + "|".join(conocimiento.cuestionario.por_id) + r")\b")
    regla = re.compile(r"\b(?:" + "|".join(re.escape(r.id) for r in motor.reglas) + r")\b")
    textos = _textos(carpeta)
    assert {Path(n).suffix for n in textos} >= {".md", ".html", ".docx", ".csv", ".xlsx"}
    problemas = []
    for nombre, texto in textos.items():
        sin_secciones = SECCION.sub("§", texto)
        for etiqueta, patron in (
            ("fecha ISO", ISO),
            ("punto decimal", PUNTO_DECIMAL),
            ("archivo", ARCHIVO),
            ("id de pregunta", pregunta),
            ("id de regla", regla),
        ):
            problemas += [f"{nombre}: {etiqueta} «{m}»" for m in patron.findall(sin_secciones)[:2]]
        if "(s)" in texto:
            problemas.append(f"{nombre}: «(s)»")
        problemas += [f"{nombre}: parámetro «{p}»" for p in parametros if p in texto]
    assert problemas == []


def test_resumen_xlsx_se_imprime_y_su_hoja_avance_tiene_formato(lote_de_historia):
    libro = openpyxl.load_workbook(lote_de_historia / "resumen.xlsx")
    for hoja in libro.worksheets:
        assert hoja.page_setup.orientation == "landscape", hoja.title
        assert hoja.sheet_properties.pageSetUpPr.fitToPage, hoja.title
        # as many pages wide as its columns need to stay readable (1, the file format's
        # default, is left out), as many long as needed; a wider sheet repeats its first columns
        assert hoja.page_setup.fitToHeight == 0, hoja.title
        # the Gantt chart prints on its own page, under no repeated header
        assert hoja.print_title_rows == (None if hoja.title == "Calendario" else "$1:$1")
        if (hoja.page_setup.fitToWidth or 1) > 1:
            assert hoja.print_title_cols, hoja.title
    comunas = libro["Comunas"]  # ~40 columns: unreadable squeezed onto one page
    assert comunas.page_setup.fitToWidth >= 2 and comunas.print_title_cols == "$A:$B"
    avance = libro["Avance"]
    encabezado = [c.value for c in avance[1]]
    fila = {nombre: avance.cell(2, i + 1) for i, nombre in enumerate(encabezado)}
    assert fila["línea base"].is_date and fila["línea base"].value.year == 2026
    assert fila["% logro actual"].number_format == "0 %"
    assert fila["Informe"].hyperlink is not None and fila["Informe"].value == "ver informe"
    cambios = [avance.cell(n, encabezado.index("cambio") + 1) for n in range(2, avance.max_row + 1)]
    iguales = [c for c in cambios if "igual" in c.value]
    assert iguales and all(c.value == "= igual" and c.quotePrefix for c in iguales)
    comunas = libro["Comunas"]
    columna = [c.value for c in comunas[1]].index("Informe") + 1
    assert comunas.cell(2, columna).hyperlink.target.replace("\\", "/").startswith("comunas/")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_EMU_POR_TWIP = 635
_MARGENES_TWIPS = 2 * 108  # Word's default cell margins, left and right


def _graficos_mas_anchos_que_su_celda(docx: Path) -> list[str]:
    """Pictures in fixed-width table cells wider than the cell's room: LibreOffice clips them."""
    from lxml import etree

    raiz = etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
    problemas = []
    for tabla in raiz.iter(f"{_W}tbl"):
        columnas = [int(c.get(f"{_W}w")) for c in tabla.find(f"{_W}tblGrid")]
        for fila in tabla.findall(f"{_W}tr"):
            for i, celda in enumerate(fila.findall(f"{_W}tc")):
                lugar = columnas[i] - _MARGENES_TWIPS
                for extension in celda.iter(f"{_WP}extent"):
                    ancho = int(extension.get("cx")) / _EMU_POR_TWIP
                    if ancho > lugar:
                        problemas.append(f"{docx.name}: {ancho:.0f} > {lugar} twips")
    return problemas


def test_ninguna_fila_de_tabla_de_los_word_se_parte_entre_dos_paginas(
    lote_de_ejemplos, lote_de_historia
):
    """A row cut at a page's foot leaves «… —» on one page and «evidencia: sin evidencia» on
    the next: every row of every Word document of the batch keeps together (but the work
    plan's steps: a step with its bullets can be half a page long)."""
    from lxml import etree

    documentos = [
        *sorted(lote_de_ejemplos[0].glob("*.docx")),
        next(lote_de_ejemplos[0].glob("comunas/*.docx")),
        *sorted(lote_de_historia.glob("*.docx")),
        next(lote_de_historia.glob("comunas/*-avance.docx")),
    ]
    partidas = {}
    for docx in documentos:
        raiz = etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
        filas = [
            f
            for t in raiz.iter(f"{_W}tbl")
            if "Qué se hace y qué se obtiene" not in "".join(t.find(f"{_W}tr").itertext())
            for f in t.iter(f"{_W}tr")
        ]
        sin = [f for f in filas if f.find(f"{_W}trPr/{_W}cantSplit") is None]
        if sin or not filas:
            partidas[docx.name] = f"{len(sin)} de {len(filas)}"
    assert partidas == {}


def test_los_graficos_de_los_word_caben_en_su_columna(lote_de_ejemplos, lote_de_historia):
    """sintesis.docx's bars end with what matters (the hours over the budget, the red «bajan»):
    a picture wider than its column loses that end when LibreOffice prints it."""
    documentos = [
        lote_de_ejemplos[0] / "sintesis.docx",
        lote_de_historia / "sintesis.docx",
        next(lote_de_ejemplos[0].glob("comunas/*.docx")),
    ]
    assert all(_graficos_mas_anchos_que_su_celda(d) == [] for d in documentos), [
        _graficos_mas_anchos_que_su_celda(d) for d in documentos
    ]
    # the test sees the pictures at all
    raiz = zipfile.ZipFile(documentos[1]).read("word/document.xml")
    assert raiz.count(b"<wp:extent") >= 3 + 4 + 4 * 4


def _paginas_pdf(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))


def _a_pdf(documentos: list[Path], carpeta: Path, perfil: Path, espera: int = 300) -> None:
    """Print documents to PDF in ``carpeta`` through LibreOffice, with a profile of the test's own."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{perfil}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(carpeta),
            *map(str, documentos),
        ],
        check=True,
        capture_output=True,
        timeout=espera,
    )


@pytest.mark.lento
@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) no está instalado"
)
def test_cada_informe_docx_cabe_en_cuatro_paginas_a4(lote_de_ejemplos, lote_de_historia, tmp_path):
    paginas = {}
    for lote, carpeta in (("ejemplos", lote_de_ejemplos[0]), ("historia", lote_de_historia)):
        documentos = sorted(carpeta.glob("comunas/*.docx"))
        pdfs = tmp_path / lote
        _a_pdf(documentos, pdfs, tmp_path / "perfil", espera=600)
        for docx in documentos:
            paginas[f"{lote}/{docx.name}"] = _paginas_pdf(pdfs / f"{docx.stem}.pdf")
    # 29 examples; 28 diagnoses of 14 comunas in the history, each with its progress report
    assert len(paginas) == 29 + 28 + 14
    assert sum(1 for n in paginas if n.endswith("-avance.docx")) == 14
    assert {n: p for n, p in paginas.items() if p > 4} == {}


@pytest.mark.lento
@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) no está instalado"
)
def test_resumen_xlsx_de_los_ejemplos_se_imprime_en_pocas_paginas(lote_de_ejemplos, tmp_path):
    """29 comunas: 55 pages when each row repeated its reason (33 with the reasons once,
    in «Motivos», and the wrapped texts using the page's width)."""
    _a_pdf([lote_de_ejemplos[0] / "resumen.xlsx"], tmp_path, tmp_path / "perfil")
    assert _paginas_pdf(tmp_path / "resumen.pdf") <= 36


@pytest.mark.lento
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) o poppler (pdftotext) no está instalado",
)
def test_la_grilla_de_sintesis_docx_no_corta_los_nombres_de_las_areas(lote_de_ejemplos, tmp_path):
    _a_pdf([lote_de_ejemplos[0] / "sintesis.docx"], tmp_path, tmp_path / "perfil")
    texto = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "sintesis.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    encabezado = next(linea for linea in texto.splitlines() if linea.lstrip().startswith("Comuna"))
    assert encabezado.split() == [
        "Comuna",
        "UGT",
        "Estrategia",
        "Estructura",
        "Procesos",
        "Productos",
        "Horas",
    ]


def test_cada_ugt_se_compara_con_la_parte_del_presupuesto_de_sus_comunas_evaluadas(
    ejemplos, conocimiento
):
    """A comuna's share is the budget over the programme's comunas (comunas.yaml): a UGT
    of a partial batch is compared with the share of the comunas the batch holds."""
    from diagnostico_experto.lote.sintesis import sintetizar

    todas = [e.resultado for e in ejemplos.values()]
    completo = {s.ugt: s for s in sintetizar(todas, conocimiento)}
    parcial = {s.ugt: s for s in sintetizar(todas[::2], conocimiento)}
    presupuesto = conocimiento.valores_parametros()["presupuesto_horas_programa"]
    programa = sum(len(t.comunas) for t in conocimiento.territorios)
    for territorio in conocimiento.territorios:
        parte = presupuesto * len(territorio.comunas) / programa
        assert completo[territorio.nombre].presupuesto == pytest.approx(parte)
        assert not completo[territorio.nombre].parcial
        s = parcial[territorio.nombre]
        assert s.presupuesto_ugt == pytest.approx(parte)
        assert s.presupuesto == pytest.approx(presupuesto * len(s.comunas) / programa)
        assert s.parcial


def test_sin_presupuesto_la_frase_no_compara_con_cero():
    from diagnostico_experto.lote.sintesis import Cobertura

    assert Cobertura(1, 29, 95, 0).frase() == (
        "1 de las 29 comunas del programa: 95 h de acompañamiento propuestas "
        "(sin presupuesto de horas para comparar)"
    )
    from diagnostico_experto.lote.sintesis import SintesisUGT

    ugt = SintesisUGT("Arauco", ["Lebu"], {}, [], horas=95, comunas_programa=7)
    assert (
        ugt.resumen_horas() == "1 de sus 7 comunas · 95 h (sin presupuesto de horas para comparar)"
    )
    assert Cobertura(2, 2, 95, 100, fuera=1, horas_fuera=40).frase() == (
        "Las 2 comunas del programa: 95 h de acompañamiento propuestas, frente a un presupuesto "
        "de 100 h (95 %); además, 1 comuna fuera del programa, sin parte del presupuesto (40 h)"
    )


def test_un_lote_parcial_dice_cuantas_comunas_del_programa_tiene_y_su_parte(lote_de_historia):
    """14 of the 29 comunas: the headline never compares them with the whole budget."""
    frase = (
        "14 de las 29 comunas del programa: 1.198 h de acompañamiento propuestas, frente a "
        "965,5 h, la parte del presupuesto que corresponde a esas 14 comunas (124 %, 232,5 h "
        "por sobre esa parte); el presupuesto de todo el programa es de 2.000 h"
    )
    lector = _Texto()
    lector.feed((lote_de_historia / "index.html").read_text(encoding="utf-8"))
    assert f"{frase}." in "".join(lector.partes)
    with zipfile.ZipFile(lote_de_historia / "sintesis.docx") as paquete:
        xml = paquete.read("word/document.xml").decode("utf-8")
    parrafos = [
        "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))
        for p in re.findall(r"<w:p[ >].*?</w:p>", xml)
    ]
    assert f"4 territorios (UGT) · {frase}." in parrafos
    assert (
        "4 de sus 9 comunas · 385 h de 275,9 h, la parte del presupuesto de esas 4 comunas (140 %)."
        in parrafos
    )
    filas = list(
        openpyxl.load_workbook(lote_de_historia / "resumen.xlsx", read_only=True)[
            "Por UGT"
        ].iter_rows(values_only=True)
    )
    assert filas[-1][:3] == ("Todo el lote", 14, 29)
    assert filas[-1][-3:] == (1198, 965.5, frase)


@pytest.mark.lento
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium no está instalado")
def test_el_indice_cabe_en_una_pantalla_de_1366_px(lote_de_ejemplos, tmp_path):
    """The grid of comunas scrolled sideways on a 1366 px laptop screen."""
    pagina = tmp_path / "index.html"
    sonda = (
        "<script>document.body.setAttribute('data-anchos', "
        "document.documentElement.clientWidth + ' ' + document.documentElement.scrollWidth)"
        "</script>"
    )
    texto = (lote_de_ejemplos[0] / "index.html").read_text(encoding="utf-8")
    pagina.write_text(texto.replace("</body>", sonda + "</body>"), encoding="utf-8")
    dom = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1366,1200",
            "--virtual-time-budget=2000",
            "--dump-dom",
            pagina.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    visible, total = map(int, re.search(r'data-anchos="(\d+) (\d+)"', dom).groups())
    assert total <= visible
