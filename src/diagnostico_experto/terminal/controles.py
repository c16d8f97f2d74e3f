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

from diagnostico_experto.comun.formato_chileno import leer_numero
from diagnostico_experto.conocimiento.preguntas import NO_SABE, FormaDeRespuesta, Pregunta

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
    return _CONTROL_DE[pregunta.forma](pregunta, actual)


def _lista(pregunta: Pregunta, actual: Any) -> Control:
    """One answer picked from a list (sí/no, an option, a point of a scale)."""
    return Control("lista", _INSTRUCCIONES["lista"], _opciones(pregunta), actual)


def _casillas(pregunta: Pregunta, actual: Any) -> Control:
    """Several options ticked at once."""
    opciones = _opciones(pregunta)
    marcadas = actual if isinstance(actual, list) else [actual]
    return Control(
        "casillas",
        _INSTRUCCIONES["casillas"],
        opciones,
        [v for _, v in opciones if v in marcadas],
        lambda valores: _valida_varias(pregunta, valores),
        lambda valores: NO_SABE if valores == [NO_SABE] else list(valores),
    )


def _opciones(pregunta: Pregunta) -> list[tuple[str, Any]]:
    opciones = [(pregunta.etiqueta(v), v) for v in pregunta.valores()]
    if pregunta.no_sabe:
        opciones.append(("No sé", NO_SABE))
    return opciones


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


def _numero(pregunta: Pregunta, actual: Any) -> Control:
    """A typed number (a decimal comma is fine)."""
    return _escrita(pregunta, actual, lambda limpio: _numero_escrito(pregunta, limpio), libre=False)


def _texto(pregunta: Pregunta, actual: Any) -> Control:
    """A free text: it may contain ? and <, and Enter on an empty line omits it."""
    return _escrita(pregunta, actual, lambda limpio: limpio, libre=True)


def _escrita(pregunta: Pregunta, actual: Any, leer: Callable[[str], Any], libre: bool) -> Control:
    partes = [_TECLAS]
    if pregunta.no_sabe:
        partes.append("«ns» = no sé")
    if libre:
        partes.append("Enter sin texto para omitir")
    defecto = "" if actual in (None, NO_SABE) else f"{actual}"

    def leer_escrita(texto: str) -> Any:
        """A typed answer in its canonical form; ValueError in Spanish."""
        limpio = texto.strip()
        if pregunta.no_sabe and limpio.lower() in ("ns", "no sé", "no se"):
            return NO_SABE
        return leer(limpio)

    def valida(texto: str) -> bool | str:
        try:
            leer_escrita(texto)
        except ValueError as exc:
            return f"No válido: {exc}."
        return True

    return Control(
        "escrita",
        f"({' · '.join(partes)})",
        defecto=defecto,
        validar=valida,
        leer=leer_escrita,
        teclas_solo_en_blanco=libre,
    )


def _numero_escrito(pregunta: Pregunta, limpio: str) -> Any:
    try:
        numero = leer_numero(limpio)
    except ValueError:
        numero = math.nan
    if not math.isfinite(numero):
        raise ValueError("escriba un número (o ? para ayuda)")
    return pregunta.normalizar(numero)


# The widget for each way of answering (``Pregunta.forma``): a new question type
# declares its forma in conocimiento/preguntas.py and needs nothing here.
_CONTROL_DE: dict[FormaDeRespuesta, Callable[[Any, Any], Control]] = {
    "una_opcion": _lista,
    "varias_opciones": _casillas,
    "numero": _numero,
    "texto": _texto,
}
