"""The kinds of facts rules can talk about, and the facts of one comuna.

This table is the vocabulary of the rule language: a rule that names an
unknown fact type or field is refused when the rule file is loaded, and the
allowed values of a field (areas, levels, questions, stages…) are checked
there too. How each fact reads in Spanish is in ``descripciones.py``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from experta import Fact
from experta.utils import freeze, frozenlist
from frozendict import frozendict

from diagnostico_experto.comun.restricciones import TipoValor
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import (
    AREAS,
    NIVELES,
    TALLERES,
    TRANSVERSAL,
    Pregunta,
)
from diagnostico_experto.conocimiento.puntaje import PuntajeArea
from diagnostico_experto.conocimiento.respuestas import Respuestas, Servicio

_ESCALARES = frozenset({str, int, float, bool, type(None)})


@dataclass(frozen=True)
class TipoHecho:
    nombre: str
    descripcion: str
    campos: tuple[str, ...]
    conclusion: bool = False  # rules may assert it
    unico_por: tuple[str, ...] = ()  # at most one such fact per these fields
    opcionales: tuple[str, ...] = ()  # fields a conclusion may leave out
    por_par: bool = False  # one fact per pair of services: joining two such families is quadratic
    clase: type[Fact] = field(default=Fact, compare=False)

    def nuevo(self, **campos: Any) -> Fact:
        return self.clase(**campos)


class _Hecho(Fact):
    """experta's ``Fact``, built without a dispatch per field.

    ``Fact.__init__`` freezes each value through ``__setitem__`` and a
    ``singledispatch``; a large inventory declares tens of thousands of facts,
    and that was a tenth of its time. Values are frozen the same way here
    (plain values as they are, lists as frozenlists, anything else by
    experta's ``freeze``), so the facts are equal to experta's.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args:
            super().__init__(*args, **kwargs)
            return
        dict.update(
            self, {k: v if type(v) in _ESCALARES else congelar(v) for k, v in kwargs.items()}
        )
        self._Fact__defaults: dict[str, Any] = {}

    # A fact hashes as the object it is (CPython's own hash, no Python call).
    # Declared facts of one run are equal only to themselves (each has its own
    # number, ``__factid__``, among its fields), and the network hashes them into
    # every set of facts and bindings it builds: a few hundred times per comuna.
    # A rule's patterns are the same objects from compiling to the network, which
    # looks them up as it builds. Do not mix facts of different runs in one set.
    __hash__ = object.__hash__


def congelar(valor: Any) -> Any:
    """A field's value as a fact keeps it (experta's ``freeze``, plain values as they are)."""
    if type(valor) in _ESCALARES:
        return valor
    if type(valor) is list:
        return frozenlist(congelar(v) for v in valor)
    return freeze(valor)


def de_congelados(clase: type[Fact], campos: dict[str, Any]) -> Fact:
    """A fact of ``clase`` with these fields, their values already frozen (``congelar``):
    the same fact as ``clase(**campos)``, without freezing them again."""
    hecho = dict.__new__(clase)
    dict.update(hecho, campos)
    hecho._Fact__defaults = {}
    return hecho


def _tipo(nombre: str, descripcion: str, campos: tuple[str, ...], **opciones: Any) -> TipoHecho:
    clase = type(nombre.capitalize(), (_Hecho,), {})
    return TipoHecho(nombre, descripcion, campos, clase=clase, **opciones)


TIPOS: dict[str, TipoHecho] = {
    t.nombre: t
    for t in (
        _tipo("comuna", "una comuna evaluada", ("nombre", "ugt")),
        _tipo("respuesta", "una respuesta del cuestionario", ("pregunta", "area", "valor")),
        _tipo(
            "puntaje",
            "un % de logro de un área (0 a 1)",
            ("area", "valor", "completo", "desconocidas"),
        ),
        _tipo(
            "servicio",
            "un servicio del inventario",
            ("nombre", "unidad", "origen", "clientes", "etapas", "area_proceso"),
        ),
        _tipo(
            "inventario",
            "el inventario de servicios en su conjunto",
            ("n_servicios", "n_unidades", "unidades"),
        ),
        _tipo(
            "par_servicios",
            "dos servicios que comparten clientes y etapas",
            (
                "servicios",
                "unidades",
                "clientes",
                "etapas",
                "n_etapas",
                "misma_unidad",
                "nombres_clientes",
                "nombres_etapas",
            ),
            por_par=True,
        ),
        _tipo(
            "grupo_servicios",
            "un grupo de servicios que repiten etapas para los mismos clientes",
            (
                "servicios",
                "unidades",
                "origenes",
                "clientes",
                "etapas",
                "n_servicios",
                "n_unidades",
                "n_origenes",
                "n_etapas",
                "misma_unidad",
                "nombres_clientes",
                "nombres_etapas",
                "nombres_origenes",
                "n_etapas_entrada",
                "nombres_etapas_entrada",
                "nombres_otras_etapas",
            ),
        ),
        _tipo(
            "area_proceso",
            "un área de procesos estratégicos (servicios.yaml)",
            ("id", "nombre", "supuesto"),
        ),
        _tipo(
            "etapa",
            "una etapa de un servicio para un cliente",
            ("servicio", "unidad", "origen", "cliente", "etapa"),
        ),
        _tipo(
            "validacion",
            "un nivel validado por la mesa comunal",
            ("area", "nivel", "justificacion"),
        ),
        _tipo(
            "elemento",
            "la lectura de un elemento clave de un área (no existe, existe pero débil, existe)",
            ("area", "elemento", "nombre", "estado", "texto"),
            conclusion=True,
            unico_por=("area", "elemento"),
        ),
        _tipo(
            "nivel",
            "un nivel diagnosticado",
            ("area", "nivel"),
            conclusion=True,
            unico_por=("area",),
        ),
        _tipo(
            "nivel_vigente",
            "un nivel vigente (diagnosticado o validado)",
            ("area", "nivel"),
            conclusion=True,
            unico_por=("area",),
        ),
        _tipo(
            "producto",
            "un producto recomendado",
            ("area", "nivel", "texto", "clave", "taller", "requiere", "diferible", "logra"),
            conclusion=True,
            opcionales=("clave", "taller", "requiere", "diferible", "logra"),
        ),
        _tipo(
            "fusion",
            "una propuesta de fusión de procesos o de coordinación de etapas",
            (
                "servicios",
                "unidades",
                "etapas",
                "tipo",
                "texto",
                "misma_unidad",
                "clientes",
                "origenes",
            ),
            conclusion=True,
            opcionales=("misma_unidad", "clientes", "origenes"),
            unico_por=("servicios",),  # one proposal per group of services
        ),
        _tipo(
            "vacio",
            "un vacío en el par estrategia–servicios",
            ("tipo", "area_proceso", "texto", "servicio"),
            conclusion=True,
            opcionales=("servicio",),
        ),
        _tipo(
            "insumo",
            "un hallazgo que se lleva como insumo al taller, sin proponer nada todavía",
            ("area", "texto", "servicios", "etapas", "clientes"),
            conclusion=True,
            opcionales=("servicios", "etapas", "clientes"),
        ),
        _tipo(
            "ajuste_estructura",
            "un ajuste de la estructura de fomento productivo",
            ("texto", "asunto", "servicios"),
            conclusion=True,
            opcionales=("asunto", "servicios"),
            # at most one adjustment per concern (per group of services, for a group's)
            unico_por=("asunto", "servicios"),
        ),
        _tipo(
            "horas",
            "horas de acompañamiento (por área, o de otras actividades si no lleva área), "
            "con el paso del plan de trabajo al que pertenecen",
            ("concepto", "horas", "area", "paso", "producto"),
            conclusion=True,
            opcionales=("area", "paso", "producto"),
        ),
        _tipo(
            "marca",
            "una conclusión intermedia con nombre, para encadenar reglas",
            ("nombre", "area", "texto"),
            conclusion=True,
            opcionales=("area", "texto"),
        ),
    )
}
CLASE_A_TIPO = {t.clase: t for t in TIPOS.values()}

# The type of every field: one field name has one type in every fact type. An
# answer's ``valor`` takes the type of its question (``Pregunta.tipo_de_valor``). It
# also names the fields issue 10 brings (elemento, estado, clave, taller, requiere).
TIPO_DE_CAMPO: dict[str, TipoValor] = {
    **dict.fromkeys(
        (
            "nombre",
            "ugt",
            "pregunta",
            "area",
            "unidad",
            "origen",
            "area_proceso",
            "id",
            "servicio",
            "cliente",
            "etapa",
            "justificacion",
            "nivel",
            "texto",
            "tipo",
            "concepto",
            "asunto",
            "elemento",
            "estado",
            "clave",
            "taller",
            "paso",
            "producto",
        ),
        "texto",
    ),
    **dict.fromkeys(
        (
            "valor",
            "desconocidas",
            "n_servicios",
            "n_unidades",
            "n_origenes",
            "n_etapas",
            "n_etapas_entrada",
            "horas",
        ),
        "numero",
    ),
    **dict.fromkeys(("completo", "supuesto", "misma_unidad", "diferible"), "logico"),
    **dict.fromkeys(
        (
            "clientes",
            "etapas",
            "unidades",
            "servicios",
            "nombres_clientes",
            "nombres_etapas",
            "origenes",
            "nombres_origenes",
            "nombres_etapas_entrada",
            "nombres_otras_etapas",
            "requiere",
            "logra",
        ),
        "lista",
    ),
}


def tipo_de_campo(tipo: str, campo: str, pregunta: Pregunta | None = None) -> TipoValor | None:
    """The type of a field; for an answer's value, its question's (None if unknown)."""
    if (tipo, campo) == ("respuesta", "valor"):
        return pregunta.tipo_de_valor if pregunta else None
    return TIPO_DE_CAMPO.get(campo)  # a field not declared yet is not type-checked (a test asks)


TIPOS_FUSION = ("fusion", "coordinacion")
TIPOS_VACIO = ("area_sin_servicios", "servicio_sin_lineamiento")
# The concerns of a structure adjustment (§6.2.4 d): at most one adjustment per
# concern (``unico_por``), the first by priority.
ASUNTOS = ("unidad", "funciones", "coordinacion", "segmentacion", "continuidad")
# How a key element reads (§6.2.4, the paragraph after the table): it does not
# exist and must be defined (bajo), it exists but is weak, obsolete or unused
# (medio), or it exists, is used and is measured (alto).
ESTADOS = ("no_existe", "debil", "existe")

_LISTAS_DEL_CATALOGO = {  # field -> the servicios.yaml list its values come from
    "etapa": "etapas",
    "etapas": "etapas",
    "cliente": "clientes",
    "clientes": "clientes",
    "origen": "origenes",
    "origenes": "origenes",
    "area_proceso": "areas_proceso",
}


def dominio(tipo: str, campo: str, conocimiento: Conocimiento) -> list[Any] | None:
    """The values a field may take, when they form a known list."""
    catalogo = conocimiento.catalogo
    if campo == "area":
        return [*AREAS, TRANSVERSAL] if tipo in ("respuesta", "puntaje") else list(AREAS)
    if campo == "nivel":
        return list(NIVELES)
    if tipo == "respuesta" and campo == "pregunta":
        return [p.id for p in conocimiento.cuestionario.preguntas]
    lista = _LISTAS_DEL_CATALOGO.get(campo)
    if lista and tipo in ("etapa", "servicio", "par_servicios", "grupo_servicios", "vacio"):
        return catalogo.ids(lista)
    if (tipo, campo) == ("area_proceso", "id"):
        return catalogo.ids("areas_proceso")
    if campo == "tipo" and tipo in ("fusion", "vacio"):
        return list(TIPOS_FUSION if tipo == "fusion" else TIPOS_VACIO)
    if tipo == "ajuste_estructura" and campo == "asunto":
        return list(ASUNTOS)
    if tipo == "elemento" and campo == "estado":
        return list(ESTADOS)
    if tipo == "producto" and campo == "taller":
        return list(TALLERES)
    if tipo == "horas" and campo == "paso":
        return conocimiento.informe.ids_pasos
    if tipo == "comuna" and campo == "nombre":
        return conocimiento.comunas()
    return None


def hechos_de(
    respuestas: Respuestas,
    puntajes: dict[str, PuntajeArea],
    conocimiento: Conocimiento,
    leidos: Collection[str] | None = None,
) -> list[Fact]:
    """The facts that describe one comuna, ready to declare.

    ``leidos``: the fact types some rule reads (None: all). The facts that come
    one per pair of services, or per service, client and stage, are built only
    when a rule reads them: a large inventory has tens of thousands.
    """
    hechos = [TIPOS["comuna"].nuevo(nombre=respuestas.comuna, ugt=respuestas.ugt)]
    respuesta, por_id = TIPOS["respuesta"].clase, conocimiento.cuestionario.por_id
    for id_, valor in respuestas.respuestas.items():  # hecho_respuesta, for every answer
        campos = {"pregunta": id_, "area": por_id[id_].area, "valor": valor}
        if type(valor) not in _ESCALARES:
            campos["valor"] = congelar(valor)
        hechos.append(de_congelados(respuesta, campos))
    hechos.extend(hecho_puntaje(p) for p in puntajes.values())
    for area_proceso in conocimiento.catalogo.areas_proceso:
        hechos.append(
            TIPOS["area_proceso"].nuevo(
                id=area_proceso.id, nombre=area_proceso.nombre, supuesto=area_proceso.supuesto
            )
        )
    unidades = list(dict.fromkeys(s.unidad for s in respuestas.servicios))
    hechos.append(
        TIPOS["inventario"].nuevo(
            n_servicios=len(respuestas.servicios), n_unidades=len(unidades), unidades=unidades
        )
    )
    if leidos is None or "par_servicios" in leidos:
        hechos.extend(_pares(respuestas.servicios, conocimiento))
    hechos.extend(_grupos(respuestas.servicios, conocimiento))
    por_etapa = leidos is None or "etapa" in leidos
    for s in respuestas.servicios:
        hechos.append(
            TIPOS["servicio"].nuevo(
                nombre=s.nombre,
                unidad=s.unidad,
                origen=s.origen,
                clientes=list(s.clientes),
                etapas=list(s.etapas),
                area_proceso=s.area_proceso,
            )
        )
        for cliente in s.clientes if por_etapa else ():
            for etapa in s.etapas:
                hechos.append(
                    TIPOS["etapa"].nuevo(
                        servicio=s.nombre,
                        unidad=s.unidad,
                        origen=s.origen,
                        cliente=cliente,
                        etapa=etapa,
                    )
                )
    for area_validada, v in respuestas.validacion.items():
        hechos.append(
            TIPOS["validacion"].nuevo(
                area=area_validada, nivel=v.nivel, justificacion=v.justificacion
            )
        )
    return hechos


def hecho_respuesta(id_: str, valor: Any, conocimiento: Conocimiento) -> Fact:
    """One answer as a fact (also what a path search changes, motor/camino)."""
    area = conocimiento.cuestionario.por_id[id_].area
    return TIPOS["respuesta"].nuevo(pregunta=id_, area=area, valor=valor)


def hecho_puntaje(p: PuntajeArea) -> Fact:
    return TIPOS["puntaje"].nuevo(
        area=p.area, valor=p.valor, completo=p.completo, desconocidas=p.desconocidas
    )


def _pares(servicios: list[Servicio], conocimiento: Conocimiento) -> list[Fact]:
    """Each pair of services that share clients and stages, once, in inventory order.

    Counting shared stages is what lets a rule tell a fusion of processes from
    the coordination of one stage (§6.2.4 c, note 7: the same stage run twice
    for the same clients by different programmes).
    """
    catalogo = conocimiento.catalogo
    pares = []
    for i, j in pares_que_comparten(servicios):
        a, b = servicios[i], servicios[j]
        clientes = [c for c in a.clientes if c in b.clientes]
        etapas = [e for e in a.etapas if e in b.etapas]
        pares.append(
            TIPOS["par_servicios"].nuevo(
                servicios=[a.nombre, b.nombre],
                unidades=list(dict.fromkeys([a.unidad, b.unidad])),
                clientes=clientes,
                etapas=etapas,
                n_etapas=len(etapas),
                misma_unidad=a.unidad == b.unidad,
                nombres_clientes=[catalogo.nombre("clientes", c).lower() for c in clientes],
                nombres_etapas=[catalogo.nombre("etapas", e).lower() for e in etapas],
            )
        )
    return pares


def pares_que_comparten(servicios: list[Servicio]) -> list[tuple[int, int]]:
    """The positions (i, j), i < j, of services sharing a client and a stage, sorted.

    Two services share a client and a stage exactly when they share a
    (client, stage) combination, so an index by combination finds each
    service's partners without comparing it with the whole inventory.
    """
    por_combinacion: dict[tuple[str, str], list[int]] = {}
    pares: set[tuple[int, int]] = set()
    for j, servicio in enumerate(servicios):
        for combinacion in {(c, e) for c in servicio.clientes for e in servicio.etapas}:
            anteriores = por_combinacion.setdefault(combinacion, [])
            pares.update((i, j) for i in anteriores)
            anteriores.append(j)
    return sorted(pares)


def _grupos(servicios: list[Servicio], conocimiento: Conocimiento) -> list[Fact]:
    """One fact per group of services that repeat stages for the same clients."""
    catalogo = conocimiento.catalogo
    parametro = conocimiento.parametros.get("min_etapas_grupo")
    # a knowledge folder from before groups: any shared client and stage links services
    min_etapas = int(parametro.valor) if parametro else 1
    etapas_catalogo, clientes_catalogo = catalogo.ids("etapas"), catalogo.ids("clientes")
    de_entrada = {e.id for e in catalogo.etapas if e.entrada}
    hechos = []
    for grupo in grupos_que_comparten(servicios, min_etapas):
        miembros = [servicios[i] for i in grupo.servicios]
        clientes = sorted(grupo.clientes, key=_orden_en(clientes_catalogo))
        etapas = sorted(grupo.etapas, key=_orden_en(etapas_catalogo))
        unidades = list(dict.fromkeys(s.unidad for s in miembros))
        origenes = list(dict.fromkeys(s.origen for s in miembros))
        nombres = {e: catalogo.nombre("etapas", e).lower() for e in etapas}
        entrada = [nombres[e] for e in etapas if e in de_entrada]
        hechos.append(
            TIPOS["grupo_servicios"].nuevo(
                servicios=[s.nombre for s in miembros],
                unidades=unidades,
                origenes=origenes,
                clientes=clientes,
                etapas=etapas,
                n_servicios=len(miembros),
                n_unidades=len(unidades),
                n_origenes=len(origenes),
                n_etapas=len(etapas),
                misma_unidad=len(unidades) == 1,
                nombres_clientes=[catalogo.nombre("clientes", c).lower() for c in clientes],
                nombres_etapas=[catalogo.nombre("etapas", e).lower() for e in etapas],
                nombres_origenes=[_nombre_origen(catalogo.nombre("origenes", o)) for o in origenes],
                n_etapas_entrada=len(entrada),
                nombres_etapas_entrada=entrada,
                nombres_otras_etapas=[nombres[e] for e in etapas if e not in de_entrada],
            )
        )
    return hechos


def _orden_en(lista: list[str]) -> Any:
    posicion = {id_: i for i, id_ in enumerate(lista)}
    return lambda id_: (posicion.get(id_, len(lista)), id_)


def _nombre_origen(nombre: str) -> str:
    """An origin as it reads inside a sentence: «INDAP», «municipal»."""
    nombre = nombre.split(" (")[0]  # «INDAP (p. ej. PRODESAL, PDTI)»
    es_sigla = len(nombre) > 1 and nombre[1].isupper()
    return nombre if es_sigla else nombre[:1].lower() + nombre[1:]


@dataclass
class Grupo:
    """Services (positions in the inventory) that repeat stages for some shared clients."""

    servicios: list[int]
    clientes: set[str]
    etapas: set[str]


def grupos_que_comparten(servicios: list[Servicio], min_etapas: int) -> list[Grupo]:
    """The groups of services that run the same stages for the same clients.

    Two services are linked for a client when both run at least ``min_etapas``
    of the same stages for that client: a process is a sequence of stages
    (note 7 of the source), and a stage every service runs, such as
    difusión, does not by itself make two services repeat a process. The
    linked services of each client form groups (connected components, found
    through an index by client and combination of stages, so the work grows
    with the inventory and not with its pairs). A group whose services are
    all in a larger group is the same group for more clients and joins it; a
    service may be in two groups when it serves two groups of clients (a
    municipal fund for entrepreneurs and for small farmers).
    """
    min_etapas = max(1, min_etapas)
    por_cliente: dict[str, dict[int, int]] = {}  # client -> service -> its root
    primero: dict[tuple[str, tuple[str, ...]], int] = {}
    for j, servicio in enumerate(servicios):
        etapas = sorted(set(servicio.etapas))
        for cliente in dict.fromkeys(servicio.clientes):
            padres = por_cliente.setdefault(cliente, {})
            padres.setdefault(j, j)
            for combinacion in combinations(etapas, min_etapas):
                i = primero.setdefault((cliente, combinacion), j)
                if i != j:
                    _unir(padres, i, j)
    componentes: list[Grupo] = []
    for cliente, padres in por_cliente.items():
        por_raiz: dict[int, list[int]] = {}
        for i in padres:
            por_raiz.setdefault(_raiz(padres, i), []).append(i)
        for miembros in por_raiz.values():
            if len(miembros) < 2:
                continue
            vistas: dict[str, int] = {}
            for i in miembros:
                for etapa in set(servicios[i].etapas):
                    vistas[etapa] = vistas.get(etapa, 0) + 1
            repetidas = {e for e, n in vistas.items() if n >= 2}
            componentes.append(Grupo(sorted(miembros), {cliente}, repetidas))
    grupos: list[Grupo] = []
    for componente in sorted(componentes, key=lambda g: (-len(g.servicios), g.servicios)):
        conjunto = set(componente.servicios)
        mayor = next((g for g in grupos if conjunto <= set(g.servicios)), None)
        if mayor is None:
            grupos.append(componente)
        else:
            mayor.clientes |= componente.clientes
            mayor.etapas |= componente.etapas
    return sorted(grupos, key=lambda g: g.servicios)


def _raiz(padres: dict[int, int], i: int) -> int:
    while padres[i] != i:
        padres[i] = padres[padres[i]]
        i = padres[i]
    return i


def _unir(padres: dict[int, int], i: int, j: int) -> None:
    a, b = _raiz(padres, i), _raiz(padres, j)
    if a != b:
        padres[max(a, b)] = min(a, b)


def tipo_de(hecho: Fact) -> TipoHecho:
    return CLASE_A_TIPO[type(hecho)]


def datos(hecho: Fact) -> dict[str, Any]:
    """A fact's fields as plain Python values, without experta's internals.

    The same as ``hecho.as_dict()`` without its special keys, without experta's
    generic unfreezing, which dominates the result of a large inventory.
    """
    campos = dict(hecho)
    campos.pop("__factid__", None)  # experta's special keys: its number and its binding
    if "__bind__" in campos or not _SOLO_TEXTO.issuperset(map(type, campos)):
        campos = {k: v for k, v in campos.items() if isinstance(k, str) and k[:2] != "__"}
    if not _ESCALARES.issuperset(map(type, campos.values())):
        for campo, valor in list(campos.items()):
            if type(valor) not in _ESCALARES:
                campos[campo] = descongelar(valor)
    return campos


_SOLO_TEXTO = frozenset({str})


def clave_de_contenido(hecho: Fact) -> tuple[Any, ...] | None:
    """A fact's type and fields as a key (what it says, not its number), with the
    types of its values, also inside lists and mappings (``1``, ``1.0`` and
    ``True`` are equal in Python, yet read and compare differently); None when
    a value is none of plain text, a number, a truth value, None, or a list or
    mapping of those."""
    campos = dict(hecho)
    campos.pop("__factid__", None)
    valores = tuple(campos.values())
    tipos = tuple(map(type, valores))
    if _ESCALARES.issuperset(tipos):  # plain values: the values and their types
        return (type(hecho), tuple(campos), valores, tipos)
    try:
        return (type(hecho), tuple(campos), tuple(map(_con_tipos, valores)))
    except TypeError:
        return None


def _con_tipos(valor: Any) -> Any:
    """A value as a key that keeps its type and, in a list or a mapping, its
    items' types and order; TypeError for any other kind of value."""
    tipo = type(valor)
    if tipo in _ESCALARES:
        return (tipo, valor)
    if isinstance(valor, tuple):  # a list, frozen
        return (tipo, tuple(map(_con_tipos, valor)))
    if isinstance(valor, frozendict):
        return (tipo, tuple((_con_tipos(clave), _con_tipos(v)) for clave, v in valor.items()))
    raise TypeError(tipo)


def descongelar(valor: Any) -> Any:
    if type(valor) in _ESCALARES:
        return valor
    if isinstance(valor, (list, frozenlist)):  # experta freezes lists into frozenlists
        return [descongelar(v) for v in valor]
    if isinstance(valor, (dict, frozendict)):
        return {k: descongelar(v) for k, v in valor.items()}
    if isinstance(valor, (set, frozenset)):
        return {descongelar(v) for v in valor}
    return valor
