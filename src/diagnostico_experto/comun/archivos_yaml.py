"""YAML files that remember their lines, and atomic writes.

ruamel.yaml (round-trip mode) keeps the line of every key and item, so a
validation error found by pydantic at a location like ``("reglas", 3, "si")``
is reported at the line a consultant sees in the editor. YAML 1.2 also keeps
``no`` and ``si`` as strings, which matters for yes/no answers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.parser import ParserError
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scanner import ScannerError

from diagnostico_experto.comun.errores import (
    ErrorArchivo,
    Problema,
    sugerencia,
    traducir,
)
from diagnostico_experto.comun.escritura import escribir_atomico
from diagnostico_experto.comun.lectura import (
    Limites,
    leer_acotado,
    revisar_estructura,
)

__all__ = ["escribir_atomico"]  # its home is comun.escritura; kept importable from here

Modelo = TypeVar("Modelo", bound=BaseModel)

# ruamel's pure-Python messages and libyaml's, for the same mistakes
_SINTAXIS = [
    (
        re.compile(r"expected the node content, but found '\?'"),
        'dentro de { } o [ ] una variable ?nombre va entre comillas: "?nombre"',
    ),
    (re.compile(r"mapping values are not allowed"), "no se permite «:» aquí (¿faltan comillas?)"),
    (re.compile(r"could not find expected ':'"), "falta «:» después de la clave"),
    (
        re.compile(r"found character '\\t'|found a tab character"),
        "hay un tabulador; use espacios para indentar",
    ),
    (
        re.compile(r"expected <block end>|did not find expected key"),
        "la indentación no es coherente",
    ),
    (re.compile(r"found undefined alias"), "alias (*) no definido"),
    (
        re.compile(r"expected ',' or '[\]}]'|did not find expected ',' or '[\]}]'"),
        "falta cerrar una lista o un mapeo ([ ] o { })",
    ),
    (re.compile(r"found unexpected end of stream"), "el archivo termina antes de cerrar comillas"),
    (re.compile(r"found another document"), "tiene más de un documento (---); deje uno solo"),
]


def _mensaje_sintaxis(problema: str) -> str:
    for patron, mensaje in _SINTAXIS:
        if patron.search(problema or ""):
            return mensaje
    return "sintaxis YAML no válida"


class Lineas:
    """The line of every key and item of a YAML text, found only when first asked.

    Valid files are read by libyaml, which builds plain data without lines; a
    message needs a line only when something is wrong (or a rule records where
    it is written). libyaml's node tree has every node's position: composing it
    costs about what loading does, and far less than the pure-Python reader
    that keeps lines.
    """

    def __init__(self, texto: str, puro: bool = False):
        self._texto: str | None = texto
        self._puro = puro  # libyaml could not read the text: compose it in Python too
        self._tabla: dict[tuple[Any, ...], int] = {}

    def tabla(self) -> dict[tuple[Any, ...], int]:
        if self._texto is not None:
            self._tabla = _tabla_de_lineas(YAML(typ="safe", pure=self._puro).compose(self._texto))
            self._texto = None
        return self._tabla

    def linea(self, loc: Sequence[Any]) -> int:
        """Line of the deepest part of ``loc`` that the text has (the root: line 1)."""
        tabla, linea = self.tabla(), 1
        prefijo: tuple[Any, ...] = ()
        for clave in loc:
            # a mapping's keys are kept as written (``1:`` is "1"); a list's items by index
            for forma in (clave, str(clave)):
                if (*prefijo, forma) in tabla:
                    prefijo = (*prefijo, forma)
                    linea = tabla[prefijo]
                    break
            else:
                break
        return linea


def _tabla_de_lineas(raiz: Node | None) -> dict[tuple[Any, ...], int]:
    """Location -> line (1-based) of each key and item, walking the node tree without recursion.

    Bounded: the structure pass has already refused alias bombs, so the nodes an
    alias repeats are few.
    """
    tabla: dict[tuple[Any, ...], int] = {}
    pendientes: list[tuple[tuple[Any, ...], Node]] = [((), raiz)] if raiz is not None else []
    while pendientes:
        loc, nodo = pendientes.pop()
        if isinstance(nodo, MappingNode):
            for clave, valor in nodo.value:
                if isinstance(clave, ScalarNode):
                    lugar = (*loc, clave.value)
                    tabla.setdefault(lugar, clave.start_mark.line + 1)
                    pendientes.append((lugar, valor))
        elif isinstance(nodo, SequenceNode):
            for i, item in enumerate(nodo.value):
                lugar = (*loc, i)
                tabla[lugar] = item.start_mark.line + 1
                pendientes.append((lugar, item))
    return tabla


@dataclass
class Documento:
    """The data of a YAML file, with a way back from a location to its line."""

    ruta: Path
    datos: Any
    # data from a spreadsheet: the sheet and row of a part, by its location
    # (``("servicios", 0)`` -> "planilla.xlsx, hoja servicios, fila 2")
    lugares: Mapping[tuple[Any, ...], str] = field(default_factory=dict)
    # lines of a file read fast (plain data); ``base`` is where ``datos`` sits in it
    lineas: Lineas | None = None
    base: tuple[Any, ...] = ()

    def parte(self, loc: Sequence[Any]) -> Documento:
        """The document of a part of this one (inline answers in a case file), same lines."""
        datos = self.datos
        for clave in loc:
            datos = datos[clave]
        return Documento(self.ruta, datos, lineas=self.lineas, base=(*self.base, *loc))

    def linea(self, loc: Sequence[Any]) -> int | None:
        """Line (1-based) of the deepest node of ``loc`` that the file has.

        None for data that did not come from YAML (a spreadsheet row names its
        own row in ``ruta``).
        """
        if self.lineas is not None:
            return self.lineas.linea((*self.base, *loc))
        if getattr(self.datos, "lc", None) is None:
            return None
        nodo, linea = self.datos, 1 if self.datos is not None else None
        for clave in loc:
            lc = getattr(nodo, "lc", None)
            if isinstance(nodo, Mapping) and clave in nodo:
                if lc is not None:
                    linea = lc.key(clave)[0] + 1
                nodo = nodo[clave]
            elif isinstance(nodo, list) and isinstance(clave, int) and 0 <= clave < len(nodo):
                if lc is not None:
                    linea = lc.item(clave)[0] + 1
                nodo = nodo[clave]
            else:
                # A missing key: the line of the mapping that should hold it.
                if lc is not None and linea is None:
                    linea = lc.line + 1
                break
        return linea

    def problema(self, loc: Sequence[Any], mensaje: str) -> Problema:
        for n in (2, 1):
            lugar = self.lugares.get(tuple(loc[:n]))
            if lugar is not None:
                return Problema(lugar, None, campo(loc[n:]), mensaje)
        return Problema(str(self.ruta), self.linea(loc), campo(loc), mensaje)

    def validar(self, modelo: type[Modelo], contexto: dict | None = None) -> Modelo:
        """Validate the whole document, reporting every problem with its line."""
        try:
            return modelo.model_validate(self.datos, context=contexto)
        except ValidationError as exc:
            raise ErrorArchivo(self._problemas(exc, modelo)) from None

    def _problemas(self, exc: ValidationError, modelo: type[BaseModel]) -> list[Problema]:
        ajenas = self._sin_claves_conocidas(modelo)
        if ajenas:
            return [ajenas]
        problemas = []
        for err in exc.errors():
            loc = _en_los_datos(self.datos, err["loc"])
            mensaje = traducir(err)
            if "[key]" in err["loc"] or err["type"] == "invalid_key":  # the key is wrong
                if not loc:  # a key of the top mapping that is no text (empty, a list…)
                    problemas.append(self.problema((), "cada clave debe ser un texto"))
                    continue
                clave = loc.pop()
                if err["type"] in ("string_type", "invalid_key"):
                    mensaje = "la clave debe ser un texto"
                lugar = f"{campo(loc)}.{clave}" if loc else str(clave)
                linea = self.linea([*loc, clave])
                problemas.append(Problema(str(self.ruta), linea, lugar, mensaje))
                continue
            if err["type"] == "extra_forbidden":
                mensaje += sugerencia(str(loc[-1]), _campos_vecinos(modelo))
            problemas.append(self.problema(loc, mensaje))
        return problemas

    def _sin_claves_conocidas(self, modelo: type[BaseModel]) -> Problema | None:
        """A file none of whose keys this kind of file has (a text file named .yaml): one line."""
        if (
            not isinstance(self.datos, Mapping)
            or len(self.datos) < 2
            or modelo.model_config.get("extra") != "forbid"
        ):
            return None
        campos = {info.alias or nombre: info for nombre, info in modelo.model_fields.items()}
        if any(clave in campos for clave in self.datos):
            return None
        esperadas = [n for n, info in campos.items() if info.is_required()] or list(campos)[:3]
        return Problema(
            str(self.ruta),
            None,
            "",
            f"ninguna de sus {len(self.datos)} claves es de este tipo de archivo (se espera "
            f"{', '.join(f'«{c}»' for c in esperadas)}); ¿es el archivo correcto?",
        )


def _en_los_datos(datos: Any, loc: Sequence[Any]) -> list[Any]:
    """Pydantic's location without its union and function tags: a part that is a key
    or index of the data stays (a key «Package» too), a tag it added is dropped."""
    ruta = []
    for parte in loc:
        en_mapa = isinstance(datos, Mapping) and parte in datos
        en_lista = isinstance(datos, list) and isinstance(parte, int) and 0 <= parte < len(datos)
        if en_mapa or en_lista:
            datos = datos[parte]
        elif _es_etiqueta_interna(parte):
            continue
        else:
            datos = None
        ruta.append(parte)
    return ruta


def _es_etiqueta_interna(parte: Any) -> bool:
    """Pydantic adds union/function tags to locations; files have no such keys."""
    return isinstance(parte, str) and (
        parte.startswith("function-") or parte[:1].isupper() or "[" in parte
    )


@functools.cache
def _campos_vecinos(modelo: type[BaseModel]) -> list[str]:
    """Names a misspelt key was probably meant to be: the fields of the models."""
    nombres: set[str] = set()
    vistos: set[type] = set()
    pendientes: list[Any] = [modelo]
    while pendientes:
        tipo = pendientes.pop()
        if isinstance(tipo, type) and issubclass(tipo, BaseModel) and tipo not in vistos:
            vistos.add(tipo)
            for nombre, info in tipo.model_fields.items():
                nombres.add(info.alias or nombre)
                pendientes.extend([info.annotation, *getattr(info.annotation, "__args__", ())])
        else:
            pendientes.extend(getattr(tipo, "__args__", ()))
    return sorted(nombres)


def campo(loc: Sequence[Any]) -> str:
    """A location as consultants read it: ``reglas[3].si``."""
    texto = ""
    for parte in loc:
        if isinstance(parte, int):
            texto += f"[{parte + 1}]"
            continue
        nombre = str(parte) or '""'  # an empty key must still show where it is
        texto += f".{nombre}" if texto else nombre
    return texto


class _VersionPorDocumento(VersionedResolver):
    """ruamel's resolver, asking for the document's YAML version once.

    Under libyaml's reader, ruamel looks for the version where only its
    Python reader keeps it, through two caught exceptions, twice for every
    scalar: a fifth of the time of reading an answer file. Within one
    document the answer cannot change; it is ruamel's own, asked once.
    """

    @property
    def processing_version(self) -> Any:
        try:
            return self._version_del_documento
        except AttributeError:
            self._version_del_documento: Any = VersionedResolver.processing_version.fget(self)  # type: ignore[attr-defined]
            return self._version_del_documento


_RAPIDO = YAML(typ="safe")  # libyaml when available; no line numbers
_RAPIDO.Resolver = _VersionPorDocumento
_PURO = YAML(typ="safe", pure=True)  # the same in Python: YAML 1.2 where libyaml is not


def leer(ruta: str | Path, limites: Limites | None = None) -> Documento:
    """Load a YAML input file; any failure is an ErrorArchivo with its line.

    The file is read within ``limites`` (the knowledge folder's, or the shipped
    ones): a special file, an oversized file, deep nesting or an alias bomb is
    refused before any Python object is built. libyaml reads it (several times
    faster than the pure-Python reader that keeps lines); lines come from
    libyaml's node tree when a message or a rule asks for one, and a syntax
    error is located by libyaml itself, so a broken file near the size limit is
    explained as fast as a valid one is read.
    """
    ruta = Path(ruta)
    texto = leer_acotado(ruta, limites)
    try:
        revisar_estructura(texto, ruta, limites, _RAPIDO)
        return Documento(ruta, _RAPIDO.load(texto), lineas=Lineas(texto))
    except (ScannerError, ParserError) as exc:
        if not _quizas_valido_en_yaml_12(exc):
            raise _error_de_sintaxis(exc, texto, ruta) from None
    except YAMLError as exc:
        raise _error_de_sintaxis(exc, texto, ruta) from None
    try:
        revisar_estructura(texto, ruta, limites, _PURO)
        return Documento(ruta, _PURO.load(texto), lineas=Lineas(texto, puro=True))
    except YAMLError as exc:
        raise _error_de_sintaxis(exc, texto, ruta) from None


def _quizas_valido_en_yaml_12(exc: YAMLError) -> bool:
    """Whether libyaml's syntax error may be valid YAML 1.2, which only the Python reader decides.

    libyaml scans plain scalars as YAML 1.1 does: ``[producto:estrategia]`` is an
    error for it and a valid list in YAML 1.2; it also refuses a ``%YAML 1.2``
    directive. Any other syntax error it reports is one, located where it says.
    """
    texto = f"{getattr(exc, 'context', '')} {getattr(exc, 'problem', '')}"
    return "plain scalar" in texto or "':'" in texto or "YAML" in texto or "directive" in texto


def leer_editable(ruta: str | Path, limites: Limites | None = None) -> Documento:
    """A YAML file read to be written back (the questionnaire's answer file).

    The round-trip reader keeps comments, key order and quoting (``"no"`` stays
    quoted); its data carry their own lines. Pure Python: for files a person
    edits, not for batches.
    """
    ruta = Path(ruta)
    return Documento(ruta, leer_texto(leer_acotado(ruta, limites), ruta, limites))


def leer_texto(texto: str, ruta: str | Path = "<texto>", limites: Limites | None = None) -> Any:
    """The round-trip data of a YAML text (comments and quotes kept, lines in ``.lc``)."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True  # a file we rewrite keeps its "no" quoted
    try:
        revisar_estructura(texto, ruta, limites, yaml)
        return yaml.load(texto)
    except YAMLError as exc:
        raise _error_de_sintaxis(exc, texto, ruta) from None


def _error_de_sintaxis(exc: YAMLError, texto: str, ruta: str | Path) -> ErrorArchivo:
    """A parser's error (libyaml's or ruamel's) as one Spanish line with its line number."""
    if isinstance(exc, DuplicateKeyError):
        linea = exc.problem_mark.line + 1 if exc.problem_mark else None
        clave = re.search(r'found duplicate key "([^"]*)"', str(exc.problem))
        nombre = f" «{clave.group(1)}»" if clave else ""
        return ErrorArchivo.uno(ruta, f"clave repetida{nombre}", linea)
    if isinstance(exc, ConstructorError) and exc.problem_mark is not None:
        etiqueta = re.search(r"for the tag '([^']*)'", str(exc.problem))
        nombre = f" «{etiqueta.group(1)}»" if etiqueta else ""
        return ErrorArchivo.uno(
            ruta,
            f"etiqueta{nombre} no admitida (las etiquetas «!» no se usan en estos archivos)",
            exc.problem_mark.line + 1,
        )
    if isinstance(exc, MarkedYAMLError):
        marca = exc.problem_mark or exc.context_mark
        if exc.context_mark and marca and marca.line >= texto.count("\n"):
            marca = exc.context_mark  # unclosed at end of file: point where it was opened
        linea = marca.line + 1 if marca else None
        columna = f" (columna {marca.column + 1})" if marca else ""
        problema = str(exc.problem)
        if marca and not problema.startswith("found character '"):
            # libyaml does not name the character that its message is about
            caracter = _caracter(texto, marca)
            problema = problema.replace("found character ", f"found character {caracter!r} ")
            if "node content" in problema and caracter == "?":
                problema = "expected the node content, but found '?'"
        mensaje = _mensaje_sintaxis(problema)
        campo = _campo_en_linea(texto, marca.line) if marca else ""
        return ErrorArchivo.uno(ruta, mensaje + columna, linea, campo)
    if isinstance(exc, ReaderError):  # a control character, NUL included, written as is
        linea = texto[: exc.position].count("\n") + 1
        caracter = exc.character  # a str, or the code point as an int (NUL is 0)
        codigo = f"U+{ord(caracter) if isinstance(caracter, str) else caracter:04X}"
        return ErrorArchivo.uno(
            ruta, f"tiene un carácter de control ({codigo}) que YAML no admite; bórrelo", linea
        )
    return ErrorArchivo.uno(ruta, "sintaxis YAML no válida")


_CLAVE_EN_LINEA = re.compile(
    r"""^([ \t]*)(-[ \t]+)?(["']?)([^\s:#"'\-][^:#]*?)\3[ \t]*:([ \t]*(?:#.*)?$|[ \t])"""
)


def _sangria(linea: str) -> int:
    return len(linea) - len(linea.lstrip(" \t"))


def _campo_en_linea(texto: str, indice: int) -> str:
    """The field written on a line that does not parse, with the fields above it
    («respuestas.E02», «mesa[2].cargo»): a person finds a field faster than a column.

    Read from the text by indentation, since the parser gave up there; only a
    key that opens a block can hold another. "" when the line names no field.
    """
    lineas = texto.splitlines()
    if indice >= len(lineas):
        return ""
    partes: list[str] = []
    propia = _CLAVE_EN_LINEA.match(lineas[indice])
    sangria = _sangria(lineas[indice])
    if propia is not None:
        partes.append(propia.group(4).strip())
        sangria += len(propia.group(2) or "")  # a list item's key starts after its dash
    en_item = False  # a list may sit at its key's own indentation
    for j in range(indice - 1, -1, -1):
        if sangria == 0 and not en_item:
            break
        linea = lineas[j]
        encontrada = _CLAVE_EN_LINEA.match(linea)
        if encontrada is None:
            continue
        inicio = _sangria(linea)
        abre = (encontrada.group(5) + linea[encontrada.end() :]).strip()[:1] in ("", "#")
        if encontrada.group(2) and inicio < sangria:  # the list item holding the field
            if inicio + len(encontrada.group(2)) < sangria and abre:
                partes.append(encontrada.group(4).strip())
            partes.append(f"[{_numero_de_item(lineas, j, inicio)}]")
            sangria, en_item = inicio, True
        elif abre and (inicio < sangria or (en_item and inicio == sangria)):
            partes.append(encontrada.group(4).strip())
            sangria, en_item = inicio, False
    return ".".join(reversed(partes)).replace(".[", "[")


def _numero_de_item(lineas: list[str], j: int, inicio: int) -> int:
    """Which item (from 1) of its list the item that starts on line ``j`` is."""
    numero = 1
    for linea in reversed(lineas[:j]):
        if not linea.strip() or linea.lstrip().startswith("#"):
            continue
        if _sangria(linea) < inicio or (
            _sangria(linea) == inicio and not linea.lstrip().startswith("-")
        ):
            break
        if _sangria(linea) == inicio:
            numero += 1
    return numero


def _caracter(texto: str, marca: Any) -> str:
    """The character at a parser's mark (libyaml's marks have line and column, no index)."""
    lineas = texto.splitlines()
    if marca.line < len(lineas) and marca.column < len(lineas[marca.line]):
        return lineas[marca.line][marca.column]
    return ""
