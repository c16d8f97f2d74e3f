"""The shape of a rule file (pydantic models): ``reglas`` and decision ``tablas``.

Only the shape is checked here; what the conditions and conclusions mean is
checked by ``lenguaje.py`` against the fact vocabulary of ``hechos.py``.
Keys that were renamed are read under their new name with a warning
(``RENOMBRADAS``), so older rule files keep working.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")]

# A key a rule file may still use -> its current name. The loader reads the
# old key as the new one and warns, naming the new key (as sqlfluff does for
# its renamed settings). Add an entry here whenever a key of the format is renamed.
RENOMBRADAS: dict[str, str] = {}


class _Estricto(BaseModel):
    # built at its first validation: with the shared cache warm, rule files are not read
    model_config = ConfigDict(extra="forbid", defer_build=True)


class ReglaArchivo(_Estricto):
    id: Id
    descripcion: str
    fuente: str = ""
    prioridad: int = 0
    si: list[dict[str, Any]] = Field(min_length=1)
    entonces: list[dict[str, Any]] = Field(min_length=1)


class TablaArchivo(_Estricto):
    id: Id
    descripcion: str
    fuente: str = ""
    prioridad: int = 0
    si: str  # fact type each row's condition columns describe
    columnas_si: list[str] = Field(min_length=1)
    entonces: str  # conclusion type each row asserts
    filas: list[dict[str, Any]] = Field(min_length=1)


class Presupuesto(_Estricto):
    """What a conclusion presupposes: an area at some levels, or an element that exists."""

    area: str
    niveles: list[str] = []  # the area's nivel vigente must be one of these
    elemento: str = ""  # or this key element of the area must exist (débil or existente)…
    o_antes: str = ""  # …or the product with this «clave» be required before it


class DependenciaArchivo(_Estricto):
    """A dependency the source states: what a conclusion presupposes (checked by validar)."""

    id: Id
    descripcion: str
    fuente: str = ""
    concluye: str  # the conclusion type it constrains
    clave: str = ""  # only products with this «clave»
    regla: str = ""  # only this rule
    presupone: Presupuesto


class ArchivoReglas(_Estricto):
    descripcion: str = ""
    reglas: list[ReglaArchivo] = []
    tablas: list[TablaArchivo] = []
    dependencias: list[DependenciaArchivo] = []  # read by «reglas validar», not the engine
