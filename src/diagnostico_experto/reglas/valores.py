"""What a field of a fact can hold: its type, its values, and an example that would match.

Conditions and conclusions are both checked here, so a field refuses the same
values with the same message wherever it is written («no es un valor posible»).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from diagnostico_experto.comun.errores import sugerencia
from diagnostico_experto.comun.formato_chileno import pista_con_punto
from diagnostico_experto.comun.restricciones import (
    NOMBRE_DE_TIPO,
    OPERADORES_DE,
    Restriccion,
    TipoValor,
    simple,
)
from diagnostico_experto.conocimiento.carpeta import Conocimiento, ValorParametro
from diagnostico_experto.conocimiento.preguntas import NO_SABE, Pregunta
from diagnostico_experto.reglas.hechos import dominio, tipo_de_campo
from diagnostico_experto.reglas.tablas import Lugar

Anotar = Callable[[Lugar, str], None]  # records one problem at a place of the file


class RevisorDeCampos:
    """Checks literals against the field they are written for; problems go to ``anotar``."""

    def __init__(self, conocimiento: Conocimiento, anotar: Anotar):
        self.conocimiento = conocimiento
        self._anotar = anotar

    def _pregunta(self, tipo: str, campo: str, campos: dict) -> Pregunta | None:
        """The question an answer's condition names literally (for its ``valor``)."""
        if (tipo, campo) != ("respuesta", "valor"):
            return None
        return self.conocimiento.cuestionario.por_id.get(str(simple(campos.get("pregunta"))))

    def tipo(
        self, tipo: str, campo: str, restriccion: Restriccion, campos: dict, loc: tuple
    ) -> bool:
        """Operators and literals must be able to match the field's type; False if not."""
        pregunta = self._pregunta(tipo, campo, campos)
        clase = tipo_de_campo(tipo, campo, pregunta)
        if clase is None:
            return True  # an answer to a question named by a variable: any type
        sujeto = pregunta.id if pregunta else f"{tipo}.{campo}"
        que_es = pregunta.que_es() if pregunta else NOMBRE_DE_TIPO[clase]
        admite_no_sabe = pregunta is not None and pregunta.no_sabe
        for op in restriccion.operaciones:
            operandos = op.operando if op.operador in ("en", "fuera_de") else (op.operando,)
            if admite_no_sabe and op.operador in ("igual", "distinto") and op.operando == NO_SABE:
                continue  # "no sé" is a text whatever the question's type
            ejemplo = self._ejemplo(clase, tipo, campo, op.operando, pregunta)
            if op.operador not in OPERADORES_DE[clase]:
                if op.operador == "igual":
                    self._anotar(loc, f"{sujeto} es {que_es}: use {ejemplo}")
                else:
                    self._anotar(
                        loc,
                        f"«{op.operador}» no se aplica a {sujeto}, que es {que_es}: use {ejemplo}",
                    )
                return False
            if op.operador == "contiene":
                continue  # its operand is an element: the field's domain checks it
            for v in operandos:
                if not es_del_tipo(v, clase) and not (admite_no_sabe and v == NO_SABE):
                    self._anotar(loc, f"{sujeto} es {que_es}: use {ejemplo}")
                    return False
        return True

    def _ejemplo(
        self, clase: TipoValor, tipo: str, campo: str, operando: Any, pregunta: Pregunta | None
    ) -> str:
        """A condition on this field that could match, built from what was written."""
        if pregunta is not None:
            posibles = [v for v in pregunta.valores() if v != NO_SABE]
        else:
            posibles = dominio(tipo, campo, self.conocimiento) or []
        escrito = operando[0] if isinstance(operando, tuple) and operando else operando
        valor = escrito if escrito in posibles else (posibles[0] if posibles else None)
        if clase == "lista":
            return f"{campo}: {{contiene: {valor if valor is not None else escrito}}}"
        if clase == "logico":
            return f"{campo}: true (o false)"
        if clase == "numero":
            if es_del_tipo(escrito, "numero"):
                numero = escrito
            elif posibles:
                numero = posibles[len(posibles) // 2]
            else:
                numero = 0.5 if (tipo, campo) == ("puntaje", "valor") else 1
            return f"{campo}: {{al_menos: {numero}}}"
        propio = pregunta.ejemplo(campo) if pregunta is not None else None
        if propio is not None:
            return propio
        if valor is None and not isinstance(escrito, str):
            return f'{campo}: "un texto"'
        return f"{campo}: {valor if valor is not None else escrito}"

    def valores(
        self, tipo: str, campo: str, restriccion: Restriccion, campos: dict, loc: tuple
    ) -> None:
        """Literals must be values the field can take (areas, levels, options…)."""
        permitidos = dominio(tipo, campo, self.conocimiento)
        if tipo == "respuesta" and campo == "valor":
            permitidos = self._opciones_de(campos.get("pregunta"))
        if permitidos is None:
            return
        for op in restriccion.operaciones:
            if op.operador not in ("igual", "distinto", "en", "fuera_de", "contiene"):
                continue
            operandos = op.operando if isinstance(op.operando, tuple) else (op.operando,)
            for v in operandos:
                self.posible(v, permitidos, tipo, campo, loc)

    def _opciones_de(self, pregunta_id: Any) -> list[Any] | None:
        pregunta = self.conocimiento.cuestionario.por_id.get(str(pregunta_id))
        posibles = pregunta.dominio() if pregunta is not None else None
        return None if posibles is None else [*posibles, NO_SABE]

    def posible(
        self, valor: Any, permitidos: list[Any] | None, tipo: str, campo: str, loc: Lugar
    ) -> bool:
        """Whether ``valor`` is one of the field's values; if not, says so (once, here)."""
        if permitidos is None or valor in permitidos:
            return True
        self._anotar(
            loc,
            f"«{valor}» no es un valor posible de {tipo}.{campo}"
            + sugerencia(str(valor), [str(p) for p in permitidos]),
        )
        return False

    def literal(self, tipo: str, campo: str, valor: Any, loc: Lugar) -> bool:
        """A literal a conclusion writes: of the field's type and among its values."""
        clase = tipo_de_campo(tipo, campo)
        if clase is not None and not es_del_tipo(valor, clase):
            self._anotar(
                loc,
                f"{tipo}.{campo} es {NOMBRE_DE_TIPO[clase]}: «{valor}» no lo es"
                + (pista_con_punto(valor) if clase == "numero" else ""),
            )
            return False
        return self.posible(valor, dominio(tipo, campo, self.conocimiento), tipo, campo, loc)


def es_del_tipo(valor: Any, clase: TipoValor) -> bool:
    if clase == "numero":
        return isinstance(valor, int | float) and not isinstance(valor, bool)
    if clase == "logico":
        return isinstance(valor, bool)
    if clase == "lista":
        return isinstance(valor, list | tuple)
    return isinstance(valor, str)


class LectorDeParte:
    """What the readers of a rule's conditions and of its conclusions share: the
    rule base's parameters, the field checks, where problems go, and entries of
    one element each (``- nivel: {...}``)."""

    def __init__(
        self, parametros: dict[str, ValorParametro], campos: RevisorDeCampos, anotar: Anotar
    ):
        self.parametros = parametros
        self.campos = campos
        self._error = anotar

    def elemento(
        self, c: Mapping[str, Any], loc: Lugar, que: str, ejemplo: str
    ) -> tuple[str, Any] | None:
        """An entry's one key and its body; None, with a problem, when it has several."""
        if len(c) != 1:
            self._error(loc, f"cada {que} es un solo elemento, por ejemplo «{ejemplo}»")
            return None
        clave, cuerpo = next(iter(c.items()))
        return clave, cuerpo
