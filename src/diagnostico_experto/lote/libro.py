"""resumen.xlsx as people read it: bold headers, widths, frozen panes, filters, formats, charts.

Written with XlsxWriter, streamed row by row (``constant_memory``): about twice
as fast as openpyxl for the ~100.000 rows of a large batch, in constant memory,
with the same features (conditional formatting, native charts). Every text is
written as text: one that looks like a formula is neutralised first, and
XlsxWriter's own guessing (formulas, links, numbers in strings) is off.
A text cell is never a formula in the file; one that starts like a formula
(answer text, a comuna's name) gets Excel's quote prefix, so it stays text
when someone edits it, without an apostrophe shown in the cell. A text
longer than its column wraps between words, its row as tall as its longest
text (LibreOffice does not size rows when it opens a file), and every cell
sits at the top of its row. Every sheet prints on A4 landscape, with its
header row on every page.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from diagnostico_experto.informes import formato as chileno

PORCENTAJE = "% de logro"
FORMATO_PORCENTAJE = "0 %"  # «38 %», as the reports write it
FORMATO_HORAS = "#,##0.0"
FORMATO_FECHA = "[$-340A]d mmm yyyy"  # month names in Spanish (Chile) whatever the reader's locale
PAPEL_A4 = 9
COLORES = {"alto": "C6F7E2", "medio": "FFF3C4", "bajo": "FFD0D0"}
CM_A_PIXELES = 96 / 2.54  # chart sizes are given in centimetres, as in Excel's dialog
# Characters of column width on one A4 landscape page at a readable scale (~75 %):
# a sheet much wider prints on several pages across, its first columns repeated on each.
ANCHO_PAGINA = 200
ANCHO_MAXIMO = 60
ALTO_TITULOS = 45  # points: a header of up to three lines, wrapped between words
ALTO_LINEA = 15  # points: one line of the default font (Calibri 11)
# Letters of running text per unit of column width (a unit is one digit, wider than
# most letters); a little under what LibreOffice and Excel fit, so no row is cut short.
LETRAS_POR_ANCHO = 1.25
# cm: the Gantt chart's height on its own A4 landscape page (the printable height)
ALTO_GANTT_MAXIMO = 16


class Libro:
    """One workbook, written once: add sheets in order, then ``contenido()``."""

    def __init__(self, pie: str = "") -> None:
        """``pie``: what produced the results, printed at the foot of every sheet."""
        self._pie = pie.replace("&", "&&")
        self._salida = io.BytesIO()
        self._libro = xlsxwriter.Workbook(
            self._salida,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        arriba = {"valign": "top"}  # a wrapped text makes its row taller
        self._negrita = self._libro.add_format({"bold": True})
        self._titulos = self._libro.add_format({"bold": True, "text_wrap": True, **arriba})
        self._arriba = self._libro.add_format(arriba)
        self._numeros = {
            f: self._libro.add_format({"num_format": f, **arriba})
            for f in (FORMATO_PORCENTAJE, FORMATO_HORAS)
        }
        self._textos = {
            inerte: self._libro.add_format({"text_wrap": True, "quote_prefix": inerte, **arriba})
            for inerte in (False, True)
        }
        self._fecha = self._libro.add_format(
            {"num_format": FORMATO_FECHA, "align": "left", **arriba}
        )
        self._enlace = self._libro.add_format({"font_color": "blue", "underline": 1, **arriba})
        self._rellenos = {
            nivel: self._libro.add_format({"bg_color": f"#{color}"})
            for nivel, color in COLORES.items()
        }
        # texts repeat across a batch's rows (products, hour lines, names): each is
        # measured and checked once
        self._lineas: dict[tuple[str, float], int] = {}
        self._inertes: dict[str, bool] = {}

    def hoja(
        self,
        titulo: str,
        encabezado: list[str],
        filas: list[list[Any]],
        colorear: tuple[str, ...] = (),
        fijas: int = 2,
        con_formato: bool = True,
        enlaces: tuple[str, ...] = (),
    ) -> Worksheet:
        """A sheet with its header frozen (and ``fijas`` first columns), an autofilter,
        % and hour formats by column name, levels coloured by conditional formatting,
        dates as dates and the columns named in ``enlaces`` as links to the report."""
        hoja = self._libro.add_worksheet(titulo)
        hoja.freeze_panes(1, fijas)
        columnas_enlace = {i for i, nombre in enumerate(encabezado) if nombre in enlaces}
        anchos, deseados = [], []
        for i, nombre in enumerate(encabezado):
            # headers wrap between words; a column is as wide as its values (up to ANCHO_MAXIMO)
            palabra = max((len(p) for p in str(nombre).split()), default=0)
            valores = max((len(str(f[i])) for f in filas[:200]), default=0)
            deseados.append(max(palabra, valores, 7) + 2)
            anchos.append(min(deseados[-1], ANCHO_MAXIMO))
        paginas = max(round(sum(anchos) / ANCHO_PAGINA), 1)
        anchos = _repartir(anchos, deseados, paginas * ANCHO_PAGINA)
        for i, ancho in enumerate(anchos):
            hoja.set_column(i, i, ancho)
        _para_imprimir(hoja, titulo, self._pie, paginas, fijas)
        formatos = {
            i: self._numeros[FORMATO_PORCENTAJE if _es_porcentaje(nombre) else FORMATO_HORAS]
            for i, nombre in enumerate(encabezado)
            if con_formato and (_es_porcentaje(nombre) or nombre.startswith(("Horas", "horas")))
        }
        hoja.set_row(0, ALTO_TITULOS)
        hoja.write_row(0, 0, encabezado, self._titulos)
        cabida = [_cabida(ancho) for ancho in anchos]
        for n, fila in enumerate(filas, 1):
            self._alto_de_fila(hoja, n, fila, cabida)
            for i, valor in enumerate(fila):
                if isinstance(valor, str):
                    if not valor:  # an empty text is an empty cell
                        continue
                    if i in columnas_enlace:
                        hoja.write_url(
                            n, i, f"external:{valor}", self._enlace, "ver informe", valor
                        )
                    else:
                        self._texto(hoja, n, i, valor)
                elif isinstance(valor, dt.date):
                    hoja.write_datetime(n, i, valor, self._fecha)
                elif isinstance(valor, bool) or valor is None:
                    hoja.write(n, i, valor, self._arriba)
                else:
                    hoja.write_number(n, i, valor, formatos.get(i, self._arriba))
        hoja.autofilter(0, 0, len(filas), max(len(encabezado) - 1, 0))
        for i, nombre in enumerate(encabezado):
            if colorear and any(c in nombre for c in colorear):
                for nivel, relleno in self._rellenos.items():
                    hoja.conditional_format(
                        1,
                        i,
                        max(len(filas), 1),
                        i,
                        {
                            "type": "cell",
                            "criteria": "equal to",
                            "value": f'"{nivel}"',
                            "format": relleno,
                        },
                    )
        return hoja

    def _texto(self, hoja: Worksheet, fila: int, columna: int, valor: str) -> None:
        """A text cell, wrapped at its column's edge; one that starts like a formula
        keeps Excel's quote prefix."""
        inerte = self._inertes.get(valor)
        if inerte is None:
            inerte = self._inertes[valor] = chileno.neutralizar(valor) != valor
        hoja.write_string(fila, columna, valor, self._textos[inerte])

    def grafico_de_barras(
        self,
        hoja: Worksheet,
        celda: str,
        titulo: str,
        columnas: range,
        filas: int,
        eje: str = "",
        apilado: bool = False,
        tamano_cm: tuple[float, float] = (18, 9),
    ) -> None:
        """Horizontal bars of ``columnas`` (their header row names each series) over
        the categories in column A, rows 2 to ``filas`` of ``hoja``."""
        grafico = self._libro.add_chart(
            {"type": "bar", **({"subtype": "stacked"} if apilado else {})}
        )
        nombre = hoja.get_name()
        for columna in columnas:
            serie: dict[str, Any] = {
                "name": [nombre, 0, columna],
                "categories": [nombre, 1, 0, filas - 1, 0],
                "values": [nombre, 1, columna, filas - 1, columna],
            }
            if apilado:
                serie["overlap"] = 100
            grafico.add_series(serie)
        grafico.set_title({"name": titulo})
        if eje:
            grafico.set_x_axis({"name": eje})  # a bar chart's values run along x
        ancho, alto = tamano_cm
        grafico.set_size({"width": ancho * CM_A_PIXELES, "height": alto * CM_A_PIXELES})
        hoja.insert_chart(celda, grafico)

    def hoja_gantt(self, titulo: str, encabezado: list[str], filas: list[list[Any]]) -> None:
        """A sheet of dated rows (label, …, start date, end date) and a Gantt-style chart:
        stacked bars whose first, invisible, series is the start date."""
        hoja = self._libro.add_worksheet(titulo)
        # the table fits one page: no header repeated above the chart's page
        _para_imprimir(hoja, titulo, self._pie, repetir=False)
        hoja.freeze_panes(1, 1)
        fecha = self._fecha
        hoja.write_row(0, 0, encabezado, self._negrita)
        columnas = len(encabezado)
        anchos = [14 if i >= columnas - 3 else 34 for i in range(columnas)]
        for i, ancho in enumerate(anchos):
            hoja.set_column(i, i, ancho)
        cabida = [_cabida(ancho) for ancho in anchos]
        for n, fila in enumerate(filas, 1):
            self._alto_de_fila(hoja, n, fila, cabida)
            *textos, inicio, fin = fila
            for i, valor in enumerate(textos):
                self._texto(hoja, n, i, str(valor))
            hoja.write_datetime(n, columnas - 3, inicio, fecha)
            hoja.write_datetime(n, columnas - 2, fin, fecha)
            hoja.write_number(n, columnas - 1, (fin - inicio).days, self._arriba)
        if not filas:
            return
        grafico = self._libro.add_chart({"type": "bar", "subtype": "stacked"})
        ultima = len(filas)
        grafico.add_series(
            {
                "name": encabezado[columnas - 3],
                "categories": [titulo, 1, 0, ultima, 0],
                "values": [titulo, 1, columnas - 3, ultima, columnas - 3],
                "fill": {"none": True},
                "border": {"none": True},
            }
        )
        grafico.add_series(
            {
                "name": encabezado[columnas - 1],
                "categories": [titulo, 1, 0, ultima, 0],
                "values": [titulo, 1, columnas - 1, ultima, columnas - 1],
                "data_labels": {"value": False},
            }
        )
        inicio = min(f[-2] for f in filas)
        fin = max(f[-1] for f in filas)
        grafico.set_x_axis(
            {
                "min": _serial(inicio),
                "max": _serial(fin),
                "date_axis": True,
                "num_format": "dd-mm-yyyy",
                "major_gridlines": {"visible": True},
            }
        )
        grafico.set_y_axis({"reverse": True})
        grafico.set_legend({"none": True})
        grafico.set_title({"name": titulo})
        alto = min(max(9, 1.2 + 0.7 * ultima), ALTO_GANTT_MAXIMO)
        grafico.set_size({"width": 24 * CM_A_PIXELES, "height": alto * CM_A_PIXELES})
        # below the table, on a page of its own: a chart split across pages loses its bars
        hoja.set_h_pagebreaks([ultima + 1])
        hoja.insert_chart(ultima + 1, 0, grafico, {"y_offset": 10})

    def _alto_de_fila(self, hoja: Worksheet, n: int, fila: list[Any], cabida: list[float]) -> None:
        """Row ``n`` as tall as its longest wrapped text (set before its cells are written)."""
        lineas = 1
        for valor, cabe in zip(fila, cabida, strict=False):
            if isinstance(valor, str) and len(valor) > cabe:
                clave = (valor, cabe)
                largo = self._lineas.get(clave)
                if largo is None:
                    largo = self._lineas[clave] = _lineas(valor, cabe)
                lineas = max(lineas, largo)
        if lineas > 1:
            hoja.set_row(n, lineas * ALTO_LINEA)

    def contenido(self) -> bytes:
        self._libro.close()
        return self._salida.getvalue()


def _para_imprimir(
    hoja: Worksheet,
    titulo: str,
    pie: str = "",
    paginas: int = 1,
    fijas: int = 0,
    repetir: bool = True,
) -> None:
    """A4 landscape, ``paginas`` pages wide and as many long as it takes, the header row
    on every page if ``repetir`` (and, across several pages, the ``fijas`` first columns)."""
    hoja.set_paper(PAPEL_A4)
    hoja.set_landscape()
    hoja.fit_to_pages(max(paginas, 1), 0)
    if repetir:
        hoja.repeat_rows(0)
    if paginas > 1 and fijas:
        hoja.repeat_columns(0, fijas - 1)
    hoja.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    hoja.set_header(f"&L&8{_encabezado(titulo)}")
    hoja.set_footer(f"&L&7{pie}&R&8Página &P de &N" if pie else "&C&8Página &P de &N")


def _encabezado(titulo: str) -> str:
    """The sheet's name in its printed header, with Excel's header codes escaped."""
    return "Resumen del diagnóstico · " + titulo.replace("&", "&&")


def _repartir(anchos: list[int], deseados: list[int], pagina: int) -> list[int]:
    """The page's spare width goes to the columns whose texts wrap, in proportion to what
    they lack: fewer lines per row, fewer pages, at the same print scale."""
    sobra = pagina - sum(anchos)
    faltan = [max(d - a, 0) for a, d in zip(anchos, deseados, strict=True)]
    if sobra <= 0 or not any(faltan):
        return anchos
    parte = min(sobra / sum(faltan), 1)
    return [a + round(f * parte) for a, f in zip(anchos, faltan, strict=True)]


def _cabida(ancho: float) -> float:
    """Letters of running text that fit on one line of a column ``ancho`` wide."""
    return (ancho - 1) * LETRAS_POR_ANCHO


def _lineas(texto: str, cabe: float) -> int:
    """How many lines ``texto`` takes wrapped between words where ``cabe`` letters fit."""
    lineas, usado = 1, 0
    for palabra in texto.split():
        if usado and usado + 1 + len(palabra) > cabe:
            lineas, usado = lineas + 1, len(palabra)
        else:
            usado += len(palabra) + (1 if usado else 0)
    return lineas


def _es_porcentaje(nombre: str) -> bool:
    return PORCENTAJE in nombre or nombre.startswith("%")


def _serial(fecha: Any) -> int:
    """A date as the spreadsheet's day number (days since 1899-12-30)."""
    return (fecha - type(fecha)(1899, 12, 30)).days
