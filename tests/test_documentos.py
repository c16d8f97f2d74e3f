"""The comuna's report as a document for people: HTML, Markdown and DOCX (python-docx reads it)."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from conftest import (
    CONOCIMIENTO,
    EJEMPLOS,
    archivo_respuestas,
    conocimiento_con,
    copiar_carpetas,
    correr,
    error_de,
    extremo,
    motor_con,
    primera_parte_marcada,
)
from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
from diagnostico_experto.informes.comuna import informe
from diagnostico_experto.informes.documento import documento
from diagnostico_experto.informes.formato import horas, md, neutralizar, numero, plural, porcentaje

ATAQUE = "<img src=x onerror=alert(1)>"


def evaluar(motor, archivo: Path):
    return motor.evaluar(cargar_respuestas(archivo, motor.conocimiento))


def texto_docx(contenido: bytes) -> str:
    doc = Document(io.BytesIO(contenido))
    partes = [p.text for p in doc.paragraphs]
    for tabla in doc.tables:
        for fila in tabla.rows:
            partes.extend(c.text for c in fila.cells)
    return "\n".join(partes)


def test_numeros_y_palabras_en_espanol_de_chile():
    assert numero(2473) == "2.473"
    assert horas(620.71) == "620,7 h"
    assert horas(2473) == "2.473 h"
    assert porcentaje(0.4523) == "45 %"
    assert porcentaje(None) == "sin datos"
    assert plural(1, "territorio") == "1 territorio"
    assert plural(3, "comuna") == "3 comunas"
    assert plural(2, "fusión", "fusiones") == "2 fusiones"


def test_markdown_escapa_el_marcado_y_las_formulas_se_neutralizan():
    assert md(ATAQUE) == "\\<img src=x onerror=alert(1)\\>"
    assert md("umbral_alto") == "umbral_alto"
    assert md("[x](javascript:y) *a* | b") == "\\[x\\](javascript:y) \\*a\\* \\| b"
    for formula in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'):
        assert neutralizar(formula) == "'" + formula
    assert neutralizar("PRODESAL") == "PRODESAL"
    assert neutralizar(3.5) == 3.5


def test_el_plan_sigue_el_orden_del_programa_y_suma_el_total(motor):
    evaluacion = evaluar(motor, EJEMPLOS / "yumbel.yaml")
    d = documento(evaluacion, motor.conocimiento)
    titulos = [p.titulo for p in d.pasos]
    talleres = [
        f"Taller territorial de {t.nombre} y trabajo comunal" for t in motor.conocimiento.talleres
    ]
    assert titulos[:2] == ["Validación con la mesa comunal", "Taller inicial de sensibilización"]
    assert titulos[2 : 2 + len(talleres)] == talleres
    assert sum(p.horas for p in d.pasos) == pytest.approx(evaluacion.resultado.horas.total)
    assert 3 <= len(d.hallazgos) <= 5
    assert all(h.endswith(".") for h in d.hallazgos)


def test_un_plan_por_etapas_sin_segunda_etapa_no_lo_dice_como_si_la_hubiera(motor):
    # Portezuelo's scarcity asks for stages, but what is proposed today fits in one.
    evaluacion = evaluar(motor, EJEMPLOS / "portezuelo.yaml")
    assert not [p for p in evaluacion.resultado.productos if p.etapa == 2]
    etapas = [h for h in documento(evaluacion, motor.conocimiento).hallazgos if "etapas" in h]
    assert etapas == [
        "El plan iría por etapas porque los funcionarios de la mesa comunal tienen poco tiempo "
        "para el proceso y el equipo de fomento productivo es muy pequeño, pero lo propuesto "
        f"hoy cabe en una sola ({horas(evaluacion.resultado.horas.total)})."
    ]


def test_un_equipo_reducido_lleva_en_la_primera_etapa_solo_lo_que_cabe_en_su_tope(motor):
    """San Ignacio (one person, little time): the first stage holds the programme's first
    steps up to the tope (knowledge); what does not fit waits, in the programme's order, and
    the second stage is dated a consolidation interval after the first (knowledge too)."""
    from diagnostico_experto.conocimiento.preguntas import TALLERES

    evaluacion = evaluar(motor, EJEMPLOS / "san-ignacio.yaml")
    r = evaluacion.resultado
    assert r.tope_primera_etapa == 75  # horas_primera_etapa, a default to calibrate
    assert r.horas.total - r.horas.por_paso["segunda_etapa"] == 70  # 106 before the tope
    primera = [p for p in r.productos if p.etapa == 1]
    fuera = [p for p in r.productos if p.fuera_del_tope]
    assert len(fuera) == 6 and all(p.etapa == 2 for p in fuera)
    assert max(TALLERES.index(p.taller) for p in primera) <= min(
        TALLERES.index(p.taller) for p in fuera
    )
    d = documento(evaluacion, motor.conocimiento)
    assert (
        "El plan va por etapas porque los funcionarios de la mesa comunal tienen poco tiempo para "
        "el proceso y el equipo de fomento productivo es muy pequeño: la primera suma 70 h y 11 "
        "productos quedan para la segunda (64 h), cuando los primeros pasos estén consolidados; "
        "6 de ellos, porque la primera etapa llega a su tope de 75 h (valor por defecto a "
        "calibrar)." in d.hallazgos
    )
    pasos = {p.titulo: p for p in d.pasos}
    segunda = pasos["Segunda etapa, cuando los primeros pasos estén consolidados"]
    assert segunda.horas == 64
    assert segunda.descripcion.endswith(
        "6 productos más pasan aquí, en el orden del programa: la primera etapa de un equipo "
        "así llega a 75 h (valor por defecto a calibrar)."
    )
    # 12 weeks (calendario.yaml «consolidacion») after additional support, not 3
    assert pasos["Apoyo adicional"].fecha == "14 de junio de 2027"
    assert segunda.fecha == "6 de septiembre de 2027"


def test_el_tope_de_la_primera_etapa_es_un_dato_del_conocimiento(motor):
    """With a tope no plan reaches, only the deferrable products wait (as before the tope)."""
    holgado = motor_con(motor, parametros={"horas_primera_etapa": 500})
    r = evaluar(holgado, EJEMPLOS / "san-ignacio.yaml").resultado
    assert r.horas.total - r.horas.por_paso["segunda_etapa"] == 106
    assert not [p for p in r.productos if p.fuera_del_tope]
    uno = evaluar(motor, EJEMPLOS / "yumbel.yaml").resultado  # four areas medio: one stage
    assert uno.tope_primera_etapa is None and uno.horas.por_paso["segunda_etapa"] == 0


@pytest.mark.parametrize("archivo", sorted(EJEMPLOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_los_pasos_del_plan_suman_el_total_en_cada_ejemplo(motor, archivo):
    evaluacion = evaluar(motor, archivo)
    horas_ = evaluacion.resultado.horas
    d = documento(evaluacion, motor.conocimiento)
    assert sum(p.horas for p in d.pasos) == pytest.approx(horas_.total)
    assert sum(horas_.por_paso.values()) == pytest.approx(horas_.total)
    assert all(linea.paso in horas_.por_paso for linea in horas_.detalle)


def test_una_linea_de_horas_va_al_paso_que_dice_su_regla_no_al_que_sugiere_su_texto(motor):
    """An hours rule whose text mentions the mesa does not inflate the validation step."""
    extra = """
reglas:
  - id: horas-con-la-mesa-en-el-texto
    descripcion: Un apoyo cuyo texto nombra a la mesa comunal y la validación.
    si:
      - comuna: {}
    entonces:
      - horas: {concepto: Apoyo a la mesa comunal tras la validación, horas: 5, paso: apoyo}
"""
    otro = motor_con(motor, extra)
    evaluacion = evaluar(otro, EJEMPLOS / "yumbel.yaml")
    d = documento(evaluacion, otro.conocimiento)
    pasos = {p.titulo: p for p in d.pasos}
    validacion = evaluacion.resultado.horas.por_paso["validacion"]
    assert pasos["Validación con la mesa comunal"].horas == validacion
    assert ("Apoyo a la mesa comunal tras la validación", 5) in pasos["Apoyo adicional"].lineas
    assert evaluacion.resultado.horas.por_paso["apoyo"] >= 5


def test_html_resumen_primero_y_reglas_solo_en_el_anexo(motor):
    evaluacion = evaluar(motor, EJEMPLOS / "yumbel.yaml")
    html = informe(evaluacion, motor.reglas, motor.conocimiento, "html", indice="../index.html")
    assert isinstance(html, str)
    orden = [
        "Volver al índice del programa",
        "Resumen ejecutivo",
        "<svg",
        "Lo principal",
        "Diagnóstico por área",
        "Propuesta de intervención: plan de trabajo",
        "Acta de validación",
        '<details class="anexo">',
    ]
    posiciones = [html.index(t) for t in orden]
    assert posiciones == sorted(posiciones)
    assert 'href="../index.html"' in html
    cuerpo, anexo = html.split('<details class="anexo">')
    for paso in evaluacion.resultado.traza:
        assert f"<code>{paso.regla}</code>" in anexo
        assert paso.regla not in cuerpo
    assert "details.anexo:not([open]) { display: none; }" in html  # left out of print
    # answers in words, never ids
    assert "Existen, pero están obsoletas o no se aplican" in cuerpo
    assert "obsoletas</td>" not in cuerpo
    assert (
        f"<strong>Horas de acompañamiento propuestas: {horas(evaluacion.resultado.horas.total)}</strong>"
        in cuerpo
    )
    assert re.search(r">\d+ %</td>", cuerpo)
    assert "http" not in html  # offline: no CDN, no external resource


def test_md_y_explicar_no_dejan_pasar_html_de_las_respuestas(capsys, conocimiento, tmp_path):
    servicio = {
        "nombre": ATAQUE,
        "unidad": "<b>UDEL</b>",
        "origen": "indap",
        "clientes": ["pequenos_agricultores"],
        "etapas": ["difusion", "diagnostico"],
    }
    otro = {**servicio, "nombre": "Capital [x](javascript:alert(1))", "unidad": "DIDECO"}
    archivo = archivo_respuestas(
        tmp_path,
        dict(extremo(conocimiento, mejor=False), T07=f"Nota {ATAQUE}"),
        servicios=[servicio, otro],
        mesa=[{"nombre": ATAQUE, "cargo": "*jefe*", "unidad": "UDEL"}],
        validacion={"procesos": {"nivel": "medio", "justificacion": ATAQUE}},
    )
    for args in (["evaluar", archivo], ["explicar", archivo]):
        codigo, out, err = correr(capsys, *args)
        assert codigo == 0, err
        # only escaped: no raw tag, no link
        assert not re.search(r"(?<!\\)<(img|b)\b", out)
        assert not re.search(r"(?<!\\)\]\(javascript", out)
        assert "\\<img src=x onerror=alert(1)\\>" in out


def test_el_acta_y_sus_firmas_no_se_separan_al_paginar(capsys, tmp_path):
    """Word and LibreOffice move the acta, its table and its signatures as one block:
    the signatures never end alone on the last page."""
    destino = tmp_path / "yumbel.docx"
    codigo, _, err = correr(capsys, "evaluar", EJEMPLOS / "yumbel.yaml", "--salida", destino)
    assert codigo == 0, err
    doc = Document(str(destino))
    cuerpo = [p for p in doc.paragraphs if p.text.strip()]
    inicio = next(i for i, p in enumerate(cuerpo) if p.text.startswith("La mesa comunal de Yumbel"))
    fecha = next(i for i, p in enumerate(cuerpo) if p.text.startswith("\nFecha:"))
    sueltos = [p.text for p in cuerpo[inicio:fecha] if not p.paragraph_format.keep_with_next]
    assert sueltos == []
    acta = next(t for t in doc.tables if t.rows[0].cells[1].text == "Nivel diagnosticado")
    assert all(p.paragraph_format.keep_with_next for c in acta._cells for p in c.paragraphs)
    assert all(
        f._tr.trPr is not None and f._tr.trPr.find(qn("w:cantSplit")) is not None
        for f in acta.rows[1:]
    )


def test_docx_con_texto_y_estructura(capsys, tmp_path):
    destino = tmp_path / "yumbel.docx"
    codigo, _, err = correr(capsys, "evaluar", EJEMPLOS / "yumbel.yaml", "--salida", destino)
    assert codigo == 0, err
    doc = Document(str(destino))
    titulos = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert titulos[:2] == ["Yumbel", "Resumen ejecutivo"]
    for titulo in (
        "Diagnóstico por área",
        "Estrategia: nivel medio (56 %)",
        "Propuesta de intervención: plan de trabajo",
        "Mesa comunal y acta de validación",
        "Acta de validación del diagnóstico y la propuesta de intervención",
    ):
        assert titulo in titulos
    assert "Anexo: reglas aplicadas" not in titulos
    texto = texto_docx(destino.read_bytes())
    assert "{{" not in texto and "{%" not in texto
    assert "Existen, pero están obsoletas o no se aplican" in texto
    assert "estrategia-medio" not in texto
    assert "Horas de acompañamiento propuestas: 87 h." in texto
    # the chart: one picture per area, its words in the table
    assert len(doc.inline_shapes) == 4 + 1 - 1  # 4 bars (the logo sits in the header)
    assert "56 % · medio" in texto
    # with --anexo, the trace
    con_anexo = tmp_path / "anexo.docx"
    codigo, _, _ = correr(
        capsys,
        "evaluar",
        EJEMPLOS / "yumbel.yaml",
        "--formato",
        "docx",
        "--anexo",
        "--salida",
        con_anexo,
    )
    assert codigo == 0
    assert "estrategia-medio (rules/clasificacion.yaml:" in texto_docx(con_anexo.read_bytes())


def test_docx_escapa_el_texto_de_las_respuestas(motor, conocimiento, tmp_path):
    archivo = archivo_respuestas(
        tmp_path,
        extremo(conocimiento, mejor=True),
        mesa=[{"nombre": "A & B <x>", "cargo": "{{ r.comuna }}", "unidad": "UDEL"}],
    )
    contenido = informe(evaluar(motor, archivo), motor.reglas, conocimiento, "docx")
    assert isinstance(contenido, bytes)
    texto = texto_docx(contenido)
    assert "A & B <x>" in texto
    assert "{{ r.comuna }}" in texto  # a tag in an answer is text, not a tag


def test_docx_respeta_los_saltos_de_linea_de_las_observaciones(motor, conocimiento, tmp_path):
    respuestas = extremo(conocimiento, mejor=True) | {"T07": "Primera idea.\nSegunda idea."}
    archivo = archivo_respuestas(tmp_path, respuestas)
    contenido = informe(evaluar(motor, archivo), motor.reglas, conocimiento, "docx")
    assert isinstance(contenido, bytes)
    parrafos = [p.text for p in Document(io.BytesIO(contenido)).paragraphs]
    assert "Observaciones de la mesa: Primera idea.\nSegunda idea." in parrafos
    documento_xml = zipfile.ZipFile(io.BytesIO(contenido)).read("word/document.xml").decode()
    assert "Primera idea.</w:t><w:br/><w:t" in documento_xml  # a line break in Word


def test_docx_de_varias_comunas_con_la_plantilla_compilada_una_vez(ejemplos, motor, tmp_path):
    """A batch reuses the compiled template: each comuna gets its own values, and an
    edited template (same path, new content) is compiled again, not served stale."""
    from diagnostico_experto.informes.docx import FONDOS, renderizar

    origen = EJEMPLOS.parent / "plantillas" / "informe.docx"
    copia = tmp_path / "informe.docx"
    copia.write_bytes(origen.read_bytes())
    conocimiento = motor.conocimiento
    textos = {}
    for nombre in ("yumbel", "penco"):
        d = documento(ejemplos[nombre], conocimiento)
        contexto = {"d": d, "r": d.r, "anexo": False, "lugares": {}, "fondo": FONDOS}
        contexto |= {"firmas": ["Firma"] * 4, "provisional": False}
        textos[nombre] = texto_docx(renderizar(copia, contexto, {"grafico": d.grafico}))
    assert "Yumbel" in textos["yumbel"] and "Penco" not in textos["yumbel"]
    assert "Penco" in textos["penco"] and "Yumbel" not in textos["penco"]
    editar_plantilla(copia, "Lo principal", "Lo que el alcalde debe saber")
    editado = texto_docx(renderizar(copia, contexto, {"grafico": d.grafico}))
    assert "Lo que el alcalde debe saber" in editado and "Lo principal" not in editado


def _partes(contenido: bytes) -> dict[str, object]:
    """A Word package by part: XML in canonical form (attribute order and namespace
    declarations do not matter to Word), relationships and content types as sets,
    document properties by their non-empty values, pictures as bytes."""
    from lxml import etree

    partes: dict[str, object] = {}
    with zipfile.ZipFile(io.BytesIO(contenido)) as zf:
        for nombre in zf.namelist():
            datos = zf.read(nombre)
            if nombre == "docProps/core.xml":
                raiz = etree.fromstring(datos)
                partes[nombre] = sorted((e.tag, e.text) for e in raiz if e.text)
            elif nombre.endswith(".rels") or nombre == "[Content_Types].xml":
                raiz = etree.fromstring(datos)
                partes[nombre] = sorted(etree.tostring(e, method="c14n") for e in raiz)
            elif nombre.endswith(".xml"):
                partes[nombre] = etree.tostring(etree.fromstring(datos), method="c14n")
            else:
                partes[nombre] = datos
    return partes


def _contexto_word(evaluacion, motor) -> tuple[dict, dict]:
    from diagnostico_experto.informes.docx import FONDOS

    d = documento(evaluacion, motor.conocimiento)
    lugares = {r.id: r.lugar() for r in motor.reglas}
    contexto = {"d": d, "r": d.r, "anexo": True, "lugares": lugares, "fondo": FONDOS}
    return contexto | {"firmas": ["Firma"] * 4, "provisional": False}, {"grafico": d.grafico}


def test_docx_de_lote_igual_al_de_docxtpl(ejemplos, motor, tmp_path):
    """A batch fills the template it opened once and copies its unchanged parts; the
    document is docxtpl's, part by part, also with a tag in the header."""
    from diagnostico_experto.informes.docx import _bytes, _llenar_con_docxtpl, renderizar

    copia = tmp_path / "informe.docx"
    copia.write_bytes((EJEMPLOS.parent / "plantillas" / "informe.docx").read_bytes())
    doc = Document(str(copia))
    doc.sections[0].header.paragraphs[0].add_run("Comuna de {{ r.comuna }}")
    doc.save(str(copia))
    for nombre in ("yumbel", "penco", "tirua"):
        contexto, graficos = _contexto_word(ejemplos[nombre], motor)
        atajo = renderizar(copia, contexto, graficos)
        assert _partes(atajo) == _partes(_llenar_con_docxtpl(_bytes(copia), contexto, graficos))
        cabecera = Document(io.BytesIO(atajo)).sections[0].header.paragraphs[0].text
        assert cabecera.endswith(f"Comuna de {ejemplos[nombre].resultado.comuna}")


def test_docx_con_columnas_que_se_repiten_igual_al_de_docxtpl(ejemplos, motor, tmp_path):
    """Cells repeated by ``{%tc for %}`` change a table's grid: it is mended as docxtpl does."""
    from diagnostico_experto.informes.docx import _bytes, _llenar_con_docxtpl, renderizar

    copia = tmp_path / "informe.docx"
    doc = Document(str(EJEMPLOS.parent / "plantillas" / "informe.docx"))
    tabla = doc.add_table(rows=1, cols=3)
    textos = ["{%tc for a in d.areas %}", "{{ a.nombre }}", "{%tc endfor %}"]
    for celda, texto in zip(tabla.rows[0].cells, textos, strict=True):
        celda.paragraphs[0].add_run(texto)
    doc.save(str(copia))
    contexto, graficos = _contexto_word(ejemplos["yumbel"], motor)
    atajo = renderizar(copia, contexto, graficos)
    assert _partes(atajo) == _partes(_llenar_con_docxtpl(_bytes(copia), contexto, graficos))
    ultima = Document(io.BytesIO(atajo)).tables[-1]
    assert [c.text for c in ultima.rows[0].cells] == [
        "Estrategia",
        "Estructura",
        "Procesos",
        "Productos y servicios",
    ]
    assert len(ultima._tbl.tblGrid.findall(f"{{{W}}}gridCol")) == 4


def test_docx_con_etiquetas_donde_el_lote_no_las_llena_rapido(ejemplos, motor, tmp_path):
    """A tag in the document's title, or the chart in the header, is filled too."""
    from diagnostico_experto.informes.docx import renderizar

    copia = tmp_path / "informe.docx"
    copia.write_bytes((EJEMPLOS.parent / "plantillas" / "informe.docx").read_bytes())
    doc = Document(str(copia))
    doc.core_properties.title = "Diagnóstico de {{ r.comuna }}"
    doc.save(str(copia))
    contexto, graficos = _contexto_word(ejemplos["yumbel"], motor)
    titulo = Document(io.BytesIO(renderizar(copia, contexto, graficos))).core_properties.title
    assert titulo == "Diagnóstico de Yumbel"
    doc.core_properties.title = ""
    doc.sections[0].header.paragraphs[0].add_run("{% for f in grafico %}{{ f.imagen }}{% endfor %}")
    doc.save(str(copia))
    resultado = Document(io.BytesIO(renderizar(copia, contexto, graficos)))
    dibujos = resultado.sections[0].header._element.xpath(".//pic:pic")
    assert len(dibujos) == 1 + 4  # the logo and the four bars


def editar_plantilla(ruta: Path, antes: str, despues: str) -> None:
    """What a consultant does in Word: change a text of the template."""
    doc = Document(str(ruta))
    for parrafo in doc.paragraphs:
        for run in parrafo.runs:
            if antes in run.text:
                run.text = run.text.replace(antes, despues)
    doc.save(str(ruta))


def test_el_consultor_cambia_la_plantilla_en_su_copia(capsys, tmp_path):
    codigo, _, _ = correr(capsys, "init", tmp_path / "trabajo")
    assert codigo == 0
    conocimiento = tmp_path / "trabajo" / "knowledge"
    plantilla = conocimiento / "plantillas" / "informe.docx"
    editar_plantilla(plantilla, "Lo principal", "Lo que el alcalde debe saber")
    doc = Document(str(plantilla))
    doc.sections[0].header.paragraphs[0].add_run("Consultora Biobío Ltda.")
    doc.save(str(plantilla))
    destino = tmp_path / "yumbel.docx"
    codigo, _, err = correr(
        capsys,
        "evaluar",
        EJEMPLOS / "yumbel.yaml",
        "--conocimiento",
        conocimiento,
        "--salida",
        destino,
    )
    assert codigo == 0, err
    resultado = Document(str(destino))
    assert "Lo que el alcalde debe saber" in [p.text for p in resultado.paragraphs]
    assert "Lo principal" not in [p.text for p in resultado.paragraphs]
    assert "Consultora Biobío Ltda." in resultado.sections[0].header.paragraphs[0].text


PLANTILLAS_ROTAS = [
    ("{{ r.comuna }}", "{{ r.comuna }", "la etiqueta «{{ r.comuna }» no se cierra: falta «}}»"),
    (
        "{{ r.comuna }}",
        "{{ r.comuna | mayusculas }}",
        "la etiqueta «{{ r.comuna | mayusculas }}» usa el filtro «mayusculas», que no existe",
    ),
    (
        "{{ r.comuna }}",
        "{{ r.comuna + }}",
        "la etiqueta «{{ r.comuna + }}» está mal escrita: sobra o falta algo antes de «}}»",
    ),
    (
        "{%p for h in d.hallazgos %}",
        "{%p for h in d.hallazgos",
        "la etiqueta «{%p for h in d.hallazgos» no se cierra: falta «%}»",
    ),
    (
        "{%p for h in d.hallazgos %}",
        "{%p for h d.hallazgos %}",
        "la etiqueta «{%p for h d.hallazgos %}» está mal escrita: se esperaba «in» y viene «d»",
    ),
    (
        "{%p if r.ilustrativo %}",
        "{%p iff r.ilustrativo %}",
        "la etiqueta «{%p iff r.ilustrativo %}» usa «iff», que no es una instrucción de "
        "plantilla (se usan for, if, elif, else, endfor, endif y set, y las de las tablas: "
        "cellbg, colspan, hm y vm)",
    ),
    (
        "{%p if r.ilustrativo %}",
        "{%p for x in r.ilustrativo %}",
        "la etiqueta «{%p endif %}» cierra un «if», pero el bloque abierto es "
        "«{%p for x in r.ilustrativo %}», que se cierra con «endfor»",
    ),
]


@pytest.mark.parametrize(("antes", "despues", "esperado"), PLANTILLAS_ROTAS)
def test_plantilla_rota_dice_la_etiqueta_escrita_y_que_tiene(
    ejemplos, motor, tmp_path, antes, despues, esperado
):
    """Before a batch and when filling: one Spanish line with the tag as the consultant wrote it."""
    plantilla = tmp_path / "informe.docx"
    plantilla.write_bytes((EJEMPLOS.parent / "plantillas" / "informe.docx").read_bytes())
    editar_plantilla(plantilla, antes, despues)
    assert _errores_de_plantilla(plantilla, ejemplos, motor) == [f"{plantilla}: {esperado}"] * 2


@pytest.mark.parametrize(
    ("antes", "despues", "esperado"),
    [
        (
            "{{ r.comuna }}",
            "{{ r.comuna + 1 }}",
            "la etiqueta «{{ r.comuna + 1 }}» no se puede calcular: combina valores de tipos "
            "distintos (por ejemplo, un texto y un número)",
        ),
        (
            "{{ r.comuna }}",
            "{{ 1 / 0 }}",
            "la etiqueta «{{ 1 / 0 }}» no se puede calcular: divide por cero",
        ),
        (
            "{{ h }}",  # a loop's variable: evaluated inside its loop
            "{{ h + 1 }}",
            "la etiqueta «{{ h + 1 }}» no se puede calcular: combina valores de tipos distintos "
            "(por ejemplo, un texto y un número)",
        ),
    ],
)
def test_plantilla_con_una_etiqueta_que_no_se_calcula(
    ejemplos, motor, tmp_path, antes, despues, esperado
):
    """Not an internal error: the consultant's expression fails on the report's values."""
    from diagnostico_experto.comun.errores import ErrorPlantilla
    from diagnostico_experto.informes.docx import comprobar, renderizar

    plantilla = tmp_path / "informe.docx"
    plantilla.write_bytes((EJEMPLOS.parent / "plantillas" / "informe.docx").read_bytes())
    editar_plantilla(plantilla, antes, despues)
    comprobar(plantilla)  # the tags are well written
    contexto, graficos = _contexto_word(ejemplos["yumbel"], motor)
    with pytest.raises(ErrorPlantilla) as error:
        renderizar(plantilla, contexto, graficos)
    assert str(error.value) == f"{plantilla}: {esperado}"


def test_una_etiqueta_dentro_de_un_bucle_se_calcula_en_su_rama():
    """A loop's tag is evaluated in its loop and its if/else branch: the one named is the
    one that fails, not one an «if» guards."""
    from jinja2 import Environment

    from diagnostico_experto.informes.etiquetas_docx import que_no_se_calcula

    doc = Document()
    for texto in (
        "{%p for h in xs %}",
        "{%p set doble = h ~ h %}",
        "{%p if h is number %}",
        "{{ h + 1 }}",
        "{%p else %}",
        "{{ doble ~ '!' }}",
        "{%p endif %}",
        "{%p endfor %}",
        "{{ r ~ '.' }}",
        "{%p for h in xs %}{{ h - 1 }}{%p endfor %}",
    ):
        doc.add_paragraph(texto)
    datos = io.BytesIO()
    doc.save(datos)
    mensaje = que_no_se_calcula(datos.getvalue(), Environment(), {"xs": ["a", 2], "r": "x"})
    assert mensaje == (
        "la etiqueta «{{ h - 1 }}» no se puede calcular: combina valores de tipos distintos "
        "(por ejemplo, un texto y un número)"
    )
    # a loop over something that cannot be walked is the loop's fault, not its tags'
    doc = Document()
    for texto in ("{%p for h in r + 1 %}", "{{ h }}", "{%p endfor %}"):
        doc.add_paragraph(texto)
    datos = io.BytesIO()
    doc.save(datos)
    mensaje = que_no_se_calcula(datos.getvalue(), Environment(), {"r": "x"})
    assert mensaje.startswith("la etiqueta «{%p for h in r + 1 %}» no se puede calcular: ")


def test_una_planilla_con_extension_docx_no_es_plantilla(ejemplos, motor, tmp_path, conocimiento):
    from diagnostico_experto.lote.planilla import planilla

    plantilla = tmp_path / "informe.docx"
    plantilla.write_bytes(planilla(conocimiento))
    assert (
        _errores_de_plantilla(plantilla, ejemplos, motor)
        == [
            f"{plantilla}: no es una plantilla de Word (.docx) válida: es un libro de Excel con la "
            "extensión .docx; use una copia de la plantilla de Word (diagnostico init la copia junto "
            "al conocimiento)"
        ]
        * 2
    )


def test_plantilla_con_un_nombre_desconocido_dice_su_etiqueta(capsys, tmp_path):
    correr(capsys, "init", tmp_path / "t")
    conocimiento = tmp_path / "t" / "knowledge"
    plantilla = conocimiento / "plantillas" / "informe.docx"
    editar_plantilla(plantilla, "{{ r.comuna }}", "{{ r.comunaa }}")
    codigo, _, err = correr(
        capsys,
        "evaluar",
        EJEMPLOS / "yumbel.yaml",
        "--conocimiento",
        conocimiento,
        "--salida",
        tmp_path / "x.docx",
    )
    assert codigo == 2
    assert err.splitlines() == [
        f"{plantilla}: la etiqueta «{{{{ r.comunaa }}}}» usa un nombre desconocido, «comunaa»"
    ]
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.parametrize(
    ("documento", "etiqueta"), [("sintesis.docx", "procedencia"), ("avance.docx", "cuenta")]
)
def test_plantilla_rota_antes_del_lote_sale_con_2(
    capsys, tmp_path, monkeypatch, documento, etiqueta
):
    correr(capsys, "init", tmp_path / "t")
    conocimiento = tmp_path / "t" / "knowledge"
    plantilla = conocimiento / "plantillas" / documento
    editar_plantilla(plantilla, f"{{{{ {etiqueta} }}}}", f"{{{{ {etiqueta} | en_mayusculas }}}}")
    salida = tmp_path / "s"
    una = tmp_path / "una"  # one comuna is a batch: the 29 examples would only cost time
    una.mkdir()
    shutil.copy(EJEMPLOS / "yumbel.yaml", una)

    def no_evaluar(*args, **kwargs):
        raise AssertionError("the batch evaluated comunas before checking its templates")

    monkeypatch.setattr("diagnostico_experto.lote.evaluacion.evaluar_en_orden", no_evaluar)
    args = ("lote", una, "--conocimiento", conocimiento, "--salida", salida)
    codigo, _, err = correr(capsys, *args)
    assert codigo == 2
    # one line, before any comuna is evaluated: with thousands, not at the end of the batch
    assert err.splitlines() == [
        f"{plantilla}: la etiqueta «{{{{ {etiqueta} | en_mayusculas }}}}» usa el filtro "
        "«en_mayusculas», que no existe"
    ]
    assert not salida.exists()


@pytest.mark.parametrize("contenido", [b"no soy un docx", b"%PDF-1.4 ...", b""])
def test_plantilla_que_no_es_docx(capsys, tmp_path, contenido):
    correr(capsys, "init", tmp_path / "t")
    conocimiento = tmp_path / "t" / "knowledge"
    plantilla = conocimiento / "plantillas" / "informe.docx"
    plantilla.write_bytes(contenido)
    codigo, _, err = correr(
        capsys,
        "evaluar",
        EJEMPLOS / "yumbel.yaml",
        "--conocimiento",
        conocimiento,
        "--salida",
        tmp_path / "x.docx",
    )
    assert codigo == 2
    assert err.splitlines() == [
        f"{plantilla}: no es una plantilla de Word (.docx) válida: no es un archivo .docx "
        "(¿un .doc antiguo, un PDF o un archivo con otra extensión?); ábralo en Word o "
        "LibreOffice y guárdelo como documento de Word (.docx)"
    ]
    assert zipfile.is_zipfile(EJEMPLOS.parent / "plantillas" / "informe.docx")


@pytest.mark.parametrize(
    ("marca", "esperado"),
    [
        (
            {"cifrada": True},
            "la parte [Content_Types].xml está cifrada con contraseña; guarde el archivo sin "
            "contraseña en Word o LibreOffice",
        ),
        (
            {"metodo": 99},
            "la parte [Content_Types].xml usa una compresión que Word no escribe; abra el "
            "archivo en Word o LibreOffice y guárdelo de nuevo",
        ),
    ],
    ids=["cifrada", "compresion-desconocida"],
)
def test_plantilla_con_una_parte_que_zipfile_no_lee(ejemplos, motor, tmp_path, marca, esperado):
    """zipfile stops on these with errors that name no file; the template is named instead."""
    plantilla = tmp_path / "informe.docx"
    plantilla.write_bytes((EJEMPLOS.parent / "plantillas" / "informe.docx").read_bytes())
    primera_parte_marcada(plantilla, **marca)
    errores = _errores_de_plantilla(plantilla, ejemplos, motor)
    assert errores == [f"{plantilla}: {esperado}"] * 2


def _errores_de_plantilla(plantilla: Path, ejemplos, motor) -> list[str]:
    """The error of checking the template before a batch, and of filling it for a comuna."""
    from diagnostico_experto.comun.errores import ErrorDiagnostico
    from diagnostico_experto.informes.docx import comprobar, renderizar

    contexto, graficos = _contexto_word(ejemplos["yumbel"], motor)
    errores = []
    for intento in (
        lambda: comprobar(plantilla),
        lambda: renderizar(plantilla, contexto, graficos),
    ):
        with pytest.raises(ErrorDiagnostico) as error:
            intento()
        errores.append(str(error.value))
    return errores


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.mark.parametrize(
    "documento_xml",
    [b"<w:document", f'<w:document xmlns:w="{W}"/>'.encode()],
    ids=["xml-roto", "sin-cuerpo"],
)
def test_plantilla_con_el_documento_roto(ejemplos, motor, tmp_path, documento_xml):
    plantilla = tmp_path / "informe.docx"
    original = zipfile.ZipFile(EJEMPLOS.parent / "plantillas" / "informe.docx")
    with zipfile.ZipFile(plantilla, "w") as copia:
        for nombre in original.namelist():
            datos = original.read(nombre)
            copia.writestr(nombre, documento_xml if nombre == "word/document.xml" else datos)
    for error in _errores_de_plantilla(plantilla, ejemplos, motor):
        assert error.startswith(f"{plantilla}: no es una plantilla de Word (.docx) válida")


def test_docx_necesita_salida(capsys):
    err = error_de(capsys, "evaluar", EJEMPLOS / "yumbel.yaml", "--formato", "docx")
    assert "el formato docx necesita --salida ARCHIVO.docx" in err


def test_json_con_los_mismos_bytes_que_json_dumps(ejemplos):
    """pydantic writes the JSON report; it must be what json.dumps wrote, byte for byte,
    also with numbers Python writes in exponent notation or not at all."""
    import json
    import math

    from diagnostico_experto.informes.comuna import como_json

    def esperado(r) -> str:
        return json.dumps(r.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"

    resultado = ejemplos["yumbel"].resultado
    assert como_json(resultado) == esperado(resultado)
    for raro in (1e-05, 2.5e-07, 1e16, math.inf):
        horas = resultado.horas.model_copy(update={"total": raro})
        otro = resultado.model_copy(update={"horas": horas})
        assert como_json(otro) == esperado(otro)


@pytest.mark.parametrize("nombre", ["informe", "sintesis", "avance"])
def test_plantillas_incluidas_son_las_del_generador_con_solo_sus_estilos(nombre):
    """The shipped templates are what plantilla_docx writes: every style the document
    uses is defined, the blank document's other ~160 and their Word 2010 copy are not."""
    from tools import plantilla_docx

    generada = getattr(plantilla_docx, nombre)()
    plantilla_docx.aligerar(generada)
    bytes_generados = io.BytesIO()
    generada.save(bytes_generados)
    incluida = zipfile.ZipFile(CONOCIMIENTO / "plantillas" / f"{nombre}.docx")
    for parte in ("word/document.xml", "word/styles.xml"):
        assert incluida.read(parte) == zipfile.ZipFile(bytes_generados).read(parte), parte
    partes = incluida.namelist()
    assert [p for p in partes if "stylesWithEffects" in p or "thumbnail" in p] == []
    definidos = set(re.findall(r'w:styleId="([^"]+)"', incluida.read("word/styles.xml").decode()))
    xml = "".join(
        incluida.read(p).decode() for p in partes if re.match(r"word/(document|header|footer)", p)
    )
    usados = set(re.findall(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', xml))
    assert usados and usados <= definidos
    assert len(definidos) < 25


def test_la_pregunta_de_observaciones_y_el_umbral_de_debilidad_son_conocimiento(motor):
    evaluacion = evaluar(motor, EJEMPLOS / "arauco.yaml")
    informe_ = motor.conocimiento.informe
    sin_observaciones = dataclasses.replace(
        motor.conocimiento, informe=informe_.model_copy(update={"pregunta_observaciones": None})
    )
    assert documento(evaluacion, motor.conocimiento).observaciones
    assert documento(evaluacion, sin_observaciones).observaciones == ""
    todo_debil = dataclasses.replace(
        motor.conocimiento, informe=informe_.model_copy(update={"umbral_debilidad": 0.99})
    )
    tonos = {x.tono for a in documento(evaluacion, todo_debil).areas for x in a.respuestas}
    assert "debilidad" in tonos and len(tonos) <= 3


def test_como_se_nombra_una_propuesta_de_grupo_es_conocimiento(motor, ejemplos):
    resultado = ejemplos["yumbel"].resultado
    tipos = {f.tipo for f in resultado.fusiones}
    assert tipos  # Yumbel's inventory has groups
    informe_ = motor.conocimiento.informe
    acciones = lambda c: [x for p in documento(ejemplos["yumbel"], c).pasos for x in p.acciones]  # noqa: E731
    assert any(a.startswith("Coordinación de etapas de ") for a in acciones(motor.conocimiento))
    otro = dataclasses.replace(
        motor.conocimiento,
        informe=informe_.model_copy(
            update={"tipos_de_propuesta": {"fusion": "Fusionar", "coordinacion": "Coordinar"}}
        ),
    )
    assert any(a.startswith("Coordinar de ") for a in acciones(otro))
    assert not any(a.startswith("Coordinación de etapas") for a in acciones(otro))


def test_un_informe_yaml_con_una_pregunta_desconocida_se_rechaza(capsys, tmp_path):
    def observaciones_en_t70(datos):
        datos["pregunta_observaciones"] = "T70"

    conocimiento = conocimiento_con(tmp_path / "knowledge", informe=observaciones_en_t70)
    err = error_de(capsys, "evaluar", EJEMPLOS / "yumbel.yaml", "--conocimiento", conocimiento)
    assert "informe.yaml:" in err and "pregunta desconocida «T70»" in err


def test_una_copia_del_conocimiento_sin_informe_yaml_usa_el_incluido(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    (conocimiento / "informe.yaml").unlink()
    codigo, out, err = correr(
        capsys,
        "evaluar",
        EJEMPLOS / "yumbel.yaml",
        "--reglas",
        reglas,
        "--conocimiento",
        conocimiento,
    )
    assert codigo == 0, err
    assert "Taller inicial de sensibilización" in out


@pytest.mark.parametrize("formato", ["md", "html", "docx"])
def test_el_acta_dice_lo_que_la_mesa_valido_lo_vencido_y_lo_pendiente(
    motor, conocimiento, tmp_path, formato
):
    """Estrategia validated, estructura validated against other answers, the rest pending."""
    from diagnostico_experto.conocimiento.respuestas import huella_area

    respuestas = extremo(conocimiento, mejor=True)
    vigente = motor.evaluar(
        cargar_respuestas(archivo_respuestas(tmp_path, respuestas), conocimiento)
    )
    estrategia = vigente.resultado.areas["estrategia"].nivel
    validacion = {
        "estrategia": {
            "nivel": estrategia,
            "justificacion": "La mesa comunal valida el nivel diagnosticado.",
            "diagnosticado": estrategia,
            "huella": huella_area("estrategia", vigente.respuestas.respuestas, conocimiento),
        },
        "estructura": {
            "nivel": "bajo",
            "justificacion": "La unidad que había se cerró.",
            "diagnosticado": "alto",
            "huella": "0000000000000000",  # other answers than today's
        },
    }
    archivo = archivo_respuestas(tmp_path, respuestas, "v.yaml", validacion=validacion)
    evaluacion = evaluar(motor, archivo)
    contenido = informe(evaluacion, motor.reglas, conocimiento, formato)
    texto = texto_docx(contenido) if formato == "docx" else str(contenido)
    texto = re.sub(r"<[^>]+>", " ", texto)
    assert evaluacion.resultado.areas["estructura"].nivel_vigente != "bajo"  # no silent override
    assert "validación anterior a cambios en las respuestas: revalidar" in texto  # summary
    assert (
        "Validación anterior a cambios en las respuestas: revalidar. La mesa lo había validado "
        "en bajo sobre el mismo diagnóstico alto; después cambiaron respuestas del área." in texto
    )  # acta
    assert "pendiente" in texto
    assert "sin cambio" not in texto
    cierre = (
        "La mesa comunal validó 1 de 4 áreas (Estrategia); "
        "por revalidar en Estructura; pendiente en Procesos y Productos y servicios"
    )
    assert f"{cierre} (ver el acta" in texto  # page 1
    assert f"{cierre}." in texto  # the acta's closing sentence
    assert "validó el diagnóstico con ajustes" not in texto


def test_la_validacion_se_dice_sin_listas_ambiguas_ni_repeticiones(motor, conocimiento, tmp_path):
    """«pendiente en las cuatro áreas», not «pendiente, Estrategia, …»; a level validated as
    diagnosed says «validado», and a quoted justification keeps one final period."""
    from diagnostico_experto.conocimiento.respuestas import huella_area

    respuestas = extremo(conocimiento, mejor=True)
    sin_validar = motor.evaluar(
        cargar_respuestas(archivo_respuestas(tmp_path, respuestas), conocimiento)
    )
    d = documento(sin_validar, conocimiento)
    assert d.validacion == "Validación de la mesa comunal: pendiente en las cuatro áreas"
    nivel = sin_validar.resultado.areas["estrategia"].nivel
    validacion = {
        "estrategia": {
            "nivel": nivel,
            "justificacion": "La mesa comunal valida el nivel diagnosticado.",
            "diagnosticado": nivel,
            "huella": huella_area("estrategia", sin_validar.respuestas.respuestas, conocimiento),
        }
    }
    archivo = archivo_respuestas(tmp_path, respuestas, "v.yaml", validacion=validacion)
    d = documento(evaluar(motor, archivo), conocimiento)
    estrategia = d.areas[0]
    assert estrategia.resumen_validacion == "validado"
    assert estrategia.texto_nivel.endswith(
        "La mesa comunal lo validó: «La mesa comunal valida el nivel diagnosticado»."
    )
    assert d.validacion == (
        "La mesa comunal validó 1 de 4 áreas (Estrategia); "
        "pendiente en Estructura, Procesos y Productos y servicios"
    )
    texto = informe(evaluar(motor, archivo), motor.reglas, conocimiento, "md")
    assert ".»." not in texto and "(diagnóstico: " not in texto


def test_las_barras_de_word_son_el_png_que_escribe_pillow():
    """A bar's picture is the PNG Pillow writes when told the format (naming the output
    «.png» only spares loading its other plugins): a document's pictures keep their bytes."""
    from PIL import Image

    from diagnostico_experto.informes.graficos import _png

    png = _png.__wrapped__(660, 40, 8, 2, ((0, 200, "#eeeeee"),), ((0, 120, "#993404"),), 300)
    with Image.open(io.BytesIO(png)) as imagen:
        imagen.load()
        assert (imagen.format, imagen.size) == ("PNG", (660, 40))
        esperado = io.BytesIO()
        imagen.save(esperado, format="PNG", compress_level=1)
    assert png == esperado.getvalue()


@pytest.mark.parametrize("formato", ["md", "html", "docx"])
def test_el_acta_dice_que_el_alto_que_firma_la_mesa_es_provisional(
    motor, conocimiento, tmp_path, formato
):
    """The mesa keeps an alto that waits for evidence: the acta says what it signs is
    provisional, as the summary does; and «Lo principal» spends no bullet on a validation
    that changed nothing."""
    from diagnostico_experto.conocimiento.respuestas import huella_area

    respuestas = extremo(conocimiento, mejor=True)
    sin_validar = motor.evaluar(
        cargar_respuestas(archivo_respuestas(tmp_path, respuestas), conocimiento)
    )
    area = sin_validar.resultado.areas["estrategia"]
    assert area.nivel == "alto" and area.confirmar_con_evidencia
    validacion = {
        "estrategia": {
            "nivel": "alto",
            "justificacion": "La mesa comunal valida el nivel diagnosticado.",
            "diagnosticado": "alto",
            "huella": huella_area("estrategia", sin_validar.respuestas.respuestas, conocimiento),
        }
    }
    archivo = archivo_respuestas(tmp_path, respuestas, "v.yaml", validacion=validacion)
    evaluacion = evaluar(motor, archivo)
    assert evaluacion.resultado.areas["estrategia"].validado is not None
    contenido = informe(evaluacion, motor.reglas, conocimiento, formato)
    texto = texto_docx(contenido) if formato == "docx" else str(contenido)
    celdas = [c.strip() for c in re.split(r"[|\n]", re.sub(r"<[^>]+>", "|", texto)) if c.strip()]
    n = len(area.confirmar_con_evidencia)
    fila = [
        "Estrategia",
        "alto (provisional)",
        "alto (provisional)",
        "La mesa comunal valida el nivel diagnosticado. Nivel provisional: el alto espera "
        f"la evidencia de {n} respuestas (se listan en el área).",
    ]
    assert any(celdas[i : i + 4] == fila for i in range(len(celdas))), celdas
    principal = documento(evaluacion, conocimiento).hallazgos
    assert not [h for h in principal if "validación de la mesa" in h]
    assert (
        f"El nivel de estrategia es provisional: el alto espera la evidencia de {n} respuestas "
        "(se listan en el área)." in principal
    )


def test_una_validacion_vencida_sin_cambio_de_nivel_dice_que_cambiaron_respuestas(
    motor, conocimiento, tmp_path
):
    """Validated at the level diagnosed then and now, against other answers: the acta says
    the area's answers changed, not «medio sobre un diagnóstico medio» (no reason to meet)."""
    respuestas = extremo(conocimiento, mejor=True)
    sin_validar = motor.evaluar(
        cargar_respuestas(archivo_respuestas(tmp_path, respuestas), conocimiento)
    )
    nivel = sin_validar.resultado.areas["estructura"].nivel
    validacion = {
        "estructura": {
            "nivel": nivel,
            "justificacion": "La mesa comunal valida el nivel diagnosticado.",
            "diagnosticado": nivel,
            "huella": "0000000000000000",  # other answers than today's
        }
    }
    archivo = archivo_respuestas(tmp_path, respuestas, "v.yaml", validacion=validacion)
    estructura = documento(evaluar(motor, archivo), conocimiento).areas[1]
    assert estructura.vencida is not None
    assert estructura.justificacion == (
        "Validación anterior a cambios en las respuestas: revalidar. La mesa lo había validado "
        f"en {nivel} sobre el mismo diagnóstico {nivel}; después cambiaron respuestas del área."
    )
