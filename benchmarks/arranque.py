"""Whole commands as a user starts them, before and after, interleaved: start-up and imports.

Run: uv run python -m benchmarks.arranque --antes CARPETA [--rondas 7] [--instrucciones]
         [--datos CARPETA] [--respuestas ARCHIVO]

CARPETA is a checkout of an older commit with its own ``.venv`` (``git worktree add
../antes <commit> && (cd ../antes && uv sync --compile-bytecode)``). Each round runs,
for each side (alternating which goes first, so a busy machine slows both alike),
in a fresh process with that side's own interpreter and environment:

- ``python -c pass`` (the floor: what any Python command costs here);
- ``diagnostico --help``;
- ``diagnostico evaluar ARCHIVO`` (Markdown to the terminal);
- ``diagnostico evaluar ARCHIVO --salida informe.docx`` (one Word document).

Both sides read the same rules and knowledge (``--datos``, a folder with ``rules/``
and ``knowledge/``; by default the older side's, which both can read), each with its
own warm shared cache, and bytecode written once and read after, as on a user's
machine. Figures: median wall time and median CPU time (user + system, from
``os.wait4``; steadier than wall time on a shared machine), the median of the
per-round ratios después/antes, and each command against ``python -c pass`` of its
side. ``--instrucciones`` adds one run of each under callgrind (instructions
executed: the same on a busy machine). Then ``python -X importtime`` of
``--help`` and of ``evaluar``: the modules each side imports, the heavy libraries
among them, and the import time summed. Asserts nothing.
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

RAIZ = Path(__file__).resolve().parent.parent
PESADAS = (
    "docxtpl",
    "docx",
    "openpyxl",
    "PIL",
    "xlsxwriter",
    "babel",
    "jinja2",
    "pydantic",
    "experta",
    "ruamel",
    "diagnostico_experto.motor",
)


class Lado:
    """One checkout: its interpreter, and an environment with its own shared cache."""

    def __init__(self, nombre: str, raiz: Path, tmp: Path) -> None:
        self.nombre, self.raiz = nombre, raiz
        self.python = str(raiz / ".venv" / "bin" / "python")
        entorno = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        entorno.pop("PYTHONPATH", None)
        (tmp / nombre).mkdir()
        self.entorno = {**entorno, "XDG_CACHE_HOME": str(tmp / nombre)}

    def orden(self, *argumentos: str) -> list[str]:
        return [self.python, *argumentos]


def _medir(orden: list[str], entorno: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one process."""
    inicio = time.perf_counter()
    proceso = subprocess.Popen(
        orden, env=entorno, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, estado, uso = os.wait4(proceso.pid, 0)
    pared = time.perf_counter() - inicio
    proceso.returncode = os.waitstatus_to_exitcode(estado)
    if proceso.returncode != 0:
        raise SystemExit(f"falló ({proceso.returncode}): {' '.join(orden)}")
    return pared, uso.ru_utime + uso.ru_stime


def _instrucciones(orden: list[str], entorno: dict[str, str]) -> int:
    hecho = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *orden],
        env=entorno,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(re.search(r"Collected : (\d+)", hecho.stderr).group(1))  # type: ignore[union-attr]


def _importados(lado: Lado, argumentos: list[str]) -> tuple[set[str], float]:
    """Modules a command imports, and their import time summed (self times, ms)."""
    hecho = subprocess.run(
        lado.orden("-X", "importtime", *argumentos),
        env=lado.entorno,
        capture_output=True,
        text=True,
        check=False,
    )
    modulos, total = set(), 0.0
    for linea in hecho.stderr.splitlines():
        partes = linea.removeprefix("import time:").split("|")
        if len(partes) == 3 and partes[0].strip().isdigit():
            total += int(partes[0]) / 1000
            modulos.add(partes[2].strip())
    return modulos, total


def comandos(datos: Path, respuestas: Path, salida: Path) -> dict[str, list[str]]:
    carpetas = ["--reglas", str(datos / "rules"), "--conocimiento", str(datos / "knowledge")]
    return {
        "python -c pass": ["-c", "pass"],
        "diagnostico --help": ["-m", "diagnostico_experto", "--help"],
        "evaluar (md)": ["-m", "diagnostico_experto", "evaluar", str(respuestas), *carpetas],
        "evaluar (docx)": [
            "-m",
            "diagnostico_experto",
            "evaluar",
            str(respuestas),
            *carpetas,
            "--salida",
            str(salida),
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--antes", type=Path, required=True, help="checkout anterior con .venv")
    parser.add_argument("--rondas", type=int, default=7)
    parser.add_argument("--datos", type=Path, help="carpeta con rules/ y knowledge/")
    parser.add_argument("--respuestas", type=Path, help="archivo de respuestas")
    parser.add_argument("--instrucciones", action="store_true", help="también con callgrind")
    opciones = parser.parse_args()
    datos = opciones.datos or opciones.antes
    respuestas = opciones.respuestas or datos / "knowledge" / "ejemplos" / "penco.yaml"
    with tempfile.TemporaryDirectory(prefix="diagnostico-arranque-") as tmp_:
        tmp = Path(tmp_)
        lados = [Lado("antes", opciones.antes, tmp), Lado("despues", RAIZ, tmp)]
        todos = comandos(datos, respuestas, tmp / "informe.docx")
        for lado in lados:  # warm: bytecode written, shared cache filled
            for argumentos in todos.values():
                _medir(lado.orden(*argumentos), lado.entorno)
        pared: dict[tuple[str, str], list[float]] = {}
        cpu: dict[tuple[str, str], list[float]] = {}
        for ronda in range(opciones.rondas):
            for nombre, argumentos in todos.items():
                for lado in lados if ronda % 2 == 0 else lados[::-1]:
                    p, c = _medir(lado.orden(*argumentos), lado.entorno)
                    pared.setdefault((lado.nombre, nombre), []).append(p)
                    cpu.setdefault((lado.nombre, nombre), []).append(c)
        print(f"carga del equipo al terminar: {os.getloadavg()}; {opciones.rondas} rondas")
        print(f"{'':<22}{'antes':>22}{'después':>22}{'razón (mediana)':>20}{'× pass':>18}")
        for metrica, tabla in (("pared", pared), ("CPU", cpu)):
            for nombre in todos:
                a, d = tabla[("antes", nombre)], tabla[("despues", nombre)]
                razones = [y / x for x, y in zip(a, d, strict=True) if x > 0]
                pa = statistics.median(tabla[("antes", "python -c pass")])
                pd = statistics.median(tabla[("despues", "python -c pass")])
                print(
                    f"{metrica + ' ' + nombre:<22}"
                    f"{statistics.median(a) * 1000:>15.1f} ms"
                    f"{'':>1}{statistics.median(d) * 1000:>18.1f} ms"
                    f"{statistics.median(razones):>14.2f} ({min(razones):.2f}–{max(razones):.2f})"
                    f"{statistics.median(a) / pa:>8.1f} → {statistics.median(d) / pd:.1f}"
                )
        if opciones.instrucciones and shutil.which("valgrind"):
            print("\ninstrucciones (callgrind, una ejecución):")
            pase = {
                lado.nombre: _instrucciones(lado.orden("-c", "pass"), lado.entorno)
                for lado in lados
            }
            for nombre, argumentos in todos.items():
                n = {
                    lado.nombre: _instrucciones(lado.orden(*argumentos), lado.entorno)
                    for lado in lados
                }
                print(
                    f"  {nombre:<20} antes {n['antes'] / 1e6:8.1f} M ({n['antes'] / pase['antes']:.1f}× pass)"
                    f"   después {n['despues'] / 1e6:8.1f} M ({n['despues'] / pase['despues']:.1f}× pass)"
                    f"   razón {n['despues'] / n['antes']:.2f}"
                )
        print("\nimportaciones (python -X importtime):")
        for nombre in ("diagnostico --help", "evaluar (md)", "evaluar (docx)"):
            for lado in lados:
                modulos, total = _importados(lado, todos[nombre])
                pesadas = [
                    p for p in PESADAS if any(m == p or m.startswith(p + ".") for m in modulos)
                ]
                print(
                    f"  {nombre:<20} {lado.nombre:<8} {len(modulos):>4} módulos, {total:7.1f} ms; "
                    f"pesadas: {', '.join(pesadas) or 'ninguna'}"
                )


if __name__ == "__main__":
    sys.exit(main())
