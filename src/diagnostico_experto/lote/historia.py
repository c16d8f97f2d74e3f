"""Several diagnoses of one comuna in a batch: its history, not several comunas.

Files are matched to a comuna through the knowledge's comuna lookup (accents
and case do not matter) and told apart by ``fecha``. The latest diagnosis is
the comuna's state — the only one counted in totals, territory synthesis and
budget — and the earliest its línea base. Two diagnoses of one comuna with the
same date (or without a date to order them) cannot be told apart: both are
reported as errors naming both files and neither is counted, so the batch
never counts a comuna twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from markupsafe import Markup

from diagnostico_experto.comun.salidas import nombre_de_archivo
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS
from diagnostico_experto.informes import formato
from diagnostico_experto.informes.graficos import Fila, Grafico, Segmento
from diagnostico_experto.informes.informe_avance import (
    FLECHAS,
    avance_docx,
    informe_avance,
    seccion_indice,
)
from diagnostico_experto.lote.evaluacion import CARPETA_COMUNAS, Evaluada, Fallida
from diagnostico_experto.lote.libro import Libro
from diagnostico_experto.motor.avance import Avance, avance, por_ugt

SUFIJO_AVANCE = "-avance"


def reunir(
    resultados: list[Evaluada | Fallida], conocimiento: Conocimiento | None = None
) -> list[Evaluada | Fallida]:
    """The batch with each comuna's history read: in input order, conflicts as Fallida.

    Marks earlier diagnoses ``anterior``, gives each comuna's latest its
    ``avance``, and names report files: the latest keeps the comuna's slug,
    earlier ones add their date.
    """
    por_comuna: dict[str, list[Evaluada]] = defaultdict(list)
    for r in resultados:
        if isinstance(r, Evaluada):
            por_comuna[r.comuna].append(r)
    rechazadas: dict[int, Fallida] = {}
    for _comuna, grupo in por_comuna.items():
        if len(grupo) < 2:
            continue
        por_fecha: dict[str | None, list[Evaluada]] = defaultdict(list)
        for e in grupo:
            por_fecha[e.resultado.fecha].append(e)
        for fecha, iguales in por_fecha.items():
            if len(iguales) > 1 or fecha is None:
                for e in iguales:
                    rechazadas[id(e)] = Fallida(e.origen, [_conflicto(e, grupo, iguales, fecha)])
        validas = sorted(
            (e for e in grupo if id(e) not in rechazadas), key=lambda e: e.resultado.fecha or ""
        )
        for e in validas[:-1]:
            e.anterior = True
        if len(validas) > 1:
            base, actual = validas[0], validas[-1]
            (de_base, respuestas_base), (de_actual, respuestas_actual) = (
                base.completa(),
                actual.completa(),
            )
            actual.avance = avance(
                de_base,
                de_actual,
                base.origen,
                actual.origen,
                len(validas),
                (respuestas_base, respuestas_actual),
                conocimiento,
            )
    reunidos = [rechazadas.get(id(r), r) for r in resultados]
    _nombrar([r for r in reunidos if isinstance(r, Evaluada)])
    return reunidos


def _conflicto(
    e: Evaluada, grupo: list[Evaluada], iguales: list[Evaluada], fecha: str | None
) -> str:
    otros = [o.origen for o in (iguales if len(iguales) > 1 else grupo) if o is not e]
    if fecha is None:
        return (
            f"{e.origen}: {e.comuna} tiene otro diagnóstico en {', '.join(otros)} y este no tiene "
            "fecha; sin fecha no se puede ordenar la historia de la comuna. Agregue «fecha». "
            "No se cuenta."
        )
    return (
        f"{e.origen}: {e.comuna} tiene otro diagnóstico con la misma fecha ({formato.fecha(fecha)}) en "
        f"{', '.join(otros)}; no se sabe cuál es el vigente y ninguno se cuenta. Corrija la "
        "fecha del diagnóstico posterior o quite el archivo repetido."
    )


def _nombrar(evaluadas: list[Evaluada]) -> None:
    """File names: ASCII, unique; a comuna's latest keeps its name, earlier ones add the date."""
    usados: set[str] = set()
    for e in sorted(evaluadas, key=lambda e: e.anterior):
        base = nombre_de_archivo(e.comuna)
        if e.anterior:
            base = f"{base}-{e.resultado.fecha}"
        slug, n = base, 2
        while slug in usados or slug.endswith(SUFIJO_AVANCE):
            slug, n = f"{base}-{n}", n + 1
        usados.add(slug)
        e.slug = slug


def vigentes(resultados: Iterable[Evaluada | Fallida]) -> list[Evaluada]:
    """Each comuna once: its latest diagnosis."""
    return [r for r in resultados if isinstance(r, Evaluada) and not r.anterior]


def con_avance(evaluadas: Iterable[Evaluada]) -> list[tuple[Avance, str]]:
    return [(e.avance, e.slug) for e in evaluadas if e.avance is not None]


def informes_avance(
    evaluadas: Iterable[Evaluada], conocimiento: Conocimiento
) -> Iterator[tuple[str, str | bytes]]:
    """(file name inside comunas/, content) for every comuna with history, one at a time:
    its progress report in every format the batch writes a comuna's report in (the Word
    one from the template the ``avance`` command uses)."""
    for a, slug in con_avance(evaluadas):
        for tipo in ("md", "html", "json"):
            yield f"{slug}{SUFIJO_AVANCE}.{tipo}", informe_avance(a, conocimiento, tipo)
        yield f"{slug}{SUFIJO_AVANCE}.docx", avance_docx(a, conocimiento)


def indice(evaluadas: list[Evaluada], conocimiento: Conocimiento) -> Markup:
    avances = con_avance(evaluadas)
    territorios = [t.nombre for t in conocimiento.territorios]
    return seccion_indice(avances, por_ugt([a for a, _ in avances], territorios), conocimiento)


def seccion_sintesis(
    evaluadas: list[Evaluada], conocimiento: Conocimiento
) -> dict[str, Any] | None:
    """sintesis.docx's «Avance» section: what the index and the workbook show, in words.

    None when no comuna of the batch has an earlier diagnosis (no section).
    """
    avances = [a for a, _ in con_avance(evaluadas)]
    if not avances:
        return None
    movimientos = por_ugt(avances, [t.nombre for t in conocimiento.territorios])
    return {
        "resumen": (
            f"{formato.plural(len(avances), 'comuna')} con más de un diagnóstico: "
            f"{formato.plural(sum(a.cuenta('sube') for a in avances), 'área sube', 'áreas suben')}"
            f" de nivel, {formato.plural(sum(a.cuenta('baja') for a in avances), 'baja', 'bajan')}"
            f" y {formato.plural(sum(a.cuenta('igual') for a in avances), 'sigue', 'siguen')} "
            "igual."
        ),
        "ugt": [
            {
                "ugt": m.ugt,
                "comunas": len(m.comunas),
                "sube": m.sube,
                "igual": m.igual,
                "baja": m.baja,
            }
            for m in movimientos
        ],
        "comunas": [
            {
                "comuna": a.comuna,
                "fechas": f"{formato.fecha_corta(a.fecha_base)} → {formato.fecha_corta(a.fecha_actual)}",
                "niveles": [
                    f"{x.nivel_antes} → {x.nivel_despues}" for x in (a.areas[r] for r in AREAS)
                ],
                "despues": [a.areas[r].nivel_despues for r in AREAS],
                "completados": len(a.completados),
                "pendientes": len(a.pendientes) + len(a.nuevos),
            }
            for m in movimientos
            for a in avances
            if a.ugt == m.ugt
        ],
    }


def grafico_avance(evaluadas: list[Evaluada], conocimiento: Conocimiento) -> Grafico:
    """sintesis.docx's progress chart: per UGT, areas that rose, stayed or fell (no rows
    without history)."""
    movimientos = por_ugt(
        [a for a, _ in con_avance(evaluadas)], [t.nombre for t in conocimiento.territorios]
    )
    return Grafico(
        titulo="Áreas que suben, siguen igual o bajan, por UGT",
        filas=[
            Fila(
                m.ugt,
                [Segmento(m.sube, "sube"), Segmento(m.igual, "igual"), Segmento(m.baja, "baja")],
                nota=(
                    f"{formato.plural(m.sube, 'sube', 'suben')} · {m.igual} igual · "
                    f"{formato.plural(m.baja, 'baja', 'bajan')}"
                ),
            )
            for m in movimientos
        ],
        maximo=max((m.total for m in movimientos), default=1),
        leyenda=[("sube", "suben"), ("igual", "igual"), ("baja", "bajan")],
    )


def _fecha(texto: str | None) -> dt.date | str:
    """A diagnosis date as a spreadsheet date (text only when it is no date)."""
    try:
        return dt.date.fromisoformat(texto or "")
    except ValueError:
        return texto or ""


def agregar_hojas(libro: Libro, evaluadas: list[Evaluada], conocimiento: Conocimiento) -> None:
    """Sheets «Avance» (per comuna and area) and «Avance por UGT» with a bar chart."""
    pares = con_avance(evaluadas)
    avances = [a for a, _ in pares]
    if not avances:
        return
    nombres = {a: conocimiento.cuestionario.areas[a].nombre for a in AREAS}
    libro.hoja(
        "Avance",
        [
            "comuna",
            "UGT",
            "línea base",
            "actual",
            "área",
            "nivel línea base",
            "% logro línea base",
            "nivel actual",
            "% logro actual",
            "cambio",
            "productos completados",
            "productos que ya no corresponden",
            "productos pendientes",
            "Informe",
        ],
        [
            [
                a.comuna,
                a.ugt,
                _fecha(a.fecha_base),
                _fecha(a.fecha_actual),
                nombres[area],
                x.nivel_antes,
                x.puntaje_antes,
                x.nivel_despues,
                x.puntaje_despues,
                FLECHAS[x.cambio],
                sum(1 for p in a.completados if p.area == area),
                sum(1 for p in a.ya_no_corresponden if p.area == area),
                sum(1 for p in (*a.pendientes, *a.nuevos) if p.area == area),
                f"{CARPETA_COMUNAS}/{slug}-avance.html",
            ]
            for a, slug in pares
            for area, x in a.areas.items()
        ],
        fijas=1,
        colorear=("nivel",),
        enlaces=("Informe",),
    )
    movimientos = por_ugt(avances, [t.nombre for t in conocimiento.territorios])
    hoja = libro.hoja(
        "Avance por UGT",
        ["UGT", "áreas que suben", "siguen igual", "bajan", "comunas"],
        [[m.ugt, m.sube, m.igual, m.baja, len(m.comunas)] for m in movimientos],
        fijas=0,
        con_formato=False,
    )
    libro.grafico_de_barras(
        hoja,
        "G2",
        "Áreas que suben, siguen igual o bajan, por UGT",
        range(1, 4),
        len(movimientos) + 1,
        apilado=True,
        tamano_cm=(18, 3 + 1.5 * len(movimientos)),
    )
