"""Review: every question with its text and current answer, by area, in pages that fit.

From any page any answer can be changed, whatever session gave it. A change
is saved at once like every answer; answers that stop applying are dropped
(and said so), and questions that start to apply are asked right away.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from questionary import Choice, Separator

from diagnostico_experto.conocimiento.preguntas import Pregunta
from diagnostico_experto.terminal.controles import VOLVER
from diagnostico_experto.terminal.pantalla import alto, envolver_opcion

if TYPE_CHECKING:
    from diagnostico_experto.terminal.sesion import Sesion

SIGUIENTE, ANTERIOR, TERMINAR = "__siguiente__", "__anterior__", "__terminar__"
_SANGRIA = 3  # the list's pointer
_RESERVA = 7  # the prompt (2 lines), its instruction, the page moves, a margin


def titulo(pregunta: Pregunta, valores: dict[str, Any]) -> str:
    """One question as the review lists it: id, text, and the answer below."""
    if pregunta.id not in valores:
        respuesta = "(sin respuesta)"
    else:  # only an omitted free text reads as empty
        respuesta = pregunta.etiqueta(valores[pregunta.id]) or "(sin texto)"
    return (
        envolver_opcion(f"{pregunta.id}. {pregunta.texto}", _SANGRIA)
        + "\n"
        + " " * _SANGRIA
        + envolver_opcion(f"→ {respuesta}", _SANGRIA + 2)
    )


def paginas(entrevista: Sesion) -> list[list[Any]]:
    """The applicable questions in pages of list items (area headings included)."""
    valores = entrevista.valores()
    presupuesto = max(alto() - _RESERVA, 6)
    resultado: list[list[Any]] = []
    pagina: list[Any] = []
    usadas = 0
    area = None
    for pregunta in entrevista.aplicables():
        item = Choice(titulo(pregunta, valores), pregunta.id)
        lineas = str(item.title).count("\n") + 1
        encabezado = pregunta.area != area or not pagina
        if pagina and usadas + lineas + (1 if encabezado else 0) > presupuesto:
            resultado.append(pagina)
            pagina, usadas, encabezado = [], 0, True
        if encabezado:
            nombre = entrevista.navegacion.nombre_area(pregunta.area)
            pagina.append(Separator(f"── {nombre} ──"))
            usadas += 1
            area = pregunta.area
        pagina.append(item)
        usadas += lineas
    if pagina:
        resultado.append(pagina)
    return resultado


def revisar(entrevista: Sesion) -> None:
    """Page through the answers; Enter on one changes it; "Terminar" leaves."""
    numero = 0
    elegida: Any = None
    while True:
        hojas = paginas(entrevista)
        numero = min(numero, len(hojas) - 1)
        opciones = list(hojas[numero])
        if numero + 1 < len(hojas):
            opciones.append(Choice(f"» Página siguiente ({numero + 2} de {len(hojas)})", SIGUIENTE))
        if numero > 0:
            opciones.append(Choice(f"« Página anterior ({numero} de {len(hojas)})", ANTERIOR))
        opciones.append(Choice("Terminar la revisión", TERMINAR))
        elegida = entrevista.consola.elegir(
            f"Revisar respuestas, página {numero + 1} de {len(hojas)}: elija una para cambiarla",
            opciones,
            elegida if any(o.value == elegida for o in opciones) else None,
            "(↑↓ y Enter)",
            eco=False,
        )
        if elegida == TERMINAR:
            return
        if elegida in (SIGUIENTE, ANTERIOR):
            numero += 1 if elegida == SIGUIENTE else -1
            elegida = None
            continue
        cambiar(entrevista, entrevista.cuestionario.por_id[elegida])


def cambiar(entrevista: Sesion, pregunta: Pregunta) -> None:
    """Ask one question again; then ask the questions the new answer opens."""
    antes = {p.id for p in entrevista.aplicables()}
    valor = entrevista.preguntar(pregunta)
    if valor == VOLVER:
        return  # "<" in the review: back to the list, nothing changed
    entrevista.responder(pregunta, valor)
    while True:
        valores = entrevista.valores()
        nueva = next(
            (p for p in entrevista.aplicables() if p.id not in antes and p.id not in valores),
            None,
        )
        if nueva is None:
            return
        valor = entrevista.preguntar(nueva)
        if valor == VOLVER:
            return  # left unanswered: the review shows it, and the questionnaire asks it
        entrevista.responder(nueva, valor)
