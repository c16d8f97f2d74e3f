"""A comuna's progress between two diagnoses: its línea base and its latest state.

The programme diagnosed a comuna, accompanied it, and diagnosed it again to
see whether each area rose a level (§6.2.4: "mejorar su nivel"). Progress is
read from two results of the same comuna: the nivel vigente and % de logro of
each area then and now, the products asked at the línea base that are no
longer asked (their element now exists: completed), and what remains.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS, NO_SABE
from diagnostico_experto.motor.resultado import CaminoCambios, Procedencia, Producto, Resultado

ORDEN_NIVEL = {"bajo": 0, "medio": 1, "alto": 2}
Cambio = Literal["sube", "baja", "igual"]


class AvanceArea(BaseModel):
    nivel_antes: str  # nivel vigente at the línea base
    nivel_despues: str  # nivel vigente now
    puntaje_antes: float | None
    puntaje_despues: float | None
    cambio: Cambio


class CaminoRecorrido(BaseModel):
    """A path of the línea base, and which of its changes the answers now show."""

    area: str
    objetivo: str
    cambios: list[str]  # the changes said as actions
    hechos: list[bool]  # per change: the answer now reaches it

    @property
    def recorrido(self) -> bool:
        return all(self.hechos)


class CambioFuera(BaseModel):
    """An answer that changed since the línea base and is in none of its paths."""

    pregunta: str
    texto: str  # the question
    antes: str
    despues: str


class Avance(BaseModel):
    comuna: str
    ugt: str
    fecha_base: str | None
    fecha_actual: str | None
    archivo_base: str
    archivo_actual: str
    diagnosticos: int = 2  # how many dated diagnoses the history holds
    ilustrativo: bool = False
    areas: dict[str, AvanceArea]
    completados: list[Producto]  # asked at the línea base, no longer asked
    pendientes: list[Producto]  # asked then and still asked now
    nuevos: list[Producto]  # asked now, not at the línea base
    # the línea base's paths to the next level and how far they were walked,
    # and the answers that changed outside every path (when the answers are known)
    caminos: list[CaminoRecorrido] = []
    fuera_de_camino: list[CambioFuera] = []
    # what produced each diagnosis (línea base, actual): rules or knowledge may differ
    procedencias: list[Procedencia | None] = []

    @property
    def reglas_distintas(self) -> bool:
        """The two diagnoses come from different rules or knowledge (or program version)."""
        conocidas = [p for p in self.procedencias if p is not None]
        return len({p.model_dump_json() for p in conocidas}) > 1

    def cuenta(self, cambio: Cambio) -> int:
        return sum(1 for a in self.areas.values() if a.cambio == cambio)


def cambio_de(antes: str, despues: str) -> Cambio:
    diferencia = ORDEN_NIVEL.get(despues, 0) - ORDEN_NIVEL.get(antes, 0)
    return "sube" if diferencia > 0 else "baja" if diferencia < 0 else "igual"


def avance(
    base: Resultado,
    actual: Resultado,
    archivo_base: str,
    archivo_actual: str,
    diagnosticos: int = 2,
    respuestas: tuple[dict[str, Any], dict[str, Any]] | None = None,
    conocimiento: Conocimiento | None = None,
) -> Avance:
    """Progress of one comuna from ``base`` (earliest) to ``actual`` (latest).

    With both answer sets and the knowledge, also the línea base's paths walked
    and the changes made outside them.
    """
    areas = {}
    for area in AREAS:
        a, d = base.areas[area], actual.areas[area]
        areas[area] = AvanceArea(
            nivel_antes=a.nivel_vigente,
            nivel_despues=d.nivel_vigente,
            puntaje_antes=a.puntaje,
            puntaje_despues=d.puntaje,
            cambio=cambio_de(a.nivel_vigente, d.nivel_vigente),
        )

    def clave(p: Producto) -> tuple[str, str]:
        return (p.area, p.texto)

    antes = {clave(p) for p in base.productos}
    ahora = {clave(p) for p in actual.productos}
    caminos: list[CaminoRecorrido] = []
    fuera: list[CambioFuera] = []
    if respuestas is not None and conocimiento is not None:
        caminos, fuera = recorridos(base, *respuestas, conocimiento)
    return Avance(
        comuna=actual.comuna,
        ugt=actual.ugt,
        fecha_base=base.fecha,
        fecha_actual=actual.fecha,
        archivo_base=archivo_base,
        archivo_actual=archivo_actual,
        diagnosticos=diagnosticos,
        ilustrativo=base.ilustrativo or actual.ilustrativo,
        areas=areas,
        completados=[p for p in base.productos if clave(p) not in ahora],
        pendientes=[p for p in actual.productos if clave(p) in antes],
        nuevos=[p for p in actual.productos if clave(p) not in antes],
        caminos=caminos,
        fuera_de_camino=fuera,
        procedencias=[base.procedencia, actual.procedencia],
    )


def recorridos(
    base: Resultado,
    antes: dict[str, Any],
    ahora: dict[str, Any],
    conocimiento: Conocimiento,
) -> tuple[list[CaminoRecorrido], list[CambioFuera]]:
    """The línea base's paths, each change checked against today's answers, and the
    answers that changed outside every path."""
    orden = {id_: p.orden for id_, p in conocimiento.camino.preguntas.items()}

    def alcanza(pregunta: str, hacia: Any) -> bool:
        valor = ahora.get(pregunta)
        if isinstance(valor, list):
            return hacia in valor
        secuencia = orden.get(pregunta, [])
        if valor in (None, NO_SABE) or valor not in secuencia or hacia not in secuencia:
            return valor == hacia
        return secuencia.index(valor) >= secuencia.index(hacia)

    caminos = []
    en_camino: set[str] = set()
    for area in AREAS:
        camino = base.caminos.get(area)
        if camino is None or camino.objetivo is None:
            continue
        for p in camino.caminos:
            en_camino |= {c.pregunta for c in p.cambios}
            caminos.append(_recorrido(area, camino.objetivo, p, alcanza))
    por_id = conocimiento.cuestionario.por_id
    fuera = [
        CambioFuera(
            pregunta=id_,
            texto=por_id[id_].texto,
            antes="sin respuesta" if antes.get(id_) is None else por_id[id_].etiqueta(antes[id_]),
            despues="sin respuesta" if ahora.get(id_) is None else por_id[id_].etiqueta(ahora[id_]),
        )
        for id_ in por_id
        if id_ not in en_camino and antes.get(id_) != ahora.get(id_)
    ]
    return caminos, fuera


def _recorrido(area: str, objetivo: str, camino: CaminoCambios, alcanza: Any) -> CaminoRecorrido:
    return CaminoRecorrido(
        area=area,
        objetivo=objetivo,
        cambios=[c.texto for c in camino.cambios],
        hechos=[alcanza(c.pregunta, c.hacia) for c in camino.cambios],
    )


class MovimientosUGT(BaseModel):
    """How the areas of a territory's comunas moved: counts of areas up, down, unchanged."""

    ugt: str
    comunas: list[str]
    sube: int = 0
    baja: int = 0
    igual: int = 0

    @property
    def total(self) -> int:
        return self.sube + self.baja + self.igual


def por_ugt(avances: list[Avance], territorios: list[str]) -> list[MovimientosUGT]:
    """One line per territory with some history, in the knowledge's order."""
    lineas = []
    for ugt in territorios:
        del_ugt = [a for a in avances if a.ugt == ugt]
        if del_ugt:
            lineas.append(
                MovimientosUGT(
                    ugt=ugt,
                    comunas=[a.comuna for a in del_ugt],
                    sube=sum(a.cuenta("sube") for a in del_ugt),
                    baja=sum(a.cuenta("baja") for a in del_ugt),
                    igual=sum(a.cuenta("igual") for a in del_ugt),
                )
            )
    return lineas
