"""One Word document per comuna, before and after, interleaved: the first and the next ones.

Run: uv run python -m benchmarks.documento_word --antes CARPETA [--rondas 5] [--comunas 8]
         [--datos CARPETA]

CARPETA is a checkout of an older commit with its own ``.venv`` (as for
``benchmarks/arranque.py``). Each round starts, for each side (alternating which
goes first), one fresh process with that side's interpreter and its own warm
shared cache, on the same rules and knowledge (``--datos``; by default the older
side's). The process loads the engine, evaluates ``--comunas`` examples, imports
the Word libraries (timed apart), then writes the DOCX of each comuna through
``informes.comuna.informe``: the first document of the process (template opened
and compiled, or read from the shared cache) and the mean of the next ones (what
each comuna costs in a batch). CPU time of the process (``time.process_time``),
so a busy machine disturbs it less than wall time. Medians and the median of the
per-round ratios después/antes. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent

# Runs inside each side's interpreter: only APIs both sides have.
_HIJO = r"""
import json, os, sys, time
from pathlib import Path
datos, n = Path(sys.argv[1]), int(sys.argv[2])
try:  # newer code: the shared cache's folder is a parameter; older code read the environment
    from diagnostico_experto.cli.variables import entorno_de
    cache = {"cache": entorno_de(os.environ).cache}
except ImportError:
    cache = {}
try:  # the process entry's collector policy (newer code; older code set it elsewhere)
    from diagnostico_experto.comun.recolector import politica_de_proceso
    politica_de_proceso()
except ImportError:
    pass
from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
from diagnostico_experto.informes.comuna import informe
from diagnostico_experto.motor.motor import Motor
motor = Motor.desde_carpetas(datos / "rules", datos / "knowledge", **cache)
ejemplos = sorted((datos / "knowledge" / "ejemplos").glob("*.yaml"))[:n]
evaluaciones = [motor.evaluar(cargar_respuestas(e, motor.conocimiento)) for e in ejemplos]
t = time.process_time()
import docxtpl, docx  # noqa: E401
importar = time.process_time() - t
tiempos = []
for e in evaluaciones:
    t = time.process_time()
    informe(e, motor.reglas, motor.conocimiento, "docx", **cache)
    tiempos.append(time.process_time() - t)
print(json.dumps({"importar": importar, "primero": tiempos[0], "siguientes": tiempos[1:]}))
"""


def _correr(python: Path, datos: Path, comunas: int, cache: Path) -> dict[str, float]:
    entorno = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE",)}
    entorno["XDG_CACHE_HOME"] = str(cache)
    hecho = subprocess.run(
        [str(python), "-c", _HIJO, str(datos), str(comunas)],
        env=entorno,
        capture_output=True,
        text=True,
        check=True,
    )
    medido = json.loads(hecho.stdout.strip().splitlines()[-1])
    medido["siguiente"] = statistics.mean(medido.pop("siguientes"))
    return medido


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--antes", type=Path, required=True, help="checkout anterior con .venv")
    parser.add_argument("--rondas", type=int, default=5)
    parser.add_argument("--comunas", type=int, default=8)
    parser.add_argument("--datos", type=Path, help="carpeta con rules/ y knowledge/")
    opciones = parser.parse_args()
    datos = opciones.datos or opciones.antes
    lados = {
        "antes": opciones.antes / ".venv" / "bin" / "python",
        "despues": RAIZ / ".venv" / "bin" / "python",
    }
    with tempfile.TemporaryDirectory(prefix="diagnostico-word-") as tmp:
        caches = {nombre: Path(tmp, nombre) for nombre in lados}
        for nombre, python in lados.items():  # warm: bytecode and shared cache
            _correr(python, datos, 2, caches[nombre])
        medidas: dict[str, list[dict[str, float]]] = {nombre: [] for nombre in lados}
        for ronda in range(opciones.rondas):
            orden = list(lados) if ronda % 2 == 0 else list(lados)[::-1]
            for nombre in orden:
                medidas[nombre].append(
                    _correr(lados[nombre], datos, opciones.comunas, caches[nombre])
                )
    print(f"carga del equipo al terminar: {os.getloadavg()}; {opciones.rondas} rondas")
    print(f"{'CPU (ms)':<34}{'antes':>10}{'después':>10}{'razón (mín–máx)':>24}")
    for clave, texto in (
        ("importar", "importar docxtpl y python-docx"),
        ("primero", "primer documento del proceso"),
        ("siguiente", "cada documento siguiente"),
    ):
        a = [m[clave] for m in medidas["antes"]]
        d = [m[clave] for m in medidas["despues"]]
        razones = [y / x for x, y in zip(a, d, strict=True) if x > 0]
        print(
            f"{texto:<34}{statistics.median(a) * 1000:>10.1f}{statistics.median(d) * 1000:>10.1f}"
            f"{statistics.median(razones):>12.2f} ({min(razones):.2f}–{max(razones):.2f})"
        )


if __name__ == "__main__":
    sys.exit(main())
