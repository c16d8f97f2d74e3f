"""The programme's calendar per UGT: the territorial talleres, shared by the comunas
of each UGT, dated by knowledge/calendario.yaml; written to the index, the
workbook («Calendario», with a Gantt chart) and one iCalendar file per UGT.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar
from slugify import slugify

from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.motor.resultado import Resultado

ZONA = ZoneInfo("America/Santiago")  # the programme's comunas are in continental Chile


@dataclass(frozen=True)
class TallerUGT:
    ugt: str
    paso: str  # the plan step's id (informe.yaml)
    titulo: str
    corto: str  # «Taller de Estrategia», for chart labels
    fecha: dt.date
    hasta: dt.date  # the next taller of the UGT (the comunal work in between)
    comunas: tuple[str, ...]


def talleres(resultados: list[Resultado], conocimiento: Conocimiento) -> list[TallerUGT]:
    """The territorial talleres of each UGT with comunas in the batch, in the programme's order."""
    calendario = conocimiento.calendario
    if calendario is None:
        return []
    orden = [p.id for p in conocimiento.informe.pasos]
    titulos = {p.id: p.titulo for p in conocimiento.informe.pasos}
    cortos: dict[str, str] = {
        str(t.id): f"Taller de {t.nombre}" for t in conocimiento.talleres if t.id
    }
    territoriales = [p for p in orden if p in calendario.territoriales]
    lista = []
    for territorio in conocimiento.territorios:
        comunas = tuple(r.comuna for r in resultados if r.ugt == territorio.nombre)
        if not comunas:
            continue
        fechas = [calendario.fecha(territorio.nombre, p, orden) for p in territoriales]
        paso_siguiente = dt.timedelta(weeks=max(calendario.semanas_entre_pasos, 1))
        for i, paso in enumerate(territoriales):
            hasta = fechas[i + 1] if i + 1 < len(fechas) else fechas[i] + paso_siguiente
            lista.append(
                TallerUGT(
                    territorio.nombre,
                    paso,
                    titulos[paso],
                    cortos.get(paso, titulos[paso]),
                    fechas[i],
                    max(hasta, fechas[i] + dt.timedelta(days=1)),
                    comunas,
                )
            )
    return lista


def nombre_ics(ugt: str) -> str:
    return f"calendario-{slugify(ugt)}.ics"


def ics(ugt: str, de_la_ugt: list[TallerUGT], conocimiento: Conocimiento) -> bytes:
    """The UGT's talleres as an iCalendar file (RFC 5545) that calendars import."""
    calendario = conocimiento.calendario
    assert calendario is not None
    cal = icalendar.Calendar()
    cal.add("prodid", "-//diagnostico-experto//calendario del programa//ES")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Talleres territoriales — UGT {ugt}")
    duracion = dt.timedelta(hours=calendario.duracion_taller_horas)
    for t in de_la_ugt:
        evento = icalendar.Event()
        evento.add("uid", f"{slugify(ugt)}-{t.paso}-{t.fecha.isoformat()}@diagnostico-experto")
        evento.add("dtstamp", dt.datetime.combine(t.fecha, dt.time(), tzinfo=dt.UTC))
        evento.add("dtstart", calendario.comienzo(t.fecha).replace(tzinfo=ZONA))
        evento.add("duration", duracion)
        evento.add("summary", f"{t.titulo} — UGT {ugt}")
        evento.add(
            "description",
            "Comunas: " + ", ".join(t.comunas) + ". Fechas por defecto a calibrar "
            "(calendario del programa).",
        )
        cal.add_component(evento)
    cal.add_missing_timezones()  # the VTIMEZONE of Chile, so every calendar reads the hour right
    return cal.to_ical()
