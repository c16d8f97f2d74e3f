"""Horizontal bar charts, drawn offline: inline SVG for HTML, PNG strips for DOCX.

One model serves every chart of the reports: rows of stacked segments over
optional background bands (the level bands of the comuna chart) with an
optional marker (a budget). The HTML templates draw it as SVG
(``grafico.svg.j2``); Word documents get one PNG strip per row (Pillow) inside
a table whose words stay text. Colours are a sequential palette (dark for
bajo, light for alto) that keeps its order in greyscale and for colour-blind
readers, and every bar carries its level in words.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

# fill, text colour
PALETA = {
    "bajo": ("#993404", "#ffffff"),
    "medio": ("#fe9929", "#1f2933"),
    "alto": ("#fff7bc", "#1f2933"),
    "barra": ("#334e68", "#ffffff"),
    "exceso": ("#993404", "#ffffff"),
    # how areas moved since the línea base (as the index's progress chart)
    "sube": ("#3ebd93", "#1f2933"),
    "igual": ("#bcccdc", "#1f2933"),
    "baja": ("#e12d39", "#ffffff"),
}
BANDAS = {"bajo": "#eeeeee", "medio": "#dddddd", "bajo o medio": "#e6e6e6", "alto": "#cccccc"}
BORDE = "#52606d"


@dataclass
class Segmento:
    valor: float
    clase: str  # a key of PALETA
    texto: str = ""  # written inside the segment when it fits (SVG)


@dataclass
class Fila:
    etiqueta: str
    segmentos: list[Segmento]
    nota: str = ""  # written after the bar: the figures in words
    marca: float | None = None  # a vertical line (the budget)


@dataclass
class Banda:
    desde: float
    hasta: float
    nombre: str


@dataclass
class Grafico:
    titulo: str
    filas: list[Fila]
    maximo: float
    bandas: list[Banda] = field(default_factory=list)
    leyenda: list[tuple[str, str]] = field(default_factory=list)  # (clase, texto)

    # SVG geometry, in user units; the label and note columns are widened to their texts
    ancho: int = 720
    etiquetas: int = 170
    barras: int = 330
    fila: int = 28
    arriba: int = 22

    def __post_init__(self) -> None:
        self.etiquetas = max(self.etiquetas, _ancho_texto(f.etiqueta for f in self.filas) + 8)
        notas = _ancho_texto(f.nota for f in self.filas) + 8
        leyenda = (
            round(self.posiciones_leyenda()[-1][0]) + 16 + _ancho_texto([self.leyenda[-1][1]])
            if self.leyenda
            else 0
        )
        self.ancho = max(self.ancho, self.etiquetas + self.barras + notas, leyenda)

    def posiciones_leyenda(self) -> list[tuple[float, str, str]]:
        """Where each legend entry starts: after the previous one's text, never over it."""
        posiciones = []
        x = float(self.etiquetas)
        for clase, texto in self.leyenda:
            posiciones.append((x, clase, texto))
            x += 16 + _ancho_texto([texto]) + 18
        return posiciones

    @property
    def alto(self) -> int:
        return self.arriba + self.fila * len(self.filas) + (24 if self.leyenda else 6)

    def x(self, valor: float) -> float:
        proporcion = min(max(valor / self.maximo, 0), 1) if self.maximo else 0
        return round(self.etiquetas + proporcion * self.barras, 1)

    def y(self, indice: int) -> int:
        return self.arriba + indice * self.fila

    def tramos(self, fila: Fila) -> list[tuple[float, float, Segmento]]:
        """Each segment's start and width."""
        resultado = []
        acumulado = 0.0
        for segmento in fila.segmentos:
            inicio = self.x(acumulado)
            acumulado += segmento.valor
            resultado.append((inicio, round(self.x(acumulado) - inicio, 1), segmento))
        return resultado


def _ancho_texto(textos: Iterable[str]) -> int:
    """A generous width for texts at the charts' 12 px sans-serif (0,62 em per character)."""
    return round(max((len(t) for t in textos), default=0) * 12 * 0.62)


def png_fila(grafico: Grafico, fila: Fila, escala: int = 2) -> bytes:
    """One row's bar as a small PNG (no text: the words go in the document's table)."""
    ancho, alto = grafico.barras * escala, (grafico.fila - 8) * escala

    def x(valor: float) -> int:
        return round((grafico.x(valor) - grafico.etiquetas) * escala)

    bandas = tuple((x(b.desde), x(b.hasta), BANDAS[b.nombre]) for b in grafico.bandas)
    margen = 4 * escala
    barras = tuple(
        (izquierda, izquierda + round(largo * escala) - 1, PALETA[segmento.clase][0])
        for inicio, largo, segmento in grafico.tramos(fila)
        if largo > 0
        for izquierda in [round((inicio - grafico.etiquetas) * escala)]
    )
    marca = None if fila.marca is None else x(fila.marca)
    return _png(ancho, alto, margen, escala, bandas, barras, marca)


@functools.lru_cache(maxsize=1024)
def _png(
    ancho: int,
    alto: int,
    margen: int,
    escala: int,
    bandas: tuple[tuple[int, int, str], ...],
    barras: tuple[tuple[int, int, str], ...],
    marca: int | None,
) -> bytes:
    """The picture of one bar, by its pixels: comunas of a batch share most of them."""
    from PIL import Image, ImageDraw

    imagen = Image.new("RGB", (ancho, alto), "white")
    dibujo = ImageDraw.Draw(imagen)
    for desde, hasta, color in bandas:
        dibujo.rectangle([desde, 0, hasta, alto], fill=color)
        dibujo.line([desde, 0, desde, alto], fill=BORDE, width=1)
    for izquierda, derecha, color in barras:
        dibujo.rectangle([izquierda, margen, derecha, alto - margen], fill=color, outline=BORDE)
    if marca is not None:
        dibujo.line([marca, 0, marca, alto], fill="#000000", width=2 * escala)
    salida = io.BytesIO()
    # The format from the name's extension: Pillow then loads its PNG plugin only
    # (given as format="PNG", it first loads five: half of a first document's pictures).
    salida.name = "barra.png"
    imagen.save(salida, compress_level=1)
    return salida.getvalue()
