"""A rule as the engine and the explanation see it: conditions and conclusions.

Built from the rule files by ``lenguaje.py``; compiled to experta by
``compilador.py``; re-checked condition by condition by ``explicacion.py``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from diagnostico_experto.comun.restricciones import Operacion, Restriccion

PLANTILLA = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Patron:
    tipo: str
    restricciones: tuple[tuple[str, Restriccion], ...]

    def variables(self) -> set[str]:
        return {r.variable for _, r in self.restricciones if r.variable}

    def coincide(self, hecho: Mapping[str, Any]) -> bool:
        """Whether a fact's fields meet the literal constraints (variables match anything)."""
        return all(r.cumple(hecho.get(campo)) for campo, r in self.restricciones)


@dataclass(frozen=True)
class Negacion:
    patron: Patron


@dataclass(frozen=True)
class Compara:
    izquierda: str  # variable name
    operacion: Operacion  # operand is a literal, or None when `derecha` is set
    derecha: str | None = None  # variable name on the right


Condicion = Patron | Negacion | Compara


@dataclass(frozen=True)
class Conclusion:
    tipo: str
    campos: tuple[tuple[str, Any], ...]  # value: literal, ("?", var) or ("texto", template)
    parametros: tuple[tuple[str, str], ...] = ()  # (field, parameter name) of "$" values

    def instanciar(self, vinculos: Mapping[str, Any]) -> dict[str, Any]:
        resultado = {}
        for campo, valor in self.campos:
            if isinstance(valor, tuple) and valor[0] == "?":
                resultado[campo] = vinculos[valor[1]]
            elif isinstance(valor, tuple) and valor[0] == "texto":
                trozos = partes(valor[1])  # literal, variable, literal, …, literal
                resultado[campo] = "".join(
                    parte if i % 2 == 0 else como_texto(vinculos.get(parte, f"{{{parte}}}"))
                    for i, parte in enumerate(trozos)
                )
            else:
                resultado[campo] = valor
        return resultado

    def valor(self, campo: str) -> Any:
        return dict(self.campos).get(campo)


@functools.lru_cache(maxsize=1024)
def partes(plantilla: str) -> list[str]:
    """A text template split once: literals at even places, variable names at odd ones."""
    return PLANTILLA.split(plantilla)


def como_texto(valor: Any) -> str:
    return lista_legible(valor) if isinstance(valor, list | tuple) else str(valor)


def lista_legible(valores: Iterable[Any]) -> str:
    """["a", "b", "c"] as Spanish prose: "a, b y c"."""
    textos = list(map(str, valores))
    return " y ".join(textos) if len(textos) < 3 else ", ".join(textos[:-1]) + " y " + textos[-1]


@dataclass(frozen=True)
class Regla:
    id: str
    descripcion: str
    fuente: str
    prioridad: int
    condiciones: tuple[Condicion, ...]
    conclusiones: tuple[Conclusion, ...]
    archivo: str
    linea: int | None
    avisos: tuple[tuple[str, str], ...] = ()  # (place, message): e.g. a renamed key still used

    def lugar(self) -> str:
        return f"{self.archivo}:{self.linea}" if self.linea else self.archivo

    def patrones(self) -> list[Patron]:
        """Every fact pattern the rule mentions, required or negated."""
        return [
            c.patron if isinstance(c, Negacion) else c
            for c in self.condiciones
            if isinstance(c, Patron | Negacion)
        ]


def cumplida(condicion: Condicion, hechos_de: Callable[[str], Sequence[Mapping[str, Any]]]) -> bool:
    """A condition checked on its own against some facts (by type).

    Variables are not joined and ``compara`` counts as met: this is the
    condition-by-condition reading used by explanations and the linter.
    """
    if isinstance(condicion, Compara):
        return True
    patron = condicion.patron if isinstance(condicion, Negacion) else condicion
    existe = any(patron.coincide(h) for h in hechos_de(patron.tipo))
    return not existe if isinstance(condicion, Negacion) else existe
