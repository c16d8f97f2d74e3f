"""Benchmark of the core: rule compile time, per-comuna evaluation time, CLI start-up.

Run: uv run python -m benchmarks.motor [--comunas N]

Evaluates the shipped illustrative examples and N synthetic answer sets
(random valid answers drawn from the questionnaire, fixed seed), reusing one
compiled engine, as the batch command does. Prints figures; asserts nothing.

    uv run python -m benchmarks.motor --antes 0e82bad [--repeticiones 5]

compares this checkout with an older commit (checked out in a temporary git
worktree, removed at the end) in one interleaved run, each measurement in a
fresh process: Motor.evaluar per comuna, ``evaluar`` end to end, and one
comuna with 50, 200 and 500 services (benchmarks/inventarios.py). Prints the
median and min–max of each side and of the ratio después/antes per round.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.sinteticas import datos_sinteticos
from diagnostico_experto.comun.archivos_yaml import Documento
from diagnostico_experto.comun.rutas import carpeta_por_defecto
from diagnostico_experto.conocimiento.carpeta import Conocimiento, cargar_conocimiento
from diagnostico_experto.conocimiento.respuestas import (
    Respuestas,
    cargar_respuestas,
    desde_documento,
)
from diagnostico_experto.motor.motor import Motor
from diagnostico_experto.reglas.lenguaje import cargar_reglas


def respuestas_sinteticas(
    conocimiento: Conocimiento, azar: random.Random, n: int
) -> list[Respuestas]:
    """N validated answer sets drawn from the questionnaire (see sinteticas.py)."""
    comunas = conocimiento.comunas()
    return [
        desde_documento(
            Documento(
                Path(f"sintetico-{i}"),
                datos_sinteticos(conocimiento, azar, comunas[i % len(comunas)]),
            ),
            conocimiento,
        )
        for i in range(n)
    ]


def medir(funcion, repeticiones: int) -> list[float]:
    tiempos = []
    for _ in range(repeticiones):
        inicio = time.perf_counter()
        funcion()
        tiempos.append((time.perf_counter() - inicio) * 1000)
    return tiempos


def resumen(nombre: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(
        f"{nombre:<44} mediana {statistics.median(ms):8.2f} ms   p95 {p95:8.2f} ms   (n={len(ms)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comunas", type=int, default=300, help="respuestas sintéticas a evaluar")
    parser.add_argument("--antes", help="commit con el que comparar (p. ej. 0e82bad)")
    parser.add_argument("--repeticiones", type=int, default=5, help="rondas intercaladas")
    parser.add_argument(
        "--servicios", default="50,200,500", help="tamaños de inventario a medir (con --antes)"
    )
    parser.add_argument(
        "--limite", type=float, default=90, help="segundos máximos de una medición (con --antes)"
    )
    args = parser.parse_args()
    if args.antes:
        from comparacion import comparar

        comparar(
            args.antes,
            args.repeticiones,
            min(args.comunas, 100),
            [int(n) for n in args.servicios.split(",") if n],
            args.limite,
        )
        return
    reglas_dir, conocimiento_dir = carpeta_por_defecto("rules"), carpeta_por_defecto("knowledge")

    conocimiento = cargar_conocimiento(conocimiento_dir)
    resumen(
        "cargar conocimiento (YAML + validación)",
        medir(lambda: cargar_conocimiento(conocimiento_dir), 10),
    )
    resumen("cargar y validar reglas", medir(lambda: cargar_reglas(reglas_dir, conocimiento), 10))
    reglas = cargar_reglas(reglas_dir, conocimiento)
    resumen(
        f"compilar {len(reglas)} reglas en experta (red RETE)",
        medir(lambda: Motor(conocimiento, reglas), 10),
    )

    motor = Motor(conocimiento, reglas)
    ejemplos = [
        cargar_respuestas(r, conocimiento)
        for r in sorted((conocimiento_dir / "ejemplos").glob("*.yaml"))
    ]
    resumen(
        "leer un archivo de respuestas (YAML)",
        medir(
            lambda: cargar_respuestas(conocimiento_dir / "ejemplos" / "yumbel.yaml", conocimiento),
            50,
        ),
    )
    for r in ejemplos:
        motor.evaluar(r)  # warm-up
    resumen(
        "evaluar una comuna (ejemplos)",
        [t for r in ejemplos for t in medir(lambda r=r: motor.evaluar(r), 50)],
    )
    sinteticas = respuestas_sinteticas(conocimiento, random.Random(2026), args.comunas)
    resumen(
        "evaluar una comuna (sintéticas)",
        [medir(lambda r=r: motor.evaluar(r), 1)[0] for r in sinteticas],
    )

    ejemplo = str(conocimiento_dir / "ejemplos" / "yumbel.yaml")
    for nombre, comando in (
        ("arranque del CLI (--help)", [sys.executable, "-m", "diagnostico_experto", "--help"]),
        (
            "CLI evaluar una comuna, de punta a punta",
            [sys.executable, "-m", "diagnostico_experto", "evaluar", ejemplo],
        ),
    ):
        resumen(
            nombre, medir(lambda c=comando: subprocess.run(c, check=True, capture_output=True), 5)
        )
    print(f"Python {sys.version.split()[0]}; reglas: {reglas_dir}; {Path.cwd()}")


if __name__ == "__main__":
    main()
