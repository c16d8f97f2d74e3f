"""The illustrative history: two diagnoses of some comunas, each validated by an illustrative mesa.

Writes knowledge/historia/: for each comuna in ``HISTORIA``, its línea base
(the same answers as its example in knowledge/ejemplos, drawn from the same
profile and seed by sinteticas.py) and a later diagnosis drawn from an improved
profile. Every area of every diagnosis carries a mesa validation. The mesas are
illustrative too: they judge the % de logro with their own thresholds
(``UMBRALES_MESA``), through the same classification rules, and now and then
move a level (``RUIDO``), so `reglas calibrar` has something to find.

    uv run python -m benchmarks.historia          # rewrites knowledge/historia/
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from slugify import slugify

from benchmarks.sinteticas import PERFILES, datos_sinteticos
from diagnostico_experto.comun.archivos_yaml import Documento
from diagnostico_experto.conocimiento.carpeta import Conocimiento, cargar_conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS
from diagnostico_experto.conocimiento.respuestas import desde_documento
from diagnostico_experto.consultores.calibracion import CasoEtiquetado, Clasificador
from diagnostico_experto.reglas.lenguaje import cargar_reglas

RAIZ = Path(__file__).resolve().parent.parent
FECHA_BASE, FECHA_SEGUIMIENTO = "2026-11-20", "2027-11-18"
# Illustrative mesas judge with this threshold (the rules' default is 0.75).
UMBRALES_MESA = {"umbral_alto": 0.65}
RUIDO = 0.08  # share of areas where a mesa moves the level one step anyway
# Comunas with a second diagnosis, and how much each area's quality rose after a year of work.
HISTORIA = {
    "Coelemu": (0.3, 0.2, 0.3, 0.2),
    "Ninhue": (0.4, 0.3, 0.2, 0.3),
    "Quillón": (0.2, 0.2, 0.3, 0.1),
    "Trehuaco": (0.2, 0.3, 0.1, 0.2),
    "Bulnes": (0.2, 0.1, 0.3, 0.2),
    "El Carmen": (0.3, 0.4, 0.2, 0.1),
    "Pemuco": (0.1, 0.2, 0.3, 0.2),
    "San Ignacio": (0.3, 0.2, 0.2, 0.3),
    "Cabrero": (0.2, 0.1, 0.2, 0.3),
    "Santa Juana": (0.4, 0.2, 0.3, 0.2),
    "San Rosendo": (0.2, 0.3, 0.2, 0.1),
    "Contulmo": (0.3, 0.3, 0.2, 0.2),
    "Curanilahue": (0.2, 0.2, 0.1, 0.3),
    "Tirúa": (0.2, 0.1, 0.2, 0.3),
}
CABECERA = """# RESPUESTAS ILUSTRATIVAS. No son datos reales de la comuna: la fuente no publica
# respuestas ni validaciones de ninguna comuna. Generadas con benchmarks/historia.py:
# {cual}, perfil {perfil}.
# La validación es de una mesa ilustrativa que juzga con {umbrales}
# y a veces mueve un nivel, para mostrar «reglas calibrar».
"""


def _perfil(comuna: str, seguimiento: bool) -> dict[str, float]:
    base = PERFILES[comuna]
    alza = HISTORIA[comuna] if seguimiento else (0.0,) * 4
    perfil = {a: round(min(q + d, 1.0), 2) for a, q, d in zip(AREAS, base, alza, strict=True)}
    perfil["transversal"] = sum(perfil[a] for a in AREAS) / 4  # as sinteticas.py does
    return perfil


def _validar(
    datos: dict[str, Any], conocimiento: Conocimiento, clasificador_de: Any, azar: random.Random
) -> None:
    """The illustrative mesa's levels, with a justification for each area."""
    respuestas = desde_documento(Documento(Path("<generado>"), datos), conocimiento)
    caso = CasoEtiquetado("<generado>", respuestas, {})
    mesa = clasificador_de([caso]).niveles(UMBRALES_MESA)[0]
    diagnosticados = clasificador_de([caso]).niveles(
        {n: conocimiento.valores_parametros()[n] for n in UMBRALES_MESA}
    )[0]
    niveles = ("bajo", "medio", "alto")
    validacion = {}
    for area in AREAS:
        nivel = mesa[area]
        if azar.random() < RUIDO:
            i = niveles.index(nivel)
            nivel = niveles[min(max(i + azar.choice((-1, 1)), 0), 2)]
        validacion[area] = {
            "nivel": nivel,
            "diagnosticado": diagnosticados[area],  # what the mesa had in front of it
            "justificacion": (
                "La mesa confirma el nivel diagnosticado (ilustrativo)."
                if nivel == diagnosticados[area]
                else f"La mesa ubica el área en nivel {nivel}: conoce el trabajo de la comuna "
                "mejor que el cuestionario (ilustrativo)."
            ),
        }
    datos["validacion"] = validacion


def escribir_historia(conocimiento: Conocimiento, reglas: Path, carpeta: Path) -> list[Path]:
    todas = cargar_reglas(reglas, conocimiento)

    def clasificador_de(casos: list[CasoEtiquetado]) -> Clasificador:
        return Clasificador(todas, conocimiento, casos, UMBRALES_MESA)

    carpeta.mkdir(parents=True, exist_ok=True)
    escritos = []
    for comuna in HISTORIA:
        for seguimiento in (False, True):
            perfil = _perfil(comuna, seguimiento)
            semilla = f"seguimiento-{comuna}" if seguimiento else f"ilustrativo-{comuna}"
            datos = datos_sinteticos(conocimiento, random.Random(semilla), comuna, perfil)
            datos["fecha"] = FECHA_SEGUIMIENTO if seguimiento else FECHA_BASE
            _validar(datos, conocimiento, clasificador_de, random.Random(f"mesa-{semilla}"))
            nombre = slugify(comuna) + (f"-{FECHA_SEGUIMIENTO}" if seguimiento else "")
            ruta = carpeta / f"{nombre}.yaml"
            yaml = YAML()
            yaml.indent(mapping=2, sequence=4, offset=2)
            with ruta.open("w", encoding="utf-8") as f:
                f.write(
                    CABECERA.format(
                        cual="diagnóstico de seguimiento" if seguimiento else "línea base",
                        perfil=", ".join(f"{a} {perfil[a]}" for a in AREAS),
                        umbrales=" y ".join(
                            f"{n} {v:.2f}".replace(".", ",") for n, v in UMBRALES_MESA.items()
                        ),
                    )
                )
                yaml.dump(datos, f)
            escritos.append(ruta)
    return escritos


if __name__ == "__main__":
    base = cargar_conocimiento(RAIZ / "knowledge")
    for ruta in escribir_historia(base, RAIZ / "rules", RAIZ / "knowledge" / "historia"):
        print(ruta.relative_to(RAIZ))
