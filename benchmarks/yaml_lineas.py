"""Reading YAML with lines: every door read by libyaml, lines found only when asked.

Run: uv run python -m benchmarks.yaml_lineas [--rondas 5]

«antes» is the reading this change replaced, run in the same process by
swapping the reader back: rule and knowledge files read by the pure-Python
round-trip reader that keeps lines; an answer file read by libyaml and, when
anything is wrong, read again by that reader to find the line. «después» is
``archivos_yaml.leer``: libyaml reads, the line of a message (or of a rule)
comes from libyaml's node tree, composed only then; a syntax error that
libyaml reports is located by libyaml, and only one it cannot decide (YAML
1.2 plain scalars such as ``[a:b]``) goes to the pure-Python reader.

Measured, interleaved (antes, después, antes, …), with the process's memo of
loaded folders cleared and the shared cache off:

- the knowledge folder and the rule folder on a cache miss (shipped files);
- an answer file of about 250 KB (500 services plus a long note; the limit is
  256 KB): valid, with a validation error in its last service, and with a
  syntax error on its last line.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ruamel.yaml import YAML

from benchmarks.inventarios import datos_con_servicios
from diagnostico_experto.comun import archivos_yaml, cache
from diagnostico_experto.comun.errores import ErrorDiagnostico
from diagnostico_experto.comun.lectura import leer_acotado
from diagnostico_experto.comun.rutas import carpeta_por_defecto
from diagnostico_experto.conocimiento import carpeta, respuestas
from diagnostico_experto.reglas import lenguaje

CONOCIMIENTO = carpeta_por_defecto("knowledge")
REGLAS = carpeta_por_defecto("rules")
_LIBYAML = YAML(typ="safe")


def leer_antes(ruta, limites=None):
    """The former ``leer``: the round-trip reader, lines in the data."""
    return archivos_yaml.leer_editable(ruta, limites)


def cargar_respuestas_antes(ruta, conocimiento):
    """The former answer path: libyaml, and the round-trip reader again when anything is wrong."""
    ruta = Path(ruta)
    texto = leer_acotado(ruta, conocimiento.limites)
    try:
        archivos_yaml.revisar_estructura(texto, ruta, conocimiento.limites, _LIBYAML)
        datos = _LIBYAML.load(texto)
        return respuestas.desde_documento(archivos_yaml.Documento(ruta, datos), conocimiento)
    except Exception:  # noqa: BLE001 - a YAML error or an ErrorDiagnostico without lines
        return respuestas.desde_documento(leer_antes(ruta, conocimiento.limites), conocimiento)


def con_lector_antes(funcion: Callable[[], object]) -> Callable[[], object]:
    def medir() -> object:
        originales = carpeta.leer, lenguaje.leer
        carpeta.leer, lenguaje.leer = leer_antes, leer_antes
        try:
            return funcion()
        finally:
            carpeta.leer, lenguaje.leer = originales

    return medir


def sin_cache(funcion: Callable[[], object]) -> float:
    cache.olvidar()
    inicio = time.perf_counter()
    with contextlib.suppress(ErrorDiagnostico):  # the invalid files: the time to the message
        funcion()
    return time.perf_counter() - inicio


def archivos_grandes(base: Path, conocimiento) -> dict[str, Path]:
    datos = datos_con_servicios(conocimiento, 500)
    datos["nota"] = "Nota larga del consultor. " * 6_500
    valido = base / "valido.yaml"
    with valido.open("w", encoding="utf-8") as archivo:
        YAML().dump(datos, archivo)
    texto = valido.read_text(encoding="utf-8")
    invalido = base / "invalido.yaml"  # the last service names a stage that does not exist
    corte = texto.rindex("- difusion")
    invalido.write_text(texto[:corte] + "- volar" + texto[corte + 10 :], encoding="utf-8")
    sintaxis = base / "sintaxis.yaml"
    sintaxis.write_text(texto + "otra: [sin, cerrar\n", encoding="utf-8")
    return {"valido": valido, "invalido": invalido, "sintaxis": sintaxis}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rondas", type=int, default=5)
    opciones = parser.parse_args()
    conocimiento = carpeta.cargar_conocimiento(CONOCIMIENTO)
    with tempfile.TemporaryDirectory() as temporal:
        grandes = archivos_grandes(Path(temporal), conocimiento)
        kb = {n: r.stat().st_size // 1024 for n, r in grandes.items()}
        medidas: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
            "conocimiento (carpeta, sin caché)": (
                con_lector_antes(lambda: carpeta._leer_carpeta(CONOCIMIENTO)),
                lambda: carpeta._leer_carpeta(CONOCIMIENTO),
            ),
            "reglas (carpeta, sin caché)": (
                con_lector_antes(lambda: lenguaje._leer_reglas(REGLAS, conocimiento)),
                lambda: lenguaje._leer_reglas(REGLAS, conocimiento),
            ),
        }
        for nombre, ruta in grandes.items():
            medidas[f"respuestas {kb[nombre]} KB, {nombre}"] = (
                lambda r=ruta: cargar_respuestas_antes(r, conocimiento),
                lambda r=ruta: respuestas.cargar_respuestas(r, conocimiento),
            )
        for nombre, (antes, despues) in medidas.items():
            tiempos: dict[str, list[float]] = {"antes": [], "despues": []}
            for _ in range(opciones.rondas):
                tiempos["antes"].append(sin_cache(antes))
                tiempos["despues"].append(sin_cache(despues))
            razones = [d / a for a, d in zip(tiempos["antes"], tiempos["despues"], strict=True)]
            print(
                f"{nombre:<40} antes {statistics.median(tiempos['antes']):7.3f} s  "
                f"después {statistics.median(tiempos['despues']):7.3f} s  "
                f"razón {statistics.median(razones):.2f}× "
                f"(mín {min(razones):.2f}, máx {max(razones):.2f})",
                flush=True,
            )
        for nombre, ruta in grandes.items():
            try:
                respuestas.cargar_respuestas(ruta, conocimiento)
                print(f"{nombre}: válido")
            except ErrorDiagnostico as exc:
                print(f"{nombre}: {str(exc).splitlines()[0][:160]}")


if __name__ == "__main__":
    main()
