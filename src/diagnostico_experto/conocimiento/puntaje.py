"""% de logro per area: points over the maximum of the questions that apply and were answered.

"No sé" and unanswered questions are left out of the ratio rather than
counted as zero; when too many of an area's applicable questions are unknown
(parameter ``max_desconocidas``) the area is flagged incomplete.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS, NO_SABE, TRANSVERSAL


class Aporte(BaseModel):
    """What one question contributed to its area's score."""

    pregunta: str
    valor: Any
    puntos: float | None  # None: "no sé" or unanswered
    maximo: float
    peso: float


class PuntajeArea(BaseModel):
    area: str
    valor: float | None  # None when no scored question was answered
    puntos: float
    maximo: float
    aplicables: int
    respondidas: int
    desconocidas: int
    completo: bool
    aportes: list[Aporte]


def calcular(
    respuestas: dict[str, Any],
    conocimiento: Conocimiento,
    areas: Sequence[str] = (*AREAS, TRANSVERSAL),
) -> dict[str, PuntajeArea]:
    """Each area's score; ``areas`` when only some are wanted (a path search)."""
    cuestionario = conocimiento.cuestionario
    parametro = conocimiento.parametros.get("max_desconocidas")  # not every parameter's value
    tolerancia = float(parametro.valor if parametro is not None else 0)
    resultado = {}
    for area in areas:
        aportes = []
        for pregunta, maximo in cuestionario.puntuables.get(area, ()):
            if not cuestionario.aplica(pregunta, respuestas):
                continue
            valor = respuestas.get(pregunta.id)
            puntos = None if valor is None else cuestionario.puntos(pregunta, valor)
            aportes.append(
                Aporte(
                    pregunta=pregunta.id,
                    valor=valor,
                    puntos=puntos,
                    maximo=maximo,
                    peso=pregunta.peso,
                )
            )
        conocidos = [(a.puntos, a) for a in aportes if a.puntos is not None]
        obtenidos = sum(p * a.peso for p, a in conocidos)
        maximo = sum(a.maximo * a.peso for _, a in conocidos)
        desconocidas = len(aportes) - len(conocidos)
        resultado[area] = PuntajeArea(
            area=area,
            valor=round(obtenidos / maximo, 4) if maximo else None,
            puntos=obtenidos,
            maximo=maximo,
            aplicables=len(aportes),
            respondidas=sum(1 for a in aportes if a.valor not in (None, NO_SABE)),
            desconocidas=desconocidas,
            completo=bool(aportes) and desconocidas / len(aportes) <= tolerancia,
            aportes=aportes,
        )
    return resultado
