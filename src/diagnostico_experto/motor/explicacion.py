"""Why: the rules and answers behind every conclusion, and what the next level up lacks.

The engine's trace says which rule fired on which facts. For the next level
up, the rules that would have concluded it are checked again, condition by
condition, against the comuna's final facts, with the same constraint objects
the engine used; each unmet condition is shown with the comuna's own value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from diagnostico_experto.comun.formato_chileno import numero, porcentaje
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS, NIVELES
from diagnostico_experto.motor.motor import Evaluacion, de_tipo_en
from diagnostico_experto.motor.resultado import PasoTraza
from diagnostico_experto.reglas.descripciones import ESTADOS_LEGIBLES, describir_patron, literal
from diagnostico_experto.reglas.hechos import datos, tipo_de
from diagnostico_experto.reglas.regla import Compara, Condicion, Negacion, Patron, Regla, cumplida


@dataclass
class Faltante:
    regla: Regla
    condiciones: list[str]  # unmet conditions, in Spanish
    bloqueada_por: Regla | None = None  # a higher-priority rule that set a lower level


@dataclass
class ExplicacionArea:
    area: str
    nombre: str
    nivel: str
    nivel_vigente: str
    puntaje: float | None
    pasos: list[PasoTraza]  # level, vigente and product firings for this area
    aportes: list[tuple[str, str, str]]  # question, answer, points
    siguiente: str | None
    faltantes: list[Faltante] = field(default_factory=list)


def explicar(
    evaluacion: Evaluacion, reglas: list[Regla], conocimiento: Conocimiento
) -> list[ExplicacionArea]:
    resultado = evaluacion.resultado
    por_regla = {r.id: r for r in reglas}
    explicaciones = []
    for area in AREAS:
        r_area = resultado.areas[area]
        pasos = [
            p
            for p, d in zip(resultado.traza, evaluacion.disparos, strict=True)
            if _es_del_area(d.declarados, area)
        ]
        p = evaluacion.puntajes[area]
        cuestionario = conocimiento.cuestionario
        aportes = []
        for a in p.aportes:
            pregunta = cuestionario.por_id[a.pregunta]
            respuesta = "sin respuesta" if a.valor is None else pregunta.etiqueta(a.valor)
            puntos = (
                "no cuenta"
                if a.puntos is None
                else f"{numero(a.puntos, 2)} de {numero(a.maximo, 2)} puntos"
            )
            aportes.append((f"{pregunta.id} «{pregunta.texto}»", respuesta, puntos))
        indice = NIVELES.index(r_area.nivel)
        siguiente = NIVELES[indice - 1] if indice > 0 else None
        explicacion = ExplicacionArea(
            area=area,
            nombre=cuestionario.areas[area].nombre,
            nivel=r_area.nivel,
            nivel_vigente=r_area.nivel_vigente,
            puntaje=r_area.puntaje,
            pasos=pasos,
            aportes=aportes,
            siguiente=siguiente,
        )
        if siguiente:
            ganadora = por_regla.get(r_area.regla)
            for regla in reglas:
                if _concluye_nivel(regla, area, siguiente):
                    faltan = [
                        _texto(c, conocimiento, evaluacion)
                        for c in regla.condiciones
                        if not _cumplida(c, evaluacion)
                    ]
                    bloqueo = (
                        ganadora if ganadora and ganadora.prioridad > regla.prioridad else None
                    )
                    explicacion.faltantes.append(Faltante(regla, [f for f in faltan if f], bloqueo))
        explicaciones.append(explicacion)
    return explicaciones


# The parts of the propuesta, in the order the explanation shows them.
PROPUESTA = {
    "fusion": "Fusiones de procesos y coordinación de etapas",
    "insumo": "Insumos para los talleres",
    "vacio": "Vacíos en el par estrategia–servicios",
    "ajuste_estructura": "Ajustes de estructura",
    "horas": "Horas de acompañamiento",
}


def explicar_propuesta(evaluacion: Evaluacion) -> dict[str, list[PasoTraza]]:
    """The firings behind each part of the propuesta (fusions, gaps, adjustments, hours)."""
    partes: dict[str, list[PasoTraza]] = {tipo: [] for tipo in PROPUESTA}
    for paso, disparo in zip(evaluacion.resultado.traza, evaluacion.disparos, strict=True):
        tipos = {tipo_de(h).nombre for h in disparo.declarados}
        for tipo in tipos & partes.keys():
            partes[tipo].append(paso)
    return partes


def _es_del_area(declarados: list[Any], area: str) -> bool:
    """Levels, vigente levels and products of the area; hours go to the propuesta."""
    return any(
        datos(h).get("area") == area and tipo_de(h).nombre not in PROPUESTA for h in declarados
    )


def _concluye_nivel(regla: Regla, area: str, nivel: str) -> bool:
    return any(
        c.tipo == "nivel" and c.valor("area") == area and c.valor("nivel") == nivel
        for c in regla.conclusiones
    )


def _cumplida(condicion: Condicion, evaluacion: Evaluacion) -> bool:
    return cumplida(condicion, lambda tipo: de_tipo_en(evaluacion.hechos, tipo))


def _texto(condicion: Condicion, conocimiento: Conocimiento, evaluacion: Evaluacion) -> str:
    if isinstance(condicion, Compara):
        return ""
    if isinstance(condicion, Negacion):
        return "que no haya " + describir_patron(condicion.patron, conocimiento)
    if condicion.tipo == "elemento":
        return _elemento_esperado(condicion, evaluacion) + _valor_actual(
            condicion, conocimiento, evaluacion
        )
    return describir_patron(condicion, conocimiento) + _valor_actual(
        condicion, conocimiento, evaluacion
    )


def _elemento_esperado(patron: Patron, evaluacion: Evaluacion) -> str:
    """«Visión y misión de fomento productivo: existe, se usa y se mide»."""
    campos = dict(patron.restricciones)
    id_ = literal(campos["elemento"]) if "elemento" in campos else None
    nombres = {e.id: e.nombre for e in evaluacion.elementos}
    nombre = nombres.get(str(id_), str(id_ or "algún elemento"))
    estado = campos.get("estado")
    leido = literal(estado) if estado else None
    if leido is not None:
        lectura = ESTADOS_LEGIBLES.get(leido, leido)
    else:
        lectura = estado.texto() if estado else "leído"
    return f"{nombre[0].upper()}{nombre[1:]}: {lectura}"


def _valor_actual(patron: Patron, conocimiento: Conocimiento, evaluacion: Evaluacion) -> str:
    campos = dict(patron.restricciones)
    if patron.tipo == "respuesta" and "pregunta" in campos:
        id_ = literal(campos["pregunta"])
        valor = evaluacion.respuestas.respuestas.get(id_)
        pregunta = conocimiento.cuestionario.por_id.get(id_)
        if pregunta is None:
            return ""
        return " — la comuna: " + (
            "sin respuesta" if valor is None else f"«{pregunta.etiqueta(valor)}»"
        )
    if patron.tipo == "puntaje" and "area" in campos:
        p = evaluacion.puntajes.get(literal(campos["area"]))
        if p is None:
            return ""
        actual = "sin datos" if p.valor is None else porcentaje(p.valor)
        return f" — la comuna: {actual}" + ("" if p.completo else ", área incompleta")
    if patron.tipo == "elemento" and "elemento" in campos:
        id_ = literal(campos["elemento"])
        leido = next(
            (d for d in de_tipo_en(evaluacion.hechos, "elemento") if d["elemento"] == id_), None
        )
        return " — la comuna: " + (leido["texto"] if leido else "sin dato")
    return ""
