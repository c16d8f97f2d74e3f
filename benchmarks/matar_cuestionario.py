"""kill -9 at random moments of a questionnaire session: no confirmed answer is lost.

Run: uv run python -m benchmarks.matar_cuestionario [--veces 10] [--semilla 1]

The questionnaire runs in a real pseudo-terminal (pexpect), driven by keys.
Four sessions cover its parts: the questions of a new file, the review of a
finished one, the services inventory, and the mesa comunal followed by the
validation. Each session is a list of steps (the keys of one action); a
reference run sends them one at a time, waits until the screen is quiet, and
reads the answer file after each: the states a user can confirm.

Then, --veces times, a session chosen at random is replayed up to a random
step, that step's keys are sent, and the process is killed with SIGKILL after a
random delay (0–0,4 s; half the kills aim at a step that saves, 0–0,15 s after
its keys), before, during or after the save. The answer file must then read
(the project's reader) and hold exactly the state before the step
(«anterior», or «sin cambio» for a step that saves nothing) or after it
(«nuevo»): every confirmed answer, nothing half written. The lock must be free for the next session, and a hidden temporary
file left by the kill must be gone after the next save.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
from ruamel.yaml import YAML

from benchmarks.sinteticas import RAIZ
from diagnostico_experto.comun.archivos_yaml import escribir_atomico, leer
from diagnostico_experto.comun.cerrojo import Cerrojo
from diagnostico_experto.comun.errores import ErrorDiagnostico
from diagnostico_experto.comun.rutas import carpeta_por_defecto
from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento
from diagnostico_experto.terminal import cierre

ENTER, ABAJO, ESPACIO = "\r", "\x1b[B", " "
# Where each end-menu entry is (terminal/cierre.MENU holds the order); «Salir» asks to confirm.
(
    PRODUCTOS,
    PROPUESTA,
    CAMINO,
    RAZONES,
    REVISAR,
    VALIDAR,
    INVENTARIO,
    RESPONSABLES,
    EVIDENCIA,
    INFORME,
    SALIR,
) = (
    cierre.MENU.index(e)
    for e in (
        cierre.PRODUCTOS,
        cierre.PROPUESTA,
        cierre.CAMINO,
        cierre.RAZONES,
        cierre.REVISAR,
        cierre.VALIDAR,
        cierre.INVENTARIO,
        cierre.RESPONSABLES,
        cierre.EVIDENCIA,
        cierre.INFORME,
        cierre.SALIR,
    )
)  # each entry's place in the end menu, by what it is
ENTORNO = {"COLUMNS": "80", "LINES": "300", "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
QUIETO = 1.5  # seconds without output: the program waits for a key


def elegir(indice: int) -> str:
    return ABAJO * indice + ENTER


def marcar(*indices: int) -> str:
    teclas, posicion = "", 0
    for i in sorted(indices):
        teclas += ABAJO * (i - posicion) + ESPACIO
        posicion = i
    return teclas + ENTER


@dataclass(frozen=True)
class Sesion:
    nombre: str
    inicial: Callable[[Path], None]  # writes the answer file the session starts from
    argumentos: tuple[str, ...]
    pasos: tuple[str, ...]  # the keys of each step


def _nuevo(ruta: Path) -> None:
    ruta.unlink(missing_ok=True)


def _terminado(sin_mesa: bool = False) -> Callable[[Path], None]:
    """A finished answer file: the first option of every applicable question, a service, a mesa."""

    def escribir(ruta: Path) -> None:
        conocimiento = cargar_conocimiento(carpeta_por_defecto("knowledge"))
        respuestas: dict[str, Any] = {}
        for pregunta in conocimiento.cuestionario.preguntas:
            if not conocimiento.cuestionario.aplica(pregunta, respuestas):
                continue
            if pregunta.tipo == "numero":
                respuestas[pregunta.id] = 2
            elif pregunta.tipo == "texto":
                respuestas[pregunta.id] = "Sin observaciones."
            elif pregunta.tipo == "opcion_multiple":
                respuestas[pregunta.id] = [pregunta.valores()[0]]
            else:
                respuestas[pregunta.id] = pregunta.valores()[0]
        datos: dict[str, Any] = {
            "comuna": "Ninhue",
            "fecha": "2026-11-01",
            "respuestas": respuestas,
            "servicios": [
                {
                    "nombre": "PRODESAL",
                    "unidad": "UDEL",
                    "origen": "indap",
                    "clientes": ["pequenos_agricultores"],
                    "etapas": ["difusion", "diagnostico"],
                }
            ],
        }
        if not sin_mesa:
            datos["mesa"] = [{"nombre": "Ana Pérez", "cargo": "Encargada", "unidad": "UDEL"}]
        yaml = YAML()
        with ruta.open("w", encoding="utf-8") as archivo:
            yaml.dump(datos, archivo)

    return escribir


SESIONES = (
    Sesion("preguntas", _nuevo, ("--comuna", "Ninhue"), (ENTER,) * 6),
    Sesion(
        "revision",
        _terminado(),
        (),
        (elegir(REVISAR), elegir(1), ABAJO * 4 + ENTER, elegir(2), ENTER),
    ),
    Sesion(
        "servicios",
        _terminado(),
        (),
        (
            elegir(INVENTARIO),
            elegir(1),
            "Uno\r",
            "UDEL\r",
            elegir(0),
            marcar(0),
            marcar(1),
            ENTER,
            elegir(1),
            "Dos\r",
            "OMIL\r",
            elegir(4),
            marcar(6),
            marcar(3),
            elegir(1),
        ),
    ),
    Sesion(
        "mesa-y-validacion",
        _terminado(sin_mesa=True),
        (),
        (
            elegir(VALIDAR),
            elegir(1),
            "Luis Soto\r",
            "Alcalde\r",
            "Alcaldía\r",
            ENTER,
            ENTER,
            elegir(1),
            ENTER,
            "La mesa lo decide.\r",
            elegir(1),
        ),
    ),
)


def abrir(sesion: Sesion, ruta: Path) -> pexpect.spawn:
    hijo = pexpect.spawn(
        sys.executable,
        ["-m", "diagnostico_experto", "cuestionario", str(ruta), *sesion.argumentos],
        cwd=RAIZ,
        env={**os.environ, **ENTORNO},
        encoding="utf-8",
        dimensions=(300, 80),
        timeout=60,
    )
    quieto(hijo)
    return hijo


def quieto(hijo: pexpect.spawn) -> None:
    """Read the screen until it answers, then until it has been quiet for QUIETO seconds
    (the program awaits a key; an evaluation in between is silent for less than that)."""
    espera = 60.0
    while True:
        try:
            hijo.read_nonblocking(100_000, timeout=espera)
        except (pexpect.TIMEOUT, pexpect.EOF):
            return
        espera = QUIETO


def estado(ruta: Path) -> Any:
    """The answer file as the project reads it; a string saying why when it cannot be read."""
    if not ruta.exists():
        return None
    try:
        return leer(ruta).datos
    except ErrorDiagnostico as exc:
        return f"NO SE LEE: {exc}"


def referencia(sesion: Sesion, carpeta: Path) -> list[Any]:
    """The answer file once the session is open, and after each of its steps."""
    ruta = carpeta / "r.yaml"
    sesion.inicial(ruta)
    hijo = abrir(sesion, ruta)
    estados = [estado(ruta)]  # once open: a new file already holds its comuna and date
    for teclas in sesion.pasos:
        hijo.send(teclas)
        quieto(hijo)
        estados.append(estado(ruta))
    hijo.kill(signal.SIGKILL)
    hijo.wait()
    return estados


def restos(carpeta: Path) -> list[str]:
    return sorted(p.name for p in carpeta.iterdir() if p.name.endswith(".tmp"))


def matar(veces: int, semilla: int, mostrar: Callable[[str], None] = print) -> dict[str, int]:
    """Kill sessions at ``veces`` seeded random moments; how many ended in each state."""
    azar = random.Random(semilla)
    resumen: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as temporal:
        base = Path(temporal)
        estados = {}
        for sesion in SESIONES:
            carpeta = base / f"ref-{sesion.nombre}"
            carpeta.mkdir()
            estados[sesion.nombre] = referencia(sesion, carpeta)
            pares = zip(estados[sesion.nombre], estados[sesion.nombre][1:], strict=False)
            cambios = sum(a != b for a, b in pares)
            mostrar(
                f"referencia {sesion.nombre}: {len(sesion.pasos)} pasos, {cambios} guardan algo"
            )
        mostrar(f"{'vez':>3}  {'sesión':<18} {'paso':>4}  {'SIGKILL':>8}  resultado")
        for vez in range(1, veces + 1):
            sesion = azar.choice(SESIONES)
            guardan = [
                i
                for i, (a, b) in enumerate(
                    zip(estados[sesion.nombre], estados[sesion.nombre][1:], strict=False)
                )
                if a != b
            ]
            if azar.random() < 0.5:  # half the kills aim at a step that saves, near its save
                paso, espera = azar.choice(guardan), azar.uniform(0, 0.15)
            else:
                paso, espera = azar.randrange(len(sesion.pasos)), azar.uniform(0, 0.4)
            carpeta = base / f"vez-{vez}"
            carpeta.mkdir()
            ruta = carpeta / "r.yaml"
            sesion.inicial(ruta)
            hijo = abrir(sesion, ruta)
            for teclas in sesion.pasos[:paso]:
                hijo.send(teclas)
                quieto(hijo)
            hijo.send(sesion.pasos[paso])
            time.sleep(espera)
            hijo.kill(signal.SIGKILL)
            hijo.wait()
            hay = estado(ruta)
            anterior, nuevo = estados[sesion.nombre][paso], estados[sesion.nombre][paso + 1]
            if isinstance(hay, str):
                resultado = "no se lee"
            elif hay == nuevo and anterior != nuevo:
                resultado = "nuevo"
            elif hay == anterior:
                resultado = "anterior" if anterior != nuevo else "sin cambio (el paso no guarda)"
            else:
                resultado = "OTRO ESTADO"
                mostrar(f"     antes: {anterior}\n     después: {nuevo}\n     quedó: {hay}")
            libre = _cerrojo_libre(ruta)
            quedaron = restos(carpeta)
            if hay is not None and not isinstance(hay, str):
                escribir_atomico(ruta, ruta.read_bytes())  # the next save
            tras = restos(carpeta)
            if not libre:
                resultado += ", cerrojo tomado"
            if tras:
                resultado += ", temporales"
            resumen[resultado] = resumen.get(resultado, 0) + 1
            mostrar(
                f"{vez:>3}. {sesion.nombre:<18} {paso + 1:>4}  {espera:6.2f} s  {resultado}; "
                f"cerrojo {'libre' if libre else 'TOMADO'}; temporales tras el kill: "
                f"{len(quedaron)}, tras el siguiente guardado: {len(tras)}"
            )
            shutil.rmtree(carpeta)
    return resumen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--veces", type=int, default=10)
    parser.add_argument("--semilla", type=int, default=1)
    opciones = parser.parse_args()
    resumen = matar(opciones.veces, opciones.semilla, lambda t: print(t, flush=True))
    print(f"Resultado: {resumen}")


def _cerrojo_libre(ruta: Path) -> bool:
    try:
        with Cerrojo(ruta):
            return True
    except ErrorDiagnostico:
        return False


if __name__ == "__main__":
    main()
