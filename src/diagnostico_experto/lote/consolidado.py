"""The batch's outputs: per-comuna reports, resumen.csv, resumen.xlsx and index.html.

Each comuna's reports are written as soon as it is evaluated, and only what
the tables need is kept (see ``Evaluada.aligerar``), so a batch's memory does
not grow with its reports. Files go to a ``Publicacion``, which swaps the whole
set in at the end; names come from slugs of comuna names, so no answer text
can choose a path.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from slugify import slugify

from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS
from diagnostico_experto.informes.comuna import entorno_html
from diagnostico_experto.lote import historia
from diagnostico_experto.lote.evaluacion import Evaluada, Fallida
from diagnostico_experto.lote.publicacion import Publicacion
from diagnostico_experto.lote.sintesis import SintesisUGT, sintetizar
from diagnostico_experto.reglas.regla import lista_legible

CARPETA_COMUNAS = "comunas"
COLORES = {"alto": "C6F7E2", "medio": "FFF3C4", "bajo": "FFD0D0"}


def escribir_salidas(
    salida: Publicacion,
    resultados: Iterable[Evaluada | Fallida],
    conocimiento: Conocimiento,
    al_avanzar: Callable[[], None] | None = None,
) -> list[Evaluada | Fallida]:
    """Write each comuna's reports as it comes, then the tables; return the batch's results.

    A report is written under its comuna's name as soon as the comuna is
    evaluated. The history (``historia.reunir``) may rename a few once every
    comuna is in: an earlier diagnosis of a comuna adds its date, and two of
    one date are left out. Tables, synthesis and budget count each comuna once
    (its latest diagnosis).
    """
    hechos: list[Evaluada | Fallida] = []
    escritos: dict[int, tuple[str, list[str]]] = {}  # place in the input -> (name, formats)
    nombres = _Nombres()
    for n, resultado in enumerate(resultados):
        if isinstance(resultado, Evaluada):
            nombre = nombres.nuevo(resultado.comuna)
            escritos[n] = (nombre, list(resultado.informes))
            for formato, texto in resultado.informes.items():
                salida.escribir(f"{CARPETA_COMUNAS}/{nombre}.{formato}", texto)
            resultado.aligerar()
        hechos.append(resultado)
        if al_avanzar:
            al_avanzar()
    reunidos = historia.reunir(hechos)
    _renombrar(salida, escritos, reunidos)
    evaluadas = historia.vigentes(reunidos)
    fallidas = [r for r in reunidos if isinstance(r, Fallida)]
    for nombre, texto in historia.informes_avance(evaluadas, conocimiento).items():
        salida.escribir(f"{CARPETA_COMUNAS}/{nombre}", texto)
    sintesis = sintetizar([e.resultado for e in evaluadas], conocimiento)
    filas = [_fila(e) for e in evaluadas]
    salida.escribir("resumen.csv", _csv(filas))
    salida.escribir("resumen.xlsx", _xlsx(filas, evaluadas, sintesis, fallidas, conocimiento))
    salida.escribir("index.html", _indice(evaluadas, fallidas, sintesis, conocimiento))
    return reunidos


class _Nombres:
    """A comuna's report name as it comes: ASCII, no path separators, unique so far."""

    def __init__(self) -> None:
        self._usados: set[str] = set()

    def nuevo(self, comuna: str) -> str:
        base = slugify(comuna) or "comuna"
        nombre, n = base, 2
        while nombre in self._usados:
            nombre, n = f"{base}-{n}", n + 1
        self._usados.add(nombre)
        return nombre


def _renombrar(
    salida: Publicacion,
    escritos: dict[int, tuple[str, list[str]]],
    reunidos: list[Evaluada | Fallida],
) -> None:
    """Reports whose name the history changed (rare): aside first, so no name is overwritten."""
    cambios = []
    for n, (nombre, formatos) in escritos.items():
        final = reunidos[n]
        if isinstance(final, Evaluada) and final.slug == nombre:
            continue
        for formato in formatos:
            aparte = f"{CARPETA_COMUNAS}/.{n}.{formato}"
            salida.renombrar(f"{CARPETA_COMUNAS}/{nombre}.{formato}", aparte)
            cambios.append((aparte, final, formato))
    for aparte, final, formato in cambios:
        if isinstance(final, Evaluada):
            salida.renombrar(aparte, f"{CARPETA_COMUNAS}/{final.slug}.{formato}")
        else:  # refused by the history (one comuna, one date, two files): no report
            salida.quitar(aparte)


# --- one row per comuna ------------------------------------------------------------


def _fila(e: Evaluada) -> dict[str, Any]:
    r = e.resultado
    fila: dict[str, Any] = {"comuna": r["comuna"], "ugt": r["ugt"]}
    for area in AREAS:
        a = r["areas"][area]
        fila[f"nivel_{area}"] = a["nivel"]
        fila[f"puntaje_{area}"] = a["puntaje"]
        fila[f"validado_{area}"] = a["validado"]["nivel"] if a["validado"] else ""
        fila[f"vigente_{area}"] = a["nivel_vigente"]
    fila["fusiones"] = sum(1 for f in r["fusiones"] if f["tipo"] == "fusion")
    fila["coordinaciones"] = sum(1 for f in r["fusiones"] if f["tipo"] == "coordinacion")
    fila["vacios"] = len(r["vacios"])
    fila["ajustes_estructura"] = len(r["ajustes_estructura"])
    for area in AREAS:
        fila[f"horas_{area}"] = r["horas"]["por_area"][area]
    fila["horas_otras"] = sum(r["horas"]["otras"].values())
    fila["horas_total"] = r["horas"]["total"]
    fila["ilustrativo"] = "sí" if r.get("ilustrativo") else "no"
    fila["archivo"] = e.origen
    fila["informe"] = f"{CARPETA_COMUNAS}/{e.slug}.html"
    return fila


def _csv(filas: list[dict[str, Any]]) -> str:
    texto = io.StringIO()
    if filas:
        escritor = csv.DictWriter(texto, fieldnames=list(filas[0]), lineterminator="\n")
        escritor.writeheader()
        escritor.writerows(filas)
    return texto.getvalue()


# --- the workbook --------------------------------------------------------------------


def _hoja(
    libro: Workbook,
    titulo: str,
    encabezado: list[str],
    filas: list[list[Any]],
    colorear: tuple[str, ...] = (),
) -> None:
    """One sheet, streamed (write-only mode keeps large batches quick)."""
    hoja = libro.create_sheet(titulo)
    hoja.freeze_panes = "A2"
    for i, nombre in enumerate(encabezado, 1):
        ancho = max([len(str(nombre)), *(len(str(f[i - 1])) for f in filas[:200])], default=10)
        hoja.column_dimensions[get_column_letter(i)].width = min(max(ancho + 2, 8), 60)
    hoja.append([_celda(hoja, nombre, font=Font(bold=True)) for nombre in encabezado])
    con_color = {
        i for i, nombre in enumerate(encabezado) if colorear and nombre.startswith(colorear)
    }
    for fila in filas:
        hoja.append(
            [
                _celda(hoja, v, fill=PatternFill("solid", fgColor=COLORES[v]))
                if i in con_color and v in COLORES
                else v
                for i, v in enumerate(fila)
            ]
        )


def _celda(hoja: Any, valor: Any, **estilo: Any) -> Cell:
    celda = WriteOnlyCell(hoja, value=valor)
    for nombre, valor_estilo in estilo.items():
        setattr(celda, nombre, valor_estilo)
    return celda


def _xlsx(
    filas: list[dict[str, Any]],
    evaluadas: list[Evaluada],
    sintesis: list[SintesisUGT],
    fallidas: list[Fallida],
    conocimiento: Conocimiento,
) -> bytes:
    libro = Workbook(write_only=True)
    encabezado = list(filas[0]) if filas else ["comuna"]
    _hoja(
        libro,
        "Comunas",
        encabezado,
        [list(f.values()) for f in filas],
        colorear=("nivel_", "vigente_", "validado_"),
    )
    nombres = {a: conocimiento.cuestionario.areas[a].nombre for a in AREAS}
    _hoja(
        libro,
        "Por UGT",
        ["UGT", "comunas"]
        + [f"{nombres[a]}: {n}" for a in AREAS for n in ("alto", "medio", "bajo")]
        + ["énfasis de los talleres (más débil primero)", "horas", "presupuesto (parte)"],
        [
            [s.ugt, len(s.comunas)]
            + [s.conteo[a][n] for a in AREAS for n in ("alto", "medio", "bajo")]
            + [" > ".join(t.taller for t in s.talleres), s.horas, round(s.presupuesto, 1)]
            for s in sintesis
        ],
    )
    base = [(e.resultado["comuna"], e.resultado["ugt"], e.resultado) for e in evaluadas]
    _hoja(
        libro,
        "Productos",
        ["comuna", "UGT", "área", "nivel", "producto", "regla"],
        [
            [c, u, nombres[p["area"]], p["nivel"], p["texto"], p["regla"]]
            for c, u, r in base
            for p in r["productos"]
        ],
    )
    _hoja(
        libro,
        "Fusiones",
        ["comuna", "UGT", "tipo", "servicios", "etapas", "unidades", "propuesta", "regla"],
        [
            [
                c,
                u,
                f["tipo"],
                lista_legible(f["servicios"]),
                f["etapa"],
                lista_legible(f["unidades"]),
                f["texto"],
                f["regla"],
            ]
            for c, u, r in base
            for f in r["fusiones"]
        ],
    )
    _hoja(
        libro,
        "Ajustes de estructura",
        ["comuna", "UGT", "ajuste", "regla"],
        [[c, u, a["texto"], a["regla"]] for c, u, r in base for a in r["ajustes_estructura"]],
    )
    _hoja(
        libro,
        "Vacíos",
        ["comuna", "UGT", "tipo", "área de procesos", "servicio", "vacío", "regla"],
        [
            [c, u, v["tipo"], v["area_proceso"], v["servicio"] or "", v["texto"], v["regla"]]
            for c, u, r in base
            for v in r["vacios"]
        ],
    )
    _hoja(
        libro,
        "Horas",
        ["comuna", "UGT", "área o actividad", "concepto", "horas", "regla", "parámetro"],
        [
            [
                c,
                u,
                nombres[h["area"]] if h["area"] else "Otras actividades",
                h["concepto"],
                h["horas"],
                h["regla"],
                h["parametro"] or "",
            ]
            for c, u, r in base
            for h in r["horas"]["detalle"]
        ],
    )
    historia.agregar_hojas(libro, evaluadas, conocimiento)
    if fallidas:
        _hoja(
            libro,
            "Errores",
            ["archivo", "problema"],
            [[f.origen, p] for f in fallidas for p in f.problemas],
        )
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


# --- the index -----------------------------------------------------------------------


def _indice(
    evaluadas: list[Evaluada],
    fallidas: list[Fallida],
    sintesis: list[SintesisUGT],
    conocimiento: Conocimiento,
) -> str:
    por_ugt = {s.ugt: [e for e in evaluadas if e.resultado["ugt"] == s.ugt] for s in sintesis}
    presupuesto = float(conocimiento.valores_parametros().get("presupuesto_horas_programa", 0))
    total = sum(e.resultado["horas"]["total"] for e in evaluadas)
    return (
        entorno_html()
        .get_template("indice.html.j2")
        .render(
            sintesis=sintesis,
            por_ugt=por_ugt,
            fallidas=fallidas,
            total=total,
            presupuesto=presupuesto,
            ilustrativo=any(e.resultado.get("ilustrativo") for e in evaluadas),
            nombres={a: conocimiento.cuestionario.areas[a].nombre for a in AREAS},
            areas=AREAS,
            n_comunas=len(evaluadas),
            avance=historia.indice(evaluadas, conocimiento),
        )
    )
