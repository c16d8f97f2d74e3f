"""`reglas probar`: consultants' test cases for a rule base.

A case file holds ``casos``; each names answers (a file, or inline) and only
the results it cares about:

```yaml
casos:
  - nombre: Cobquecura queda en bajo y se propone crear la unidad
    narrativa: >-                                       # the comuna in words, first
      No hay lineamientos ni unidad; todo lo lleva una persona de DIDECO.
    archivo: ../../knowledge/ejemplos/cobquecura.yaml   # relative to this file
    espera:
      niveles: {estrategia: bajo, estructura: bajo}
      provisional: {estrategia: false}                  # is the level provisional?
      lecturas: {estrategia: "bajo: no hay lineamientos"}  # part of the area's «lectura»
      productos: [producto-generico:estrategia-bajo]     # rule ids (or texts) that must appear
      sin_productos: [producto-plan-difusion]            # … and that must NOT appear
      fusiones: [{servicios: [PRODESAL, Capacitación en oficios], tipo: fusion}]
      n_fusiones: 1                                      # exactly this many proposals
      insumos: [Etapas duplicadas detectadas]            # inputs for a taller (ids or texts)
      ajustes: [ajuste-crear-unidad]
      sin_ajustes: [ajuste-instancia-coordinacion]
      sin_vacios: [vacio-area-sin-servicios]
      horas: {total: 105, estrategia: 20, otras: 35}
      horas_por_paso: {validacion: 4, segunda_etapa: 24}  # steps of informe.yaml
      plan_por_etapas: true                              # a staged plan (thin or busy team)?
      segunda_etapa: [producto-asociatividad]            # products left for the second stage
      primera_etapa: [producto-generico:estrategia-bajo] # … and kept in the first
      para_confirmar: {estrategia: [misión]}             # parts of what to confirm
      retenidos: [producto-objetivos-indicadores-procesos]  # held until «no sé» is confirmed
```

Inline answers use the answer-file keys (``comuna``, ``respuestas``,
``servicios``, ``mesa``, ``validacion``) under ``respuestas_archivo``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from diagnostico_experto.comun.archivos_yaml import Documento, leer
from diagnostico_experto.comun.errores import ErrorDiagnostico, ErrorReglas
from diagnostico_experto.comun.lectura import Limites
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS, nombre_limpio, texto_libre
from diagnostico_experto.conocimiento.respuestas import (
    AreaClasificada,
    Nivel,
    Respuestas,
    cargar_respuestas,
    desde_documento,
)
from diagnostico_experto.motor.motor import Motor
from diagnostico_experto.reglas.lenguaje import legible


class Espera(BaseModel):
    # an unknown area or a .nan would make an expectation that can never fail (or never pass)
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    niveles: dict[AreaClasificada, Nivel] = {}  # nivel vigente por área
    diagnosticados: dict[AreaClasificada, Nivel] = {}  # nivel diagnosticado por área
    provisional: dict[AreaClasificada, bool] = {}  # whether each area's level is provisional
    lecturas: dict[AreaClasificada, str] = {}  # a part of each area's «lectura»
    productos: list[str] = []
    sin_productos: list[str] = []  # rule ids or parts of texts that must not appear
    fusiones: list[dict[str, Any]] = []
    n_fusiones: int | None = Field(default=None, ge=0)  # exactly this many proposals
    insumos: list[str] = []  # inputs for a taller: rule ids or parts of texts
    ajustes: list[str] = []
    sin_ajustes: list[str] = []
    vacios: list[str] = []
    sin_vacios: list[str] = []
    horas: dict[str, float] = {}
    horas_por_paso: dict[str, float] = {}  # hours per plan step (knowledge/informe.yaml)
    plan_por_etapas: bool | None = None  # whether the plan goes in stages
    segunda_etapa: list[str] = []  # rule ids or texts of products in the second stage
    primera_etapa: list[str] = []  # … and of products that must stay in the first
    para_confirmar: dict[AreaClasificada, list[str]] = {}  # parts of what to confirm
    retenidos: list[str] = []  # rule ids or texts of products held until confirmed


class Caso(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nombre: Annotated[str, AfterValidator(nombre_limpio)]  # printed to the terminal as is
    narrativa: Annotated[str, AfterValidator(texto_libre)] = ""  # the comuna in words
    archivo: Annotated[str, AfterValidator(nombre_limpio)] | None = None
    respuestas_archivo: dict[str, Any] | None = None
    espera: Espera = Field(default_factory=Espera)


class ArchivoCasos(BaseModel):
    model_config = ConfigDict(extra="forbid")
    casos: list[Caso] = Field(min_length=1)


@dataclass
class ResultadoCaso:
    nombre: str
    lugar: str
    diferencias: list[str] = field(default_factory=list)

    @property
    def paso(self) -> bool:
        return not self.diferencias


def archivos_de_casos(ruta: Path) -> list[Path]:
    if ruta.is_dir():
        archivos = sorted([*ruta.glob("*.yaml"), *ruta.glob("*.yml")])
        if not archivos:
            raise ErrorReglas.uno(ruta, "la carpeta no tiene archivos de casos .yaml")
        return archivos
    if not ruta.exists():
        raise ErrorReglas.uno(ruta, "el archivo no existe")
    return [ruta]


@dataclass(frozen=True)
class CasoLeido:
    """A case with the file and position it came from (its answers are relative to it)."""

    caso: Caso
    doc: Documento
    indice: int

    @property
    def lugar(self) -> str:
        return f"{legible(self.doc.ruta)}:{self.doc.linea(('casos', self.indice))}"


@ErrorReglas.al_leer()
def leer_casos(ruta: Path, limites: Limites | None = None) -> list[CasoLeido]:
    doc = leer(ruta, limites)
    return [CasoLeido(c, doc, i) for i, c in enumerate(doc.validar(ArchivoCasos).casos)]


def probar_caso(
    leido: CasoLeido, motor: Motor, respuestas: Respuestas | None = None
) -> tuple[ResultadoCaso, set[str]]:
    """One case: what differs from what it expects; and the ids of the rules that fired."""
    respuestas = respuestas or respuestas_del_caso(leido, motor.conocimiento)
    evaluacion = motor.evaluar(respuestas)
    disparadas = {d.regla.id for d in evaluacion.disparos}
    diferencias = _diferencias(leido.caso.espera, evaluacion.resultado)
    return ResultadoCaso(leido.caso.nombre, leido.lugar, diferencias), disparadas


def leer_todos(
    archivos: list[Path], conocimiento: Conocimiento
) -> list[tuple[CasoLeido, Respuestas]]:
    """Every case of every file with its validated answers, read before the rules are
    compiled: a broken case or answer file is refused in milliseconds, not after that."""
    return [
        (leido, respuestas_del_caso(leido, conocimiento))
        for ruta in archivos
        for leido in leer_casos(ruta, conocimiento.limites)
    ]


def probar(
    leidos: list[tuple[CasoLeido, Respuestas]], motor: Motor
) -> tuple[list[ResultadoCaso], set[str]]:
    """Every case; and the ids of the rules some case fired."""
    resultados: list[ResultadoCaso] = []
    disparadas: set[str] = set()
    for leido, respuestas in leidos:
        resultado, del_caso = probar_caso(leido, motor, respuestas)
        resultados.append(resultado)
        disparadas |= del_caso
    return resultados, disparadas


def respuestas_del_caso(leido: CasoLeido, conocimiento: Conocimiento) -> Respuestas:
    """The answers a case names: a file next to the case file, or inline."""
    caso, doc, i = leido.caso, leido.doc, leido.indice
    if (caso.archivo is None) == (caso.respuestas_archivo is None):
        raise ErrorReglas(
            [
                doc.problema(
                    ("casos", i), "indique «archivo» o «respuestas_archivo» (uno de los dos)"
                )
            ]
        )
    if caso.archivo is not None:
        ruta = Path(os.path.normpath(doc.ruta.parent / caso.archivo))  # named as written
        try:
            return cargar_respuestas(ruta, conocimiento)
        except ErrorDiagnostico as error:
            raise _en_el_caso(error, ruta, doc, i) from None
    return desde_documento(doc.parte(("casos", i, "respuestas_archivo")), conocimiento)


def _en_el_caso(error: ErrorDiagnostico, ruta: Path, doc: Documento, i: int) -> ErrorDiagnostico:
    """A case's answer file that cannot be read at all is named at the case's «archivo».

    Errors inside the file keep that file's own line; the consultant edits it there.
    """
    if any(p.linea is not None or p.archivo != str(ruta) for p in error.problemas):
        return error
    return ErrorReglas(
        doc.problema(("casos", i, "archivo"), f"{ruta}: {p.mensaje}") for p in error.problemas
    )


def _diferencias(espera: Espera, r: Any) -> list[str]:
    diferencias = []
    for area, nivel in espera.niveles.items():
        if area not in AREAS or r.areas[area].nivel_vigente != nivel:
            actual = r.areas[area].nivel_vigente if area in r.areas else "área desconocida"
            diferencias.append(f"nivel de {area}: se esperaba {nivel}, resultó {actual}")
    for area, nivel in espera.diagnosticados.items():
        actual = r.areas[area].nivel if area in r.areas else "área desconocida"
        if actual != nivel:
            diferencias.append(
                f"nivel diagnosticado de {area}: se esperaba {nivel}, resultó {actual}"
            )
    for area, provisional in espera.provisional.items():
        actual = r.areas[area].provisional if area in r.areas else None
        if actual != provisional:
            diferencias.append(
                f"nivel de {area} {'provisional' if provisional else 'firme'}: resultó "
                + ("provisional" if actual else "firme")
            )
    for area, parte in espera.lecturas.items():
        actual = r.areas[area].lectura if area in r.areas else ""
        if parte not in actual:
            diferencias.append(f"lectura de {area}: falta «{parte}»; resultó «{actual}»")
    productos = {p.regla for p in r.productos} | {p.texto for p in r.productos}
    for esperado in espera.productos:
        if not any(esperado == x or esperado in x for x in productos):
            diferencias.append(f"falta el producto «{esperado}»")
    for excluido in espera.sin_productos:
        if any(excluido == x or excluido in x for x in productos):
            diferencias.append(f"sobra el producto «{excluido}»")
    diferencias += _etapas(espera, r)
    retenidos = {x.producto.regla for x in r.retenidos} | {x.producto.texto for x in r.retenidos}
    diferencias += [
        f"falta el producto retenido «{e}»"
        for e in espera.retenidos
        if not any(e == x or e in x for x in retenidos)
    ]
    for area, partes in espera.para_confirmar.items():
        actual = "; ".join(r.areas[area].para_confirmar) if area in r.areas else ""
        diferencias += [
            f"para confirmar {area}: falta «{parte}»; resultó «{actual}»"
            for parte in partes
            if parte not in actual
        ]
    for fusion in espera.fusiones:
        if not any(
            all(_igual(getattr(f, k, None), v) for k, v in fusion.items()) for f in r.fusiones
        ):
            obtenidas = (
                "; ".join(f"{f.tipo} {f.servicios} ({f.etapa})" for f in r.fusiones) or "ninguna"
            )
            diferencias.append(f"falta la fusión {fusion}; resultaron: {obtenidas}")
    if espera.n_fusiones is not None and len(r.fusiones) != espera.n_fusiones:
        obtenidas = "; ".join(f"{f.tipo} {f.servicios}" for f in r.fusiones) or "ninguna"
        diferencias.append(
            f"propuestas de fusión o coordinación: se esperaban {espera.n_fusiones}, "
            f"resultaron {len(r.fusiones)} ({obtenidas})"
        )
    for lista, esperados, nombre in (
        (r.ajustes_estructura, espera.ajustes, "ajuste de estructura"),
        (r.vacios, espera.vacios, "vacío"),
        (r.insumos, espera.insumos, "insumo para el taller"),
    ):
        obtenidos = {x.regla for x in lista} | {x.texto for x in lista}
        for esperado in esperados:
            if not any(esperado == x or esperado in x for x in obtenidos):
                diferencias.append(f"falta el {nombre} «{esperado}»")
    for lista, excluidos, nombre in (
        (r.ajustes_estructura, espera.sin_ajustes, "ajuste de estructura"),
        (r.vacios, espera.sin_vacios, "vacío"),
    ):
        obtenidos = {x.regla for x in lista} | {x.texto for x in lista}
        for excluido in excluidos:
            if any(excluido == x or excluido in x for x in obtenidos):
                diferencias.append(f"sobra el {nombre} «{excluido}»")
    for clave, horas in espera.horas.items():
        actual = (
            r.horas.total
            if clave == "total"
            else (sum(r.horas.otras.values()) if clave == "otras" else r.horas.por_area.get(clave))
        )
        if actual is None or abs(actual - horas) > 1e-9:
            diferencias.append(
                f"horas {clave}: se esperaban {horas:g}, resultaron {actual if actual is None else f'{actual:g}'}"
            )
    for paso, horas in espera.horas_por_paso.items():
        actual = r.horas.por_paso.get(paso)
        if actual is None or abs(actual - horas) > 1e-9:
            diferencias.append(
                f"horas del paso {paso}: se esperaban {horas:g}, resultaron "
                + ("ninguna" if actual is None else f"{actual:g}")
            )
    return diferencias


def _etapas(espera: Espera, r: Any) -> list[str]:
    diferencias = []
    if espera.plan_por_etapas is not None and bool(r.plan_por_etapas) != espera.plan_por_etapas:
        diferencias.append(
            "plan por etapas: se esperaba "
            + ("sí" if espera.plan_por_etapas else "no")
            + ", resultó "
            + ("sí" if r.plan_por_etapas else "no")
        )
    for etapa, esperados in ((2, espera.segunda_etapa), (1, espera.primera_etapa)):
        nombre = "segunda" if etapa == 2 else "primera"
        for esperado in esperados:
            con = [p for p in r.productos if esperado in (p.regla, p.texto) or esperado in p.texto]
            if not con:
                diferencias.append(f"falta el producto «{esperado}» ({nombre} etapa)")
            elif any(p.etapa != etapa for p in con):
                diferencias.append(f"el producto «{esperado}» no está en la {nombre} etapa")
    return diferencias


def _igual(actual: Any, esperado: Any) -> bool:
    if isinstance(esperado, list) and isinstance(actual, list):
        return sorted(map(str, actual)) == sorted(map(str, esperado))
    return actual == esperado
