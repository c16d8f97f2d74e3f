"""The mesa comunal validates the diagnosis, area by area (§6.2.3).

For each area the mesa sees the diagnosed level and its main reasons (what
``explicar`` says, in a few lines), then validates the level or sets another
one with a justification, which is required. Each decision is saved at once
in ``validacion`` and the result is computed again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from questionary import Choice

from diagnostico_experto.conocimiento.preguntas import AREAS, NIVELES
from diagnostico_experto.conocimiento.respuestas import huella_area
from diagnostico_experto.motor.explicacion import ExplicacionArea, explicar
from diagnostico_experto.motor.resultado import (
    VALIDACION_VENCIDA,
    Validado,
    desde_la_validacion,
)
from diagnostico_experto.reglas.descripciones import porcentaje
from diagnostico_experto.terminal.inventario import con_mesa
from diagnostico_experto.terminal.pantalla import decir

if TYPE_CHECKING:
    from diagnostico_experto.motor.motor import Evaluacion
    from diagnostico_experto.terminal.sesion import Sesion

VALIDAR, SALTAR, TERMINAR = "__validar__", "__saltar__", "__terminar__"
VALIDADO_SIN_CAMBIOS = "La mesa comunal valida el nivel diagnosticado."


def antes_validada(vencida: Validado, diagnostico: str) -> str:
    """What a stale validation had decided, against which diagnosis, and today's."""
    return (
        f"La mesa lo había validado en {vencida.nivel}{desde_la_validacion(vencida, diagnostico)}."
    )


def razones(explicacion: ExplicacionArea, evaluacion: Evaluacion, maximo: int = 3) -> list[str]:
    """The main reasons for an area's level: its rule's purpose, the facts it used, and
    what would give the next level, in action language (the shortest path), never in the
    rules' notation."""
    area = evaluacion.resultado.areas[explicacion.area]
    lineas = []
    paso = next((p for p in explicacion.pasos if p.regla == area.regla), None)
    if paso is not None:
        lineas.append(" ".join(paso.descripcion.split()))
        lineas += [f"Se basa en: {h}" for h in paso.hechos[: maximo - 2]]
    camino = evaluacion.resultado.caminos.get(explicacion.area)
    if camino is not None and camino.objetivo is not None:
        if camino.caminos:
            cambios = "; ".join(c.texto for c in camino.caminos[0].cambios)
            lineas.append(f"Para {camino.objetivo} bastaría: {cambios}")
        elif camino.motivo:
            lineas.append(f"Para {camino.objetivo}: {camino.motivo}")
    return lineas[:maximo]


def validar(
    entrevista: Sesion,
    evaluar: Callable[[], Evaluacion],
    areas: tuple[str, ...] | list[str] = AREAS,
) -> None:
    """Area by area: validate, set another level (with a reason), skip, or stop.

    ``evaluar`` is the end screen's function that evaluates the saved file;
    ``areas`` limits the round (the stale ones, to revalidate).
    """
    borrador = entrevista.borrador
    if not con_mesa(
        entrevista,
        "Antes de validar, registre a los integrantes de la mesa comunal.",
        "Sin integrantes de la mesa comunal no se registra la validación.",
    ):
        return
    nombres: dict[str, str] = {a: d.nombre for a, d in entrevista.cuestionario.areas.items()}
    for area in areas:
        evaluacion = evaluar()
        explicacion = next(
            e
            for e in explicar(evaluacion, entrevista.reglas, entrevista.conocimiento)
            if e.area == area
        )
        resultado = evaluacion.resultado.areas[area]
        decir(
            f"\n== Validación: {nombres[area]}, nivel diagnosticado {resultado.nivel} "
            f"({porcentaje(resultado.puntaje)}) =="
        )
        for linea in razones(explicacion, evaluacion):
            decir(f"  - {linea}")
        if resultado.validado:
            decir(
                f"  La mesa ya lo validó en {resultado.validado.nivel}: "
                f"{resultado.validado.justificacion}"
            )
        vencida = resultado.validacion_vencida
        if vencida is not None:
            decir(f"  ¡Atención! {VALIDACION_VENCIDA[0].upper()}{VALIDACION_VENCIDA[1:]}.")
            decir(f"  {antes_validada(vencida, resultado.nivel)}")
        opciones = [Choice(f"Validar el nivel {resultado.nivel}", VALIDAR)]
        opciones += [
            Choice(f"Trabajar en nivel {n} (con justificación)", n)
            for n in NIVELES
            if n != resultado.nivel
        ]
        opciones += [
            Choice("Dejar esta área para después", SALTAR),
            Choice("Terminar la validación", TERMINAR),
        ]
        decision = entrevista.consola.elegir(f"{nombres[area]}: ¿qué decide la mesa?", opciones)
        if decision == TERMINAR:
            break
        if decision == SALTAR:
            continue
        if decision == VALIDAR:
            nivel, justificacion = resultado.nivel, VALIDADO_SIN_CAMBIOS
        else:
            nivel = decision
            justificacion = entrevista.consola.preguntar_texto(
                f"¿Por qué la mesa trabaja {nombres[area]} en nivel {nivel}? (obligatorio)"
            )
        huella = huella_area(area, evaluacion.respuestas.respuestas, entrevista.conocimiento)
        borrador.validar_area(area, nivel, justificacion, resultado.nivel, huella)
        vigente = evaluar().resultado.areas[area].nivel_vigente
        decir(f"  Guardado: {nombres[area]} se trabaja en nivel {vigente}.")
