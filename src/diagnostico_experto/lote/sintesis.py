"""Synthesis by territory (UGT): what the programme team plans the talleres with.

Per UGT: how many comunas sit at each level per area, the weakest areas
(which set the emphasis of each taller territorial, §6.2.4), the fusions and
gaps that recur across its comunas (§7.1.3: common problems, shared
solutions), and its hours against its share of the programme's budget; and
the calendar of its talleres territoriales, as the Word synthesis shows it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS, NIVELES
from diagnostico_experto.informes import formato
from diagnostico_experto.informes.graficos import Fila, Grafico, Segmento
from diagnostico_experto.lote.calendario import TallerUGT, nombre_ics
from diagnostico_experto.motor.resultado import Fusion, Resultado, Vacio
from diagnostico_experto.reglas.regla import lista_legible

VALOR_NIVEL = {"bajo": 0, "medio": 1, "alto": 2}
T = TypeVar("T")


@dataclass
class Recurrente:
    """A fusion or gap found in several comunas of a territory."""

    texto: str
    comunas: list[str]


@dataclass
class EnfasisTaller:
    taller: str
    areas: list[str]
    valor: float  # mean nivel vigente, 0 (bajo) to 2 (alto): lower is weaker
    comunas_bajo: int  # comunas with some area of the taller at bajo


@dataclass
class SintesisUGT:
    ugt: str
    comunas: list[str]
    conteo: dict[str, dict[str, int]]  # area -> nivel -> number of comunas
    talleres: list[EnfasisTaller]  # weakest first
    fusiones: list[Recurrente] = field(default_factory=list)
    vacios: list[Recurrente] = field(default_factory=list)
    horas: float = 0
    presupuesto: float = 0  # the budget share of the UGT's evaluated comunas
    comunas_programa: int = 0  # the UGT's comunas in the programme (comunas.yaml)
    presupuesto_ugt: float = 0  # the UGT's share of the programme budget (all its comunas)

    @property
    def parcial(self) -> bool:
        """The batch holds only some of the UGT's comunas."""
        return len(self.comunas) < self.comunas_programa

    def resumen_horas(self) -> str:
        """«4 de sus 9 comunas · 385 h de 275,9 h, la parte del presupuesto de esas
        4 comunas (140 %)»: hours against the share of the comunas evaluated."""
        if not self.presupuesto:
            cuantas = (
                f"{formato.numero(len(self.comunas))} de sus "
                f"{formato.plural(self.comunas_programa, 'comuna')}"
                if self.parcial
                else formato.plural(len(self.comunas), "comuna")
            )
            return (
                f"{cuantas} · {formato.horas(self.horas)} (sin presupuesto de horas para comparar)"
            )
        proporcion = formato.porcentaje(self.horas / self.presupuesto)
        if self.parcial:
            n = len(self.comunas)
            return (
                f"{formato.numero(n)} de sus {formato.plural(self.comunas_programa, 'comuna')}"
                f" · {formato.horas(self.horas)} de {formato.horas(self.presupuesto)}, la parte"
                f" del presupuesto de {'esa comuna' if n == 1 else f'esas {n} comunas'}"
                f" ({proporcion})"
            )
        return (
            f"{formato.plural(len(self.comunas), 'comuna')} · {formato.horas(self.horas)} de "
            f"{formato.horas(self.presupuesto)} de su parte del presupuesto ({proporcion})"
        )


@dataclass(frozen=True)
class Cobertura:
    """How much of the programme a batch holds, and the budget share of those comunas.

    The share of a comuna is the programme budget over the programme's comunas
    (comunas.yaml): a partial batch is compared with the share of the comunas it
    holds, never with the whole budget.
    """

    evaluadas: int  # comunas of the batch that belong to the programme
    programa: int  # comunas of the programme
    horas: float  # hours proposed for the evaluated comunas of the programme
    presupuesto_programa: float
    fuera: int = 0  # comunas of the batch outside the programme (no budget share)
    horas_fuera: float = 0

    @property
    def presupuesto(self) -> float:
        """The budget share of the comunas evaluated."""
        return self.presupuesto_programa * self.evaluadas / self.programa if self.programa else 0

    @property
    def parcial(self) -> bool:
        return self.evaluadas < self.programa

    @property
    def proporcion(self) -> float:
        return self.horas / self.presupuesto if self.presupuesto else 0

    def frase(self) -> str:
        """The headline every batch document shows, without a final period."""
        proporcion = formato.porcentaje(self.proporcion) if self.presupuesto else "sin presupuesto"
        if self.presupuesto and self.horas > self.presupuesto:
            proporcion += f", {formato.horas(self.horas - self.presupuesto)} por sobre " + (
                "esa parte" if self.parcial else "el presupuesto"
            )
        if not self.presupuesto_programa:
            cuantas = (
                f"{formato.numero(self.evaluadas)} de las "
                f"{formato.plural(self.programa, 'comuna')} del programa"
                if self.parcial
                else f"Las {formato.plural(self.programa, 'comuna')} del programa"
            )
            frase = (
                f"{cuantas}: {formato.horas(self.horas)} de acompañamiento propuestas "
                "(sin presupuesto de horas para comparar)"
            )
        elif self.parcial:
            esas = "esa comuna" if self.evaluadas == 1 else f"esas {self.evaluadas} comunas"
            frase = (
                f"{formato.numero(self.evaluadas)} de las "
                f"{formato.plural(self.programa, 'comuna')} del programa: "
                f"{formato.horas(self.horas)} de acompañamiento propuestas, frente a "
                f"{formato.horas(self.presupuesto)}, la parte del presupuesto que corresponde a "
                f"{esas} ({proporcion}); el presupuesto de todo el programa es de "
                f"{formato.horas(self.presupuesto_programa)}"
            )
        else:
            frase = (
                f"Las {formato.plural(self.programa, 'comuna')} del programa: "
                f"{formato.horas(self.horas)} de acompañamiento propuestas, frente a un "
                f"presupuesto de {formato.horas(self.presupuesto_programa)} ({proporcion})"
            )
        if self.fuera:
            frase += (
                f"; además, {formato.plural(self.fuera, 'comuna')} fuera del programa, sin parte "
                f"del presupuesto ({formato.horas(self.horas_fuera)})"
            )
        return frase


def cobertura(resultados: list[Resultado], conocimiento: Conocimiento) -> Cobertura:
    """The batch's comunas against the programme's (comunas.yaml) and its budget."""
    del_programa = {c for t in conocimiento.territorios for c in t.comunas}
    dentro = [r for r in resultados if r.comuna in del_programa]
    fuera = [r for r in resultados if r.comuna not in del_programa]
    return Cobertura(
        evaluadas=len({r.comuna for r in dentro}),
        programa=len(del_programa),
        horas=sum(r.horas.total for r in dentro),
        presupuesto_programa=_presupuesto(conocimiento),
        fuera=len({r.comuna for r in fuera}),
        horas_fuera=sum(r.horas.total for r in fuera),
    )


def _presupuesto(conocimiento: Conocimiento) -> float:
    return float(conocimiento.valores_parametros().get("presupuesto_horas_programa", 0))


def sintetizar(resultados: list[Resultado], conocimiento: Conocimiento) -> list[SintesisUGT]:
    """One synthesis per territory that has evaluated comunas, in comunas.yaml order."""
    presupuesto = _presupuesto(conocimiento)
    # a comuna's share follows the programme's comunas (knowledge), not the batch's:
    # a UGT is compared with the share of the comunas of it the batch holds
    total_comunas = max(sum(len(t.comunas) for t in conocimiento.territorios), 1)
    por_ugt: dict[str, list[Resultado]] = defaultdict(list)
    for r in resultados:
        por_ugt[r.ugt].append(r)
    sintesis = []
    for territorio in conocimiento.territorios:
        del_ugt = por_ugt.get(territorio.nombre)
        if not del_ugt:
            continue
        conteo = {a: dict.fromkeys(NIVELES, 0) for a in AREAS}
        for r in del_ugt:
            for area in AREAS:
                conteo[area][r.areas[area].nivel_vigente] += 1
        sintesis.append(
            SintesisUGT(
                ugt=territorio.nombre,
                comunas=[r.comuna for r in del_ugt],
                conteo=conteo,
                talleres=_talleres(del_ugt, conocimiento),
                fusiones=_recurrentes(del_ugt, lambda r: r.fusiones, _clave_fusion(conocimiento)),
                vacios=_recurrentes(del_ugt, lambda r: r.vacios, _clave_vacio(conocimiento)),
                horas=sum(r.horas.total for r in del_ugt),
                presupuesto=presupuesto
                * len({r.comuna for r in del_ugt} & set(territorio.comunas))
                / total_comunas,
                comunas_programa=len(territorio.comunas),
                presupuesto_ugt=presupuesto * len(territorio.comunas) / total_comunas,
            )
        )
    return sintesis


def _talleres(resultados: list[Resultado], conocimiento: Conocimiento) -> list[EnfasisTaller]:
    enfasis = []
    for taller in conocimiento.talleres:
        valores = [VALOR_NIVEL[r.areas[a].nivel_vigente] for r in resultados for a in taller.areas]
        bajos = sum(
            1 for r in resultados if any(r.areas[a].nivel_vigente == "bajo" for a in taller.areas)
        )
        enfasis.append(
            EnfasisTaller(taller.nombre, list(taller.areas), sum(valores) / len(valores), bajos)
        )
    return sorted(enfasis, key=lambda e: (e.valor, -e.comunas_bajo))


def _clave_fusion(conocimiento: Conocimiento) -> Callable[[Fusion], str]:
    etapas = conocimiento.catalogo

    def clave(f: Fusion) -> str:
        nombres = lista_legible(etapas.nombre("etapas", e).lower() for e in f.etapas)
        tipo = conocimiento.informe.tipo_de_propuesta(f.tipo)
        return f"{tipo} en {nombres}"

    return clave


def _clave_vacio(conocimiento: Conocimiento) -> Callable[[Vacio], str]:
    catalogo = conocimiento.catalogo

    def clave(v: Vacio) -> str:
        area = catalogo.nombre("areas_proceso", v.area_proceso)
        if v.tipo == "area_sin_servicios":
            return f"Área de procesos sin servicios: {area}"
        return f"Servicios que ningún lineamiento pide, en el área {area}"

    return clave


def _recurrentes(
    resultados: list[Resultado],
    de: Callable[[Resultado], Sequence[T]],
    clave: Callable[[T], str],
) -> list[Recurrente]:
    """Kinds of fusion or gap found in at least two comunas, most frequent first."""
    comunas: dict[str, list[str]] = defaultdict(list)
    for r in resultados:
        for texto in dict.fromkeys(clave(x) for x in de(r)):
            comunas[texto].append(r.comuna)
    recurrentes = [Recurrente(t, c) for t, c in comunas.items() if len(c) >= 2]
    return sorted(recurrentes, key=lambda x: (-len(x.comunas), x.texto))


def graficos_programa(
    sintesis: list[SintesisUGT], nombres: dict[str, str], presupuesto: float
) -> dict[str, Grafico]:
    """The programme's charts: levels per area and UGT, hours vs budget, weakest areas."""
    leyenda = [(n, n) for n in ("bajo", "medio", "alto")]
    niveles = Grafico(
        titulo="Comunas por nivel vigente, por UGT y área",
        filas=[
            Fila(
                f"{s.ugt} · {nombres[a]}",
                [
                    Segmento(s.conteo[a][n], n, str(s.conteo[a][n]))
                    for n in ("bajo", "medio", "alto")
                ],
                nota=" · ".join(f"{s.conteo[a][n]} {n}" for n in ("bajo", "medio", "alto")),
            )
            for s in sintesis
            for a in AREAS
        ],
        maximo=max((len(s.comunas) for s in sintesis), default=1),
        leyenda=leyenda,
        etiquetas=300,
        barras=280,
        fila=22,
    )
    tope = max([s.horas for s in sintesis] + [s.presupuesto for s in sintesis] + [1])
    horas = Grafico(
        titulo="Horas propuestas frente a la parte del presupuesto, por UGT",
        filas=[
            Fila(
                s.ugt,
                [Segmento(min(s.horas, s.presupuesto) if s.presupuesto else s.horas, "barra")]
                + (
                    [Segmento(s.horas - s.presupuesto, "exceso")]
                    if s.presupuesto and s.horas > s.presupuesto
                    else []
                ),
                nota=s.resumen_horas(),
                marca=s.presupuesto or None,
            )
            for s in sintesis
        ],
        maximo=tope,
        leyenda=[("barra", "horas"), ("exceso", "sobre el presupuesto")],
    )
    total = sum(len(s.comunas) for s in sintesis) or 1
    bajos = {a: sum(s.conteo[a]["bajo"] for s in sintesis) for a in AREAS}
    debiles = Grafico(
        titulo="Áreas más débiles del programa: comunas en nivel bajo",
        filas=[
            Fila(
                nombres[a],
                [Segmento(bajos[a], "bajo")],
                nota=f"{bajos[a]} de {formato.plural(total, 'comuna')} en bajo ({formato.porcentaje(bajos[a] / total)})",
            )
            for a in sorted(AREAS, key=lambda a: -bajos[a])
        ],
        maximo=total,
    )
    return {"niveles": niveles, "horas": horas, "debiles": debiles}


@dataclass
class CalendarioUGT:
    """One UGT's talleres territoriales, dated, for the Word synthesis's compact table."""

    ugt: str
    comunas: str  # «Arauco, Cañete y Curanilahue»
    archivo: str  # the UGT's iCalendar file in the batch's folder
    talleres: list[dict[str, str]]  # {titulo, fecha, hasta}, in date order


def calendario_por_ugt(talleres: list[TallerUGT]) -> list[CalendarioUGT]:
    """The batch's calendar (``lote/calendario.talleres``) grouped by UGT, dates in words."""
    por_ugt: dict[str, list[TallerUGT]] = defaultdict(list)
    for t in talleres:
        por_ugt[t.ugt].append(t)
    return [
        CalendarioUGT(
            ugt=ugt,
            comunas=lista_legible(lista[0].comunas),
            archivo=nombre_ics(ugt),
            talleres=[
                {
                    "titulo": t.corto,
                    "fecha": formato.fecha(t.fecha),
                    "hasta": formato.fecha(t.hasta),
                }
                for t in sorted(lista, key=lambda t: t.fecha)
            ],
        )
        for ugt, lista in por_ugt.items()
    ]
