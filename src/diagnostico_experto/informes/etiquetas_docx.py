"""Which tag of a Word template is wrong, as the consultant wrote it, said in Spanish.

jinja reports a template's errors on the XML docxtpl builds from it (a tag's
runs joined, an unclosed tag swallowing the text up to the next «%}»,
«{%p» turned into «{%»), in English and often at a neighbouring tag. Here the
template's paragraphs are read as Word shows them, each tag is checked alone
and then their blocks are matched, so the message names the tag the user
typed and what is wrong with it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, TemplateError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTES = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_APERTURA = re.compile(r"\{[{%#]")
_CIERRE = {"{{": "}}", "{%": "%}", "{#": "#}"}
# docxtpl's prefixes: the tag stands for its paragraph, table row, cell or run
_PREFIJO = re.compile(r"^(?:p|tr|tc|r)(?=\s)")
_DE_DOCXTPL = {"cellbg", "colspan", "hm", "vm"}
_BLOQUES = {
    "for": "endfor",
    "if": "endif",
    "with": "endwith",
    "filter": "endfilter",
    "macro": "endmacro",
    "call": "endcall",
    "raw": "endraw",
    "autoescape": "endautoescape",
}
_INTERMEDIAS = {"else": ("for", "if"), "elif": ("if",)}
_SUELTAS = {"set", "break", "continue", "do"}


@dataclass
class Etiqueta:
    texto: str  # as Word shows it: «{%p for h in d.hallazgos %}»
    cerrada: bool

    @property
    def interior(self) -> str:
        """What jinja reads: without the braces, docxtpl's prefix or whitespace control."""
        cuerpo = self.texto[2:-2] if self.cerrada else self.texto[2:]
        if cuerpo[:1] in ("-", "+"):  # whitespace control: «{%-», «-%}»
            cuerpo = cuerpo[1:]
        if self.cerrada and cuerpo[-1:] in ("-", "+"):
            cuerpo = cuerpo[:-1]
        return _PREFIJO.sub("", cuerpo.strip()).strip()

    @property
    def palabra(self) -> str:
        return (self.interior.split() or [""])[0]


def etiquetas(datos: bytes) -> Iterator[list[Etiqueta]]:
    """Each part's tags (body, headers, footers) in reading order, paragraph by paragraph."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(datos)) as paquete:
        nombres = [n for n in paquete.namelist() if _PARTES.fullmatch(n)]
        for nombre in sorted(nombres, key=lambda n: not n.startswith("word/document")):
            try:
                raiz = etree.fromstring(paquete.read(nombre))
            except etree.XMLSyntaxError:
                continue
            yield [
                etiqueta
                for parrafo in raiz.iter(f"{_W}p")
                for etiqueta in _de_parrafo("".join(t.text or "" for t in parrafo.iter(f"{_W}t")))
            ]


def _de_parrafo(texto: str) -> Iterator[Etiqueta]:
    posicion = 0
    while (inicio := _APERTURA.search(texto, posicion)) is not None:
        cierre = texto.find(_CIERRE[inicio.group()], inicio.end())
        siguiente = _APERTURA.search(texto, inicio.end())
        if cierre == -1 or (siguiente is not None and siguiente.start() < cierre):
            fin = siguiente.start() if siguiente is not None else len(texto)
            yield Etiqueta(texto[inicio.start() : fin].rstrip(), cerrada=False)
        else:
            fin = cierre + 2
            yield Etiqueta(texto[inicio.start() : fin], cerrada=True)
        posicion = fin


def problema(datos: bytes, entorno: Environment) -> str | None:
    """The first wrong tag and what is wrong with it, or None when each reads well."""
    for parte in etiquetas(datos):
        abiertas: list[Etiqueta] = []
        for etiqueta in parte:
            error = _revisar(etiqueta, abiertas, entorno)
            if error:
                return f"la etiqueta «{etiqueta.texto}» {error}"
        if abiertas:
            abierta = abiertas[-1]
            prefijo = re.match(r"\{%(p|tr|tc|r)?", abierta.texto)
            cierre = f"{prefijo.group() if prefijo else '{%'} {_BLOQUES[abierta.palabra]} %}}"
            return f"la etiqueta «{abierta.texto}» no tiene su cierre: falta «{cierre}» más abajo"
    return None


def con_nombre(datos: bytes, nombre: str) -> str | None:
    """The first tag that uses ``nombre`` (an unknown name at render time)."""
    patron = re.compile(rf"(?<![\w.]){re.escape(nombre)}\b|\.{re.escape(nombre)}\b")
    for parte in etiquetas(datos):
        for etiqueta in parte:
            if patron.search(etiqueta.interior):
                return etiqueta.texto
    return None


def que_no_se_calcula(datos: bytes, entorno: Environment, contexto: dict[str, Any]) -> str:
    """A tag that fails on the report's data (``{{ r.comuna + 1 }}``, ``{{ 1 / 0 }}``).

    Each tag is evaluated alone with the document's values, inside the blocks
    it is written in (``{%p for h in d.hallazgos %}``, an ``if`` and its
    ``else``, the ``set`` before it): a tag on a loop's variable is named, and
    a loop over something that cannot be walked names the loop, not its tags.
    """
    for parte in etiquetas(datos):
        abiertos: list[list[str]] = [[]]  # per open block, its tags so far as jinja reads them
        for etiqueta in parte:
            if not etiqueta.cerrada or etiqueta.texto[:2] == "{#":
                continue
            palabra = etiqueta.palabra
            dentro = ""
            if etiqueta.texto[:2] == "{{":
                dentro = "{{ " + etiqueta.interior + " }}"
            elif palabra in _BLOQUES.values():
                if len(abiertos) > 1:
                    abiertos.pop()
                continue
            elif palabra in _BLOQUES or palabra in _INTERMEDIAS or palabra == "set":
                if palabra in _BLOQUES:
                    abiertos.append([])
                abiertos[-1].append("{% " + etiqueta.interior + " %}")
            else:
                continue
            fuente = "".join(t for bloque in abiertos for t in bloque) + dentro
            for bloque in reversed(abiertos[1:]):
                fuente += "{% " + _BLOQUES[bloque[0].split()[1]] + " %}"
            try:
                entorno.from_string(fuente).render(contexto)
            except TemplateError:
                continue  # a name the document lacks, or a filter's own check: not this one
            except Exception as exc:  # noqa: BLE001 — any failure of the consultant's expression
                return f"la etiqueta «{etiqueta.texto}» no se puede calcular: {_calculo(exc)}"
    return (
        "la plantilla tiene una etiqueta que no se puede calcular con los datos del informe "
        "(una operación entre un texto y un número, una división por cero o un nombre que no "
        "es una función); revise las etiquetas que cambió"
    )


def _calculo(exc: Exception) -> str:
    if isinstance(exc, ZeroDivisionError):
        return "divide por cero"
    if isinstance(exc, TypeError) and "not callable" in str(exc):
        return "llama como función a algo que no lo es"
    if isinstance(exc, TypeError):
        return "combina valores de tipos distintos (por ejemplo, un texto y un número)"
    return "el resultado no es un valor válido"


def _revisar(etiqueta: Etiqueta, abiertas: list[Etiqueta], entorno: Environment) -> str:
    apertura = etiqueta.texto[:2]
    if not etiqueta.cerrada:
        return f"no se cierra: falta «{_CIERRE[apertura]}»"
    if apertura == "{#":
        return ""
    if apertura == "{{":
        return _compila(entorno, "{{ " + etiqueta.interior + " }}")
    palabra = etiqueta.palabra
    if palabra in _DE_DOCXTPL:
        return ""
    if palabra in _BLOQUES:
        abiertas.append(etiqueta)
        return _compila(entorno, "{% " + etiqueta.interior + " %}{% " + _BLOQUES[palabra] + " %}")
    if palabra in _INTERMEDIAS:
        if not abiertas or abiertas[-1].palabra not in _INTERMEDIAS[palabra]:
            return f"no está dentro de un bloque «{{%p {' o '.join(_INTERMEDIAS[palabra])} %}}»"
        if palabra == "elif":
            return _compila(entorno, "{% if x %}{% " + etiqueta.interior + " %}{% endif %}")
        return ""
    if palabra in _BLOQUES.values():
        if not abiertas:
            return f"cierra un bloque que no se abrió (no hay un «{palabra[3:]}» abierto antes)"
        abierta = abiertas.pop()
        if _BLOQUES[abierta.palabra] != palabra:
            return (
                f"cierra un «{palabra[3:]}», pero el bloque abierto es «{abierta.texto}», que se "
                f"cierra con «{_BLOQUES[abierta.palabra]}»"
            )
        return ""
    if palabra in _SUELTAS:
        if palabra == "set" and "=" not in etiqueta.interior:
            return "no asigna nada: escriba «{% set nombre = valor %}»"
        return _compila(entorno, "{% for _ in [] %}{% " + etiqueta.interior + " %}{% endfor %}")
    return (
        f"usa «{palabra}», que no es una instrucción de plantilla (se usan for, if, elif, else, "
        "endfor, endif y set, y las de las tablas: cellbg, colspan, hm y vm)"
    )


def _compila(entorno: Environment, fuente: str) -> str:
    try:
        entorno.compile(fuente)
    except TemplateError as exc:
        return en_espanol(str(exc.message or exc))
    return ""


_MENSAJES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"No filter named '([^']+)'"), "usa el filtro «{0}», que no existe"),
    (re.compile(r"No test named '([^']+)'"), "usa la prueba «{0}», que no existe"),
    (
        re.compile(r"Encountered unknown tag '([^']+)'"),
        "usa «{0}», que no es una instrucción de plantilla",
    ),
    (
        re.compile(r"expected token '([^']+)', got '([^']+)'"),
        "está mal escrita: se esperaba «{0}» y viene «{1}»",
    ),
    (
        re.compile(r"unexpected char '(.+)' at \d+"),
        "está mal escrita: no se entiende el carácter «{0}»",
    ),
    (re.compile(r"unexpected '([^']+)'"), "está mal escrita: sobra o falta algo antes de «{0}»"),
    (re.compile(r"unexpected end of template", re.I), "está incompleta: falta su cierre"),
]
_TOKENS = {
    "end of print statement": "}}",
    "end of statement block": "%}",
    "end of template": "el final",
    "name": "un nombre",
}


def en_espanol(mensaje: str) -> str:
    """jinja's message in Spanish: what is wrong, with the tokens a person writes."""
    for patron, plantilla in _MENSAJES:
        if (encontrado := patron.search(mensaje)) is not None:
            return plantilla.format(*(_TOKENS.get(g, g) for g in encontrado.groups()))
    return "está mal escrita (revise llaves, comillas y paréntesis)"
