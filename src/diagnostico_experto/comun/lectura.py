"""Bounded reading: every input file is read within limits that are data.

A hostile or broken file must be refused quickly, with its line, before it can
block (a FIFO), exhaust memory (``/dev/zero``, an alias bomb) or overflow the
stack (5,000 nested lists). The limits live in ``knowledge/limites.yaml``; the
knowledge folder itself is read with the shipped ones.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import zipfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    ScalarEvent,
)

from diagnostico_experto.comun import formato_chileno
from diagnostico_experto.comun.errores import ErrorArchivo, motivo_so
from diagnostico_experto.comun.rutas import carpeta_por_defecto

ARCHIVO_LIMITES = "limites.yaml"
# No limit needs more: a billion KB is a terabyte. Larger numbers only overflow.
_TOPE = 1_000_000_000


class Limites(BaseModel):
    """The reading limits; each name is a key of ``limites.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_disparos_por_comuna: int = Field(ge=1, le=_TOPE)
    max_servicios_por_comuna: int = Field(ge=1, le=_TOPE)
    max_kb_por_archivo: int = Field(ge=1, le=_TOPE)
    max_niveles_por_archivo: int = Field(ge=1, le=_TOPE)
    max_valores_por_archivo: int = Field(ge=1, le=_TOPE)
    max_cifras_por_numero: int = Field(ge=1, le=_TOPE)
    max_mb_por_planilla: int = Field(ge=1, le=_TOPE)
    max_caracteres_por_celda: int = Field(ge=1, le=_TOPE)


@functools.cache
def limites_por_defecto() -> Limites:
    """The shipped limits (the package's own ``knowledge/limites.yaml``, a trusted file)."""
    ruta = carpeta_por_defecto("knowledge") / ARCHIVO_LIMITES
    datos = YAML(typ="safe").load(ruta.read_text(encoding="utf-8"))
    try:
        return Limites.model_validate(datos["limites"])
    except (ValidationError, KeyError, TypeError) as exc:  # a broken installation
        raise ErrorArchivo.uno(ruta, f"límites de lectura no válidos ({exc})") from None


def miles(numero: int) -> str:
    """Chilean thousands separator: 1.024."""
    return formato_chileno.numero(numero, 0)


def _limite(nombre: str) -> str:
    return f"(límite «{nombre}» de {ARCHIVO_LIMITES})"


_TIPOS_ESPECIALES = (
    (stat.S_ISFIFO, "es una FIFO (tubería con nombre), no un archivo común"),
    (stat.S_ISCHR, "es un dispositivo, no un archivo común"),
    (stat.S_ISBLK, "es un dispositivo, no un archivo común"),
    (stat.S_ISSOCK, "es un socket, no un archivo común"),
)


def revisar_tipo(ruta: Path, modo: int) -> None:
    if stat.S_ISDIR(modo):
        raise ErrorArchivo.uno(ruta, "es una carpeta, no un archivo")
    for es, mensaje in _TIPOS_ESPECIALES:
        if es(modo):
            raise ErrorArchivo.uno(ruta, mensaje)
    if not stat.S_ISREG(modo):
        raise ErrorArchivo.uno(ruta, "no es un archivo común")


def revisar_archivo(ruta: Path, maximo_bytes: int, limite: str) -> int:
    """Refuse what is not a regular file of at most ``maximo_bytes``; its size.

    Decided by ``stat`` before opening, so a FIFO never blocks and a device is
    never read.
    """
    try:
        estado = ruta.stat()
    except FileNotFoundError:
        raise ErrorArchivo.uno(ruta, "el archivo no existe") from None
    except OSError as exc:
        raise ErrorArchivo.uno(ruta, f"no se puede leer ({motivo_so(exc)})") from None
    revisar_tipo(ruta, estado.st_mode)
    if estado.st_size > maximo_bytes:
        raise ErrorArchivo.uno(ruta, _muy_grande(estado.st_size, maximo_bytes, limite))
    return estado.st_size


def _muy_grande(tamano: int, maximo: int, limite: str) -> str:
    if maximo >= 1024 * 1024:
        pesa = f"{miles(-(-tamano // (1024 * 1024)))} MB"
        tope = f"{miles(maximo // (1024 * 1024))} MB"
    else:
        pesa, tope = f"{miles(-(-tamano // 1024))} KB", f"{miles(maximo // 1024)} KB"
    return f"el archivo pesa {pesa}; el máximo es {tope} {_limite(limite)}"


_CIFRADA = 0x1  # the ZIP flag bit of an encrypted part


def revisar_partes_zip(
    ruta: Path, partes: list[zipfile.ZipInfo], programa: str, remedio: str | None = None
) -> None:
    """Word, Excel and the servers' exports store parts plain or deflated, never encrypted;
    zipfile would stop on anything else with an error that names no file. ``remedio`` says
    what to do when the file is not one a person saves from an office program."""
    for parte in partes:
        if parte.flag_bits & _CIFRADA:
            raise ErrorArchivo.uno(
                ruta,
                f"la parte {parte.filename} está cifrada con contraseña; "
                + (remedio or f"guarde el archivo sin contraseña en {programa} o LibreOffice"),
            )
        if parte.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ErrorArchivo.uno(
                ruta,
                f"la parte {parte.filename} usa una compresión que {programa} no escribe; "
                + (remedio or f"abra el archivo en {programa} o LibreOffice y guárdelo de nuevo"),
            )


def leer_bytes(ruta: Path, maximo_bytes: int, limite: str) -> bytes:
    """The bytes of a regular file of bounded size."""
    revisar_archivo(ruta, maximo_bytes, limite)
    try:
        # O_NONBLOCK: a file swapped for a FIFO after the check still does not block
        fd = os.open(ruta, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as archivo:
            revisar_tipo(ruta, os.fstat(archivo.fileno()).st_mode)
            datos = archivo.read(maximo_bytes + 1)
    except OSError as exc:
        raise ErrorArchivo.uno(ruta, f"no se puede leer ({motivo_so(exc)})") from None
    if len(datos) > maximo_bytes:
        raise ErrorArchivo.uno(ruta, _muy_grande(len(datos), maximo_bytes, limite))
    return datos


def leer_acotado(ruta: Path, limites: Limites | None = None) -> str:
    """The UTF-8 text of a YAML input file, within the size limit."""
    limites = limites or limites_por_defecto()
    datos = leer_bytes(ruta, limites.max_kb_por_archivo * 1024, "max_kb_por_archivo")
    try:
        return datos.decode("utf-8")
    except UnicodeDecodeError:
        raise ErrorArchivo.uno(ruta, "no está en UTF-8 (guárdelo como texto UTF-8)") from None


_ENTERO = re.compile(r"[-+]?[0-9][0-9_]*")
_BASE = re.compile(r"[-+]?0[xXoObB][0-9a-fA-F_]+")
_FECHA = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt ]|$)")


def revisar_estructura(texto: str, ruta: str | Path, limites: Limites | None, yaml: YAML) -> None:
    """Walk the parser's events (iterative, no objects built) and refuse what would blow up.

    Depth, and the number of nodes the document has once every alias is
    expanded, are counted on the way: an alias bomb of 1 KB is refused after a
    few hundred events instead of being expanded. Plain scalars that Python
    cannot build (a 5,000-digit integer, the date 2026-02-30) or that are
    numbers in another base are refused with their line. Syntax errors are left
    to the loader, which explains them.
    """
    limites = limites or limites_por_defecto()
    pila: list[tuple[str | None, int]] = []  # each open collection: anchor, nodes inside
    tamanos: dict[str, int] = {}  # expanded nodes of each anchored node
    total = 0
    # each open collection: for a mapping, [whether its next node is a key, its last key]
    claves: list[list[Any] | None] = []
    for evento in yaml.parse(texto):
        linea = evento.start_mark.line + 1 if evento.start_mark else None
        campo = ""  # the key whose value this node is, to name it in a message
        if isinstance(evento, CollectionEndEvent):
            claves.pop()
        elif isinstance(evento, AliasEvent | ScalarEvent | CollectionStartEvent) and claves:
            mapa = claves[-1]
            if mapa is not None:
                if mapa[0] and isinstance(evento, ScalarEvent):
                    mapa[1] = evento.value
                elif not mapa[0]:
                    campo = str(mapa[1])
                mapa[0] = not mapa[0]
        if isinstance(evento, CollectionEndEvent):
            ancla, nodos = pila.pop()
            if ancla:
                tamanos[ancla] = nodos
            if pila:
                pila[-1] = (pila[-1][0], pila[-1][1] + nodos)
            continue
        if isinstance(evento, CollectionStartEvent):
            if len(pila) >= limites.max_niveles_por_archivo:
                raise ErrorArchivo.uno(
                    ruta,
                    f"más de {limites.max_niveles_por_archivo} niveles de anidamiento "
                    + _limite("max_niveles_por_archivo"),
                    linea,
                )
            pila.append((evento.anchor, 1))
            claves.append([True, ""] if isinstance(evento, MappingStartEvent) else None)
            total += 1
            continue
        if isinstance(evento, AliasEvent):
            if evento.anchor not in tamanos:
                raise ErrorArchivo.uno(
                    ruta,
                    f"alias (*{evento.anchor}) no definido o usado dentro de su propio ancla",
                    linea,
                )
            nodos = tamanos[evento.anchor]  # an alias repeats every node of its anchor
        elif isinstance(evento, ScalarEvent):
            nodos = 1
            if evento.anchor:
                tamanos[evento.anchor] = 1
            if not evento.style:
                _revisar_escalar(evento.value, ruta, linea, limites, campo)
        else:
            continue
        total += nodos
        if pila:
            pila[-1] = (pila[-1][0], pila[-1][1] + nodos)
        if total > limites.max_valores_por_archivo:
            raise ErrorArchivo.uno(
                ruta,
                f"más de {miles(limites.max_valores_por_archivo)} valores, contando lo que repite "
                f"cada alias (*) {_limite('max_valores_por_archivo')}",
                linea,
            )


def _revisar_escalar(
    valor: str, ruta: str | Path, linea: int | None, limites: Limites, campo: str = ""
) -> None:
    if _BASE.fullmatch(valor):
        raise ErrorArchivo.uno(
            ruta, f"«{valor}»: los números se escriben en decimal, no en otra base", linea
        )
    if _ENTERO.fullmatch(valor) and len(valor) > limites.max_cifras_por_numero:
        raise ErrorArchivo.uno(
            ruta,
            f"un número de {miles(len(valor))} cifras; el máximo es "
            f"{limites.max_cifras_por_numero} {_limite('max_cifras_por_numero')}",
            linea,
        )
    fecha = _FECHA.match(valor)
    if fecha:
        try:
            formato_chileno.leer_fecha("-".join(fecha.groups()))
        except ValueError as exc:
            raise ErrorArchivo.uno(ruta, str(exc), linea, campo) from None
