"""The questionnaire: questions, their options, points and skip logic.

One definition serves the answer file format, the interactive questionnaire
and the rules: a rule that names ``respuesta: {pregunta: E02, valor: no_hay}``
is checked against the options declared here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from abc import abstractmethod
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self, Union, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from diagnostico_experto.comun.errores import citar, sugerencia
from diagnostico_experto.comun.formato_chileno import leer_numero, numero
from diagnostico_experto.comun.restricciones import (
    OPERADORES_DE,
    Restriccion,
    TipoValor,
    interpretar,
)

AREAS = ("estrategia", "estructura", "procesos", "productos")
TRANSVERSAL = "transversal"
NIVELES = ("alto", "medio", "bajo")
# The programme's steps, in the order it worked (§6.2.4 a–e): the taller de
# sensibilización, then the talleres territoriales of Estrategia, Estructura y
# Procesos and Gestión de Entorno, each followed by work in the comuna.
TALLERES = ("sensibilizacion", "estrategia", "estructura_procesos", "gestion_entorno")
NO_SABE = "no_sabe"
LISTAS_CATALOGO = ("etapas", "clientes", "origenes", "areas_proceso")
SEPARADOR = ";"  # several values written in one text (a spreadsheet cell)

Area = Literal["estrategia", "estructura", "procesos", "productos", "transversal"]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")]
# How an answer is given, whatever the front end (terminal, spreadsheet, form): one
# option, several, a number or a text. Each question type says which.
FormaDeRespuesta = Literal["una_opcion", "varias_opciones", "numero", "texto"]


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


def lista_de_texto(texto: str) -> list[str]:
    """Several values written in one text: separated by «;» (or commas)."""
    return [v.strip() for v in texto.replace(",", SEPARADOR).split(SEPARADOR) if v.strip()]


def _codigo(caracter: str) -> str:
    return f"U+{ord(caracter):04X}"


# A question's texts reach the terminal as they are: no escape sequences, no control characters.
TextoVisible = Annotated[str, AfterValidator(texto_libre)]


class Estricto(BaseModel):
    # built at its first validation: with the shared cache warm, knowledge is not read
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)


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


# Fields that only some question types carry: the others refuse them by name.
_CAMPOS_DE_UN_TIPO = ("opciones", "opciones_de", "escala", "tramos", "minimo", "maximo")


def _sin_tildes(texto: str) -> str:
    """Case and accents aside: «Sí, por escrito» and «si, por ESCRITO» read alike."""
    descompuesto = unicodedata.normalize("NFKD", texto.strip().casefold())
    return "".join(c for c in descompuesto if not unicodedata.combining(c))


class Pregunta(Estricto):
    """What every question has; each type (below) adds its fields and its behaviour.

    An answer's checking, reading, points and label, the operators a rule may use
    on it and how a spreadsheet cell is read are methods of the question's type,
    so code that handles answers never switches on ``tipo``.
    """

    id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
    area: Area
    texto: TextoVisible
    tipo: str
    ayuda: TextoVisible
    fuente: str
    no_sabe: bool = False
    peso: float = Field(default=1.0, ge=0)
    aplica_si: list[CondicionPregunta] = []

    # What an answer is to a rule (``comun/restricciones.OPERADORES_DE``).
    tipo_de_valor: ClassVar[TipoValor] = "texto"
    # How messages name the type: «E07 es sí/no».
    nombre_de_tipo: ClassVar[str] = ""
    # How it is answered: the terminal's widget and the form's field follow from it.
    forma: ClassVar[FormaDeRespuesta] = "texto"

    @model_validator(mode="before")
    @classmethod
    def _sin_campos_de_otro_tipo(cls, datos: Any) -> Any:
        """``escala:`` on a sí/no question is a mistake, not a field to ignore."""
        if isinstance(datos, Mapping):
            for campo in _CAMPOS_DE_UN_TIPO:
                if campo in datos and campo not in cls.model_fields:
                    raise ValueError(f"una pregunta «{datos.get('tipo')}» no lleva «{campo}»")
        return datos

    # --- what an answer may be -------------------------------------------------

    def valores(self) -> list[Any]:
        """The answers this question offers (for lists: each element); none if open."""
        return []

    def dominio(self) -> list[Any] | None:
        """The values a condition may name literally; None when the answer is open."""
        return None

    def lista_para_elegir(self) -> list[Any] | None:
        """The values to pick one answer from (a drop-down list), if the answer is one of them."""
        return None

    @classmethod
    def operadores(cls) -> tuple[str, ...]:
        """The operators a rule condition on an answer of this type may use."""
        return OPERADORES_DE[cls.tipo_de_valor]

    def que_es(self) -> str:
        """The type as messages name it: «una escala de 1 a 5»."""
        return self.nombre_de_tipo

    def ejemplo(self, campo: str) -> str | None:
        """A condition that could match, when this type has a better one than the generic."""
        return None

    def etiqueta(self, valor: Any) -> str:
        """How an answer reads in a report."""
        if valor == NO_SABE:
            return "No sé"
        if isinstance(valor, list):
            return ", ".join(self.etiqueta(v) for v in valor) or "(ninguna)"
        return self._etiqueta(valor)

    def _etiqueta(self, valor: Any) -> str:
        if isinstance(valor, int | float) and not isinstance(valor, bool):
            return numero(valor, 2)
        return str(valor)

    def normalizar(self, valor: Any) -> Any:
        """Check an answer and give it its canonical form; ValueError in Spanish."""
        if isinstance(valor, Mapping | AbstractSet):
            raise ValueError("debe ser un valor, no un mapeo (clave: valor)")
        if isinstance(valor, list) and self.tipo_de_valor != "lista":
            raise ValueError("debe ser un solo valor, no una lista")
        if isinstance(valor, float) and not math.isfinite(valor):
            raise ValueError("debe ser un número finito (no .nan ni .inf)")
        if valor == NO_SABE:
            if not self.no_sabe:
                raise ValueError("esta pregunta no admite «no_sabe»")
            return NO_SABE
        return self._normalizar(valor)

    @abstractmethod
    def _normalizar(self, valor: Any) -> Any:
        """The type's own check: each question type defines it."""

    def de_celda(self, valor: Any) -> Any:
        """A spreadsheet cell as an answer file writes it (to be normalised after)."""
        if isinstance(valor, float) and valor.is_integer():
            return int(valor)
        return valor.strip() if isinstance(valor, str) else valor

    def fuera_de_lista(self, valor: Any) -> str | None:
        """Why a cell (as ``de_celda`` reads it) names no option, in the words of the
        planilla's drop-down; None when it names one or the answer is not an option."""
        return None

    def indicaciones(self) -> list[str]:
        """How to write an answer in a spreadsheet cell, one line each."""
        return []

    # --- points ----------------------------------------------------------------

    def puntua(self) -> bool:
        return self.peso > 0 and self.maximo_puntos() > 0

    def maximo_puntos(self) -> float:
        return 0.0

    def puntos(self, valor: Any) -> float | None:
        """Points of a normalised answer; None when it says nothing (no sé, text)."""
        if valor == NO_SABE or not self.puntua():
            return None
        return self._puntos(valor)

    def _puntos(self, valor: Any) -> float:
        return 0.0


class _ConOpciones(Pregunta):
    """A question answered with options declared in the file (or drawn from the catalogue)."""

    opciones: list[Opcion] = []
    opciones_de: str | None = None  # a list of servicios.yaml that supplies the options

    minimo_de_opciones: ClassVar[int] = 2

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

    @model_validator(mode="after")
    def _coherente(self) -> Self:
        if len(self.opciones) < self.minimo_de_opciones:
            raise ValueError(f"una pregunta «{self.tipo}» necesita al menos dos opciones")
        valores = [o.valor for o in self.opciones]
        repetidos = sorted({v for v in valores if valores.count(v) > 1})
        if repetidos:
            raise ValueError(f"opciones repetidas: {', '.join(repetidos)}")
        if NO_SABE in valores:
            raise ValueError("«no_sabe» no es una opción: use «no_sabe: true»")
        self._revisar_exclusivas()
        return self

    def _revisar_exclusivas(self) -> None:
        if any(o.exclusiva for o in self.opciones):
            raise ValueError("«exclusiva» solo tiene sentido en «opcion_multiple»")

    def valores(self) -> list[Any]:
        return [o.valor for o in self.opciones]

    def dominio(self) -> list[Any] | None:
        return self.valores()

    def lista_para_elegir(self) -> list[Any] | None:
        return self.valores()

    def opcion(self, valor: Any) -> Opcion | None:
        return next((o for o in self.opciones if o.valor == valor), None)

    def _etiqueta(self, valor: Any) -> str:
        opcion = self.opcion(valor)
        return opcion.texto if opcion else super()._etiqueta(valor)

    def _normalizar(self, valor: Any) -> Any:
        return self._de_opciones(valor).valor

    def _de_opciones(self, valor: Any) -> Opcion:
        """The option an answer names; ValueError listing the options when none."""
        if isinstance(valor, Mapping | AbstractSet | list):
            raise ValueError("cada opción debe ser un valor, no una lista ni un mapeo")
        opcion = self.opcion(valor) if isinstance(valor, str) else None
        if opcion is None:
            posibles = ", ".join(self.valores()) + (", no_sabe" if self.no_sabe else "")
            texto = str(valor) if len(str(valor)) <= 60 else f"{str(valor)[:60]}…"
            parecida = sugerencia(valor, self.valores())
            raise ValueError(f"valor «{texto}» no es una opción;{parecida} opciones: {posibles}")
        return opcion

    def de_etiqueta(self, texto: str) -> Any:
        """A cell's option by its code or its label, whatever the case or accents
        («Parcial», «parcial», «No sé»); the text as it is when it names none."""
        buscado = _sin_tildes(texto)
        if self.no_sabe and buscado in (_sin_tildes(NO_SABE), "no se"):
            return NO_SABE
        for o in self.opciones:
            if buscado in (_sin_tildes(o.valor), _sin_tildes(o.texto)):
                return o.valor
        return texto

    def de_celda(self, valor: Any) -> Any:
        valor = super().de_celda(valor)
        return self.de_etiqueta(valor) if isinstance(valor, str) else valor

    def fuera_de_lista(self, valor: Any) -> str | None:
        textos = valor if isinstance(valor, list) else [valor]
        ajeno = next(
            (t for t in textos if isinstance(t, str) and t != NO_SABE and self.opcion(t) is None),
            None,
        )
        if ajeno is None:
            return None
        etiquetas = [o.texto for o in self.opciones] + (["No sé"] if self.no_sabe else [])
        parecida = self._etiqueta_parecida(ajeno)
        return (
            f"«{citar(ajeno)}» no es una opción de la lista;"
            + (f" ¿Quiso decir «{parecida}»?" if parecida else "")
            + " opciones: "
            + ", ".join(f"«{e}»" for e in etiquetas)
        )

    def _etiqueta_parecida(self, texto: str) -> str | None:
        """The label a cell's text most likely meant, case and accents aside: the one
        it begins («Sí» → «Sí, vigentes y en uso»), else the closest label or code."""
        import difflib  # only for a wrong cell

        buscado = _sin_tildes(texto)
        nombres: dict[str, str] = {}  # label or code, compared form -> label
        for o in self.opciones:
            nombres.setdefault(_sin_tildes(o.texto), o.texto)
            nombres.setdefault(_sin_tildes(o.valor), o.texto)
        if self.no_sabe:
            nombres.setdefault("no se", "No sé")
        if not buscado:
            return None
        empieza = {e for n, e in nombres.items() if re.match(rf"{re.escape(buscado)}\b", n)}
        if len(empieza) == 1:
            return empieza.pop()
        cercanos = difflib.get_close_matches(buscado, list(nombres), n=1, cutoff=0.6)
        return nombres[cercanos[0]] if cercanos else None

    def indicaciones(self) -> list[str]:
        return [f"{o.valor}: {o.texto}" for o in self.opciones]

    def maximo_puntos(self) -> float:
        return max(o.puntos for o in self.opciones)

    def _puntos(self, valor: Any) -> float:
        return float(self._de_opciones(valor).puntos)


class PreguntaSiNo(_ConOpciones):
    """Sí or no; its two options (with 1 and 0 points) when the file leaves them out."""

    tipo: Literal["si_no"]
    forma: ClassVar[FormaDeRespuesta] = "una_opcion"
    nombre_de_tipo: ClassVar[str] = "sí/no"
    minimo_de_opciones: ClassVar[int] = 0

    @model_validator(mode="before")
    @classmethod
    def _opciones_por_defecto(cls, datos: Any) -> Any:
        if isinstance(datos, dict) and not datos.get("opciones"):
            return {
                **datos,
                "opciones": [
                    {"valor": "si", "texto": "Sí", "puntos": 1},
                    {"valor": "no", "texto": "No"},
                ],
            }
        return datos

    def ejemplo(self, campo: str) -> str | None:
        return f"{campo}: si (o {campo}: no)"

    def _normalizar(self, valor: Any) -> Any:
        if isinstance(valor, bool):
            valor = "si" if valor else "no"
        valor = {"sí": "si", "Sí": "si", "Si": "si", "No": "no"}.get(valor, valor)
        return super()._normalizar(valor)


class PreguntaOpcionUnica(_ConOpciones):
    tipo: Literal["opcion_unica"]
    forma: ClassVar[FormaDeRespuesta] = "una_opcion"
    nombre_de_tipo: ClassVar[str] = "de opción única"


class PreguntaOpcionMultiple(_ConOpciones):
    """Several options at once; an ``exclusiva`` option («ninguno») goes alone."""

    tipo: Literal["opcion_multiple"]
    forma: ClassVar[FormaDeRespuesta] = "varias_opciones"
    tipo_de_valor: ClassVar[TipoValor] = "lista"
    nombre_de_tipo: ClassVar[str] = "de opción múltiple (una lista)"

    def _revisar_exclusivas(self) -> None:
        pass

    def lista_para_elegir(self) -> list[Any] | None:
        return None  # several values: no drop-down

    def _normalizar(self, valor: Any) -> Any:
        lista = valor if isinstance(valor, list) else [valor]
        if not lista:
            raise ValueError(
                "marque al menos una opción" + (" (o responda «no_sabe»)" if self.no_sabe else "")
            )
        elegidas = [self._de_opciones(v) for v in lista]
        valores = [o.valor for o in elegidas]
        if len(set(valores)) != len(valores):
            raise ValueError("una opción está repetida")
        exclusivas = [o.valor for o in elegidas if o.exclusiva]
        if exclusivas and len(elegidas) > 1:
            raise ValueError(f"«{exclusivas[0]}» no se puede combinar con otras opciones")
        return valores

    def de_celda(self, valor: Any) -> Any:
        texto = "" if valor is None else str(valor).strip()
        if self.de_etiqueta(texto) == NO_SABE:
            return NO_SABE
        return [self.de_etiqueta(t) for t in self._partes(texto)]

    def _partes(self, texto: str) -> list[str]:
        """The options written in one cell, separated by «;» or «,».

        A label that holds a comma («Instancia formal con otras unidades (DIDECO,
        SECPLAN…)») is taken whole: from each place, the longest run of pieces that
        names an option (by code or label) wins; a piece that names none goes alone.
        """
        separadores = [m.start() for m in re.finditer(r"[;,]", texto)]
        inicios = [0] + [s + 1 for s in separadores]
        fines = [*separadores, len(texto)]
        nombres = {_sin_tildes(n) for o in self.opciones for n in (o.valor, o.texto)}
        partes = []
        i = 0
        while i < len(inicios):
            j = next(
                (
                    j
                    for j in range(len(inicios) - 1, i, -1)
                    if _sin_tildes(texto[inicios[i] : fines[j]].strip()) in nombres
                ),
                i,
            )
            if parte := texto[inicios[i] : fines[j]].strip():
                partes.append(parte)
            i = j + 1
        return partes

    def indicaciones(self) -> list[str]:
        return [*super().indicaciones(), f"Varias opciones separadas por «{SEPARADOR}»"]

    def maximo_puntos(self) -> float:
        return sum(max(o.puntos, 0) for o in self.opciones)

    def _puntos(self, valor: Any) -> float:
        return float(sum(self._de_opciones(v).puntos for v in valor))


class _Numerica(Pregunta):
    """An answer that is a number: a cell may hold it as text, with a decimal comma."""

    tipo_de_valor: ClassVar[TipoValor] = "numero"

    def de_celda(self, valor: Any) -> Any:
        if not isinstance(valor, str):
            return super().de_celda(valor)
        leido = self._de_texto(valor)
        return leido.strip() if isinstance(leido, str) else leido

    @staticmethod
    def _de_texto(valor: Any) -> Any:
        """A number written as text («2,5», «2.5», «2.473,5»), as a number; other values as they are."""
        if not isinstance(valor, str):
            return valor
        try:
            leido = leer_numero(valor)
        except ValueError:
            return valor
        return int(leido) if leido.is_integer() else leido


class PreguntaEscala(_Numerica):
    """A whole number on a scale (1 to 5 unless the file says otherwise)."""

    tipo: Literal["escala"]
    forma: ClassVar[FormaDeRespuesta] = "una_opcion"
    escala: Escala = Escala()
    nombre_de_tipo: ClassVar[str] = "una escala"

    @model_validator(mode="before")
    @classmethod
    def _escala_por_defecto(cls, datos: Any) -> Any:
        if isinstance(datos, dict) and datos.get("escala") is None:
            return {**datos, "escala": {}}
        return datos

    def valores(self) -> list[Any]:
        return list(range(self.escala.minimo, self.escala.maximo + 1))

    def dominio(self) -> list[Any] | None:
        return self.valores()

    def lista_para_elegir(self) -> list[Any] | None:
        return self.valores()

    def que_es(self) -> str:
        return f"{self.nombre_de_tipo} de {self.escala.minimo} a {self.escala.maximo}"

    def _etiqueta(self, valor: Any) -> str:
        nombre = self.escala.etiquetas.get(valor)
        return f"{valor} ({nombre})" if nombre else str(valor)

    def _normalizar(self, valor: Any) -> Any:
        valor = self._de_texto(valor)
        if isinstance(valor, bool) or not isinstance(valor, int):
            raise ValueError(
                f"debe ser un número entero de {self.escala.minimo} a {self.escala.maximo}"
            )
        if not self.escala.minimo <= valor <= self.escala.maximo:
            raise ValueError(f"debe estar entre {self.escala.minimo} y {self.escala.maximo}")
        return int(valor)

    def indicaciones(self) -> list[str]:
        return [f"Número de {self.escala.minimo} a {self.escala.maximo}"]

    def maximo_puntos(self) -> float:
        return float(self.escala.maximo - self.escala.minimo)

    def _puntos(self, valor: Any) -> float:
        if self.escala.invertida:
            return float(self.escala.maximo - valor)
        return float(valor - self.escala.minimo)


class PreguntaNumero(_Numerica):
    """A number, optionally bounded; its points come from the ``tramos`` it falls in."""

    tipo: Literal["numero"]
    forma: ClassVar[FormaDeRespuesta] = "numero"
    tramos: list[Tramo] = []
    minimo: float | None = None
    maximo: float | None = None
    # the answer file's list this number counts (S01: the services of the inventory), so
    # the questionnaire can say when the list falls short of the answer
    cuenta: Literal["servicios"] | None = None
    nombre_de_tipo: ClassVar[str] = "un número"

    def _normalizar(self, valor: Any) -> Any:
        valor = self._de_texto(valor)
        if isinstance(valor, bool) or not isinstance(valor, int | float):
            raise ValueError("debe ser un número (por ejemplo 2,5)")
        if not math.isfinite(valor):
            raise ValueError("debe ser un número finito (no .nan ni .inf)")
        if self.minimo is not None and valor < self.minimo:
            raise ValueError(f"debe ser al menos {numero(self.minimo, 6)}")
        if self.maximo is not None and valor > self.maximo:
            raise ValueError(f"debe ser a lo sumo {numero(self.maximo, 6)}")
        return int(valor) if float(valor).is_integer() else float(valor)

    def indicaciones(self) -> list[str]:
        return ["Un número"]

    def maximo_puntos(self) -> float:
        return max((t.puntos for t in self.tramos), default=0.0)

    def _puntos(self, valor: Any) -> float:
        tramo = next(
            (t for t in self.tramos if t.desde <= valor and (t.hasta is None or valor <= t.hasta)),
            None,
        )
        return tramo.puntos if tramo else 0.0


class PreguntaTexto(Pregunta):
    """A free text: it never scores, and rules can only compare it with texts."""

    tipo: Literal["texto"]
    forma: ClassVar[FormaDeRespuesta] = "texto"
    nombre_de_tipo: ClassVar[str] = "un texto libre"

    def _normalizar(self, valor: Any) -> Any:
        if not isinstance(valor, str):
            raise ValueError("debe ser un texto")
        return texto_libre(str(valor))


# Every question type, declared once: the file's «tipo», the union that validates a
# question, the operators, the terminal's widget (by ``forma``) all follow from this list.
CLASES_DE_PREGUNTA: tuple[type[Pregunta], ...] = (
    PreguntaSiNo,
    PreguntaEscala,
    PreguntaOpcionUnica,
    PreguntaOpcionMultiple,
    PreguntaNumero,
    PreguntaTexto,
)
# tipo (as written in the file) -> its model
POR_TIPO: dict[str, type[Pregunta]] = {
    get_args(c.model_fields["tipo"].annotation)[0]: c for c in CLASES_DE_PREGUNTA
}

if TYPE_CHECKING:
    TipoPregunta = str
else:
    TipoPregunta = Literal[tuple(POR_TIPO)]  # what «tipo» may say, in the order above


class PreguntaDeTipoDesconocido(Pregunta):
    """Where a question with a missing or unknown ``tipo`` is validated, only to fail.

    Its ``tipo`` accepts none of the values that reach it, so the error is
    today's, at the ``tipo`` key's line: «falta este campo obligatorio» or
    «valor «x» no permitido; se espera 'si_no', …».
    """

    model_config = ConfigDict(extra="ignore")
    tipo: TipoPregunta

    @model_validator(mode="before")
    @classmethod
    def _sin_campos_de_otro_tipo(cls, datos: Any) -> Any:
        return datos


def _clase_de(datos: Any) -> str:
    """The union's tag: the model's name, so error locations never hold a file key."""
    tipo = datos.get("tipo") if isinstance(datos, Mapping) else getattr(datos, "tipo", None)
    clase = POR_TIPO.get(tipo) if isinstance(tipo, str) else None
    return (clase or PreguntaDeTipoDesconocido).__name__  # capitalised: not a file key


if TYPE_CHECKING:
    PreguntaPorTipo = Pregunta
else:
    # One tagged member per type of CLASES_DE_PREGUNTA, plus the refusal of an unknown one.
    PreguntaPorTipo = Annotated[
        Union[  # noqa: UP007 - a union built from a tuple needs the subscript form
            tuple(
                Annotated[c, Tag(c.__name__)]
                for c in (*CLASES_DE_PREGUNTA, PreguntaDeTipoDesconocido)
            )
        ],
        Discriminator(_clase_de),
    ]


class NombreArea(Estricto):
    nombre: str
    descripcion: str = ""


def _area_conocida(area: str) -> str:
    if area not in (*AREAS, TRANSVERSAL):
        raise ValueError(f"área desconocida «{area}»; áreas: {', '.join((*AREAS, TRANSVERSAL))}")
    return area


_MAXIMO_PUNTOS_RECORDADOS = 4096  # (question, answer) pairs: numbers can be many


class Cuestionario(Estricto):
    # Keyed by str (checked against the areas) so results' area keys index it.
    areas: dict[Annotated[str, AfterValidator(_area_conocida)], NombreArea]
    preguntas: list[PreguntaPorTipo]

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

    def desconocida(self, id_: object) -> str:
        """The message for a question id that is not in the questionnaire, with the
        closest one when there is one («¿Quiso decir «E02»?»)."""
        return f"pregunta desconocida «{id_}»" + sugerencia(id_, self.por_id)

    def de_area(self, area: str) -> list[Pregunta]:
        return [p for p in self.preguntas if p.area == area]

    @cached_property
    def puntuables(self) -> dict[str, list[tuple[Pregunta, float]]]:
        """Per area, the questions that score and their maximum points, in file
        order: computed once, as every comuna's score asks for them."""
        por_area: dict[str, list[tuple[Pregunta, float]]] = {}
        for p in self.preguntas:
            if p.puntua():
                por_area.setdefault(p.area, []).append((p, p.maximo_puntos()))
        return por_area

    @cached_property
    def puntos_recordados(self) -> dict[tuple[str, type, Any], float | None]:
        """The points of each question and answer already scored (``puntos``)."""
        return {}

    def puntos(self, pregunta: Pregunta, valor: Any) -> float | None:
        """``pregunta.puntos(valor)``, remembered per question and value (with its
        type: ``1`` and ``True`` may score differently): every comuna's score
        asks for the same few options of each question."""
        recordados = self.puntos_recordados
        tipo = type(valor)
        try:
            clave = (pregunta.id, tipo, tuple(valor) if tipo is list else valor)
            return recordados[clave]
        except KeyError:
            if len(recordados) >= _MAXIMO_PUNTOS_RECORDADOS:
                recordados.clear()
            puntos = recordados[clave] = pregunta.puntos(valor)
            return puntos
        except TypeError:  # a value that is no key: scored every time
            return pregunta.puntos(valor)

    def aplica(self, pregunta: Pregunta, respuestas: dict[str, Any]) -> bool:
        """Skip logic: every condition holds on an earlier (known) answer."""
        for condicion in pregunta.aplica_si:
            valor = respuestas.get(condicion.pregunta)
            if valor is None or valor == NO_SABE:
                return False
            if not condicion.restriccion.cumple(valor):
                return False
        return True
