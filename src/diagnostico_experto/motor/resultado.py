"""The result of evaluating one comuna: the JSON contract of docs/contratos.md.

Keys may be added but never renamed: scripts read ``areas``, ``productos``,
``fusiones``, ``ajustes_estructura``, ``horas`` and ``traza``. Added here:
``vacios`` (gaps in the estrategia–servicios pair), ``horas.detalle``, the
``fundamento`` of each proposal (the facts that made its rule fire); one
fusion per group of services, with its ``clientes`` and ``origenes``;
``insumos`` (findings taken to a taller without a proposal) and each
adjustment's ``asunto`` and ``servicios``; per area
``provisional``, ``para_confirmar``, ``confirmar_con_evidencia`` and ``lectura`` (the level in the source's
terms), ``estado_validacion`` and ``validacion_vencida`` (a validation made
against other answers, which ``validado`` no longer holds), per product
``taller`` and ``requiere``, per hour line ``paso`` and ``horas.por_paso``, and ``caminos`` (the smallest
answer changes that give each area its next level).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from diagnostico_experto.comun import formato_chileno
from diagnostico_experto.conocimiento.preguntas import AREAS

# What every screen, report and acta says of a stale validation (issue 27).
VALIDACION_VENCIDA = "validación anterior a cambios en las respuestas: revalidar"
# What every document says of a validation with no record of what it validated (a file
# written before the record, a level typed in a planilla without «diagnosticado_‹área›»):
# it applies, but it is never shown as a comparison the mesa confirmed.
SIN_REGISTRO = "sin registro del nivel diagnosticado que la mesa tuvo a la vista"
SIN_REGISTRO_CORTO = "sin registro"  # in a table cell, beside the sentence that says it whole


class Validado(BaseModel):
    nivel: str
    justificacion: str
    # What it validated (absent in files written before it was recorded)
    diagnosticado: str | None = None
    fecha: str | None = None
    huella: str | None = None


class ResultadoArea(BaseModel):
    nivel: str
    puntaje: float | None
    regla: str
    validado: Validado | None = None
    nivel_vigente: str
    completo: bool
    respondidas: int
    desconocidas: int
    # incomplete area, or a key element unknown: the level (and its hours) may change
    provisional: bool = False
    para_confirmar: list[str] = []  # Spanish sentences: what is missing to confirm it
    # an alto held until these answers (question ids) have evidence (knowledge/evidencias.yaml)
    confirmar_con_evidencia: list[str] = []
    lectura: str = ""  # "medio: los lineamientos existen, pero …; no hay …"
    # the readings of the key elements the level's rule named: the reason for the level
    motivo: list[str] = []
    # "validada" (``validado`` is in force), "vencida" (made against other answers:
    # kept in ``validacion_vencida``, not applied) or "pendiente"
    estado_validacion: str = "pendiente"
    validacion_vencida: Validado | None = None


class Producto(BaseModel):
    area: str
    nivel: str
    texto: str
    regla: str
    taller: str = ""  # sensibilizacion | estrategia | estructura_procesos | gestion_entorno
    requiere: list[str] = []  # texts of the products of this propuesta that must come first
    clave: str = ""  # the name other products require it by
    presupone: list[str] = []  # the claves it requires (products or the elements they define)
    etapa: int = 1  # 2: left for the second stage of a staged plan (plan_por_etapas)
    # in the second stage because the first reached its tope (horas_primera_etapa)
    fuera_del_tope: bool = False
    # the questions it works on: those its rule reads and those of the key elements
    # it builds («logra»); progress counts it done only when these answers moved forward
    preguntas: list[str] = []


class ElementoLeido(BaseModel):
    """A key element as the answers read it (rules/elementos.yaml)."""

    area: str
    elemento: str
    nombre: str
    estado: str  # no_existe | debil | existe
    preguntas: list[str] = []  # the questions it is read from


class Retenido(BaseModel):
    """A product that presupposes a key element answered «no sé»: held until confirmed."""

    producto: Producto
    elementos: list[str]  # the names of the unknown elements it presupposes


class Fusion(BaseModel):
    """One proposal for one group of services that repeat stages for the same clients."""

    servicios: list[str]  # every service of the group (two or more)
    etapa: str  # the shared stages joined by ", " (one stage: that stage)
    tipo: str  # "fusion" | "coordinacion"
    texto: str
    regla: str
    etapas: list[str]  # the stages the group repeats
    unidades: list[str]
    fundamento: list[str] = []  # the facts behind it, in Spanish
    clientes: list[str] = []  # the clients for whom the stages are repeated
    origenes: list[str] = []  # the origins of its services (servicios.yaml)


class Insumo(BaseModel):
    """A finding taken to a taller as an input, without a proposal (e.g. procesos bajo)."""

    area: str
    texto: str
    regla: str
    servicios: list[str] = []
    etapas: list[str] = []
    clientes: list[str] = []
    fundamento: list[str] = []


class Vacio(BaseModel):
    """A gap in the estrategia–servicios pair."""

    tipo: str  # "area_sin_servicios" | "servicio_sin_lineamiento"
    area_proceso: str
    servicio: str | None = None
    texto: str
    regla: str
    fundamento: list[str] = []


class Ajuste(BaseModel):
    texto: str
    regla: str
    fundamento: list[str] = []
    asunto: str = ""  # unidad | funciones | coordinacion | segmentacion | continuidad
    servicios: list[str] = []  # the group of services an adjustment coordinates


class LineaHoras(BaseModel):
    area: str | None  # None: other activities
    concepto: str
    horas: float
    regla: str
    parametro: str | None = None
    paso: str = ""  # the plan step it belongs to (knowledge/informe.yaml)


class Horas(BaseModel):
    por_area: dict[str, float] = Field(default_factory=lambda: dict.fromkeys(AREAS, 0.0))
    otras: dict[str, float] = {}
    total: float = 0
    detalle: list[LineaHoras] = []  # one line per rule conclusion, with its parameter
    por_paso: dict[str, float] = {}  # hours per plan step; they add up to the total


class PasoTraza(BaseModel):
    regla: str
    descripcion: str
    hechos: list[str]
    conclusion: str


class CambioCamino(BaseModel):
    """One answer that would change, said as an action."""

    pregunta: str
    desde: Any
    hacia: Any  # the value reached; for a multiple-choice question, the option added
    desde_texto: str
    hacia_texto: str
    accion: str  # the action phrase of knowledge/camino.yaml
    texto: str  # «formalizar por escrito las funciones del equipo (O04: de hecho → sí)»


class CaminoCambios(BaseModel):
    """A smallest set of answer changes with which the rules give the next level."""

    cambios: list[CambioCamino]
    productos: list[str] = []  # the propuesta's products of the area that work on it
    horas: float = 0  # the propuesta's hours for the area


class CaminoArea(BaseModel):
    nivel: str  # the diagnosed level
    # the level sought: the one above the nivel vigente, or the mesa's validated level
    # when it is above the diagnosis; None when the nivel vigente is alto
    objetivo: str | None = None
    caminos: list[CaminoCambios] = []
    evaluaciones: int = 0  # engine evaluations the search used
    completo: bool = True  # False: the search stopped at its limit, shorter paths may be missing
    motivo: str = ""  # why there is no path, in Spanish: what would be needed instead
    # "siguiente": the level above the nivel vigente; "coincidir_con_mesa": the answers
    # that would make the diagnosis give the level the mesa comunal validated
    proposito: str = "siguiente"
    # with no path: the changes the level needs in any case (more than a path may have)
    faltan: list[CambioCamino] = []


class ResumenEvidencia(BaseModel):
    """The answers that want evidence (knowledge/evidencias.yaml), those that have it
    and those that do not."""

    piden: list[str] = []
    con: list[str] = []
    faltan: list[str] = []


class DiscrepanciaServicios(BaseModel):
    """The number of services an answer declares (the question marked ``cuenta:
    servicios``, S01) is not the number in the inventory the fusions are read from."""

    pregunta: str
    declarados: int | float
    inventario: int

    def texto(self) -> str:
        """What every document says of it, without a final period."""
        return (
            f"El número de servicios declarado ({formato_chileno.numero(self.declarados)}) no "
            f"coincide con el inventario de la comuna ({self.inventario}): las fusiones y "
            "coordinaciones se proponen con los servicios del inventario; complete el inventario "
            "o corrija la respuesta"
        )


class Procedencia(BaseModel):
    """What produced a result, so a signed report can be reproduced."""

    programa: str  # the program's version
    reglas: str = ""  # short digest of the rule files used
    conocimiento: str = ""  # short digest of the knowledge files used
    incluidas: bool = True  # the shipped rules and knowledge, or a consultant's copy

    def texto(self) -> str:
        """«diagnostico-experto 0.1.0 · reglas 1a2b3c4d5e6f · conocimiento … (las incluidas)»."""
        origen = "las incluidas en el programa" if self.incluidas else "una copia de un consultor"
        return (
            f"diagnostico-experto {self.programa} · reglas {self.reglas or 'sin huella'} · "
            f"conocimiento {self.conocimiento or 'sin huella'} ({origen})"
        )


class Resultado(BaseModel):
    comuna: str
    ugt: str
    fecha: str | None = None
    ilustrativo: bool = False
    areas: dict[str, ResultadoArea]
    productos: list[Producto]
    fusiones: list[Fusion] = []
    vacios: list[Vacio] = []
    ajustes_estructura: list[Ajuste] = []
    horas: Horas = Field(default_factory=Horas)
    advertencias: list[str] = []
    traza: list[PasoTraza]
    # per area, the path to the next level (motor/camino.py); empty when not searched
    caminos: dict[str, CaminoArea] = {}
    evidencia: ResumenEvidencia = Field(default_factory=ResumenEvidencia)
    # findings taken to a taller without a proposal (procesos bajo: duplicated stages)
    insumos: list[Insumo] = []
    # why the plan goes in stages (a thin or busy team, §5.1, §7.2); empty: one stage
    plan_por_etapas: list[str] = []
    # the hours the first stage of that staged plan may hold (knowledge); None: one stage
    tope_primera_etapa: float | None = None
    # the program version and the rules and knowledge that produced this result
    procedencia: Procedencia | None = None
    # products held until an unknown key element they presuppose is confirmed
    retenidos: list[Retenido] = []
    # the key elements the answers read (an unknown one is absent)
    elementos: list[ElementoLeido] = []
    # the services an answer declares against the inventory's; None when they agree
    discrepancia_servicios: DiscrepanciaServicios | None = None


def desde_la_validacion(vencida: Validado, hoy: str) -> str:
    """What changed since a stale validation, after the level it gave: the diagnosis it
    answered and today's, or, when both are the same level, that answers of the area
    changed (only their digest is recorded, not which ones)."""
    antes = vencida.diagnosticado
    if antes == hoy:
        return f" sobre el mismo diagnóstico {antes}; después cambiaron respuestas del área"
    sobre = f" sobre un diagnóstico {antes}" if antes else ""
    return f"{sobre}; hoy el diagnóstico es {hoy}"
