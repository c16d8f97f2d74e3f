"""A comuna's answer file: answers, services inventory, mesa comunal, validation.

The file is checked in two passes: its shape (pydantic) and then its meaning
against the knowledge folder (the comuna exists, each answer fits its
question). Both passes report the file and line of every problem.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from diagnostico_experto.comun.archivos_yaml import Documento, leer
from diagnostico_experto.comun.errores import ErrorEntrada, Problema, sugerencia
from diagnostico_experto.comun.restricciones import simple
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import NO_SABE

Nivel = Literal["alto", "medio", "bajo"]
AreaClasificada = Literal["estrategia", "estructura", "procesos", "productos"]


class _Modelo(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Servicio(_Modelo):
    nombre: str = Field(min_length=1)
    unidad: str = Field(min_length=1)
    origen: str
    clientes: list[str] = Field(min_length=1)
    etapas: list[str] = Field(min_length=1)
    area_proceso: str | None = None  # None: the catalogue's default area


class Integrante(_Modelo):
    nombre: str = Field(min_length=1)
    cargo: str = ""
    unidad: str = ""


class Validacion(_Modelo):
    nivel: Nivel
    justificacion: str

    @field_validator("justificacion")
    @classmethod
    def _con_texto(cls, texto: str) -> str:
        if not texto.strip():
            raise ValueError("la mesa comunal debe justificar el cambio de nivel")
        return texto.strip()


class ArchivoRespuestas(_Modelo):
    ilustrativo: bool = False
    nota: str = ""
    comuna: str
    fecha: dt.date | None = None
    respuestas: dict[str, Any] = {}
    servicios: list[Servicio] = []
    mesa: list[Integrante] = []
    validacion: dict[AreaClasificada, Validacion] = {}

    @field_validator("respuestas", mode="before")
    @classmethod
    def _vacias(cls, valor: Any) -> Any:
        return {} if valor is None else valor


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


def cargar_respuestas(ruta: str | Path, conocimiento: Conocimiento) -> Respuestas:
    doc = leer(ruta)
    if doc.datos is None:
        raise ErrorEntrada.uno(ruta, "el archivo está vacío")
    return desde_documento(doc, conocimiento)


def desde_documento(doc: Documento, conocimiento: Conocimiento) -> Respuestas:
    archivo = doc.validar(ArchivoRespuestas)
    maximo = conocimiento.limites.max_servicios_por_comuna
    if len(archivo.servicios) > maximo:
        raise ErrorEntrada(
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
                    f"pregunta desconocida «{id_}»" + sugerencia(id_, cuestionario.por_id),
                )
            )
            continue
        if valor is None:
            continue  # "E01:" with nothing after it: not answered yet
        try:
            respuestas[id_] = pregunta.normalizar(simple(valor))
        except ValueError as exc:
            problemas.append(doc.problema(("respuestas", id_), str(exc)))

    # Answers to questions that do not apply are set aside, not scored.
    for pregunta in cuestionario.preguntas:
        if pregunta.id in respuestas and not cuestionario.aplica(pregunta, respuestas):
            del respuestas[pregunta.id]
            advertencias.append(
                f"La respuesta a {pregunta.id} se ignoró: la pregunta no aplica según respuestas anteriores."
            )

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
                        doc.problema(
                            ("servicios", i, campo),
                            f"«{valor}» no está en la lista de {lista} de servicios.yaml"
                            + sugerencia(valor, ids),
                        )
                    )
    nombres = [s.nombre for s in archivo.servicios]
    for i, nombre in enumerate(nombres):
        if nombres.index(nombre) != i:
            problemas.append(
                doc.problema(("servicios", i, "nombre"), f"servicio «{nombre}» repetido")
            )

    if problemas:
        raise ErrorEntrada(problemas)
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
    )


__all__ = ["NO_SABE", "Respuestas", "Servicio", "cargar_respuestas"]
