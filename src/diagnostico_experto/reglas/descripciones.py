"""Spanish readings of facts and conditions, for the trace, explanations and reports.

A consultant reads "O04 «¿Están definidas las funciones…?»: De hecho, pero no
formalizadas", never a fact's fields; every fact type and the common kinds of
condition have a reading here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from experta import Fact

from diagnostico_experto.comun.formato_chileno import horas, plural, porcentaje
from diagnostico_experto.comun.restricciones import Restriccion
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.reglas.hechos import TIPOS, descongelar, tipo_de
from diagnostico_experto.reglas.regla import Negacion, Patron, lista_legible

ESTADOS_LEGIBLES = {
    "no_existe": "no existe",
    "debil": "existe, pero es débil",
    "existe": "existe",
}


def contar(n: int, singular: str, plural_: str) -> str:
    """«1 servicio», «2 servicios»: numbers agree with their noun."""
    return plural(n, singular, plural_)


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
    return _LECTORES[tipo_de(hecho).nombre](_Campos(hecho), conocimiento)


def _area(k: Conocimiento, area: str) -> str:
    areas = k.cuestionario.areas
    return areas[area].nombre.lower() if area in areas else str(area)


def _campo_legible(campo: str, valor: Any, k: Conocimiento) -> str:
    """A bound field in words: «en procesos», «servicio: Feria» (never «area = procesos»)."""
    if campo == "area":
        return f"en {_area(k, valor)}"
    return f"{campo.replace('_', ' ')}: {valor}"


def _describir_puntaje(d: _Campos, k: Conocimiento) -> str:
    linea = f"% de logro de {_area(k, d['area'])}: {porcentaje(d['valor'])}"
    if d["completo"]:
        return linea
    return f"{linea} (incompleta: {d['desconocidas']} sin respuesta o «no sé»)"


def _describir_servicio(d: _Campos, k: Conocimiento) -> str:
    catalogo = k.catalogo
    return (
        f"Servicio «{d['nombre']}» (unidad {d['unidad']}, origen "
        f"{catalogo.nombre('origenes', d['origen'])}, área "
        f"{catalogo.nombre('areas_proceso', d['area_proceso'])})"
    )


def _describir_etapa(d: _Campos, k: Conocimiento) -> str:
    catalogo = k.catalogo
    return (
        f"Etapa «{catalogo.nombre('etapas', d['etapa'])}» de «{d['servicio']}» "
        f"({d['unidad']}) para {catalogo.nombre('clientes', d['cliente'])}"
    )


def _describir_elemento(d: _Campos, k: Conocimiento) -> str:
    return (
        f"{d['nombre'][0].upper()}{d['nombre'][1:]} ({_area(k, d['area'])}): "
        f"{ESTADOS_LEGIBLES.get(d['estado'], d['estado'])}; {d['texto']}"
    )


def _describir_inventario(d: _Campos, k: Conocimiento) -> str:
    return (
        f"Inventario: {contar(d['n_servicios'], 'servicio', 'servicios')} en "
        f"{contar(d['n_unidades'], 'unidad', 'unidades')}"
        + (f" ({lista_legible(d['unidades'])})" if d["unidades"] else "")
    )


def _describir_par(d: _Campos, k: Conocimiento) -> str:
    return (
        f"«{d['servicios'][0]}» ({d['unidades'][0]}) y «{d['servicios'][1]}» "
        f"({d['unidades'][-1]}) comparten {contar(d['n_etapas'], 'etapa', 'etapas')} "
        f"({lista_legible(d['nombres_etapas'])}) para {lista_legible(d['nombres_clientes'])}"
    )


def _describir_grupo(d: _Campos, k: Conocimiento) -> str:
    return (
        f"{lista_legible(f'«{s}»' for s in d['servicios'])} ({lista_legible(d['unidades'])}; "
        f"origen {lista_legible(d['nombres_origenes'])}) repiten "
        f"{contar(d['n_etapas'], 'etapa', 'etapas')} ({lista_legible(d['nombres_etapas'])}) "
        f"para {lista_legible(d['nombres_clientes'])}"
    )


def _describir_horas(d: _Campos, k: Conocimiento) -> str:
    return (
        f"{horas(d['horas'])} de acompañamiento"
        + (f" en {_area(k, d['area'])}" if d.get("area") else "")
        + f": {d['concepto']}"
        + "".join(f" (parámetro {p})" for p in (d.get("parametros") or {}).values())
    )


def _describir_respuesta(d: _Campos, k: Conocimiento) -> str:
    pregunta = k.cuestionario.por_id.get(d["pregunta"])
    if pregunta is None:
        return f"Respuesta a {d['pregunta']}: {d['valor']}"
    return f"{pregunta.id} «{pregunta.texto}»: {pregunta.etiqueta(d['valor'])}"


# One reading per fact type (a module-level table: a report describes thousands of facts).
_LECTORES: dict[str, Callable[[_Campos, Conocimiento], str]] = {
    "comuna": lambda d, k: f"Comuna {d['nombre']} (UGT {d['ugt']})",
    "respuesta": _describir_respuesta,
    "puntaje": _describir_puntaje,
    "servicio": _describir_servicio,
    "etapa": _describir_etapa,
    "validacion": lambda d, k: (
        f"La mesa comunal validó {_area(k, d['area'])} en nivel {d['nivel']}: "
        f"«{d['justificacion']}»"
    ),
    "elemento": _describir_elemento,
    "nivel": lambda d, k: f"Nivel diagnosticado de {_area(k, d['area'])}: {d['nivel']}",
    "nivel_vigente": lambda d, k: f"Nivel vigente de {_area(k, d['area'])}: {d['nivel']}",
    "producto": lambda d, k: f"Producto ({_area(k, d['area'])}, nivel {d['nivel']}): {d['texto']}",
    "inventario": _describir_inventario,
    "par_servicios": _describir_par,
    "grupo_servicios": _describir_grupo,
    "insumo": lambda d, k: f"Insumo para el taller: {d['texto']}",
    "area_proceso": lambda d, k: (
        f"Área de procesos «{d['nombre']}»" + (" (supuesto)" if d["supuesto"] else "")
    ),
    "fusion": lambda d, k: d["texto"],
    "vacio": lambda d, k: f"Vacío en el par estrategia–servicios. {d['texto']}",
    "ajuste_estructura": lambda d, k: f"Ajuste de estructura: {d['texto']}",
    "horas": _describir_horas,
    "marca": lambda d, k: f"{d.get('texto') or d['nombre']}",
}


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
            valor = vinculos.get(restriccion.variable, "?" + restriccion.variable)
            partes.append(_campo_legible(campo, valor, conocimiento))
        else:
            partes.append(f"{campo} {restriccion.texto()}")
    filtro = f" ({', '.join(partes)})" if partes else ""
    return f"No hay {TIPOS[patron.tipo].descripcion}{filtro}"
