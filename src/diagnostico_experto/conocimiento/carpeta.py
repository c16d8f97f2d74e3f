"""The knowledge folder: comunas and territories, services catalogue, parameters, questionnaire.

Everything a consultant may tune without Python lives in these files; this
module validates them (with file and line in every message) and gathers them
in one ``Conocimiento`` object that the rest of the system reads.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from diagnostico_experto.comun.archivos_yaml import Documento, leer
from diagnostico_experto.comun.cache import recordar
from diagnostico_experto.comun.errores import ErrorReglas, Problema, sugerencia, traducir
from diagnostico_experto.comun.formato_chileno import con_punto, numero
from diagnostico_experto.comun.lectura import ARCHIVO_LIMITES, Limites, limites_por_defecto
from diagnostico_experto.comun.rutas import carpeta_por_defecto
from diagnostico_experto.conocimiento.calendario import ARCHIVO_CALENDARIO, Calendario
from diagnostico_experto.conocimiento.camino import ARCHIVO_CAMINO, Camino, leer_camino
from diagnostico_experto.conocimiento.evidencia import ARCHIVO_EVIDENCIAS, PoliticaEvidencia
from diagnostico_experto.conocimiento.preguntas import (
    LISTAS_CATALOGO,
    NO_SABE,
    TALLERES,
    Cuestionario,
    Estricto,
    Slug,
    nombre_limpio,
)

# A comuna or territory name ends up in file names, reports and workbooks.
NombreLugar = Annotated[str, AfterValidator(nombre_limpio)]


class Territorio(Estricto):
    nombre: NombreLugar
    comunas: list[NombreLugar] = Field(min_length=1)


class ArchivoComunas(Estricto):
    nota: str = ""
    territorios: list[Territorio] = Field(min_length=1)


def _comunas(doc: Documento) -> ArchivoComunas:
    """The comunas file; a comuna written twice (case and accents aside) is named at its line."""
    archivo = doc.validar(ArchivoComunas)
    vistas: dict[str, str] = {}
    problemas = []
    for i, territorio in enumerate(archivo.territorios):
        for j, comuna in enumerate(territorio.comunas):
            lugar = ("territorios", i, "comunas", j)
            anterior = vistas.get(_clave(comuna))
            if anterior is not None:
                como = "" if anterior == comuna else f" (ya está como «{anterior}»)"
                problemas.append(
                    doc.problema(lugar, f"la comuna «{comuna}» aparece dos veces{como}")
                )
            vistas.setdefault(_clave(comuna), comuna)
    if problemas:
        raise ErrorReglas(problemas)
    return archivo


class Elemento(Estricto):
    id: Slug
    nombre: str


class Etapa(Elemento):
    entrada: bool = False  # a stage of the way in to a service (difusión, inscripción…)


class AreaProceso(Elemento):
    descripcion: str = ""
    fuente: str = ""
    supuesto: bool = False  # not named by the source: an assumption to review


class Catalogo(Estricto):
    """Controlled lists for the services inventory, so rules can join on them."""

    etapas: list[Etapa] = Field(min_length=1)
    clientes: list[Elemento] = Field(min_length=1)
    origenes: list[Elemento] = Field(min_length=1)
    areas_proceso: list[AreaProceso] = Field(min_length=1)
    area_proceso_por_defecto: str

    @model_validator(mode="after")
    def _ids_unicos(self) -> Catalogo:
        for lista in LISTAS_CATALOGO:
            ids = [e.id for e in getattr(self, lista)]
            repetidos = sorted({i for i in ids if ids.count(i) > 1})
            if repetidos:
                raise ValueError(f"en «{lista}» hay identificadores repetidos: {repetidos}")
        if self.area_proceso_por_defecto not in self.ids("areas_proceso"):
            raise ValueError(
                f"«area_proceso_por_defecto: {self.area_proceso_por_defecto}» no está en «areas_proceso»"
            )
        return self

    def ids(self, lista: str) -> list[str]:
        return [e.id for e in getattr(self, lista)]

    def nombre(self, lista: str, id_: str) -> str:
        return next((e.nombre for e in getattr(self, lista) if e.id == id_), id_)


class Taller(Estricto):
    nombre: str
    # the programme step (TALLERES) the products of these areas belong to,
    # unless a product rule says otherwise
    id: Literal["estrategia", "estructura_procesos", "gestion_entorno"] | None = None
    areas: list[Literal["estrategia", "estructura", "procesos", "productos"]] = Field(min_length=1)


class ArchivoTalleres(Estricto):
    talleres: list[Taller] = Field(min_length=1)


# The programme steps the code itself files things under: each product's taller
# and the second stage of a staged plan; the rest are named by the rules.
APOYO = "apoyo"  # an hour line that names neither area nor step
SEGUNDA_ETAPA = "segunda_etapa"
PASOS_NECESARIOS = (*TALLERES, APOYO, SEGUNDA_ETAPA)
ARCHIVO_INFORME = "informe.yaml"


class PasoPlan(Estricto):
    """One step of the work plan (informe.yaml): what the report titles and says."""

    id: Slug
    titulo: str = Field(min_length=1)
    descripcion: str = Field(min_length=1)


class ArchivoInforme(Estricto):
    """Report content that is not a rule: plan steps, the mesa's question, a threshold."""

    pasos: list[PasoPlan] = Field(min_length=1)
    pregunta_observaciones: str | None = None
    umbral_debilidad: float = Field(ge=0, le=1)
    # How reports name a group proposal and hours outside the areas (copies of
    # informe.yaml older than these keys get the shipped words).
    tipos_de_propuesta: dict[str, str] = Field(
        default_factory=lambda: {
            "fusion": "Fusión de procesos",
            "coordinacion": "Coordinación de etapas",
        }
    )
    otras_actividades: str = Field(default="Otras actividades", min_length=1)

    def tipo_de_propuesta(self, tipo: str) -> str:
        return self.tipos_de_propuesta.get(tipo, tipo)

    @model_validator(mode="after")
    def _pasos_completos(self) -> ArchivoInforme:
        ids = [p.id for p in self.pasos]
        repetidos = sorted({i for i in ids if ids.count(i) > 1})
        if repetidos:
            raise ValueError(f"paso repetido: {', '.join(repetidos)}")
        faltan = [p for p in PASOS_NECESARIOS if p not in ids]
        if faltan:
            raise ValueError(f"faltan los pasos {', '.join(faltan)}")
        return self

    def paso(self, id_: str) -> PasoPlan:
        return next(p for p in self.pasos if p.id == id_)

    @property
    def ids_pasos(self) -> list[str]:
        return [p.id for p in self.pasos]


ValorParametro = float | int | str | bool


def _cifra(valor: float) -> str:
    """A bound as Chileans write it: 0,75 · 1.000."""
    return numero(valor, 6)


class Parametro(Estricto):
    """A number the rules use, with the range it may take so a typo cannot reach the engine."""

    # declared before ``valor`` so its validator can read them
    minimo: float | None = None
    maximo: float | None = None
    valor: ValorParametro
    descripcion: str

    @field_validator("valor", mode="before")
    @classmethod
    def _finito(cls, valor: Any) -> Any:
        if isinstance(valor, float) and not math.isfinite(valor):
            raise ValueError("debe ser un número finito (no .nan ni .inf)")
        escrito = con_punto(valor)
        if escrito is not None:  # «5,5» is a text in YAML, never the number meant
            raise ValueError(f"debe ser un número; escriba {escrito}, con punto decimal")
        return valor

    @field_validator("valor")
    @classmethod
    def _en_rango(cls, valor: ValorParametro, info: ValidationInfo) -> ValorParametro:
        minimo, maximo = info.data.get("minimo"), info.data.get("maximo")
        if minimo is None and maximo is None:
            return valor
        if isinstance(valor, bool) or not isinstance(valor, int | float):
            raise ValueError(
                "debe ser un número, porque el parámetro tiene "
                + (
                    "mínimo y máximo"
                    if minimo is not None and maximo is not None
                    else "mínimo"
                    if minimo is not None
                    else "máximo"
                )
            )
        if not _dentro(valor, minimo, maximo):
            raise ValueError(f"{_cifra(valor)} está fuera de rango: {_rango(minimo, maximo)}")
        return valor

    def admite(self, valor: float) -> bool:
        """Whether a proposed value (e.g. by calibration) stays in the declared range."""
        return _dentro(valor, self.minimo, self.maximo)


def _dentro(valor: float, minimo: float | None, maximo: float | None) -> bool:
    return (minimo is None or valor >= minimo) and (maximo is None or valor <= maximo)


def _rango(minimo: float | None, maximo: float | None) -> str:
    if minimo is not None and maximo is not None:
        return f"debe estar entre {_cifra(minimo)} y {_cifra(maximo)}"
    if minimo is not None:
        return f"debe ser al menos {_cifra(minimo)}"
    return f"debe ser a lo más {_cifra(maximo)}"  # type: ignore[arg-type]


class ArchivoParametros(Estricto):
    parametros: dict[Slug, Parametro]


def _clave(nombre: str) -> str:
    """Comparison key for names: case and accents do not matter."""
    sin_tildes = unicodedata.normalize("NFKD", nombre).encode("ascii", "ignore").decode()
    return " ".join(sin_tildes.lower().split())


@dataclass(frozen=True)
class Conocimiento:
    carpeta: Path
    territorios: list[Territorio]
    catalogo: Catalogo
    parametros: dict[str, Parametro]
    cuestionario: Cuestionario
    talleres: list[Taller]
    limites: Limites  # how far input files are read (limites.yaml)
    informe: ArchivoInforme  # plan steps and report content (informe.yaml)
    # the answers a path to the next level may change (camino.yaml); none without the file
    camino: Camino = field(default_factory=Camino)
    # the dates of the plan per UGT and the responsible per product (calendario.yaml)
    calendario: Calendario | None = None
    # which answers want evidence (evidencias.yaml)
    evidencia: PoliticaEvidencia = field(default_factory=PoliticaEvidencia)

    def valores_parametros(self) -> dict[str, ValorParametro]:
        return {n: p.valor for n, p in self.parametros.items()}

    def ugt_de(self, comuna: str) -> str:
        return self._ugt_por_comuna[comuna]

    @functools.cached_property
    def _ugt_por_comuna(self) -> dict[str, str]:
        return {c: t.nombre for t in self.territorios for c in t.comunas}

    @functools.cached_property
    def _comuna_por_clave(self) -> dict[str, str]:
        """Built once per knowledge: a batch looks up every file's comuna here."""
        return {_clave(c): c for c in self.comunas()}

    def comunas(self) -> list[str]:
        return [c for t in self.territorios for c in t.comunas]

    def buscar_comuna(self, nombre: str) -> str:
        """The programme's spelling of a comuna; ValueError with a suggestion."""
        encontrada = self._comuna_por_clave.get(_clave(str(nombre)))
        if encontrada is None:
            raise ValueError(
                f"comuna desconocida «{nombre}»; no está en {self.carpeta / 'comunas.yaml'}."
                + sugerencia(str(nombre), self.comunas())
            )
        return encontrada


@ErrorReglas.al_leer()
def cargar_conocimiento(carpeta: str | Path, cache: Path | None = None) -> Conocimiento:
    """The knowledge folder, validated; ``cache``: the shared cache's folder (None: none)."""
    carpeta = Path(carpeta)
    if not carpeta.is_dir():
        raise ErrorReglas.uno(carpeta, "la carpeta de conocimiento no existe")
    return recordar(
        ("conocimiento",),
        carpeta,
        lambda: _leer_carpeta(carpeta),
        compartida=("conocimiento",),
        cache=cache,
    )


def _leer_carpeta(carpeta: Path) -> Conocimiento:
    docs = {
        n: leer(carpeta / f"{n}.yaml")
        for n in (
            "comunas",
            "servicios",
            "parametros",
            "horas",
            "cuestionario",
            "talleres",
        )
    }
    comunas = _comunas(docs["comunas"])
    catalogo = docs["servicios"].validar(Catalogo)
    parametros = _parametros(docs["parametros"], docs["horas"])
    cuestionario = docs["cuestionario"].validar(Cuestionario, {"catalogo": catalogo})
    _revisar_cuestionario(cuestionario, docs["cuestionario"])
    talleres = docs["talleres"].validar(ArchivoTalleres).talleres
    limites = _limites(carpeta / ARCHIVO_LIMITES)
    informe = _informe(carpeta / ARCHIVO_INFORME, cuestionario)
    ruta_camino = carpeta / ARCHIVO_CAMINO
    camino = leer_camino(leer(ruta_camino), cuestionario) if ruta_camino.exists() else Camino()
    return Conocimiento(
        carpeta,
        comunas.territorios,
        catalogo,
        parametros,
        cuestionario,
        talleres,
        limites,
        informe,
        camino,
        _calendario(carpeta / ARCHIVO_CALENDARIO, informe, comunas.territorios),
        _evidencia(carpeta / ARCHIVO_EVIDENCIAS, cuestionario),
    )


def _evidencia(ruta: Path, cuestionario: Cuestionario) -> PoliticaEvidencia:
    """The folder's evidencias.yaml, or the shipped one: older copies do not have it."""
    if not ruta.exists():
        ruta = carpeta_por_defecto("knowledge") / ARCHIVO_EVIDENCIAS
    doc = leer(ruta)
    politica = doc.validar(PoliticaEvidencia)
    problemas = []
    for id_, valores in politica.piden.items():
        pregunta = cuestionario.por_id.get(id_)
        if pregunta is None:
            problemas.append(
                doc.problema(
                    ("piden", id_),
                    cuestionario.desconocida(id_),
                )
            )
            continue
        dominio = pregunta.dominio()
        problemas += [
            doc.problema(("piden", id_), f"«{v}» no es una opción de {id_}")
            for v in valores
            if dominio is not None and v not in dominio
        ]
    if problemas:
        raise ErrorReglas(problemas)
    return politica


def _calendario(ruta: Path, informe: ArchivoInforme, territorios: list[Territorio]) -> Calendario:
    """The folder's calendario.yaml, or the shipped one: older copies do not have it."""
    if not ruta.exists():
        ruta = carpeta_por_defecto("knowledge") / ARCHIVO_CALENDARIO
    doc = leer(ruta)
    calendario = doc.validar(Calendario)
    pasos = [p.id for p in informe.pasos]
    ugts = [t.nombre for t in territorios]
    problemas = [
        doc.problema(("territoriales", i), f"paso desconocido «{p}»" + sugerencia(p, pasos))
        for i, p in enumerate(calendario.territoriales)
        if p not in pasos
    ]
    problemas += [
        doc.problema(("consolidacion", p), f"paso desconocido «{p}»" + sugerencia(p, pasos))
        for p in calendario.consolidacion
        if p not in pasos
    ]
    for ugt, fechas in calendario.fechas.items():
        if ugt not in ugts:
            problemas.append(
                doc.problema(("fechas", ugt), f"UGT desconocida «{ugt}»" + sugerencia(ugt, ugts))
            )
        problemas += [
            doc.problema(("fechas", ugt, p), f"paso desconocido «{p}»" + sugerencia(p, pasos))
            for p in fechas
            if p not in pasos
        ]
    if problemas:
        raise ErrorReglas(problemas)
    return calendario


def _informe(ruta: Path, cuestionario: Cuestionario) -> ArchivoInforme:
    """The folder's informe.yaml, or the shipped one: older copies do not have it."""
    if not ruta.exists():
        ruta = carpeta_por_defecto("knowledge") / ARCHIVO_INFORME
    doc = leer(ruta)
    informe = doc.validar(ArchivoInforme)
    pregunta = informe.pregunta_observaciones
    if pregunta is not None and pregunta not in cuestionario.por_id:
        raise ErrorReglas(
            [
                doc.problema(
                    ("pregunta_observaciones",),
                    cuestionario.desconocida(pregunta),
                )
            ]
        )
    return informe


def _limites(ruta: Path) -> Limites:
    """The folder's limits over the shipped ones: a folder may change only some, or none."""
    por_defecto = limites_por_defecto()
    if not ruta.exists():
        return por_defecto
    doc = leer(ruta)  # read with the shipped limits, like the rest of the folder
    datos = doc.datos.get("limites") if isinstance(doc.datos, dict) else None
    if not isinstance(datos, dict):
        raise ErrorReglas([doc.problema(("limites",), "debe ser un mapeo (nombre: valor)")])
    conocidos = list(Limites.model_fields)
    problemas = [
        doc.problema(("limites", nombre), "límite desconocido" + sugerencia(nombre, conocidos))
        for nombre in datos
        if nombre not in conocidos
    ]
    if problemas:
        raise ErrorReglas(problemas)
    try:
        return Limites.model_validate({**por_defecto.model_dump(), **datos}, strict=True)
    except ValidationError as exc:
        raise ErrorReglas(
            doc.problema(("limites", *err["loc"]), traducir(err)) for err in exc.errors()
        ) from None


def _parametros(*docs: Documento) -> dict[str, Parametro]:
    """One namespace for every parameter file: a name may be defined only once."""
    parametros: dict[str, Parametro] = {}
    origen: dict[str, Documento] = {}
    problemas = []
    for doc in docs:
        for nombre, parametro in doc.validar(ArchivoParametros).parametros.items():
            if nombre in parametros:
                problemas.append(
                    doc.problema(
                        ("parametros", nombre),
                        f"parámetro «{nombre}» repetido; ya está en {origen[nombre].ruta}",
                    )
                )
            parametros[nombre] = parametro
            origen[nombre] = doc
    if problemas:
        raise ErrorReglas(problemas)
    return parametros


def _revisar_cuestionario(cuestionario: Cuestionario, doc: Documento) -> None:
    """Cross-question checks: unique ids, skip conditions on earlier questions."""
    problemas: list[Problema] = []
    vistas: dict[str, int] = {}
    for i, p in enumerate(cuestionario.preguntas):
        if p.id in vistas:
            problemas.append(doc.problema(("preguntas", i, "id"), f"id «{p.id}» repetido"))
        for j, cond in enumerate(p.aplica_si):
            loc = ("preguntas", i, "aplica_si", j)
            if cond.pregunta not in vistas:
                conocida = cuestionario.por_id.get(cond.pregunta)
                motivo = (
                    "debe ser una pregunta anterior"
                    if conocida
                    else "pregunta desconocida" + sugerencia(cond.pregunta, cuestionario.por_id)
                )
                problemas.append(doc.problema((*loc, "pregunta"), f"«{cond.pregunta}»: {motivo}"))
                continue
            base = cuestionario.preguntas[vistas[cond.pregunta]]
            try:
                restriccion = cond.restriccion
                dominio = base.dominio()
                for op in restriccion.operaciones:
                    operandos = op.operando if isinstance(op.operando, tuple) else (op.operando,)
                    for v in operandos:
                        if dominio is not None and v not in dominio and v != NO_SABE:
                            raise ValueError(
                                f"«{v}» no es una opción de {base.id}" + sugerencia(v, dominio)
                            )
            except ValueError as exc:
                problemas.append(doc.problema((*loc, "valor"), str(exc)))
        vistas[p.id] = i
    if problemas:
        raise ErrorReglas(problemas)
