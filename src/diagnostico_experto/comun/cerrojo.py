"""One editor per answer file: an advisory lock that dies with its process.

The lock is ``flock`` on a hidden file beside the answer file (``.NAME.lock``),
not on the answer file itself: every save replaces the answer file with a new
one, which would leave a lock on the old file. The kernel releases ``flock``
when the process ends in any way (Ctrl-C, a closed terminal, ``kill -9``), so
a crashed session never leaves the file locked. The lock file stays on disk,
empty; removing it would let two sessions lock two different files.
"""

from __future__ import annotations

import os
from pathlib import Path

from diagnostico_experto.comun.errores import ErrorEntorno

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, one editor is on trust
    fcntl = None  # type: ignore[assignment]


def ruta_cerrojo(archivo: Path) -> Path:
    """The lock file of an answer file (symlinks resolved: one lock per real file)."""
    real = Path(os.path.realpath(archivo))
    return real.with_name(f".{real.name}.lock")


class Cerrojo:
    """Held while a questionnaire edits ``archivo``; ``tomar`` refuses a second editor."""

    def __init__(self, archivo: Path):
        self.archivo = Path(archivo)
        self._fd: int | None = None

    def tomar(self) -> None:
        if fcntl is None or self._fd is not None:
            return
        ruta = ruta_cerrojo(self.archivo)
        try:
            fd = os.open(ruta, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise ErrorEntorno.uno(
                self.archivo, f"no se pudo crear el bloqueo {ruta.name} ({exc.strerror})"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ErrorEntorno.uno(
                self.archivo,
                "otro cuestionario está editando este archivo en este momento; "
                "ciérrelo antes de abrirlo aquí (así ninguna respuesta se pierde)",
            ) from None
        self._fd = fd

    def soltar(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    def __enter__(self) -> Cerrojo:
        self.tomar()
        return self

    def __exit__(self, *_: object) -> None:
        self.soltar()


def en_edicion(archivo: Path) -> bool:
    """Whether a questionnaire holds ``archivo`` now (for commands that would overwrite it)."""
    if fcntl is None:
        return False
    ruta = ruta_cerrojo(archivo)
    try:
        fd = os.open(ruta, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False
