"""Field constraints: what a rule (or a question's skip condition) asks of a value.

One small language serves rule conditions and the questionnaire's
``aplica_si``, so both read the same way:

- ``valor: si``                          literal (equality)
- ``valor: ?x``                          variable: binds, or joins with an earlier ``?x``
- ``valor: $umbral_alto``                a parameter from knowledge/parametros.yaml
- ``valor: {al_menos: 0.4, menor_que: 0.7}``  comparisons (all must hold)
- ``valor: {en: [a, b]}`` / ``{fuera_de: [...]}``  membership
- ``valor: {contiene: x}``               the value is a list holding x
- ``valor: {como: ?x, distinto: alto}``  binds ?x and constrains the value at once

Which operators can match which kind of value is ``OPERADORES_DE``: the rule
loader refuses the others with the field's type (``reglas/lenguaje.py``).

Constraints are parsed into small objects, never evaluated as code.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from diagnostico_experto.comun.errores import sugerencia

Escalar = str | int | float | bool

_COMPARACIONES: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "igual": (operator.eq, "="),
    "distinto": (operator.ne, "≠"),
    "menor_que": (operator.lt, "<"),
    "mayor_que": (operator.gt, ">"),
    "al_menos": (operator.ge, "≥"),
    "a_lo_sumo": (operator.le, "≤"),
}
_CONJUNTOS = ("en", "fuera_de")
OPERADORES = (*_COMPARACIONES, *_CONJUNTOS, "contiene")
COMO = "como"  # binds the field to a variable while the other operators constrain it
ORDEN = ("menor_que", "mayor_que", "al_menos", "a_lo_sumo")  # compare numbers only

# The kinds of value a field holds, and the operators that can ever match each.
# ``igual`` is also what a plain value means (``valor: si``).
TipoValor = Literal["texto", "numero", "logico", "lista"]
OPERADORES_DE: dict[TipoValor, tuple[str, ...]] = {
    "texto": ("igual", "distinto", "en", "fuera_de"),
    "numero": ("igual", "distinto", *ORDEN, "en", "fuera_de"),
    "logico": ("igual", "distinto"),
    "lista": ("contiene",),
}
NOMBRE_DE_TIPO: dict[TipoValor, str] = {
    "texto": "un texto",
    "numero": "un número",
    "logico": "verdadero o falso",
    "lista": "una lista",
}


def es_variable(valor: Any) -> bool:
    return isinstance(valor, str) and valor.startswith("?") and valor[1:].isidentifier()


def es_parametro(valor: Any) -> bool:
    return isinstance(valor, str) and valor.startswith("$") and len(valor) > 1


def _mostrar(valor: Any) -> str:
    if isinstance(valor, bool):
        return "sí" if valor else "no"
    if isinstance(valor, float):
        return f"{valor:g}"
    if isinstance(valor, list | tuple):
        return "[" + ", ".join(_mostrar(v) for v in valor) + "]"
    return str(valor)


@dataclass(frozen=True)
class Operacion:
    """One operator with its operand (a resolved constant)."""

    operador: str
    operando: Any
    parametro: str | None = None  # the parameter name the operand came from

    def cumple(self, valor: Any) -> bool:
        if self.operador in _COMPARACIONES:
            funcion = _COMPARACIONES[self.operador][0]
            if valor is None:
                return False
            try:
                return bool(funcion(valor, self.operando))
            except TypeError:
                # Only data reaches here: "no sé" (a text) where a number is compared,
                # or two variables of different kinds. Rules whose types cannot
                # match are refused at load (reglas/lenguaje.py).
                return False
        if self.operador in _CONJUNTOS:
            if not isinstance(self.operando, list | tuple):
                return False  # e.g. a "no sé" bound where a list was expected
            return (valor in self.operando) == (self.operador == "en")
        # contiene
        return isinstance(valor, list | tuple) and self.operando in valor

    def texto(self) -> str:
        operando = _mostrar(self.operando)
        if self.parametro:
            operando += f" (parámetro {self.parametro})"
        if self.operador in _COMPARACIONES:
            return f"{_COMPARACIONES[self.operador][1]} {operando}"
        return {"en": "uno de", "fuera_de": "ninguno de", "contiene": "incluye"}[
            self.operador
        ] + f" {operando}"


@dataclass(frozen=True)
class Restriccion:
    """What one field must satisfy: a variable to bind, and/or operations."""

    variable: str | None = None
    operaciones: tuple[Operacion, ...] = ()

    def cumple(self, valor: Any) -> bool:
        return all(op.cumple(valor) for op in self.operaciones)

    def texto(self) -> str:
        partes = [op.texto() for op in self.operaciones]
        if self.variable and not partes:
            return f"cualquiera (?{self.variable})"
        return " y ".join(partes)


class ParametroDesconocido(ValueError):
    pass


def interpretar(especificacion: Any, parametros: Mapping[str, Any]) -> Restriccion:
    """Parse a constraint as written in a file. Raises ValueError in Spanish."""
    if es_variable(especificacion):
        return Restriccion(variable=especificacion[1:])
    if isinstance(especificacion, Mapping):
        if not especificacion:
            raise ValueError("la condición está vacía; indique un operador como «al_menos: 0.5»")
        variable = None
        operaciones = []
        for operador, operando in especificacion.items():
            if operador == COMO:
                if not es_variable(operando):
                    raise ValueError(
                        f'«{COMO}» liga una variable: escriba «{COMO}: "?nombre"» (entre comillas)'
                    )
                variable = operando[1:]
                continue
            if operador not in OPERADORES:
                raise ValueError(
                    f"operador desconocido «{operador}»; se espera uno de: "
                    + ", ".join((*OPERADORES, COMO))
                    + "."
                    + sugerencia(operador, (*OPERADORES, COMO))
                )
            operaciones.append(_operacion(operador, operando, parametros))
        return Restriccion(variable=variable, operaciones=tuple(operaciones))
    valor, parametro = _resolver(especificacion, parametros)
    return Restriccion(operaciones=(Operacion("igual", valor, parametro),))


def _operacion(operador: str, operando: Any, parametros: Mapping[str, Any]) -> Operacion:
    if operador in _CONJUNTOS:
        if not isinstance(operando, list) or not operando:
            raise ValueError(f"«{operador}» espera una lista no vacía de valores")
        valores = tuple(_resolver(v, parametros)[0] for v in operando)
        return Operacion(operador, valores)
    if es_variable(operando):
        raise ValueError(
            f"«{operador}» no admite variables; compare variables con una condición «compara»"
        )
    valor, parametro = _resolver(operando, parametros)
    if operador in ORDEN and (isinstance(valor, bool) or not isinstance(valor, int | float)):
        raise ValueError(f"«{operador}» compara números; «{_mostrar(valor)}» no es un número")
    return Operacion(operador, valor, parametro)


def _resolver(valor: Any, parametros: Mapping[str, Any]) -> tuple[Any, str | None]:
    """A literal as it is, or a parameter's value with the parameter's name."""
    if es_parametro(valor):
        nombre = valor[1:]
        if nombre not in parametros:
            raise ParametroDesconocido(
                f"parámetro desconocido «{nombre}»" + sugerencia(nombre, parametros)
            )
        return parametros[nombre], nombre
    if isinstance(valor, list | Mapping):
        raise ValueError("se espera un valor simple (texto, número o sí/no)")
    return simple(valor), None


def simple(valor: Any) -> Any:
    """Plain Python values (ruamel returns its own str/int/float/list subclasses)."""
    if isinstance(valor, bool):
        return bool(valor)
    if isinstance(valor, int):
        return int(valor)
    if isinstance(valor, float):
        return float(valor)
    if isinstance(valor, str):
        return str(valor)
    if isinstance(valor, list | tuple):
        return [simple(v) for v in valor]
    return valor
