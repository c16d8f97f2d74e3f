"""Load a folder once: a memo per process, and a cache shared by processes.

Every command (and every test that runs one) would otherwise re-read and
re-validate all rule and knowledge YAML, most of a command's start-up. In one
process the key is each file's path, size and mtime, so a file edited between
two calls is read again. Across processes, the validated objects are pickled
in the user's cache folder (``$XDG_CACHE_HOME/diagnostico-experto`` or
``~/.cache/diagnostico-experto``) under a key made of the files' content, the
package version and a fingerprint of the package's code: any change to a file
or to the program makes a new key, so a stale entry is never read. A cache that
cannot be read or written is silently skipped. The shared cache's folder is a
parameter (``cache``): the command's entry takes it from the environment
(``comun/entorno``); without one, only the memo is used. The report templates'
compiled code is kept in the same folder (``CacheDePlantillas``), under the same rules.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Callable, Hashable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from jinja2.bccache import Bucket, BytecodeCache

from diagnostico_experto.comun.archivos_yaml import escribir_atomico
from diagnostico_experto.comun.errores import ErrorDiagnostico

T = TypeVar("T")

_MEMO: dict[tuple[Hashable, ...], tuple[object, object]] = {}
_MAXIMO = 16  # folders kept; a batch or a test session uses a handful
_CONTENIDOS: dict[tuple[Hashable, ...], str] = {}  # huella -> content digest, in this process
_MAXIMO_EN_DISCO = 32  # cache files kept; the oldest are removed
_NO_ESTA = object()
_FALLAS_DE_CACHE = (OSError, EOFError, pickle.PickleError, AttributeError, ImportError, TypeError)
_PAQUETE = Path(__file__).resolve().parent.parent


def huella(carpeta: Path) -> tuple[tuple[str, int, int], ...]:
    """Every regular file below the folder with its size and mtime, in a stable order.

    FIFOs, devices and sockets are left out: they are never content, and
    reading one to digest it would block (a FIFO) or never end (``/dev/zero``).
    The loaders refuse them by type with a message.
    """
    filas = []
    for raiz, carpetas, archivos in os.walk(carpeta):
        carpetas.sort()
        for nombre in sorted(archivos):
            ruta = Path(raiz, nombre)
            try:
                estado = ruta.stat()
            except OSError:
                continue
            if not stat.S_ISREG(estado.st_mode):
                continue
            filas.append((str(ruta), estado.st_size, estado.st_mtime_ns))
    return tuple(filas)


def contenido(carpeta: Path) -> str:
    """A digest of every file below the folder: relative path and bytes."""
    clave = (str(carpeta.resolve()), huella(carpeta))
    if clave not in _CONTENIDOS:
        resumen = hashlib.sha256()
        for ruta, _, _ in clave[1]:
            resumen.update(os.path.relpath(ruta, carpeta).encode() + b"\0")
            try:
                _digerir(resumen, Path(ruta))
            except OSError:
                resumen.update(b"\0ilegible")
            resumen.update(b"\0")
        _CONTENIDOS[clave] = resumen.hexdigest()
    return _CONTENIDOS[clave]


def _digerir(resumen: hashlib._Hash, ruta: Path) -> None:
    """Add a regular file's bytes; opened non-blocking in case it became a FIFO since ``huella``."""
    fd = os.open(ruta, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as archivo:
        if not stat.S_ISREG(os.fstat(archivo.fileno()).st_mode):
            resumen.update(b"\0especial")
            return
        while bloque := archivo.read(1 << 20):
            resumen.update(bloque)


def recordar(
    clave: tuple[Hashable, ...],
    carpeta: Path,
    cargar: Callable[[], T],
    compartida: tuple[Hashable, ...] | None = None,
    conservar: object = None,
    cache: Path | None = None,
) -> T:
    """``cargar()``, or what it returned before for the same key and unchanged files.

    With ``compartida`` (a key that means the same in any process) and a
    ``cache`` folder, the result is also looked up in, and saved to, the cache
    shared by processes there.
    ``conservar`` is kept alive with the entry (not saved): an object whose
    ``id`` is part of the key must not die and lend its id to another.
    """
    completa = (*clave, str(carpeta.resolve()), huella(carpeta))
    if completa in _MEMO:
        return _MEMO[completa][1]  # type: ignore[return-value]
    archivo = (
        _archivo_en_cache(cache, compartida, carpeta)
        if compartida is not None and cache is not None
        else None
    )
    valor = _leer_cache(archivo) if archivo else _NO_ESTA
    if valor is _NO_ESTA:
        valor = cargar()
        if archivo:
            _guardar_cache(archivo, valor)
    if len(_MEMO) >= _MAXIMO:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[completa] = (conservar, valor)
    return valor  # type: ignore[return-value]


def compartido(cache: Path | None, clave: tuple[Hashable, ...], hacer: Callable[[], T]) -> T:
    """``hacer()``, or what it made before in any process for the same ``clave`` (a key
    that means the same everywhere, e.g. a digest of the bytes it is made from) and
    this version of the program, kept in the shared cache folder ``cache`` (None:
    always made)."""
    if cache is None:
        return hacer()
    nombre = hashlib.sha256(repr((clave, version_del_programa())).encode()).hexdigest()
    archivo = cache / f"{nombre}.pickle"
    valor = _leer_cache(archivo)
    if valor is _NO_ESTA:
        valor = hacer()
        _guardar_cache(archivo, valor)
    return valor  # type: ignore[return-value]


def olvidar() -> None:
    """Forget what this process loaded, as a new process would (the shared cache stays)."""
    _MEMO.clear()
    _CONTENIDOS.clear()


@cache
def version_del_programa() -> str:
    """The package version and a fingerprint of its code (path, size, mtime of each module)."""
    try:
        version = metadata.version("diagnostico-experto")
    except metadata.PackageNotFoundError:
        version = "sin-version"
    codigo = hashlib.sha256()
    for ruta in sorted(_PAQUETE.rglob("*.py")):
        estado = ruta.stat()
        codigo.update(
            f"{ruta.relative_to(_PAQUETE)}:{estado.st_size}:{estado.st_mtime_ns};".encode()
        )
    return f"{version}-{sys.version_info[:3]}-{codigo.hexdigest()[:16]}"


def _archivo_en_cache(cache: Path, compartida: tuple[Hashable, ...], carpeta: Path) -> Path:
    clave = repr((compartida, version_del_programa(), str(carpeta.resolve()), contenido(carpeta)))
    return cache / f"{hashlib.sha256(clave.encode()).hexdigest()}.pickle"


def _leer_cache(archivo: Path) -> object:
    try:
        with archivo.open("rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 - a damaged cache entry is read again from the files
        return _NO_ESTA


def _guardar_cache(archivo: Path, valor: object) -> None:
    with contextlib.suppress(*_FALLAS_DE_CACHE):
        if _guardar(archivo, pickle.dumps(valor, protocol=pickle.HIGHEST_PROTOCOL)):
            _podar(archivo.parent)


def _guardar(archivo: Path, datos: bytes) -> bool:
    """Write a cache entry atomically (a reader sees all or nothing), through the
    program's one helper; give up silently on any failure: a cache is optional."""
    try:
        escribir_atomico(archivo, datos)
    except (ErrorDiagnostico, OSError):
        return False
    return True


def _podar(carpeta: Path) -> None:
    """Keep the newest cache files only: every edit of a folder leaves an old one behind."""
    archivos = sorted(carpeta.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for viejo in archivos[_MAXIMO_EN_DISCO:]:
        viejo.unlink(missing_ok=True)


class CacheDePlantillas(BytecodeCache):
    """jinja2's cache of compiled templates, in the shared cache folder ``cache``.

    A process that renders a report compiled its templates again (~25 ms of
    each ``evaluar``). jinja2 names each entry by template and checks its
    source and Python's bytecode version before using it; as with the rules'
    cache, one that cannot be read or written is skipped.
    """

    def __init__(self, cache: Path) -> None:
        self.carpeta = cache / "plantillas"

    def load_bytecode(self, bucket: Bucket) -> None:
        archivo = self.carpeta / f"{bucket.key}.cache"
        with contextlib.suppress(*_FALLAS_DE_CACHE, ValueError), archivo.open("rb") as f:
            bucket.load_bytecode(f)

    def dump_bytecode(self, bucket: Bucket) -> None:
        _guardar(self.carpeta / f"{bucket.key}.cache", bucket.bytecode_to_string())
