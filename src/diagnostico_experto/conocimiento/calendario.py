"""The programme's calendar as data: the date of each plan step per UGT, and who
in the mesa comunal answers for each product (``knowledge/calendario.yaml``).

Every step of the plan (the ids of informe.yaml) gets a date: the first at
``inicio``, each next one ``semanas_entre_pasos`` weeks later, a step of
``consolidacion`` that many weeks after the step before it (the second stage
waits until the first steps are consolidated), unless ``fechas`` fixes it for
a UGT. The territorial talleres are the same for every
comuna of a UGT, so they share the date. A knowledge folder without the file
uses the shipped one.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

ARCHIVO_CALENDARIO = "calendario.yaml"


class Calendario(BaseModel):
    # built at its first validation: with the shared cache warm, knowledge is not read
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    inicio: dt.date
    semanas_entre_pasos: int = Field(default=3, ge=0, le=52)
    hora_taller: str = "09:30"
    duracion_taller_horas: float = Field(default=4, gt=0, le=24)
    territoriales: list[str] = []
    fechas: dict[str, dict[str, dt.date]] = {}
    # step -> weeks after the step before it (instead of semanas_entre_pasos)
    consolidacion: dict[str, int] = {}
    unidades_por_area: dict[str, list[str]] = {}

    @field_validator("hora_taller")
    @classmethod
    def _hora(cls, valor: str) -> str:
        try:
            dt.time.fromisoformat(valor)
        except ValueError:
            raise ValueError(f"«{valor}» no es una hora HH:MM") from None
        return valor

    def fecha(self, ugt: str, paso: str, orden: Sequence[str]) -> dt.date:
        """The date of a plan step for the comunas of a UGT."""
        fijada = self.fechas.get(ugt, {}).get(paso)
        if fijada is not None:
            return fijada
        posicion = list(orden).index(paso) if paso in orden else len(orden)
        if paso in self.consolidacion and posicion > 0:
            anterior = self.fecha(ugt, orden[posicion - 1], orden)
            return anterior + dt.timedelta(weeks=self.consolidacion[paso])
        return self.inicio + dt.timedelta(weeks=self.semanas_entre_pasos * posicion)

    def comienzo(self, fecha: dt.date) -> dt.datetime:
        return dt.datetime.combine(fecha, dt.time.fromisoformat(self.hora_taller))

    def responsable(self, area: str | None, mesa: Sequence[Any]) -> str:
        """The mesa member who answers for a product of ``area``, chosen by unit."""
        if not mesa:
            return ""
        preferidas = [_clave(u) for u in self.unidades_por_area.get(area or "", [])]
        for unidad in preferidas:
            for integrante in mesa:
                if _clave(integrante.unidad) == unidad:
                    return str(integrante.nombre)
        return str(mesa[0].nombre)


def _clave(texto: str) -> str:
    sin_tildes = unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode()
    return " ".join(sin_tildes.lower().split())
