"""`reglas validar`: is a consultant's rule base well-formed, complete and unambiguous?

Loading already refuses malformed files, unknown names and duplicate ids
(with file, line and a "did you mean"). On a rule base that loads, this
module adds:

- questions no rule uses (a warning: their answers change nothing);
- conditions on concluded facts that no rule can produce (they never hold);
- the dependencies the rule files declare (``dependencias``, as the source
  states them): no rule concludes what presupposes a missing element;
- for each area, the completeness and uniqueness of the classification: a
  search for an answer set that leaves the area without a level, or where two
  rules of the same priority give it different levels.

The classification search looks at what the level rules can see: the
answers they test literally and the area's score. It tries every value of
those questions (each option, "no sé", unanswered) against scores at every
threshold the rules use, just below and above it, and at the ends. When no
rule tests a literal answer the space is small and the search is exhaustive;
it is always exhaustive over those boundaries.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from diagnostico_experto.comun.archivos_yaml import leer
from diagnostico_experto.comun.errores import ErrorDiagnostico
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS, NIVELES, NO_SABE
from diagnostico_experto.lote.formulario import no_expresables
from diagnostico_experto.reglas.descripciones import literal
from diagnostico_experto.reglas.esquema import ArchivoReglas, DependenciaArchivo
from diagnostico_experto.reglas.hechos import ESTADOS, TIPOS
from diagnostico_experto.reglas.lenguaje import legible
from diagnostico_experto.reglas.porque import porque
from diagnostico_experto.reglas.regla import (
    Compara,
    Condicion,
    Negacion,
    Patron,
    Regla,
    cumplida,
    lista_legible,
)

EPSILON = 0.001
MAX_COMBINACIONES = 200_000


@dataclass
class Hallazgo:
    lugar: str  # archivo:línea
    mensaje: str
    error: bool = True

    def __str__(self) -> str:
        return f"{self.lugar}: {'' if self.error else 'advertencia: '}{self.mensaje}"


def validar(reglas: list[Regla], conocimiento: Conocimiento) -> list[Hallazgo]:
    return [
        *(Hallazgo(lugar, mensaje, error=False) for r in reglas for lugar, mensaje in r.avisos),
        *_preguntas_sin_uso(reglas, conocimiento),
        *_fuera_del_formulario(conocimiento),
        *_condiciones_imposibles(reglas),
        *_reglas_que_se_alimentan(reglas),
        *_uniones_cuadraticas(reglas),
        *_dependencias(reglas, conocimiento),
        *_logra_desconocidos(reglas),
        *(h for area in AREAS for h in clasificacion(area, reglas, conocimiento)),
    ]


def _preguntas_sin_uso(reglas: list[Regla], conocimiento: Conocimiento) -> list[Hallazgo]:
    doc = None  # the questionnaire is read again only to point at lines, and only if needed
    hallazgos = []
    for indice, pregunta in enumerate(conocimiento.cuestionario.preguntas):
        razones = porque(pregunta, reglas, conocimiento)
        if razones.directas or razones.por_puntaje or razones.decide:
            continue
        doc = doc or leer(conocimiento.carpeta / "cuestionario.yaml")
        hallazgos.append(
            Hallazgo(
                f"{legible(doc.ruta)}:{doc.linea(('preguntas', indice, 'id'))}",
                f"ninguna regla usa la pregunta {pregunta.id} (ni su % de logro)",
                error=False,
            )
        )
    return hallazgos


def _fuera_del_formulario(conocimiento: Conocimiento) -> list[Hallazgo]:
    """Questions the XLSForm (``diagnostico formulario``) cannot ask as the terminal does."""
    hallazgos = no_expresables(conocimiento.cuestionario)
    if not hallazgos:
        return []
    doc = leer(conocimiento.carpeta / "cuestionario.yaml")
    return [
        Hallazgo(f"{legible(doc.ruta)}:{doc.linea(('preguntas', indice, 'id'))}", mensaje, False)
        for indice, mensaje in hallazgos
    ]


def _logra_desconocidos(reglas: list[Regla]) -> list[Hallazgo]:
    """A product that «logra» an element no rule reads could never count as completed."""
    conocidos = {
        str(c.valor("elemento")) for r in reglas for c in r.conclusiones if c.tipo == "elemento"
    }
    return [
        Hallazgo(
            regla.lugar(),
            f"regla «{regla.id}»: «logra» nombra el elemento «{elemento}», que ninguna regla "
            "lee; el avance nunca contaría el producto como completado",
        )
        for regla in reglas
        for c in regla.conclusiones
        if c.tipo == "producto"
        for elemento in _lista(c.valor("logra"))
        if elemento not in conocidos
    ]


def _compatibles(patron: Patron, conclusion_campos: dict[str, Any]) -> bool:
    """Could a concluded fact with these (literal or variable) fields meet the pattern?"""
    for campo, restriccion in patron.restricciones:
        valor = conclusion_campos.get(campo)
        if valor is None or isinstance(valor, tuple):  # absent, a variable or a template
            continue
        if not restriccion.cumple(valor):
            return False
    return True


def _condiciones_imposibles(reglas: list[Regla]) -> list[Hallazgo]:
    conclusiones = [(c.tipo, dict(c.campos)) for r in reglas for c in r.conclusiones]
    hallazgos = []
    for regla in reglas:
        for condicion in regla.condiciones:
            if not isinstance(condicion, Patron) or not TIPOS[condicion.tipo].conclusion:
                continue
            if not any(t == condicion.tipo and _compatibles(condicion, c) for t, c in conclusiones):
                filtros = ", ".join(
                    f"{c} {r.texto()}" for c, r in condicion.restricciones if r.operaciones
                )
                hallazgos.append(
                    Hallazgo(
                        regla.lugar(),
                        f"regla «{regla.id}»: ninguna regla concluye «{condicion.tipo}»"
                        + (f" con {filtros}" if filtros else "")
                        + "; la condición nunca se cumple",
                    )
                )
    return hallazgos


def _reglas_que_se_alimentan(reglas: list[Regla]) -> list[Hallazgo]:
    """A rule whose conclusion meets its own condition can fire without end.

    A guard is a ``no:`` condition on the concluded type, or a type that is
    unique per some fields (the compiler adds that guard).
    """
    hallazgos = []
    for regla in reglas:
        negados = {c.patron.tipo for c in regla.condiciones if isinstance(c, Negacion)}
        for conclusion in regla.conclusiones:
            unico = any(conclusion.valor(c) is not None for c in TIPOS[conclusion.tipo].unico_por)
            if conclusion.tipo in negados or unico:
                continue
            campos = dict(conclusion.campos)
            if any(
                isinstance(c, Patron) and c.tipo == conclusion.tipo and _compatibles(c, campos)
                for c in regla.condiciones
            ):
                hallazgos.append(
                    Hallazgo(
                        regla.lugar(),
                        f"regla «{regla.id}»: su conclusión «{conclusion.tipo}» cumple su propia "
                        f"condición «{conclusion.tipo}» y ninguna condición «no:» lo impide; "
                        "puede dispararse sin fin (la evaluación se detiene en "
                        "max_disparos_por_comuna de limites.yaml)",
                        error=False,
                    )
                )
                break
    return hallazgos


def _uniones_cuadraticas(reglas: list[Regla]) -> list[Hallazgo]:
    """Two conditions on facts that come one per pair of services: cost grows with pairs²."""
    hallazgos = []
    for regla in reglas:
        por_par = [p.tipo for p in regla.patrones() if TIPOS[p.tipo].por_par]
        if len(por_par) >= 2:
            tipos = lista_legible(f"«{t}»" for t in por_par)
            hallazgos.append(
                Hallazgo(
                    regla.lugar(),
                    f"regla «{regla.id}»: une {tipos}, hechos que hay uno por par de servicios; "
                    "el motor compara cada uno con cada otro y el tiempo crece con el cuadrado "
                    "de los pares. Lleve el dato que necesita en un solo hecho (por ejemplo, "
                    "«grupo_servicios», que reúne los servicios que repiten etapas).",
                    error=False,
                )
            )
    return hallazgos


# --- dependencies between areas (rule data) -------------------------------------------

EXISTE = ("debil", "existe")  # an element that exists, weak or not


def _dependencias(reglas: list[Regla], conocimiento: Conocimiento) -> list[Hallazgo]:
    """Every rule a dependency names must make sure of what it presupposes.

    A rule is sure of an area's level when it asks for the area's nivel
    vigente among those levels, or reads a concluded fact that only such
    rules conclude (a structure adjustment that reads a fusion). It is sure of
    an element when it asks for the element to exist, or when its product
    requires, directly or through other products, the product that defines
    the element («o_antes») and some rule concludes that product.
    """
    declaradas = _declaradas(reglas)
    if not declaradas:
        return []
    requiere = _requiere_por_clave(reglas)
    definidas = set(requiere)
    hallazgos = []
    for lugar, dependencia in declaradas:
        p = dependencia.presupone
        nombre = f"dependencia «{dependencia.id}»" + (
            f", {dependencia.fuente}" if dependencia.fuente else ""
        )
        if (
            p.area not in AREAS
            or dependencia.concluye not in TIPOS
            or not (p.niveles or p.elemento)
        ):
            hallazgos.append(
                Hallazgo(
                    lugar,
                    f"{nombre}: nombra un área o un hecho desconocido, o no dice qué presupone",
                )
            )
            continue
        for regla in reglas:
            if not _alcanza(dependencia, regla):
                continue
            seguro_nivel = bool(p.niveles) and _segura_de_nivel(
                regla, p.area, set(p.niveles), reglas
            )
            seguro_elemento = bool(p.elemento) and (
                _pide_elemento(regla, p.area, p.elemento)
                or (
                    bool(p.o_antes)
                    and p.o_antes in definidas
                    and p.o_antes in _requeridas(regla, requiere)
                )
            )
            if seguro_nivel or seguro_elemento:
                continue
            falta = (
                f"que {p.area} esté en nivel {' o '.join(p.niveles)}"
                if p.niveles
                else f"que exista el elemento «{p.elemento}» de {p.area}"
                + (f" o que vaya antes el producto «{p.o_antes}» (requiere)" if p.o_antes else "")
            )
            hallazgos.append(
                Hallazgo(
                    regla.lugar(),
                    f"regla «{regla.id}»: concluye «{dependencia.concluye}» sin asegurar {falta}; "
                    f"{nombre}: {dependencia.descripcion.rstrip('.')}.",
                )
            )
    return hallazgos


def _declaradas(reglas: list[Regla]) -> list[tuple[str, DependenciaArchivo]]:
    """The dependencies of the rule files the rules come from, with their place."""
    declaradas = []
    for archivo in dict.fromkeys(r.archivo for r in reglas):
        try:
            doc = leer(archivo)
            contenido = doc.validar(ArchivoReglas)
        except ErrorDiagnostico:  # the rules loaded from it: it was read before
            continue
        for i, dependencia in enumerate(contenido.dependencias):
            declaradas.append((f"{archivo}:{doc.linea(('dependencias', i, 'id'))}", dependencia))
    return declaradas


def _alcanza(dependencia: DependenciaArchivo, regla: Regla) -> bool:
    if dependencia.regla and regla.id != dependencia.regla:
        return False
    return any(
        c.tipo == dependencia.concluye
        and (not dependencia.clave or c.valor("clave") == dependencia.clave)
        for c in regla.conclusiones
    )


def _permitidos(patron: Patron, campo: str, valores: tuple[str, ...]) -> set[str]:
    restriccion = dict(patron.restricciones).get(campo)
    return {v for v in valores if restriccion is None or restriccion.cumple(v)}


def _segura_de_nivel(
    regla: Regla,
    area: str,
    niveles: set[str],
    reglas: list[Regla],
    vistas: frozenset[str] = frozenset(),
) -> bool:
    for condicion in regla.condiciones:
        if not isinstance(condicion, Patron):
            continue
        if condicion.tipo == "nivel_vigente":
            if (
                _permitidos(condicion, "area", tuple(AREAS)) == {area}
                and _permitidos(condicion, "nivel", NIVELES) <= niveles
            ):
                return True
        elif TIPOS[condicion.tipo].conclusion and condicion.tipo not in vistas:
            autoras = [r for r in reglas if any(c.tipo == condicion.tipo for c in r.conclusiones)]
            if autoras and all(
                _segura_de_nivel(r, area, niveles, reglas, vistas | {condicion.tipo})
                for r in autoras
            ):
                return True
    return False


def _pide_elemento(regla: Regla, area: str, elemento: str) -> bool:
    return any(
        isinstance(c, Patron)
        and c.tipo == "elemento"
        and _permitidos(c, "area", tuple(AREAS)) == {area}
        and literal(dict(c.restricciones)["elemento"]) == elemento
        and _permitidos(c, "estado", ESTADOS) <= set(EXISTE)
        for c in regla.condiciones
        if isinstance(c, Patron) and "elemento" in dict(c.restricciones)
    )


def _requiere_por_clave(reglas: list[Regla]) -> dict[str, set[str]]:
    """Each product «clave» some rule concludes -> the claves its products require."""
    requiere: dict[str, set[str]] = {}
    for regla in reglas:
        for c in regla.conclusiones:
            clave = c.valor("clave")
            if c.tipo == "producto" and isinstance(clave, str):
                requiere.setdefault(clave, set()).update(_lista(c.valor("requiere")))
    return requiere


def _requeridas(regla: Regla, requiere: dict[str, set[str]]) -> set[str]:
    """The claves a rule's products require, directly or through other products."""
    pendientes = [
        k for c in regla.conclusiones if c.tipo == "producto" for k in _lista(c.valor("requiere"))
    ]
    vistas: set[str] = set()
    while pendientes:
        clave = pendientes.pop()
        if clave not in vistas:
            vistas.add(clave)
            pendientes.extend(requiere.get(clave, ()))
    return vistas


def _lista(valor: Any) -> list[str]:
    return [v for v in valor if isinstance(v, str)] if isinstance(valor, list | tuple) else []


# --- completeness and uniqueness of the classification ---------------------------------


def _reglas_de_nivel(area: str, reglas: list[Regla]) -> list[Regla]:
    return [
        r
        for r in reglas
        if any(c.tipo == "nivel" and c.valor("area") in (area, None) for c in r.conclusiones)
    ]


def _nivel_de(regla: Regla, area: str) -> Any:
    return next(c.valor("nivel") for c in regla.conclusiones if c.tipo == "nivel")


def _preguntas_probadas(reglas: list[Regla]) -> list[str]:
    ids = []
    for regla in reglas:
        for patron in regla.patrones():
            if patron.tipo == "respuesta":
                restriccion = dict(patron.restricciones).get("pregunta")
                id_ = literal(restriccion) if restriccion else None
                if id_ and id_ not in ids:
                    ids.append(id_)
    return ids


def _puntajes(reglas: list[Regla], area: str) -> list[float | None]:
    """Scores at every threshold the rules compare with, just around it, and the ends."""
    valores: set[float] = {0.0, 1.0}
    for regla in reglas:
        for patron in regla.patrones():
            if patron.tipo == "puntaje":
                restriccion = dict(patron.restricciones).get("valor")
                for op in restriccion.operaciones if restriccion else ():
                    if isinstance(op.operando, int | float) and not isinstance(op.operando, bool):
                        valores |= {op.operando - EPSILON, op.operando, op.operando + EPSILON}
    return [None, *sorted(v for v in valores if 0 <= v <= 1)]


def clasificacion(area: str, reglas: list[Regla], conocimiento: Conocimiento) -> list[Hallazgo]:
    """Counter-examples where the area gets no level, or two at the same priority."""
    de_nivel = _reglas_de_nivel(area, reglas)
    cuestionario = conocimiento.cuestionario
    preguntas = [
        cuestionario.por_id[i] for i in _preguntas_probadas(de_nivel) if i in cuestionario.por_id
    ]
    dominios = [[*p.valores(), NO_SABE, None] for p in preguntas]
    elementos = _elementos(area, reglas) if _usa_elementos(de_nivel) else {}
    dominios += [[None, *estados] for estados in elementos.values()]
    puntajes = _puntajes(de_nivel, area)
    total = len(puntajes) * 2
    for d in dominios:
        total *= len(d)
    if total > MAX_COMBINACIONES:
        return [
            Hallazgo(
                de_nivel[0].lugar() if de_nivel else "reglas",
                f"{area}: demasiadas combinaciones ({total}) para revisar la clasificación",
                error=False,
            )
        ]
    lugar = de_nivel[0].lugar() if de_nivel else "reglas"
    otros = sorted(_otros_tipos(de_nivel))  # e.g. servicio: absent, or present
    # conditions on answers and key elements are checked once per combination of them,
    # the rest once per score and presence of other facts (a condition reads one fact type)
    fijas = [[c for c in r.condiciones if _tipo(c) in _FIJOS] for r in de_nivel]
    variables = [[c for c in r.condiciones if _tipo(c) not in _FIJOS] for r in de_nivel]
    for valores in itertools.product(*dominios):
        de_respuestas, de_elementos = valores[: len(preguntas)], valores[len(preguntas) :]
        respuestas = {
            p.id: v for p, v in zip(preguntas, de_respuestas, strict=True) if v is not None
        }
        leidos = {e: v for e, v in zip(elementos, de_elementos, strict=True) if v is not None}
        hechos_fijos = {
            "respuesta": _hechos(area, respuestas, None, True, cuestionario)["respuesta"],
            "elemento": [{"area": area, "elemento": e, "estado": v} for e, v in leidos.items()],
        }
        posibles = [
            (r, vs)
            for r, fs, vs in zip(de_nivel, fijas, variables, strict=True)
            if all(cumplida(c, _por_tipo(hechos_fijos)) for c in fs)
        ]
        for puntaje, completo, presentes in itertools.product(
            puntajes, (True, False), itertools.product((False, True), repeat=len(otros))
        ):
            hechos = {**_hechos(area, {}, puntaje, completo, cuestionario), **hechos_fijos}
            con = [t for t, hay in zip(otros, presentes, strict=True) if hay]
            hechos.update({t: [{}] for t in con})
            de_tipo = _por_tipo(hechos)
            cumplen = [r for r, vs in posibles if all(cumplida(c, de_tipo) for c in vs)]
            if cumplen:
                tope = max(r.prioridad for r in cumplen)
                empatadas = [r for r in cumplen if r.prioridad == tope]
                if len({_nivel_de(r, area) for r in empatadas}) == 1:
                    continue
            ejemplo = (
                _ejemplo(area, {**respuestas, **leidos}, puntaje, completo)
                + "".join(f"; con algún hecho «{t}»" for t in con)
                + "".join(f"; sin hechos «{t}»" for t in otros if t not in con)
            )
            if not cumplen:
                return [Hallazgo(lugar, f"{area}: ninguna regla da nivel con {ejemplo}")]
            ids = ", ".join(
                f"«{r.id}» ({r.lugar()}, nivel {_nivel_de(r, area)})" for r in empatadas
            )
            return [
                Hallazgo(
                    empatadas[0].lugar(),
                    f"{area}: dos niveles con la misma prioridad {tope}: {ids}, con {ejemplo}",
                )
            ]
    return []


_FIJOS = ("respuesta", "elemento")  # fact types fixed by the outer loop of ``clasificacion``


def _tipo(condicion: Condicion) -> str | None:
    if isinstance(condicion, Compara):
        return None
    return (condicion.patron if isinstance(condicion, Negacion) else condicion).tipo


def _por_tipo(hechos: dict[str, list[dict[str, Any]]]):
    return lambda tipo: hechos.get(tipo, [])


def _usa_elementos(reglas: list[Regla]) -> bool:
    return any(p.tipo == "elemento" for r in reglas for p in r.patrones())


def _elementos(area: str, reglas: list[Regla]) -> dict[str, list[str]]:
    """The key elements of an area and the states the rules can read them in."""
    elementos: dict[str, list[str]] = {}
    for regla in reglas:
        for c in regla.conclusiones:
            if c.tipo != "elemento" or c.valor("area") != area:
                continue
            estados = elementos.setdefault(str(c.valor("elemento")), [])
            if c.valor("estado") not in estados:
                estados.append(str(c.valor("estado")))
    return elementos


def _otros_tipos(reglas: list[Regla]) -> set[str]:
    tipos = set()
    for regla in reglas:
        for patron in regla.patrones():
            if patron.tipo not in ("respuesta", "puntaje", "elemento"):
                tipos.add(patron.tipo)
    return tipos


def _hechos(area, respuestas, puntaje, completo, cuestionario) -> dict[str, list[dict[str, Any]]]:
    return {
        "respuesta": [
            {"pregunta": i, "area": cuestionario.por_id[i].area, "valor": v}
            for i, v in respuestas.items()
        ],
        "puntaje": [
            {
                "area": area,
                "valor": puntaje,
                "completo": completo,
                "desconocidas": 0 if completo else 9,
            }
        ],
    }


def _ejemplo(area: str, respuestas: dict[str, Any], puntaje: float | None, completo: bool) -> str:
    partes = [f"{i}={v}" for i, v in respuestas.items()] or [
        "sin respuestas que las reglas prueben"
    ]
    logro = "sin datos" if puntaje is None else f"{puntaje:g}"
    return f"{', '.join(partes)}; % de logro de {area} {logro} ({'completa' if completo else 'incompleta'})"
