"""Which answers a municipality can change with its work, and how each change is said.

The path to the next level (``motor/camino.py``) searches only over the
questions declared here (``knowledge/camino.yaml``), only forward along each
question's order, and says each change with its action phrase. A knowledge
folder without the file has no actionable answers: no paths are searched.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from diagnostico_experto.comun.archivos_yaml import Documento
from diagnostico_experto.comun.errores import ErrorReglas, Problema, sugerencia
from diagnostico_experto.conocimiento.preguntas import Cuestionario, PreguntaOpcionMultiple

ARCHIVO_CAMINO = "camino.yaml"


class _Estricto(BaseModel):
    # built at its first validation: with the shared cache warm, knowledge is not read
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class LimitesCamino(_Estricto):
    max_cambios: int = Field(default=3, ge=0, le=6)
    max_evaluaciones: int = Field(default=40, ge=0, le=10_000)
    max_caminos: int = Field(default=3, ge=1, le=20)


class PreguntaAccionable(_Estricto):
    orden: list[Any] = []  # worst to best; empty for a multiple-choice question
    acciones: dict[Any, str] = {}  # value reached (or option added) -> action phrase
    accion: str = ""  # phrase for any step without its own
    no_es_meta: list[Any] = []  # values one may start from but no work leads to («obsoletos»)

    def frase(self, valor: Any) -> str:
        return self.acciones.get(valor) or self.accion


class Camino(_Estricto):
    limites: LimitesCamino = LimitesCamino()
    preguntas: dict[str, PreguntaAccionable] = {}
    no_accionables: dict[str, str] = {}

    def pasos(self, pregunta: str, actual: Any, multiple: bool) -> list[Any]:
        """The values a question may move to from its current answer, nearest first.

        For a multiple-choice question, each option that may be added.
        """
        accionable = self.preguntas.get(pregunta)
        if accionable is None:
            return []
        if multiple:
            tiene = actual if isinstance(actual, list) else []
            return [v for v in accionable.acciones if v not in tiene]
        if actual not in accionable.orden:
            return []  # unknown, «no sé» or a value outside the order: nothing to walk from
        siguientes = accionable.orden[accionable.orden.index(actual) + 1 :]
        return [v for v in siguientes if v not in accionable.no_es_meta]


def leer_camino(doc: Documento, cuestionario: Cuestionario) -> Camino:
    """The file checked against the questionnaire: ids, values and a phrase for every step."""
    camino = doc.validar(Camino)
    problemas: list[Problema] = []
    por_id = cuestionario.por_id
    for id_, accionable in camino.preguntas.items():
        lugar = ("preguntas", id_)
        pregunta = por_id.get(id_)
        if pregunta is None:
            problemas.append(doc.problema(lugar, cuestionario.desconocida(id_)))
            continue
        dominio = pregunta.dominio()
        if id_ in camino.no_accionables:
            problemas.append(doc.problema(lugar, "está también entre las no accionables"))
        if isinstance(pregunta, PreguntaOpcionMultiple):
            if accionable.orden:
                problemas.append(
                    doc.problema(
                        (*lugar, "orden"), "una pregunta de opción múltiple no lleva orden"
                    )
                )
            exclusivas = {o.valor for o in pregunta.opciones if o.exclusiva}
            for valor in accionable.acciones:
                if valor not in (dominio or []) or valor in exclusivas:
                    problemas.append(
                        doc.problema(
                            (*lugar, "acciones", valor),
                            f"«{valor}» no es una opción que se pueda agregar en {id_}"
                            + sugerencia(str(valor), [str(v) for v in dominio or []]),
                        )
                    )
            continue
        if dominio is None:
            problemas.append(doc.problema(lugar, f"{id_} no tiene valores que se puedan ordenar"))
            continue
        if len(accionable.orden) < 2:
            problemas.append(doc.problema((*lugar, "orden"), "debe tener al menos dos valores"))
        for i, valor in enumerate(accionable.orden):
            if valor not in dominio:
                problemas.append(
                    doc.problema(
                        (*lugar, "orden", i),
                        f"«{valor}» no es una opción de {id_}"
                        + sugerencia(str(valor), [str(v) for v in dominio]),
                    )
                )
            elif i > 0 and valor not in accionable.no_es_meta and not accionable.frase(valor):
                problemas.append(
                    doc.problema(
                        (*lugar, "acciones"), f"falta la frase de acción para llegar a «{valor}»"
                    )
                )
        for clave, valores in (
            ("acciones", accionable.acciones),
            ("no_es_meta", accionable.no_es_meta),
        ):
            for valor in valores:
                if valor not in accionable.orden:
                    problemas.append(
                        doc.problema((*lugar, clave, valor), f"«{valor}» no está en el orden")
                    )
    for id_ in camino.no_accionables:
        if id_ not in por_id:
            problemas.append(
                doc.problema(
                    ("no_accionables", id_),
                    cuestionario.desconocida(id_),
                )
            )
    if problemas:
        raise ErrorReglas(problemas)
    return camino
