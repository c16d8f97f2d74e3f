"""The order of the questions: which apply, which is next, which was before, how far along.

Pure functions of the questionnaire and the answers so far: no terminal, no
file. The overall count is stable: a question whose condition depends on an
answer not given yet counts as still to come, so the total only shrinks when an
answer rules questions out ("1 de 52", then "2 de 52", then "3 de 50"), instead
of growing as conditions become true.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from diagnostico_experto.conocimiento.preguntas import NO_SABE, Cuestionario, Pregunta


@dataclass(frozen=True)
class Progreso:
    area: str  # the area's name
    en_area: int  # position inside the area
    total_area: int
    posicion: int  # position in the whole questionnaire
    total: int

    def __str__(self) -> str:
        return (
            f"{self.area} {self.en_area}/{self.total_area} · "
            f"pregunta {self.posicion} de {self.total}"
        )


class Navegacion:
    def __init__(self, cuestionario: Cuestionario):
        self.cuestionario = cuestionario

    def nombre_area(self, area: str) -> str:
        return next(d.nombre for a, d in self.cuestionario.areas.items() if a == area)

    def aplicables(self, valores: dict[str, Any]) -> list[Pregunta]:
        """The questions that apply given the answers so far (skip logic)."""
        return [p for p in self.cuestionario.preguntas if self.cuestionario.aplica(p, valores)]

    def posibles(self, valores: dict[str, Any]) -> list[Pregunta]:
        """The questions that apply, or may still apply once earlier questions are answered."""
        return [p for p in self.cuestionario.preguntas if self._puede_aplicar(p, valores)]

    def _puede_aplicar(self, pregunta: Pregunta, valores: dict[str, Any]) -> bool:
        for condicion in pregunta.aplica_si:
            valor = valores.get(condicion.pregunta)
            if valor is None:
                anterior = self.cuestionario.por_id.get(condicion.pregunta)
                if anterior is not None and self._puede_aplicar(anterior, valores):
                    continue  # not answered yet: it may still apply
                return False
            if valor == NO_SABE or not condicion.restriccion.cumple(valor):
                return False
        return True

    def pendiente(self, valores: dict[str, Any]) -> Pregunta | None:
        """The first question that applies and has no answer."""
        return next((p for p in self.aplicables(valores) if p.id not in valores), None)

    def anterior(self, pregunta: Pregunta, valores: dict[str, Any]) -> Pregunta | None:
        """The applicable question before ``pregunta``, answered in this session or earlier."""
        previa = None
        for p in self.aplicables(valores):
            if p.id == pregunta.id:
                return previa
            previa = p
        return previa  # ``pregunta`` stopped applying: the last one that still does

    def siguiente(self, pregunta: Pregunta, valores: dict[str, Any]) -> Pregunta | None:
        """The applicable question after ``pregunta`` in the questionnaire's order."""
        orden = [p.id for p in self.cuestionario.preguntas]
        indice = orden.index(pregunta.id)
        return next(
            (p for p in self.aplicables(valores) if orden.index(p.id) > indice),
            None,
        )

    def progreso(self, pregunta: Pregunta, valores: dict[str, Any]) -> Progreso:
        posibles = self.posibles(valores)
        if pregunta not in posibles:
            posibles = [p for p in self.cuestionario.preguntas if p in posibles or p == pregunta]
        del_area = [p for p in posibles if p.area == pregunta.area]
        return Progreso(
            area=self.nombre_area(pregunta.area),
            en_area=del_area.index(pregunta) + 1,
            total_area=len(del_area),
            posicion=posibles.index(pregunta) + 1,
            total=len(posibles),
        )

    def respondidas(self, valores: dict[str, Any]) -> tuple[int, int]:
        """(answered, the overall count of the progress line) over the whole questionnaire."""
        posibles = self.posibles(valores)
        return sum(1 for p in posibles if p.id in valores), len(posibles)
