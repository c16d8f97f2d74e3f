"""Writing a file atomically: the program's one helper for it (reports, answers, caches).

Light on purpose (no YAML, no pydantic): every command that writes imports it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
import tempfile
from pathlib import Path

from diagnostico_experto.comun.errores import no_se_pudo_escribir


def escribir_atomico(ruta: str | Path, texto: str | bytes) -> None:
    """Write a file so that readers see the old or the new content, never half.

    The text goes to a temporary file in the same folder, is flushed to disk,
    and replaces the target in one rename. A failure (full disk, read-only
    folder) is an ErrorArchivo naming ``ruta``, never the temporary file.
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
        from diagnostico_experto.comun.lectura import revisar_tipo  # rare: loads pydantic, ruamel

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
                Path(entrada.path).unlink()


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
