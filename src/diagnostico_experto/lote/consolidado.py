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
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from diagnostico_experto.comun.recolector import devolver_memoria
from diagnostico_experto.comun.salidas import nombre_de_archivo
from diagnostico_experto.conocimiento.carpeta import SEGUNDA_ETAPA, Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS
from diagnostico_experto.informes import formato as chileno
from diagnostico_experto.informes.comuna import entorno_html
from diagnostico_experto.informes.docx import FONDOS, plantilla, renderizar
from diagnostico_experto.lote import calendario, historia
from diagnostico_experto.lote.evaluacion import (
    CARPETA_COMUNAS,
    Compactador,
    Evaluada,
    Fallida,
)
from diagnostico_experto.lote.libro import PORCENTAJE, Libro
from diagnostico_experto.lote.publicacion import Publicacion
from diagnostico_experto.lote.sintesis import (
    SintesisUGT,
    calendario_por_ugt,
    cobertura,
    graficos_programa,
    sintetizar,
)
from diagnostico_experto.reglas.regla import Regla, lista_legible


def escribir_salidas(
    salida: Publicacion,
    resultados: Iterable[Evaluada | Fallida],
    conocimiento: Conocimiento,
    al_avanzar: Callable[[], None] | None = None,
    reglas: Iterable[Regla] = (),
) -> list[Evaluada | Fallida]:
    """Write each comuna's reports as it comes, then the tables; return the batch's results.

    A report is written under its comuna's name as soon as the comuna is
    evaluated. The history (``historia.reunir``) may rename a few once every
    comuna is in: an earlier diagnosis of a comuna adds its date, and two of
    one date are left out. Tables, synthesis and budget count each comuna once
    (its latest diagnosis). ``reglas``: the batch's rules, whose descriptions say
    in the workbook why each proposal and hour line is there.
    """
    hechos: list[Evaluada | Fallida] = []
    escritos: dict[int, tuple[str, list[str]]] = {}  # place in the input -> (name, formats)
    nombres = _Nombres()
    with Compactador() as compactar:  # what the history reads waits on disk until then
        for n, resultado in enumerate(resultados):
            if isinstance(resultado, Evaluada):
                nombre = nombres.nuevo(resultado.comuna)
                if resultado.no_escrito is not None:
                    formato, exc = resultado.no_escrito
                    raise salida.fallo(f"{CARPETA_COMUNAS}/{nombre}.{formato}", exc)
                escritos[n] = (nombre, list(resultado.informes))
                for formato, escrito in resultado.informes.items():
                    salida.adoptar(escrito, f"{CARPETA_COMUNAS}/{nombre}.{formato}")
                resultado.aligerar(compactar)
            hechos.append(resultado)
            if al_avanzar:
                al_avanzar()
        reunidos = historia.reunir(hechos, conocimiento)
    _renombrar(salida, escritos, reunidos)
    evaluadas = historia.vigentes(reunidos)
    fallidas = [r for r in reunidos if isinstance(r, Fallida)]
    for nombre, texto in historia.informes_avance(evaluadas, conocimiento):
        salida.escribir(f"{CARPETA_COMUNAS}/{nombre}", texto)
    sintesis = sintetizar([e.resultado for e in evaluadas], conocimiento)
    # The Word synthesis first, from as low as the batch can start it: its document
    # tree is the largest thing a batch builds, and the memory it frees serves the tables.
    devolver_memoria()
    del_calendario = calendario.talleres([e.resultado for e in evaluadas], conocimiento)
    salida.escribir(
        "sintesis.docx", _sintesis_docx(evaluadas, sintesis, conocimiento, del_calendario)
    )
    devolver_memoria()
    filas = [_fila(e, conocimiento) for e in evaluadas]
    salida.escribir("resumen.csv", _csv(filas))
    for ugt in dict.fromkeys(t.ugt for t in del_calendario):
        salida.escribir(
            calendario.nombre_ics(ugt),
            calendario.ics(ugt, [t for t in del_calendario if t.ugt == ugt], conocimiento),
        )
    salida.escribir(
        "resumen.xlsx",
        _xlsx(
            filas,
            evaluadas,
            sintesis,
            fallidas,
            conocimiento,
            del_calendario,
            {r.id: r.descripcion for r in reglas},
        ),
    )
    salida.escribir(
        "index.html", _indice(evaluadas, fallidas, sintesis, conocimiento, del_calendario)
    )
    return reunidos


class _Nombres:
    """A comuna's report name as it comes: ASCII, no path separators, unique so far."""

    def __init__(self) -> None:
        self._usados: set[str] = set()

    def nuevo(self, comuna: str) -> str:
        base = nombre_de_archivo(comuna)
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
#
# resumen.csv and the «Comunas» sheet share these columns, with Spanish headers.
# Shares (% de logro) are kept from 0 to 1 (the workbook formats them as %);
# the CSV writes them as a percentage with a decimal comma.


def _fila(e: Evaluada, conocimiento: Conocimiento) -> dict[str, Any]:
    r = e.resultado
    nombres = {a: conocimiento.cuestionario.areas[a].nombre for a in AREAS}
    fila: dict[str, Any] = {"Comuna": r.comuna, "UGT": r.ugt}
    for area in AREAS:
        a = r.areas[area]
        nombre = nombres[area]
        fila[f"{nombre}: nivel vigente"] = a.nivel_vigente
        fila[f"{nombre}: {PORCENTAJE}"] = a.puntaje
        fila[f"{nombre}: nivel diagnosticado"] = a.nivel
        fila[f"{nombre}: validado por la mesa"] = a.validado.nivel if a.validado else ""
        fila[f"{nombre}: provisional"] = "sí" if a.provisional else "no"
    fila["Fusiones de procesos"] = sum(1 for f in r.fusiones if f.tipo == "fusion")
    fila["Coordinaciones de etapas"] = sum(1 for f in r.fusiones if f.tipo == "coordinacion")
    fila["Vacíos estrategia–servicios"] = len(r.vacios)
    fila["Ajustes de estructura"] = len(r.ajustes_estructura)
    fila["Respuestas con evidencia"] = len(r.evidencia.con)
    fila["Respuestas que piden evidencia"] = len(r.evidencia.piden)
    for area in AREAS:
        fila[f"Horas {nombres[area].lower()}"] = r.horas.por_area[area]
    fila["Horas otras actividades"] = sum(r.horas.otras.values())
    fila["Horas total"] = r.horas.total
    # a staged plan (thin or busy team): what waits until the first steps are consolidated
    fila["Horas de la segunda etapa"] = r.horas.por_paso.get(SEGUNDA_ETAPA, 0.0)
    servicios = r.discrepancia_servicios  # an answer and the inventory that disagree
    fila["Servicios: declarados ≠ inventario"] = (
        f"{chileno.numero(servicios.declarados)} declarados, {servicios.inventario} en el inventario"
        if servicios
        else ""
    )
    fila["Respuestas ilustrativas"] = "sí" if r.ilustrativo else "no"
    fila["Archivo"] = _sin_carpeta(e.origen)
    fila["Informe"] = f"{CARPETA_COMUNAS}/{e.slug}.html"
    return fila


def _sin_carpeta(origen: str) -> str:
    """The input's name without the folder it was read from (no absolute paths in tables)."""
    return origen.replace("\\", "/").rsplit("/", 1)[-1]


def _csv(filas: list[dict[str, Any]]) -> str:
    """For a spreadsheet set to Spanish (Chile): «;» between fields, decimal comma, UTF-8 BOM."""
    texto = io.StringIO()
    texto.write("\ufeff")
    if filas:
        escritor = csv.writer(texto, delimiter=";", lineterminator="\r\n")
        escritor.writerow(list(filas[0]))
        for fila in filas:
            escritor.writerow([_valor_csv(k, v) for k, v in fila.items()])
    return texto.getvalue()


def _valor_csv(columna: str, valor: Any) -> Any:
    if valor is None:
        return ""
    if isinstance(valor, float | int) and not isinstance(valor, bool):
        if columna.endswith(PORCENTAJE):
            valor = valor * 100
        return chileno.numero(valor, 2).replace(".", "")  # 2473,5: no thousands dot in data
    return chileno.neutralizar(valor)


# --- the workbook ---------------------------------------------------------------------

MOTIVO = "Motivo (hoja «Motivos»)"


def _xlsx(
    filas: list[dict[str, Any]],
    evaluadas: list[Evaluada],
    sintesis: list[SintesisUGT],
    fallidas: list[Fallida],
    conocimiento: Conocimiento,
    del_calendario: list[calendario.TallerUGT],
    motivos: dict[str, str],
) -> bytes:
    """The workbook. A reader sees why each proposal is there (its rule's
    description, ``motivos`` by rule id), never the rule's id: once, in the
    «Motivos» sheet, each row pointing to it by number (the same sentence on
    every row doubled the rows' height and the pages)."""
    numeros: dict[str, int] = {}  # by the reason's text: several rules share one

    def por_que(regla: str) -> int | None:
        texto = motivos.get(regla)
        return numeros.setdefault(texto, len(numeros) + 1) if texto else None

    libro = Libro(pie=procedencia(evaluadas))
    del_programa = cobertura([e.resultado for e in evaluadas], conocimiento)
    # the input's file name is for scripts (resumen.csv) and the «Errores» sheet;
    # the director knows a comuna by its name and its report's link
    encabezado = [c for c in filas[0] if c != "Archivo"] if filas else ["Comuna"]
    libro.hoja(
        "Comunas",
        encabezado,
        [[f[c] for c in encabezado] for f in filas],
        colorear=("nivel", "validado"),
        enlaces=("Informe",),
    )
    nombres = {a: conocimiento.cuestionario.areas[a].nombre for a in AREAS}
    catalogo = conocimiento.catalogo
    libro.hoja(
        "Por UGT",
        ["UGT", "Comunas evaluadas", "Comunas del programa"]
        + [f"{nombres[a]}: {n}" for a in AREAS for n in ("alto", "medio", "bajo")]
        + [
            "Énfasis de los talleres (más débil primero)",
            "Horas",
            "Presupuesto de las comunas evaluadas (h)",
            "Horas frente al presupuesto",
        ],
        [
            [s.ugt, len(s.comunas), s.comunas_programa]
            + [s.conteo[a][n] for a in AREAS for n in ("alto", "medio", "bajo")]
            + [
                " > ".join(t.taller for t in s.talleres),
                s.horas,
                round(s.presupuesto, 1),
                s.resumen_horas(),
            ]
            for s in sintesis
        ]
        + [
            ["Todo el lote", del_programa.evaluadas, del_programa.programa]
            + [""] * (3 * len(AREAS) + 1)
            + [del_programa.horas, round(del_programa.presupuesto, 1), del_programa.frase()]
        ],
        fijas=1,
    )
    _graficos(libro, sintesis, nombres)
    base = [(e.resultado.comuna, e.resultado.ugt, e.resultado) for e in evaluadas]
    libro.hoja(
        "Productos",
        ["Comuna", "UGT", "Área", "Nivel", "Producto", MOTIVO],
        [
            [c, u, nombres[p.area], p.nivel, p.texto, por_que(p.regla)]
            for c, u, r in base
            for p in r.productos
        ],
        colorear=("Nivel",),
    )
    libro.hoja(
        "Fusiones",
        [
            "Comuna",
            "UGT",
            "Tipo",
            "Servicios",
            "Etapas",
            "Unidades",
            "Propuesta",
            MOTIVO,
        ],
        [
            [
                c,
                u,
                conocimiento.informe.tipo_de_propuesta(f.tipo),
                lista_legible(f.servicios),
                lista_legible(catalogo.nombre("etapas", x).lower() for x in f.etapas),
                lista_legible(f.unidades),
                f.texto,
                por_que(f.regla),
            ]
            for c, u, r in base
            for f in r.fusiones
        ],
    )
    libro.hoja(
        "Ajustes de estructura",
        ["Comuna", "UGT", "Ajuste", MOTIVO],
        [[c, u, a.texto, por_que(a.regla)] for c, u, r in base for a in r.ajustes_estructura],
    )
    vacios = {
        "area_sin_servicios": "Área de procesos sin servicios",
        "servicio_sin_lineamiento": "Servicio que ningún lineamiento pide",
    }
    libro.hoja(
        "Vacíos",
        ["Comuna", "UGT", "Tipo", "Área de procesos", "Servicio", "Vacío", MOTIVO],
        [
            [
                c,
                u,
                vacios.get(v.tipo, v.tipo),
                catalogo.nombre("areas_proceso", v.area_proceso),
                v.servicio or "",
                v.texto,
                por_que(v.regla),
            ]
            for c, u, r in base
            for v in r.vacios
        ],
    )
    libro.hoja(
        "Horas",
        ["Comuna", "UGT", "Área o actividad", "Concepto", "Horas", MOTIVO],
        [
            [
                c,
                u,
                nombres[h.area] if h.area else conocimiento.informe.otras_actividades,
                h.concepto,
                h.horas,
                por_que(h.regla),
            ]
            for c, u, r in base
            for h in r.horas.detalle
        ],
    )
    usos: dict[str, list[str]] = defaultdict(list)
    for titulo, reglas in (
        ("Productos", (p.regla for _, _, r in base for p in r.productos)),
        ("Fusiones", (f.regla for _, _, r in base for f in r.fusiones)),
        ("Ajustes de estructura", (a.regla for _, _, r in base for a in r.ajustes_estructura)),
        ("Vacíos", (v.regla for _, _, r in base for v in r.vacios)),
        ("Horas", (h.regla for _, _, r in base for h in r.horas.detalle)),
    ):
        for texto in dict.fromkeys(motivos[r] for r in reglas if motivos.get(r)):
            usos[texto].append(titulo)
    libro.hoja(
        "Motivos",
        [MOTIVO, "Por qué se propone, se señala o se cuenta", "Hojas"],
        [[n, texto, lista_legible(usos[texto])] for texto, n in numeros.items()],
        fijas=1,
    )
    historia.agregar_hojas(libro, evaluadas, conocimiento)
    if del_calendario:
        libro.hoja_gantt(
            "Calendario",
            ["Taller", "UGT", "Paso", "Comunas", "Desde", "Hasta", "Días"],
            [
                [
                    f"{t.ugt}: {t.corto}",
                    t.ugt,
                    t.titulo,
                    ", ".join(t.comunas),
                    t.fecha,
                    t.hasta,
                ]
                for t in del_calendario
            ],
        )
    if fallidas:
        libro.hoja(
            "Errores",
            ["Archivo", "Problema"],
            [[_sin_carpeta(f.origen), p] for f in fallidas for p in f.problemas],
            fijas=1,
        )
    return libro.contenido()


def _graficos(libro: Libro, sintesis: list[SintesisUGT], nombres: dict[str, str]) -> None:
    """A sheet with native charts: comunas at each level per area and UGT, hours vs budget."""
    encabezado = (
        ["UGT"]
        + [f"{nombres[a]}: en bajo" for a in AREAS]
        + ["Horas", "Presupuesto de las comunas evaluadas"]
    )
    filas = [
        [s.ugt, *(s.conteo[a]["bajo"] for a in AREAS), s.horas, round(s.presupuesto, 1)]
        for s in sintesis
    ]
    hoja = libro.hoja("Gráficos", encabezado, filas, fijas=1)
    n = len(sintesis) + 1
    libro.grafico_de_barras(
        hoja,
        "I2",
        "Comunas con el área en nivel bajo, por UGT",
        range(1, 1 + len(AREAS)),
        n,
        eje="comunas",
    )
    columna = 1 + len(AREAS)
    libro.grafico_de_barras(
        hoja,
        "I22",
        "Horas propuestas frente al presupuesto, por UGT",
        range(columna, columna + 2),
        n,
        eje="horas",
    )


def procedencia(evaluadas: list[Evaluada]) -> str:
    """What produced the batch's results, said once (or each set, if they differ)."""
    textos = list(
        dict.fromkeys(e.resultado.procedencia.texto() for e in evaluadas if e.resultado.procedencia)
    )
    if len(textos) > 1:
        return "Generado con reglas o conocimiento distintos: " + "; ".join(textos) + "."
    return f"Generado por {textos[0]}." if textos else ""


# --- the programme document --------------------------------------------------------


def _sintesis_docx(
    evaluadas: list[Evaluada],
    sintesis: list[SintesisUGT],
    conocimiento: Conocimiento,
    del_calendario: list[calendario.TallerUGT],
) -> bytes:
    """sintesis.docx: the index's content for the programme team's report (Word template)."""
    nombres = {a: conocimiento.cuestionario.areas[a].nombre for a in AREAS}
    presupuesto = float(conocimiento.valores_parametros().get("presupuesto_horas_programa", 0))
    total = sum(e.resultado.horas.total for e in evaluadas)
    del_programa = cobertura([e.resultado for e in evaluadas], conocimiento)
    territorios = [
        {
            "ugt": s.ugt,
            "resumen": f"{s.resumen_horas()}.",
            "conteo": [{"area": nombres[a], **s.conteo[a]} for a in AREAS],
            "talleres": [
                f"{i}. {t.taller}: nivel promedio {chileno.numero(t.valor)} de 2; "
                f"{chileno.plural(t.comunas_bajo, 'comuna')} en bajo"
                for i, t in enumerate(s.talleres, 1)
            ],
            "comunes": [
                f"{x.texto}: {chileno.plural(len(x.comunas), 'comuna')} ({lista_legible(x.comunas)})"
                for x in [*s.fusiones, *s.vacios]
            ],
        }
        for s in sintesis
    ]
    grilla = [
        {
            "comuna": e.resultado.comuna,
            "ugt": e.resultado.ugt,
            "niveles": [e.resultado.areas[a].nivel_vigente for a in AREAS],
            "horas": chileno.horas(e.resultado.horas.total),
        }
        for s in sintesis
        for e in evaluadas
        if e.resultado.ugt == s.ugt
    ]
    contexto = {
        "comunas": chileno.plural(len(evaluadas), "comuna"),
        "territorios": chileno.plural(len(sintesis), "territorio"),
        "total": total,
        # a template of an older copy compares with these: the share of the comunas evaluated
        "presupuesto": del_programa.presupuesto,
        "proporcion": chileno.porcentaje(del_programa.proporcion)
        if del_programa.presupuesto
        else "sin presupuesto",
        "cifras_del_programa": del_programa.frase(),
        "ilustrativo": any(e.resultado.ilustrativo for e in evaluadas),
        "sintesis": territorios,
        "grilla": grilla,
        "fondo": FONDOS,
        "procedencia": procedencia(evaluadas),
        "avance": historia.seccion_sintesis(evaluadas, conocimiento),
        "calendario": calendario_por_ugt(del_calendario),
    }
    return renderizar(
        plantilla(conocimiento, "sintesis.docx"),
        contexto,
        {
            f"grafico_{nombre}": grafico
            for nombre, grafico in graficos_programa(sintesis, nombres, presupuesto).items()
        }
        | {"grafico_avance": historia.grafico_avance(evaluadas, conocimiento)},
    )


# --- the index -----------------------------------------------------------------------


def _indice(
    evaluadas: list[Evaluada],
    fallidas: list[Fallida],
    sintesis: list[SintesisUGT],
    conocimiento: Conocimiento,
    del_calendario: list[calendario.TallerUGT],
) -> str:
    por_ugt = {s.ugt: [e for e in evaluadas if e.resultado.ugt == s.ugt] for s in sintesis}
    presupuesto = float(conocimiento.valores_parametros().get("presupuesto_horas_programa", 0))
    return (
        entorno_html()
        .get_template("indice.html.j2")
        .render(
            sintesis=sintesis,
            por_ugt=por_ugt,
            fallidas=fallidas,
            total=sum(e.resultado.horas.total for e in evaluadas),
            cobertura=cobertura([e.resultado for e in evaluadas], conocimiento),
            procedencia=procedencia(evaluadas),
            ilustrativo=any(e.resultado.ilustrativo for e in evaluadas),
            nombres={a: conocimiento.cuestionario.areas[a].nombre for a in AREAS},
            graficos=graficos_programa(
                sintesis,
                {a: conocimiento.cuestionario.areas[a].nombre for a in AREAS},
                presupuesto,
            ),
            areas=AREAS,
            n_comunas=len(evaluadas),
            avance=historia.indice(evaluadas, conocimiento),
            talleres=del_calendario,
            nombre_ics=calendario.nombre_ics,
        )
    )
