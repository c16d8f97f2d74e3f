"""Before and after, interleaved: the measurements of benchmarks/motor.py --antes.

Each round runs every measurement once for each side, alternating which side
goes first, so that a busy machine slows both alike; the ratio is taken per
round and reported with its min–max.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
MEDICION = ["-m", "benchmarks.medicion"]  # this checkout's script, the side's package


def _entorno(src: Path, **extra: str) -> dict[str, str]:
    """This environment, running the side's sources; bytecode as a user's machine has it
    (written once, then read) unless a measurement says otherwise: a shell or CI that sets
    PYTHONDONTWRITEBYTECODE would have every process compile the project again (~40 ms)."""
    entorno = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # the side's package first; this checkout's root after it, for ``benchmarks.medicion``
    return {**entorno, "PYTHONPATH": os.pathsep.join((str(src), str(RAIZ))), **extra}


def _correr(comando: list[str], entorno: dict[str, str], limite: float) -> tuple[float, str]:
    """Wall-clock seconds and stdout; inf if it did not finish within the limit."""
    inicio = time.perf_counter()
    try:
        proceso = subprocess.run(
            comando, env=entorno, capture_output=True, text=True, timeout=limite, check=True
        )
    except subprocess.TimeoutExpired:
        return float("inf"), ""
    return time.perf_counter() - inicio, proceso.stdout


def _cpu_de_hijos() -> float:
    uso = resource.getrusage(resource.RUSAGE_CHILDREN)
    return uso.ru_utime + uso.ru_stime


def comparar(
    ref: str, repeticiones: int, comunas: int, servicios: list[int], limite: float
) -> None:
    with tempfile.TemporaryDirectory(prefix="diagnostico-antes-") as tmp:
        antes = Path(tmp) / "antes"
        subprocess.run(
            ["git", "-C", str(RAIZ), "worktree", "add", "--detach", str(antes), ref],
            check=True,
            capture_output=True,
        )
        try:
            _comparar(antes, Path(tmp), repeticiones, comunas, servicios, limite)
        finally:
            subprocess.run(
                ["git", "-C", str(RAIZ), "worktree", "remove", "--force", str(antes)],
                check=False,
                capture_output=True,
            )


def _comparar(
    antes: Path, tmp: Path, repeticiones: int, comunas: int, servicios: list[int], limite: float
) -> None:
    cache = tmp / "cache"
    sin_pyc = tmp / "sin-pyc"  # an empty bytecode folder: as if nothing was compiled at install
    pyc = tmp / "pyc"  # both sides' bytecode, out of the checkouts
    lados = {"antes": antes, "después": RAIZ}
    ejemplo = "knowledge/ejemplos/yumbel.yaml"
    python = [sys.executable]

    def por_comuna(raiz: Path) -> float:
        _, salida = _correr(
            [*python, *MEDICION, "comuna", str(comunas)], _entorno(raiz / "src"), limite
        )
        return statistics.median(json.loads(salida)["ms"])

    def punta_a_punta(raiz: Path, **extra: str) -> float:
        variables = {"XDG_CACHE_HOME": str(cache), "PYTHONPYCACHEPREFIX": str(pyc), **extra}
        entorno = _entorno(raiz / "src", **variables)
        comando = [*python, "-m", "diagnostico_experto", "evaluar", str(raiz / ejemplo)]
        return _correr(comando, entorno, limite)[0] * 1000

    def con_servicios(n: int) -> Callable[[Path], float]:
        def medir(raiz: Path) -> float:
            _, salida = _correr(
                [*python, *MEDICION, "servicios", str(n)], _entorno(raiz / "src"), limite
            )
            return json.loads(salida)["s"] if salida else float("inf")

        return medir

    def servicios_punta_a_punta(n: int, cpu: bool = False) -> Callable[[Path], float]:
        """The CLI on an answer file with N services; with ``cpu``, the process's CPU seconds
        (user + system), what a quiet machine would take."""

        def medir(raiz: Path) -> float:
            archivo = tmp / f"servicios-{n}-{raiz.name}.yaml"
            entorno = _entorno(raiz / "src", XDG_CACHE_HOME=str(cache))
            if not archivo.exists():  # written by that side's own code and catalogue
                medicion = [*python, *MEDICION, "archivo", str(n), str(archivo)]
                subprocess.run(medicion, env=entorno, check=True)
            salida = tmp / f"servicios-{n}-{raiz.name}.md"
            comando = [*python, "-m", "diagnostico_experto", "evaluar", str(archivo)]
            antes = _cpu_de_hijos()
            segundos = _correr([*comando, "--salida", str(salida)], entorno, limite)[0]
            return _cpu_de_hijos() - antes if cpu and segundos != float("inf") else segundos

        return medir

    for raiz in lados.values():  # fills the shared cache and each side's bytecode
        punta_a_punta(raiz)
    mediciones: list[
        tuple[str, str, Callable[[Path], float], dict[str, Callable[[Path], float]]]
    ] = [
        ("Motor.evaluar por comuna", "ms", por_comuna, {}),
        (
            "evaluar de punta a punta (proceso nuevo)",
            "ms",
            punta_a_punta,
            {
                "antes sin bytecode": lambda r: punta_a_punta(
                    r, PYTHONPYCACHEPREFIX=str(sin_pyc), PYTHONDONTWRITEBYTECODE="1"
                ),
                "después sin caché": lambda r: punta_a_punta(r, DIAGNOSTICO_SIN_CACHE="1"),
            },
        ),
        *((f"una comuna con {n} servicios", "s", con_servicios(n), {}) for n in servicios),
        *(
            (
                f"evaluar de punta a punta, {n} servicios (proceso nuevo, informe Markdown)",
                "s",
                servicios_punta_a_punta(n),
                {"después, CPU": servicios_punta_a_punta(n, cpu=True)},
            )
            for n in servicios
        ),
    ]
    print(f"Antes: {antes.name} = commit anterior; después: {RAIZ}. {repeticiones} rondas.")
    for nombre, unidad, medir, variantes in mediciones:
        valores: dict[str, list[float]] = {}
        for ronda in range(repeticiones):
            orden = list(lados.items()) if ronda % 2 == 0 else list(reversed(lados.items()))
            for lado, raiz in orden:
                valores.setdefault(lado, []).append(medir(raiz))
            for variante, medir_variante in variantes.items():
                raiz = antes if variante.startswith("antes") else RAIZ
                valores.setdefault(variante, []).append(medir_variante(raiz))
            if valores["antes"][-1] == float("inf") and ronda >= 1:
                break  # the old code does not finish: two rounds say so
        _informar(nombre, unidad, valores, limite)


def _texto(valores: list[float], unidad: str, limite: float) -> str:
    if all(v == float("inf") for v in valores):
        return f"no termina en {limite:.0f} s"
    finitos = [v for v in valores if v != float("inf")]
    return (
        f"mediana {statistics.median(finitos):8.2f} {unidad}  "
        f"(mín–máx {min(finitos):.2f}–{max(finitos):.2f}, n={len(finitos)})"
    )


def _informar(nombre: str, unidad: str, valores: dict[str, list[float]], limite: float) -> None:
    print(f"\n{nombre}")
    for lado, lista in valores.items():
        print(f"  {lado:<20} {_texto(lista, unidad, limite)}")
    for base in ("antes", "antes sin bytecode"):
        if base not in valores:
            continue
        razones = [
            d / a
            for a, d in zip(valores[base], valores["después"], strict=False)
            if a != float("inf")
        ]
        if razones:
            print(
                f"  después/{base:<18} {statistics.median(razones):.2f}× "
                f"(mín–máx {min(razones):.2f}–{max(razones):.2f})"
            )
        else:
            print(f"  después/{base}: antes no termina en {limite:.0f} s")
