"""An area's level said in the source's terms, and what is missing to confirm it.

The key elements of each area and the sentences that say their state come from
the rules that conclude ``elemento`` facts (rules/elementos.yaml); this module
only puts the comuna's readings in order. An area is provisional when it is
incomplete or one of its key elements could not be read (its question applies
but is unanswered or «no sé»): its level, and the hours that follow it, may
change once the answer is known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import NO_SABE
from diagnostico_experto.conocimiento.puntaje import PuntajeArea
from diagnostico_experto.reglas.descripciones import literal
from diagnostico_experto.reglas.regla import Regla

# which readings a level's sentence starts with: what defines the level first
_ORDEN_ESTADOS = {
    "bajo": ("no_existe", "debil", "existe"),
    "medio": ("existe", "debil", "no_existe"),
    "alto": ("existe", "debil", "no_existe"),
}


@dataclass
class ElementoClave:
    area: str
    id: str
    nombre: str
    preguntas: list[str] = field(default_factory=list)  # the answers it is read from


def preguntas_leidas(regla: Regla) -> list[str]:
    """The questions a rule reads by name (required or negated), in its order."""
    return list(
        dict.fromkeys(
            str(literal(r))
            for p in regla.patrones()
            if p.tipo == "respuesta"
            for campo, r in p.restricciones
            if campo == "pregunta" and literal(r)
        )
    )


def elementos_clave(reglas: list[Regla]) -> list[ElementoClave]:
    """The key elements the rules read, in the order the rule files name them."""
    elementos: dict[tuple[str, str], ElementoClave] = {}
    for regla in reglas:
        preguntas = preguntas_leidas(regla)
        for c in regla.conclusiones:
            if c.tipo != "elemento":
                continue
            clave = (str(c.valor("area")), str(c.valor("elemento")))
            elemento = elementos.setdefault(
                clave, ElementoClave(clave[0], clave[1], str(c.valor("nombre")))
            )
            elemento.preguntas += [p for p in preguntas if p not in elemento.preguntas]
    return list(elementos.values())


def lectura(
    area: str,
    nivel: str,
    leidos: list[dict[str, Any]],
    elementos: list[ElementoClave],
    decisivos: tuple[str, ...] | list[str] = (),
) -> str:
    """«medio: los lineamientos existen, pero …; no hay objetivos ni indicadores …».

    The elements the level's rule looked at (``decisivos``) come first; then the
    rest, in the order that defines the level, and in the rule files' order.
    """
    orden = {e.id: i for i, e in enumerate(elementos) if e.area == area}
    estados = _ORDEN_ESTADOS[nivel]
    propios = sorted(
        (d for d in leidos if d["area"] == area),
        key=lambda d: (
            list(decisivos).index(d["elemento"]) if d["elemento"] in decisivos else len(decisivos),
            estados.index(d["estado"]),
            orden.get(d["elemento"], len(orden)),
        ),
    )
    if not propios:
        return f"{nivel}: no se sabe de ningún elemento clave que exista."
    return f"{nivel}: " + "; ".join(d["texto"] for d in propios) + "."


def motivo(area: str, leidos: list[dict[str, Any]], decisivos: list[str]) -> list[str]:
    """The readings of the key elements the level's rule named, in the rule's order."""
    por_elemento = {d["elemento"]: d["texto"] for d in leidos if d["area"] == area}
    return [por_elemento[e] for e in dict.fromkeys(decisivos) if e in por_elemento]


def decisivos(regla: Regla | None) -> list[str]:
    """The key elements a level rule names."""
    if regla is None:
        return []
    return [
        str(literal(r))
        for p in regla.patrones()
        if p.tipo == "elemento"
        for campo, r in p.restricciones
        if campo == "elemento" and literal(r)
    ]


def sin_leer(
    area: str,
    leidos: list[dict[str, Any]],
    elementos: list[ElementoClave],
    respuestas: dict[str, Any],
    conocimiento: Conocimiento,
) -> list[tuple[ElementoClave, str]]:
    """Key elements with no reading although a question of theirs applies: (element, question)."""
    cuestionario = conocimiento.cuestionario
    hay = {d["elemento"] for d in leidos if d["area"] == area}
    faltan = []
    for e in elementos:
        if e.area != area or e.id in hay:
            continue
        for id_ in e.preguntas:
            pregunta = cuestionario.por_id.get(id_)
            if pregunta is None or not cuestionario.aplica(pregunta, respuestas):
                continue
            if respuestas.get(id_) in (None, NO_SABE):
                faltan.append((e, id_))
                break
    return faltan


def para_confirmar(
    area: str,
    puntaje: PuntajeArea,
    faltan: list[tuple[ElementoClave, str]],
    respuestas: dict[str, Any],
    conocimiento: Conocimiento,
) -> list[str]:
    """What must be answered to confirm a provisional level, key elements first.

    Questions are named by their words, never their ids: the sentences go into
    what a mesa comunal reads (reports, acta, end screen).
    """
    cuestionario = conocimiento.cuestionario

    def estado(id_: str) -> str:
        return "respondida «no sé»" if respuestas.get(id_) == NO_SABE else "sin respuesta"

    frases = [
        f"Confirmar {e.nombre} (elemento clave): «{cuestionario.por_id[id_].texto}», {estado(id_)}."
        for e, id_ in faltan
    ]
    if not puntaje.completo:
        ya = {id_ for _, id_ in faltan}
        frases += [
            f"Responder «{cuestionario.por_id[a.pregunta].texto}» ({estado(a.pregunta)})."
            for a in puntaje.aportes
            if a.puntos is None and a.pregunta not in ya
        ]
    return frases
