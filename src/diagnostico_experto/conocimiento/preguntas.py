"""The questionnaire: questions, their options, points and skip logic.

One definition serves the answer file format, the interactive questionnaire
and the rules: a rule that names ``respuesta: {pregunta: E02, valor: no_hay}``
is checked against the options declared here.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from diagnostico_experto.comun.restricciones import Restriccion, interpretar

AREAS = ("estrategia", "estructura", "procesos", "productos")
TRANSVERSAL = "transversal"
NIVELES = ("alto", "medio", "bajo")
# The programme's steps, in the order it worked (§6.2.4 a–e): the taller de
# sensibilización, then the talleres territoriales of Estrategia, Estructura y
# Procesos and Gestión de Entorno, each followed by work in the comuna.
TALLERES = ("sensibilizacion", "estrategia", "estructura_procesos", "gestion_entorno")
NO_SABE = "no_sabe"
LISTAS_CATALOGO = ("etapas", "clientes", "origenes", "areas_proceso")

Area = Literal["estrategia", "estructura", "procesos", "productos", "transversal"]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")]
TipoPregunta = Literal["si_no", "escala", "opcion_unica", "opcion_multiple", "numero", "texto"]


_SALTOS = "\n\r\t"


def texto_libre(texto: str) -> str:
    """A free text (a note, a justification, a text answer): no control characters."""
    for caracter in texto:
        if unicodedata.category(caracter) == "Cc" and caracter not in _SALTOS:
            raise ValueError(f"tiene un carácter de control ({_codigo(caracter)}); bórrelo")
    return texto


def nombre_limpio(texto: str) -> str:
    """A name (a service, a unit, a member): one visible line, without hidden characters."""
    for caracter in texto:
        categoria = unicodedata.category(caracter)
        if categoria == "Cc":
            raise ValueError(f"tiene un carácter de control ({_codigo(caracter)}); bórrelo")
        if categoria in ("Cf", "Zl", "Zp"):
            raise ValueError(f"tiene un carácter invisible ({_codigo(caracter)}); bórrelo")
    limpio = " ".join(texto.split())
    if not limpio:
        raise ValueError("no puede estar vacío ni tener solo espacios")
    return limpio


def _codigo(caracter: str) -> str:
    return f"U+{ord(caracter):04X}"


# A question's texts reach the terminal as they are: no escape sequences, no control characters.
TextoVisible = Annotated[str, AfterValidator(texto_libre)]


class Estricto(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Opcion(Estricto):
    valor: Slug
    texto: TextoVisible
    puntos: float = 0
    exclusiva: bool = False  # in opción múltiple: cannot be combined ("ninguno")


class Escala(Estricto):
    minimo: int = 1
    maximo: int = 5
    etiquetas: dict[int, str] = {}
    invertida: bool = False  # True when a high value is a weakness

    @model_validator(mode="after")
    def _rango(self) -> Escala:
        if self.maximo <= self.minimo:
            raise ValueError("«maximo» debe ser mayor que «minimo»")
        return self


class Tramo(Estricto):
    desde: float
    hasta: float | None = None  # None: no upper bound
    puntos: float


class CondicionPregunta(Estricto):
    """A question applies only when an earlier answer satisfies ``valor``."""

    pregunta: str
    valor: Any

    @cached_property
    def restriccion(self) -> Restriccion:
        """Parsed once: skip logic runs for every question of every comuna."""
        return interpretar(self.valor, {})


class Pregunta(Estricto):
    id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
    area: Area
    texto: TextoVisible
    tipo: TipoPregunta
    ayuda: TextoVisible
    fuente: str
    opciones: list[Opcion] = []
    escala: Escala | None = None
    tramos: list[Tramo] = []
    minimo: float | None = None
    maximo: float | None = None
    no_sabe: bool = False
    peso: float = Field(default=1.0, ge=0)
    aplica_si: list[CondicionPregunta] = []
    opciones_de: str | None = None  # a list of servicios.yaml that supplies the options

    @model_validator(mode="before")
    @classmethod
    def _opciones_del_catalogo(cls, datos: Any, info: ValidationInfo) -> Any:
        """Options drawn from the services catalogue, so one list serves both."""
        if not isinstance(datos, dict) or not datos.get("opciones_de"):
            return datos
        catalogo = (info.context or {}).get("catalogo")
        lista = datos["opciones_de"]
        if catalogo is None or lista not in LISTAS_CATALOGO:
            raise ValueError(
                f"«opciones_de: {lista}» debe ser una lista de servicios.yaml: "
                + ", ".join(LISTAS_CATALOGO)
            )
        generadas = [{"valor": e.id, "texto": e.nombre} for e in getattr(catalogo, lista)]
        return {**datos, "opciones": generadas + list(datos.get("opciones") or [])}

    @model_validator(mode="before")
    @classmethod
    def _por_defecto(cls, datos: Any) -> Any:
        """A sí/no question's options and a scale's range, when the file leaves them out."""
        if not isinstance(datos, dict):
            return datos
        if datos.get("tipo") == "si_no" and not datos.get("opciones"):
            return {
                **datos,
                "opciones": [
                    {"valor": "si", "texto": "Sí", "puntos": 1},
                    {"valor": "no", "texto": "No"},
                ],
            }
        if datos.get("tipo") == "escala" and datos.get("escala") is None:
            return {**datos, "escala": {}}
        return datos

    @model_validator(mode="after")
    def _coherente(self) -> Pregunta:
        if self.tipo in ("opcion_unica", "opcion_multiple") and len(self.opciones) < 2:
            raise ValueError(f"una pregunta «{self.tipo}» necesita al menos dos opciones")
        if self.tipo not in ("si_no", "opcion_unica", "opcion_multiple") and self.opciones:
            raise ValueError(f"una pregunta «{self.tipo}» no lleva «opciones»")
        valores = [o.valor for o in self.opciones]
        repetidos = sorted({v for v in valores if valores.count(v) > 1})
        if repetidos:
            raise ValueError(f"opciones repetidas: {', '.join(repetidos)}")
        if NO_SABE in valores:
            raise ValueError("«no_sabe» no es una opción: use «no_sabe: true»")
        for o in self.opciones:
            if o.exclusiva and self.tipo != "opcion_multiple":
                raise ValueError("«exclusiva» solo tiene sentido en «opcion_multiple»")
        return self

    # --- what an answer may be -------------------------------------------------

    def valores(self) -> list[Any]:
        """The answers this question accepts (for lists: each element)."""
        if self.tipo == "escala":
            assert self.escala
            return list(range(self.escala.minimo, self.escala.maximo + 1))
        return [o.valor for o in self.opciones]

    def opcion(self, valor: Any) -> Opcion | None:
        return next((o for o in self.opciones if o.valor == valor), None)

    def etiqueta(self, valor: Any) -> str:
        """How an answer reads in a report."""
        if valor == NO_SABE:
            return "No sé"
        if isinstance(valor, list):
            return ", ".join(self.etiqueta(v) for v in valor) or "(ninguna)"
        if self.tipo == "escala" and self.escala:
            nombre = self.escala.etiquetas.get(valor)
            return f"{valor} ({nombre})" if nombre else str(valor)
        opcion = self.opcion(valor)
        if opcion:
            return opcion.texto
        return f"{valor:g}" if isinstance(valor, float) else str(valor)

    def normalizar(self, valor: Any) -> Any:
        """Check an answer and give it its canonical form; ValueError in Spanish."""
        if isinstance(valor, Mapping | AbstractSet):
            raise ValueError("debe ser un valor, no un mapeo (clave: valor)")
        if isinstance(valor, list) and self.tipo != "opcion_multiple":
            raise ValueError("debe ser un solo valor, no una lista")
        if isinstance(valor, float) and not math.isfinite(valor):
            raise ValueError("debe ser un número finito (no .nan ni .inf)")
        if valor == NO_SABE:
            if not self.no_sabe:
                raise ValueError("esta pregunta no admite «no_sabe»")
            return NO_SABE
        if self.tipo == "si_no":
            if isinstance(valor, bool):
                valor = "si" if valor else "no"
            valor = {"sí": "si", "Sí": "si", "Si": "si", "No": "no"}.get(valor, valor)
        if self.tipo in ("si_no", "opcion_unica"):
            return self._de_opciones(valor).valor
        if self.tipo == "opcion_multiple":
            lista = valor if isinstance(valor, list) else [valor]
            if not lista:
                raise ValueError(
                    "marque al menos una opción"
                    + (" (o responda «no_sabe»)" if self.no_sabe else "")
                )
            elegidas = [self._de_opciones(v) for v in lista]
            valores = [o.valor for o in elegidas]
            if len(set(valores)) != len(valores):
                raise ValueError("una opción está repetida")
            exclusivas = [o.valor for o in elegidas if o.exclusiva]
            if exclusivas and len(elegidas) > 1:
                raise ValueError(f"«{exclusivas[0]}» no se puede combinar con otras opciones")
            return valores
        if self.tipo == "escala":
            assert self.escala
            if isinstance(valor, bool) or not isinstance(valor, int):
                raise ValueError(
                    f"debe ser un número entero de {self.escala.minimo} a {self.escala.maximo}"
                )
            if not self.escala.minimo <= valor <= self.escala.maximo:
                raise ValueError(f"debe estar entre {self.escala.minimo} y {self.escala.maximo}")
            return int(valor)
        if self.tipo == "numero":
            if isinstance(valor, bool) or not isinstance(valor, int | float):
                raise ValueError("debe ser un número")
            if self.minimo is not None and valor < self.minimo:
                raise ValueError(f"debe ser al menos {self.minimo:g}")
            if self.maximo is not None and valor > self.maximo:
                raise ValueError(f"debe ser a lo sumo {self.maximo:g}")
            return int(valor) if float(valor).is_integer() else float(valor)
        if not isinstance(valor, str):
            raise ValueError("debe ser un texto")
        return texto_libre(str(valor))

    def _de_opciones(self, valor: Any) -> Opcion:
        """The option an answer names; ValueError listing the options when none."""
        if isinstance(valor, Mapping | AbstractSet | list):
            raise ValueError("cada opción debe ser un valor, no una lista ni un mapeo")
        opcion = self.opcion(valor) if isinstance(valor, str) else None
        if opcion is None:
            posibles = ", ".join(self.valores()) + (", no_sabe" if self.no_sabe else "")
            texto = str(valor) if len(str(valor)) <= 60 else f"{str(valor)[:60]}…"
            raise ValueError(f"valor «{texto}» no es una opción; opciones: {posibles}")
        return opcion

    # --- points ----------------------------------------------------------------

    def puntua(self) -> bool:
        return self.tipo != "texto" and self.peso > 0 and self.maximo_puntos() > 0

    def maximo_puntos(self) -> float:
        if self.tipo == "opcion_multiple":
            return sum(max(o.puntos, 0) for o in self.opciones)
        if self.tipo in ("si_no", "opcion_unica"):
            return max(o.puntos for o in self.opciones)
        if self.tipo == "escala":
            assert self.escala
            return float(self.escala.maximo - self.escala.minimo)
        if self.tipo == "numero":
            return max((t.puntos for t in self.tramos), default=0.0)
        return 0.0

    def puntos(self, valor: Any) -> float | None:
        """Points of a normalised answer; None when it says nothing (no sé, text)."""
        if valor == NO_SABE or not self.puntua():
            return None
        if self.tipo == "opcion_multiple":
            return float(sum(self._de_opciones(v).puntos for v in valor))
        if self.tipo in ("si_no", "opcion_unica"):
            return float(self._de_opciones(valor).puntos)
        if self.tipo == "escala":
            assert self.escala
            if self.escala.invertida:
                return float(self.escala.maximo - valor)
            return float(valor - self.escala.minimo)
        tramo = next(
            (t for t in self.tramos if t.desde <= valor and (t.hasta is None or valor <= t.hasta)),
            None,
        )
        return tramo.puntos if tramo else 0.0


class NombreArea(Estricto):
    nombre: str
    descripcion: str = ""


def _area_conocida(area: str) -> str:
    if area not in (*AREAS, TRANSVERSAL):
        raise ValueError(f"área desconocida «{area}»; áreas: {', '.join((*AREAS, TRANSVERSAL))}")
    return area


class Cuestionario(Estricto):
    # Keyed by str (checked against the areas) so results' area keys index it.
    areas: dict[Annotated[str, AfterValidator(_area_conocida)], NombreArea]
    preguntas: list[Pregunta]

    @field_validator("areas")
    @classmethod
    def _todas_las_areas(cls, areas: dict) -> dict:
        faltan = [a for a in (*AREAS, TRANSVERSAL) if a not in areas]
        if faltan:
            raise ValueError(f"faltan las áreas: {', '.join(faltan)}")
        return areas

    @cached_property
    def por_id(self) -> dict[str, Pregunta]:
        return {p.id: p for p in self.preguntas}

    def de_area(self, area: str) -> list[Pregunta]:
        return [p for p in self.preguntas if p.area == area]

    def aplica(self, pregunta: Pregunta, respuestas: dict[str, Any]) -> bool:
        """Skip logic: every condition holds on an earlier (known) answer."""
        for condicion in pregunta.aplica_si:
            valor = respuestas.get(condicion.pregunta)
            if valor is None or valor == NO_SABE:
                return False
            if not condicion.restriccion.cumple(valor):
                return False
        return True
