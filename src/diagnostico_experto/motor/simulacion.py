"""What a change of answers would do: the comuna evaluated before and after.

Nothing is written: the answers are changed in memory (``con_cambios``), as
if the file said so, and both versions go through the same engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from diagnostico_experto.conocimiento.respuestas import Respuestas, con_cambios
from diagnostico_experto.motor.resultado import Resultado

if TYPE_CHECKING:
    from diagnostico_experto.conocimiento.carpeta import Conocimiento
    from diagnostico_experto.motor.motor import Motor


@dataclass(frozen=True)
class CambioSimulado:
    pregunta: str
    texto: str  # the question
    desde: str  # how the current answer reads («sin respuesta» when there is none)
    hacia: str


@dataclass(frozen=True)
class Simulacion:
    cambios: list[CambioSimulado]
    antes: Resultado
    despues: Resultado


def leer_cambios(textos: list[str], conocimiento: Conocimiento) -> dict[str, Any]:
    """``["O04=si", "O05=reuniones_equipo,informal"]`` as normalised answers.

    ValueError in Spanish naming the change that is wrong.
    """
    por_id = conocimiento.cuestionario.por_id
    cambios: dict[str, Any] = {}
    for texto in textos:
        id_, signo, valor = texto.partition("=")
        id_ = id_.strip()
        if not signo or not id_:
            raise ValueError(f"«{texto}»: escriba PREGUNTA=VALOR, p. ej. O04=si")
        pregunta = por_id.get(id_) or por_id.get(id_.upper())
        if pregunta is None:
            raise ValueError(f"«{texto}»: " + conocimiento.cuestionario.desconocida(id_))
        if pregunta.id in cambios:
            raise ValueError(f"«{texto}»: la pregunta {pregunta.id} se cambia dos veces")
        try:
            cambios[pregunta.id] = pregunta.normalizar(pregunta.de_celda(valor))
        except ValueError as exc:
            raise ValueError(f"«{texto}»: {exc}") from None
    return cambios


def simular(motor: Motor, respuestas: Respuestas, cambios: dict[str, Any]) -> Simulacion:
    por_id = motor.conocimiento.cuestionario.por_id

    def leida(id_: str, valor: Any) -> str:
        return "sin respuesta" if valor is None else por_id[id_].etiqueta(valor)

    descritos = [
        CambioSimulado(
            id_,
            por_id[id_].texto,
            leida(id_, respuestas.respuestas.get(id_)),
            leida(id_, valor),
        )
        for id_, valor in cambios.items()
        if valor != respuestas.respuestas.get(id_)
    ]
    antes = motor.evaluar(respuestas).resultado
    despues = motor.evaluar(con_cambios(respuestas, cambios, motor.conocimiento)).resultado
    return Simulacion(descritos, antes, despues)
