"""The result of evaluating one comuna: the JSON contract of DESIGN.md.

Keys may be added but never renamed: scripts read ``areas``, ``productos``,
``fusiones``, ``ajustes_estructura``, ``horas`` and ``traza``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from .cuestionario import AREAS


class Validado(BaseModel):
    nivel: str
    justificacion: str


class ResultadoArea(BaseModel):
    nivel: str
    puntaje: float | None
    regla: str
    validado: Validado | None = None
    nivel_vigente: str
    completo: bool
    respondidas: int
    desconocidas: int


class Producto(BaseModel):
    area: str
    nivel: str
    texto: str
    regla: str


class Fusion(BaseModel):
    servicios: list[str]
    etapa: str
    tipo: str  # "fusion" | "coordinacion"
    texto: str
    regla: str


class Ajuste(BaseModel):
    texto: str
    regla: str


class Horas(BaseModel):
    por_area: dict[str, float] = Field(default_factory=lambda: dict.fromkeys(AREAS, 0))
    otras: dict[str, float] = {}
    total: float = 0


class PasoTraza(BaseModel):
    regla: str
    descripcion: str
    hechos: list[str]
    conclusion: str


class Resultado(BaseModel):
    comuna: str
    ugt: str
    fecha: str | None = None
    ilustrativo: bool = False
    areas: dict[str, ResultadoArea]
    productos: list[Producto]
    fusiones: list[Fusion] = []
    ajustes_estructura: list[Ajuste] = []
    horas: Horas = Field(default_factory=Horas)
    advertencias: list[str] = []
    traza: list[PasoTraza]
