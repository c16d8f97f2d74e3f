"""Decision tables: each row stands for one rule, written as cells.

Expanding a table is apart from reading rules: a row becomes the condition
(the ``columnas_si`` cells, on the ``si`` fact type) and the conclusion (the
other cells, on the ``entonces`` type) it stands for. Every field keeps the
place of its cell, so a problem is reported at the row and column as they are
in the file (``tablas[1].filas[2].nivel``), once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from diagnostico_experto.comun.errores import sugerencia
from diagnostico_experto.reglas.esquema import TablaArchivo

Lugar = tuple[Any, ...]  # a place in the file, as pydantic locations: ("tablas", 0, "filas", 2)


@dataclass(frozen=True)
class Fila:
    """One row, expanded: the rule it stands for, with the place of each cell."""

    id: str
    lugar: Lugar
    condicion: dict[str, Any]  # the ``si`` fact's fields, from the condition columns
    conclusion: dict[str, Any]  # the ``entonces`` fact's fields, from the other columns

    def lugar_de(self, columna: str) -> Lugar:
        return (*self.lugar, columna)


def expandir(
    tabla: TablaArchivo, lugar: Lugar, campos_conclusion: Sequence[str]
) -> tuple[list[Fila], list[tuple[Lugar, str]]]:
    """The rows as rules to read, and the problems of rows that cannot be one."""
    filas: list[Fila] = []
    problemas: list[tuple[Lugar, str]] = []
    for k, celdas in enumerate(tabla.filas):
        lugar_fila = (*lugar, "filas", k)
        faltan = [c for c in tabla.columnas_si if c not in celdas]
        if faltan:
            problemas.append((lugar_fila, f"faltan las columnas {', '.join(faltan)}"))
            continue
        sobran = [c for c in celdas if c not in tabla.columnas_si and c not in campos_conclusion]
        for c in sobran:
            problemas.append(
                ((*lugar_fila, c), f"columna desconocida «{c}»" + sugerencia(c, campos_conclusion))
            )
        if sobran:
            continue
        valores = "-".join(str(celdas[c]) for c in tabla.columnas_si)
        filas.append(
            Fila(
                id=f"{tabla.id}:{_slug(valores)}",
                lugar=lugar_fila,
                condicion={c: celdas[c] for c in tabla.columnas_si},
                conclusion={c: v for c, v in celdas.items() if c in campos_conclusion},
            )
        )
    return filas, problemas


def _slug(texto: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", texto.lower()).strip("-")
