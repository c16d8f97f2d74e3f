"""Batch evaluation: every comuna of a folder of answer files or of a spreadsheet.

Each comuna is evaluated on its own: a broken input is reported with its
file, line and reason, and the others go on. With several workers, each
process compiles the rules once and evaluates a share of the comunas; results
come back in input order, so the output does not depend on the number of
workers. The process that evaluates a comuna also writes its reports, into
the batch's folder under a name of its own (the batch gives them their final
name): reports never travel between processes, and the batch keeps only the
compact result each comuna's tables need.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import pickle
import signal
import sys
import tempfile
import zlib
from collections.abc import Hashable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from diagnostico_experto.comun.archivos_yaml import Documento
from diagnostico_experto.comun.errores import (
    ErrorArchivo,
    ErrorDiagnostico,
    ErrorRespuestas,
    lineas,
)
from diagnostico_experto.comun.interrupcion import ignorar_ctrl_c, sin_ctrl_c
from diagnostico_experto.comun.recolector import politica_de_proceso
from diagnostico_experto.comun.salidas import nombre_de_archivo
from diagnostico_experto.conocimiento.respuestas import (
    Respuestas,
    cargar_respuestas,
    desde_documento,
)
from diagnostico_experto.informes.comuna import informes
from diagnostico_experto.lote.entradas import Entrada
from diagnostico_experto.lote.publicacion import escribir_nuevo
from diagnostico_experto.motor.avance import Avance
from diagnostico_experto.motor.motor import Motor
from diagnostico_experto.motor.resultado import Resultado

# What a comuna's reports say and the batch's tables, index and synthesis never read:
# a batch keeps its results without them (a comuna's history reads its whole result,
# ``Evaluada.completa``).
SOLO_EN_INFORMES: dict[str, Any] = {
    "traza": [],
    "caminos": {},
    "elementos": [],
    "retenidos": [],
    "insumos": [],
    "advertencias": [],
    "plan_por_etapas": [],
}


@dataclass
class Evaluada:
    origen: str
    resultado: Resultado  # the comuna's result without what only its reports read
    informes: dict[str, str]  # format -> the report written, relative to the batch's folder
    no_escrito: tuple[str, OSError] | None = None  # a report's format and why it failed
    slug: str = ""
    anterior: bool = False  # an earlier diagnosis of a comuna with a later one (lote/historia.py)
    avance: Avance | None = (
        None  # on a comuna's latest diagnosis, its progress since the línea base
    )
    # the whole result (without its trace) and the answers, pickled and compressed (in
    # the batch's process, set aside on disk): read back only for a comuna with several
    # diagnoses, to compare them
    entero: bytes | Apartado = b""

    @classmethod
    def de(cls, origen: str, resultado: Resultado, respuestas: dict[str, Any]) -> Evaluada:
        """A comuna's evaluation as the batch keeps it, made where it was evaluated."""
        sin_traza = resultado.model_copy(update={"traza": []})
        entero = zlib.compress(pickle.dumps((sin_traza, respuestas), pickle.HIGHEST_PROTOCOL), 1)
        return cls(origen, resultado.model_copy(update=SOLO_EN_INFORMES), {}, entero=entero)

    @property
    def comuna(self) -> str:
        return self.resultado.comuna

    def completa(self) -> tuple[Resultado, dict[str, Any]]:
        """The whole result (without its trace) and the answers it was evaluated from."""
        entero = self.entero if isinstance(self.entero, bytes) else self.entero.leer()
        resultado, respuestas = pickle.loads(zlib.decompress(entero))
        return resultado, respuestas

    def aligerar(self, compactar: Compactador) -> None:
        """Once its reports are in place, keep only what the batch's tables need."""
        self.informes = {}
        self.resultado = compactar(self.resultado)
        if isinstance(self.entero, bytes):
            self.entero = compactar.apartar(self.entero)


@dataclass(frozen=True)
class Apartado:
    """Bytes set aside in a batch's temporary file (``Compactador.apartar``)."""

    archivo: IO[bytes]
    desde: int
    largo: int

    def leer(self) -> bytes:
        self.archivo.seek(self.desde)
        return self.archivo.read(self.largo)


_CAMPOS: dict[type[BaseModel], set[str]] = {}  # one fields set per model class, shared


class Compactador:
    """The batch's results in little memory, for batches of thousands of comunas.

    Results are kept for the tables until every comuna is in. Their models are
    rebuilt without validating again, all of one class sharing one set of field
    names (pydantic keeps a set per instance), strings interned, and equal parts
    shared between comunas: products, hour lines, gaps and adjustments come from
    the rules, so most comunas repeat ones already kept. One per batch; what it
    returns is read, never changed. What only a comuna's history reads waits in a
    temporary file (``apartar``), open until the compactor is closed.
    """

    def __init__(self) -> None:
        self._iguales: dict[Hashable, BaseModel] = {}
        self._aparte: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in cerrar)

    def __enter__(self) -> Compactador:
        return self

    def __exit__(self, *excepcion: object) -> None:
        self.cerrar()

    def cerrar(self) -> None:
        self._aparte.close()

    def apartar(self, datos: bytes) -> Apartado:
        """``datos`` out of memory, to be read back while the compactor is open."""
        desde = self._aparte.seek(0, os.SEEK_END)
        self._aparte.write(datos)
        return Apartado(self._aparte, desde, len(datos))

    def __call__(self, resultado: Resultado) -> Resultado:
        compacto: Resultado = self._copia(resultado)
        return compacto

    def _copia(self, valor: Any) -> Any:
        """A compact copy whose list items are shared with equal ones of other comunas."""
        if isinstance(valor, BaseModel):
            return _construido(valor, {k: self._copia(v) for k, v in valor.__dict__.items()})
        if isinstance(valor, str):
            return sys.intern(valor)
        if isinstance(valor, dict):
            return {sys.intern(k): self._copia(v) for k, v in valor.items()}
        if isinstance(valor, list):
            return [self._compartido(v)[0] for v in valor]
        return valor

    def _compartido(self, valor: Any) -> tuple[Any, Hashable]:
        """The compact value and a key equal for equal values (a model: its shared copy's id)."""
        if isinstance(valor, BaseModel):
            partes = [(k, *self._compartido(v)) for k, v in valor.__dict__.items()]
            clave = (type(valor), *(c for _, _, c in partes))  # fields come in their class's order
            igual = self._iguales.get(clave)
            if igual is None:
                igual = _construido(valor, {sys.intern(k): v for k, v, _ in partes})
                self._iguales[clave] = igual
            return igual, id(igual)  # kept alive by _iguales: the id is not reused
        if isinstance(valor, str):
            texto = sys.intern(valor)
            return texto, texto
        if isinstance(valor, dict):
            pares = [(sys.intern(k), *self._compartido(v)) for k, v in valor.items()]
            return {k: v for k, v, _ in pares}, (dict, *((k, c) for k, _, c in pares))
        if isinstance(valor, list):
            elementos = [self._compartido(v) for v in valor]
            return [v for v, _ in elementos], (list, *(c for _, c in elementos))
        try:
            hash(valor)
        except TypeError:  # an unhashable value: kept as it is, never shared
            return valor, object()
        return valor, (type(valor), valor)  # 1 and 1.0 stay apart


def _construido(modelo: BaseModel, campos: dict[str, Any]) -> Any:
    """The model rebuilt from fields already valid, without validating again; all of
    one class share one set of field names (pydantic keeps a set per instance)."""
    clase = type(modelo)
    nombres = _CAMPOS.setdefault(clase, set(clase.model_fields))
    return clase.model_construct(nombres, **campos)


@dataclass
class Fallida:
    origen: str
    problemas: list[str] = field(default_factory=list)


FORMATOS_LOTE = ("md", "html", "docx", "json")
CARPETA_COMUNAS = "comunas"


def procesos_por_defecto(comunas: int) -> int:
    """One process per core this process may use (its CPU affinity, where the
    system has one; else the machine's cores), never more than comunas."""
    try:
        nucleos = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        nucleos = os.cpu_count() or 1
    return max(1, min(nucleos, comunas))


@dataclass(frozen=True)
class Lote:
    """What every process of a batch needs to know: where the rules and the
    knowledge are, the batch's folder, where reports are written, and the
    shared cache's folder the command's entry gave (None: none)."""

    reglas: Path
    conocimiento: Path
    carpeta: Path
    cache: Path | None = None


@dataclass
class Corrida:
    """A batch run inside one process: its compiled engine, the batch's folder and
    the shared cache's folder, for the reports' compiled templates (None: none)."""

    motor: Motor
    carpeta: Path
    cache: Path | None = None

    def evaluar(self, tarea: tuple[int, Entrada]) -> Evaluada | Fallida:
        """One comuna: evaluated, its reports written under a name of its own."""
        n, entrada = tarea
        motor = self.motor
        try:
            evaluacion = motor.evaluar(respuestas_de(entrada, motor), caminos=True)
            textos = informes(
                evaluacion,
                motor.reglas,
                motor.conocimiento,
                FORMATOS_LOTE,
                indice="../index.html",
                cache=self.cache,
            )
        except ErrorDiagnostico as exc:  # the answers, or the Word template (checked before)
            return Fallida(entrada.origen, lineas(exc.problemas))
        evaluada = Evaluada.de(
            entrada.origen, evaluacion.resultado, evaluacion.respuestas.respuestas
        )
        base = f"{CARPETA_COMUNAS}/.{n}-{nombre_de_archivo(evaluada.comuna)}"
        for formato, texto in textos.items():
            relativa = f"{base}.{formato}"
            try:
                escribir_nuevo(self.carpeta / relativa, texto)
            except OSError as exc:
                evaluada.no_escrito = (formato, exc)
                break
            evaluada.informes[formato] = relativa
        return evaluada


@functools.cache
def _corrida_del_proceso(lote: Lote) -> Corrida:
    """A worker's run, made once per process: the pool hands a worker only the
    function of each task, so the run its initializer made is found here."""
    motor = Motor.desde_carpetas(lote.reglas, lote.conocimiento, lote.cache)
    return Corrida(motor, lote.carpeta, lote.cache)


def _evaluar_en_trabajador(lote: Lote, tarea: tuple[int, Entrada]) -> Evaluada | Fallida:
    return _corrida_del_proceso(lote).evaluar(tarea)


def respuestas_de(entrada: Entrada, motor: Motor) -> Respuestas:
    """Validated answers of a file or of a spreadsheet row; a row's reading problems
    come with those of the rest of its data (an unreadable row has no data)."""
    if entrada.ruta is not None:
        return cargar_respuestas(entrada.ruta, motor.conocimiento)
    problemas = list(entrada.problemas)
    if problemas and not entrada.datos:
        raise ErrorRespuestas(problemas)
    doc = Documento(Path(entrada.origen), entrada.datos, entrada.lugares)
    try:
        respuestas = desde_documento(doc, motor.conocimiento)
    except ErrorArchivo as exc:
        if not problemas:
            raise
        raise ErrorRespuestas([*problemas, *exc.problemas]) from None
    if problemas:
        raise ErrorRespuestas(problemas)
    return respuestas


def evaluar_en_orden(
    entradas: list[Entrada],
    reglas: Path,
    conocimiento: Path,
    carpeta: Path,
    workers: int = 1,
    motor: Motor | None = None,
    cache: Path | None = None,
) -> Iterator[Evaluada | Fallida]:
    """Every comuna, in input order, each as soon as it (and those before it) is done.

    Reports go to ``carpeta``/comunas (which must exist). ``motor``, when the
    caller has one, serves the in-process run instead of loading and
    compiling the rules again. ``cache``: the shared cache's folder the command's
    entry gave (None: none), for every process of the batch. Workers ignore Ctrl-C: the command stops them
    (pending comunas cancelled) and says so in one line.
    """
    tareas = list(enumerate(entradas))
    lote = Lote(reglas, conocimiento, carpeta, cache)
    if workers <= 1 or len(entradas) <= 1:
        corrida = Corrida(
            motor or Motor.desde_carpetas(reglas, conocimiento, cache), carpeta, cache
        )
        yield from map(corrida.evaluar, tareas)
        return
    tanda = max(1, min(16, len(entradas) // (workers * 4)))
    ejecutor = ProcessPoolExecutor(
        workers, initializer=_iniciar_trabajador, initargs=(lote, os.getpid())
    )
    try:
        with sin_ctrl_c():  # the workers start (and drop a Ctrl-C) before it reaches them
            resultados = ejecutor.map(
                functools.partial(_evaluar_en_trabajador, lote), tareas, chunksize=tanda
            )
        yield from resultados
    except BaseException:  # Ctrl-C, a write that failed, the consumer closing early
        ejecutor.shutdown(wait=False, cancel_futures=True)
        raise
    ejecutor.shutdown()


def _iniciar_trabajador(lote: Lote, padre: int) -> None:
    """A batch worker's process entry: Ctrl-C left to the parent, the worker tied
    to the parent's life, its rules compiled, its collector policy set."""
    ignorar_ctrl_c()  # Ctrl-C is the parent's to handle
    _morir_con(padre)
    _corrida_del_proceso(lote)
    politica_de_proceso(apartar_lo_cargado=True)  # the worker ends with the batch


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _morir_con(padre: int) -> None:
    """End this worker when the batch process ends, even by ``kill -9``.

    A worker holds both ends of the pool's result pipe, so it never sees the
    parent go: it would wait forever, blocked on a full pipe, holding its
    memory. On Linux the kernel sends it SIGKILL when the parent dies.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != padre:  # the parent died before the request took effect
        os._exit(1)
