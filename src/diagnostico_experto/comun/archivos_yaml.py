"""YAML files that remember their lines, and atomic writes.

ruamel.yaml (round-trip mode) keeps the line of every key and item, so a
validation error found by pydantic at a location like ``("reglas", 3, "si")``
is reported at the line a consultant sees in the editor. YAML 1.2 also keeps
``no`` and ``si`` as strings, which matters for yes/no answers.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from diagnostico_experto.comun.errores import (
    ErrorEntrada,
    Problema,
    no_se_pudo_escribir,
    sugerencia,
    traducir,
)
from diagnostico_experto.comun.lectura import (
    Limites,
    leer_acotado,
    revisar_estructura,
    revisar_tipo,
)

Modelo = TypeVar("Modelo", bound=BaseModel)

_SINTAXIS = [
    (
        re.compile(r"expected the node content, but found '\?'"),
        'dentro de { } o [ ] una variable ?nombre va entre comillas: "?nombre"',
    ),
    (re.compile(r"mapping values are not allowed"), "no se permite «:» aquí (¿faltan comillas?)"),
    (re.compile(r"could not find expected ':'"), "falta «:» después de la clave"),
    (re.compile(r"found character '\\t'"), "hay un tabulador; use espacios para indentar"),
    (re.compile(r"expected <block end>"), "la indentación no es coherente"),
    (re.compile(r"found undefined alias"), "alias (*) no definido"),
    (re.compile(r"expected ',' or '[\]}]'"), "falta cerrar una lista o un mapeo ([ ] o { })"),
    (re.compile(r"found unexpected end of stream"), "el archivo termina antes de cerrar comillas"),
]


def _mensaje_sintaxis(problema: str) -> str:
    for patron, mensaje in _SINTAXIS:
        if patron.search(problema or ""):
            return mensaje
    return "sintaxis YAML no válida"


@dataclass
class Documento:
    """The data of a YAML file, with a way back from a location to its line."""

    ruta: Path
    datos: Any
    # data from a spreadsheet: the sheet and row of a part, by its location
    # (``("servicios", 0)`` -> "planilla.xlsx, hoja servicios, fila 2")
    lugares: Mapping[tuple[Any, ...], str] = field(default_factory=dict)

    def linea(self, loc: Sequence[Any]) -> int | None:
        """Line (1-based) of the deepest node of ``loc`` that the file has.

        None for data that did not come from YAML (a spreadsheet row names its
        own row in ``ruta``).
        """
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
            raise ErrorEntrada(self._problemas(exc, modelo)) from None

    def _problemas(self, exc: ValidationError, modelo: type[BaseModel]) -> list[Problema]:
        problemas = []
        for err in exc.errors():
            loc = [p for p in err["loc"] if not _es_etiqueta_interna(p)]
            mensaje = traducir(err)
            if "[key]" in err["loc"] or err["type"] == "invalid_key":  # the key is wrong
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
        texto += (
            f"[{parte + 1}]" if isinstance(parte, int) else (f".{parte}" if texto else str(parte))
        )
    return texto


def leer(ruta: str | Path, limites: Limites | None = None) -> Documento:
    """Load a YAML file keeping line marks; any failure is an ErrorEntrada.

    The file is read within ``limites`` (the knowledge folder's, or the shipped
    ones): a special file, an oversized file, deep nesting or an alias bomb is
    refused before any Python object is built.
    """
    ruta = Path(ruta)
    texto = leer_acotado(ruta, limites)
    return Documento(ruta, leer_texto(texto, ruta, limites))


_RAPIDO = YAML(typ="safe")  # libyaml when available; same YAML 1.2 reading, no line numbers


def leer_rapido(ruta: str | Path, limites: Limites | None = None) -> Any:
    """The data of a YAML file, several times faster than ``leer`` but without lines.

    For batches and big answer files: read fast, and only when something is
    wrong read again with ``leer`` so that every message names its line.
    Raises ErrorEntrada when the file cannot be read or parsed.
    """
    ruta = Path(ruta)
    texto = leer_acotado(ruta, limites)
    try:
        revisar_estructura(texto, ruta, limites, _RAPIDO)
        return _RAPIDO.load(texto)
    except YAMLError:
        return leer(ruta, limites).datos  # the careful reader explains what is wrong, with its line


def leer_texto(texto: str, ruta: str | Path = "<texto>", limites: Limites | None = None) -> Any:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True  # a file we rewrite keeps its "no" quoted
    try:
        revisar_estructura(texto, ruta, limites, yaml)
        return yaml.load(texto)
    except DuplicateKeyError as exc:
        linea = exc.problem_mark.line + 1 if exc.problem_mark else None
        clave = re.search(r'found duplicate key "([^"]*)"', str(exc.problem))
        nombre = f" «{clave.group(1)}»" if clave else ""
        raise ErrorEntrada.uno(ruta, f"clave repetida{nombre}", linea) from None
    except MarkedYAMLError as exc:
        marca = exc.problem_mark or exc.context_mark
        if exc.context_mark and marca and marca.line >= texto.count("\n"):
            marca = exc.context_mark  # unclosed at end of file: point where it was opened
        linea = marca.line + 1 if marca else None
        columna = f" (columna {marca.column + 1})" if marca else ""
        raise ErrorEntrada.uno(ruta, _mensaje_sintaxis(exc.problem) + columna, linea) from None
    except ReaderError as exc:  # a control character, NUL included, written as is
        linea = texto[: exc.position].count("\n") + 1
        caracter = exc.character  # a str, or the code point as an int (NUL is 0)
        codigo = f"U+{ord(caracter) if isinstance(caracter, str) else caracter:04X}"
        raise ErrorEntrada.uno(
            ruta, f"tiene un carácter de control ({codigo}) que YAML no admite; bórrelo", linea
        ) from None
    except YAMLError:
        raise ErrorEntrada.uno(ruta, "sintaxis YAML no válida") from None


def escribir_atomico(ruta: str | Path, texto: str | bytes) -> None:
    """Write a file so that readers see the old or the new content, never half.

    The text goes to a temporary file in the same folder, is flushed to disk,
    and replaces the target in one rename. A failure (full disk, read-only
    folder) is an ErrorEntrada naming ``ruta``, never the temporary file.
    """
    ruta = Path(ruta)
    _revisar_destino(ruta)
    try:
        ruta.parent.mkdir(parents=True, exist_ok=True)
        _limpiar_restos(ruta)
        fd, temporal = tempfile.mkstemp(
            dir=ruta.parent, prefix=f".{ruta.name}.{os.getpid()}-", suffix=".tmp"
        )
    except OSError as exc:
        raise no_se_pudo_escribir(ruta, exc) from None
    try:
        Path(temporal).chmod(_permisos(ruta))
        datos = texto if isinstance(texto, bytes) else texto.encode("utf-8")
        with os.fdopen(fd, "wb") as f:
            f.write(datos)
            f.flush()
            os.fsync(f.fileno())
        Path(temporal).replace(ruta)
    except BaseException as exc:
        Path(temporal).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise no_se_pudo_escribir(ruta, exc) from None
        raise


def _revisar_destino(ruta: Path) -> None:
    """Only a regular file is replaced: a rename over ``/dev/null`` or a FIFO would replace it."""
    try:
        modo = ruta.stat().st_mode  # through a symlink: what it points to
    except OSError:
        return  # not there yet (or unreachable: the write itself says why)
    if not stat.S_ISREG(modo):
        revisar_tipo(ruta, modo)


def _limpiar_restos(ruta: Path) -> None:
    """Remove the temporary files of earlier writes of ``ruta`` killed before their rename.

    Each temporary file carries its writer's process id; one whose process is
    gone is a leftover (``kill -9``, a power cut). A live writer's is kept.
    """
    patron = re.compile(rf"\.{re.escape(ruta.name)}\.(\d+)-[^.]+\.tmp")
    try:
        entradas = list(os.scandir(ruta.parent))
    except OSError:
        return
    for entrada in entradas:
        coincide = patron.fullmatch(entrada.name)
        if coincide and not _vive(int(coincide.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(entrada.path)


def _vive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process writes one file at a time: an old one of its own is a leftover
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


@functools.cache
def _modo_nuevo() -> int:
    """The mode a new file gets under the process's umask (read once: umask is process-wide)."""
    mascara = os.umask(0)
    os.umask(mascara)
    return 0o666 & ~mascara


def _permisos(ruta: Path) -> int:
    """Keep an existing file's mode; a new file gets the usual one (umask), not 0600."""
    try:
        return ruta.stat().st_mode & 0o777
    except FileNotFoundError:
        return _modo_nuevo()
