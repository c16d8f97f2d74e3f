"""Benchmark of `diagnostico lote` with every output, for 29, 345 and 3,450 comunas.

Run: uv run python benchmarks/lote.py [--tamanos 29 345 3450] [--workers 1 2]

29 is the programme's illustrative examples. For 345 (the size of Chile's
set of comunas) and 3,450, it writes a knowledge folder whose comunas.yaml
lists that many synthetic comunas in 16 territories, and one valid synthetic
answer file per comuna (benchmarks/sinteticas.py), then runs the real command
(`python -m diagnostico_experto lote ... --conocimiento ...`) in a fresh
process, so start-up, loading, evaluation and every output file are counted.
Prints wall-clock figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento
from sinteticas import RAIZ, datos_sinteticos


def preparar(tamano: int, carpeta: Path) -> tuple[Path, Path]:
    """A knowledge folder with ``tamano`` synthetic comunas, and their answer files."""
    conocimiento = carpeta / "knowledge"
    shutil.copytree(RAIZ / "knowledge", conocimiento, ignore=shutil.ignore_patterns("ejemplos"))
    yaml = YAML()
    nombres = [f"Comuna {i:04d}" for i in range(1, tamano + 1)]
    territorios = [
        {"nombre": f"Territorio {t + 1:02d}", "comunas": nombres[t::16]} for t in range(16)
    ]
    with (conocimiento / "comunas.yaml").open("w", encoding="utf-8") as f:
        yaml.dump({"territorios": [t for t in territorios if t["comunas"]]}, f)
    base = cargar_conocimiento(conocimiento)
    respuestas = carpeta / "respuestas"
    respuestas.mkdir()
    azar = random.Random(tamano)
    for nombre in nombres:
        datos = datos_sinteticos(base, azar, nombre)
        with (respuestas / f"{nombre.replace(' ', '-').lower()}.yaml").open(
            "w", encoding="utf-8"
        ) as f:
            yaml.dump(datos, f)
    return conocimiento, respuestas


def correr(argumentos: list[str]) -> float:
    inicio = time.perf_counter()
    proceso = subprocess.run(
        [sys.executable, "-m", "diagnostico_experto", "lote", *argumentos],
        capture_output=True,
        text=True,
        cwd=RAIZ,
    )
    duracion = time.perf_counter() - inicio
    if proceso.returncode != 0:
        raise SystemExit(f"lote falló ({proceso.returncode}):\n{proceso.stderr}")
    return duracion


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tamanos", type=int, nargs="+", default=[29, 345, 3450])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    opciones = parser.parse_args()
    for tamano in opciones.tamanos:
        with tempfile.TemporaryDirectory() as temporal:
            carpeta = Path(temporal)
            if tamano == 29:
                entrada, extra = [], []
            else:
                inicio = time.perf_counter()
                conocimiento, respuestas = preparar(tamano, carpeta)
                print(
                    f"  (generar {tamano} archivos de respuestas: {time.perf_counter() - inicio:.1f} s)"
                )
                entrada, extra = [str(respuestas)], ["--conocimiento", str(conocimiento)]
            for workers in opciones.workers:
                salida = carpeta / f"salida-{workers}"
                duracion = correr(
                    [*entrada, "--salida", str(salida), "--workers", str(workers), *extra]
                )
                archivos = sum(1 for p in salida.rglob("*") if p.is_file())
                print(
                    f"lote {tamano:>5} comunas, {workers} worker(s): {duracion:7.2f} s "
                    f"({duracion / tamano * 1000:6.1f} ms por comuna, {archivos} archivos)"
                )
    print(f"Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
