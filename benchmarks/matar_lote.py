"""kill -9 at random moments of a 345-comuna batch: --salida keeps a complete set.

Run: uv run python -m benchmarks.matar_lote [--tamano 345] [--veces 10] [--final 4] [--semilla 1]

Two answer sets (A and B: the same comunas, different answers) are each run
once to completion, to know what their complete outputs are. Then, --veces
times, a batch of the set not in the folder (alternating 1 and 2 workers) is killed
with SIGKILL (the whole process group: command and workers) at a random
moment between its start and a little after its expected end; --final of those
kills fall instead in the last window of the batch, where the tables are written
and the folders swapped: from the moment ``resumen.csv`` appears in the hidden
folder being written to the end of the run (measured in the complete runs). After each kill
the output folder must hold exactly one complete set — the one there before
(previous) or the one of the killed batch (new) — byte for byte (the workbook
is compared by its cells: its zip carries a timestamp). Hidden folders left
by the kill are counted; a last complete run must remove them.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from ruamel.yaml import YAML

from benchmarks.lote import preparar
from benchmarks.sinteticas import RAIZ, datos_sinteticos
from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento

Foto = dict[str, str]


def foto(carpeta: Path) -> Foto:
    """Every file of a set: its hash (the workbook by its cells)."""
    huellas = {}
    for ruta in sorted(carpeta.rglob("*")):
        if not ruta.is_file():
            continue
        if ruta.suffix == ".xlsx":
            libro = load_workbook(ruta, read_only=True)
            contenido = repr([list(h.values) for h in libro.worksheets]).encode()
            libro.close()
        elif ruta.suffix == ".docx":  # its zip and docProps carry the time it was written
            with zipfile.ZipFile(ruta) as documento:
                contenido = repr(
                    sorted(
                        (parte, documento.read(parte))
                        for parte in documento.namelist()
                        if not parte.startswith("docProps/")
                    )
                ).encode()
        else:
            contenido = ruta.read_bytes()
        huellas[ruta.relative_to(carpeta).as_posix()] = hashlib.sha256(contenido).hexdigest()
    return huellas


def orden(entrada: Path, conocimiento: Path, salida: Path, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "diagnostico_experto",
        "lote",
        str(entrada),
        "--conocimiento",
        str(conocimiento),
        "--salida",
        str(salida),
        "--workers",
        str(workers),
    ]


def completo(argumentos: list[str], trabajo: Path) -> tuple[float, float]:
    """A run to the end: its duration and that of its final window (tables and swap)."""
    inicio = time.perf_counter()
    proceso = subprocess.Popen(
        argumentos, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=RAIZ
    )
    final = esperar_tablas(proceso, trabajo)
    if proceso.wait() != 0:
        raise SystemExit(f"el lote completo falló: {argumentos}")
    fin = time.perf_counter()
    return fin - inicio, fin - final


def esperar_tablas(proceso: subprocess.Popen, trabajo: Path) -> float:
    """Wait until the batch starts writing its tables (or ends); that moment.

    Its own hidden folder carries its process id: one left by an earlier killed
    batch does not count.
    """
    while proceso.poll() is None and not list(trabajo.glob(f".*.lote-{proceso.pid}-*/resumen.csv")):
        time.sleep(0.01)
    return time.perf_counter()


def ocultos(carpeta: Path) -> list[str]:
    return sorted(p.name for p in carpeta.iterdir() if p.name.startswith("."))


def matar(
    tamano: int, veces: int, final: int, semilla: int, mostrar: Callable[[str], None] = print
) -> tuple[dict[str, int], list[str], bool]:
    """Kill batches at seeded random moments: how many left each state, the hidden folders
    left after a last complete run, and whether that run left the complete set."""
    azar = random.Random(semilla)
    with tempfile.TemporaryDirectory() as temporal:
        base = Path(temporal)
        conocimiento, respuestas_a = preparar(tamano, base)
        respuestas_b = base / "respuestas-b"
        respuestas_b.mkdir()
        saber = cargar_conocimiento(conocimiento)
        otro = random.Random(semilla + 1000)
        yaml = YAML()
        for archivo in sorted(respuestas_a.glob("*.yaml")):
            comuna = YAML(typ="safe").load(archivo.read_text(encoding="utf-8"))["comuna"]
            with (respuestas_b / archivo.name).open("w", encoding="utf-8") as f:
                yaml.dump(datos_sinteticos(saber, otro, comuna), f)
        entradas = {"A": respuestas_a, "B": respuestas_b}
        fotos: dict[str, Foto] = {}
        duracion = ventana = 0.0
        for nombre, entrada in entradas.items():
            destino = base / f"completo-{nombre}"
            total, tablas = completo(orden(entrada, conocimiento, destino, 1), base)
            duracion, ventana = max(duracion, total), max(ventana, tablas)
            fotos[nombre] = foto(destino)
        assert fotos["A"] != fotos["B"]
        mostrar(
            f"{tamano} comunas; un lote completo tarda ~{duracion:.0f} s, "
            f"de ellos ~{ventana:.1f} s en tablas e intercambio"
        )
        finales = set(azar.sample(range(1, veces + 1), min(final, veces)))
        trabajo = base / "trabajo"
        trabajo.mkdir()
        salida = trabajo / "informes"
        shutil.copytree(base / "completo-A", salida)
        actual = "A"
        resumen = {"anterior": 0, "nuevo": 0, "igual": 0, "mezcla": 0}
        for vez in range(1, veces + 1):
            nombre = "B" if actual == "A" else "A"  # the other set: previous and new differ
            workers = 1 + vez % 2
            en_final = vez in finales
            espera = azar.uniform(0, ventana * 1.1) if en_final else azar.uniform(0, duracion * 1.1)
            inicio = time.perf_counter()
            proceso = subprocess.Popen(
                orden(entradas[nombre], conocimiento, salida, workers),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=RAIZ,
                start_new_session=True,
            )
            if en_final:
                esperar_tablas(proceso, trabajo)
            time.sleep(espera)
            momento = time.perf_counter() - inicio
            terminado = proceso.poll() is not None
            if not terminado:
                os.killpg(proceso.pid, signal.SIGKILL)
            proceso.wait()
            hay = foto(salida) if salida.is_dir() else {}
            if nombre == actual and hay == fotos[actual]:
                estado = "igual"  # previous and new are the same set: complete either way
            elif hay == fotos[nombre]:
                estado, actual = "nuevo", nombre
            elif hay == fotos[actual]:
                estado = "anterior"
            else:
                estado = "mezcla"
            resumen[estado] += 1
            cuando = f"en tablas e intercambio +{espera:.2f} s" if en_final else "al azar"
            mostrar(
                f"{vez:>2}. lote {nombre} con {workers} worker(s), SIGKILL a los {momento:5.1f} s"
                f" ({cuando}){' (ya había terminado)' if terminado else ''}: {estado}; "
                f"ocultos que quedaron: {len(ocultos(trabajo))}"
            )
        completo(orden(entradas["A"], conocimiento, salida, 2), trabajo)
        quedan = ocultos(trabajo)
        correcto = foto(salida) == fotos["A"]
        mostrar(
            f"Resultado: {resumen}. Tras un lote completo, ocultos: {quedan or 'ninguno'};"
            f" conjunto {'A completo' if correcto else 'INCORRECTO'}."
        )
        return resumen, quedan, correcto


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tamano", type=int, default=345)
    parser.add_argument("--veces", type=int, default=10)
    parser.add_argument("--final", type=int, default=4, help="kills in the tables-and-swap window")
    parser.add_argument("--semilla", type=int, default=1)
    opciones = parser.parse_args()
    matar(
        opciones.tamano,
        opciones.veces,
        opciones.final,
        opciones.semilla,
        lambda texto: print(texto, flush=True),
    )


if __name__ == "__main__":
    main()
