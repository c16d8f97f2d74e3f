"""Which answers want evidence, and whether an alto without it is provisional
(``knowledge/evidencias.yaml``). A knowledge folder without the file uses the
shipped one."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

ARCHIVO_EVIDENCIAS = "evidencias.yaml"


class PoliticaEvidencia(BaseModel):
    # built at its first validation: with the shared cache warm, knowledge is not read
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    alto_sin_evidencia_provisional: bool = False
    piden: dict[str, list[Any]] = {}

    def pide(self, pregunta: str, valor: Any) -> bool:
        """Whether this answer wants evidence."""
        valores = self.piden.get(pregunta)
        if not valores:
            return False
        if isinstance(valor, list):
            return any(v in valores for v in valor)
        return valor in valores
