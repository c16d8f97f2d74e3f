"""One measurement in a fresh process, for benchmarks/motor.py --antes: prints JSON.

Runs against whichever ``diagnostico_experto`` is first on PYTHONPATH (this
checkout or a worktree of an older commit), with that version's own rules and
knowledge, so the same script measures the code before and after a change:

    python -m benchmarks.medicion comuna 100 [REGLAS CONOCIMIENTO]  # Motor.evaluar per comuna, ms
        (wall "ms" and CPU "cpu_ms", each comuna once after a warm-up pass)
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=starmap_next \
        python -m benchmarks.medicion instrucciones 20 [REGLAS CONOCIMIENTO]
        # instructions of 20 Motor.evaluar calls only (loading and warm-up not counted)
    python -m benchmarks.medicion servicios 200   # Motor.evaluar of one comuna with 200 services, s
    python -m benchmarks.medicion archivo 200 X   # writes that comuna's answer file to X (YAML)
    python -m benchmarks.medicion resultados 400 X  # every output of the engine, to file X
        (the shipped examples and 400 synthetic comunas: each result as ``evaluar --formato
        json`` writes it, with paths, and its explanation; run it with the code before and
        after a change and compare the two files byte for byte: ``cmp``)
"""

from __future__ import annotations

import collections
import itertools
import json
import random
import sys
import time
from pathlib import Path

from benchmarks.inventarios import datos_con_servicios
from benchmarks.sinteticas import datos_sinteticos
from diagnostico_experto.comun.archivos_yaml import Documento
from diagnostico_experto.comun.rutas import carpeta_por_defecto
from diagnostico_experto.conocimiento.respuestas import desde_documento
from diagnostico_experto.motor.motor import Motor


def main() -> None:
    que, n = sys.argv[1], int(sys.argv[2])
    carpetas = sys.argv[3:5] if que in ("comuna", "instrucciones") and len(sys.argv) == 5 else []
    reglas, conocimiento_ = carpetas or (
        carpeta_por_defecto("rules"),
        carpeta_por_defecto("knowledge"),
    )
    motor = Motor.desde_carpetas(reglas, conocimiento_)
    try:  # this script is a process entry: it sets the collector's policy, as the command does
        from diagnostico_experto.comun.recolector import politica_de_proceso
    except ImportError:  # older versions held the collector off inside Motor.evaluar
        pass
    else:
        politica_de_proceso()
    conocimiento = motor.conocimiento
    if que in ("comuna", "instrucciones"):
        azar = random.Random(2026)
        nombres = conocimiento.comunas()
        respuestas = [
            desde_documento(
                Documento(
                    Path(f"s{i}.yaml"),
                    datos_sinteticos(conocimiento, azar, nombres[i % len(nombres)]),
                ),
                conocimiento,
            )
            for i in range(n)
        ]
        for r in respuestas:
            motor.evaluar(r)  # warm-up
        if que == "instrucciones":
            # only this call is counted: valgrind --tool=callgrind --collect-atstart=no
            # --toggle-collect=starmap_next (see docs/rendimiento.md)
            collections.deque(itertools.starmap(motor.evaluar, [(r,) for r in respuestas]), 0)
            return
        tiempos, cpu = [], []
        for r in respuestas:
            inicio, inicio_cpu = time.perf_counter(), time.process_time()
            motor.evaluar(r)
            tiempos.append((time.perf_counter() - inicio) * 1000)
            cpu.append((time.process_time() - inicio_cpu) * 1000)
        print(json.dumps({"ms": tiempos, "cpu_ms": cpu}))
    elif que == "resultados":
        _resultados(motor, n, Path(sys.argv[3]))
    elif que == "archivo":
        from ruamel.yaml import YAML

        with Path(sys.argv[3]).open("w", encoding="utf-8") as archivo:
            YAML().dump(datos_con_servicios(conocimiento, n), archivo)
    else:
        datos = datos_con_servicios(conocimiento, n)
        respuestas = desde_documento(Documento(Path("servicios.yaml"), datos), conocimiento)
        inicio = time.perf_counter()
        evaluacion = motor.evaluar(respuestas)
        segundos = time.perf_counter() - inicio
        print(json.dumps({"s": segundos, "fusiones": len(evaluacion.resultado.fusiones)}))


def _resultados(motor: Motor, n: int, destino: Path) -> None:
    """The JSON and the explanation of every shipped example and of ``n`` synthetic
    comunas (seed 7), one after another in one file: what a change to the engine
    must leave identical."""
    from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
    from diagnostico_experto.informes.comuna import como_json, explicacion

    conocimiento = motor.conocimiento
    ejemplos = sorted((conocimiento.carpeta / "ejemplos").glob("*.yaml"))
    azar = random.Random(7)
    nombres = conocimiento.comunas()
    respuestas = [cargar_respuestas(ruta, conocimiento) for ruta in ejemplos] + [
        desde_documento(
            Documento(
                Path(f"s{i}.yaml"), datos_sinteticos(conocimiento, azar, nombres[i % len(nombres)])
            ),
            conocimiento,
        )
        for i in range(n)
    ]
    with destino.open("w", encoding="utf-8") as salida:
        for r in respuestas:
            evaluacion = motor.evaluar(r, caminos=True)
            salida.write(como_json(evaluacion.resultado))
            salida.write(explicacion(evaluacion, motor.reglas, conocimiento))


if __name__ == "__main__":
    main()
