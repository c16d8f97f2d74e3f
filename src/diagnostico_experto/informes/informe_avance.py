"""Reports of a comuna's progress (Markdown, HTML, JSON) and the batch index's progress section.

The index section carries its chart as inline SVG, so the page still works
offline and prints; all text is autoescaped.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS
from diagnostico_experto.informes.comuna import entorno
from diagnostico_experto.motor.avance import Avance, MovimientosUGT

FLECHAS = {"sube": "↑ sube", "baja": "↓ baja", "igual": "= igual"}


def _nombres(conocimiento: Conocimiento) -> dict[str, str]:
    return {a: conocimiento.cuestionario.areas[a].nombre for a in AREAS}


def informe_avance(avance: Avance, conocimiento: Conocimiento, formato: str) -> str:
    if formato == "json":
        return json.dumps(avance.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    plantilla = entorno(formato).get_template(f"avance.{formato}.j2")
    return plantilla.render(a=avance, nombres=_nombres(conocimiento), flechas=FLECHAS)


def seccion_indice(
    avances: list[tuple[Avance, str]],
    movimientos: list[MovimientosUGT],
    conocimiento: Conocimiento,
) -> Markup:
    """The index's "Avance" section: per UGT (chart and counts) and per comuna.

    ``avances`` pairs each comuna's progress with the slug of its reports.
    """
    if not avances:
        return Markup("")
    plantilla = entorno("html").get_template("avance_indice.html.j2")
    return Markup(
        plantilla.render(
            avances=avances,
            movimientos=movimientos,
            maximo=max(m.total for m in movimientos),
            nombres=_nombres(conocimiento),
            flechas=FLECHAS,
        )
    )
