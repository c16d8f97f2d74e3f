"""Benchmark of `diagnostico lote` with every output, for 29, 345 and 3,450 comunas.

Run: uv run python -m benchmarks.lote [--tamanos 29 345 3450] [--workers 1 2] [--como-antes]
         [--antes CHECKOUT [--mismos-datos]] [--repeticiones N]

``--workers 0`` runs the command without the option (its default: one process
per usable core since issue 31). ``--mismos-datos`` gives both sides the older
side's rules, knowledge and answer files, to compare like with like.

29 is the programme's illustrative examples. For 345 (the size of Chile's
set of comunas) and 3,450, it writes a knowledge folder whose comunas.yaml
lists that many synthetic comunas in 16 territories, and one valid synthetic
answer file per comuna (benchmarks/sinteticas.py), then runs the real command
(`python -m diagnostico_experto lote ... --conocimiento ...`) in a fresh
process, so start-up, loading, evaluation and every output file are counted.

For each run it prints the wall-clock time, the CPU time (user + system of the
command and its workers, from ``os.wait4``: on a shared machine it moves less
than wall time) and the peak resident memory (the largest process of the run,
read with ``os.wait4``: with --workers, the largest of the command and its
workers). With ``--antes`` (a checkout of an
older commit with its own ``.venv``, e.g. ``git worktree add ../antes
<commit> && (cd ../antes && uv sync)``), each run of this code is paired with
a run of that one, interleaved (each side with the knowledge folder and answer
files that its own ``preparar`` writes, same seed, since the questionnaire
changes between versions), and the ratios new/old are printed with their
min–max: the machine is shared, so read ratios rather than absolute figures.
``--como-antes`` adds a third side: this code writing only what the older code
wrote (no Word documents, which came after issue 16 was filed), so the same
work is compared. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ruamel.yaml import YAML

from benchmarks.sinteticas import RAIZ, datos_sinteticos
from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento


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
    calendario = conocimiento / "calendario.yaml"
    if calendario.exists():  # its dates fixed by hand name the shipped UGTs
        datos = yaml.load(calendario)
        datos["fechas"] = {}
        yaml.dump(datos, calendario)
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


_PREPARAR = (
    "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
    "from lote import preparar; preparar(int(sys.argv[2]), Path(sys.argv[3]))"
)


def preparar_con(python: Path, raiz: Path, tamano: int, carpeta: Path) -> tuple[Path, Path]:
    """``preparar`` of that checkout, with its interpreter: an older version gets
    its own knowledge folder and answer files valid for its own questionnaire."""
    carpeta.mkdir()
    comando = [str(python), "-c", _PREPARAR, str(raiz / "benchmarks"), str(tamano), str(carpeta)]
    subprocess.run(comando, check=True, cwd=raiz)
    return carpeta / "knowledge", carpeta / "respuestas"


# The batch with only the outputs the code before issue 16 wrote (no Word documents:
# they came later), to compare the same work. Workers are forked: they inherit the patch.
_COMO_ANTES = (
    "import sys; from diagnostico_experto.lote import consolidado, evaluacion; "
    "evaluacion.FORMATOS_LOTE = ('md', 'html', 'json'); "
    "consolidado._sintesis_docx = lambda *a: b''; "
    "from diagnostico_experto.cli.principal import ejecutar; "
    "sys.argv[0] = 'diagnostico'; ejecutar()"
)


_PAGINA = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _residente(pid: int) -> int:
    """Resident bytes of one process (0 once it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text("ascii").split()[1]) * _PAGINA
    except (OSError, IndexError, ValueError):
        return 0


def _hijos(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class _Muestreo(threading.Thread):
    """Peak resident memory of a whole process tree (the command and its workers at
    the same instant) and of its first process alone, sampled every 0,1 s from /proc
    (Linux; elsewhere it stays 0)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.arbol, self.principal = pid, 0, 0
        self._fin = threading.Event()

    def run(self) -> None:
        while not self._fin.wait(0.1):
            propio = _residente(self.pid)
            total, pendientes = propio, _hijos(self.pid)
            while pendientes:
                hijo = pendientes.pop()
                total += _residente(hijo)
                pendientes.extend(_hijos(hijo))
            self.arbol = max(self.arbol, total)
            self.principal = max(self.principal, propio)

    def terminar(self) -> None:
        self._fin.set()
        self.join()


def correr(
    python: Path, raiz: Path, argumentos: list[str], como_antes: bool = False
) -> tuple[float, float, float, float, float]:
    """Wall seconds, peak resident MiB, CPU seconds, peak MiB of the whole process tree
    and peak MiB of the command's own process, of one `lote` run with that interpreter
    and checkout."""
    inicio = time.perf_counter()
    programa = ["-c", _COMO_ANTES] if como_antes else ["-m", "diagnostico_experto"]
    proceso = subprocess.Popen(
        [str(python), *programa, "lote", *argumentos],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=raiz,
    )
    muestreo = _Muestreo(proceso.pid)
    muestreo.start()
    assert proceso.stderr is not None
    error = proceso.stderr.read()
    muestreo.terminar()  # before the wait: the process is still there to be read
    _, estado, uso = os.wait4(proceso.pid, 0)
    duracion = time.perf_counter() - inicio
    proceso.returncode = os.waitstatus_to_exitcode(estado)
    if proceso.returncode != 0:
        raise SystemExit(f"lote falló ({proceso.returncode}):\n{error.decode()}")
    mib = 1024 * 1024
    return (
        duracion,
        uso.ru_maxrss / 1024,  # maxrss: KiB on Linux
        uso.ru_utime + uso.ru_stime,
        muestreo.arbol / mib,
        muestreo.principal / mib,
    )


def _rango(valores: list[float], formato: str = "{:.2f}") -> str:
    return (
        f"{formato.format(statistics.median(valores))} "
        f"({formato.format(min(valores))}–{formato.format(max(valores))})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tamanos", type=int, nargs="+", default=[29, 345, 3450])
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1, 2],
        help="0: sin la opción (su valor por defecto)",
    )
    parser.add_argument(
        "--mismos-datos",
        action="store_true",
        help="con --antes: ambos lados leen las reglas, el conocimiento y las respuestas del anterior",
    )
    parser.add_argument("--antes", type=Path, help="checkout of the older code, with its .venv")
    parser.add_argument("--repeticiones", type=int, default=1)
    parser.add_argument(
        "--como-antes",
        action="store_true",
        help="también el código nuevo con solo las salidas que escribía el de antes (sin Word)",
    )
    opciones = parser.parse_args()
    versiones = {"nuevo": (Path(sys.executable), RAIZ)}
    if opciones.como_antes:
        versiones["nuevo sin Word"] = (Path(sys.executable), RAIZ)
    if opciones.antes:
        antes = opciones.antes.resolve()
        versiones = {"antes": (antes / ".venv" / "bin" / "python", antes), **versiones}
    for tamano in opciones.tamanos:
        with tempfile.TemporaryDirectory() as temporal:
            carpeta = Path(temporal)
            argumentos: dict[str, list[str]] = {}
            for version, (python, raiz) in versiones.items():
                if tamano == 29:
                    argumentos[version] = []
                    continue
                if version == "nuevo sin Word":
                    argumentos[version] = argumentos["nuevo"]
                    continue
                if version == "nuevo" and opciones.mismos_datos and "antes" in argumentos:
                    reglas = ["--reglas", str(versiones["antes"][1] / "rules")]
                    argumentos[version] = [*argumentos["antes"], *reglas]
                    argumentos["antes"] = [*argumentos["antes"], *reglas]
                    continue
                inicio = time.perf_counter()
                conocimiento, respuestas = preparar_con(python, raiz, tamano, carpeta / version)
                print(
                    f"  (generar {tamano} archivos de respuestas, {version}: "
                    f"{time.perf_counter() - inicio:.1f} s)",
                    flush=True,
                )
                argumentos[version] = [str(respuestas), "--conocimiento", str(conocimiento)]
            for workers in opciones.workers:
                medidas: dict[str, list[tuple[float, float, float, float, float]]] = {
                    v: [] for v in versiones
                }
                for ronda in range(opciones.repeticiones):
                    orden = list(versiones.items())  # alternating who goes first
                    for version, (python, raiz) in orden if ronda % 2 == 0 else orden[::-1]:
                        salida = carpeta / f"salida-{version}-{workers}"
                        medidas[version].append(
                            correr(
                                python,
                                raiz,
                                [
                                    *argumentos[version],
                                    "--salida",
                                    str(salida),
                                    *(["--workers", str(workers)] if workers else []),
                                ],
                                como_antes=version == "nuevo sin Word",
                            )
                        )
                for version, pares in medidas.items():
                    tiempos, memorias = [p[0] for p in pares], [p[1] for p in pares]
                    cpu = [p[2] for p in pares]
                    arbol, principal = [p[3] for p in pares], [p[4] for p in pares]
                    print(
                        f"lote {tamano:>5} comunas, {workers} worker(s), {version:>5}: "
                        f"{_rango(tiempos)} s, CPU {_rango(cpu)} s, "
                        f"{_rango(memorias, '{:.0f}')} MiB de memoria máxima "
                        f"(el proceso más grande; todos a la vez {_rango(arbol, '{:.0f}')}, "
                        f"el principal {_rango(principal, '{:.0f}')})",
                        flush=True,
                    )
                for version in (v for v in medidas if v != "antes" and "antes" in medidas):
                    pares = list(zip(medidas[version], medidas["antes"], strict=True))
                    razones_t = [n[0] / a[0] for n, a in pares]
                    razones_m = [n[1] / a[1] for n, a in pares]
                    razones_c = [n[2] / a[2] for n, a in pares]
                    razones_a = [n[3] / a[3] for n, a in pares if a[3]]
                    print(
                        f"    {version}/antes: tiempo {_rango(razones_t)}×, "
                        f"CPU {_rango(razones_c)}×, memoria {_rango(razones_m)}×"
                        + (f" (todos a la vez {_rango(razones_a)}×)" if razones_a else ""),
                        flush=True,
                    )
    print(f"Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
