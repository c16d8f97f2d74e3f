"""Builds the Word templates shipped in knowledge/plantillas (run once; the .docx files are committed).

    uv run python -m tools.plantilla_docx knowledge/plantillas

Consultants then edit the copies in Word: wording, styles, the logo in the
header. The Jinja tags (docxtpl) are the only part that must stay as it is.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from diagnostico_experto.informes.docx import ANCHO_GRAFICO_MM

AZUL = RGBColor(0x33, 0x4E, 0x68)
GRIS = RGBColor(0x52, 0x60, 0x6D)


def _logo() -> bytes:
    """A neutral stand-in logo in the header: each consultancy swaps in its own in Word."""
    from PIL import Image, ImageDraw

    imagen = Image.new("RGB", (360, 120), "white")
    dibujo = ImageDraw.Draw(imagen)
    dibujo.rectangle([2, 2, 357, 117], outline="#334e68", width=4)
    dibujo.rectangle([20, 30, 80, 90], fill="#334e68")
    dibujo.rectangle([95, 45, 330, 58], fill="#9fb3c8")
    dibujo.rectangle([95, 68, 260, 78], fill="#9fb3c8")
    salida = io.BytesIO()
    imagen.save(salida, "PNG")
    salida.seek(0)
    return salida.getvalue()


def _documento(titulo: str, apaisado: bool = False) -> Any:
    doc = Document()
    seccion = doc.sections[0]
    seccion.page_height, seccion.page_width = Cm(29.7), Cm(21.0)
    if apaisado:
        seccion.orientation = WD_ORIENT.LANDSCAPE
        seccion.page_height, seccion.page_width = Cm(21.0), Cm(29.7)
    for lado in ("left_margin", "right_margin"):
        setattr(seccion, lado, Cm(1.6))
    seccion.top_margin, seccion.bottom_margin = Cm(1.4), Cm(1.4)
    seccion.header_distance, seccion.footer_distance = Cm(0.7), Cm(0.7)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(9)
    normal.paragraph_format.space_after = Pt(2)
    normal.paragraph_format.line_spacing = 1.0
    for nombre, tamano in (("Title", 18), ("Heading 1", 13), ("Heading 2", 11)):
        estilo = doc.styles[nombre]
        estilo.font.name = "Calibri"
        estilo.font.size = Pt(tamano)
        estilo.font.color.rgb = AZUL
        estilo.paragraph_format.space_before = Pt(8 if nombre != "Title" else 0)
        estilo.paragraph_format.space_after = Pt(3)
        estilo.paragraph_format.keep_with_next = True  # a heading never ends a page
    encabezado = seccion.header.paragraphs[0]
    encabezado.add_run().add_picture(io.BytesIO(_logo()), width=Cm(2.4))
    texto = encabezado.add_run(f"   {titulo}")
    texto.font.size, texto.font.color.rgb = Pt(8.5), GRIS
    pie = seccion.footer.paragraphs[0]
    pie.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for texto in (
        "Programa de fortalecimiento municipal para el desarrollo económico local · página ",
        "PAGE",
        " de ",
        "NUMPAGES",
    ):
        run = pie.add_run() if texto.isupper() else pie.add_run(texto)
        if texto.isupper():
            _campo(run, texto)
        run.font.size, run.font.color.rgb = Pt(8), GRIS
    return doc


def _campo(run: Any, instruccion: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill when they lay out the pages."""
    for tipo, texto in (
        ("begin", None),
        (None, f" {instruccion} "),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if tipo:
            marca = OxmlElement("w:fldChar")
            marca.set(qn("w:fldCharType"), tipo)
            run._r.append(marca)
        elif texto and texto.strip() == instruccion:
            codigo = OxmlElement("w:instrText")
            codigo.set(qn("xml:space"), "preserve")
            codigo.text = texto
            run._r.append(codigo)
        else:
            valor = OxmlElement("w:t")
            valor.text = texto
            run._r.append(valor)


# Word's default left and right cell margins (108 twips, 0,19 cm, each) and a little more
MARGENES_DE_CELDA_CM = 0.4


def columna_de_grafico() -> float:
    """A «Gráfico» column's width (cm): the chart picture plus the cell's margins.

    LibreOffice clips a picture wider than its fixed-width cell, and with it the
    end of each bar (the part over the budget, the red «bajan»).
    """
    return ANCHO_GRAFICO_MM / 10 + MARGENES_DE_CELDA_CM


def _p(doc: Any, texto: str, estilo: str | None = None, gris: bool = False) -> Any:
    parrafo = doc.add_paragraph(style=estilo)
    run = parrafo.add_run(texto)
    if gris:
        run.font.color.rgb, run.font.size = GRIS, Pt(8.5)
    return parrafo


def _tabla(
    doc: Any,
    encabezado: list[str],
    celdas: list[str],
    bucle: str,
    anchos: list[float],
    tamano: float | None = None,
    enteras: bool = True,
) -> Any:
    """A table whose middle row repeats: ``{%tr for … %}`` / the row / ``{%tr endfor %}``.

    ``enteras``: each row stays on one page (a row longer than half a page, as a
    plan step with its bullets, may split instead of leaving a blank half page).
    """
    tabla = doc.add_table(rows=4, cols=len(encabezado))
    tabla.style = "Table Grid"
    tabla.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, texto in enumerate(encabezado):
        celda = tabla.rows[0].cells[i]
        celda.paragraphs[0].add_run(texto).bold = True
    repetir = OxmlElement("w:tblHeader")  # the header row again on each page the table spans
    tabla.rows[0]._tr.get_or_add_trPr().append(repetir)
    for fila in (tabla.rows[0], tabla.rows[2]) if enteras else (tabla.rows[0],):
        fila._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    tabla.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr {bucle} %}}")
    for i, texto in enumerate(celdas):
        tabla.rows[2].cells[i].paragraphs[0].add_run(texto)
    tabla.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    tabla.autofit = False
    for i, ancho in enumerate(anchos):
        tabla.columns[i].width = Cm(ancho)
    for n, fila in enumerate(tabla.rows):
        for i, ancho in enumerate(anchos):
            if n == 2:  # repeated: less XML per comuna
                _sin_ancho(fila.cells[i], "cellbg" in celdas[i])
            else:
                fila.cells[i].width = Cm(ancho)
            for parrafo in fila.cells[i].paragraphs:
                parrafo.paragraph_format.space_after = Pt(0)  # rows as tight as the text
                for run in parrafo.runs:
                    if tamano:
                        run.font.size = Pt(tamano)
    return tabla


def _sin_ancho(celda: Any, con_fondo: bool) -> None:
    """The cell takes its column's width from the table's grid.

    A cell whose fill is a ``{% cellbg %}`` tag keeps a blank fill instead:
    docxtpl replaces it, and writes the fill into properties that must not be
    empty.
    """
    propiedades = celda._tc.get_or_add_tcPr()
    for ancho in propiedades.findall(qn("w:tcW")):
        propiedades.remove(ancho)
    if con_fondo:
        fondo = OxmlElement("w:shd")
        fondo.set(qn("w:val"), "clear")
        propiedades.append(fondo)
    if len(propiedades) == 0:
        celda._tc.remove(propiedades)


def _salto(doc: Any) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def informe() -> Any:
    doc = _documento("Diagnóstico organizacional de fomento productivo")
    doc.add_paragraph("{{ r.comuna }}", style="Title")
    _p(doc, "UGT {{ r.ugt }} · respuestas del {{ r.fecha | fecha('(sin fecha)') }}", gris=True)
    _p(doc, "{%p if r.ilustrativo %}")
    _p(doc, "Ejemplo ilustrativo: las respuestas de este informe no son datos reales de la comuna.")
    _p(doc, "{%p endif %}")

    doc.add_heading("Resumen ejecutivo", 1)
    _tabla(
        doc,
        ["Área", "Nivel", "% de logro", "Validación de la mesa", "Horas"],
        [
            "{{ a.nombre }}",
            "{% cellbg fondo[a.vigente] %}{{ a.vigente }}{{ ' (provisional)' if a.provisional else '' }}",
            "{{ a.puntaje }}",
            "{{ a.resumen_validacion }}",
            "{{ horas(a.horas) }}",
        ],
        "for a in d.areas",
        [3.6, 3.4, 2.2, 5.6, 2.6],
    )
    _p(doc, "")
    _tabla(
        doc,
        ["Área", "% de logro frente a las bandas de nivel", "% · nivel"],
        ["{{ f.etiqueta }}", "{{ f.imagen }}", "{{ f.nota }}"],
        "for f in grafico",
        [3.4, columna_de_grafico(), 5.6],
    )
    _p(doc, "Bandas de nivel (de izquierda a derecha): {{ d.bandas }}.", gris=True)
    doc.add_heading("Lo principal", 2)
    _p(doc, "{%p for h in d.hallazgos %}")
    _p(doc, "{{ h }}", "List Bullet")
    _p(doc, "{%p endfor %}")
    parrafo = _p(doc, "")
    parrafo.add_run("Horas de acompañamiento propuestas: {{ d.total }}.").bold = True
    parrafo.add_run(" {{ d.validacion }} (ver el acta).")

    doc.add_heading("Diagnóstico por área", 1)
    _p(doc, "{%p for a in d.areas %}")
    doc.add_heading(
        "{{ a.nombre }}: nivel {{ a.vigente }} ({{ a.puntaje }}){{ ', provisional' if a.provisional else '' }}",
        2,
    )
    _p(doc, "{{ a.texto_nivel }}")
    _p(doc, "{%p if a.para_confirmar %}")
    _p(doc, "Para confirmar el nivel: {{ a.para_confirmar | join('; ') }}.")
    _p(doc, "{%p endif %}")
    _tabla(
        doc,
        ["Lo que se preguntó", "Lo que respondió la comuna"],
        [
            "{{ x.pregunta }}",
            "{{ x.respuesta }}{{ ' (fortaleza)' if x.tono == 'fortaleza' else (' (debilidad)' if x.tono == 'debilidad' else '') }}{{ ' — evidencia: ' + x.evidencia if x.evidencia else '' }}",
        ],
        "for x in a.respuestas",
        [10.6, 7.2],
        tamano=7.5,
    )
    parrafo = _p(doc, "")
    parrafo.add_run("Productos:").bold = True
    parrafo.add_run("{{ '' if a.items else ' ninguno.' }}")
    _p(doc, "{%p for i in a.items %}")
    _p(doc, "{{ i.numero }}. {{ i.linea }}.")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if a.retenidos %}")
    _p(doc, "Retenidos hasta confirmar lo que se respondió «no sé»:")
    _p(doc, "{%p for x in a.retenidos %}")
    _p(doc, "{{ x }}.", "List Bullet")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if a.camino_titulo %}")
    parrafo = _p(doc, "")
    parrafo.add_run("{{ a.camino_titulo }}. ").bold = True
    parrafo.add_run("{{ a.camino_nota }}")
    _p(doc, "{%p for c in a.caminos %}")
    _p(doc, "{{ c }}", "List Bullet")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endfor %}")

    doc.add_heading("Propuesta de intervención: plan de trabajo", 1)
    _p(
        doc,
        "En el orden del programa (§6.2.4): después de cada taller territorial, trabajo en la "
        "municipalidad con la mesa comunal. Total: {{ d.total }}.",
    )
    tabla = _tabla(
        doc,
        ["Paso", "Qué se hace y qué se obtiene", "Horas"],
        [
            "{{ loop.index }}. {{ p.titulo }}{{ ' (' + p.cuando + ')' if p.cuando else '' }}",
            "{{ p.descripcion }}",
            "{{ horas(p.horas) }}",
        ],
        "for p in d.pasos",
        [4.6, 10.6, 2.2],
        tamano=8.5,
        enteras=False,
    )
    celda = tabla.rows[2].cells[1]
    celda.add_paragraph("{%p if p.responsables %}")
    celda.add_paragraph(
        "Responsable en la mesa comunal: {{ p.responsables }}.", style="List Bullet"
    )
    celda.add_paragraph("{%p endif %}")
    celda.add_paragraph("{%p if p.resumen %}")
    celda.add_paragraph("{{ p.resumen }}.", style="List Bullet")
    celda.add_paragraph("{%p endif %}")
    celda.add_paragraph("{%p for x in p.acciones %}")
    celda.add_paragraph("{{ x }}.", style="List Bullet")
    celda.add_paragraph("{%p endfor %}")
    _p(
        doc,
        "Las horas son valores por defecto a calibrar; la fuente no las entrega."
        "{{ ' Las horas de un área con nivel provisional también son provisionales.' if provisional else '' }}",
        gris=True,
    )

    doc.add_heading("Mesa comunal y acta de validación", 1)
    _p(doc, "{%p if d.mesa %}")
    _tabla(
        doc,
        ["Integrante", "Cargo", "Unidad"],
        ["{{ m.nombre }}", "{{ m.cargo }}", "{{ m.unidad }}"],
        "for m in d.mesa",
        [6.0, 6.0, 5.4],
    )
    _p(doc, "{%p else %}")
    _p(doc, "La mesa comunal aún no está registrada en el archivo de respuestas.")
    _p(doc, "{%p endif %}")
    doc.add_heading("Acta de validación del diagnóstico y la propuesta de intervención", 2)
    _p(
        doc,
        "La mesa comunal de {{ r.comuna }} revisó el diagnóstico organizacional y la propuesta "
        "de intervención (§6.2.3) y deja constancia de los niveles con que se trabajará:",
    ).paragraph_format.keep_with_next = True
    acta = _tabla(
        doc,
        ["Área", "Nivel diagnosticado", "Nivel validado", "Justificación"],
        [
            "{{ a.nombre }}",
            "{{ a.nivel_diagnosticado }}",
            "{{ a.nivel_validado }}",
            "{{ a.justificacion }}",
        ],
        "for a in d.areas",
        [3.4, 3.2, 3.2, 7.6],
    )
    # The acta's rows, what follows them and the signatures move as one block: the
    # signatures never end alone on a page (keep-with-next; a row never splits).
    for fila in acta.rows:
        for celda in fila.cells:
            for parrafo in celda.paragraphs:
                parrafo.paragraph_format.keep_with_next = True
    juntos = [
        _p(doc, "{{ d.validacion }}."),
        _p(doc, "{%p if d.sin_evidencia %}"),
        _p(
            doc,
            "Respuestas que piden evidencia y no la tienen: {{ d.sin_evidencia | join('; ') }}.",
        ),
        _p(doc, "{%p endif %}"),
        _p(doc, "{%p if r.discrepancia_servicios %}"),
        _p(doc, "{{ r.discrepancia_servicios.texto() }}."),
        _p(doc, "{%p endif %}"),
        _p(doc, "{%p if d.correcciones %}"),
        _p(doc, "Respuestas corregidas por la mesa comunal: {{ d.correcciones | join('; ') }}."),
        _p(doc, "{%p endif %}"),
        _p(doc, "{%p if d.observaciones %}"),
        _p(doc, "Observaciones de la mesa: {{ d.observaciones }}"),
        _p(doc, "{%p endif %}"),
    ]
    for parrafo in juntos:
        parrafo.paragraph_format.keep_with_next = True
    _p(
        doc,
        "Esta acta forma parte del Acuerdo Operativo para la implementación de la propuesta de "
        "rediseño organizacional entre la municipalidad y la entidad que acompaña el programa "
        "(§6.2.2, nota 9).{{ ' Generado por ' ~ r.procedencia.texto() ~ '.' if r.procedencia else '' }}",
        gris=True,
    ).paragraph_format.keep_with_next = True
    _p(doc, "{%p for nombre in firmas %}")
    firma = _p(doc, "\n______________________________   {{ nombre }}")
    firma.paragraph_format.keep_together = True
    firma.paragraph_format.keep_with_next = True  # the last one stays with «Fecha»
    _p(doc, "{%p endfor %}")
    _p(doc, "\nFecha: ______________________")

    _p(doc, "{%p if anexo %}")
    _salto(doc)
    doc.add_heading("Anexo: reglas aplicadas", 1)
    _tabla(
        doc,
        ["Regla", "Conclusión", "Porque"],
        [
            "{{ paso.regla }} ({{ lugares[paso.regla] }})",
            "{{ paso.conclusion }}",
            "{{ paso.hechos | join('; ') }}",
        ],
        "for paso in r.traza",
        [4.4, 5.6, 7.4],
    )
    _p(doc, "{%p endif %}")
    return doc


def sintesis() -> Any:
    doc = _documento("Síntesis del programa de fortalecimiento municipal")
    doc.add_paragraph("Síntesis del diagnóstico del programa", style="Title")
    _p(
        doc,
        "{{ territorios | capitalize }} (UGT) · {{ cifras_del_programa }}.",
    )
    _p(doc, "{%p if ilustrativo %}")
    _p(doc, "Respuestas ilustrativas: no son datos reales de las comunas.")
    _p(doc, "{%p endif %}")
    for titulo, nombre in (
        ("Áreas más débiles del programa", "debiles"),
        ("Horas frente al presupuesto, por UGT", "horas"),
        ("Niveles por UGT y área", "niveles"),
    ):
        doc.add_heading(titulo, 1)
        _tabla(
            doc,
            ["", "Gráfico", "Cifras"],
            ["{{ f.etiqueta }}", "{{ f.imagen }}", "{{ f.nota }}"],
            f"for f in grafico_{nombre}",
            [3.9, columna_de_grafico(), 5.1],
            tamano=8.5,
        )
    _p(
        doc,
        "Colores de oscuro (bajo) a claro (alto); las cifras de cada barra van en la columna "
        "«Cifras». La línea negra marca la parte del presupuesto de las comunas evaluadas de cada "
        "UGT. Horas y presupuesto "
        "son valores por defecto a calibrar. {{ procedencia }}",
        gris=True,
    )
    _salto(doc)
    doc.add_heading("Síntesis por territorio", 1)
    _p(doc, "{%p for s in sintesis %}")
    doc.add_heading("{{ s.ugt }}", 2)
    _p(doc, "{{ s.resumen }}")
    _tabla(
        doc,
        ["Área", "alto", "medio", "bajo"],
        ["{{ x.area }}", "{{ x.alto }}", "{{ x.medio }}", "{{ x.bajo }}"],
        "for x in s.conteo",
        [6.0, 3.0, 3.0, 3.0],
    )
    _p(doc, "Énfasis de los talleres territoriales (área más débil primero):")
    _p(doc, "{%p for t in s.talleres %}")
    _p(doc, "{{ t }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "Problemas comunes (en dos o más comunas):")
    _p(doc, "{%p for x in s.comunes %}")
    _p(doc, "{{ x }}", "List Bullet")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if not s.comunes %}")
    _p(doc, "Ninguna fusión ni vacío se repite en el territorio.")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endfor %}")
    doc.add_heading("Grilla de comunas", 1)
    _tabla(
        doc,
        ["Comuna", "UGT", "Estrategia", "Estructura", "Procesos", "Productos", "Horas"],
        [
            "{{ c.comuna }}",
            "{{ c.ugt }}",
            "{% cellbg fondo[c.niveles[0]] %}{{ c.niveles[0] }}",
            "{% cellbg fondo[c.niveles[1]] %}{{ c.niveles[1] }}",
            "{% cellbg fondo[c.niveles[2]] %}{{ c.niveles[2] }}",
            "{% cellbg fondo[c.niveles[3]] %}{{ c.niveles[3] }}",
            "{{ c.horas }}",
        ],
        "for c in grilla",
        [3.0, 3.4, 2.3, 2.3, 2.3, 2.3, 1.8],  # area names whole on one line
        tamano=8.5,
    )
    _calendario_del_programa(doc)
    _avance_del_programa(doc)
    return doc


def _calendario_del_programa(doc: Any) -> None:
    """The talleres territoriales of each UGT, dated: one compact table per UGT."""
    _p(doc, "{%p if calendario %}")
    doc.add_heading("Calendario de talleres territoriales", 1)
    _p(
        doc,
        "Las comunas de cada UGT comparten sus talleres territoriales; después de cada uno, "
        "sesiones en cada municipalidad hasta el taller siguiente. Fechas por defecto a "
        "calibrar (calendario del programa); cada UGT tiene su archivo de calendario para "
        "Google Calendar u Outlook en la carpeta del lote.",
        gris=True,
    ).paragraph_format.keep_with_next = True
    _p(doc, "{%p for u in calendario %}")
    parrafo = _p(doc, "")
    parrafo.add_run("{{ u.ugt }}: ").bold = True
    parrafo.add_run("{{ u.comunas }} · {{ u.archivo }}")
    parrafo.paragraph_format.keep_with_next = True
    parrafo.paragraph_format.space_before = Pt(6)
    tabla = _tabla(
        doc,
        ["Taller territorial", "Fecha", "Trabajo comunal hasta"],
        ["{{ t.titulo }}", "{{ t.fecha }}", "{{ t.hasta }}"],
        "for t in u.talleres",
        [7.4, 5.0, 5.0],
        tamano=8.5,
    )
    for celda in tabla.rows[0].cells:  # the UGT's line and the header start a page together
        for p in celda.paragraphs:
            p.paragraph_format.keep_with_next = True
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")


def _avance_del_programa(doc: Any) -> None:
    """The batch's «Avance» section: only when some comuna has an earlier diagnosis."""
    _p(doc, "{%p if avance %}")
    doc.add_heading("Avance desde la línea base", 1)
    _p(doc, "{{ avance.resumen }}")
    doc.add_heading("Por territorio: áreas que suben, siguen igual o bajan", 2)
    _tabla(
        doc,
        ["", "Gráfico", "Cifras"],
        ["{{ f.etiqueta }}", "{{ f.imagen }}", "{{ f.nota }}"],
        "for f in grafico_avance",
        [3.9, columna_de_grafico(), 5.1],
        tamano=8.5,
    )
    _p(doc, "Verde: suben; gris: siguen igual; rojo: bajan.", gris=True)
    _tabla(
        doc,
        ["UGT", "Comunas", "Áreas que suben", "Siguen igual", "Bajan"],
        ["{{ m.ugt }}", "{{ m.comunas }}", "{{ m.sube }}", "{{ m.igual }}", "{{ m.baja }}"],
        "for m in avance.ugt",
        [5.4, 2.8, 3.2, 3.2, 2.8],
        tamano=8.5,
    )
    doc.add_heading("Por comuna: nivel vigente en la línea base y ahora", 2)
    _tabla(
        doc,
        [
            "Comuna",
            "Fechas",
            "Estrategia",
            "Estructura",
            "Procesos",
            "Productos",
            "Completados",
            "Pendientes",
        ],
        [
            "{{ c.comuna }}",
            "{{ c.fechas }}",
            "{% cellbg fondo[c.despues[0]] %}{{ c.niveles[0] }}",
            "{% cellbg fondo[c.despues[1]] %}{{ c.niveles[1] }}",
            "{% cellbg fondo[c.despues[2]] %}{{ c.niveles[2] }}",
            "{% cellbg fondo[c.despues[3]] %}{{ c.niveles[3] }}",
            "{{ c.completados }}",
            "{{ c.pendientes }}",
        ],
        "for c in avance.comunas",
        [2.1, 3.1, 2.0, 2.0, 2.0, 2.0, 2.4, 2.2],
        tamano=7.5,
    )
    _p(
        doc,
        "Completados: productos de la línea base que ya no se piden y cuyas respuestas "
        "muestran que se hicieron; pendientes: los que el diagnóstico actual pide. Cada comuna cuenta una sola vez en las demás secciones, "
        "con su diagnóstico más reciente; el más antiguo es su línea base. El color es el del "
        "nivel actual.",
        gris=True,
    )
    _p(doc, "{%p endif %}")


def avance() -> Any:
    doc = _documento("Avance de una comuna desde la línea base")
    doc.add_paragraph("Avance de {{ a.comuna }} desde la línea base", style="Title")
    _p(doc, "{{ fechas }}", gris=True)
    _p(doc, "{%p if a.ilustrativo %}")
    _p(doc, "Ejemplo ilustrativo: las respuestas no son datos reales de la comuna.")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if atencion %}")
    parrafo = _p(doc, "")
    parrafo.add_run("Atención: ").bold = True
    parrafo.add_run("{{ atencion }}")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ cuenta }}")

    doc.add_heading("Niveles por área (nivel vigente)", 1)
    _tabla(
        doc,
        ["Área", "Línea base", "% de logro", "Actual", "% de logro", "Cambio"],
        [
            "{{ x.area }}",
            "{% cellbg fondo[x.antes] %}{{ x.antes }}",
            "{{ x.logro_antes }}",
            "{% cellbg fondo[x.despues] %}{{ x.despues }}",
            "{{ x.logro_despues }}",
            "{{ x.cambio }}",
        ],
        "for x in areas",
        [4.2, 2.7, 2.5, 2.7, 2.5, 3.2],
    )

    _p(doc, "{%p for n in notas %}")
    _p(doc, "{{ n }}")
    _p(doc, "{%p endfor %}")

    doc.add_heading("Productos completados", 1)
    _p(doc, "{%p for p in completados %}")
    _p(doc, "{{ p }}", "List Bullet")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if not completados %}")
    _p(doc, "Las respuestas no muestran ningún producto de la línea base completado.")
    _p(doc, "{%p endif %}")

    _p(doc, "{%p if ya_no %}")
    doc.add_heading("Ya no corresponden", 1)
    _p(doc, "{%p for p in ya_no %}")
    _p(doc, "{{ p }}", "List Bullet")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")

    doc.add_heading("Lo que falta", 1)
    _p(doc, "{%p for p in falta %}")
    _p(doc, "{{ p }}", "List Bullet")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if not falta %}")
    _p(doc, "El diagnóstico actual no pide productos.")
    _p(doc, "{%p endif %}")

    _p(doc, "{%p if caminos or fuera %}")
    doc.add_heading("Camino al nivel siguiente desde la línea base", 1)
    _p(doc, "{%p for c in caminos %}")
    parrafo = _p(doc, "")
    parrafo.add_run("{{ c.titulo }}: ").bold = True
    parrafo.add_run("{{ c.estado }}")
    parrafo.paragraph_format.keep_with_next = True
    _p(doc, "{%p for x in c.cambios %}")
    _p(doc, "{{ x }}", "List Bullet")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if fuera %}")
    _p(doc, "Respuestas que cambiaron fuera de todo camino:").paragraph_format.keep_with_next = True
    _tabla(
        doc,
        ["Pregunta", "En la línea base", "Ahora"],
        ["{{ x.texto }}", "{{ x.antes }}", "{{ x.despues }}"],
        "for x in fuera",
        [9.4, 4.2, 4.2],
        tamano=8.5,
    )
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ procedencia }}", gris=True)
    return doc


# Parts of python-docx's blank document that Word rebuilds by itself when needed:
# Word 2010's copy of styles.xml and a thumbnail of an empty page.
_PARTES_PRESCINDIBLES = ("/stylesWithEffects", "/thumbnail")
_REFERENCIAS_DE_ESTILO = tuple(qn(f"w:{e}") for e in ("pStyle", "rStyle", "tblStyle", "numStyle"))
_ENLACES_DE_ESTILO = tuple(qn(f"w:{e}") for e in ("basedOn", "link", "next"))


def aligerar(doc: Any) -> None:
    """Leave out of the template what none of its paragraphs uses.

    python-docx's blank document carries ~160 styles and two copies of them
    (790 KB of XML); every report of a batch would parse, write and compress
    them again. The styles the template uses, what they build on and the
    defaults stay, so the document looks the same; Word knows its built-in
    styles without them, and a consultant who applies one in Word adds it back.
    """
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(_PARTES_PRESCINDIBLES):
                del rels[rid]
    estilos = doc.styles.element
    xml_usado = [doc.element, doc.part.numbering_part.element] + [
        rel.target_part.element
        for rel in doc.part.rels.values()
        if rel.reltype.endswith(("/header", "/footer"))
    ]
    usados: set[str] = set()
    for raiz in xml_usado:
        for elemento in raiz.iter(*_REFERENCIAS_DE_ESTILO):
            usados.add(elemento.get(qn("w:val")))
    por_id = {e.get(qn("w:styleId")): e for e in estilos.iterchildren(qn("w:style"))}
    usados |= {i for i, e in por_id.items() if e.get(qn("w:default")) in ("1", "true")}
    pendientes = list(usados)
    while pendientes:
        estilo = por_id.get(pendientes.pop())
        for enlace in estilo.iterchildren(*_ENLACES_DE_ESTILO) if estilo is not None else ():
            if (destino := enlace.get(qn("w:val"))) not in usados:
                usados.add(destino)
                pendientes.append(destino)
    for estilo_id, elemento in por_id.items():
        if estilo_id not in usados:
            estilos.remove(elemento)
    for latentes in estilos.findall(qn("w:latentStyles")):
        estilos.remove(latentes)


def main() -> None:
    carpeta = Path(sys.argv[1] if len(sys.argv) > 1 else "knowledge/plantillas")
    carpeta.mkdir(parents=True, exist_ok=True)
    plantillas = (
        ("informe.docx", informe()),
        ("sintesis.docx", sintesis()),
        ("avance.docx", avance()),
    )
    for nombre, documento in plantillas:
        aligerar(documento)
        documento.save(carpeta / nombre)
        print(f"Plantilla escrita en {carpeta / nombre}")


if __name__ == "__main__":
    main()
