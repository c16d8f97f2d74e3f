"""A comuna's answer file: answers, services inventory, mesa comunal, validation.

The file is checked in two passes: its shape (pydantic) and then its meaning
against the knowledge folder (the comuna exists, each answer fits its
question). Both passes report the file and line of every problem.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from diagnostico_experto.comun import formato_chileno
from diagnostico_experto.comun.archivos_yaml import Documento, leer
from diagnostico_experto.comun.errores import ErrorRespuestas, Problema, sugerencia
from diagnostico_experto.comun.restricciones import simple
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import (
    NO_SABE,
    Cuestionario,
    nombre_limpio,
    texto_libre,
)

Nivel = Literal["alto", "medio", "bajo"]
AreaClasificada = Literal["estrategia", "estructura", "procesos", "productos"]


# Names end up in reports, tables and workbooks: one visible line each.
Nombre = Annotated[str, AfterValidator(nombre_limpio)]
NombreOpcional = Annotated[str, AfterValidator(lambda t: nombre_limpio(t) if t.strip() else "")]
TextoLibre = Annotated[str, AfterValidator(texto_libre)]


def _fecha(valor: Any) -> Any:
    """Only a calendar date, as ISO or as written in Chile (15-03-2024, 15/03/2024):
    not a time, nor a bare number (a spreadsheet serial is read by the planilla, which
    knows the column is a date)."""
    if valor is None or (isinstance(valor, dt.date) and not isinstance(valor, dt.datetime)):
        return valor
    if isinstance(valor, dt.datetime):
        raise ValueError("debe ser una fecha, sin hora")
    if isinstance(valor, str):
        return formato_chileno.leer_fecha(valor)
    if isinstance(valor, int | float) and not isinstance(valor, bool):
        raise ValueError(f"«{valor}»: un número no es una fecha; escríbala como 12-03-2026")
    raise ValueError("debe ser una fecha, p. ej. 12-03-2026")


Fecha = Annotated[dt.date | None, BeforeValidator(_fecha)]


class _Modelo(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _sin_repetir(valores: list[str]) -> list[str]:
    repetidos = sorted({v for v in valores if valores.count(v) > 1})
    if repetidos:
        raise ValueError(f"«{repetidos[0]}» está repetido")
    return valores


class Servicio(_Modelo):
    nombre: Nombre
    unidad: Nombre
    origen: str
    clientes: Annotated[list[str], AfterValidator(_sin_repetir)] = Field(min_length=1)
    etapas: Annotated[list[str], AfterValidator(_sin_repetir)] = Field(min_length=1)
    area_proceso: str | None = None  # None: the catalogue's default area


class Integrante(_Modelo):
    nombre: Nombre
    cargo: NombreOpcional = ""
    unidad: NombreOpcional = ""


class Evidencia(_Modelo):
    """What supports an answer (``pregunta``) or the whole diagnosis: a document, its
    date, who answered, and a file next to the answer file (with its SHA-256, so a
    changed file is noticed) or a link. A form's attachment names its ``campo``."""

    campo: NombreOpcional = ""  # the form field it was attached to («acta»)
    archivo: NombreOpcional = ""  # its path, relative to the answer file
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    pregunta: str | None = None  # the answer it supports, when it supports one
    documento: NombreOpcional = ""  # «Decreto alcaldicio 123»
    fecha: Fecha = None  # the document's date
    responde: NombreOpcional = ""  # who answered, or who holds the document
    enlace: Annotated[str, Field(pattern=r"^(https?://\S+)?$")] = ""

    @model_validator(mode="after")
    def _algo_que_respalde(self) -> Evidencia:
        if not (self.archivo or self.documento or self.enlace):
            raise ValueError("una evidencia nombra un documento, un archivo o un enlace")
        if self.archivo and (self.archivo.startswith("/") or ".." in Path(self.archivo).parts):
            raise ValueError(
                f"«{self.archivo}»: el archivo de evidencia va junto al archivo de respuestas "
                "(una ruta relativa, sin «..»)"
            )
        return self

    def texto(self) -> str:
        """How a report names it: «Decreto 123, 12 de octubre de 2026, respondió Ana (acta.pdf)»."""
        partes = [p for p in (self.documento, self.archivo and f"archivo {self.archivo}") if p]
        if self.fecha:
            partes.append(formato_chileno.fecha(self.fecha))
        if self.responde:
            partes.append(f"respondió {self.responde}")
        if self.enlace:
            partes.append(self.enlace)
        return ", ".join(partes)


class Correccion(_Modelo):
    """An answer the mesa corrected in a session: the acta lists it."""

    pregunta: str
    antes: Any = None
    despues: Any = None
    fecha: Fecha = None


class Validacion(_Modelo):
    """The mesa's level for an area, and what it validated.

    ``diagnosticado`` (the level diagnosed when the mesa decided), ``fecha`` and
    ``huella`` (a digest of the area's answers) tell a validation made against
    other answers (stale) from one still in force. Files written before they
    existed still load: such a validation is taken as in force.
    """

    nivel: Nivel
    justificacion: TextoLibre
    diagnosticado: Nivel | None = None
    fecha: Fecha = None
    huella: str | None = None

    @field_validator("justificacion")
    @classmethod
    def _con_texto(cls, texto: str) -> str:
        if not texto.strip():
            raise ValueError("la mesa comunal debe justificar el cambio de nivel")
        return texto.strip()


class ArchivoRespuestas(_Modelo):
    ilustrativo: bool = False
    nota: TextoLibre = ""
    comuna: Nombre
    fecha: Fecha = None
    respuestas: dict[str, Any] = {}
    servicios: list[Servicio] = []
    mesa: list[Integrante] = []
    validacion: dict[AreaClasificada, Validacion] = {}
    evidencias: list[Evidencia] = []
    correcciones: list[Correccion] = []
    # product rule -> the mesa member who answers for it (default: by unit, calendario.yaml)
    responsables: dict[str, Nombre] = {}

    @field_validator("respuestas", mode="before")
    @classmethod
    def _vacias(cls, valor: Any) -> Any:
        return {} if valor is None else valor


def _canonico(valor: Any) -> Any:
    """The same answer written two ways gives the same digest: 3 and 3.0, options in any order."""
    if isinstance(valor, float) and valor.is_integer():
        return int(valor)
    if isinstance(valor, list):
        return sorted(map(str, valor))
    return valor


def huella_area(area: str, respuestas: dict[str, Any], conocimiento: Conocimiento) -> str:
    """A short digest of an area's answers (canonical values), recorded with a validation."""
    preguntas = conocimiento.cuestionario.preguntas
    del_area = {
        p.id: _canonico(respuestas[p.id])
        for p in preguntas
        if p.area == area and p.id in respuestas
    }
    texto = json.dumps(del_area, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(texto.encode()).hexdigest()[:16]


class Respuestas(BaseModel):
    """A validated answer file, with answers in canonical form."""

    archivo: str
    comuna: str
    ugt: str
    fecha: dt.date | None
    ilustrativo: bool
    nota: str
    respuestas: dict[str, Any]
    servicios: list[Servicio]
    mesa: list[Integrante]
    validacion: dict[str, Validacion]
    advertencias: list[str] = []
    evidencias: list[Evidencia] = []
    correcciones: list[Correccion] = []
    # product rule -> the mesa member who answers for it (default: by unit, calendario.yaml)
    responsables: dict[str, Nombre] = {}


@ErrorRespuestas.al_leer()
def cargar_respuestas(ruta: str | Path, conocimiento: Conocimiento) -> Respuestas:
    """Validated answers of a file (read by libyaml; lines found only for a message);
    an evidence file registered with its SHA-256 must be next to it, unchanged (one
    without it, e.g. named by a form export without its media, is only a name)."""
    ruta = Path(ruta)
    doc = leer(ruta, conocimiento.limites)
    if doc.datos is None:
        raise ErrorRespuestas.uno(ruta, "el archivo está vacío")
    respuestas = desde_documento(doc, conocimiento)
    problemas = [
        doc.problema(("evidencias", i, "archivo"), mensaje)
        for i, e in enumerate(respuestas.evidencias)
        if e.archivo and e.sha256 and (mensaje := _revisar_archivo(ruta.parent / e.archivo, e))
    ]
    if problemas:
        raise ErrorRespuestas(problemas)
    return respuestas


def _revisar_archivo(archivo: Path, evidencia: Evidencia) -> str:
    """Why an evidence file cannot be trusted, or ""."""
    if not archivo.is_file():
        return (
            f"el archivo de evidencia «{evidencia.archivo}» no está junto al archivo de respuestas"
        )
    try:
        with archivo.open("rb") as f:
            huella = hashlib.file_digest(f, "sha256").hexdigest()
    except OSError as exc:
        return f"el archivo de evidencia «{evidencia.archivo}» no se puede leer ({exc.strerror})"
    if huella != evidencia.sha256:
        return (
            f"el archivo de evidencia «{evidencia.archivo}» cambió desde que se registró "
            "(su SHA-256 ya no es el anotado): revíselo y anote la nueva huella"
        )
    return ""


@ErrorRespuestas.al_leer()
def desde_documento(doc: Documento, conocimiento: Conocimiento) -> Respuestas:
    archivo = doc.validar(ArchivoRespuestas)
    maximo = conocimiento.limites.max_servicios_por_comuna
    if len(archivo.servicios) > maximo:
        raise ErrorRespuestas(
            [
                doc.problema(
                    ("servicios",),
                    f"{len(archivo.servicios)} servicios; el máximo por comuna es {maximo} "
                    f"(max_servicios_por_comuna en {conocimiento.carpeta / 'limites.yaml'})",
                )
            ]
        )
    problemas: list[Problema] = []
    advertencias: list[str] = []

    try:
        comuna = conocimiento.buscar_comuna(archivo.comuna)
    except ValueError as exc:
        problemas.append(doc.problema(("comuna",), str(exc)))
        comuna = archivo.comuna

    cuestionario = conocimiento.cuestionario
    respuestas: dict[str, Any] = {}
    for id_, valor in archivo.respuestas.items():
        pregunta = cuestionario.por_id.get(id_)
        if pregunta is None:
            problemas.append(
                doc.problema(
                    ("respuestas", id_),
                    cuestionario.desconocida(id_),
                )
            )
            continue
        if valor is None:
            continue  # "E01:" with nothing after it: not answered yet
        if pregunta.forma == "texto" and isinstance(valor, str) and not valor.strip():
            continue  # "T07: ''": the questionnaire's skipped text, not an answer
        try:
            respuestas[id_] = pregunta.normalizar(simple(valor))
        except ValueError as exc:
            problemas.append(doc.problema(("respuestas", id_), str(exc)))

    # Answers to questions that do not apply are set aside, not scored.
    respuestas, ignoradas = solo_las_que_aplican(respuestas, cuestionario)
    advertencias += [
        f"La respuesta a «{cuestionario.por_id[id_].texto}» se ignoró: la pregunta no aplica "
        "según respuestas anteriores."
        for id_ in ignoradas
    ]

    catalogo = conocimiento.catalogo
    servicios = [
        s.model_copy(update={"area_proceso": s.area_proceso or catalogo.area_proceso_por_defecto})
        for s in archivo.servicios
    ]
    for i, servicio in enumerate(servicios):
        for lista, campo, valores in (
            ("origenes", "origen", [servicio.origen]),
            ("clientes", "clientes", servicio.clientes),
            ("etapas", "etapas", servicio.etapas),
            ("areas_proceso", "area_proceso", [servicio.area_proceso]),
        ):
            ids = catalogo.ids(lista)
            for valor in valores:
                if valor not in ids:
                    problemas.append(
                        doc.problema(("servicios", i, campo), _fuera_de_catalogo(valor, lista, ids))
                    )
    vistos: set[str] = set()
    for i, servicio in enumerate(archivo.servicios):
        if servicio.nombre in vistos:
            problemas.append(
                doc.problema(("servicios", i, "nombre"), f"servicio «{servicio.nombre}» repetido")
            )
        vistos.add(servicio.nombre)

    for i, evidencia in enumerate(archivo.evidencias):
        if evidencia.pregunta is not None and evidencia.pregunta not in cuestionario.por_id:
            problemas.append(
                doc.problema(
                    ("evidencias", i, "pregunta"),
                    cuestionario.desconocida(evidencia.pregunta),
                )
            )
    integrantes = {m.nombre for m in archivo.mesa}
    for regla, nombre in archivo.responsables.items():
        if nombre not in integrantes:
            problemas.append(
                doc.problema(
                    ("responsables", regla),
                    f"«{nombre}» no está en la mesa comunal" + sugerencia(nombre, integrantes),
                )
            )

    if problemas:
        raise ErrorRespuestas(problemas)
    return Respuestas(
        archivo=str(doc.ruta),
        comuna=comuna,
        ugt=conocimiento.ugt_de(comuna),
        fecha=archivo.fecha,
        ilustrativo=archivo.ilustrativo,
        nota=archivo.nota,
        respuestas=respuestas,
        servicios=servicios,
        mesa=archivo.mesa,
        validacion=dict(archivo.validacion),
        advertencias=advertencias,
        evidencias=archivo.evidencias,
        correcciones=archivo.correcciones,
        responsables=dict(archivo.responsables),
    )


def solo_las_que_aplican(
    respuestas: dict[str, Any], cuestionario: Cuestionario
) -> tuple[dict[str, Any], list[str]]:
    """The answers without those whose question does not apply, and the ids set aside."""
    quedan = dict(respuestas)
    ignoradas = []
    for pregunta in cuestionario.preguntas:
        if pregunta.id in quedan and not cuestionario.aplica(pregunta, quedan):
            del quedan[pregunta.id]
            ignoradas.append(pregunta.id)
    return quedan, ignoradas


def con_cambios(
    respuestas: Respuestas, cambios: dict[str, Any], conocimiento: Conocimiento
) -> Respuestas:
    """The same answers with some changed (already normalised), as if the file said so.

    Nothing is written: a simulation and the path search evaluate them.
    """
    nuevas, ignoradas = solo_las_que_aplican(
        {**respuestas.respuestas, **cambios}, conocimiento.cuestionario
    )
    return respuestas.model_copy(
        update={
            "respuestas": nuevas,
            "advertencias": [
                *respuestas.advertencias,
                *(
                    f"Con los cambios, la respuesta a «{conocimiento.cuestionario.por_id[id_].texto}» "
                    "se deja de lado: la pregunta ya no aplica."
                    for id_ in ignoradas
                    if id_ in respuestas.respuestas
                ),
            ],
        }
    )


__all__ = ["NO_SABE", "Respuestas", "Servicio", "cargar_respuestas", "huella_area"]


# What each list of the services catalogue holds, as a reader names it.
_QUE_ES = {
    "origenes": "un origen de servicio conocido",
    "clientes": "un tipo de cliente conocido",
    "etapas": "una etapa de servicio conocida",
    "areas_proceso": "un área de proceso conocida",
}


def _fuera_de_catalogo(valor: object, lista: str, ids: list[str]) -> str:
    """A value the services catalogue does not hold: what it should be, and the closest one
    (or every accepted value when none is close), without naming the knowledge file."""
    cercano = sugerencia(valor, ids)
    return f"«{valor}» no es {_QUE_ES[lista]}" + (cercano or f"; se aceptan: {', '.join(ids)}")
