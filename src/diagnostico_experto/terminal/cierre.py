"""The end of the questionnaire: the answers per area, the evaluation, the report.

The consultant and the mesa see the diagnosis at once, on the answers just
saved, and may write the report next to the answer file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from questionary import Choice

from diagnostico_experto.comun.archivos_yaml import escribir_atomico
from diagnostico_experto.conocimiento.preguntas import AREAS, NO_SABE, TRANSVERSAL
from diagnostico_experto.conocimiento.respuestas import desde_documento
from diagnostico_experto.informes.comuna import informe
from diagnostico_experto.motor.motor import Motor
from diagnostico_experto.reglas.descripciones import porcentaje
from diagnostico_experto.terminal.pantalla import decir

if TYPE_CHECKING:
    from diagnostico_experto.terminal.entrevista import Entrevista


def cerrar(entrevista: Entrevista) -> None:
    respuestas = desde_documento(entrevista.documento(), entrevista.conocimiento)
    cuestionario = entrevista.conocimiento.cuestionario
    decir("\n== Resumen de las respuestas ==")
    for area in (*AREAS, TRANSVERSAL):
        preguntas = [p for p in entrevista.aplicables() if p.area == area]
        dadas = [p for p in preguntas if p.id in respuestas.respuestas]
        no_sabe = sum(1 for p in dadas if respuestas.respuestas[p.id] == NO_SABE)
        decir(
            f"{cuestionario.areas[area].nombre}: {len(dadas)} de {len(preguntas)} respondidas"
            + (f" ({no_sabe} «no sé»)" if no_sabe else "")
        )
        for p in dadas:
            decir(f"  {p.id}: {p.etiqueta(respuestas.respuestas[p.id])}")
    decir(
        f"Servicios: {len(respuestas.servicios)} · mesa comunal: {len(respuestas.mesa)} integrantes"
    )

    motor = Motor(entrevista.conocimiento, entrevista.reglas)
    evaluacion = motor.evaluar(respuestas)
    r = evaluacion.resultado
    decir(f"\n== Diagnóstico de {r.comuna} (UGT {r.ugt}) ==")
    for area, a in r.areas.items():
        vigente = f", se trabaja en {a.nivel_vigente} (mesa)" if a.validado else ""
        incompleta = " (incompleta)" if not a.completo else ""
        decir(
            f"  {cuestionario.areas[area].nombre:<22} {a.nivel:<6} "
            f"{porcentaje(a.puntaje)}{incompleta}{vigente}"
        )
    decir("Productos:")
    for producto in r.productos:
        decir(f"  - [{cuestionario.areas[producto.area].nombre}] {producto.texto}")
    for titulo, lineas in (
        ("Fusiones y coordinaciones", [f.texto for f in r.fusiones]),
        ("Vacíos estrategia–servicios", [v.texto for v in r.vacios]),
        ("Ajustes de estructura", [a.texto for a in r.ajustes_estructura]),
    ):
        if lineas:
            decir(f"{titulo}:")
            for linea in lineas:
                decir(f"  - {linea}")
    por_area = ", ".join(
        f"{cuestionario.areas[a].nombre} {h:g}" for a, h in r.horas.por_area.items()
    )
    decir(
        f"Horas de acompañamiento: {r.horas.total:g} ({por_area}; otras {sum(r.horas.otras.values()):g})"
    )
    for advertencia in r.advertencias:
        decir(f"Advertencia: {advertencia}")

    formato = entrevista.elegir(
        "¿Escribir el informe junto al archivo de respuestas?",
        [Choice("Sí, en HTML", "html"), Choice("Sí, en Markdown", "md"), Choice("No", None)],
        "html",
    )
    if formato:
        destino = entrevista.ruta.with_suffix(f".{formato}")
        escribir_atomico(destino, informe(evaluacion, motor.reglas, motor.conocimiento, formato))
        decir(f"Informe escrito en {destino}")
