"""Load a folder once per process: a memo keyed by the folder's files and their mtimes.

Every command (and every test that runs one) would otherwise re-read and
re-validate all rule and knowledge YAML. The key is each file's path, size and
mtime, so a file edited between two calls in one process is read again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_MEMO: dict[tuple[Hashable, ...], object] = {}
_MAXIMO = 16  # folders kept; a batch or a test session uses a handful


def huella(carpeta: Path) -> tuple[tuple[str, int, int], ...]:
    """Every regular file below the folder with its size and mtime, in a stable order."""
    filas = []
    for raiz, carpetas, archivos in os.walk(carpeta):
        carpetas.sort()
        for nombre in sorted(archivos):
            ruta = Path(raiz, nombre)
            try:
                estado = ruta.stat()
            except OSError:
                continue
            filas.append((str(ruta), estado.st_size, estado.st_mtime_ns))
    return tuple(filas)


def recordar(clave: tuple[Hashable, ...], carpeta: Path, cargar: Callable[[], T]) -> T:
    """``cargar()``, or what it returned before for the same key and unchanged files."""
    completa = (*clave, str(carpeta.resolve()), huella(carpeta))
    if completa in _MEMO:
        return _MEMO[completa]  # type: ignore[return-value]
    valor = cargar()
    if len(_MEMO) >= _MAXIMO:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[completa] = valor
    return valor
