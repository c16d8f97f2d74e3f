"""Every hostile input of the test suite inside a 30-file batch, with 2 workers.

Each batch holds 15 hostile answer files and 15 illustrative ones; each planilla
is a batch of its own. A hostile rule file (its own --reglas folder) or
knowledge folder (--conocimiento) is given to a batch of 30 valid files: the
batch cannot run and must say why in one line (exit 2) without writing
anything. A hostile case file goes to ``reglas probar``. Every run is a real
process with a timeout, and the totals are the issue's "Done when" figures:
inputs, clean refusals, tracebacks, hangs, files lost or changed.

    uv run python -m benchmarks.hostil_lote
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ / "tests"))

from conftest import CONOCIMIENTO, EJEMPLOS  # noqa: E402
from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento  # noqa: E402
from test_hostil_carpetas import CASOS as CASOS_PROBAR  # noqa: E402
from test_hostil_carpetas import (  # noqa: E402
    CONOCIMIENTO_HOSTIL,
    NOMBRE_REGLAS,
    REGLAS,
    _conocimiento,
    _escribir,
)
from test_hostil_entradas import BASE, CASOS, PLANILLAS, _construir  # noqa: E402

POR_LOTE = 15
ESPERA = 300  # seconds before a batch counts as hung


def _huellas(carpeta: Path) -> dict[str, str]:
    return {
        str(r): hashlib.sha256(r.read_bytes()).hexdigest()
        for r in sorted(carpeta.rglob("*"))
        if not r.is_symlink() and r.is_file()
    }


def _lote(entrada: Path, salida: Path, *opciones: str) -> tuple[int | None, str]:
    orden = [sys.executable, "-m", "diagnostico_experto", *opciones, "lote", str(entrada)]
    orden += ["--salida", str(salida), "--workers", "2"]
    return _correr(orden)


def _correr(orden: list[str]) -> tuple[int | None, str]:
    try:
        hecho = subprocess.run(orden, capture_output=True, text=True, timeout=ESPERA, check=False)
    except subprocess.TimeoutExpired:
        return None, ""
    return hecho.returncode, hecho.stdout + hecho.stderr


def main() -> None:
    buenos = sorted(p for p in EJEMPLOS.glob("*.yaml") if p.stem != "ninhue")[:POR_LOTE]
    nombres = list(CASOS)
    totales = {"entradas": 0, "rechazos limpios": 0, "trazas": 0, "colgados": 0, "perdidos": 0}
    malos: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        raiz = Path(tmp)
        for n, inicio in enumerate(range(0, len(nombres), POR_LOTE)):
            grupo = nombres[inicio : inicio + POR_LOTE]
            entrada = raiz / f"lote{n}" / "entrada"
            entrada.mkdir(parents=True)
            lugares = {x: _construir(entrada / f"{x}.yaml", CASOS[x]) for x in grupo}
            for bueno in buenos:
                shutil.copy(bueno, entrada / bueno.name)
            (entrada / "base.yaml").write_text(BASE, encoding="utf-8")  # Ninhue, valid
            antes = _huellas(entrada)
            codigo, salida = _lote(entrada, raiz / f"lote{n}" / "informes")
            evaluadas = f"{len(buenos) + 1} comunas evaluadas, {len(grupo)} archivo(s) con errores"
            perdidos = _huellas(entrada) != antes
            for x in grupo:
                totales["entradas"] += 1
                limpio = (
                    codigo == 1
                    and "Traceback" not in salida
                    and evaluadas in salida
                    and any(
                        linea.startswith(lugares[x]) and CASOS[x].dice in linea
                        for linea in salida.splitlines()
                    )
                )
                totales["rechazos limpios"] += limpio
                totales["trazas"] += "Traceback" in salida
                totales["colgados"] += codigo is None
                totales["perdidos"] += perdidos
                if not limpio:
                    malos.append(f"{x}: código {codigo}\n{salida[-2000:]}")
        conocimiento = cargar_conocimiento(CONOCIMIENTO)
        for x, (construir, esperado, lugar, dice) in PLANILLAS.items():
            carpeta = raiz / x
            carpeta.mkdir()
            ruta = carpeta / ("planilla.csv" if x.startswith("csv") else "planilla.xlsx")
            construir(ruta, conocimiento)
            antes = _huellas(carpeta)
            codigo, salida = _lote(ruta, carpeta / "informes")
            lugar = lugar.format(ruta=ruta, ruta_servicios=ruta.with_name("planilla-servicios.csv"))
            limpio = (
                codigo == esperado
                and "Traceback" not in salida
                and any(ln.startswith(lugar) and dice in ln for ln in salida.splitlines())
            )
            despues = _huellas(carpeta)
            totales["entradas"] += 1
            totales["rechazos limpios"] += limpio
            totales["trazas"] += "Traceback" in salida
            totales["colgados"] += codigo is None
            totales["perdidos"] += any(despues.get(r) != h for r, h in antes.items())
            if not limpio:
                malos.append(f"{x}: código {codigo}\n{salida[-2000:]}")
        _carpetas(raiz, totales, malos)
    for malo in malos:
        print(malo, file=sys.stderr)
    print(", ".join(f"{k}: {v}" for k, v in totales.items()))


def _carpetas(raiz: Path, totales: dict[str, int], malos: list[str]) -> None:
    """Hostile rule files and knowledge folders under a 30-file batch; case files to probar."""
    treinta = raiz / "treinta"
    treinta.mkdir()
    for ejemplo in sorted(EJEMPLOS.glob("*.yaml"))[:29]:
        shutil.copy(ejemplo, treinta / ejemplo.name)
    (treinta / "base.yaml").write_text(BASE, encoding="utf-8")
    pruebas = []
    for x, entrada in REGLAS.items():
        carpeta = raiz / f"reglas-{x}"
        lugar = _escribir(carpeta / "rules" / f"hostil{NOMBRE_REGLAS.get(x, '.yaml')}", entrada)
        pruebas.append((f"reglas {x}", carpeta, lugar, entrada.dice, ("--reglas", "rules")))
    for x, (archivo, entrada) in CONOCIMIENTO_HOSTIL.items():
        carpeta = raiz / f"conocimiento-{x}"
        carpeta.mkdir()
        lugar = _escribir(_conocimiento(carpeta) / archivo, entrada)
        pruebas.append(
            (f"conocimiento {x}", carpeta, lugar, entrada.dice, ("--conocimiento", "knowledge"))
        )
    antes_treinta = _huellas(treinta)
    for x, carpeta, lugar, dice, (opcion, nombre) in pruebas:
        antes = _huellas(carpeta)
        codigo, salida = _lote(treinta, carpeta / "informes", opcion, str(carpeta / nombre))
        _contar(totales, malos, x, codigo, salida, lugar, dice)
        totales["perdidos"] += _huellas(carpeta) != antes or (carpeta / "informes").exists()
    totales["perdidos"] += _huellas(treinta) != antes_treinta
    for x, entrada in CASOS_PROBAR.items():
        carpeta = raiz / f"casos-{x}"
        carpeta.mkdir()
        (carpeta / "ninhue.yaml").write_text(BASE, encoding="utf-8")
        lugar = _escribir(carpeta / "hostil.yaml", entrada)
        antes = _huellas(carpeta)
        orden = [sys.executable, "-m", "diagnostico_experto", "reglas", "probar"]
        codigo, salida = _correr([*orden, str(carpeta / "hostil.yaml")])
        _contar(totales, malos, f"casos {x}", codigo, salida, lugar, entrada.dice)
        totales["perdidos"] += _huellas(carpeta) != antes


def _contar(
    totales: dict[str, int],
    malos: list[str],
    x: str,
    codigo: int | None,
    salida: str,
    lugar: str,
    dice: str,
) -> None:
    """One input that must stop its command: exit 2 and a line at its place."""
    limpio = (
        codigo == 2
        and "Traceback" not in salida
        and "Error interno" not in salida
        and any(ln.startswith(lugar) and dice in ln for ln in salida.splitlines())
    )
    totales["entradas"] += 1
    totales["rechazos limpios"] += limpio
    totales["trazas"] += "Traceback" in salida or "Error interno" in salida
    totales["colgados"] += codigo is None
    if not limpio:
        malos.append(f"{x}: código {codigo}\n{salida[-2000:]}")


if __name__ == "__main__":
    main()
