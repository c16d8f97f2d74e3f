"""A cheaper path through experta's RETE network, with the same results.

experta builds the network (``ReteMatcher``, unchanged); this subclass only
changes how facts and activations travel through it:

- a declared fact goes only to the root node of its own fact type: experta
  hands it to every type node, and all but one refuse it;
- below a type node, the tests of one fact (its alpha branch: fields against
  literals or predicates, variables bound from fields, the fact captured)
  depend only on the values of the fields they read: the first fact with
  those values runs them, and the nodes it reaches below them (joins,
  negations, conflict sets), each with the bindings it got, are remembered
  and handed the next fact with the same values directly, in the same
  order; deeper in the network, a test of a field against a literal is
  tried before the token is copied for it;
- a reset wipes each node that keeps a memory, once (experta wipes every
  node, a shared one once per path);
- after a change, only the rules whose conflict set received something are
  asked for their activations, in experta's order, instead of all of them;
- a token is copied only when a test binds a variable into it (the only
  thing that writes into a token); experta copies it at every node. The
  copy skips the type checks of ``Token.__new__``: its parts are already a
  token's;
- the tests the compiler writes (a plain field against a literal, a
  predicate or a wildcard; a fact captured), the joins, the negations'
  right and left inputs and the conflict sets run the same steps as
  experta's nodes without a log line per test and without re-checking
  tokens they build; an activation is hashed once, from its rule's hash
  (computed once per rule) and the frozen token the node keeps.

Every node still runs its own test, in the order experta would run it, so
firing order, trace and results are the same; only refusals are skipped.
The compiler takes the matcher as a parameter: experta's own ``ReteMatcher``
gives the reference results the tests and benchmarks compare with.

It reads experta's internals (a token is a named tuple, ``_reset``, the nodes'
memories), so experta is pinned to 1.9.4; the comparison test
(``tests/test_red.py``) is the gate for any upgrade.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from contextlib import suppress
from itertools import repeat
from typing import Any

from experta.activation import Activation
from experta.fieldconstraint import L, P, W
from experta.matchers.rete import ReteMatcher
from experta.matchers.rete.abstract import OneInputNode, TwoInputNode
from experta.matchers.rete.check import FactCapture, FeatureCheck, SameContextCheck, TypeCheck
from experta.matchers.rete.mixins import ChildNode, NoMemory
from experta.matchers.rete.nodes import (
    BusNode,
    ConflictSetNode,
    FeatureTesterNode,
    NotNode,
    OrdinaryMatchNode,
)
from experta.matchers.rete.token import Token, TokenInfo
from experta.utils import frozenlist

_FALTA = object()  # a field the fact does not have
_MAXIMO_MEMO = 4096  # field-value combinations remembered per type node
_VALIDO = Token.TagType.VALID
_INVALIDO = Token.TagType.INVALID

Llamada = Callable[[Token], Any]


class ReteDirigida(ReteMatcher):
    """experta's RETE matcher, dispatching facts by type and field value."""

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        raiz = _BusPorTipo()
        raiz.children = self.root_node.children  # type: ignore[has-type]
        self.root_node = raiz
        self._pendientes: set[ConflictSetNode] = set()
        conjuntos = self._get_conflict_set_nodes()
        self._posicion = {nodo: i for i, nodo in enumerate(conjuntos)}
        self._recablear()

    def _recablear(self) -> None:
        """Each link copies tokens cheaply; a link into a conflict set also notes it as pending."""
        vistos: set[int] = set()
        self._nodos: list[Any] = []
        por_visitar = [self.root_node]
        while por_visitar:
            nodo = por_visitar.pop()
            if id(nodo) in vistos:
                continue
            vistos.add(id(nodo))
            self._nodos.append(nodo)
            for i, hijo in enumerate(nodo.children):
                llamada = _con_copia_rapida(hijo.node, hijo.callback, self._pendientes)
                if isinstance(hijo.node, ConflictSetNode) and not hasattr(llamada, "anota"):
                    llamada = self._anotar(hijo.node, llamada)
                nodo.children[i] = ChildNode(hijo.node, llamada)
                por_visitar.append(hijo.node)
        # experta's nodes without memory reset nothing (mixins.NoMemory)
        con_memoria = [n for n in self._nodos if type(n)._reset is not NoMemory._reset]
        self._dos_memorias = [n for n in con_memoria if type(n) in (OrdinaryMatchNode, NotNode)]
        self._conjuntos = [n for n in con_memoria if type(n) is ConflictSetNode]
        self._con_memoria = [
            n for n in con_memoria if n not in self._dos_memorias and n not in self._conjuntos
        ]

    def _anotar(self, conjunto: ConflictSetNode, llamada: Llamada) -> Llamada:
        pendientes = self._pendientes

        def anotar_y_activar(token: Token) -> Any:
            pendientes.add(conjunto)
            return llamada(token)

        return anotar_y_activar

    def reset(self) -> None:
        """Wipe every node's memory, each node once.

        experta resets the network from the root down every path, so a node
        shared by several rules is wiped once per path (a thousand calls per
        comuna for a few hundred nodes). A join's, a negation's and a rule's
        conflict set's memories are emptied where they are (experta's
        ``_reset`` of those nodes gives them new empty ones: nothing else holds
        them), without a Python call per node.
        """
        for nodo in self._dos_memorias:  # experta's _reset gives each new empty memories
            nodo.left_memory.clear()
            nodo.right_memory.clear()
        for nodo in self._conjuntos:
            nodo.memory.clear()
        for nodo in self._con_memoria:
            nodo._reset()

    def changes(
        self, adding: Iterable[Any] | None = None, deleting: Iterable[Any] | None = None
    ) -> tuple[list[Any], list[Any]]:
        """Like experta's: retractions, then declarations, then the new activations."""
        for hecho in deleting or ():
            self.root_node.remove(hecho)
        for hecho in adding or ():
            self.root_node.add(hecho)
        agregadas: list[Any] = []
        quitadas: list[Any] = []
        for conjunto in sorted(self._pendientes, key=self._posicion.__getitem__):
            # ConflictSetNode.get_activations: its sets handed over, new ones in their place
            agregadas.extend(conjunto.added)
            quitadas.extend(conjunto.removed)
            conjunto.added = set()
            conjunto.removed = set()
        self._pendientes.clear()
        return agregadas, quitadas


# ``Token._make`` without its Python call: a token is a named tuple (and so is
# ``token.to_info()``: the same frozen facts and context, built here inline)
_TUPLA: Any = tuple.__new__
_NUEVO: Any = object.__new__


def _copia(token: Token) -> Token:
    """``token.copy()`` without re-checking parts that already form a token."""
    return _TUPLA(Token, (token.tag, token.data.copy(), token.context.copy()))


_ENTRADAS = {  # experta's entry points, each "copy the token, then activate"
    OneInputNode.activate: "_activate",
    TwoInputNode.activate_left: "_activate_left",
    TwoInputNode.activate_right: "_activate_right",
}


def _con_copia_rapida(nodo: Any, llamada: Llamada, pendientes: set[Any]) -> Llamada:
    """The same entry point of the node, copying the token only if the node may change it.

    experta copies a token at every node, because a test that binds a
    variable writes it into the token's context, and the parent hands the
    same token to its next child. Only such a test changes a token: a test
    without a binding, a join (it builds a new token) and a conflict set (it
    keeps a frozen copy) only read it, so they get the token as it is.
    Any other callback is left as it is. A rule's conflict set notes itself in
    ``pendientes`` when it gets a token (``ReteDirigida.changes`` asks only those).
    """
    entrada = _ENTRADAS.get(getattr(llamada, "__func__", None))
    if entrada is None or getattr(llamada, "__self__", None) is not nodo:
        return llamada
    if entrada == "_activate":
        literal = _literal(nodo)
        if literal is not None:
            return _si_coincide_activar(nodo, *literal)
        prueba = _prueba_directa(nodo)
        if prueba is not None:
            return _probar_y_activar(nodo, prueba)
        if type(nodo) is ConflictSetNode:
            return _activar_regla(nodo, pendientes)
    por_contexto = isinstance(getattr(nodo, "matcher", None), SameContextCheck)
    if type(nodo) is OrdinaryMatchNode and por_contexto:
        return _unir(nodo, por_la_izquierda=entrada == "_activate_left")
    if type(nodo) is NotNode and por_contexto and entrada == "_activate_right":
        return _negar_por_la_derecha(nodo)
    if type(nodo) is NotNode and entrada == "_activate_left":
        return _negar_por_la_izquierda(nodo)
    activar: Llamada = getattr(nodo, entrada)
    if not _puede_cambiar_el_token(nodo):
        return activar

    def copiar_y_activar(token: Token) -> Any:
        return activar(_copia(token))

    return copiar_y_activar


def _si_coincide_activar(nodo: FeatureTesterNode, campo: str, valor: Any) -> Llamada:
    """A test of a field against a literal, the commonest node: made inline, and
    the token handed on as it is (the test binds nothing)."""
    hijos = nodo.children

    def si_coincide_activar(token: Token) -> None:
        (hecho,) = token.data
        actual = hecho.get(campo, _FALTA)
        iguales = actual is not _FALTA and valor == actual  # experta's order: literal == value
        if not iguales:
            return
        for hijo in hijos:
            hijo.callback(token)

    return si_coincide_activar


def _prueba_directa(nodo: Any) -> Callable[[Any], Any] | None:
    """The test of a node that reads one plain field of its fact (a literal, a
    predicate, a wildcard) or captures the fact, as a function of the fact;
    None for any other test.

    experta's checks walk the field's name as a path and write a log line per
    test; these are the same comparisons, made directly.
    """
    if not isinstance(nodo, FeatureTesterNode):
        return None
    chequeo = nodo.matcher
    if type(chequeo) is FactCapture:
        variable = chequeo.bind
        return lambda hecho: {variable: hecho}
    if not isinstance(chequeo, FeatureCheck) or type(chequeo.how) not in (L, P, W):
        return None
    campo, comprobar, esperado = chequeo.what, chequeo.check, chequeo.expected
    if not _campo_simple(campo):
        return None

    def probar(hecho: Any) -> Any:
        try:
            actual = hecho[campo]
        except (IndexError, KeyError, TypeError):
            return False
        return comprobar(actual, esperado)

    return probar


def _probar_y_activar(nodo: FeatureTesterNode, prueba: Callable[[Any], Any]) -> Llamada:
    """``FeatureTesterNode.activate`` with its test made directly.

    The token is copied only when the test binds a variable into it (experta
    copies it before testing, at every node).
    """
    hijos = nodo.children  # the list itself: rewired in place

    def probar_y_activar(token: Token) -> None:
        (hecho,) = token.data
        coincide = prueba(hecho)
        if not coincide:
            return
        if coincide is not True and isinstance(coincide, Mapping):
            contexto = token.context
            for clave, valor in coincide.items():  # experta's own checks, in its order
                if isinstance(clave, tuple):
                    if clave[1] in contexto and contexto[clave[1]] == valor:
                        return
                else:
                    if contexto.get(clave, valor) != valor:
                        return
                    if (False, clave) in contexto and contexto[(False, clave)] == valor:
                        return
            token = _copia(token)
            token.context.update(coincide)
        for hijo in hijos:
            hijo.callback(token)

    return probar_y_activar


def _unir(nodo: OrdinaryMatchNode, por_la_izquierda: bool) -> Llamada:
    """``OrdinaryMatchNode.activate_left`` (or ``_right``) without a log line per pair.

    The same memories, the same order and the same new tokens; the new
    token's parts are already a token's, so they are not checked again.
    """
    coinciden = nodo.matcher
    hijos = nodo.children

    def unir(token: Token) -> None:
        if por_la_izquierda:
            propia, otra = nodo.left_memory, nodo.right_memory
        else:
            propia, otra = nodo.right_memory, nodo.left_memory
        info = _TUPLA(TokenInfo, (frozenset(token.data), frozenset(token.context.items())))
        if token.tag is _VALIDO:
            propia.append(info)
        else:
            with suppress(ValueError):
                propia.remove(info)
        contexto = token.context
        for otros_hechos, otro_contexto in otra:
            otro = dict(otro_contexto)
            if not (coinciden(contexto, otro) if por_la_izquierda else coinciden(otro, contexto)):
                continue
            nuevo = {k: v for k, v in contexto.items() if isinstance(k, str)}
            for k, v in otro.items():
                if not isinstance(k, tuple):
                    nuevo[k] = v
            unido = _TUPLA(Token, (token.tag, token.data | otros_hechos, nuevo))
            for hijo in hijos:
                hijo.callback(unido)

    return unir


def _negar_por_la_derecha(nodo: NotNode) -> Llamada:
    """``NotNode.activate_right``: the same counts and tokens, each stored partial
    match compared with the new fact as it is kept (experta turns each into a
    dictionary first)."""
    hijos = nodo.children

    def negar(token: Token) -> None:
        info = _TUPLA(TokenInfo, (frozenset(token.data), frozenset(token.context.items())))
        if token.tag is _VALIDO:
            nodo.right_memory.append(info)
            cambio = 1
        else:
            cambio = -1
            nodo.right_memory.remove(info)
        contexto = token.context
        izquierda = nodo.left_memory
        for parcial in izquierda:
            if not _mismo_contexto(parcial.context, contexto):
                continue
            izquierda[parcial] += cambio
            cuenta = izquierda[parcial]
            if (cuenta == 0 and cambio == -1) or (cuenta == 1 and cambio == 1):
                etiqueta = _VALIDO if cambio == -1 else _INVALIDO
                nuevo = _TUPLA(Token, (etiqueta, set(parcial.data), dict(parcial.context)))
                for hijo in hijos:
                    hijo.callback(nuevo)

    return negar


def _negar_por_la_izquierda(nodo: NotNode) -> Llamada:
    """``NotNode.activate_left``: the same counts, memory and tokens, the token
    frozen once (experta freezes it again to store it)."""
    hijos = nodo.children
    coinciden = nodo.matcher

    def negar(token: Token) -> None:
        izquierda, derecha = nodo.left_memory, nodo.right_memory
        info = _TUPLA(TokenInfo, (frozenset(token.data), frozenset(token.context.items())))
        if not derecha:
            if token.tag is _VALIDO:
                izquierda[info] = 0
            else:
                del izquierda[info]
            for hijo in hijos:
                hijo.callback(token)
            return
        contexto = token.context
        cuenta = 0
        for _, otro in derecha:
            if coinciden(contexto, dict(otro)):
                cuenta += 1
                if token.tag is not _VALIDO:
                    break
        if cuenta == 0:
            for hijo in hijos:
                hijo.callback(token)
        if token.tag is _VALIDO:
            izquierda[info] = cuenta
        else:
            del izquierda[info]

    return negar


def _mismo_contexto(pares: Iterable[tuple[Any, Any]], derecha: Mapping[Any, Any]) -> bool:
    """experta's ``SameContextCheck`` for a left context kept as pairs."""
    for clave, valor in pares:
        if clave[0] is False:
            raise RuntimeError(f'Negated value "{clave[1]}" present before capture.')
        if clave in derecha and valor != derecha[clave]:
            return False
        if (False, clave) in derecha and valor == derecha[(False, clave)]:
            return False
    return True


def _activar_regla(nodo: ConflictSetNode, pendientes: set[Any]) -> Llamada:
    """``ConflictSetNode.activate``: the same memory and the same activations,
    each hashed once (experta hashes an activation at every set it meets, and
    its rule, pattern by pattern, each time)."""
    regla = nodo.rule
    hash_regla = hash(regla)  # a compiled rule does not change

    def activar_regla(token: Token) -> None:
        pendientes.add(nodo)
        info = _TUPLA(TokenInfo, (frozenset(token.data), frozenset(token.context.items())))
        contexto = {}
        for clave, valor in info.context:
            if type(clave) is str:
                contexto[clave] = valor
        # experta's Activation(rule, facts, context), its attributes set at once;
        # its hash from parts already hashed: the rule's, the frozen facts' and
        # (when every key is a name) the frozen context's
        congelado = info.context if len(contexto) == len(info.context) else None
        activacion = _NUEVO(_Activacion)
        activacion.__dict__ = {
            "rule": regla,
            "facts": set(info.data),
            "key": None,
            "context": contexto,
            "_hash": hash((hash_regla, info.data, congelado or frozenset(contexto.items()))),
        }
        if token.tag is _VALIDO:
            if info not in nodo.memory:
                nodo.memory.add(info)
                if activacion in nodo.removed:
                    nodo.removed.remove(activacion)
                else:
                    nodo.added.add(activacion)
        else:
            try:
                nodo.memory.remove(info)
            except ValueError:  # as experta: a set raises KeyError, which goes up
                pass
            else:
                if activacion in nodo.added:
                    nodo.added.remove(activacion)
                else:
                    nodo.removed.add(activacion)

    activar_regla.anota = True  # type: ignore[attr-defined]
    return activar_regla


class _Activacion(Activation):
    """experta's activation with its hash given when the network creates it: its
    rule, facts and context do not change after that."""

    _hash: int

    def __hash__(self) -> int:
        return self._hash


def _puede_cambiar_el_token(nodo: Any) -> bool:
    """A test node whose check may bind a variable (write into the token's context)."""
    if not isinstance(nodo, FeatureTesterNode):
        return False  # a join or a conflict set: it reads the token
    chequeo = nodo.matcher
    if isinstance(chequeo, TypeCheck):
        return False
    if isinstance(chequeo, FeatureCheck) and type(chequeo.how) in (L, P, W):
        return chequeo.how.__bind__ is not None
    return True  # a capture, or a combination of checks: they may bind


class _BusPorTipo(BusNode):
    """The root node: a fact goes only to the node that tests for its type."""

    def __init__(self) -> None:
        super().__init__()
        self._por_tipo: dict[type, tuple[Llamada, ...]] = {}

    def add(self, fact: Any) -> None:
        token = _TUPLA(Token, (_VALIDO, {fact}, {}))  # Token.valid, without re-checking
        for llamada in self._llamadas(type(fact)):
            llamada(token)

    def remove(self, fact: Any) -> None:
        token = _TUPLA(Token, (_INVALIDO, {fact}, {}))
        for llamada in self._llamadas(type(fact)):
            llamada(token)

    def _llamadas(self, tipo: type) -> tuple[Llamada, ...]:
        llamadas = self._por_tipo.get(tipo)
        if llamadas is None:
            llamadas = tuple(
                _NodoDeTipo(hijo.node).activar if _es_de_tipo(hijo.node) else hijo.callback
                for hijo in self.children
                if not _es_de_tipo(hijo.node) or hijo.node.matcher.fact_type is tipo
            )
            self._por_tipo[tipo] = llamadas
        return llamadas


def _es_de_tipo(nodo: Any) -> bool:
    return isinstance(nodo, FeatureTesterNode) and isinstance(nodo.matcher, TypeCheck)


class _NodoDeTipo:
    """A type node's alpha branch, run once per combination of the values it reads.

    The tests below a type node, down to the first node of another kind (a
    join, a negation, a rule's conflict set, a test this module does not
    make directly), read only the fact: which of those nodes a fact reaches,
    and with which bindings, depends only on the values of the fields they
    test (with their types: ``1 == True``, yet a predicate may tell them
    apart). The first fact with some values runs the tests; the nodes it
    reached, in the order it reached them, and where each binding came from
    (a field, or the fact itself) are remembered for the next.
    """

    def __init__(self, nodo: FeatureTesterNode) -> None:
        self._hijos = list(nodo.children)
        campos: list[str] = []
        self._memorizable = _reunir_campos(self._hijos, campos)
        self._campos = tuple(dict.fromkeys(campos))
        self._memo: dict[Hashable, tuple[tuple[Llamada, _Receta], ...]] = {}

    def activar(self, token: Token) -> None:
        """What the type node does (its test passes: the bus sent only its type).

        The token is the bus's own, new for each fact; the nodes reached only read it.
        """
        (hecho,) = token.data
        for llamada, receta in self._salidas(hecho):
            if receta:
                contexto = {}
                for clave, campo in receta:
                    contexto[clave] = hecho if campo is None else hecho[campo]
                llamada(_TUPLA(Token, (token.tag, token.data, contexto)))
            else:
                llamada(token)

    def _salidas(self, hecho: Any) -> tuple[tuple[Llamada, _Receta], ...]:
        if not self._memorizable:
            return _recorrer(self._hijos, hecho)
        valores = tuple(map(dict.get, repeat(hecho), self._campos, repeat(_FALTA)))
        tipos = tuple(map(type, valores))
        if _LLANOS.issuperset(tipos):  # plain values: the values and their types
            clave: Hashable = (valores, tipos)
        else:
            try:
                clave = (tuple(map(_con_tipo, valores)), None)
            except TypeError:  # a value that is not a plain one: test it every time
                return _recorrer(self._hijos, hecho)
        salidas = self._memo.get(clave)
        if salidas is None:
            salidas = _recorrer(self._hijos, hecho)
            if len(self._memo) >= _MAXIMO_MEMO:
                self._memo.clear()
            self._memo[clave] = salidas
        return salidas


_Receta = tuple[tuple[str, str | None], ...]  # (variable, field it is read from | None: the fact)
_LISTA = type(frozenlist())
# types whose values are keys as they are, next to their types (``_FALTA`` is an object)
_LLANOS = frozenset({str, int, float, bool, type(None), object})


def _con_tipo(valor: Any) -> Hashable:
    """A field's value as a key that tells ``1``, ``1.0`` and ``True`` apart."""
    tipo = type(valor)
    if tipo is str or valor is _FALTA:
        return valor
    if tipo in (int, float, bool, type(None)):
        return (tipo, valor)
    if tipo is _LISTA:
        return (tipo, tuple(_con_tipo(v) for v in valor))
    raise TypeError(tipo)


def _reunir_campos(hijos: list[ChildNode], campos: list[str]) -> bool:
    """The fields the alpha tests below read (into ``campos``); False if some test
    is not one this module makes directly (the branch is then not remembered)."""
    for hijo in hijos:
        nodo = hijo.node
        if not isinstance(nodo, FeatureTesterNode):
            continue  # a node of another kind: where the branch ends
        literal = _literal(nodo)
        if literal is not None:
            campos.append(literal[0])
        elif _prueba_directa(nodo) is not None:
            if isinstance(nodo.matcher, FeatureCheck):
                campos.append(nodo.matcher.what)
        else:
            return False
        if not _reunir_campos(list(nodo.children), campos):
            return False
    return True


def _recorrer(
    hijos: list[ChildNode],
    hecho: Any,
    contexto: dict[Any, Any] | None = None,
    receta: _Receta = (),
) -> tuple[tuple[Llamada, _Receta], ...]:
    """The alpha tests below a type node run on one fact, as each node would run
    them: the nodes of other kinds it reaches, in order, with their bindings."""
    contexto = {} if contexto is None else contexto
    salidas: list[tuple[Llamada, _Receta]] = []
    for hijo in hijos:
        nodo = hijo.node
        literal = _literal(nodo) if isinstance(nodo, FeatureTesterNode) else None
        prueba = None if literal else _prueba_directa(nodo)
        if literal is not None:
            campo, valor = literal
            actual = hecho.get(campo, _FALTA)
            if actual is not _FALTA and valor == actual:  # experta's order: literal == value
                salidas += _recorrer(list(nodo.children), hecho, contexto, receta)
            continue
        if prueba is None:  # another kind of node: where the branch ends
            salidas.append((hijo.callback, receta))
            continue
        coincide = prueba(hecho)
        if not coincide:
            continue
        nuevo_contexto, nueva_receta = contexto, receta
        if isinstance(coincide, Mapping):
            if not _admite(contexto, coincide):
                continue
            nuevo_contexto = {**contexto, **coincide}
            campo_leido = nodo.matcher.what if isinstance(nodo.matcher, FeatureCheck) else None
            nueva_receta = receta + tuple((clave, campo_leido) for clave in coincide)
        salidas += _recorrer(list(nodo.children), hecho, nuevo_contexto, nueva_receta)
    return tuple(salidas)


def _admite(contexto: Mapping[Any, Any], coincide: Mapping[Any, Any]) -> bool:
    """experta's own checks of new bindings against those in the token, in its order."""
    for clave, valor in coincide.items():
        if isinstance(clave, tuple):
            if clave[1] in contexto and contexto[clave[1]] == valor:
                return False
        else:
            if contexto.get(clave, valor) != valor:
                return False
            if (False, clave) in contexto and contexto[(False, clave)] == valor:
                return False
    return True


def _literal(nodo: Any) -> tuple[str, Any] | None:
    """(field, value) when the node only checks that a plain field equals a literal."""
    if not isinstance(nodo, FeatureTesterNode) or not isinstance(nodo.matcher, FeatureCheck):
        return None
    chequeo = nodo.matcher
    campo = chequeo.what
    if not isinstance(chequeo.how, L) or chequeo.how.__bind__ is not None:
        return None
    if not _campo_simple(campo):
        return None
    return campo, chequeo.how.value


def _campo_simple(campo: Any) -> bool:
    """A field read as it is: experta reads ``a__b`` as a path and ``0`` as a position."""
    return isinstance(campo, str) and "__" not in campo and not campo.isnumeric()
