"""Every report a consultant signs reads as a person wrote it (issue 26, point 6).

Each example and each reference case of rules/casos is rendered in Markdown,
HTML and Word; machine-glued punctuation, «(s)» plurals, a number that
disagrees with its noun or a product repeating the text of its prerequisites
fail the test, naming the case and the line.
"""

from __future__ import annotations

import html as html_
import io
import re

import pytest
from docx import Document

from conftest import EJEMPLOS, REGLAS
from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
from diagnostico_experto.consultores.casos import leer_casos, respuestas_del_caso
from diagnostico_experto.informes.comuna import informe
from diagnostico_experto.informes.documento import documento

PATRONES = {
    ".;": re.compile(r"\.;"),
    "..": re.compile(r"(?<!\.)\.\.(?!\.)"),
    "(s)": re.compile(r"\w\(s\)|\(es\)"),
    ",,": re.compile(r",\s*,"),
    "1 + plural": re.compile(
        r"(?<![\d.,])\b1 (productos|pasos|grupos|pares|servicios|etapas|vacíos|áreas|comunas|"
        r"personas|horas|ajustes|archivos)\b"
    ),
    "producto genérico": re.compile(r"Producto para "),
    "después de: texto": re.compile(r"después de: "),
}
LENTOS = ("docx",)


def _casos():
    casos = [
        pytest.param(("archivo", ruta), id=ruta.stem) for ruta in sorted(EJEMPLOS.glob("*.yaml"))
    ]
    for ruta in sorted(REGLAS.glob("casos/*.yaml")):
        for leido in leer_casos(ruta):
            if leido.caso.respuestas_archivo is not None:
                casos.append(pytest.param(("caso", leido), id=f"{ruta.stem}:{leido.indice}"))
    return casos


def _texto_docx(contenido: bytes) -> str:
    doc = Document(io.BytesIO(contenido))
    partes = [p.text for p in doc.paragraphs]
    partes += [c.text for t in doc.tables for f in t.rows for c in f.cells]
    return "\n".join(partes)


def _problemas(texto: str) -> list[str]:
    return [
        f"«{nombre}» en: {linea.strip()[:160]}"
        for linea in texto.splitlines()
        for nombre, patron in PATRONES.items()
        if patron.search(linea)
    ]


@pytest.mark.parametrize("entrada", _casos())
def test_los_informes_se_leen_como_escritos_por_una_persona(motor, entrada):
    tipo, dato = entrada
    respuestas = (
        cargar_respuestas(dato, motor.conocimiento)
        if tipo == "archivo"
        else respuestas_del_caso(dato, motor.conocimiento)
    )
    evaluacion = motor.evaluar(respuestas)
    md = informe(evaluacion, motor.reglas, motor.conocimiento, "md")
    html = informe(evaluacion, motor.reglas, motor.conocimiento, "html")
    assert isinstance(md, str) and isinstance(html, str)
    # the report body only: the annex lists rule conclusions as the engine wrote them
    md = md.split("## Anexo: reglas aplicadas")[0]
    html = html_.unescape(re.sub(r"<[^>]+>", " ", html.split('<details class="anexo">')[0]))
    textos = {"md": md, "html": html}
    if tipo == "archivo":  # Word for the examples (a batch renders them all)
        contenido = informe(evaluacion, motor.reglas, motor.conocimiento, "docx")
        assert isinstance(contenido, bytes)
        textos["docx"] = _texto_docx(contenido)
    problemas = [f"{formato}: {p}" for formato, t in textos.items() for p in _problemas(t)]
    assert problemas == []
    # each product is numbered and names its prerequisites by number, never by text
    d = documento(evaluacion, motor.conocimiento)
    for area in d.areas:
        assert [i.numero for i in area.items] == list(range(1, len(area.productos) + 1))
        for item, producto in zip(area.items, area.productos, strict=True):
            for previo in producto.requiere:
                assert previo.rstrip(". ") not in item.linea
            if item.numero > 1 or area.items:
                assert f"{item.numero}. {item.linea}." in md


def test_un_prerrequisito_se_nombra_por_su_numero(motor):
    evaluacion = motor.evaluar(cargar_respuestas(EJEMPLOS / "cobquecura.yaml", motor.conocimiento))
    md = informe(evaluacion, motor.reglas, motor.conocimiento, "md")
    assert "2. Definición de los lineamientos de fomento productivo (después de 1)." in md
    assert (
        "1. Nueva estructura de fomento productivo, con definición de funciones y áreas de "
        "responsabilidad (después de procesos 1 y 2)."
    ) in md
