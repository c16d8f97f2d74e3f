"""The conditions of a rule: fact patterns, negations and comparisons."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from diagnostico_experto.comun.errores import sugerencia
from diagnostico_experto.comun.restricciones import (
    OPERADORES,
    Operacion,
    es_variable,
    interpretar,
    simple,
)
from diagnostico_experto.reglas.hechos import TIPOS
from diagnostico_experto.reglas.regla import Compara, Condicion, Negacion, Patron
from diagnostico_experto.reglas.tablas import Lugar
from diagnostico_experto.reglas.valores import LectorDeParte


class LectorDeCondiciones(LectorDeParte):
    """Reads the ``si`` of a rule (or a table's condition cells); problems go to ``anotar``."""

    def condicion(self, c: dict[str, Any], loc: tuple, ligadas: set[str]) -> Condicion | None:
        elemento = self.elemento(c, loc, "condición", "respuesta: {...}")
        if elemento is None:
            return None
        clave, cuerpo = elemento
        if clave == "no":
            if not isinstance(cuerpo, Mapping) or len(cuerpo) != 1:
                self._error(
                    (*loc, "no"), "«no» lleva un solo hecho, por ejemplo «no: {servicio: {}}»"
                )
                return None
            tipo, campos = next(iter(cuerpo.items()))
            patron = self.patron(tipo, campos, (*loc, "no", tipo), ligadas)
            return Negacion(patron) if patron else None
        if clave == "compara":
            return self.compara(cuerpo, (*loc, "compara"), ligadas)
        return self.patron(clave, cuerpo, (*loc, clave), ligadas)

    def patron(
        self,
        tipo: str,
        campos: Any,
        loc: Lugar,
        ligadas: set[str],
        lugar_de: Callable[[str], Lugar] | None = None,
    ) -> Patron | None:
        """A fact pattern; ``lugar_de`` gives a field's place (a table's cell), else under loc."""
        lugar_de = lugar_de or (lambda campo: (*loc, campo))
        if tipo not in TIPOS:
            posibles = [*TIPOS, "no", "compara"]
            self._error(loc, f"condición desconocida «{tipo}»" + sugerencia(tipo, posibles))
            return None
        if campos is None:
            campos = {}
        if not isinstance(campos, Mapping):
            self._error(loc, "se espera un mapeo de campos, por ejemplo {area: estrategia}")
            return None
        restricciones = []
        for campo, especificacion in campos.items():
            if campo not in TIPOS[tipo].campos:
                self._error(
                    lugar_de(campo),
                    f"«{tipo}» no tiene el campo «{campo}»; campos: {', '.join(TIPOS[tipo].campos)}."
                    + sugerencia(campo, TIPOS[tipo].campos),
                )
                continue
            try:
                restriccion = interpretar(especificacion, self.parametros)
            except ValueError as exc:
                self._error(lugar_de(campo), str(exc))
                continue
            if self.campos.tipo(tipo, campo, restriccion, dict(campos), lugar_de(campo)):
                self.campos.valores(tipo, campo, restriccion, dict(campos), lugar_de(campo))
            restricciones.append((str(campo), restriccion))
        return Patron(tipo, tuple(restricciones))

    def compara(self, cuerpo: Any, loc: tuple, ligadas: set[str]) -> Compara | None:
        if not (isinstance(cuerpo, list) and len(cuerpo) == 3):
            self._error(loc, "«compara» lleva tres elementos: [?a, operador, ?b o valor]")
            return None
        if any(_variable_mal_leida(x) for x in cuerpo):
            self._error(
                loc, 'dentro de [ ] una variable ?nombre va entre comillas: ["?a", distinto, "?b"]'
            )
            return None
        izquierda, operador, derecha = (simple(x) for x in cuerpo)
        if operador not in OPERADORES:
            self._error(
                loc, f"operador «{operador}» no válido en «compara»; use: {', '.join(OPERADORES)}"
            )
            return None
        for v in (izquierda, derecha):
            if es_variable(v) and v[1:] not in ligadas:
                self._error(loc, f"la variable {v} no está ligada en una condición anterior")
                return None
        if not es_variable(izquierda):
            self._error(loc, "el primer elemento de «compara» debe ser una variable (?nombre)")
            return None
        if es_variable(derecha):
            return Compara(izquierda[1:], Operacion(operador, None), derecha[1:])
        try:
            operacion = interpretar({operador: derecha}, self.parametros).operaciones[0]
        except ValueError as exc:
            self._error(loc, str(exc))
            return None
        return Compara(izquierda[1:], operacion)


def _variable_mal_leida(elemento: Any) -> bool:
    """YAML reads an unquoted ``?a`` inside [ ] as the mapping {a: None}."""
    return isinstance(elemento, Mapping) and len(elemento) == 1 and None in elemento.values()
