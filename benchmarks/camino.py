"""Benchmark of the path to the next level over the 29 illustrative examples.

Run: uv run python -m benchmarks.camino [--repeticiones N] [--workers W]

1. In process: a first pass over the examples with paths on a new engine (as a
   batch worker does it: the slices compiled, no level remembered yet), with the
   times the rules ran; then each example evaluated with and without its paths
   (``Motor.evaluar`` with ``caminos=True`` or not); the best of N rounds, in ms
   per comuna, and the evaluations the search counted per comuna.
2. The batch (``diagnostico lote`` over the examples, every output) in a fresh
   process, with paths and without them (a copy of knowledge/ whose camino.yaml
   says ``max_cambios: 0``), interleaved N times: wall seconds, user CPU seconds
   and the ratios with/without, median and min–max (the machine is shared: read
   the ratios). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from diagnostico_experto.comun.rutas import carpeta_por_defecto
from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
from diagnostico_experto.motor.motor import Motor


def en_proceso(repeticiones: int) -> None:
    motor = Motor.desde_carpetas(carpeta_por_defecto("rules"), carpeta_por_defecto("knowledge"))
    ejemplos = sorted((carpeta_por_defecto("knowledge") / "ejemplos").glob("*.yaml"))
    respuestas = [cargar_respuestas(r, motor.conocimiento) for r in ejemplos]
    # first pass, as a batch does it: each comuna once, on a new engine (slices compiled,
    # levels not yet remembered)
    for r in respuestas:
        motor.evaluar(r)
    inicio = time.process_time()
    for r in respuestas:
        motor.evaluar(r, caminos=True)
    primera = (time.process_time() - inicio) / len(respuestas) * 1000
    corridas = sum(getattr(s, "corridas", 0) for s in motor.buscador._rebanadas.values())
    print(
        f"Primera pasada con caminos (motor nuevo): {primera:.1f} ms de CPU por comuna; "
        f"el motor corrió {corridas / len(respuestas):.1f} veces por comuna"
    )
    tiempos: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(repeticiones):
        for caminos in (False, True):
            inicio = time.process_time()
            for r in respuestas:
                motor.evaluar(r, caminos=caminos)
            tiempos[caminos].append((time.process_time() - inicio) / len(respuestas) * 1000)
    evaluaciones = [
        sum(a.evaluaciones for a in motor.evaluar(r, caminos=True).resultado.caminos.values())
        for r in respuestas
    ]
    sin, con = min(tiempos[False]), min(tiempos[True])
    print(
        f"En proceso, {len(respuestas)} comunas, mejor de {repeticiones} "
        "(CPU ms por comuna; los niveles de la búsqueda ya recordados):"
    )
    print(f"  evaluar sin caminos: {sin:.1f} ms · con caminos: {con:.1f} ms")
    print(f"  búsqueda de caminos: {con - sin:.1f} ms por comuna")
    print(
        f"  evaluaciones de la búsqueda por comuna: media {statistics.mean(evaluaciones):.1f}, "
        f"máximo {max(evaluaciones)}"
    )


def lote(repeticiones: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        carpeta = Path(tmp)
        sin_caminos = carpeta / "knowledge"
        shutil.copytree(carpeta_por_defecto("knowledge"), sin_caminos)
        archivo = sin_caminos / "camino.yaml"
        texto = re.sub(r"max_cambios: \d+", "max_cambios: 0", archivo.read_text("utf-8"))
        archivo.write_text(texto, "utf-8")
        medidas: dict[str, list[tuple[float, float]]] = {"con": [], "sin": []}
        for i in range(repeticiones):
            for lado in ("con", "sin") if i % 2 == 0 else ("sin", "con"):
                extra = ["--conocimiento", str(sin_caminos)] if lado == "sin" else []
                salida = carpeta / f"salida-{lado}-{i}"
                medidas[lado].append(
                    correr(["lote", *extra, "--salida", str(salida), "--workers", str(workers)])
                )
    print(f"Lote de los ejemplos, --workers {workers}, {repeticiones} veces cada lado:")
    for lado in ("sin", "con"):
        pared = statistics.median(m[0] for m in medidas[lado])
        cpu = statistics.median(m[1] for m in medidas[lado])
        print(f"  {lado} caminos: {pared:.2f} s de reloj, {cpu:.2f} s de CPU (medianas)")
    for n, nombre in ((0, "reloj"), (1, "CPU")):
        razones = [c[n] / s[n] for c, s in zip(medidas["con"], medidas["sin"], strict=True)]
        print(
            f"  con/sin ({nombre}): {statistics.median(razones):.2f} "
            f"({min(razones):.2f}–{max(razones):.2f})"
        )


def correr(argumentos: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one command (its workers included: they are waited for)."""
    inicio = time.perf_counter()
    proceso = subprocess.Popen(
        [sys.executable, "-m", "diagnostico_experto", *argumentos],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, estado, uso = os.wait4(proceso.pid, 0)
    pared = time.perf_counter() - inicio
    if os.waitstatus_to_exitcode(estado) != 0:
        raise SystemExit(f"falló: {argumentos}")
    return pared, uso.ru_utime + uso.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeticiones", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    en_proceso(args.repeticiones)
    lote(args.repeticiones, args.workers)


if __name__ == "__main__":
    main()
