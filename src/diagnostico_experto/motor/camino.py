"""The path to the next level: the smallest sets of answer changes with which the
rules would give an area its next level (bajo → medio, medio → alto).

The search asks the engine itself: the comuna's rules, compiled by the same
compiler, restricted to those that can conclude the area's level and what they
read (a slice compiled once per engine), run on changed answers. Which answers
may change, and only forward along each question's order, is data
(``knowledge/camino.yaml``, read by ``conocimiento/camino.py``).

How it searches, within the limits of that file (engine evaluations per area,
changes per path, paths shown):

1. all actionable changes together: if even that does not reach the level,
   there is no path;
2. each change the level rules read by name is left out in turn: those without
   which the level is not reached belong to every path (more of them than the
   changes a path may have: no path);
3. with fewer than two such changes, each change alone (its nearest step
   first);
4. otherwise, or if none alone is enough, the necessary changes plus the
   others, fewest first;
5. each change found is brought back to its nearest step that still works
   («de hecho» before «por escrito» when that is enough).

Steps 1, 2 and 5 assume that a forward change never lowers a level, which the
order of each question means; the engine still judges every set shown.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from experta import Fact

from diagnostico_experto.comun.restricciones import interpretar
from diagnostico_experto.conocimiento.preguntas import (
    AREAS,
    NIVELES,
    NO_SABE,
    Pregunta,
    PreguntaOpcionMultiple,
)
from diagnostico_experto.conocimiento.puntaje import calcular
from diagnostico_experto.conocimiento.respuestas import solo_las_que_aplican
from diagnostico_experto.motor.compilador import MotorExperta, compilar
from diagnostico_experto.motor.resultado import (
    CambioCamino,
    CaminoArea,
    CaminoCambios,
    Resultado,
)
from diagnostico_experto.reglas.descripciones import literal
from diagnostico_experto.reglas.hechos import (
    TIPOS,
    clave_de_contenido,
    datos,
    hecho_puntaje,
    hecho_respuesta,
    hechos_de,
    tipo_de,
)
from diagnostico_experto.reglas.regla import Conclusion, Patron, Regla, lista_legible

if TYPE_CHECKING:
    from diagnostico_experto.conocimiento.carpeta import Conocimiento
    from diagnostico_experto.motor.motor import Evaluacion

_SUBE = dict(itertools.pairwise(reversed(NIVELES)))  # bajo -> medio -> alto
_RANGO = {n: i for i, n in enumerate(reversed(NIVELES))}


_MAXIMO_NIVELES = 4096  # levels remembered per slice


class _Agotado(Exception):
    """The area's evaluations ran out."""


@dataclass(frozen=True)
class _Candidato:
    pregunta: str
    pasos: tuple[Any, ...]  # values reachable, nearest first; for a multiple choice, one option
    multiple: bool


def _puede_concluir(conclusion: Conclusion, patron: Patron) -> bool:
    """Whether a conclusion could give a fact that the pattern matches."""
    if conclusion.tipo != patron.tipo:
        return False
    campos = dict(conclusion.campos)
    for campo, restriccion in patron.restricciones:
        valor = campos.get(campo)
        if valor is None or isinstance(valor, tuple):
            continue  # bound from a variable or a text template: could be anything
        if not restriccion.cumple(valor):
            return False
    return True


class _Rebanada:
    """The rules that can conclude one area's level, and what they read, compiled once."""

    def __init__(self, reglas: Sequence[Regla], area: str, max_disparos: int):
        patrones = [Patron("nivel", (("area", interpretar(area, {})),))]
        elegidas: list[Regla] = []
        cambio = True
        while cambio:
            cambio = False
            for regla in reglas:
                if regla in elegidas:
                    continue
                if any(_puede_concluir(c, p) for c in regla.conclusiones for p in patrones):
                    elegidas.append(regla)
                    patrones += regla.patrones()
                    cambio = True
        self.area = area
        self._experta: MotorExperta = compilar([r for r in reglas if r in elegidas])()
        self._por_tipo: dict[str, list[Patron]] = {}
        for p in patrones:
            self._por_tipo.setdefault(p.tipo, []).append(p)
        # questions named by the rules that read answers: tried first
        self.leidas = {
            str(literal(r))
            for p in self._por_tipo.get("respuesta", ())
            for campo, r in p.restricciones
            if campo == "pregunta" and literal(r) is not None
        }
        self._max_disparos = max_disparos
        self._respuestas: dict[tuple[str, Any], Fact | None] = {}
        self._clase_nivel = TIPOS["nivel"].clase
        self._niveles: dict[tuple[Any, ...], str | None] = {}  # facts -> level
        self._leidos: dict[tuple[Any, ...], bool] = {}  # fact -> whether a pattern reads it
        self.corridas = 0  # times the rules ran (the rest were remembered)

    def lee(self, hecho: Fact) -> bool:
        """Whether a pattern of the slice could match the fact: only those are declared.

        Remembered by what the fact says: every comuna's facts are sorted again
        for each area searched, and most say what another comuna's said.
        """
        clave = clave_de_contenido(hecho)
        if clave is None:
            return self._lee(hecho)
        lee = self._leidos.get(clave)
        if lee is None:
            if len(self._leidos) >= _MAXIMO_NIVELES:
                self._leidos.clear()
            lee = self._leidos[clave] = self._lee(hecho)
        return lee

    def _lee(self, hecho: Fact) -> bool:
        patrones = self._por_tipo.get(tipo_de(hecho).nombre)
        if not patrones:
            return False
        campos = datos(hecho)
        return any(p.coincide(campos) for p in patrones)

    def respuesta(self, id_: str, valor: Any, conocimiento: Conocimiento) -> Fact | None:
        """The answer's fact when the slice reads it (remembered: a search asks often)."""
        clave = (id_, _congelado(valor))
        if clave not in self._respuestas:
            hecho = hecho_respuesta(id_, valor, conocimiento)
            self._respuestas[clave] = hecho if self.lee(hecho) else None
        return self._respuestas[clave]

    def nivel(self, hechos: Iterable[Fact]) -> str | None:
        """The level the slice's rules give with these facts, declared in this order.

        The same facts (by what they say) give the same level: it is remembered,
        so another change that the slice does not read, or another comuna with
        the same facts, does not run the rules again.
        """
        hechos = list(hechos)
        claves = tuple(map(clave_de_contenido, hechos))
        recordable = None not in claves
        if recordable and claves in self._niveles:
            return self._niveles[claves]
        nivel = self._correr(hechos)
        if recordable:
            if len(self._niveles) >= _MAXIMO_NIVELES:
                self._niveles.clear()
            self._niveles[claves] = nivel
        return nivel

    def _correr(self, hechos: list[Fact]) -> str | None:
        self.corridas += 1
        experta = self._experta
        experta.reiniciar(hechos)
        experta.run(steps=self._max_disparos)
        for hecho in experta.facts.values():
            if type(hecho) is self._clase_nivel and hecho["area"] == self.area:
                return str(hecho["nivel"])
        return None


class _Busqueda:
    """One area of one comuna: the engine asked about changed answers, with a budget."""

    def __init__(
        self,
        rebanada: _Rebanada,
        evaluacion: Evaluacion,
        hechos: list[Fact],
        conocimiento: Conocimiento,
        objetivo: str,
    ) -> None:
        self.rebanada = rebanada
        self.conocimiento = conocimiento
        self.base: dict[str, Any] = dict(evaluacion.respuestas.respuestas)
        leidos = [h for h in hechos if rebanada.lee(h)]
        self.puntaje_de = sorted({h["area"] for h in leidos if type(h) is TIPOS["puntaje"].clase})
        self._fijos = [
            h
            for h in leidos
            if type(h) is not TIPOS["puntaje"].clase and type(h) is not TIPOS["respuesta"].clase
        ]
        self.objetivo = objetivo
        self.evaluaciones = 0
        # what the search learnt when it finds no path: whether every change together
        # reaches the level, and the changes without which it is never reached
        self.todos_alcanzan = False
        self.necesarios: list[_Candidato] = []
        self._memo: dict[frozenset[tuple[str, Any]], bool] = {}

    def respuestas(self, cambios: dict[_Candidato, Any]) -> dict[str, Any]:
        """The answers after the changes, without those whose question no longer applies."""
        nuevas = dict(self.base)
        for c, paso in cambios.items():
            if c.multiple:
                pregunta = self.conocimiento.cuestionario.por_id[c.pregunta]
                assert isinstance(pregunta, PreguntaOpcionMultiple)
                exclusivas = {o.valor for o in pregunta.opciones if o.exclusiva}
                tiene = [v for v in nuevas.get(c.pregunta, []) if v not in exclusivas]
                nuevas[c.pregunta] = [v for v in pregunta.valores() if v in {*tiene, paso}]
            else:
                nuevas[c.pregunta] = paso
        return solo_las_que_aplican(nuevas, self.conocimiento.cuestionario)[0]

    def alcanza(self, cambios: dict[_Candidato, Any]) -> bool:
        nuevas = self.respuestas(cambios)
        clave = frozenset((k, _congelado(v)) for k, v in nuevas.items())
        if clave in self._memo:
            return self._memo[clave]
        if self.evaluaciones >= self.conocimiento.camino.limites.max_evaluaciones:
            raise _Agotado
        self.evaluaciones += 1
        hechos = list(self._fijos)
        for id_, valor in nuevas.items():
            hecho = self.rebanada.respuesta(id_, valor, self.conocimiento)
            if hecho is not None:
                hechos.append(hecho)
        if self.puntaje_de:
            puntajes = calcular(nuevas, self.conocimiento, self.puntaje_de)
            hechos += [h for h in map(hecho_puntaje, puntajes.values()) if self.rebanada.lee(h)]
        nivel = self.rebanada.nivel(hechos)
        logrado = nivel is not None and _RANGO[nivel] >= _RANGO[self.objetivo]
        self._memo[clave] = logrado
        return logrado

    def candidatos(self) -> list[_Candidato]:
        camino = self.conocimiento.camino
        cuestionario = self.conocimiento.cuestionario
        candidatos = []
        for id_ in camino.preguntas:
            pregunta = cuestionario.por_id[id_]
            actual = self.base.get(id_)
            if pregunta.area != self.rebanada.area or actual in (None, NO_SABE):
                continue
            multiple = isinstance(pregunta, PreguntaOpcionMultiple)
            pasos = camino.pasos(id_, actual, multiple)
            if multiple:
                candidatos += [_Candidato(id_, (p,), True) for p in pasos]
            elif pasos:
                candidatos.append(_Candidato(id_, tuple(pasos), False))
        return candidatos

    def buscar(self, candidatos: list[_Candidato], leidas: set[str]) -> list[dict[_Candidato, Any]]:
        """The smallest sets of changes that reach the level (see the module's docstring)."""
        limites = self.conocimiento.camino.limites
        if limites.max_cambios < 1 or not candidatos:
            return []
        lejos = {c: c.pasos[-1] for c in candidatos}
        primero = [c for c in candidatos if c.pregunta in leidas]
        despues = [c for c in candidatos if c.pregunta not in leidas]
        if not self.alcanza(lejos):
            return []  # not even every change together
        self.todos_alcanzan = True
        soluciones: list[dict[_Candidato, Any]] = []
        necesarios = self.necesarios
        for c in primero:
            if not self.alcanza({k: v for k, v in lejos.items() if k != c}):
                necesarios.append(c)
                if len(necesarios) > limites.max_cambios:
                    return []
        if len(necesarios) < 2:  # otherwise no change alone can be enough
            soluciones = self._de_a_uno(necesarios or [*primero, *despues], lejos)
            if soluciones:
                return soluciones
        resto = [c for c in candidatos if c not in necesarios]
        for n in range(max(0, 2 - len(necesarios)), limites.max_cambios - len(necesarios) + 1):
            for extra in itertools.combinations(resto, n):
                conjunto = {c: lejos[c] for c in (*necesarios, *extra)}
                if any(s.keys() <= conjunto.keys() for s in soluciones):
                    continue
                if self.alcanza(conjunto):
                    soluciones.append(conjunto)
                    if len(soluciones) >= limites.max_caminos:
                        return soluciones
            if soluciones:
                break
        return soluciones

    def _de_a_uno(
        self, candidatos: list[_Candidato], lejos: dict[_Candidato, Any]
    ) -> list[dict[_Candidato, Any]]:
        soluciones: list[dict[_Candidato, Any]] = []
        for c in candidatos:
            # nearest step first: when it is enough it is the one shown, with no second look
            if self.alcanza({c: c.pasos[0]}):
                soluciones.append({c: c.pasos[0]})
            elif len(c.pasos) > 1 and self.alcanza({c: lejos[c]}):
                soluciones.append({c: lejos[c]})
            if len(soluciones) >= self.conocimiento.camino.limites.max_caminos:
                break
        return soluciones

    def acercar(self, solucion: dict[_Candidato, Any]) -> dict[_Candidato, Any]:
        """Each change brought back to its nearest step that still reaches the level."""
        solucion = dict(solucion)
        for c in list(solucion):
            for paso in c.pasos[:-1]:
                if self.alcanza({**solucion, c: paso}):
                    solucion[c] = paso
                    break
        return solucion


def _congelado(valor: Any) -> Any:
    return tuple(valor) if isinstance(valor, list) else valor


class Buscador:
    """Paths to the next level for the comunas one engine evaluates."""

    def __init__(self, reglas: Sequence[Regla], conocimiento: Conocimiento) -> None:
        self.reglas = reglas
        self.conocimiento = conocimiento
        self._rebanadas: dict[str, _Rebanada] = {}

    def _rebanada(self, area: str) -> _Rebanada:
        if area not in self._rebanadas:
            self._rebanadas[area] = _Rebanada(
                self.reglas, area, self.conocimiento.limites.max_disparos_por_comuna
            )
        return self._rebanadas[area]

    def caminos(self, evaluacion: Evaluacion) -> dict[str, CaminoArea]:
        hechos: list[Fact] = []
        if any(evaluacion.resultado.areas[a].nivel in _SUBE for a in AREAS):
            hechos = hechos_de(evaluacion.respuestas, evaluacion.puntajes, self.conocimiento)
        return {area: self._area(area, evaluacion, hechos) for area in AREAS}

    def _area(self, area: str, evaluacion: Evaluacion, hechos: list[Fact]) -> CaminoArea:
        """The path toward the level above the nivel vigente.

        When the mesa comunal validated a level above the diagnosis, the path is
        the answers that would make the diagnosis agree with the mesa; when it
        validated one below, the answers already give the level above it.
        """
        resultado = evaluacion.resultado
        nivel = resultado.areas[area].nivel
        vigente = resultado.areas[area].nivel_vigente
        if _RANGO[vigente] > _RANGO[nivel]:
            objetivo, proposito = vigente, "coincidir_con_mesa"
        elif vigente in _SUBE:
            objetivo, proposito = _SUBE[vigente], "siguiente"
        else:
            return CaminoArea(nivel=nivel)
        if _RANGO[nivel] >= _RANGO[objetivo]:
            return CaminoArea(
                nivel=nivel,
                objetivo=objetivo,
                motivo=(
                    f"las respuestas ya dan nivel {nivel}; "
                    f"la mesa comunal validó el área en nivel {vigente}"
                ),
            )
        busqueda = _Busqueda(self._rebanada(area), evaluacion, hechos, self.conocimiento, objetivo)
        candidatos = busqueda.candidatos()
        soluciones: list[dict[_Candidato, Any]] = []
        completo = True
        try:
            soluciones = busqueda.buscar(candidatos, busqueda.rebanada.leidas)
            soluciones = [busqueda.acercar(s) for s in soluciones]
        except _Agotado:
            completo = False
        unicas: list[dict[_Candidato, Any]] = []
        for s in soluciones:
            if s not in unicas:
                unicas.append(s)
        caminos = [self._camino(area, s, busqueda.base, resultado) for s in unicas]
        motivo = ""
        faltan: list[CambioCamino] = []
        if not caminos:
            motivo, faltan = self._sin_camino(busqueda, candidatos, completo)
            if resultado.areas[area].provisional:
                motivo += "; antes hay que confirmar las respuestas del área que faltan"
        return CaminoArea(
            nivel=nivel,
            objetivo=objetivo,
            proposito=proposito,
            caminos=caminos,
            evaluaciones=busqueda.evaluaciones,
            completo=completo,
            motivo=motivo,
            faltan=faltan,
        )

    def _sin_camino(
        self, busqueda: _Busqueda, candidatos: list[_Candidato], completo: bool
    ) -> tuple[str, list[CambioCamino]]:
        """Why there is no path, said as what would be needed, and those changes."""
        camino = self.conocimiento.camino
        maximo = camino.limites.max_cambios
        objetivo = busqueda.objetivo
        if not camino.preguntas:
            return (
                "no hay respuestas declaradas que la municipalidad pueda cambiar con su trabajo",
                [],
            )
        if not candidatos:
            return (
                "las respuestas del área que dependen del trabajo de la municipalidad ya están "
                "en su mejor valor o no se conocen"
            ), []
        if completo and not busqueda.todos_alcanzan:
            fijas = [
                f"«{p.texto}» (hoy: {p.etiqueta(busqueda.base[p.id])})"
                for p in self._fijas(busqueda)
            ]
            motivo = (
                "ni mejorando todas las respuestas del área que dependen del trabajo de la "
                f"municipalidad se llega al nivel {objetivo}"
            )
            if fijas:
                motivo += (
                    "; el nivel depende también de respuestas que ese trabajo no cambia: "
                    + lista_legible(fijas[:3])
                )
            return motivo, []
        necesarios = [
            self._cambio(c, self._paso_minimo(busqueda, candidatos, c), busqueda.base)
            for c in busqueda.necesarios
        ]
        pesados = [
            self._cambio(c, c.pasos[-1], busqueda.base)
            for c in self._por_peso(candidatos, busqueda.base)
            if c not in busqueda.necesarios
        ]
        otros = [*necesarios, *pesados[:2]] if len(necesarios) <= maximo else necesarios
        mas_de = f"más de {maximo} {'cambio' if maximo == 1 else 'cambios'}"
        if necesarios and len(necesarios) > maximo:
            lo_que_falta = (
                f"para llegar al nivel {objetivo} hacen falta al menos {len(necesarios)} cambios: "
                + lista_legible(c.texto for c in necesarios)
            )
        elif necesarios:
            lo_que_falta = (
                f"para llegar al nivel {objetivo} hacen falta {mas_de}: "
                + lista_legible(c.texto for c in necesarios)
                + ", y otros que suban el % de logro del área, como "
                + lista_legible(c.texto for c in pesados[:2])
            )
        else:
            otros = pesados[:3]
            lo_que_falta = (
                f"para llegar al nivel {objetivo} hacen falta {mas_de}; los que más "
                "suben el % de logro del área son " + lista_legible(c.texto for c in otros)
            )
        if completo:
            return lo_que_falta, otros
        limite = (
            f"la búsqueda llegó a su límite de {camino.limites.max_evaluaciones} evaluaciones "
            "sin encontrar un camino"
        )
        if necesarios:
            return f"{limite}; {lo_que_falta}", otros
        otros = pesados[:3]
        return (
            f"{limite}; los cambios que más suben el % de logro del área son "
            + lista_legible(c.texto for c in otros)
        ), otros

    @staticmethod
    def _paso_minimo(busqueda: _Busqueda, candidatos: list[_Candidato], c: _Candidato) -> Any:
        """The nearest step of a necessary change that reaches the level with every other
        change at its farthest: the least the level asks of that answer."""
        lejos = {k: k.pasos[-1] for k in candidatos}
        try:
            for paso in c.pasos[:-1]:
                if busqueda.alcanza({**lejos, c: paso}):
                    return paso
        except _Agotado:
            pass
        return c.pasos[-1]

    def _fijas(self, busqueda: _Busqueda) -> list[Pregunta]:
        """The answered questions the level reads that the municipality's work does not
        change: those its rules name, then those of the area's % de logro below their top."""
        cuestionario = self.conocimiento.cuestionario
        accionables = self.conocimiento.camino.preguntas
        por_nombre = [
            cuestionario.por_id[id_]
            for id_ in sorted(busqueda.rebanada.leidas)
            if id_ in cuestionario.por_id
        ]
        por_puntaje = [
            p
            for p in cuestionario.preguntas
            if p.area in busqueda.puntaje_de
            and p.puntua()
            and busqueda.base.get(p.id) not in (None, NO_SABE)
            and (p.puntos(busqueda.base[p.id]) or 0.0) < p.maximo_puntos()
        ]
        unicas = {p.id: p for p in [*por_nombre, *por_puntaje]}
        return [
            p
            for p in unicas.values()
            if p.id not in accionables and busqueda.base.get(p.id) not in (None, NO_SABE)
        ]

    def _por_peso(self, candidatos: list[_Candidato], base: dict[str, Any]) -> list[_Candidato]:
        """The changes that add most to the area's % de logro first."""
        por_id = self.conocimiento.cuestionario.por_id

        def ganancia(c: _Candidato) -> float:
            pregunta = por_id[c.pregunta]
            actual = base.get(c.pregunta)
            if c.multiple and isinstance(actual, list):
                despues: Any = [*actual, c.pasos[-1]]
            else:
                despues = c.pasos[-1]
            antes = pregunta.puntos(actual) or 0.0
            return pregunta.peso * ((pregunta.puntos(despues) or 0.0) - antes)

        return sorted(candidatos, key=ganancia, reverse=True)

    def _cambio(self, c: _Candidato, paso: Any, base: dict[str, Any]) -> CambioCamino:
        """One change said for a reader: the action and the answer it reaches, no ids."""
        pregunta = self.conocimiento.cuestionario.por_id[c.pregunta]
        desde = base[c.pregunta]
        desde_texto = pregunta.etiqueta(desde)
        hacia_texto = pregunta.etiqueta(paso)
        accion = self.conocimiento.camino.preguntas[c.pregunta].frase(paso)
        if c.multiple:
            detalle = f"se marca «{hacia_texto}»"
        else:
            detalle = f"de «{desde_texto}» a «{hacia_texto}»"
        return CambioCamino(
            pregunta=c.pregunta,
            desde=desde,
            hacia=paso,
            desde_texto=desde_texto,
            hacia_texto=hacia_texto,
            accion=accion,
            texto=f"{accion} ({detalle})",
        )

    def _camino(
        self,
        area: str,
        solucion: dict[_Candidato, Any],
        base: dict[str, Any],
        resultado: Resultado,
    ) -> CaminoCambios:
        cambios = [
            self._cambio(c, paso, base)
            for c, paso in sorted(solucion.items(), key=lambda cp: cp[0].pregunta)
        ]
        return CaminoCambios(
            cambios=cambios,
            productos=[p.texto for p in resultado.productos if p.area == area],
            horas=resultado.horas.por_area.get(area, 0.0),
        )


def _minuscula(texto: str) -> str:
    """«Sí, por escrito» -> «sí, por escrito»; «PLADECO…» stays."""
    if len(texto) > 1 and texto[0].isupper() and not texto[1].isupper():
        return texto[0].lower() + texto[1:]
    return texto


__all__ = ["Buscador"]
