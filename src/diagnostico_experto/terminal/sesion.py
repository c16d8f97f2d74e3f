"""What the steps of a questionnaire session may use of it.

The review, the end screen, the mesa's validation and the inventory receive a
``Sesion``, not the ``Entrevista`` that runs them: they depend on this narrow
surface, and ``entrevista`` is the only module that knows them all (an
import-linter contract keeps the steps from importing it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from diagnostico_experto.comun.entorno import Entorno
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import Cuestionario, Pregunta
from diagnostico_experto.reglas.regla import Regla
from diagnostico_experto.terminal.borrador import Borrador
from diagnostico_experto.terminal.consola import Consola
from diagnostico_experto.terminal.navegacion import Navegacion


class Sesion(Protocol):
    """A running questionnaire: its file, its prompts, its knowledge and rules."""

    entorno: Entorno
    conocimiento: Conocimiento
    cuestionario: Cuestionario
    reglas: list[Regla]
    carpeta_reglas: str  # where the rules came from ("" when not from a folder)
    borrador: Borrador
    navegacion: Navegacion
    consola: Consola

    @property
    def ruta(self) -> Path: ...

    def valores(self) -> dict[str, Any]:
        """The answers given so far, by question id."""
        ...

    def aplicables(self) -> list[Pregunta]:
        """The questions that apply to the answers given so far."""
        ...

    def preguntar(self, pregunta: Pregunta) -> Any:
        """Ask one question until there is an answer (or a move back)."""
        ...

    def responder(self, pregunta: Pregunta, valor: Any) -> None:
        """Save one answer and say which answers stopped applying."""
        ...

    def preguntas(self, actual: Pregunta | None) -> None:
        """Ask from ``actual`` on, as the questionnaire does."""
        ...
