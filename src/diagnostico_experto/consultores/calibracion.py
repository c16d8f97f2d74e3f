"""`reglas calibrar`: the classification's numeric parameters against the mesas' validations.

Every threshold is a default to calibrate; the mesas' validations are the
labelled data for it: where a mesa moved a level, the method disagreed with the
people who know the comuna. This module

- measures the agreement between diagnosed and validated levels per area
  (confusion matrix and linear-weighted kappa, a few lines each below);
- finds the numeric parameters the classification rules use (rules that
  conclude a ``nivel``, and the rules those depend on), whatever they are
  called, and searches values that agree better (coordinate search on a grid,
  staying as close as it can to the current values);
- estimates the agreement of that search on comunas it did not see
  (leave one comuna out), so a proposal that only memorises is visible, and
  proposes a change only when that estimate beats the current agreement.

Re-running a classification for new parameter values reuses the comuna's facts
and compiles only the classification rules, with the new values put in place of
the old ones: no file is rewritten during the search.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from diagnostico_experto.comun.archivos_yaml import leer
from diagnostico_experto.comun.errores import ErrorReglas
from diagnostico_experto.comun.formato_chileno import numero
from diagnostico_experto.comun.restricciones import Operacion
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS
from diagnostico_experto.conocimiento.puntaje import calcular
from diagnostico_experto.conocimiento.respuestas import Respuestas, huella_area
from diagnostico_experto.lote.entradas import Entrada
from diagnostico_experto.lote.evaluacion import respuestas_de
from diagnostico_experto.motor.compilador import MotorExperta, compilar
from diagnostico_experto.motor.motor import Motor
from diagnostico_experto.reglas.hechos import TIPOS, datos, hechos_de, tipo_de
from diagnostico_experto.reglas.lenguaje import legible
from diagnostico_experto.reglas.regla import Compara, Condicion, Negacion, Patron, Regla, cumplida

NIVELES_ORDENADOS = ("bajo", "medio", "alto")
_VALOR = {n: i for i, n in enumerate(NIVELES_ORDENADOS)}
_NIVEL = TIPOS["nivel"].clase
MIN_CASOS, MEJORA_MINIMA, PASO = (
    "calibracion_min_casos",
    "calibracion_mejora_minima",
    "calibracion_paso",
)


@dataclass
class CasoEtiquetado:
    """A comuna's answers and the levels people who know it gave some of its areas."""

    origen: str
    respuestas: Respuestas
    etiquetas: dict[str, str]  # area -> validated (or expected) level


@dataclass
class Acuerdo:
    """Agreement between validated and diagnosed levels, per area and over all areas."""

    por_area: dict[str, tuple[float | None, list[list[int]], int]]  # kappa, matrix, n
    kappa: float | None
    exactos: int
    total: int


@dataclass
class Calibracion:
    casos: int
    comunas: int
    etiquetas: int
    parametros: dict[str, float]  # the classification's numeric parameters, current values
    actual: Acuerdo
    propuesta: dict[str, float] = field(default_factory=dict)  # only the changed ones
    ajustado: Acuerdo | None = None  # in-sample, with the proposal
    validacion_cruzada: Acuerdo | None = None  # leave one comuna out
    motivo: str = ""  # why nothing is proposed, when nothing is
    ilustrativos: int = 0  # cases whose answers are illustrative, not a real mesa's
    # disagreements no searched value of any one parameter changes: (origin, area, validated, diagnosed)
    sin_parametro: list[tuple[str, str, str, str]] = field(default_factory=list)


# --- the classification as a function of its parameters ------------------------------


def reglas_de_clasificacion(reglas: Sequence[Regla]) -> list[Regla]:
    """Rules that conclude a ``nivel``, and the rules whose conclusions they read."""
    elegidas = [r for r in reglas if any(c.tipo == "nivel" for c in r.conclusiones)]
    while True:
        leidos = {p.tipo for r in elegidas for p in r.patrones()}
        nuevas = [
            r for r in reglas if r not in elegidas and any(c.tipo in leidos for c in r.conclusiones)
        ]
        if not nuevas:
            return elegidas
        elegidas += nuevas


def _operaciones_de(condicion: Condicion) -> Iterable[Operacion]:
    if isinstance(condicion, Compara):
        yield condicion.operacion
        return
    patron = condicion.patron if isinstance(condicion, Negacion) else condicion
    for _, restriccion in patron.restricciones:
        yield from restriccion.operaciones


def _operaciones(regla: Regla) -> Iterable[Operacion]:
    for condicion in regla.condiciones:
        yield from _operaciones_de(condicion)


def parametros_numericos(reglas: Sequence[Regla], conocimiento: Conocimiento) -> dict[str, float]:
    """Numeric parameters the rules compare with, and their current values, in first-use order."""
    valores = conocimiento.valores_parametros()
    encontrados: dict[str, float] = {}
    for regla in reglas:
        for op in _operaciones(regla):
            valor = valores.get(op.parametro or "")
            if op.parametro and isinstance(valor, int | float) and not isinstance(valor, bool):
                encontrados.setdefault(op.parametro, valor)
    return encontrados


def _con_valores_condicion(condicion: Condicion, valores: dict[str, float]) -> Condicion:
    """The condition with the given parameters' values in place of the current ones."""

    def operacion(op: Operacion) -> Operacion:
        return _con_valor(op, valores)

    def patron(p: Patron) -> Patron:
        return dataclasses.replace(
            p,
            restricciones=tuple(
                (c, dataclasses.replace(r, operaciones=tuple(map(operacion, r.operaciones))))
                for c, r in p.restricciones
            ),
        )

    if isinstance(condicion, Compara):
        return dataclasses.replace(condicion, operacion=operacion(condicion.operacion))
    if isinstance(condicion, Negacion):
        return Negacion(patron(condicion.patron))
    return patron(condicion)


def _con_valores(regla: Regla, valores: dict[str, float]) -> Regla:
    return dataclasses.replace(
        regla, condiciones=tuple(_con_valores_condicion(c, valores) for c in regla.condiciones)
    )


class Clasificador:
    """Levels of every case for given parameter values; each set of values is run once."""

    def __init__(
        self,
        reglas: Sequence[Regla],
        conocimiento: Conocimiento,
        casos: list[CasoEtiquetado],
        parametros: Iterable[str] = (),
    ):
        self.reglas = sorted(reglas_de_clasificacion(reglas), key=lambda r: -r.prioridad)
        self.casos = casos
        # only the facts some pattern could match, whatever the parameters' values:
        # the rest cannot change a level
        patrones: dict[str, list[Patron]] = defaultdict(list)
        for regla in self.reglas:
            for p in regla.patrones():
                patrones[p.tipo].append(_sin_parametros(p))
        self._hechos = [
            [
                (tipo, campos)
                for tipo, campos in _hechos_planos(c.respuestas, conocimiento)
                if any(p.coincide(campos) for p in patrones[tipo])
            ]
            for c in casos
        ]
        self._memoria: dict[tuple[tuple[str, float], ...], list[dict[str, str]]] = {}
        self._maximo = conocimiento.limites.max_disparos_por_comuna  # a runaway rule stops there
        self._usos = _usos_de_parametros(self.reglas)
        self._por_firma: dict[tuple[int, tuple[bool, ...]], dict[str, str]] = {}
        self.directo = _sin_uniones(self.reglas)
        if self.directo:
            # conditions that use no calibrated parameter are checked once per case
            nombres = set(parametros)
            self._variables = [[c for c in r.condiciones if _usa(c, nombres)] for r in self.reglas]
            self._por_tipo = [_por_tipo(hechos) for hechos in self._hechos]
            self._fijas = [
                [
                    all(cumplida(c, h.__getitem__) for c in r.condiciones if not _usa(c, nombres))
                    for r in self.reglas
                ]
                for h in self._por_tipo
            ]

    def niveles(self, valores: dict[str, float]) -> list[dict[str, str]]:
        clave = tuple(sorted(valores.items()))
        if clave not in self._memoria:
            self._memoria[clave] = (
                self._directo(valores) if self.directo else self._con_motor(valores)
            )
        return self._memoria[clave]

    def _directo(self, valores: dict[str, float]) -> list[dict[str, str]]:
        """The level of an area is the one of the highest-priority rule whose conditions hold."""
        variables = [
            [_con_valores_condicion(c, valores) for c in condiciones]
            for condiciones in self._variables
        ]
        resultado = []
        for hechos, fijas in zip(self._por_tipo, self._fijas, strict=True):
            niveles: dict[str, str] = {}
            for regla, fija, condiciones in zip(self.reglas, fijas, variables, strict=True):
                if fija and all(cumplida(c, hechos.__getitem__) for c in condiciones):
                    for conclusion in regla.conclusiones:
                        if conclusion.tipo == "nivel":
                            niveles.setdefault(conclusion.valor("area"), conclusion.valor("nivel"))
            resultado.append(niveles)
        return resultado

    def _con_motor(self, valores: dict[str, float]) -> list[dict[str, str]]:
        """The engine's levels; a case is run again only when some parameter test changes."""
        firmas = [self._firma(i, valores) for i in range(len(self._hechos))]
        motor: MotorExperta | None = None
        resultado = []
        for i, (hechos, firma) in enumerate(zip(self._hechos, firmas, strict=True)):
            if firma is not None and (i, firma) in self._por_firma:
                resultado.append(self._por_firma[i, firma])
                continue
            if motor is None:
                motor = compilar([_con_valores(r, valores) for r in self.reglas])()
            motor.reset()
            motor.disparos = []
            motor.declare(*(TIPOS[tipo].nuevo(**campos) for tipo, campos in hechos))
            motor.run(steps=self._maximo)
            niveles: dict[str, str] = {}
            for hecho in motor.facts.values():
                if type(hecho) is _NIVEL:
                    d = datos(hecho)
                    niveles.setdefault(d["area"], d["nivel"])
            if firma is not None:
                self._por_firma[i, firma] = niveles
            resultado.append(niveles)
        return resultado

    def _firma(self, caso: int, valores: dict[str, float]) -> tuple[bool, ...] | None:
        """The outcome of every parameter test on the case's facts with these values.

        The parameters reach the classification only through these tests, so
        two sets of values with the same outcomes give the same levels. None
        when a parameter is tested where the outcome cannot be known before
        running (a ``compara``, or a fact the classification concludes).
        """
        if self._usos is None:
            return None
        return tuple(
            _con_valor(op, valores).cumple(campos.get(campo))
            for tipo, campo, op in self._usos
            for t, campos in self._hechos[caso]
            if t == tipo
        )


def _sin_parametros(patron: Patron) -> Patron:
    """The pattern without its parameter tests: what it may match for some values."""
    return dataclasses.replace(
        patron,
        restricciones=tuple(
            (
                c,
                dataclasses.replace(
                    r, operaciones=tuple(op for op in r.operaciones if not op.parametro)
                ),
            )
            for c, r in patron.restricciones
        ),
    )


def _con_valor(op: Operacion, valores: dict[str, float]) -> Operacion:
    if op.parametro in valores:
        return dataclasses.replace(op, operando=valores[op.parametro])
    return op


def _usos_de_parametros(reglas: Sequence[Regla]) -> list[tuple[str, str, Operacion]] | None:
    """Each parameter test as (fact type, field, operation), if all test given facts."""
    concluidos = {c.tipo for r in reglas for c in r.conclusiones}
    usos = []
    for regla in reglas:
        for condicion in regla.condiciones:
            if isinstance(condicion, Compara):
                if condicion.operacion.parametro:
                    return None
                continue
            patron = condicion.patron if isinstance(condicion, Negacion) else condicion
            for campo, restriccion in patron.restricciones:
                for op in restriccion.operaciones:
                    if op.parametro:
                        if patron.tipo in concluidos:
                            return None
                        usos.append((patron.tipo, campo, op))
    return usos


def _usa(condicion: Condicion, nombres: set[str]) -> bool:
    return any(op.parametro in nombres for op in _operaciones_de(condicion))


def _sin_uniones(reglas: Sequence[Regla]) -> bool:
    """Whether every rule is a plain test of facts (no variables, no facts other rules conclude).

    Then the level of an area is the one of the highest-priority rule whose
    conditions hold, and each condition can be checked on its own — the same
    answer the engine gives, a thousand times faster. Otherwise the engine runs.
    """
    concluidos = {c.tipo for r in reglas for c in r.conclusiones}
    for regla in reglas:
        for condicion in regla.condiciones:
            if isinstance(condicion, Compara):
                return False
            patron = condicion.patron if isinstance(condicion, Negacion) else condicion
            if patron.variables() or patron.tipo in concluidos:
                return False
        for conclusion in regla.conclusiones:
            if any(isinstance(v, tuple) for _, v in conclusion.campos):
                return False
    return True


def _por_tipo(hechos: list[tuple[str, dict]]) -> dict[str, list[dict]]:
    por_tipo: dict[str, list[dict]] = defaultdict(list)
    for tipo, campos in hechos:
        por_tipo[tipo].append(campos)
    return por_tipo


def _hechos_planos(respuestas: Respuestas, conocimiento: Conocimiento) -> list[tuple[str, dict]]:
    puntajes = calcular(respuestas.respuestas, conocimiento)
    return [(tipo_de(h).nombre, datos(h)) for h in hechos_de(respuestas, puntajes, conocimiento)]


# --- agreement -------------------------------------------------------------------------


def _pares(
    casos: Sequence[CasoEtiquetado], niveles: Sequence[dict[str, str]], area: str | None = None
) -> tuple[list[str], list[str]]:
    validados, diagnosticados = [], []
    for caso, nivel in zip(casos, niveles, strict=True):
        for a, etiqueta in caso.etiquetas.items():
            if area in (None, a) and a in nivel:
                validados.append(etiqueta)
                diagnosticados.append(nivel[a])
    return validados, diagnosticados


def matriz_de_confusion(
    validados: Sequence[str],
    diagnosticados: Sequence[str],
    niveles: Sequence[str] = NIVELES_ORDENADOS,
) -> list[list[int]]:
    """How many cases fall in each (validated, diagnosed) pair: rows validated, columns diagnosed."""
    indice = {nivel: i for i, nivel in enumerate(niveles)}
    matriz = [[0] * len(niveles) for _ in niveles]
    for v, d in zip(validados, diagnosticados, strict=True):
        if v in indice and d in indice:
            matriz[indice[v]][indice[d]] += 1
    return matriz


def kappa_ponderado(
    validados: Sequence[str],
    diagnosticados: Sequence[str],
    niveles: Sequence[str] = NIVELES_ORDENADOS,
) -> float | None:
    """Cohen's (1968) weighted kappa with linear weights: 1 is full agreement, 0 chance.

    kappa = 1 - sum(w * observed) / sum(w * expected), where w = |i - j| is how
    many levels apart a pair is and expected = row total * column total / n (the
    pairs chance would give with the same margins). None when it is undefined:
    no pairs, or margins that leave chance no disagreement (a single level).
    """
    matriz = matriz_de_confusion(validados, diagnosticados, niveles)
    n = sum(map(sum, matriz))
    if n == 0:
        return None
    filas = [sum(fila) for fila in matriz]
    columnas = [sum(columna) for columna in zip(*matriz, strict=True)]
    pares = [(i, j) for i in range(len(niveles)) for j in range(len(niveles))]
    observado = sum(abs(i - j) * matriz[i][j] for i, j in pares)
    esperado = sum(abs(i - j) * filas[i] * columnas[j] for i, j in pares) / n
    if esperado == 0:
        return None
    return 1 - observado / esperado


def acuerdo(casos: Sequence[CasoEtiquetado], niveles: Sequence[dict[str, str]]) -> Acuerdo:
    por_area = {}
    for area in AREAS:
        v, d = _pares(casos, niveles, area)
        por_area[area] = (kappa_ponderado(v, d), matriz_de_confusion(v, d), len(v))
    v, d = _pares(casos, niveles)
    return Acuerdo(
        por_area, kappa_ponderado(v, d), sum(a == b for a, b in zip(v, d, strict=True)), len(v)
    )


def _error(casos: Sequence[CasoEtiquetado], niveles: Sequence[dict[str, str]]) -> int:
    """Total distance in levels between validated and diagnosed (what the search lowers)."""
    v, d = _pares(casos, niveles)
    return sum(abs(_VALOR[a] - _VALOR[b]) for a, b in zip(v, d, strict=True))


# --- the search --------------------------------------------------------------------------


def candidatos(valor: float, paso: float) -> list[float]:
    """Values to try for a parameter: a grid over [0, 1] for shares, whole steps for counts."""
    if isinstance(valor, int) or valor > 1:
        base = int(valor)
        return [float(v) for v in range(max(0, base - 3), base + 4)]
    n = round(1 / paso)
    return sorted({round(i * paso, 4) for i in range(n + 1)} | {float(valor)})


def buscar(
    clasificador: Clasificador,
    inicio: dict[str, float],
    indices: Sequence[int],
    paso: float,
    rondas: int = 4,
    admite: Callable[[str, float], bool] = lambda _nombre, _valor: True,
) -> dict[str, float]:
    """Coordinate search: each parameter in turn takes its best grid value; ties stay near ``inicio``."""
    casos = [clasificador.casos[i] for i in indices]

    def costo(valores: dict[str, float]) -> tuple[int, float]:
        todos = clasificador.niveles(valores)
        distancia = sum(abs(valores[n] - inicio[n]) for n in valores)
        return _error(casos, [todos[i] for i in indices]), round(distancia, 6)

    valores = dict(inicio)
    mejor = costo(valores)
    for _ in range(rondas):
        cambio = False
        for nombre in inicio:
            for candidato in candidatos(inicio[nombre], paso):
                if not admite(nombre, candidato):
                    continue
                prueba = valores | {nombre: candidato}
                c = costo(prueba)
                if c < mejor:
                    valores, mejor, cambio = prueba, c, True
        if not cambio:
            break
    return valores


def calibrar(
    casos: list[CasoEtiquetado], reglas: Sequence[Regla], conocimiento: Conocimiento
) -> Calibracion:
    parametros = conocimiento.valores_parametros()
    clasificacion = reglas_de_clasificacion(reglas)
    actuales = parametros_numericos(clasificacion, conocimiento)
    clasificador = Clasificador(reglas, conocimiento, casos, actuales)
    niveles = clasificador.niveles(actuales)
    calibracion = Calibracion(
        casos=len(casos),
        comunas=len({c.respuestas.comuna for c in casos}),
        etiquetas=sum(len(c.etiquetas) for c in casos),
        parametros=actuales,
        actual=acuerdo(casos, niveles),
        ilustrativos=sum(1 for c in casos if c.respuestas.ilustrativo),
    )
    paso = float(parametros.get(PASO, 0.05))

    def admite(nombre: str, valor: float) -> bool:
        return conocimiento.parametros[nombre].admite(valor)

    calibracion.sin_parametro = _sin_parametro(clasificador, casos, actuales, paso, admite)
    minimo = int(float(parametros.get(MIN_CASOS, 20)))
    if not actuales:
        calibracion.motivo = (
            "las reglas de clasificación no comparan con ningún parámetro numérico; "
            "no hay nada que calibrar"
        )
        return calibracion
    if len(casos) < minimo:
        calibracion.motivo = (
            f"hay {len(casos)} casos validados y se necesitan al menos {minimo} "
            f"(parámetro {MIN_CASOS}) para proponer valores: con menos casos, la propuesta "
            "se ajustaría a esos casos y no a las comunas"
        )
        return calibracion
    todos = list(range(len(casos)))
    ajustados = buscar(clasificador, actuales, todos, paso, admite=admite)
    calibracion.ajustado = acuerdo(casos, clasificador.niveles(ajustados))
    # leave one comuna out (all its diagnoses): a comuna's two diagnoses are not independent
    fuera: list[dict[str, str]] = [{} for _ in casos]
    for comuna in dict.fromkeys(c.respuestas.comuna for c in casos):
        dentro = [j for j in todos if casos[j].respuestas.comuna != comuna]
        niveles_fuera = clasificador.niveles(
            buscar(clasificador, actuales, dentro, paso, admite=admite)
        )
        for j in todos:
            if casos[j].respuestas.comuna == comuna:
                fuera[j] = niveles_fuera[j]
    calibracion.validacion_cruzada = acuerdo(casos, fuera)
    cambios = {n: v for n, v in ajustados.items() if v != actuales[n]}
    mejora = float(parametros.get(MEJORA_MINIMA, 0.05))
    k_actual = calibracion.actual.kappa if calibracion.actual.kappa is not None else 0.0
    k_fuera = calibracion.validacion_cruzada.kappa
    if not cambios:
        calibracion.motivo = "los valores actuales ya son los que mejor concuerdan con las mesas"
        if calibracion.sin_parametro:
            calibracion.motivo += (
                f"; los {len(calibracion.sin_parametro)} desacuerdos que quedan no dependen de "
                "ningún parámetro que se busca (ver «Desacuerdos que ningún parámetro corrige»)"
            )
    elif k_fuera is None or k_fuera < k_actual + mejora:
        calibracion.motivo = (
            "los valores encontrados concuerdan mejor con los mismos casos, pero no con comunas "
            f"que la búsqueda no vio (kappa dejando una comuna fuera {_num(k_fuera)} frente a "
            f"{_num(k_actual)} actual; se pide una mejora de al menos {_num(mejora)}, "
            f"parámetro {MEJORA_MINIMA}): la búsqueda memoriza, no generaliza"
        )
    else:
        calibracion.propuesta = cambios
    return calibracion


def _sin_parametro(
    clasificador: Clasificador,
    casos: list[CasoEtiquetado],
    actuales: dict[str, float],
    paso: float,
    admite: Callable[[str, float], bool],
) -> list[tuple[str, str, str, str]]:
    """The disagreements that no value the search tries, of any one parameter, turns into
    agreement: they come from what the rules read (key elements), not from a threshold."""
    niveles = clasificador.niveles(actuales)
    pendientes = {
        (i, area)
        for i, caso in enumerate(casos)
        for area, etiqueta in caso.etiquetas.items()
        if niveles[i].get(area) != etiqueta
    }
    for nombre in actuales:
        for candidato in candidatos(actuales[nombre], paso):
            if not pendientes:
                break
            if admite(nombre, candidato):
                prueba = clasificador.niveles(actuales | {nombre: candidato})
                pendientes = {
                    (i, a) for i, a in pendientes if prueba[i].get(a) != casos[i].etiquetas[a]
                }
    return [
        (casos[i].origen, area, casos[i].etiquetas[area], niveles[i].get(area, "—"))
        for i, area in sorted(pendientes)
    ]


def _num(valor: float | None, decimales: int = 2) -> str:
    """Chilean format: decimal comma."""
    if valor is None:
        return "—"
    return numero(valor, decimales)


# --- the proposal as files ------------------------------------------------------------------


def archivos_propuestos(
    conocimiento: Path, propuesta: dict[str, float]
) -> dict[Path, tuple[str, str]]:
    """Each knowledge file that defines a proposed parameter: (current text, proposed text).

    Only the ``valor:`` line of each parameter changes, so comments stay as they are.
    """
    cambios: dict[Path, tuple[str, str]] = {}
    for ruta in sorted(conocimiento.glob("*.yaml")):
        doc = leer(ruta)
        definidos = doc.datos.get("parametros") if isinstance(doc.datos, dict) else None
        if not isinstance(definidos, dict):
            continue
        texto = ruta.read_text(encoding="utf-8")
        lineas = texto.splitlines(keepends=True)
        for nombre, valor in propuesta.items():
            if nombre not in definidos:
                continue
            linea = doc.linea(("parametros", nombre, "valor"))
            if linea is None:
                raise ErrorReglas.uno(ruta, f"no se encontró la línea de «{nombre}.valor»")
            nuevo = f"{valor:g}" if not float(valor).is_integer() else str(int(valor))
            lineas[linea - 1] = re.sub(
                r"(valor:\s*)[^\s#]+", rf"\g<1>{nuevo}", lineas[linea - 1], count=1
            )
        propuesto = "".join(lineas)
        if propuesto != texto:
            cambios[ruta] = (texto, propuesto)
    return cambios


# --- where the labelled cases come from ----------------------------------------------------


def casos_de_respuestas(entradas: list[Entrada], motor: Motor) -> list[CasoEtiquetado]:
    """Answer files whose mesa validated some area: the validated level is the label."""
    casos = []
    for entrada in entradas:
        respuestas = respuestas_de(entrada, motor)
        # a validation made against other answers (stale) labels nothing
        etiquetas: dict[str, str] = {
            a: v.nivel
            for a, v in respuestas.validacion.items()
            if v.huella is None
            or v.huella == huella_area(a, respuestas.respuestas, motor.conocimiento)
        }
        if etiquetas:
            casos.append(CasoEtiquetado(entrada.origen, respuestas, etiquetas))
    return casos


def casos_de_pruebas(archivos: list[Path], motor: Motor) -> list[CasoEtiquetado]:
    """Consultants' test cases: their expected diagnosed levels are labels.

    An expected nivel vigente counts too where the answers carry no mesa
    validation for that area (there the vigente level is the diagnosed one).
    """
    from diagnostico_experto.consultores.casos import leer_casos, respuestas_del_caso

    casos = []
    for ruta in archivos:
        for leido in leer_casos(ruta):
            respuestas = respuestas_del_caso(leido, motor.conocimiento)
            espera = leido.caso.espera
            etiquetas: dict[str, str] = {
                a: n for a, n in espera.niveles.items() if a not in respuestas.validacion
            }
            etiquetas.update(espera.diagnosticados.items())
            etiquetas = {a: n for a, n in etiquetas.items() if a in AREAS}
            if etiquetas:
                casos.append(
                    CasoEtiquetado(f"{leido.lugar}: {leido.caso.nombre}", respuestas, etiquetas)
                )
    return casos


# --- the report ---------------------------------------------------------------------------


def como_markdown(
    c: Calibracion, origen: str, nombres: dict[str, str], archivos: dict[Path, tuple[str, str]]
) -> str:
    parametros = "; ".join(
        f"`{n}` = {_num(v, 4).rstrip('0').rstrip(',')}" for n, v in c.parametros.items()
    )
    lineas = [
        "# Calibración de la clasificación",
        "",
        f"Casos: {c.casos} diagnósticos de {c.comunas} comunas con niveles validados por la mesa, "
        f"{c.etiquetas} áreas validadas ({origen}).",
        f"Parámetros numéricos de la clasificación (leídos de sus reglas): {parametros or 'ninguno'}.",
        "",
    ]
    if c.ilustrativos:
        lineas += [
            f"**Validaciones ilustrativas:** {c.ilustrativos} de {c.casos} casos son respuestas "
            "de ejemplo, no de una mesa comunal real; el acuerdo y la propuesta muestran el "
            "método y no dicen cuán bien clasifican las reglas.",
            "",
        ]
    lineas += [
        "## Acuerdo con los valores actuales",
        "",
        f"Kappa ponderado (lineal) de todas las áreas: **{_num(c.actual.kappa)}** · "
        f"{c.actual.exactos} de {c.actual.total} áreas en el mismo nivel que validó la mesa.",
    ]
    for area in AREAS:
        kappa, matriz, n = c.actual.por_area[area]
        lineas += [
            "",
            f"### {nombres[area]}: kappa {_num(kappa)} ({n} {'validada' if n == 1 else 'validadas'})",
            "",
            "| validado por la mesa \\ diagnosticado | bajo | medio | alto |",
            "|---|---|---|---|",
        ]
        lineas += [
            f"| {nivel} | " + " | ".join(str(x) for x in fila) + " |"
            for nivel, fila in zip(NIVELES_ORDENADOS, matriz, strict=True)
        ]
    if c.ajustado is not None and c.validacion_cruzada is not None:
        lineas += [
            "",
            "## Búsqueda de valores que concuerden mejor",
            "",
            "| valores | kappa | mismo nivel | " + " | ".join(nombres[a] for a in AREAS) + " |",
            "|---|---|---|" + "---|" * len(AREAS),
        ]
        for titulo, a in (
            ("actuales", c.actual),
            ("encontrados, en los mismos casos", c.ajustado),
            ("encontrados, dejando cada comuna fuera de la búsqueda", c.validacion_cruzada),
        ):
            lineas.append(
                f"| {titulo} | {_num(a.kappa)} | {a.exactos} de {a.total} | "
                + " | ".join(_num(a.por_area[x][0]) for x in AREAS)
                + " |"
            )
        lineas += [
            "",
            "La última fila estima el acuerdo con comunas que la búsqueda no vio: si no mejora, "
            "los valores encontrados solo memorizan los casos.",
        ]
    if c.sin_parametro:
        lineas += [
            "",
            "## Desacuerdos que ningún parámetro corrige",
            "",
            f"{len(c.sin_parametro)} desacuerdos no cambian con ningún valor que la búsqueda "
            "prueba para un parámetro: vienen de lo que leen las reglas (los elementos clave de "
            "cada nivel), no de un umbral; revíselos en las reglas de clasificación.",
            "",
        ]
        lineas += [
            f"- {origen}: {nombres.get(area, area)}, validado {validado}, diagnosticado "
            f"{diagnosticado}"
            for origen, area, validado, diagnosticado in c.sin_parametro[:15]
        ]
        if len(c.sin_parametro) > 15:
            lineas.append(f"- y {len(c.sin_parametro) - 15} más")
    lineas += ["", "## Propuesta", ""]
    if not c.propuesta:
        lineas.append(f"No se propone ningún cambio: {c.motivo}.")
    else:
        lineas += [
            f"- `{n}`: {_num(c.parametros[n], 4).rstrip('0').rstrip(',')} → "
            f"{_num(v, 4).rstrip('0').rstrip(',')}"
            for n, v in c.propuesta.items()
        ]
        for ruta, (antes, despues) in archivos.items():
            lineas += ["", "```diff"]
            lineas += [
                linea.rstrip("\n")
                for linea in difflib.unified_diff(
                    antes.splitlines(keepends=True),
                    despues.splitlines(keepends=True),
                    fromfile=legible(ruta),
                    tofile=f"{legible(ruta)} (propuesta)",
                )
            ]
            lineas.append("```")
    return "\n".join(lineas) + "\n"
