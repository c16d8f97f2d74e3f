"""Reports of a comuna's progress (Markdown, HTML, JSON, Word) and the batch index's progress section.

The index section carries its chart as inline SVG, so the page still works
offline and prints; all text is autoescaped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from diagnostico_experto.comun.rutas import carpeta_por_defecto
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS
from diagnostico_experto.informes import formato as chileno
from diagnostico_experto.informes.comuna import entorno
from diagnostico_experto.motor.avance import Avance, MovimientosUGT

FLECHAS = {"sube": "↑ sube", "baja": "↓ baja", "igual": "= igual"}


def _nombres(conocimiento: Conocimiento) -> dict[str, str]:
    return {a: conocimiento.cuestionario.areas[a].nombre for a in AREAS}


def informe_avance(
    avance: Avance, conocimiento: Conocimiento, formato: str, cache: Path | None = None
) -> str:
    """``cache``: the shared cache's folder, for the compiled templates (None: none)."""
    if formato == "json":
        return json.dumps(avance.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    plantilla = entorno(formato, cache).get_template(f"avance.{formato}.j2")
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


def plantilla_avance(conocimiento: Conocimiento) -> Path:
    """``plantillas/avance.docx`` of the knowledge, or the shipped one for a copy of the
    knowledge made before this template shipped."""
    from diagnostico_experto.informes.docx import CARPETA, plantilla

    ruta = plantilla(conocimiento, "avance.docx")
    return ruta if ruta.exists() else carpeta_por_defecto("knowledge") / CARPETA / "avance.docx"


def avance_docx(avance: Avance, conocimiento: Conocimiento, cache: Path | None = None) -> bytes:
    """The progress report as a Word document, from ``plantillas/avance.docx``;
    ``cache``: the shared cache's folder, for the compiled parts (None: none)."""
    from diagnostico_experto.informes.docx import FONDOS, renderizar

    contexto = contexto_docx(avance, conocimiento) | {"fondo": FONDOS}
    return renderizar(plantilla_avance(conocimiento), contexto, {}, cache)


def contexto_docx(a: Avance, conocimiento: Conocimiento) -> dict[str, Any]:
    """What the Word template shows, each line already in words and Chilean formats."""
    nombres = _nombres(conocimiento)
    fechas = (
        f"UGT {a.ugt} · línea base: {chileno.fecha(a.fecha_base)} · "
        f"estado actual: {chileno.fecha(a.fecha_actual)}"
    )
    if a.diagnosticos > 2:
        fechas += f" · {chileno.plural(a.diagnosticos, 'diagnóstico')} en la historia"
    atencion = ""
    if a.reglas_distintas:
        huellas = " y ".join(p.reglas or "sin huella" for p in a.procedencias if p is not None)
        atencion = (
            f"los dos diagnósticos se hicieron con reglas o conocimiento distintos ({huellas}): "
            "parte del cambio puede venir de las reglas, no de la comuna."
        )
    cuenta = (
        f"{chileno.plural(a.cuenta('sube'), 'área sube', 'áreas suben')} de nivel, "
        f"{chileno.plural(a.cuenta('baja'), 'baja', 'bajan')} y "
        f"{chileno.plural(a.cuenta('igual'), 'sigue', 'siguen')} igual."
    )
    areas = [
        {
            "area": nombres[area],
            "antes": x.nivel_antes,
            "logro_antes": chileno.porcentaje(x.puntaje_antes),
            "despues": x.nivel_despues,
            "logro_despues": chileno.porcentaje(x.puntaje_despues),
            "cambio": FLECHAS[x.cambio],
        }
        for area, x in a.areas.items()
    ]

    def producto(p: Any, nota: str = "") -> str:
        return f"{nombres[p.area]} (nivel {p.nivel}): {p.texto}{nota}"

    caminos = []
    for g in a.caminos_por_area:
        varios = len(g.caminos) > 1
        caminos.append(
            {
                "titulo": f"{nombres[g.area]} (a nivel {g.objetivo})",
                "estado": g.estado,
                "cambios": [
                    (f"camino {i} ({c.estado}) — " if varios else "")
                    + f"{'hecho' if hecho else 'pendiente'}: {cambio}"
                    for i, c in enumerate(g.caminos, 1)
                    for cambio, hecho in zip(c.cambios, c.hechos, strict=True)
                ],
            }
        )
    procedencias = list(dict.fromkeys(p.texto() for p in a.procedencias if p is not None))
    return {
        "a": a,
        "fechas": fechas,
        "atencion": atencion,
        "cuenta": cuenta,
        "areas": areas,
        "notas": [x.nota for x in a.areas.values() if x.nota],
        "completados": [producto(p, f" — {p.motivo}.") for p in a.completados],
        "ya_no": [producto(p, f" — {p.motivo}.") for p in a.ya_no_corresponden],
        "falta": [producto(p, " — " + a.nota_pendiente(p)) for p in a.pendientes]
        + [producto(p, " — nuevo en el diagnóstico actual") for p in a.nuevos],
        "caminos": caminos,
        "fuera": [
            {"texto": x.texto, "antes": x.antes, "despues": x.despues} for x in a.fuera_de_camino
        ],
        "procedencia": "Generado por " + " y ".join(procedencias) + "." if procedencias else "",
    }
