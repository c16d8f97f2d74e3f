"""Why a question is asked, read from the rules themselves (in the spirit of MYCIN's WHY).

Nothing here is written by hand per question: the rules that test the
answer, the rules that use the area's score it adds to, and the questions
whose skip logic depends on it are found in the loaded rule and knowledge
files, so the explanation stays true when consultants change them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import Pregunta
from diagnostico_experto.reglas.descripciones import literal
from diagnostico_experto.reglas.regla import Patron, Regla


@dataclass
class Porque:
    directas: list[Regla] = field(default_factory=list)  # rules that test this answer
    por_puntaje: list[Regla] = field(default_factory=list)  # rules on the area's score
    decide: list[str] = field(default_factory=list)  # questions asked only depending on it


def _campo(patron: Patron, nombre: str) -> object:
    restriccion = dict(patron.restricciones).get(nombre)
    return None if restriccion is None else literal(restriccion)


def porque(pregunta: Pregunta, reglas: list[Regla], conocimiento: Conocimiento) -> Porque:
    resultado = Porque()
    for regla in reglas:
        patrones = regla.patrones()
        if any(p.tipo == "respuesta" and _campo(p, "pregunta") == pregunta.id for p in patrones):
            resultado.directas.append(regla)
        elif pregunta.puntua() and any(
            p.tipo == "puntaje" and _campo(p, "area") == pregunta.area for p in patrones
        ):
            resultado.por_puntaje.append(regla)
    resultado.decide = [
        p.id
        for p in conocimiento.cuestionario.preguntas
        if any(c.pregunta == pregunta.id for c in p.aplica_si)
    ]
    return resultado


def texto_porque(pregunta: Pregunta, reglas: list[Regla], conocimiento: Conocimiento) -> str:
    """The help text and the why, as the questionnaire prints them to the mesa: the
    rules' purposes in plain words, each once (rule ids and files are for ``explicar``)."""
    razones = porque(pregunta, reglas, conocimiento)
    lineas = [f"Ayuda: {' '.join(pregunta.ayuda.split())} (fuente: {pregunta.fuente})", ""]
    lineas.append("Por qué se pregunta:")
    propositos = dict.fromkeys(" ".join(r.descripcion.split()) for r in razones.directas)
    lineas += [f"  - {p}" for p in propositos if p]
    if not razones.directas:
        lineas.append("  - ninguna regla del método usa esta respuesta directamente.")
    if razones.por_puntaje:
        area = conocimiento.cuestionario.areas[pregunta.area].nombre
        lineas.append(f"  - suma al % de logro de {area}, que cuenta para su nivel.")
    if razones.decide:
        lineas.append(f"  - de esta respuesta depende si se pregunta: {', '.join(razones.decide)}.")
    return "\n".join(lineas)
