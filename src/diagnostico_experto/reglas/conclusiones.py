"""The conclusions of a rule: the facts it asserts, with literals, parameters and variables."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from diagnostico_experto.comun.errores import sugerencia
from diagnostico_experto.comun.restricciones import (
    es_parametro,
    es_variable,
    simple,
)
from diagnostico_experto.reglas.hechos import TIPOS
from diagnostico_experto.reglas.regla import PLANTILLA, Conclusion
from diagnostico_experto.reglas.tablas import Lugar
from diagnostico_experto.reglas.valores import LectorDeParte


class LectorDeConclusiones(LectorDeParte):
    """Reads the ``entonces`` of a rule (or a table's conclusion cells)."""

    def conclusion(self, c: dict[str, Any], loc: Lugar, ligadas: set[str]) -> Conclusion | None:
        elemento = self.elemento(c, loc, "conclusión", "nivel: {...}")
        if elemento is None:
            return None
        tipo, campos = elemento
        return self.de_tipo(tipo, campos, (*loc, tipo), ligadas)

    def de_tipo(
        self,
        tipo: str,
        campos: Any,
        loc: Lugar,
        ligadas: set[str],
        lugar_de: Callable[[str], Lugar] | None = None,
    ) -> Conclusion | None:
        """A conclusion of type ``tipo``; problems of the whole at loc, of a field at its place."""
        lugar_de = lugar_de or (lambda campo: (*loc, campo))
        concluibles = [t for t, d in TIPOS.items() if d.conclusion]
        if tipo not in concluibles:
            self._error(
                loc,
                f"no se puede concluir «{tipo}»; se puede: {', '.join(concluibles)}."
                + sugerencia(tipo, concluibles),
            )
            return None
        if not isinstance(campos, Mapping):
            self._error(loc, "se espera un mapeo de campos")
            return None
        definicion = TIPOS[tipo]
        valores: list[tuple[str, Any]] = []
        parametros: list[tuple[str, str]] = []
        for campo in definicion.campos:
            if campo not in campos and campo not in definicion.opcionales:
                self._error(loc, f"falta el campo «{campo}» en la conclusión «{tipo}»")
        anterior: Any = None
        for campo, valor in campos.items():
            loc_campo = lugar_de(campo)
            if campo not in definicion.campos:
                self._error(
                    loc_campo,
                    f"«{tipo}» no tiene el campo «{campo}»"
                    + (
                        _decimal_partido(anterior, campo, valor)
                        or sugerencia(campo, definicion.campos)
                    ),
                )
                continue
            anterior = valor
            valor = simple(valor)
            if isinstance(valor, float) and not math.isfinite(valor):
                self._error(loc_campo, "debe ser un número finito (no .nan ni .inf)")
                continue
            if es_variable(valor):
                if valor[1:] not in ligadas:
                    self._error(loc_campo, f"la variable {valor} no está ligada en las condiciones")
                    continue
                valores.append((campo, ("?", valor[1:])))
                continue
            if es_parametro(valor):
                nombre = valor[1:]
                if nombre not in self.parametros:
                    self._error(
                        loc_campo,
                        f"parámetro desconocido «{nombre}»" + sugerencia(nombre, self.parametros),
                    )
                    continue
                valores.append((campo, self.parametros[nombre]))
                parametros.append((campo, nombre))
                continue
            if isinstance(valor, str) and PLANTILLA.search(valor):
                for variable in PLANTILLA.findall(valor):
                    if variable not in ligadas:
                        self._error(
                            loc_campo,
                            f"la variable {{{variable}}} no está ligada en las condiciones",
                        )
                valores.append((campo, ("texto", valor)))
                continue
            if self.campos.literal(tipo, campo, valor, loc_campo):
                valores.append((campo, valor))
        return Conclusion(str(tipo), tuple(valores), tuple(parametros))


def _decimal_partido(anterior: Any, campo: Any, valor: Any) -> str:
    """«{horas: 2,5}» in a flow mapping reads as «horas: 2» and a field «5»: say how to
    write the decimal the consultant meant."""
    entero = isinstance(anterior, int) and not isinstance(anterior, bool)
    if entero and valor is None and str(campo).isdigit():
        return f"; ¿un decimal con coma? escriba {anterior}.{campo}, con punto decimal"
    return ""
