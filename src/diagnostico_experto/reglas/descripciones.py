"""Spanish readings of facts and conditions, for the trace, explanations and reports.

A consultant reads "O04 «¿Están definidas las funciones…?»: De hecho, pero no
formalizadas", never a fact's fields; every fact type and the common kinds of
condition have a reading here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from experta import Fact

from diagnostico_experto.comun.restricciones import Restriccion
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.reglas.hechos import TIPOS, descongelar, tipo_de
from diagnostico_experto.reglas.regla import Negacion, Patron, lista_legible

ESTADOS_LEGIBLES = {
    "no_existe": "no existe",
    "debil": "existe, pero es débil",
    "existe": "existe, se usa y se mide",
}


def contar(n: int, singular: str, plural: str) -> str:
    """«1 servicio», «2 servicios»: numbers agree with their noun."""
    return f"{n} {singular if n == 1 else plural}"


def porcentaje(valor: float | None) -> str:
    return "sin datos" if valor is None else f"{round(valor * 100)} %"


class _Campos:
    """A fact's fields as plain values, each unfrozen only when a reading asks for it."""

    def __init__(self, hecho: Fact) -> None:
        self._hecho = hecho

    def __getitem__(self, campo: str) -> Any:
        return descongelar(self._hecho[campo])

    def get(self, campo: str, defecto: Any = None) -> Any:
        return descongelar(self._hecho[campo]) if campo in self._hecho else defecto


def describir(hecho: Fact, conocimiento: Conocimiento) -> str:
    """One Spanish line a consultant understands."""
    d = _Campos(hecho)
    tipo = tipo_de(hecho).nombre
    catalogo = conocimiento.catalogo
    nombre_area = _nombre_area(conocimiento)
    lectores: dict[str, Callable[[], str]] = {
        "comuna": lambda: f"Comuna {d['nombre']} (UGT {d['ugt']})",
        "respuesta": lambda: _describir_respuesta(d, conocimiento),
        "puntaje": lambda: (
            f"% de logro de {nombre_area(d['area'])}: {porcentaje(d['valor'])}"
            + (
                ""
                if d["completo"]
                else f" (incompleta: {d['desconocidas']} sin respuesta o «no sé»)"
            )
        ),
        "servicio": lambda: (
            f"Servicio «{d['nombre']}» (unidad {d['unidad']}, origen "
            f"{catalogo.nombre('origenes', d['origen'])}, área "
            f"{catalogo.nombre('areas_proceso', d['area_proceso'])})"
        ),
        "etapa": lambda: (
            f"Etapa «{catalogo.nombre('etapas', d['etapa'])}» de «{d['servicio']}» "
            f"({d['unidad']}) para {catalogo.nombre('clientes', d['cliente'])}"
        ),
        "validacion": lambda: (
            f"La mesa comunal validó {nombre_area(d['area'])} en nivel {d['nivel']}: "
            f"«{d['justificacion']}»"
        ),
        "elemento": lambda: (
            f"{d['nombre'][0].upper()}{d['nombre'][1:]} ({nombre_area(d['area'])}): "
            f"{ESTADOS_LEGIBLES.get(d['estado'], d['estado'])}; {d['texto']}"
        ),
        "nivel": lambda: f"Nivel diagnosticado de {nombre_area(d['area'])}: {d['nivel']}",
        "nivel_vigente": lambda: f"Nivel vigente de {nombre_area(d['area'])}: {d['nivel']}",
        "producto": lambda: (
            f"Producto para {nombre_area(d['area'])} (nivel {d['nivel']}): {d['texto']}"
        ),
        "inventario": lambda: (
            f"Inventario: {contar(d['n_servicios'], 'servicio', 'servicios')} en "
            f"{contar(d['n_unidades'], 'unidad', 'unidades')}"
            + (f" ({lista_legible(d['unidades'])})" if d["unidades"] else "")
        ),
        "par_servicios": lambda: (
            f"«{d['servicios'][0]}» ({d['unidades'][0]}) y «{d['servicios'][1]}» "
            f"({d['unidades'][-1]}) comparten {contar(d['n_etapas'], 'etapa', 'etapas')} "
            f"({lista_legible(d['nombres_etapas'])}) para {lista_legible(d['nombres_clientes'])}"
        ),
        "area_proceso": lambda: (
            f"Área de procesos «{d['nombre']}»" + (" (supuesto)" if d["supuesto"] else "")
        ),
        "fusion": lambda: d["texto"],
        "vacio": lambda: f"Vacío en el par estrategia–servicios. {d['texto']}",
        "ajuste_estructura": lambda: f"Ajuste de estructura: {d['texto']}",
        "horas": lambda: (
            f"{d['horas']:g} h de acompañamiento"
            + (f" en {nombre_area(d['area'])}" if d.get("area") else "")
            + f": {d['concepto']}"
            + "".join(f" (parámetro {p})" for p in (d.get("parametros") or {}).values())
        ),
        "marca": lambda: f"{d.get('texto') or d['nombre']}",
    }
    return lectores[tipo]()


def _nombre_area(conocimiento: Conocimiento) -> Callable[[str], str]:
    areas = conocimiento.cuestionario.areas
    return lambda area: areas[area].nombre.lower() if area in areas else str(area)


def _describir_respuesta(d: _Campos, conocimiento: Conocimiento) -> str:
    pregunta = conocimiento.cuestionario.por_id.get(d["pregunta"])
    if pregunta is None:
        return f"Respuesta a {d['pregunta']}: {d['valor']}"
    return f"{pregunta.id} «{pregunta.texto}»: {pregunta.etiqueta(d['valor'])}"


def describir_patron(patron: Patron, conocimiento: Conocimiento, negado: bool = False) -> str:
    """A condition as a consultant reads it; ``negado``: the condition written as its negation."""
    campos = dict(patron.restricciones)
    cuestionario = conocimiento.cuestionario
    if patron.tipo == "respuesta" and "pregunta" in campos and literal(campos["pregunta"]):
        pregunta = cuestionario.por_id[literal(campos["pregunta"])]
        valor = campos.get("valor")
        if valor:
            detalle = f" {_restriccion_legible(valor, pregunta.etiqueta, negado)}"
        else:
            detalle = " sin responder" if negado else " respondida"
        return f"{pregunta.id} «{pregunta.texto}»{detalle}"
    if patron.tipo == "elemento" and "elemento" in campos and literal(campos["elemento"]):
        estado = campos.get("estado")
        lectura = (
            f" {estado.texto()}"
            if estado and literal(estado) is None
            else f": {ESTADOS_LEGIBLES.get(literal(estado), literal(estado))}"
            if estado
            else ""
        )
        texto = f"elemento «{_nombre_elemento(literal(campos['elemento']))}»{lectura}"
        return f"no se cumple que el {texto}" if negado else texto[0].upper() + texto[1:]
    if patron.tipo == "puntaje" and "area" in campos and literal(campos["area"]):
        area = cuestionario.areas[literal(campos["area"])].nombre.lower()
        partes = [f"% de logro de {area}"]
        if "valor" in campos:
            partes.append(campos["valor"].texto())
        if "completo" in campos and literal(campos["completo"]) is True:
            partes.append("con el área completa")
        return " ".join(partes)
    filtros = [f"{c} {r.texto()}" for c, r in patron.restricciones if r.operaciones]
    return TIPOS[patron.tipo].descripcion + (f" ({', '.join(filtros)})" if filtros else "")


def _nombre_elemento(id_: str) -> str:
    return id_.replace("_", " ")


def literal(restriccion: Restriccion) -> Any:
    ops = restriccion.operaciones
    return ops[0].operando if len(ops) == 1 and ops[0].operador == "igual" else None


def _restriccion_legible(restriccion: Restriccion, etiqueta: Any, negado: bool = False) -> str:
    partes = []
    for op in restriccion.operaciones:
        if op.operador == "igual":
            partes.append(f"{'≠' if negado else '='} «{etiqueta(op.operando)}»")
        elif op.operador in ("en", "fuera_de"):
            nombres = ", ".join(f"«{etiqueta(v)}»" for v in op.operando)
            dentro = (op.operador == "en") != negado
            partes.append(("es uno de " if dentro else "no es ninguno de ") + nombres)
        elif op.operador == "contiene":
            partes.append(f"{'no incluye' if negado else 'incluye'} «{etiqueta(op.operando)}»")
        else:
            partes.append(f"no {op.texto()}" if negado else op.texto())
    return (" o " if negado else " y ").join(partes)


def describir_negacion(
    negacion: Negacion, vinculos: dict[str, Any], conocimiento: Conocimiento
) -> str:
    """What a rule required to be absent, with its variables filled in."""
    patron = negacion.patron
    campos = dict(patron.restricciones)
    if patron.tipo == "respuesta" and "pregunta" in campos and literal(campos["pregunta"]):
        return describir_patron(patron, conocimiento, negado=True)
    partes = []
    for campo, restriccion in patron.restricciones:
        if restriccion.variable:
            partes.append(
                f"{campo} = {vinculos.get(restriccion.variable, '?' + restriccion.variable)}"
            )
        else:
            partes.append(f"{campo} {restriccion.texto()}")
    filtro = f" ({', '.join(partes)})" if partes else ""
    return f"No hay {TIPOS[patron.tipo].descripcion}{filtro}"
