"""A comuna's progress between two diagnoses: its línea base and its latest state.

The programme diagnosed a comuna, accompanied it, and diagnosed it again to
see whether each area rose a level (§6.2.4: "mejorar su nivel"). Progress is
read from two results of the same comuna: the nivel vigente and % de logro of
each area then and now, the products asked at the línea base that are no
longer asked (their element now exists: completed), and what remains.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from diagnostico_experto.conocimiento.preguntas import AREAS
from diagnostico_experto.motor.resultado import Producto, Resultado

ORDEN_NIVEL = {"bajo": 0, "medio": 1, "alto": 2}
Cambio = Literal["sube", "baja", "igual"]


class AvanceArea(BaseModel):
    nivel_antes: str  # nivel vigente at the línea base
    nivel_despues: str  # nivel vigente now
    puntaje_antes: float | None
    puntaje_despues: float | None
    cambio: Cambio


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
) -> Avance:
    """Progress of one comuna from ``base`` (earliest) to ``actual`` (latest)."""
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
