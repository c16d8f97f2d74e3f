"""Rules, as loaded from files, compiled into one experta engine.

Each ``Regla`` becomes an experta ``Rule``: fact patterns become typed
patterns whose fields hold literals, ``MATCH`` variables (joins, as in CLIPS)
or ``P`` predicates; ``no`` becomes ``NOT``; ``compara`` becomes ``TEST`` with
a generated signature (no ``eval``). Every pattern is captured so that the
action can record which facts made the rule fire.

A conclusion whose type is unique per some fields (a level per area) gets a
guard ``NOT(<that fact>)``: the first rule to conclude it, by priority, wins,
and the activations of the others for that area are withdrawn.
"""

from __future__ import annotations

import bisect
import inspect
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Set
from typing import Any, NamedTuple

from experta import AS, MATCH, NOT, TEST, Fact, KnowledgeEngine, P, W
from experta import Rule as RuleExperta
from experta.agenda import Agenda
from experta.factlist import FactList
from experta.strategies import DepthStrategy

from diagnostico_experto.comun.restricciones import Restriccion
from diagnostico_experto.motor.red import ReteDirigida
from diagnostico_experto.reglas.hechos import TIPOS, congelar, de_congelados
from diagnostico_experto.reglas.regla import (
    Compara,
    Conclusion,
    Condicion,
    Negacion,
    Patron,
    Regla,
    como_texto,
    partes,
)

PREFIJO_VARIABLE = "v_"
PREFIJO_HECHO = "hecho_"


class Disparo(NamedTuple):
    """One firing: the rule, the facts that matched, its variables, what it declared.

    A named tuple: the engine builds one per firing without a Python call.
    """

    regla: Regla
    hechos: list[Any]
    vinculos: dict[str, Any]
    declarados: list[Any]


class _OrdenEstable(DepthStrategy):
    """experta's depth strategy with a fixed tie-break.

    Two activations with the same salience and the same facts (a product and
    the hours drawn from one nivel vigente) would otherwise fire in an order
    that depends on hash randomisation; here they fire in rule-file order, so
    the trace is the same in every process.
    """

    def get_key(self, activation: Any) -> Any:
        # the depth strategy's key (salience, then the newest facts first), computed
        # directly: its lru_cache hashes every activation, rule, facts and context
        hechos = sorted(map(_NUMERO, activation.facts), reverse=True)
        return (activation.rule.salience, hechos, -activation.rule._wrapped.orden)

    def update_agenda(self, agenda: Any, added: Any, removed: Any) -> None:
        """experta's depth strategy, without its log lines (``update_agenda``)
        and comparing keys directly (experta compares activations through a
        Python ``__lt__`` that compares the same keys).

        A withdrawn activation is looked for where its key goes and next to it,
        as experta does; a new one is inserted after those with an equal key.
        """
        activaciones = agenda.activations
        for activacion in removed:
            activacion.key = clave = self.get_key(activacion)
            regla = activacion.rule
            i = bisect.bisect_left(activaciones, clave, key=_CLAVE)
            for desplazamiento in (0, 1, -1):  # experta's order; -1 at 0 is the last one
                try:
                    otra = activaciones[i + desplazamiento]
                except IndexError:
                    continue
                # experta's equality (context, facts, rule, key), its cheap parts first:
                # a compiled rule equals only itself (each has its own action)
                if otra.rule is regla and otra.key == clave and otra == activacion:
                    del activaciones[i + desplazamiento]
                    break
        for activacion in added:
            activacion.key = self.get_key(activacion)
            bisect.insort(activaciones, activacion, key=_CLAVE)

    _update_agenda = update_agenda


_CLAVE = operator.attrgetter("key")
_TUPLA: Any = tuple.__new__  # a named tuple built from its parts, without its Python ``__new__``
_NUMERO = operator.itemgetter("__factid__")


class _ListaDeHechos(FactList):
    """experta's fact list, declaring with the same steps and fewer calls.

    A fact's identity (to refuse a duplicate) is built with one test per
    field, or none for a fact never declared (it has no special keys yet);
    ``declare`` calls experta's validation only for a ``Fact`` subclass
    that declares fields (the project's facts declare none), and skips its
    log line per fact, which formats nothing unless logging is on but is
    still a call.
    """

    @staticmethod
    def _get_fact_id(fact: Any) -> frozenset[Any]:
        if "__factid__" not in fact and "__bind__" not in fact:
            return frozenset([fact.__class__, *dict.items(fact)])
        return frozenset(
            [
                fact.__class__,
                *(
                    (k, v)
                    for k, v in fact.items()
                    if not (isinstance(k, str) and k[:2] == "__" and k[-2:] == "__")
                ),
            ]
        )

    def declare(self, fact: Any) -> Any:
        """experta's ``FactList.declare``: the fact numbered and kept, or None if
        the same fact is already declared."""
        if not isinstance(fact, Fact):
            raise ValueError("The fact must descend the Fact class.")
        if fact.__fields__:
            fact.validate()
        if "__factid__" not in fact and "__bind__" not in fact:  # _get_fact_id, inline
            identidad = frozenset([fact.__class__, *dict.items(fact)])
        else:
            identidad = self._get_fact_id(fact)
        if not self.duplication and identidad in self.reference_counter:
            return None
        indice: int = self.last_index  # type: ignore[has-type]
        dict.__setitem__(fact, "__factid__", indice)
        self[indice] = fact
        self.last_index = indice + 1
        self.added.append(fact)
        cuentas = self.reference_counter  # a Counter: += 1 on a new key calls its __missing__
        cuentas[identidad] = cuentas.get(identidad, 0) + 1
        return fact


class MotorExperta(KnowledgeEngine):
    """The engine class every compiled rule base derives from.

    ``disparos`` collects the firings of one run, in order.
    """

    __strategy__ = _OrdenEstable

    def __init__(self) -> None:
        self._iniciales: list[Any] | None = None
        super().__init__()
        self.disparos: list[Disparo] = []

    def reset(self) -> None:
        """experta's reset (a new agenda and fact list, the network wiped, the
        initial fact declared), with a fact list that tells duplicates apart
        faster; experta also looks its initial facts up among every attribute
        of the engine (a hundred, with the rules) each time: they never change."""
        self.agenda = Agenda()
        self.facts = _ListaDeHechos()
        self.matcher.reset()
        if self._iniciales is None:
            self._iniciales = self.get_deffacts()
        self.declare(*(hecho for iniciales in self._iniciales for hecho in iniciales()))
        self.running = False

    def reiniciar(self, hechos: Iterable[Any]) -> None:
        """``reset`` and ``declare(*hechos)`` with one pass through the network:
        the initial fact and the comuna's facts declared together, their
        activations taken once (the agenda orders them by key, so it ends the
        same as after two passes)."""
        self.agenda = Agenda()
        self.facts = _ListaDeHechos()
        self.matcher.reset()
        if self._iniciales is None:
            self._iniciales = self.get_deffacts()
        self.disparos = []
        self.running = False
        self.declare(*(hecho for iniciales in self._iniciales for hecho in iniciales()), *hechos)

    def declare(self, *facts: Any) -> Any:
        """experta's ``declare``, without checking each fact for patterns or
        nested keys: every fact here is built by its type (``reglas.hechos``),
        which allows neither."""
        ultimo = None
        for hecho in facts:
            ultimo = self.facts.declare(hecho)
        if not self.running:
            agregadas, quitadas = self.get_activations()
            self.strategy.update_agenda(self.agenda, agregadas, quitadas)
        return ultimo

    def run(self, steps: float = float("inf")) -> None:
        """experta's cycle: take the changes, update the agenda, fire the next activation.

        The same steps as ``KnowledgeEngine.run``, without its log line per
        firing, which formats every firing's facts even when logging is off
        (a large inventory fires tens of thousands of times), and handing the
        compiled action the activation's bindings as they are (experta's
        ``Rule.__call__`` filters them and passes them as keywords).
        """
        self.running = True
        hechos, matcher, agenda = self.facts, self.matcher, self.agenda
        actualizar = self.strategy.update_agenda
        try:
            while steps > 0 and self.running:
                agregados, hechos.added = hechos.added, []
                quitados, hechos.removed = hechos.removed, []
                actualizar(agenda, *matcher.changes(agregados, quitados))
                if not agenda.activations:
                    break
                activacion = agenda.activations.pop()
                steps -= 1
                activacion.rule._wrapped(self, activacion.context)
        finally:
            self.running = False


def compilar(reglas: list[Regla], matcher: type[Any] = ReteDirigida) -> type[MotorExperta]:
    """One engine class holding every rule; instantiate it once and reuse it.

    ``matcher``: the project's path through the network, or experta's own
    ``ReteMatcher`` (the reference the tests and benchmarks compare with).
    """
    atributos: dict[str, Any] = {f"regla_{i:04d}": _regla(r, i) for i, r in enumerate(reglas)}
    atributos["__matcher__"] = matcher
    return type("MotorDiagnostico", (MotorExperta,), atributos)


Lectura = tuple[int, str, str]  # (captured fact, field, variable)
_FIRMA_DE_ACCION = inspect.Signature(  # (motor, contexto): see MotorExperta.run
    [
        inspect.Parameter("motor", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("contexto", inspect.Parameter.POSITIONAL_OR_KEYWORD),
    ]
)


def _regla(regla: Regla, orden: int) -> RuleExperta:
    elementos: list[Any] = []
    locales = _locales(regla)
    lecturas: list[Lectura] = []
    n_capturados = 0
    for condicion in regla.condiciones:
        if isinstance(condicion, Patron):
            nombre = f"{PREFIJO_HECHO}{n_capturados}"
            elementos.append(getattr(AS, nombre) << _patron(condicion, locales))
            lecturas += [
                (n_capturados, campo, r.variable)
                for campo, r in condicion.restricciones
                if r.variable in locales
            ]
            n_capturados += 1
        else:
            elementos.append(_otra(condicion))
    for conclusion in regla.conclusiones:
        guardia = _guardia(conclusion)
        if guardia is not None:
            elementos.append(guardia)
    ligadas = tuple(  # the variables the network binds, each once
        dict.fromkeys(
            r.variable
            for c in regla.condiciones
            if isinstance(c, Patron)
            for _, r in c.restricciones
            if r.variable and r.variable not in locales
        )
    )
    accion = _accion(regla, n_capturados, orden, tuple(lecturas), ligadas)
    return RuleExperta(*elementos, salience=regla.prioridad)(accion)


def _locales(regla: Regla) -> set[str]:
    """Variables the network need not bind: read from their captured fact when the rule fires.

    A variable that one field of one pattern mentions, and no other field,
    negation, comparison or guard, joins nothing: binding it in the network
    would only copy tokens (a pair of services carries six such variables).
    Its value is the same read from the fact the pattern captured.
    """
    usos: Counter[str] = Counter()
    for condicion in regla.condiciones:
        if isinstance(condicion, Patron):
            usos.update(r.variable for _, r in condicion.restricciones if r.variable)
        elif isinstance(condicion, Negacion):
            usos.update(dict.fromkeys(condicion.patron.variables(), 2))
        else:
            usos.update(dict.fromkeys(filter(None, (condicion.izquierda, condicion.derecha)), 2))
    for conclusion in regla.conclusiones:
        for clave in TIPOS[conclusion.tipo].unico_por:
            valor = conclusion.valor(clave)
            if isinstance(valor, tuple) and valor[0] == "?":
                usos[valor[1]] += 2  # the guard joins on it
    return {variable for variable, n in usos.items() if n == 1}


def _patron(patron: Patron, locales: Set[str] = frozenset()) -> Any:
    tipo = TIPOS[patron.tipo]
    campos = {}
    for campo, restriccion in patron.restricciones:
        if restriccion.variable not in locales:
            campos[campo] = _campo(restriccion)
        elif restriccion.operaciones:
            campos[campo] = P(restriccion.cumple)
        elif campo in tipo.opcionales:
            campos[campo] = W()  # the field must exist, as a binding requires
        # else: every fact of the type has the field; nothing to test
    return tipo.clase(**campos)


def _campo(restriccion: Restriccion) -> Any:
    if restriccion.variable:
        variable = getattr(MATCH, PREFIJO_VARIABLE + restriccion.variable)
        # {como: ?x, distinto: alto}: bind and constrain the same field
        return variable & P(restriccion.cumple) if restriccion.operaciones else variable
    ops = restriccion.operaciones
    if len(ops) == 1 and ops[0].operador == "igual":
        return ops[0].operando  # a literal: the cheapest check for the network
    return P(restriccion.cumple)


def _otra(condicion: Condicion) -> Any:
    if isinstance(condicion, Negacion):
        return NOT(_patron(condicion.patron))
    assert isinstance(condicion, Compara)
    return TEST(_prueba(condicion))


def _prueba(c: Compara) -> Callable[..., bool]:
    """A test whose signature names the variables experta must pass to it."""
    nombres = [PREFIJO_VARIABLE + c.izquierda]
    if c.derecha:
        nombres.append(PREFIJO_VARIABLE + c.derecha)

    def prueba(**valores: Any) -> bool:
        izquierda = valores[nombres[0]]
        if c.derecha:
            operacion = type(c.operacion)(c.operacion.operador, valores[nombres[1]])
            return operacion.cumple(izquierda)
        return c.operacion.cumple(izquierda)

    prueba.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for n in nombres]
    )
    return prueba


def _claves_unicas(conclusion: Conclusion) -> tuple[str, ...]:
    """The fields a conclusion is unique by; none if it gives none of them.

    A conclusion that leaves out every such field (an adjustment without an
    ``asunto``, as rule files before concerns wrote them) is never compared.
    One that leaves out some of them is unique with those fields empty (an
    adjustment of no group of services does not clash with a group's).
    """
    claves = TIPOS[conclusion.tipo].unico_por
    return claves if any(conclusion.valor(c) is not None for c in claves) else ()


def _guardia(conclusion: Conclusion) -> Any:
    """No such fact yet with the same values of the fields it is unique by."""
    claves = _claves_unicas(conclusion)
    if not claves:
        return None
    campos = {}
    for clave in claves:
        valor = conclusion.valor(clave)
        if isinstance(valor, tuple) and valor[0] == "?":
            campos[clave] = getattr(MATCH, PREFIJO_VARIABLE + valor[1])
        else:
            campos[clave] = valor
    return NOT(TIPOS[conclusion.tipo].clase(**campos))


def _accion(
    regla: Regla,
    n_capturados: int,
    orden: int,
    lecturas: tuple[Lectura, ...],
    ligadas: tuple[str, ...],
) -> Callable[..., None]:
    """The rule's action, its conclusions compiled once (``_Plantilla``).

    ``ligadas``: the variables the network binds (in the activation's bindings
    with their prefix); ``lecturas``: those read from a captured fact.
    """
    plantillas = [_Plantilla(c, regla.id) for c in regla.conclusiones]
    capturados = tuple(f"{PREFIJO_HECHO}{i}" for i in range(n_capturados))
    claves = tuple(PREFIJO_VARIABLE + v for v in ligadas)

    def accion(motor: MotorExperta, contexto: dict[str, Any]) -> None:
        leer = contexto.__getitem__
        hechos = list(map(leer, capturados))
        vinculos = dict(zip(ligadas, map(leer, claves), strict=True))
        for i, campo, variable in lecturas:
            vinculos[variable] = hechos[i][campo]
        declarados = []
        declarar = motor.facts.declare  # the engine is running: no agenda update per fact
        for plantilla in plantillas:
            hecho = declarar(plantilla.hecho(vinculos))
            if hecho is not None:  # None: the same fact was already declared
                declarados.append(hecho)
        motor.disparos.append(_TUPLA(Disparo, (regla, hechos, vinculos, declarados)))

    accion.__name__ = regla.id
    accion.__qualname__ = regla.id
    # experta reads the action's signature each time it copies a rule while it
    # builds the network (a thousand times, a third of building it): given once
    accion.__signature__ = _FIRMA_DE_ACCION  # type: ignore[attr-defined]
    accion.orden = orden  # type: ignore[attr-defined]
    return accion


class _Plantilla:
    """One conclusion, read once: what each field of its fact is (a value frozen
    once, a variable, or a text with variables), so that a firing only fills it in.

    The fact gets the fields ``Conclusion.instanciar`` gives, in its order, then the
    unique-by fields the conclusion leaves out (empty, as its guard asks), its rule
    and its parameters: the same fact, field for field and in the same order, as
    building it from ``instanciar`` through the fact type.
    """

    def __init__(self, conclusion: Conclusion, regla: str) -> None:
        self.clase = TIPOS[conclusion.tipo].clase
        self.campos: list[tuple[str, int, Any]] = []  # (field, kind, what)
        for campo, valor in conclusion.campos:
            if isinstance(valor, tuple) and valor[0] == "?":
                self.campos.append((campo, _VARIABLE, valor[1]))
            elif isinstance(valor, tuple) and valor[0] == "texto":
                self.campos.append((campo, _TEXTO, tuple(partes(valor[1]))))
            else:
                self.campos.append((campo, _FIJO, congelar(valor)))
        cola: dict[str, Any] = {
            k: None for k in _claves_unicas(conclusion) if conclusion.valor(k) is None
        }
        cola["regla"] = regla
        if conclusion.parametros:
            cola["parametros"] = congelar(dict(conclusion.parametros))
        self.cola = cola

    def hecho(self, vinculos: dict[str, Any]) -> Any:
        campos: dict[str, Any] = {}
        for campo, tipo, que in self.campos:
            if tipo is _FIJO:
                campos[campo] = que
            elif tipo is _VARIABLE:
                campos[campo] = congelar(vinculos[que])
            else:
                campos[campo] = "".join(
                    parte if i % 2 == 0 else como_texto(vinculos.get(parte, f"{{{parte}}}"))
                    for i, parte in enumerate(que)
                )
        campos.update(self.cola)
        return de_congelados(self.clase, campos)


_FIJO, _VARIABLE, _TEXTO = 0, 1, 2
