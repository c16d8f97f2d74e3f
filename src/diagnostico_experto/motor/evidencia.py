"""Evidence behind the answers: which answers want it and have it, and an alto
that rests on answers without it, provisional when knowledge/evidencias.yaml
says so («alto por confirmar con evidencia»)."""

from __future__ import annotations

from diagnostico_experto.comun.formato_chileno import plural
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.respuestas import Respuestas
from diagnostico_experto.motor.resultado import Resultado, ResumenEvidencia

POR_CONFIRMAR = "alto por confirmar con evidencia"


def con_evidencia(resultado: Resultado, respuestas: Respuestas, conocimiento: Conocimiento) -> None:
    politica = conocimiento.evidencia
    piden = [id_ for id_, valor in respuestas.respuestas.items() if politica.pide(id_, valor)]
    respaldadas = {e.pregunta for e in respuestas.evidencias if e.pregunta}
    faltan = [id_ for id_ in piden if id_ not in respaldadas]
    resultado.evidencia = ResumenEvidencia(
        piden=piden, con=[id_ for id_ in piden if id_ in respaldadas], faltan=faltan
    )
    if not politica.alto_sin_evidencia_provisional:
        return
    por_id = conocimiento.cuestionario.por_id
    for area, a in resultado.areas.items():
        sin = [id_ for id_ in faltan if por_id[id_].area == area]
        if a.nivel == "alto" and sin:
            a.provisional = True
            a.confirmar_con_evidencia = sin
            preguntas = ", ".join(f"«{por_id[id_].texto}»" for id_ in sin)
            a.para_confirmar = [
                *a.para_confirmar,
                f"{POR_CONFIRMAR[0].upper()}{POR_CONFIRMAR[1:]} de "
                f"{plural(len(sin), 'respuesta')}: {preguntas}",
            ]
