"""The kinds of facts rules can talk about, and the facts of one comuna.

This table is the vocabulary of the rule language: a rule that names an
unknown fact type or field is refused when the rule file is loaded, and the
allowed values of a field (areas, levels, questions, stages…) are checked
there too. Each fact also knows how to read itself in Spanish, for the trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from experta import Fact

from .conocimiento import Conocimiento
from .cuestionario import AREAS, NIVELES, TRANSVERSAL
from .puntaje import PuntajeArea
from .respuestas import Respuestas


@dataclass(frozen=True)
class TipoHecho:
    nombre: str
    descripcion: str
    campos: tuple[str, ...]
    conclusion: bool = False  # rules may assert it
    unico_por: tuple[str, ...] = ()  # at most one such fact per these fields
    opcionales: tuple[str, ...] = ()  # fields a conclusion may leave out
    clase: type[Fact] = field(default=Fact, compare=False)

    def nuevo(self, **campos: Any) -> Fact:
        return self.clase(**campos)


def _tipo(nombre: str, descripcion: str, campos: tuple[str, ...], **opciones: Any) -> TipoHecho:
    clase = type(nombre.capitalize(), (Fact,), {})
    return TipoHecho(nombre, descripcion, campos, clase=clase, **opciones)


TIPOS: dict[str, TipoHecho] = {
    t.nombre: t
    for t in (
        _tipo("comuna", "una comuna evaluada", ("nombre", "ugt")),
        _tipo("respuesta", "una respuesta del cuestionario", ("pregunta", "area", "valor")),
        _tipo(
            "puntaje",
            "un % de logro de un área (0 a 1)",
            ("area", "valor", "completo", "desconocidas"),
        ),
        _tipo(
            "servicio",
            "un servicio del inventario",
            ("nombre", "unidad", "origen", "clientes", "etapas"),
        ),
        _tipo(
            "etapa",
            "una etapa de un servicio para un cliente",
            ("servicio", "unidad", "origen", "cliente", "etapa"),
        ),
        _tipo(
            "validacion",
            "un nivel validado por la mesa comunal",
            ("area", "nivel", "justificacion"),
        ),
        _tipo(
            "nivel",
            "un nivel diagnosticado",
            ("area", "nivel"),
            conclusion=True,
            unico_por=("area",),
        ),
        _tipo(
            "nivel_vigente",
            "un nivel vigente (diagnosticado o validado)",
            ("area", "nivel"),
            conclusion=True,
            unico_por=("area",),
        ),
        _tipo(
            "producto",
            "un producto recomendado",
            ("area", "nivel", "texto"),
            conclusion=True,
        ),
        _tipo(
            "marca",
            "una conclusión intermedia con nombre, para encadenar reglas",
            ("nombre", "area", "texto"),
            conclusion=True,
            opcionales=("area", "texto"),
        ),
    )
}
CLASE_A_TIPO = {t.clase: t for t in TIPOS.values()}


def dominio(tipo: str, campo: str, conocimiento: Conocimiento) -> list[Any] | None:
    """The values a field may take, when they form a known list."""
    catalogo = conocimiento.catalogo
    if campo == "area":
        return [*AREAS, TRANSVERSAL] if tipo in ("respuesta", "puntaje") else list(AREAS)
    if campo == "nivel":
        return list(NIVELES)
    if tipo == "respuesta" and campo == "pregunta":
        return [p.id for p in conocimiento.cuestionario.preguntas]
    if tipo == "etapa" and campo == "etapa":
        return [e.id for e in catalogo.etapas]
    if tipo == "etapa" and campo == "cliente":
        return [e.id for e in catalogo.clientes]
    if campo == "origen":
        return [e.id for e in catalogo.origenes]
    if tipo == "comuna" and campo == "nombre":
        return conocimiento.comunas()
    return None


def hechos_de(
    respuestas: Respuestas, puntajes: dict[str, PuntajeArea], conocimiento: Conocimiento
) -> list[Fact]:
    """The facts that describe one comuna, ready to declare."""
    cuestionario = conocimiento.cuestionario
    hechos = [TIPOS["comuna"].nuevo(nombre=respuestas.comuna, ugt=respuestas.ugt)]
    for id_, valor in respuestas.respuestas.items():
        area = cuestionario.por_id[id_].area
        hechos.append(TIPOS["respuesta"].nuevo(pregunta=id_, area=area, valor=valor))
    for p in puntajes.values():
        hechos.append(
            TIPOS["puntaje"].nuevo(
                area=p.area, valor=p.valor, completo=p.completo, desconocidas=p.desconocidas
            )
        )
    for s in respuestas.servicios:
        hechos.append(
            TIPOS["servicio"].nuevo(
                nombre=s.nombre,
                unidad=s.unidad,
                origen=s.origen,
                clientes=list(s.clientes),
                etapas=list(s.etapas),
            )
        )
        for cliente in s.clientes:
            for etapa in s.etapas:
                hechos.append(
                    TIPOS["etapa"].nuevo(
                        servicio=s.nombre,
                        unidad=s.unidad,
                        origen=s.origen,
                        cliente=cliente,
                        etapa=etapa,
                    )
                )
    for area, v in respuestas.validacion.items():
        hechos.append(
            TIPOS["validacion"].nuevo(area=area, nivel=v.nivel, justificacion=v.justificacion)
        )
    return hechos


def tipo_de(hecho: Fact) -> TipoHecho:
    return CLASE_A_TIPO[type(hecho)]


def datos(hecho: Fact) -> dict[str, Any]:
    """A fact's fields as plain Python values, without experta's internals."""
    return {
        k: v for k, v in hecho.as_dict().items() if isinstance(k, str) and not k.startswith("__")
    }


def _pct(valor: float | None) -> str:
    return "sin datos" if valor is None else f"{round(valor * 100)} %"


def describir(hecho: Fact, conocimiento: Conocimiento) -> str:
    """One Spanish line a consultant understands."""
    d = datos(hecho)
    tipo = tipo_de(hecho).nombre
    catalogo = conocimiento.catalogo
    nombre_area = _nombre_area(conocimiento)
    lectores: dict[str, Callable[[], str]] = {
        "comuna": lambda: f"Comuna {d['nombre']} (UGT {d['ugt']})",
        "respuesta": lambda: _describir_respuesta(d, conocimiento),
        "puntaje": lambda: (
            f"% de logro de {nombre_area(d['area'])}: {_pct(d['valor'])}"
            + (
                ""
                if d["completo"]
                else f" (incompleta: {d['desconocidas']} sin respuesta o «no sé»)"
            )
        ),
        "servicio": lambda: (
            f"Servicio «{d['nombre']}» (unidad {d['unidad']}, origen "
            f"{catalogo.nombre('origenes', d['origen'])})"
        ),
        "etapa": lambda: (
            f"Etapa «{catalogo.nombre('etapas', d['etapa'])}» de «{d['servicio']}» "
            f"({d['unidad']}) para {catalogo.nombre('clientes', d['cliente'])}"
        ),
        "validacion": lambda: (
            f"La mesa comunal validó {nombre_area(d['area'])} en nivel {d['nivel']}: "
            f"«{d['justificacion']}»"
        ),
        "nivel": lambda: f"Nivel diagnosticado de {nombre_area(d['area'])}: {d['nivel']}",
        "nivel_vigente": lambda: f"Nivel vigente de {nombre_area(d['area'])}: {d['nivel']}",
        "producto": lambda: (
            f"Producto para {nombre_area(d['area'])} (nivel {d['nivel']}): {d['texto']}"
        ),
        "marca": lambda: f"{d.get('texto') or d['nombre']}",
    }
    return lectores[tipo]()


def _nombre_area(conocimiento: Conocimiento) -> Callable[[str], str]:
    areas = conocimiento.cuestionario.areas
    return lambda area: areas[area].nombre.lower() if area in areas else str(area)


def _describir_respuesta(d: dict[str, Any], conocimiento: Conocimiento) -> str:
    pregunta = conocimiento.cuestionario.por_id.get(d["pregunta"])
    if pregunta is None:
        return f"Respuesta a {d['pregunta']}: {d['valor']}"
    return f"{pregunta.id} «{pregunta.texto}»: {pregunta.etiqueta(d['valor'])}"
