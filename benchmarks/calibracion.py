"""Benchmark of `reglas calibrar`: one classification of every case, direct vs. engine, and a whole run.

Run: uv run python -m benchmarks.calibracion [--repeticiones N]

Classifies the illustrative history (knowledge/historia) for fresh parameter
values, alternating the direct path (plain rules checked condition by
condition) and the experta path (used when classification rules join facts),
so both see the same machine load; then times a whole calibration (search and
leave-one-comuna-out). Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import time

from diagnostico_experto.comun.rutas import carpeta_por_defecto
from diagnostico_experto.consultores.calibracion import (
    Clasificador,
    calibrar,
    casos_de_respuestas,
    parametros_numericos,
    reglas_de_clasificacion,
)
from diagnostico_experto.lote.entradas import entradas_de
from diagnostico_experto.motor.motor import Motor


def main() -> None:
    argumentos = argparse.ArgumentParser()
    argumentos.add_argument("--repeticiones", type=int, default=5)
    n = argumentos.parse_args().repeticiones
    conocimiento = carpeta_por_defecto("knowledge")
    motor = Motor.desde_carpetas(carpeta_por_defecto("rules"), conocimiento)
    casos = casos_de_respuestas(entradas_de(conocimiento / "historia", motor.conocimiento), motor)
    actuales = parametros_numericos(reglas_de_clasificacion(motor.reglas), motor.conocimiento)
    clasificador = Clasificador(motor.reglas, motor.conocimiento, casos, actuales)
    tiempos: dict[str, list[float]] = {"directo": [], "motor": []}
    for i in range(n):
        valores = {k: v - 0.01 * (i + 1) for k, v in actuales.items()}
        for camino, funcion in (
            ("directo", clasificador._directo),
            ("motor", clasificador._con_motor),
        ):
            inicio = time.perf_counter()
            funcion(valores)
            tiempos[camino].append(time.perf_counter() - inicio)
    print(f"{len(casos)} casos, {n} juegos de valores cada camino (alternados)")
    for camino, t in tiempos.items():
        print(f"  {camino:8s} por juego de valores: {min(t) * 1000:.1f}–{max(t) * 1000:.1f} ms")
    razones = [m / d for m, d in zip(tiempos["motor"], tiempos["directo"], strict=True)]
    print(f"  motor / directo: {min(razones):.0f}–{max(razones):.0f} veces")
    inicio = time.perf_counter()
    resultado = calibrar(casos, motor.reglas, motor.conocimiento)
    print(
        f"calibración completa (búsqueda y dejando cada comuna fuera): "
        f"{time.perf_counter() - inicio:.1f} s; propuesta {resultado.propuesta or 'ninguna'}"
    )


if __name__ == "__main__":
    main()
