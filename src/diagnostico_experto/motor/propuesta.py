"""The propuesta de intervención read from the engine's conclusions.

Rules conclude fusions, inputs for the talleres, gaps, structure adjustments
and hours as facts; this
module turns them into the result's lists, each with the rule that produced
it and the facts behind it, and adds the hours up per area.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from diagnostico_experto.conocimiento.carpeta import APOYO, SEGUNDA_ETAPA, Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS, TALLERES
from diagnostico_experto.motor.resultado import (
    Ajuste,
    Fusion,
    Horas,
    Insumo,
    LineaHoras,
    Producto,
    Retenido,
    Vacio,
)
from diagnostico_experto.reglas.hechos import datos, tipo_de

Fundamentos = dict[int, list[str]]  # id(fact) -> the facts behind it
# fact type -> (id(fact), its fields) of each fact the rules concluded, in order
Conclusiones = dict[str, list[tuple[int, dict[str, Any]]]]
PLAN_POR_ETAPAS = "plan_por_etapas"  # the mark rules conclude for a thin or busy team
# the hours a thin or busy team can carry in the first stage (knowledge/horas.yaml)
TOPE_PRIMERA_ETAPA = "horas_primera_etapa"


def fundamentos(disparos: list[Any], leidos: list[list[str]]) -> Fundamentos:
    """For each concluded fact, the described facts of the firing that declared it
    (``leidos``: each firing's, as its step in the trace reads them)."""
    return {id(h): hechos for d, hechos in zip(disparos, leidos, strict=True) for h in d.declarados}


def conclusiones(disparos: list[Any]) -> Conclusiones:
    """What the rules concluded, by type, in the order they declared it: each
    firing keeps the facts it declared, so the fact list is not walked again
    per type."""
    por_tipo: Conclusiones = {}
    for disparo in disparos:
        for hecho in disparo.declarados:
            por_tipo.setdefault(tipo_de(hecho).nombre, []).append((id(hecho), datos(hecho)))
    return por_tipo


def _de_tipo(hechos: Conclusiones, tipo: str) -> list[tuple[int, dict[str, Any]]]:
    return hechos.get(tipo, [])


def plan_por_etapas(hechos: Conclusiones) -> list[str]:
    """Why the plan goes in stages (the rules' ``plan_por_etapas`` marks); empty: it does not."""
    motivos = [d.get("texto") or "" for _, d in _de_tipo(hechos, "marca")]
    nombres = [d["nombre"] for _, d in _de_tipo(hechos, "marca")]
    return list(
        dict.fromkeys(m for m, n in zip(motivos, nombres, strict=True) if n == PLAN_POR_ETAPAS)
    )


def productos(
    hechos: Conclusiones,
    conocimiento: Conocimiento,
    por_etapas: bool,
    preguntas: Callable[[dict[str, Any]], list[str]] = lambda _: [],
) -> list[Producto]:
    """The products in the order the programme worked (§6.2.4) and by dependency.

    Each product belongs to a taller (its rule says which, or the taller of its
    area in talleres.yaml); within a taller, areas follow talleres.yaml and a
    product comes after the products it ``requiere`` (by their ``clave``).
    Requirements name only the products this propuesta actually has. In a
    staged plan, a ``diferible`` product goes to the second stage unless a
    first-stage product requires it. ``preguntas`` gives the questions a
    product's fact works on (``Producto.preguntas``).
    """
    taller_de = _taller_de(conocimiento)
    orden_area: dict[str, int] = {
        a: i for t in conocimiento.talleres for i, a in enumerate(t.areas)
    }
    filas = [d for _, d in _de_tipo(hechos, "producto")]
    textos: dict[str, list[str]] = {}
    for d in filas:
        if d.get("clave"):
            textos.setdefault(d["clave"], []).append(d["texto"])
    productos = [
        Producto(
            area=d["area"],
            nivel=d["nivel"],
            texto=d["texto"],
            regla=d["regla"],
            taller=d.get("taller") or taller_de.get(d["area"], TALLERES[-1]),
            requiere=[t for c in d.get("requiere") or () for t in textos.get(c, [])],
            clave=d.get("clave") or "",
            presupone=list(d.get("requiere") or ()),
            preguntas=preguntas(d),
        )
        for d in filas
    ]
    if por_etapas:
        _segunda_etapa(productos, {d["texto"] for d in filas if d.get("diferible")})
    return _ordenar(productos, orden_area)


def _ordenar(productos: list[Producto], orden_area: dict[str, int]) -> list[Producto]:
    """The programme's order: stage, taller, area, then each after what it requires."""
    productos = sorted(
        productos,
        key=lambda p: (
            p.etapa,
            TALLERES.index(p.taller),
            orden_area.get(p.area, 99),
            p.regla,
            p.texto,
        ),
    )
    return _por_dependencia(productos)


def tope_primera_etapa(conocimiento: Conocimiento, por_etapas: bool) -> float | None:
    """The hours the first stage of a staged plan may hold (None: not staged, or no tope)."""
    if not por_etapas:
        return None
    tope = conocimiento.valores_parametros().get(TOPE_PRIMERA_ETAPA)
    return None if tope is None else float(tope)


def a_la_medida(
    productos: list[Producto],
    hechos: Conclusiones,
    conocimiento: Conocimiento,
    tope: float | None,
) -> list[Producto]:
    """Keep in the first stage of a staged plan only what the team can carry.

    The first stage holds every comuna's activities (validation, the talleres'
    sessions, additional support) and the products in the programme's order
    while their hours fit in ``tope`` (§5.1: consolidate the first steps rather
    than add challenges); from the first product that does not fit on, the
    products go to the second stage, still in that order, marked
    ``fuera_del_tope``. Held products (not in ``productos``) count no hours.
    """
    if tope is None:
        return productos
    de_producto: dict[str, float] = {}
    usadas = 0.0
    presentes = {p.texto for p in productos}
    for _, d in _de_tipo(hechos, "horas"):
        if not d.get("producto"):
            usadas += d["horas"]
        elif d["producto"] in presentes:
            de_producto[d["producto"]] = de_producto.get(d["producto"], 0.0) + d["horas"]
    lleno = False
    for p in productos:  # already in the programme's order, first stage first
        if p.etapa == 2:
            continue
        horas_ = de_producto.get(p.texto, 0.0)
        lleno = lleno or usadas + horas_ > tope
        if lleno:
            p.etapa = 2
            p.fuera_del_tope = True
        else:
            usadas += horas_
    if not lleno:
        return productos
    orden_area: dict[str, int] = {
        a: i for t in conocimiento.talleres for i, a in enumerate(t.areas)
    }
    return _ordenar(productos, orden_area)


def retener(
    productos: list[Producto], desconocidos: dict[str, str]
) -> tuple[list[Producto], list[Retenido]]:
    """Hold the products that presuppose an unknown key element (answered «no sé»).

    A product requires others by their ``clave``; a clave that names a key
    element (the product that defines it) is met by that product, or by the
    element existing. When the element is unknown and no product of this
    propuesta defines it, the product waits until the element is confirmed.
    """
    retenidos: dict[str, Retenido] = {}  # by product text
    cambio = True
    while cambio:  # a product that requires a held one waits too
        cambio = False
        definidas = {p.clave for p in productos if p.clave and p.texto not in retenidos}
        retenidas = {r.producto.clave for r in retenidos.values() if r.producto.clave}
        for p in productos:
            if p.texto in retenidos:
                continue
            faltan = [
                desconocidos[c] for c in p.presupone if c in desconocidos and c not in definidas
            ]
            faltan += [
                n
                for c in p.presupone
                if c in retenidas and c not in definidas
                for n in next(r.elementos for r in retenidos.values() if r.producto.clave == c)
            ]
            if faltan:
                retenidos[p.texto] = Retenido(producto=p, elementos=list(dict.fromkeys(faltan)))
                cambio = True
    return [p for p in productos if p.texto not in retenidos], list(retenidos.values())


def _segunda_etapa(productos: list[Producto], diferibles: set[str]) -> None:
    """Mark the deferrable products no first-stage product requires (transitively)."""
    primera = {p.texto for p in productos if p.texto not in diferibles}
    requeridos = {p.texto: p.requiere for p in productos}
    pendientes = list(primera)
    while pendientes:
        for texto in requeridos.get(pendientes.pop(), []):
            if texto not in primera:
                primera.add(texto)
                pendientes.append(texto)
    for p in productos:
        if p.texto not in primera:
            p.etapa = 2


def _por_dependencia(productos: list[Producto]) -> list[Producto]:
    """A stable topological order: each product after the ones it requires, if it can."""
    pendientes, hechos, resultado = list(productos), set(), []
    while pendientes:
        listo = next((p for p in pendientes if all(r in hechos for r in p.requiere)), pendientes[0])
        pendientes.remove(listo)
        resultado.append(listo)
        hechos.add(listo.texto)
    return resultado


def fusiones(hechos: Conclusiones, por_hecho: Fundamentos) -> list[Fusion]:
    resultado = [
        Fusion(
            servicios=list(d["servicios"]),
            etapa=", ".join(d["etapas"]),
            etapas=list(d["etapas"]),
            unidades=list(d["unidades"]),
            tipo=d["tipo"],
            texto=d["texto"],
            regla=d["regla"],
            fundamento=por_hecho.get(clave, []),
            clientes=list(d.get("clientes") or []),
            origenes=list(d.get("origenes") or []),
        )
        for clave, d in _de_tipo(hechos, "fusion")
    ]
    return sorted(resultado, key=lambda f: (f.tipo != "fusion", f.servicios, f.etapa))


def insumos(hechos: Conclusiones, por_hecho: Fundamentos) -> list[Insumo]:
    resultado = [
        Insumo(
            area=d["area"],
            texto=d["texto"],
            regla=d["regla"],
            servicios=list(d.get("servicios") or []),
            etapas=list(d.get("etapas") or []),
            clientes=list(d.get("clientes") or []),
            fundamento=por_hecho.get(clave, []),
        )
        for clave, d in _de_tipo(hechos, "insumo")
    ]
    return sorted(resultado, key=lambda i: (i.area, i.servicios, i.texto))


def vacios(hechos: Conclusiones, por_hecho: Fundamentos) -> list[Vacio]:
    resultado = [
        Vacio(
            tipo=d["tipo"],
            area_proceso=d["area_proceso"],
            servicio=d.get("servicio"),
            texto=d["texto"],
            regla=d["regla"],
            fundamento=por_hecho.get(clave, []),
        )
        for clave, d in _de_tipo(hechos, "vacio")
    ]
    return sorted(
        resultado, key=lambda v: (v.servicio is not None, v.area_proceso, v.servicio or "")
    )


def ajustes(hechos: Conclusiones, por_hecho: Fundamentos) -> list[Ajuste]:
    resultado = [
        Ajuste(
            texto=d["texto"],
            regla=d["regla"],
            fundamento=por_hecho.get(clave, []),
            asunto=d.get("asunto") or "",
            servicios=list(d.get("servicios") or []),
        )
        for clave, d in _de_tipo(hechos, "ajuste_estructura")
    ]
    return sorted(resultado, key=lambda a: (a.regla, a.texto))


def horas(hechos: Conclusiones, conocimiento: Conocimiento, productos: list[Producto]) -> Horas:
    """Hours per area, per plan step and for other activities.

    Every line keeps its rule and parameter, and carries its plan step: the
    step of the ``producto`` it is for (its taller, or the second stage), else
    the ``paso`` its rule names, else the taller of its area (talleres.yaml),
    else the additional support.
    """
    orden = {a: i for i, a in enumerate(AREAS)}
    taller_de = _taller_de(conocimiento)
    de_producto = {p.texto: SEGUNDA_ETAPA if p.etapa == 2 else p.taller for p in productos}
    lineas = sorted(
        (
            LineaHoras(
                area=d.get("area"),
                concepto=d["concepto"],
                horas=d["horas"],
                regla=d["regla"],
                parametro=(d.get("parametros") or {}).get("horas"),
                paso=de_producto.get(d.get("producto") or "")
                or d.get("paso")
                or taller_de.get(d.get("area") or "", APOYO),
            )
            for _, d in _de_tipo(hechos, "horas")
            if not d.get("producto") or d["producto"] in de_producto  # held: no hours yet
        ),
        # within one firing, the order in which the rule lists its conclusions
        key=lambda linea: (orden.get(linea.area or "", len(AREAS)), linea.regla),
    )
    por_area = dict.fromkeys(AREAS, 0.0)
    por_paso = dict.fromkeys(conocimiento.informe.ids_pasos, 0.0)
    otras: dict[str, float] = {}
    for linea in lineas:
        por_paso[linea.paso] = por_paso.get(linea.paso, 0.0) + linea.horas
        if linea.area:
            por_area[linea.area] += linea.horas
        else:
            otras[linea.concepto] = otras.get(linea.concepto, 0.0) + linea.horas
    total = sum(por_area.values()) + sum(otras.values())
    return Horas(por_area=por_area, otras=otras, total=total, detalle=lineas, por_paso=por_paso)


def _taller_de(conocimiento: Conocimiento) -> dict[str, str]:
    """Each area's programme step (talleres.yaml), where its products and hours go."""
    return {a: t.id for t in conocimiento.talleres if t.id for a in t.areas}
