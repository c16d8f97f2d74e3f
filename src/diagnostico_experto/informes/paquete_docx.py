"""A Word template opened once per process, filled many times (a batch writes thousands).

docxtpl fills a template by opening it with python-docx, rendering the body,
headers and footers, then saving the whole package: every document re-reads,
re-parses, re-serialises and re-compresses the styles, theme, fonts and
numbering, which never change. Here the template is opened once; each document
renders its parts with docxtpl's own steps (``patch_xml``, ``render_xml_part``,
and ``fix_tables`` and ``fix_docpr_ids`` on a tree only when the template's
tables can change shape), its bar pictures get the inline XML and relationships
python-docx would give them, and the package is written with the unchanged
parts as the template has them. The XML of each part is the one
docxtpl writes (tests compare both ways over the shipped templates).

What the preparation makes is plain data, so a process can take it from the
shared cache (``informes.docx``): the first document of a process then opens
nothing with python-docx.

A template this path does not cover (footnotes, tags in its properties, a
picture in a header or footer) is filled by docxtpl itself: ``rapido`` is
False, or ``llenar`` raises ``FueraDelAtajo``.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment

_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELACIONES = "http://schemas.openxmlformats.org/package/2006/relationships"
_IMAGEN = f"{_RT}/image"
_ENCABEZADOS = (f"{_RT}/header", f"{_RT}/footer")
_NOTAS = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_PROPIEDADES = ("author", "comments", "identifier", "language", "subject", "title")
_ETIQUETA = re.compile(r"\{[{%]")


class FueraDelAtajo(Exception):
    """The template asks for something only docxtpl's full path does."""


class Imagen:
    """A picture placed where its tag is: what docxtpl's InlineImage writes, from a cache.

    Identical pictures share one part and one relationship, as python-docx does.
    """

    def __init__(self, llenado: Llenado, png: bytes, ancho_emu: int):
        self._llenado, self._png, self._ancho = llenado, png, ancho_emu

    def __html__(self) -> str:
        return self._llenado.colocar(self._png, self._ancho)

    __str__ = __html__


@dataclass
class Llenado:
    """One document being filled: the pictures its body placed."""

    plantilla: PaqueteDocx
    en_cuerpo: bool = True
    imagenes: dict[bytes, tuple[str, str]] = field(default_factory=dict)  # digest -> rId, part
    datos: dict[str, bytes] = field(default_factory=dict)  # part name -> picture

    def colocar(self, png: bytes, ancho_emu: int) -> str:
        if not self.en_cuerpo:
            raise FueraDelAtajo("una imagen fuera del cuerpo del documento")
        clave = hashlib.sha1(png).digest()
        lugar = self.imagenes.get(clave)
        if lugar is None:
            lugar = self.imagenes[clave] = self.plantilla.nuevo_lugar(len(self.imagenes))
            self.datos[lugar[1]] = png
        return self.plantilla.dibujo(png, ancho_emu).replace("{rId}", lugar[0])


class PaqueteDocx:
    """A template's parts, its body ready for Jinja, and what each document adds."""

    def __init__(self, datos: bytes, clase_plantilla: type):
        self._ayudantes()
        self.tpl = tpl = clase_plantilla(io.BytesIO(datos))
        tpl.render_init()
        paquete = tpl.docx.part.package
        self.rapido = self._cubre(tpl, paquete)
        with zipfile.ZipFile(io.BytesIO(datos)) as zf:
            partes = {info.filename: zf.read(info) for info in zf.infolist()}
        documento = tpl.docx.part
        self.nombre_documento = documento.partname.membername
        cuerpo_de(tpl)
        original = tpl.get_xml()
        self.cuerpo = tpl.patch_xml(original)
        self._sin_arbol = _sin_arbol(tpl, original)
        raiz = documento.element
        self.encabezados = [
            (parte.partname.membername, tpl.patch_xml(tpl.get_part_xml(parte)))
            for rel in documento.rels.values()
            if rel.reltype in _ENCABEZADOS and not rel.is_external and rel.target_part.blob
            for parte in [rel.target_part]
        ]
        self.nombre_relaciones = documento.partname.rels_uri.membername
        self.relaciones = partes[self.nombre_relaciones]
        self._rids = {int(r[3:]) for r in documento.rels if re.fullmatch(r"rId\d+", r)}
        self._imagenes = {p.partname.idx for p in paquete.image_parts}
        self._id_forma = documento.next_id
        self.tipos = partes["[Content_Types].xml"]
        self._png_declarado = re.search(rb'Extension="png"', self.tipos, re.I) is not None
        self._antes_del_cuerpo, self._despues_del_cuerpo = _alrededor_del_cuerpo(
            self._serializar(raiz)
        )
        self._declaraciones = [
            (f' xmlns:{prefijo}="{uri}"' if prefijo else f' xmlns="{uri}"').encode()
            for prefijo, uri in raiz.nsmap.items()
        ]
        cambian = {self.nombre_documento, self.nombre_relaciones, *dict(self.encabezados)}
        if not self._png_declarado:
            cambian.add("[Content_Types].xml")
        self._base = _zip([(n, d) for n, d in partes.items() if n not in cambian])

    def _ayudantes(self) -> None:
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml import parse_xml

        self._serializar, self._parsear = serialize_part_xml, parse_xml
        self._dibujos: dict[tuple[bytes, int], str] = {}  # the run of a picture, {rId} to fill

    def __getstate__(self) -> dict[str, Any]:
        """The prepared parts, for the shared cache: not python-docx's opened document."""
        estado = dict(self.__dict__)
        for efimero in ("tpl", "_serializar", "_parsear", "_dibujos"):
            del estado[efimero]
        return estado

    def __setstate__(self, estado: dict[str, Any]) -> None:
        self.__dict__.update(estado)
        self._ayudantes()
        self.tpl = None  # the reader gives it a template object (``usar``)

    def usar(self, tpl: Any) -> None:
        """docxtpl's template object whose steps fill the parts (``render_xml_part``,
        ``fix_tables``, ``fix_docpr_ids``): they read only the XML they are given,
        so one made from the template's bytes, never opened, does."""
        if self.tpl is None:
            self.tpl = tpl

    @staticmethod
    def _cubre(tpl: Any, paquete: Any) -> bool:
        """Whether this template has only what the short path fills like docxtpl."""
        if any(p.content_type == _NOTAS for p in paquete.parts):
            return False
        propiedades = tpl.docx.core_properties
        return not any(_ETIQUETA.search(getattr(propiedades, p) or "") for p in _PROPIEDADES)

    def nuevo_lugar(self, indice: int) -> tuple[str, str]:
        """The relationship id and part name python-docx gives the ``indice``-th new picture."""
        rid, numero = _libre(self._rids, indice), _libre(self._imagenes, indice)
        return f"rId{rid}", f"word/media/image{numero}.png"

    def dibujo(self, png: bytes, ancho_emu: int) -> str:
        clave = (png, ancho_emu)
        dibujo = self._dibujos.get(clave)
        if dibujo is None:
            from docx.image.image import Image
            from docx.oxml.shape import CT_Inline

            imagen = Image.from_blob(png)
            cx, cy = imagen.scaled_dimensions(ancho_emu, None)
            inline = CT_Inline.new_pic_inline(self._id_forma, "{rId}", imagen.filename, cx, cy)
            if len(self._dibujos) >= 1024:
                self._dibujos.clear()
            dibujo = self._dibujos[clave] = (  # the run docxtpl's InlineImage writes
                f"</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r>"
                '<w:r><w:t xml:space="preserve">'
            )
        return dibujo

    def llenar(self, contexto: dict[str, Any], entorno: Environment, llenado: Llenado) -> bytes:
        """The filled document's bytes; the context's pictures were made for ``llenado``."""
        tpl = self.tpl
        cuerpo = tpl.render_xml_part(self.cuerpo, None, contexto, entorno)
        if self._sin_arbol and _bien_formado(cuerpo):
            nuevas = {self.nombre_documento: self._documento(_renumerar_dibujos(cuerpo))}
        else:  # docxtpl's way: a tree, to mend the tables' grids and what is not XML
            arbol = tpl.fix_tables(cuerpo)
            del cuerpo  # a programme's synthesis is megabytes
            tpl.docx_ids_index = 1000
            tpl.fix_docpr_ids(arbol)
            nuevas = {self.nombre_documento: self._documento(_texto(arbol))}
            del arbol
        llenado.en_cuerpo = False
        for nombre, fuente in self.encabezados:
            xml = tpl.render_xml_part(fuente, None, contexto, entorno)
            nuevas[nombre] = self._serializar(self._parsear(xml.encode("utf-8")))
        # the body's relationships change with its pictures; without any they are the template's
        nuevas[self.nombre_relaciones] = (
            self._con_imagenes(llenado) if llenado.imagenes else self.relaciones
        )
        if not self._png_declarado:  # then it is not among the parts compressed once
            tipos = self._tipos_con_png() if llenado.imagenes else self.tipos
            nuevas["[Content_Types].xml"] = tipos
        # the unchanged parts were compressed once; the new ones go after them, at
        # zlib's fastest level (a third of the time of the default, ~6 % larger)
        salida = io.BytesIO(self._base)
        with zipfile.ZipFile(salida, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for nombre, datos in [*nuevas.items(), *llenado.datos.items()]:
                zf.writestr(nombre, datos)
        return salida.getvalue()

    def _documento(self, xml: bytes) -> bytes:
        """The template's document part around the filled body (its text, UTF-8), as
        python-docx writes it once the body is in place: the body's own namespace
        declarations, repeated from the document's root, dropped."""
        fin_apertura = xml.index(b">") + 1
        apertura = xml[:fin_apertura]
        for declaracion in self._declaraciones:
            apertura = apertura.replace(declaracion, b"", 1)
        resto = memoryview(xml)[fin_apertura:]
        return b"".join((self._antes_del_cuerpo, apertura, resto, self._despues_del_cuerpo))

    def _con_imagenes(self, llenado: Llenado) -> bytes:
        raiz = self._parsear(self.relaciones)
        for rid, parte in llenado.imagenes.values():
            atributos = {"Id": rid, "Type": _IMAGEN, "Target": parte.removeprefix("word/")}
            raiz.append(raiz.makeelement(f"{{{_RELACIONES}}}Relationship", atributos))
        return bytes(self._serializar(raiz))

    def _tipos_con_png(self) -> bytes:
        raiz = self._parsear(self.tipos)
        atributos = {"Extension": "png", "ContentType": "image/png"}
        raiz.insert(0, raiz.makeelement(f"{{{raiz.nsmap[None]}}}Default", atributos))
        return bytes(self._serializar(raiz))


def _texto(arbol: Any) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(arbol, encoding="UTF-8"))


_CAMBIAN_CELDAS = re.compile(r"\{%-?\s*(?:tc|colspan|hm|vm)\b")


def _sin_arbol(tpl: Any, cuerpo: str) -> bool:
    """Whether docxtpl's tree (``fix_tables``, ``fix_docpr_ids``) would change nothing
    but the drawings' numbers in this template's documents.

    ``fix_tables`` widens or narrows a table's grid when rows come out with more
    or fewer cells than the grid has: only tags that add, span or merge cells do
    that (``{%tc``, ``colspan``, ``hm``, ``vm``), or a grid already inconsistent
    in the template, which ``fix_tables`` on the template itself reveals; rows
    repeated by ``{%tr for %}`` keep their cells. Drawings are renumbered on the
    text when they all use Word's ``wp`` prefix.
    """
    from lxml import etree

    if _CAMBIAN_CELDAS.search(cuerpo) or re.search(r"<(?!wp:)[\w.-]+:docPr\b", cuerpo):
        return False
    tal_cual = etree.fromstring(cuerpo, etree.XMLParser(recover=True))
    return _texto(tpl.fix_tables(cuerpo)) == _texto(tal_cual)


def _bien_formado(xml: str) -> bool:
    """Well-formed XML, checked without building a tree (expat, in C)."""
    from xml.parsers import expat

    try:
        expat.ParserCreate().Parse(xml, True)
    except expat.ExpatError:
        return False
    return True


_DOCPR = re.compile(r'(<wp:docPr\b[^>]*?\sid=")[0-9]*(")')


def _renumerar_dibujos(cuerpo: str) -> bytes:
    """docxtpl's ``fix_docpr_ids`` on the text: every drawing numbered from 1001, in order."""
    numeros = itertools.count(1001)
    return _DOCPR.sub(lambda m: f"{m.group(1)}{next(numeros)}{m.group(2)}", cuerpo).encode()


def cuerpo_de(tpl: Any) -> Any:
    """The template's body; a document without one is no template."""
    cuerpo = tpl.docx.element.body
    if cuerpo is None:
        raise ValueError("el documento no tiene cuerpo (w:body)")
    return cuerpo


def _alrededor_del_cuerpo(documento: bytes) -> tuple[bytes, bytes]:
    """The document part's text before and after its body."""
    cuerpo = re.search(rb"<w:body(?:[ >].*</w:body>| ?/>)", documento, re.DOTALL)
    if cuerpo is None:
        raise ValueError("el documento no tiene cuerpo (w:body)")
    return documento[: cuerpo.start()], documento[cuerpo.end() :]


def _zip(partes: list[tuple[str, bytes]]) -> bytes:
    salida = io.BytesIO()
    with zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED) as zf:
        for nombre, datos in partes:
            zf.writestr(nombre, datos)
    return salida.getvalue()


def _libre(usados: set[int], indice: int) -> int:
    """The ``indice``-th (from 0) positive number not in ``usados``: python-docx fills gaps first."""
    libres = (n for n in itertools.count(1) if n not in usados)
    return next(itertools.islice(libres, indice, None))
