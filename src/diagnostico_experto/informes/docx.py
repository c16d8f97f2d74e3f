"""Word documents from templates that consultants edit (docxtpl: Jinja tags inside a .docx).

The look, the logo and the wording are the template's, in the knowledge folder
(``plantillas/informe.docx`` for a comuna, ``plantillas/sintesis.docx`` for the
programme), so ``diagnostico init`` copies them and ``--conocimiento`` picks a
consultant's copy. Values are XML-escaped (autoescape), unknown names are
errors, and a broken template is reported with its file and the tag.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, Template, TemplateError

from diagnostico_experto.comun.cache import CacheDePlantillas, compartido
from diagnostico_experto.comun.errores import ErrorPlantilla
from diagnostico_experto.comun.lectura import revisar_partes_zip
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.informes import etiquetas_docx, formato
from diagnostico_experto.informes.documento import ContenidoInforme
from diagnostico_experto.informes.graficos import Grafico, png_fila
from diagnostico_experto.informes.paquete_docx import (
    FueraDelAtajo,
    Imagen,
    Llenado,
    PaqueteDocx,
    cuerpo_de,
)

CARPETA = "plantillas"
# a chart row's picture: the templates' «Gráfico» columns are this wide plus the
# cell's margins (tools/plantilla_docx.columna_de_grafico), so no bar is clipped
ANCHO_GRAFICO_MM = 80
_ANCHO_BARRA = ANCHO_GRAFICO_MM * 36000  # EMU
# light fills for level cells: the word is in the cell, the colour only helps
FONDOS = {"alto": "FFF7BC", "medio": "FDD49E", "bajo": "F4B6A0"}


# what python-docx and lxml raise on a file that is not a Word document (lxml's
# XMLSyntaxError is a SyntaxError)
_NO_ES_DOCX = (KeyError, ValueError, OSError, SyntaxError, zipfile.BadZipFile)


@ErrorPlantilla.al_leer()
def plantilla(conocimiento: Conocimiento, nombre: str) -> Path:
    return conocimiento.carpeta / CARPETA / nombre


@functools.cache
def _leer(ruta: Path, firma: tuple[int, int]) -> bytes:
    datos = ruta.read_bytes()
    with zipfile.ZipFile(io.BytesIO(datos)) as paquete:
        revisar_partes_zip(ruta, paquete.infolist(), "Word")
    return datos


def _firma(ruta: Path) -> tuple[int, int]:
    """Size and modification time: a template edited in place is read again."""
    try:
        estado = ruta.stat()
    except OSError as exc:
        raise ErrorPlantilla.uno(ruta, "no se encuentra la plantilla de Word") from exc
    return estado.st_size, estado.st_mtime_ns


def _bytes(ruta: Path) -> bytes:
    """The template's bytes, read once per process while the file is unchanged."""
    return _leer(ruta, _firma(ruta))


class _EntornoDocx(Environment):
    """An environment that compiles each template source once per process.

    docxtpl hands every part of the document to ``from_string`` (the body,
    headers, footers, properties): the same XML for every comuna of a batch,
    and compiling it is most of a document's cost. A compiled template is
    reusable with any context, so it is kept, keyed by its source.
    """

    MAXIMO = 64  # distinct sources kept (a batch uses about ten)

    def __init__(self, cache: Path | None) -> None:
        super().__init__(
            undefined=StrictUndefined,
            autoescape=True,
            bytecode_cache=CacheDePlantillas(cache) if cache is not None else None,
        )
        formato.en_plantillas(self)
        self._compiladas: dict[str, Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compilada = self._compiladas.get(source)
        if compilada is None:
            if len(self._compiladas) >= self.MAXIMO:
                self._compiladas.clear()
            compilada = self._compiladas[source] = self._compilar(source)
        return compilada

    def _compilar(self, source: str) -> Template:
        """The source compiled, or its code from the shared cache of compiled templates.

        A process that writes one document (``evaluar --salida informe.docx``)
        compiled every part again: a third of its document's time. jinja2 keeps
        a loader's templates in its bytecode cache; a source given as a string
        goes through the same public steps here, named by its digest.
        """
        cache = self.bytecode_cache
        if cache is None:
            return self.template_class.from_code(
                self, self.compile(source), self.make_globals(None)
            )
        nombre = hashlib.sha256(source.encode("utf-8")).hexdigest()
        cubeta = cache.get_bucket(self, nombre, None, source)
        if cubeta.code is None:
            cubeta.code = self.compile(source)
            cache.set_bucket(cubeta)
        return self.template_class.from_code(self, cubeta.code, self.make_globals(None))


@functools.cache
def _entorno(cache: Path | None) -> _EntornoDocx:
    """One environment per shared cache folder (None: none), made once per process."""
    return _EntornoDocx(cache)


# a text run holding a character docxtpl's resolve_listing rewrites (texts never hold "<")
_TEXTO_CON_SALTOS = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\n\t\a\f]")


@functools.cache
def _clase_plantilla() -> type:
    """docxtpl's template, remembering how it cleaned each part's XML.

    ``patch_xml`` (joining the Jinja tags Word splits across runs) depends
    only on the XML it gets, which is the same for every comuna of a batch.
    """
    from docxtpl import DocxTemplate

    parches: dict[str, str] = {}

    class PlantillaDocx(DocxTemplate):
        def patch_xml(self, src_xml: str) -> str:
            parche = parches.get(src_xml)
            if parche is None:
                if len(parches) >= _EntornoDocx.MAXIMO:
                    parches.clear()
                parche = parches[src_xml] = super().patch_xml(src_xml)
            return parche

        def resolve_listing(self, xml: str) -> str:
            """docxtpl turns line breaks, tabs and page breaks inside texts into Word's
            elements, paragraph by paragraph; a document whose texts have none (most
            reports) comes out the same, so one scan decides."""
            if _TEXTO_CON_SALTOS.search(xml) is None:
                return xml
            return str(super().resolve_listing(xml))

    return PlantillaDocx


def _filas(grafico: Grafico, imagen: Any) -> list[dict[str, Any]]:
    """One row per bar: its words as text and its bar as a picture."""
    return [
        {"etiqueta": fila.etiqueta, "imagen": imagen(png_fila(grafico, fila)), "nota": fila.nota}
        for fila in grafico.filas
    ]


@functools.lru_cache(maxsize=4)
def _paquete(ruta: Path, firma: tuple[int, int], cache: Path | None) -> PaqueteDocx:
    """The template prepared for filling, once per process, and taken from the shared
    cache (``cache``; None: none) when a process prepared the same bytes before:
    opening it with python-docx, joining the tags Word splits and compressing the
    unchanged parts were most of a process's first document."""
    import docx
    import docxtpl

    datos, clase = _leer(ruta, firma), _clase_plantilla()
    digest = hashlib.sha256(datos).hexdigest()
    clave = ("plantilla de Word", digest, docxtpl.__version__, docx.__version__)
    paquete = compartido(cache, clave, lambda: PaqueteDocx(datos, clase))
    paquete.usar(clase(io.BytesIO(datos)))
    return paquete


@ErrorPlantilla.al_leer()
def renderizar(
    ruta: Path,
    contexto: dict[str, Any],
    graficos: dict[str, Grafico],
    cache: Path | None = None,
) -> bytes:
    """Fill a template; ``graficos`` become lists of rows (etiqueta, imagen, nota);
    ``cache``: the shared cache's folder, for the compiled parts (None: none)."""
    with _fallas_de_plantilla(ruta, contexto):
        firma = _firma(ruta)
        paquete = _paquete(ruta, firma, cache)
        if paquete.rapido:
            with contextlib.suppress(FueraDelAtajo):
                return _llenar(paquete, contexto, graficos, cache)
        return _llenar_con_docxtpl(_leer(ruta, firma), contexto, graficos, cache)


@contextlib.contextmanager
def _fallas_de_plantilla(ruta: Path, contexto: dict[str, Any] | None = None) -> Iterator[None]:
    """A broken tag, a tag that fails on the report's values (``contexto``, when filling),
    or a file that is no Word document, as one line naming the template."""
    try:
        yield
    except TemplateError as exc:
        raise ErrorPlantilla.uno(ruta, _mensaje(exc, _bytes(ruta))) from exc
    except _NO_ES_CALCULABLE as exc:
        if contexto is None:
            raise
        mensaje = etiquetas_docx.que_no_se_calcula(_bytes(ruta), _entorno(None), contexto)
        raise ErrorPlantilla.uno(ruta, mensaje) from exc
    except _NO_ES_DOCX as exc:
        raise ErrorPlantilla.uno(ruta, _no_es_docx(exc)) from exc


# what a tag's expression raises on the report's values: «{{ r.comuna + 1 }}», «{{ 1 / 0 }}»
_NO_ES_CALCULABLE = (TypeError, ArithmeticError)


def _llenar(
    paquete: PaqueteDocx,
    contexto: dict[str, Any],
    graficos: dict[str, Grafico],
    cache: Path | None,
) -> bytes:
    llenado = Llenado(paquete)
    contexto = dict(contexto)
    for nombre, grafico in graficos.items():
        contexto[nombre] = _filas(grafico, lambda png: Imagen(llenado, png, _ANCHO_BARRA))
    return paquete.llenar(contexto, _entorno(cache), llenado)


def _llenar_con_docxtpl(
    datos: bytes,
    contexto: dict[str, Any],
    graficos: dict[str, Grafico],
    cache: Path | None = None,
) -> bytes:
    from docxtpl import InlineImage

    tpl = _clase_plantilla()(io.BytesIO(datos))
    contexto = dict(contexto)
    for nombre, grafico in graficos.items():
        contexto[nombre] = _filas(
            grafico, lambda png: InlineImage(tpl, io.BytesIO(png), width=_ANCHO_BARRA)
        )
    tpl.render(contexto, jinja_env=_entorno(cache), autoescape=True)
    salida = io.BytesIO()
    tpl.save(salida)
    return salida.getvalue()


@ErrorPlantilla.al_leer()
def comprobar(ruta: Path, cache: Path | None = None) -> None:
    """Check a template's tags before a batch: one clear error instead of one per comuna."""
    from docxtpl import DocxTemplate

    with _fallas_de_plantilla(ruta):
        tpl = DocxTemplate(io.BytesIO(_bytes(ruta)))
        tpl.init_docx()
        cuerpo_de(tpl)
        _entorno(cache).compile(tpl.patch_xml(tpl.get_xml()))


def _no_es_docx(exc: Exception) -> str:
    tipo = re.search(r"content type is '[^']*(spreadsheetml|presentationml)", str(exc))
    if tipo is not None:
        otro = "un libro de Excel" if tipo.group(1) == "spreadsheetml" else "una presentación"
        motivo = (
            f"es {otro} con la extensión .docx; use una copia de la plantilla de Word "
            "(diagnostico init la copia junto al conocimiento)"
        )
    elif isinstance(exc, zipfile.BadZipFile):
        motivo = (
            "no es un archivo .docx (¿un .doc antiguo, un PDF o un archivo con otra extensión?); "
            "ábralo en Word o LibreOffice y guárdelo como documento de Word (.docx)"
        )
    else:
        motivo = (
            "le falta una parte o una parte está dañada; ábralo en Word o LibreOffice y "
            "guárdelo de nuevo como .docx"
        )
    return f"no es una plantilla de Word (.docx) válida: {motivo}"


def _mensaje(exc: TemplateError, datos: bytes) -> str:
    """A Spanish line naming the tag as the consultant wrote it and what is wrong with it."""
    texto = str(exc.message or exc)
    desconocido = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", texto)
    if desconocido:
        nombre = desconocido.group(1) or desconocido.group(2)
        etiqueta = etiquetas_docx.con_nombre(datos, nombre)
        if etiqueta:
            return f"la etiqueta «{etiqueta}» usa un nombre desconocido, «{nombre}»"
        return f"la plantilla usa un nombre desconocido, «{nombre}»: revise la etiqueta que lo contiene"
    problema = etiquetas_docx.problema(datos, _entorno(None))  # only compiles tags
    if problema:
        return problema
    return f"la plantilla tiene una etiqueta que {etiquetas_docx.en_espanol(texto)}"


def informe_docx(
    d: ContenidoInforme,
    conocimiento: Conocimiento,
    anexo: bool,
    lugares: dict[str, str],
    cache: Path | None = None,
) -> bytes:
    firmas = [f"{m.nombre}, {m.cargo}" if m.cargo else m.nombre for m in d.mesa] or [
        "Nombre, cargo y firma"
    ] * 4
    contexto = {
        "d": d,
        "r": d.r,
        "anexo": anexo,
        "lugares": lugares,
        "fondo": FONDOS,
        "firmas": firmas,
        "provisional": any(a.provisional for a in d.areas),
    }
    return renderizar(
        plantilla(conocimiento, "informe.docx"), contexto, {"grafico": d.grafico}, cache
    )
