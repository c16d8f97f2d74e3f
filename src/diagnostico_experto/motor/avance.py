"""A comuna's progress between two diagnoses: its línea base and its latest state.

The programme diagnosed a comuna, accompanied it, and diagnosed it again to
see whether each area rose a level (§6.2.4: "mejorar su nivel"). Progress is
read from two results of the same comuna: the nivel vigente and % de logro of
each area then and now, the products asked at the línea base that are no
longer asked, and what remains. A product no longer asked is completed only
when the answers it works on (``Producto.preguntas``) moved forward; one that
stopped being asked because the level changed, or whose answers are now «no
sé», is said apart («ya no corresponde»): nothing shows it was done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS, NO_SABE
from diagnostico_experto.motor.resultado import (
    CaminoCambios,
    Procedencia,
    Producto,
    Resultado,
    ResultadoArea,
)

ORDEN_NIVEL = {"bajo": 0, "medio": 1, "alto": 2}
Cambio = Literal["sube", "baja", "igual"]


class AvanceArea(BaseModel):
    nivel_antes: str  # nivel vigente at the línea base
    nivel_despues: str  # nivel vigente now
    puntaje_antes: float | None
    puntaje_despues: float | None
    cambio: Cambio
    # one sentence when the % de logro and the level move opposite ways; else ""
    nota: str = ""


class ProductoDeAvance(Producto):
    """A línea base product no longer asked, and why it counts as done or not."""

    motivo: str = ""  # Spanish: the answers that show it, or why it no longer applies


class CaminoRecorrido(BaseModel):
    """A path of the línea base, and which of its changes the answers now show."""

    area: str
    objetivo: str
    cambios: list[str]  # the changes said as actions
    hechos: list[bool]  # per change: the answer now reaches it

    @property
    def recorrido(self) -> bool:
        return all(self.hechos)

    @property
    def estado(self) -> str:
        """«recorrido» or «1 de 2 cambios hechos»."""
        if self.recorrido:
            return "recorrido"
        hechos = sum(self.hechos)
        cambios = "cambio hecho" if len(self.hechos) == 1 else "cambios hechos"
        return f"{hechos} de {len(self.hechos)} {cambios}"


@dataclass
class CaminosDelArea:
    """One area's paths of the línea base (alternatives), said once in a report."""

    area: str
    caminos: list[CaminoRecorrido]

    @property
    def objetivo(self) -> str:
        return self.caminos[0].objetivo

    @property
    def estado(self) -> str:
        """«recorrido», «1 de 2 cambios hechos» or, with alternatives, which was walked."""
        if len(self.caminos) == 1:
            return self.caminos[0].estado
        if any(c.recorrido for c in self.caminos):
            return f"recorrido por uno de los {len(self.caminos)} caminos posibles"
        return f"ninguno de los {len(self.caminos)} caminos posibles recorrido todavía"


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
    # asked at the línea base, no longer asked, and the answers it works on moved forward
    completados: list[ProductoDeAvance]
    pendientes: list[Producto]  # asked then and still asked now (or now held: «no sé»)
    nuevos: list[Producto]  # asked now, not at the línea base
    # asked at the línea base, no longer asked, without answers that show it done
    ya_no_corresponden: list[ProductoDeAvance] = []
    # of the pendientes, those now held until a «no sé» is confirmed: text -> element names
    retenidos: dict[str, list[str]] = {}
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

    def nota_pendiente(self, producto: Producto) -> str:
        """«pedido desde la línea base», and why it waits when it is held."""
        elementos = self.retenidos.get(producto.texto)
        if elementos:
            return (
                "pedido desde la línea base; retenido hasta confirmar "
                + ", ".join(elementos)
                + " (hoy «no sé»)"
            )
        return "pedido desde la línea base"

    def cuenta(self, cambio: Cambio) -> int:
        return sum(1 for a in self.areas.values() if a.cambio == cambio)

    @property
    def caminos_por_area(self) -> list[CaminosDelArea]:
        """The línea base's paths grouped by area: alternatives of one area together."""
        grupos: dict[str, list[CaminoRecorrido]] = {}
        for c in self.caminos:
            grupos.setdefault(c.area, []).append(c)
        return [CaminosDelArea(area, cs) for area, cs in grupos.items()]


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
    nombres = {a: conocimiento.cuestionario.areas[a].nombre for a in AREAS} if conocimiento else {}
    areas = {}
    for area in AREAS:
        a, d = base.areas[area], actual.areas[area]
        areas[area] = AvanceArea(
            nivel_antes=a.nivel_vigente,
            nivel_despues=d.nivel_vigente,
            puntaje_antes=a.puntaje,
            puntaje_despues=d.puntaje,
            cambio=cambio_de(a.nivel_vigente, d.nivel_vigente),
            nota=_nota(nombres.get(area, area), a, d),
        )

    def clave(p: Producto) -> tuple[str, str]:
        return (p.area, p.texto)

    antes = {clave(p) for p in base.productos}
    ahora = {clave(p) for p in actual.productos}
    retenidos = [r.producto for r in actual.retenidos if clave(r.producto) in antes]
    sin_pedir = [
        p
        for p in base.productos
        if clave(p) not in ahora and clave(p) not in {clave(r) for r in retenidos}
    ]
    completados, ya_no = _sin_pedir(sin_pedir, areas, (base, actual), respuestas, conocimiento)
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
        completados=completados,
        pendientes=[p for p in actual.productos if clave(p) in antes] + retenidos,
        nuevos=[p for p in actual.productos if clave(p) not in antes],
        ya_no_corresponden=ya_no,
        retenidos={
            r.producto.texto: r.elementos for r in actual.retenidos if clave(r.producto) in antes
        },
        caminos=caminos,
        fuera_de_camino=fuera,
        procedencias=[base.procedencia, actual.procedencia],
    )


def _nota(nombre: str, antes: ResultadoArea, despues: ResultadoArea) -> str:
    """Why the % de logro and the level move opposite ways, in one sentence ("" otherwise).

    The % adds every answer of the area; the level is set by its key elements
    (and by the mesa comunal, when it validates another level).
    """
    nivel = ORDEN_NIVEL.get(despues.nivel_vigente, 0) - ORDEN_NIVEL.get(antes.nivel_vigente, 0)
    if antes.puntaje is None or despues.puntaje is None or nivel == 0:
        return ""
    puntaje = despues.puntaje - antes.puntaje
    if puntaje == 0 or (puntaje > 0) == (nivel > 0):
        return ""
    partes = [
        f"{nombre}: el % de logro {'sube' if puntaje > 0 else 'baja'} y el nivel "
        f"{'sube' if nivel > 0 else 'baja'} porque el % suma todas las respuestas del área "
        "y el nivel lo deciden sus elementos clave"
    ]
    for cuando, area in (("en la línea base", antes), ("hoy", despues)):
        if area.nivel_vigente != area.nivel:
            partes.append(
                f"{cuando}, el nivel {area.nivel_vigente} es el que validó la mesa comunal "
                f"(el diagnóstico daba {area.nivel})"
            )
    if despues.motivo:
        partes.append(f"hoy el nivel {despues.nivel} se debe a que {'; '.join(despues.motivo)}")
    return "; ".join(partes) + "."


def _sin_pedir(
    productos: list[Producto],
    areas: dict[str, AvanceArea],
    resultados: tuple[Resultado, Resultado],
    respuestas: tuple[dict[str, Any], dict[str, Any]] | None,
    conocimiento: Conocimiento | None,
) -> tuple[list[ProductoDeAvance], list[ProductoDeAvance]]:
    """The línea base's products no longer asked: (completed, no longer applicable).

    A product is completed when every answer it works on moved forward: a key
    element it builds is now in a better state (and, for a medio or alto
    product, which improves what exists, it now exists, is used and measured);
    another answer its rule reads moved forward along the question's order.
    """
    completados: list[ProductoDeAvance] = []
    ya_no: list[ProductoDeAvance] = []
    for p in productos:
        area = areas[p.area]
        cambio_nivel = (
            f"cambió el nivel del área, de {area.nivel_antes} a {area.nivel_despues}"
            if area.nivel_antes != area.nivel_despues
            else "las respuestas ya no lo piden"
        )
        if respuestas is None or conocimiento is None:
            motivo = f"{cambio_nivel}; sin las respuestas no se sabe si se hizo"
            ya_no.append(ProductoDeAvance(**p.model_dump(), motivo=motivo))
            continue
        lecturas = [_lectura(q, p.nivel, resultados, respuestas, conocimiento) for q in p.preguntas]
        quedaron = [texto for texto, avanzo in lecturas if not avanzo]
        if lecturas and not quedaron:
            muestran = "; ".join(texto for texto, _ in lecturas)
            completados.append(
                ProductoDeAvance(**p.model_dump(), motivo=f"lo muestran las respuestas: {muestran}")
            )
            continue
        sin_avance = (
            "sus respuestas no muestran que se hizo: " + "; ".join(quedaron)
            if quedaron
            else "ninguna respuesta dice si se hizo"
        )
        ya_no.append(ProductoDeAvance(**p.model_dump(), motivo=f"{cambio_nivel}; {sin_avance}"))
    return completados, ya_no


_RANGO_ESTADO = {"no_existe": 0, "debil": 1, "existe": 2}


def _lectura(
    id_: str,
    nivel: str,
    resultados: tuple[Resultado, Resultado],
    respuestas: tuple[dict[str, Any], dict[str, Any]],
    conocimiento: Conocimiento,
) -> tuple[str, bool]:
    """«¿Cada servicio …?» Algunos → No sé, and whether that answer moved forward.

    A question that reads a key element moved forward when the element is in a
    better state (a product of nivel medio or alto asks for «existe»). Any other
    moved forward along its order in knowledge/camino.yaml when it has one, else
    to more points; unknown at the línea base, only to the top points. «No sé»
    or no answer now: it did not.
    """
    pregunta = conocimiento.cuestionario.por_id.get(id_)
    if pregunta is None:
        return id_, False
    antes, ahora = (r.get(id_) for r in respuestas)

    def etiqueta(valor: Any) -> str:
        return "sin respuesta" if valor is None else pregunta.etiqueta(valor)

    texto = f"«{pregunta.texto}» {etiqueta(antes)} → {etiqueta(ahora)}"
    if ahora in (None, NO_SABE):
        return texto, False
    estado_antes, estado_ahora = (
        next((e.estado for e in r.elementos if id_ in e.preguntas), None) for r in resultados
    )
    if estado_ahora is not None:
        mejor = _RANGO_ESTADO[estado_ahora] > _RANGO_ESTADO.get(estado_antes or "no_existe", -1)
        basta = nivel == "bajo" or estado_ahora == "existe"
        return texto, mejor and basta
    camino = conocimiento.camino.preguntas.get(id_)
    orden = camino.orden if camino is not None else []
    if antes in orden and ahora in orden:
        return texto, orden.index(ahora) > orden.index(antes)
    puntos_ahora = pregunta.puntos(ahora)
    puntos_antes = None if antes is None else pregunta.puntos(antes)
    if puntos_ahora is None:
        return texto, False
    if puntos_antes is None:
        return texto, puntos_ahora >= pregunta.maximo_puntos()
    return texto, puntos_ahora > puntos_antes


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
