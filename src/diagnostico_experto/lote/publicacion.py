"""Where and when the batch's files are written: a fresh folder, swapped in whole.

The batch writes into a hidden sibling of --salida (``.informes.lote-PID-xxxx``).
Only when every file is there is the set made durable (one sync of the file
system, not one per file) and swapped in for the previous set: in one atomic
exchange of the two folders where Linux offers it, else in two renames that
the next run completes. A kill at any moment leaves the previous or the new
complete set in --salida; the hidden folder of a killed run is removed by the
next run. A folder holding anything a batch did not write is refused, never
deleted.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import tempfile
import time
from pathlib import Path, PurePosixPath
from types import TracebackType

from diagnostico_experto.comun.errores import ErrorEntorno, motivo_so, no_se_pudo_escribir

MANIFIESTO = ".diagnostico-lote"  # the set's files, one relative path a line
# A set written before the manifest existed: these names, and reports in comunas/.
_LEGADO = {"index.html", "resumen.csv", "resumen.xlsx"}
_LEGADO_COMUNAS = ("comunas", {".md", ".html", ".json"})


class Publicacion:
    """A batch's output folder, written aside and published at once.

    Use as a context manager; call ``publicar()`` when every file is written.
    Leaving the block without publishing (an error, Ctrl-C) discards the new
    files and keeps the previous set.
    """

    def __init__(self, salida: Path):
        self.salida = salida  # as the user wrote it: messages name this
        self.destino = salida.resolve()  # a symlinked --salida keeps pointing to the new set
        self.temporal: Path | None = None
        self.escritos: dict[str, None] = {}  # relative paths, in the order written
        self._carpetas: set[Path] = set()
        self._publicada = False

    # --- opening: leftovers, refusals, the fresh folder ---------------------------------

    def __enter__(self) -> Publicacion:
        padre = self.destino.parent
        try:
            padre.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise no_se_pudo_escribir(self.salida, exc) from None
        self._limpiar_restos()
        self._revisar_destino()
        try:
            self.temporal = Path(tempfile.mkdtemp(dir=padre, prefix=self._prefijo(os.getpid())))
            self.temporal.chmod(_modo_carpeta(self.destino))
        except OSError as exc:
            raise no_se_pudo_escribir(self.salida, exc) from None
        self._carpetas = {self.temporal}
        return self

    def _prefijo(self, pid: int) -> str:
        return f".{self.destino.name}.lote-{pid}-"

    def _restos(self) -> list[tuple[Path, int]]:
        patron = re.compile(rf"\.{re.escape(self.destino.name)}\.lote-(\d+)-")
        restos = []
        try:
            entradas = list(os.scandir(self.destino.parent))
        except OSError:
            return []
        for entrada in entradas:
            coincide = patron.match(entrada.name)
            if coincide and entrada.is_dir(follow_symlinks=False):
                restos.append((Path(entrada.path), int(coincide.group(1))))
        return sorted(restos)

    def _limpiar_restos(self) -> None:
        """Folders left by killed runs: a previous set half-swapped goes back, the rest goes."""
        for resto, pid in self._restos():
            if pid != os.getpid() and _vive(pid):
                continue  # another batch, writing to the same --salida right now
            if resto.name.endswith("-anterior") and not os.path.lexists(self.destino):
                resto.rename(self.destino)  # killed between the two renames of the fallback swap
                continue
            shutil.rmtree(resto, ignore_errors=True)

    def _revisar_destino(self) -> None:
        try:
            es_carpeta = self.destino.is_dir()
            existe = os.path.lexists(self.destino)
        except OSError as exc:
            raise no_se_pudo_escribir(self.salida, exc) from None
        if not existe:
            return
        if not es_carpeta:
            raise ErrorEntorno.uno(
                self.salida, "existe y no es una carpeta; elija una carpeta para --salida."
            )
        ajeno = primer_ajeno(self.destino)
        if ajeno is not None:
            raise ErrorEntorno.uno(
                self.salida,
                f"la carpeta ya existe y contiene {ajeno}, que no escribió «diagnostico lote»; "
                "no se reemplaza. Elija otra carpeta para --salida o vacíela.",
            )

    # --- writing ------------------------------------------------------------------------

    def escribir(self, relativa: str, contenido: str | bytes) -> None:
        """One file of the set, by its path inside --salida (a failure names that path)."""
        assert self.temporal is not None, "use Publicacion as a context manager"
        partes = PurePosixPath(relativa)
        if partes.is_absolute() or ".." in partes.parts or not partes.parts:
            raise ErrorEntorno.uno(self.salida / relativa, "ruta de salida fuera de --salida")
        ruta = self.temporal.joinpath(*partes.parts)
        try:
            self._crear_carpeta(ruta.parent)
            escribir_nuevo(ruta, contenido)
        except OSError as exc:
            raise self.fallo(relativa, exc) from None
        self.escritos[partes.as_posix()] = None

    @property
    def raiz(self) -> Path:
        """The hidden folder being written, where other processes may add files."""
        assert self.temporal is not None, "use Publicacion as a context manager"
        return self.temporal

    def crear_carpeta(self, relativa: str) -> None:
        """A folder of the set, created now (for other processes to write in)."""
        try:
            self._crear_carpeta(self.raiz / relativa)
        except OSError as exc:
            raise self.fallo(relativa, exc) from None

    def _crear_carpeta(self, ruta: Path) -> None:
        if ruta not in self._carpetas:
            ruta.mkdir(parents=True, exist_ok=True)
            self._carpetas.add(ruta)

    def adoptar(self, escrito: str, relativa: str) -> None:
        """A file another process wrote in the set (``escrito``), under its final name."""
        self.escritos[escrito] = None
        self.renombrar(escrito, relativa)

    def renombrar(self, de: str, a: str) -> None:
        """Give a written file its final name (a failure names the final path)."""
        assert self.temporal is not None, "use Publicacion as a context manager"
        try:
            self.temporal.joinpath(de).rename(self.temporal.joinpath(a))
        except OSError as exc:
            raise self.fallo(a, exc) from None
        del self.escritos[de]
        self.escritos[a] = None

    def quitar(self, relativa: str) -> None:
        """Leave a written file out of the set."""
        assert self.temporal is not None, "use Publicacion as a context manager"
        self.temporal.joinpath(relativa).unlink()
        del self.escritos[relativa]

    # --- publishing ---------------------------------------------------------------------

    def publicar(self) -> None:
        """Make the new set durable, then swap it in for the previous one."""
        assert self.temporal is not None, "use Publicacion as a context manager"
        self.escribir(MANIFIESTO, "".join(f"{r}\n" for r in self.escritos))
        try:
            _sincronizar(self.temporal)
            anterior = self._intercambiar()
            _sincronizar_carpeta(self.destino.parent)
        except OSError as exc:
            raise self.fallo("", exc) from None
        self._publicada = True
        if anterior is not None:
            shutil.rmtree(anterior, ignore_errors=True)

    def _intercambiar(self) -> Path | None:
        """Put the new set at --salida; return where the previous set now is, if any."""
        assert self.temporal is not None
        if not os.path.lexists(self.destino):
            self.temporal.rename(self.destino)
            return None
        if _intercambio_atomico(self.temporal, self.destino):
            return self.temporal
        anterior = self.temporal.with_name(self._prefijo(os.getpid()) + "anterior")
        self.destino.rename(anterior)
        self.temporal.rename(self.destino)
        return anterior

    def fallo(self, relativa: str, exc: OSError) -> ErrorEntorno:
        """The error of a write that failed, naming the file by its path in --salida."""
        return ErrorEntorno.uno(
            self.salida / relativa,
            f"no se pudo escribir ({motivo_so(exc)}); {self.salida} queda como estaba",
        )

    def __exit__(
        self,
        tipo: type[BaseException] | None,
        exc: BaseException | None,
        traza: TracebackType | None,
    ) -> None:
        if not self._publicada and self.temporal is not None:
            _descartar(self.temporal)


def _descartar(carpeta: Path) -> None:
    """Remove an unpublished folder that batch workers may still be writing into (after a
    Ctrl-C they finish their comuna): renamed first, so no new file can land in it, then
    removed, again if a file opened just before the rename appeared meanwhile."""
    descartada = carpeta.with_name(f"{carpeta.name}-descartada")  # still a leftover's name
    try:
        carpeta.rename(descartada)
    except OSError:
        descartada = carpeta
    for _ in range(5):
        shutil.rmtree(descartada, ignore_errors=True)
        if not os.path.lexists(descartada):
            return
        time.sleep(0.02)


def escribir_nuevo(ruta: Path, contenido: str | bytes) -> None:
    """Write a file that must not exist yet (a fresh folder: a name is written once)."""
    datos = contenido.encode("utf-8") if isinstance(contenido, str) else contenido
    with ruta.open("xb") as archivo:
        archivo.write(datos)


def primer_ajeno(carpeta: Path) -> str | None:
    """The first thing in ``carpeta`` that no batch wrote, described for a message; or None."""
    manifiesto = carpeta / MANIFIESTO
    conocidos: set[str] | None = None
    if manifiesto.is_file() and not manifiesto.is_symlink():
        conocidos = set(manifiesto.read_text(encoding="utf-8").splitlines())
        conocidos.add(MANIFIESTO)
        conocidos |= {str(PurePosixPath(c).parent) for c in list(conocidos)}
    pendientes = [(carpeta, "")]
    while pendientes:
        actual, prefijo = pendientes.pop()
        with os.scandir(actual) as entradas:
            for entrada in sorted(entradas, key=lambda e: e.name):
                relativa = prefijo + entrada.name
                if entrada.is_symlink():
                    return f"«{relativa}» (un enlace simbólico)"
                if entrada.name.startswith(".") and entrada.name.endswith(".tmp"):
                    continue  # a half-written file of a killed run: part of the old set
                carpeta_hija = entrada.is_dir()
                if not _del_lote(relativa, carpeta_hija, conocidos):
                    return f"«{relativa}»"
                if carpeta_hija:
                    pendientes.append((Path(entrada.path), relativa + "/"))
    return None


def _del_lote(relativa: str, es_carpeta: bool, conocidos: set[str] | None) -> bool:
    if conocidos is not None:
        return relativa in conocidos
    carpeta, sufijos = _LEGADO_COMUNAS
    if es_carpeta:
        return relativa == carpeta
    ruta = PurePosixPath(relativa)
    if str(ruta.parent) == carpeta:
        return ruta.suffix in sufijos
    return relativa in _LEGADO


def _vive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _modo_carpeta(destino: Path) -> int:
    """The previous set's mode, or the usual one for a new folder (umask), not mkdtemp's 0700."""
    try:
        return destino.stat().st_mode & 0o7777
    except OSError:
        mascara = os.umask(0)
        os.umask(mascara)
        return 0o777 & ~mascara


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_LIBC = ctypes.CDLL(None, use_errno=True)


def _intercambio_atomico(a: Path, b: Path) -> bool:
    """Exchange two folders in one step (Linux renameat2); False where that is not offered."""
    funcion = getattr(_LIBC, "renameat2", None)
    if funcion is None:
        return False
    hecho = funcion(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if hecho == 0:
        return True
    codigo = ctypes.get_errno()
    if codigo in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(codigo, os.strerror(codigo), str(b))


def _sincronizar(carpeta: Path) -> None:
    """One durable sync for the whole set: the file system holding it (syncfs), else all."""
    funcion = getattr(_LIBC, "syncfs", None)
    if funcion is None:
        os.sync()
        return
    fd = os.open(carpeta, os.O_RDONLY)
    try:
        if funcion(fd) != 0:
            codigo = ctypes.get_errno()
            raise OSError(codigo, os.strerror(codigo), str(carpeta))
    finally:
        os.close(fd)


def _sincronizar_carpeta(carpeta: Path) -> None:
    """Make the renames themselves durable."""
    fd = os.open(carpeta, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
