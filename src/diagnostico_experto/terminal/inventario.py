"""The questionnaire's loops for the services inventory and the mesa comunal.

Each change is written to the answer file at once, like every answer. The
lists offered (origins, clients, stages, process areas) come from
knowledge/servicios.yaml, the same lists the rules join on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from questionary import Choice
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from diagnostico_experto.comun.formato_chileno import plural
from diagnostico_experto.terminal.pantalla import decir

if TYPE_CHECKING:
    from diagnostico_experto.terminal.sesion import Sesion

AGREGAR, EDITAR, QUITAR, LISTO = "agregar", "editar", "quitar", "listo"


def _lista(entrevista: Sesion, clave: str) -> CommentedSeq:
    return entrevista.borrador.lista(clave)


def _elegir_elemento(entrevista: Sesion, mensaje: str, elementos: list[Any]) -> int:
    opciones = [Choice(str(e["nombre"]), i) for i, e in enumerate(elementos)]
    return entrevista.consola.elegir(mensaje, opciones)


def _accion(entrevista: Sesion, titulo: str, cuantos: int, cosa: str) -> str:
    opciones = [
        Choice(f"Listo, continuar ({plural(cuantos, cosa)})", LISTO),
        Choice("Agregar", AGREGAR),
    ]
    if cuantos:
        opciones += [Choice("Editar", EDITAR), Choice("Quitar", QUITAR)]
    return entrevista.consola.elegir(titulo, opciones, LISTO)


def editar_servicios(entrevista: Sesion) -> None:
    """Add, edit or remove the services of fomento productivo, until "listo"."""
    decir("\n== Inventario de servicios de fomento productivo ==")
    decir("Cada servicio con su unidad, origen, clientes y etapas: las reglas los cruzan")
    decir("para proponer fusiones de procesos y coordinación de etapas.")
    servicios = _lista(entrevista, "servicios")
    while True:
        for s in servicios:
            decir(f"  - {s['nombre']} ({s['unidad']})")
        accion = _accion(entrevista, "Servicios:", len(servicios), "servicio")
        if accion == LISTO:
            accion = _si_faltan(entrevista, len(servicios))
        if accion == LISTO:
            entrevista.borrador.guardar()
            return
        if accion == QUITAR:
            del servicios[_elegir_elemento(entrevista, "¿Qué servicio quitar?", servicios)]
        else:
            indice = (
                _elegir_elemento(entrevista, "¿Qué servicio editar?", servicios)
                if accion == EDITAR
                else None
            )
            anterior = servicios[indice] if indice is not None else {}
            nuevo = _servicio(
                entrevista, anterior, [s["nombre"] for s in servicios if s is not anterior]
            )
            if indice is None:
                servicios.append(nuevo)
            else:
                servicios[indice] = nuevo
        entrevista.borrador.guardar()


def servicios_que_faltan(entrevista: Sesion, cuantos: int) -> tuple[str, int] | None:
    """(question id, its number) when the question that counts the services says more
    than the ``cuantos`` of the inventory."""
    valores = entrevista.valores()
    for pregunta in entrevista.cuestionario.preguntas:
        if getattr(pregunta, "cuenta", None) != "servicios":
            continue
        dicho = valores.get(pregunta.id)
        if isinstance(dicho, int | float) and not isinstance(dicho, bool) and dicho > cuantos:
            return pregunta.id, int(dicho)
    return None


def _si_faltan(entrevista: Sesion, cuantos: int) -> str:
    """When the answers say there are more services than the inventory has: say so and
    offer to enter them (AGREGAR) or to go on as it is (LISTO)."""
    faltan = servicios_que_faltan(entrevista, cuantos)
    if faltan is None:
        return LISTO
    _, dicho = faltan
    decir(
        f"Se respondió que hay {plural(dicho, 'servicio')}, pero el inventario tiene "
        f"{cuantos}: las fusiones y coordinaciones se proponen con los del inventario."
    )
    return str(
        entrevista.consola.elegir(
            "¿Ingresar ahora los que faltan?",
            [
                Choice("Sí, agregar un servicio", AGREGAR),
                Choice("No, seguir con el inventario como está", LISTO),
            ],
            AGREGAR,
        )
    )


def _servicio(entrevista: Sesion, anterior: Any, otros: list[str]) -> CommentedMap:
    catalogo = entrevista.conocimiento.catalogo
    while True:
        nombre = entrevista.consola.preguntar_texto(
            "Nombre del servicio:", anterior.get("nombre", "")
        )
        if nombre not in otros:
            break
        decir(f"  Ya hay un servicio llamado «{nombre}».")
    servicio = CommentedMap()
    servicio["nombre"] = nombre
    servicio["unidad"] = entrevista.consola.preguntar_texto(
        "Unidad que lo opera (p. ej. UDEL, DIDECO, OMIL):", anterior.get("unidad", "")
    )
    servicio["origen"] = entrevista.consola.elegir(
        "Origen:", [Choice(e.nombre, e.id) for e in catalogo.origenes], anterior.get("origen")
    )
    for clave, lista, mensaje in (
        ("clientes", catalogo.clientes, "Clientes:"),
        ("etapas", catalogo.etapas, "Etapas que realiza:"),
    ):
        marcadas = list(anterior.get(clave, []))
        opciones = [Choice(e.nombre, e.id, checked=e.id in marcadas) for e in lista]
        servicio[clave] = CommentedSeq(entrevista.consola.marcar(mensaje, opciones))
        servicio[clave].fa.set_flow_style()
    servicio["area_proceso"] = entrevista.consola.elegir(
        "Área de procesos estratégicos:",
        [
            Choice(a.nombre + (" (supuesto)" if a.supuesto else ""), a.id)
            for a in catalogo.areas_proceso
        ],
        anterior.get("area_proceso", catalogo.area_proceso_por_defecto),
    )
    return servicio


def con_mesa(entrevista: Sesion, antes: str, sin_mesa: str) -> bool:
    """Whether the mesa comunal has members, asking for them first (``antes`` says
    why) when it has none; ``sin_mesa`` says what is not done if it still has none."""
    if entrevista.borrador.datos.get("mesa"):
        return True
    decir(f"\n{antes}")
    editar_mesa(entrevista)
    if entrevista.borrador.datos.get("mesa"):
        return True
    decir(sin_mesa)
    return False


def editar_mesa(entrevista: Sesion) -> None:
    """The members of the mesa comunal: name, role and unit."""
    decir("\n== Mesa comunal ==")
    mesa = _lista(entrevista, "mesa")
    while True:
        for m in mesa:
            decir(f"  - {m['nombre']}, {m.get('cargo', '')} ({m.get('unidad', '')})")
        accion = _accion(entrevista, "Integrantes de la mesa comunal:", len(mesa), "integrante")
        if accion == LISTO:
            entrevista.borrador.guardar()
            return
        if accion == QUITAR:
            quitar = _elegir_elemento(entrevista, "¿A quién quitar?", mesa)
            _seguir_a(entrevista, str(mesa[quitar]["nombre"]), None)
            del mesa[quitar]
        else:
            indice = (
                _elegir_elemento(entrevista, "¿A quién editar?", mesa) if accion == EDITAR else None
            )
            anterior = mesa[indice] if indice is not None else {}
            integrante = CommentedMap()
            integrante["nombre"] = entrevista.consola.preguntar_texto(
                "Nombre:", anterior.get("nombre", "")
            )
            integrante["cargo"] = entrevista.consola.preguntar_texto(
                "Cargo:", anterior.get("cargo", ""), obligatorio=False
            )
            integrante["unidad"] = entrevista.consola.preguntar_texto(
                "Unidad:", anterior.get("unidad", ""), obligatorio=False
            )
            if indice is None:
                mesa.append(integrante)
            else:
                _seguir_a(entrevista, str(anterior["nombre"]), integrante["nombre"])
                mesa[indice] = integrante
        entrevista.borrador.guardar()


def _seguir_a(entrevista: Sesion, antes: str, despues: str | None) -> None:
    """A member renamed (``despues``) or removed (None): the products the mesa put in
    their charge (``responsables``) follow the new name, or go back to the member
    chosen by unit, so the file never names someone who is not in the mesa."""
    datos = entrevista.borrador.datos
    responsables = datos.get("responsables")
    if not responsables or antes == despues:
        return
    a_cargo = [regla for regla, nombre in responsables.items() if nombre == antes]
    for regla in a_cargo:
        if despues is None:
            del responsables[regla]
        else:
            responsables[regla] = despues
    if not responsables:
        del datos["responsables"]
    if a_cargo and despues is None:
        decir(
            f"  El producto a cargo de {antes} vuelve al responsable que corresponde por unidad."
            if len(a_cargo) == 1
            else f"  Los {len(a_cargo)} productos a cargo de {antes} vuelven al responsable "
            "que corresponde por unidad."
        )
