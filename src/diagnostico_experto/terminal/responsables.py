"""Who in the mesa comunal answers for each recommended product.

The plan names a responsible per product: by default the member whose unit
the programme's calendar prefers for the product's area (calendario.yaml);
the mesa may choose another member here. The choice is saved at once in the
answer file's ``responsables`` (product rule → member), like every answer, and
the reports' plan shows it. Products are shown by their text; products that
come from the same rule share their responsible, and the list says so.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from questionary import Choice
from ruamel.yaml.comments import CommentedMap

from diagnostico_experto.comun.formato_chileno import plural
from diagnostico_experto.terminal.inventario import con_mesa
from diagnostico_experto.terminal.pantalla import ancho, decir

if TYPE_CHECKING:
    from diagnostico_experto.motor.motor import Evaluacion
    from diagnostico_experto.motor.resultado import Producto
    from diagnostico_experto.terminal.sesion import Sesion

LISTO = "__listo__"
POR_UNIDAD = "__por_unidad__"
_SANGRIA = 3  # the list's pointer
_NOMBRE = 24  # a member's name in the list, at most (the product's text needs the room)


def editar_responsables(entrevista: Sesion, evaluar: Callable[[], Evaluacion]) -> None:
    """Choose, product by product, the mesa member who answers for it."""
    borrador = entrevista.borrador
    if not con_mesa(
        entrevista,
        "Para elegir responsables, registre antes a los integrantes de la mesa comunal.",
        "Sin integrantes de la mesa comunal no hay a quién encargar los productos.",
    ):
        return
    elegida: Any = None
    while True:
        evaluacion = evaluar()
        por_regla = _por_regla(evaluacion.resultado.productos)
        if not por_regla:
            decir("No hay productos recomendados a los que asignar responsable.")
            return
        elegidos = dict(borrador.datos.get("responsables") or {})
        defecto = _por_unidad(entrevista)
        cuantos = sum(len(p) for p in por_regla.values())
        opciones = [Choice(f"Listo, volver ({plural(cuantos, 'producto')})", LISTO)]
        opciones += [
            Choice(_titulo(productos, elegidos.get(regla), defecto(productos[0].area)), regla)
            for regla, productos in por_regla.items()
        ]
        elegida = entrevista.consola.elegir(
            "¿A qué producto cambiarle el responsable en la mesa comunal?",
            opciones,
            elegida,
            "(↑↓ y Enter · ● elegido por la mesa · · el que corresponde por unidad)",
            eco=False,
        )
        if elegida == LISTO:
            return
        productos = por_regla[elegida]
        _elegir_responsable(
            entrevista, elegida, productos, elegidos.get(elegida), defecto(productos[0].area)
        )


def _por_regla(productos: list[Producto]) -> dict[str, list[Producto]]:
    grupos: dict[str, list[Producto]] = {}
    for producto in productos:
        grupos.setdefault(producto.regla, []).append(producto)
    return grupos


def _por_unidad(entrevista: Sesion) -> Callable[[str], str]:
    """Area → the member the calendar's units choose for its products (the default)."""
    calendario = entrevista.conocimiento.calendario
    mesa = entrevista.borrador.validadas().mesa

    def responsable(area: str) -> str:
        # as the report's plan does: without a calendar, no one by default
        return calendario.responsable(area, mesa) if calendario is not None else ""

    return responsable


def _titulo(productos: list[Producto], elegido: Any, defecto: str) -> str:
    """One line: ● (chosen by the mesa) or · (by unit), the product's text shortened
    to fit, and who answers for it."""
    marca = "●" if elegido is not None else "·"
    quien = " → " + _acortar(str(elegido or defecto or "nadie aún"), _NOMBRE)
    mas = f" (y {plural(len(productos) - 1, 'producto')} más)" if len(productos) > 1 else ""
    espacio = max(ancho() - _SANGRIA - 2 - len(quien) - len(mas), 20)
    return f"{marca} {_acortar(productos[0].texto, espacio)}{mas}{quien}"


def _acortar(texto: str, ancho: int) -> str:
    """The text in at most ``ancho`` columns, cut between words and ended with «…»."""
    return textwrap.shorten(texto, ancho, placeholder="…")


def _elegir_responsable(
    entrevista: Sesion, regla: str, productos: list[Producto], actual: Any, defecto: str
) -> None:
    borrador = entrevista.borrador
    print()
    for producto in productos:
        decir(f"- {producto.texto}")
    if len(productos) > 1:
        decir("Estos productos van juntos: tienen el mismo responsable.")
    opciones = [
        Choice(
            str(m["nombre"])
            + (f" ({', '.join(str(m[k]) for k in ('cargo', 'unidad') if m.get(k))})"),
            str(m["nombre"]),
        )
        for m in borrador.datos["mesa"]
    ]
    opciones.append(Choice(f"El que corresponde por unidad ({defecto})", POR_UNIDAD))
    nombre = entrevista.consola.elegir(
        "¿Quién de la mesa comunal es responsable?",
        opciones,
        actual if actual is not None else POR_UNIDAD,
    )
    responsables = borrador.datos.get("responsables")
    if nombre == POR_UNIDAD:
        if responsables and regla in responsables:
            del responsables[regla]
            if not responsables:
                del borrador.datos["responsables"]
    else:
        if responsables is None:
            responsables = borrador.datos["responsables"] = CommentedMap()
        responsables[regla] = nombre
    borrador.guardar()
