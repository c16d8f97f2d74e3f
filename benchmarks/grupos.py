"""Benchmark: one comuna whose N services all share clients and stages (issue 26).

Run: uv run python -m benchmarks.grupos [--servicios 200] [--repeticiones 5] [--antes COMMIT]

Every service serves emprendedores (and sometimes a second client) and runs
difusión, inscripción and diagnóstico plus one to three other stages, with one
of six units and one of the catalogue's origins (fixed seed); the answers are
Yumbel's illustrative example (procesos in medio, so proposals are made).
Prints the engine time (``Motor.evaluar``, median and min–max after one
warm-up run), how many groups the inventory has and how many proposals and
structure adjustments the result has. ``--antes COMMIT`` measures the same
comuna with an older commit (its code, rules and knowledge, checked out in a
temporary git worktree, removed at the end, in a fresh process with a time
limit), e.g. the commit before proposals by group, which made one proposal per
pair. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from diagnostico_experto.comun.archivos_yaml import Documento
from diagnostico_experto.comun.rutas import carpeta_por_defecto
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.respuestas import Respuestas, desde_documento
from diagnostico_experto.motor.motor import Motor
from diagnostico_experto.reglas.hechos import grupos_que_comparten

UNIDADES = ["UDEL", "DIDECO", "OMIL", "SECPLAN", "Oficina de Turismo", "Oficina Agrícola"]
COMUNES = ["difusion", "inscripcion", "diagnostico"]


def servicios(conocimiento: Conocimiento, n: int, semilla: int = 2026) -> list[dict[str, Any]]:
    azar = random.Random(semilla)
    catalogo = conocimiento.catalogo
    otros_clientes = [c for c in catalogo.ids("clientes") if c != "emprendedores"]
    otras_etapas = [e for e in catalogo.ids("etapas") if e not in COMUNES]
    etapas = catalogo.ids("etapas")
    return [
        {
            "nombre": f"Servicio {i + 1}",
            "unidad": azar.choice(UNIDADES),
            "origen": azar.choice(catalogo.ids("origenes")),
            "clientes": ["emprendedores", *azar.sample(otros_clientes, azar.randint(0, 1))],
            "etapas": sorted(
                [*COMUNES, *azar.sample(otras_etapas, azar.randint(1, 3))], key=etapas.index
            ),
        }
        for i in range(n)
    ]


def datos_de(conocimiento: Conocimiento, n: int) -> dict[str, Any]:
    ejemplo = conocimiento.carpeta / "ejemplos" / "yumbel.yaml"
    datos: dict[str, Any] = YAML(typ="safe").load(ejemplo.read_text(encoding="utf-8"))
    datos["servicios"] = servicios(conocimiento, n)
    return datos


def respuestas(conocimiento: Conocimiento, n: int) -> Respuestas:
    datos = datos_de(conocimiento, n)
    return desde_documento(Documento(Path(f"grupos-{n}.yaml"), datos), conocimiento)


# Run by the older commit's interpreter path: its own Motor, rules and knowledge.
_ANTES = """
import json, sys, time
from pathlib import Path
from diagnostico_experto.comun.archivos_yaml import Documento
from diagnostico_experto.conocimiento.respuestas import desde_documento
from diagnostico_experto.motor.motor import Motor
raiz, archivo, repeticiones = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
motor = Motor.desde_carpetas(raiz / "rules", raiz / "knowledge")
datos = json.loads(Path(archivo).read_text(encoding="utf-8"))
comuna = desde_documento(Documento(Path(archivo), datos), motor.conocimiento)
tiempos = []
for _ in range(repeticiones + 1):
    inicio = time.perf_counter()
    r = motor.evaluar(comuna).resultado
    tiempos.append(time.perf_counter() - inicio)
print(json.dumps({"tiempos": tiempos[1:], "fusiones": len(r.fusiones),
                  "ajustes": len(r.ajustes_estructura)}))
"""


def antes(commit: str, datos: dict[str, Any], repeticiones: int, limite: float) -> None:
    raiz = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        arbol = Path(tmp) / "antes"
        subprocess.run(
            ["git", "-C", str(raiz), "worktree", "add", "--detach", str(arbol), commit],
            check=True,
            capture_output=True,
        )
        try:
            archivo = Path(tmp) / "comuna.json"
            archivo.write_text(json.dumps(datos, default=str), encoding="utf-8")
            entorno = {**os.environ, "PYTHONPATH": str(arbol / "src")}
            orden = [sys.executable, "-c", _ANTES, str(arbol), str(archivo), str(repeticiones)]
            try:
                salida = subprocess.run(
                    orden, env=entorno, capture_output=True, text=True, timeout=limite, check=True
                ).stdout
            except subprocess.TimeoutExpired:
                print(f"commit {commit}: más de {limite:.0f} s por {repeticiones + 1} evaluaciones")
                return
            medida = json.loads(salida)
            t = medida["tiempos"]
            print(
                f"commit {commit}: motor {statistics.median(t):.3f} s (min {min(t):.3f}, "
                f"max {max(t):.3f}); {medida['fusiones']} propuestas de fusión o coordinación, "
                f"{medida['ajustes']} ajustes de estructura"
            )
        finally:
            subprocess.run(
                ["git", "-C", str(raiz), "worktree", "remove", "--force", str(arbol)],
                check=False,
                capture_output=True,
            )


def medir(motor: Motor, comuna: Respuestas, repeticiones: int) -> tuple[list[float], Any]:
    resultado = motor.evaluar(comuna).resultado  # warm-up
    tiempos = []
    for _ in range(repeticiones):
        inicio = time.perf_counter()
        resultado = motor.evaluar(comuna).resultado
        tiempos.append(time.perf_counter() - inicio)
    return tiempos, resultado


def informar(nombre: str, motor: Motor, n: int, repeticiones: int) -> None:
    comuna = respuestas(motor.conocimiento, n)
    tiempos, resultado = medir(motor, comuna, repeticiones)
    print(
        f"{nombre}: {n} servicios, motor {statistics.median(tiempos):.3f} s "
        f"(min {min(tiempos):.3f}, max {max(tiempos):.3f}; {repeticiones} repeticiones); "
        f"{len(resultado.fusiones)} propuestas de fusión o coordinación, "
        f"{len(resultado.ajustes_estructura)} ajustes de estructura, "
        f"procesos en nivel {resultado.areas['procesos'].nivel_vigente}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servicios", type=int, default=200)
    parser.add_argument("--repeticiones", type=int, default=5)
    parser.add_argument("--antes", help="commit anterior con el que comparar")
    parser.add_argument(
        "--limite", type=float, default=300, help="segundos para el commit anterior"
    )
    args = parser.parse_args()
    motor = Motor.desde_carpetas(carpeta_por_defecto("rules"), carpeta_por_defecto("knowledge"))
    comuna = respuestas(motor.conocimiento, args.servicios)
    parametro = motor.conocimiento.parametros["min_etapas_grupo"]
    grupos = grupos_que_comparten(comuna.servicios, int(parametro.valor))
    print(
        f"grupos en el inventario: {len(grupos)} ({[len(g.servicios) for g in grupos]} servicios)"
    )
    informar("reglas actuales", motor, args.servicios, args.repeticiones)
    if args.antes:
        datos = datos_de(motor.conocimiento, args.servicios)
        antes(args.antes, datos, args.repeticiones, args.limite)


if __name__ == "__main__":
    sys.exit(main())
