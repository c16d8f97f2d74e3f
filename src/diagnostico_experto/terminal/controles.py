"""Question → control: which widget asks a question, with what options, checks and reading.

A pure function of the question model and its current answer (in the manner of
copier's ``get_questionary_structure``), testable without keystrokes; the
terminal (``consola.py``) only draws what it returns. Help and "back" are keys
(``?`` and ``<``), never options, so they cannot be ticked or chosen by mistake.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from diagnostico_experto.conocimiento.preguntas import NO_SABE, Pregunta

AYUDA = "__ayuda__"
VOLVER = "__volver__"
OMITIDA = ""  # an optional text left empty: saved as seen, so it is not asked again

Tipo = Literal["lista", "casillas", "escrita"]


@dataclass(frozen=True)
class Control:
    tipo: Tipo
    instruccion: str
    opciones: list[tuple[str, Any]] = field(default_factory=list)  # (title, value)
    defecto: Any = None  # a value, the ticked values, or the text to start from
    validar: Callable[[Any], bool | str] | None = None
    leer: Callable[[Any], Any] = lambda valor: valor  # widget result → answer
    teclas_solo_en_blanco: bool = False  # free text may contain ? and <: keys act on an empty line


_TECLAS = "? ayuda · < volver"
_INSTRUCCIONES: dict[Tipo, str] = {
    "lista": f"(↑↓ y Enter · {_TECLAS})",
    "casillas": f"(↑↓, espacio marca, Enter confirma · {_TECLAS})",
    "escrita": f"({_TECLAS})",
}


def control(pregunta: Pregunta, actual: Any = None) -> Control:
    """The widget that asks ``pregunta``, starting from its current answer ``actual``."""
    if pregunta.tipo in ("numero", "texto"):
        return _escrita(pregunta, actual)
    opciones = [(pregunta.etiqueta(v), v) for v in pregunta.valores()]
    if pregunta.no_sabe:
        opciones.append(("No sé", NO_SABE))
    if pregunta.tipo == "opcion_multiple":
        marcadas = actual if isinstance(actual, list) else [actual]
        return Control(
            "casillas",
            _INSTRUCCIONES["casillas"],
            opciones,
            [v for _, v in opciones if v in marcadas],
            lambda valores: _valida_varias(pregunta, valores),
            lambda valores: NO_SABE if valores == [NO_SABE] else list(valores),
        )
    return Control("lista", _INSTRUCCIONES["lista"], opciones, actual)


def _valida_varias(pregunta: Pregunta, valores: list[Any]) -> bool | str:
    if not valores:
        return "Marque al menos una opción (con la barra espaciadora)."
    if NO_SABE in valores:
        return True if len(valores) == 1 else "«No sé» se marca solo."
    try:
        pregunta.normalizar(list(valores))
    except ValueError as exc:
        return f"No válido: {exc}."
    return True


def _escrita(pregunta: Pregunta, actual: Any) -> Control:
    partes = [_TECLAS]
    if pregunta.no_sabe:
        partes.append("«ns» = no sé")
    if pregunta.tipo == "texto":
        partes.append("Enter sin texto para omitir")
    defecto = "" if actual in (None, NO_SABE) else f"{actual}"
    return Control(
        "escrita",
        f"({' · '.join(partes)})",
        defecto=defecto,
        validar=lambda texto: _valida_escrita(pregunta, texto),
        leer=lambda texto: leer_escrita(pregunta, texto),
        teclas_solo_en_blanco=pregunta.tipo == "texto",
    )


def leer_escrita(pregunta: Pregunta, texto: str) -> Any:
    """A typed answer in its canonical form; ValueError in Spanish."""
    limpio = texto.strip()
    if pregunta.no_sabe and limpio.lower() in ("ns", "no sé", "no se"):
        return NO_SABE
    if pregunta.tipo == "texto":
        return limpio  # empty: omitted
    try:
        numero = float(limpio.replace(",", "."))
    except ValueError:
        numero = math.nan
    if not math.isfinite(numero):
        raise ValueError("escriba un número (o ? para ayuda)")
    return pregunta.normalizar(numero)


def _valida_escrita(pregunta: Pregunta, texto: str) -> bool | str:
    try:
        leer_escrita(pregunta, texto)
    except ValueError as exc:
        return f"No válido: {exc}."
    return True
