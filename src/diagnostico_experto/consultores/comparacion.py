"""`reglas comparar`: which comunas a rule change would change, and how.

Each comuna is evaluated with the base rule set and with the current one, and
the two JSON results are compared whole (all but the trace, which names every
firing and would always differ when a rule is added). The comparison is
generic: a key added to the result later is compared without touching this
module. Identical rule sets report no change.

- a value that differs is reported with its place in the JSON result
  (``areas.estructura.nivel``) and both values;
- lists are compared as collections (order does not matter): what was added
  and what was removed; items that are mappings with a ``texto`` or
  ``concepto`` are paired by it and compared field by field.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from diagnostico_experto.lote.entradas import Entrada
from diagnostico_experto.lote.evaluacion import respuestas_de
from diagnostico_experto.motor.motor import Motor
from diagnostico_experto.motor.resultado import Resultado

IGNORADOS = frozenset({"traza", "procedencia"})  # keys left out: the trace, what produced it
_IDENTIDAD = ("texto", "concepto")  # the key that names an item of a list, when it has one

TipoDiferencia = Literal["cambia", "agregado", "quitado"]


@dataclass
class Diferencia:
    """One difference, at a place of the JSON result written as in the result."""

    campo: str  # e.g. "areas.estructura.nivel", "horas.otras", "productos"
    cambio: TipoDiferencia
    antes: Any = None
    despues: Any = None


@dataclass
class Cambio:
    comuna: str
    origen: str
    diferencias: list[Diferencia] = field(default_factory=list)

    def hay(self) -> bool:
        return bool(self.diferencias)


def diferencia(origen: str, antes: Resultado, despues: Resultado) -> Cambio:
    """Everything that differs between two results of one comuna, trace aside."""
    cambio = Cambio(despues.comuna, origen)
    _comparar(
        antes.model_dump(mode="json", exclude=set(IGNORADOS)),
        despues.model_dump(mode="json", exclude=set(IGNORADOS)),
        "",
        cambio.diferencias,
    )
    return cambio


def _comparar(antes: Any, despues: Any, campo: str, salida: list[Diferencia]) -> None:
    if isinstance(antes, dict) and isinstance(despues, dict):
        for clave in [*antes, *(k for k in despues if k not in antes)]:
            sub = f"{campo}.{clave}" if campo else str(clave)
            if clave not in despues:
                salida.append(Diferencia(sub, "quitado", antes=antes[clave]))
            elif clave not in antes:
                salida.append(Diferencia(sub, "agregado", despues=despues[clave]))
            else:
                _comparar(antes[clave], despues[clave], sub, salida)
    elif isinstance(antes, list) and isinstance(despues, list):
        _comparar_listas(antes, despues, campo, salida)
    elif not _iguales(antes, despues):
        salida.append(Diferencia(campo, "cambia", antes, despues))


def _comparar_listas(antes: list, despues: list, campo: str, salida: list[Diferencia]) -> None:
    """Lists as collections: items paired by their name when they have one, else by value."""
    por_nombre_antes = _por_nombre(antes)
    por_nombre_despues = _por_nombre(despues)
    if por_nombre_antes is not None and por_nombre_despues is not None:
        for nombre, a in por_nombre_antes.items():
            if nombre in por_nombre_despues:
                _comparar(a, por_nombre_despues[nombre], f"{campo}[{nombre}]", salida)
        antes = [a for n, a in por_nombre_antes.items() if n not in por_nombre_despues]
        despues = [d for n, d in por_nombre_despues.items() if n not in por_nombre_antes]
    quitados = Counter(map(_clave, antes)) - Counter(map(_clave, despues))
    agregados = Counter(map(_clave, despues)) - Counter(map(_clave, antes))
    for a in antes:
        if quitados[_clave(a)] > 0:
            quitados[_clave(a)] -= 1
            salida.append(Diferencia(campo, "quitado", antes=a))
    for d in despues:
        if agregados[_clave(d)] > 0:
            agregados[_clave(d)] -= 1
            salida.append(Diferencia(campo, "agregado", despues=d))


def _por_nombre(lista: list) -> dict[str, Any] | None:
    """Items keyed by their ``texto`` (or ``concepto``) when all have one and it is unique."""
    if not lista or not all(isinstance(x, dict) for x in lista):
        return None
    for clave in _IDENTIDAD:
        nombres = [x.get(clave) for x in lista]
        if all(isinstance(n, str) for n in nombres) and len(set(nombres)) == len(nombres):
            return dict(zip(nombres, lista, strict=True))
    return None


def _clave(valor: Any) -> str:
    return json.dumps(valor, sort_keys=True, ensure_ascii=False)


def _iguales(a: Any, b: Any) -> bool:
    if _es_numero(a) and _es_numero(b):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)
    return bool(a == b)


def _es_numero(valor: Any) -> bool:
    return isinstance(valor, int | float) and not isinstance(valor, bool)


def comparar(entradas: list[Entrada], base: Motor, actual: Motor) -> list[Cambio]:
    cambios = []
    for entrada in entradas:
        antes = base.evaluar(respuestas_de(entrada, base)).resultado
        despues = actual.evaluar(respuestas_de(entrada, actual)).resultado
        cambios.append(diferencia(entrada.origen, antes, despues))
    return cambios


def como_json(cambios: list[Cambio]) -> dict[str, Any]:
    cambian = [c for c in cambios if c.hay()]
    return {
        "comunas": len(cambios),
        "cambian": len(cambian),
        "cambios": [asdict(c) for c in cambian],
    }


def como_markdown(cambios: list[Cambio], base: str, actual: str) -> str:
    cambian = [c for c in cambios if c.hay()]
    lineas = [
        "# Comparación de reglas",
        "",
        f"Base: `{base}` · actuales: `{actual}`.",
        f"**{len(cambios)} comunas evaluadas: {len(cambian)} cambian, "
        f"{len(cambios) - len(cambian)} sin cambios.**",
    ]
    for c in cambian:
        lineas += ["", f"## {c.comuna}", ""]
        lineas += [f"- {linea(d)}" for d in c.diferencias]
    return "\n".join(lineas) + "\n"


# --- how a difference reads -------------------------------------------------------------

_NOMBRES = {  # the places of the result a consultant reads most, in words
    "nivel": "Nivel de {}",
    "nivel_vigente": "Nivel vigente de {}",
    "puntaje": "% de logro de {}",
    "por_area": "Horas ({})",
    "otras": "Horas ({})",
}
_LISTAS = {
    "productos": "Producto",
    "fusiones": "Fusión",
    "vacios": "Vacío",
    "ajustes_estructura": "Ajuste",
    "advertencias": "Advertencia",
}


def linea(d: Diferencia) -> str:
    """A difference as one Markdown line: the place in words when it has a name, else its path."""
    if d.cambio == "cambia":
        return f"{_nombre(d.campo)}: {_valor(d.antes)} → {_valor(d.despues)}"
    nombre = _LISTAS.get(d.campo, _nombre(d.campo))
    valor = d.despues if d.cambio == "agregado" else d.antes
    return f"{nombre} {d.cambio}: {_valor(valor)}"


def _nombre(campo: str) -> str:
    partes = campo.split(".")
    if len(partes) == 3 and partes[0] == "areas" and partes[2] in _NOMBRES:
        return _NOMBRES[partes[2]].format(partes[1])
    if len(partes) == 3 and partes[0] == "horas" and partes[1] in _NOMBRES:
        return _NOMBRES[partes[1]].format(partes[2])
    if campo == "horas.total":
        return "Horas (total)"
    return campo


def _valor(valor: Any) -> str:
    if valor is None:
        return "—"
    if isinstance(valor, bool):
        return "sí" if valor else "no"
    if isinstance(valor, float):
        return f"{valor:g}"
    if isinstance(valor, dict):
        for clave in _IDENTIDAD:
            if isinstance(valor.get(clave), str):
                area = f"[{valor['area']}] " if isinstance(valor.get("area"), str) else ""
                return area + valor[clave]
    if isinstance(valor, list | dict):
        return json.dumps(valor, ensure_ascii=False)
    return str(valor)
