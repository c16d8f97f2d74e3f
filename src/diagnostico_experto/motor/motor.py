"""The engine API: validated answers and a loaded rule base in, a Resultado out.

The rule base is compiled once into one experta engine, which is reset and
reused for every comuna: the RETE network is built only once per run.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diagnostico_experto.comun import cache
from diagnostico_experto.comun.errores import ErrorMotor
from diagnostico_experto.comun.rutas import carpeta_por_defecto
from diagnostico_experto.conocimiento.carpeta import Conocimiento, cargar_conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS, NO_SABE
from diagnostico_experto.conocimiento.puntaje import PuntajeArea, calcular
from diagnostico_experto.conocimiento.respuestas import Respuestas, huella_area
from diagnostico_experto.motor import lectura_del_nivel, propuesta
from diagnostico_experto.motor.camino import Buscador
from diagnostico_experto.motor.compilador import Disparo, MotorExperta, compilar
from diagnostico_experto.motor.evidencia import con_evidencia
from diagnostico_experto.motor.red import ReteDirigida
from diagnostico_experto.motor.resultado import (
    VALIDACION_VENCIDA,
    DiscrepanciaServicios,
    Procedencia,
    Resultado,
    ResultadoArea,
    Validado,
    desde_la_validacion,
)
from diagnostico_experto.reglas.descripciones import describir, describir_negacion
from diagnostico_experto.reglas.hechos import TIPOS, clave_de_contenido, datos, hechos_de, tipo_de
from diagnostico_experto.reglas.lenguaje import cargar_reglas
from diagnostico_experto.reglas.regla import Negacion, Regla


@dataclass
class Evaluacion:
    """Everything one evaluation produced: the result and what explains it."""

    respuestas: Respuestas
    puntajes: dict[str, PuntajeArea]
    hechos: list[Any]
    disparos: list[Disparo]
    resultado: Resultado
    elementos: list[lectura_del_nivel.ElementoClave]  # the key elements the rules read


class Motor:
    def __init__(
        self,
        conocimiento: Conocimiento,
        reglas: list[Regla],
        carpeta_reglas: str = "",
        matcher: type[Any] = ReteDirigida,
    ):
        """``matcher``: how facts travel through experta's network (``motor.red``);
        experta's own ``ReteMatcher`` gives the same results, slower."""
        self.conocimiento = conocimiento
        self.reglas = reglas
        self.carpeta_reglas = carpeta_reglas
        self._experta: MotorExperta = compilar(reglas, matcher)()
        self.elementos = lectura_del_nivel.elementos_clave(reglas)
        self._por_id = {r.id: r for r in reglas}
        # the key elements each level rule names (the reason a level gives), read once
        self._decisivos = {r.id: lectura_del_nivel.decisivos(r) for r in reglas}
        self._leidos = frozenset(p.tipo for r in reglas for p in r.patrones())
        self._leidas = {r.id: lectura_del_nivel.preguntas_leidas(r) for r in reglas}
        self._de_elemento = {e.id: e.preguntas for e in self.elementos}
        self._negaciones = {
            r.id: [c for c in r.condiciones if isinstance(c, Negacion)] for r in reglas
        }
        self._lecturas: dict[tuple[Any, ...], str] = {}  # a fact's fields -> its reading

    def _preguntas_de(self, producto: dict[str, Any]) -> list[str]:
        """The questions a product works on: its rule's and its «logra» elements'."""
        leidas = self._leidas.get(producto["regla"], [])
        logra = [q for e in producto.get("logra") or () for q in self._de_elemento.get(e, [])]
        return list(dict.fromkeys([*leidas, *logra]))

    @classmethod
    def desde_carpetas(
        cls, reglas: str | Path, conocimiento: str | Path, cache: Path | None = None
    ) -> Motor:
        """The engine of two folders; ``cache``: the shared cache's folder (None: none)."""
        base = cargar_conocimiento(conocimiento, cache)
        return cls(base, cargar_reglas(reglas, base, cache), str(reglas))

    def evaluar(self, respuestas: Respuestas, caminos: bool = False) -> Evaluacion:
        """The comuna's evaluation; with ``caminos``, also each area's path to the next level."""
        evaluacion = self._evaluar(respuestas)
        con_evidencia(evaluacion.resultado, respuestas, self.conocimiento)
        evaluacion.resultado.procedencia = self.procedencia
        if caminos:
            evaluacion.resultado.caminos = self.buscador.caminos(evaluacion)
        return evaluacion

    @functools.cached_property
    def procedencia(self) -> Procedencia:
        """The program's version and short digests of the rule and knowledge folders used."""
        from importlib import metadata

        try:
            version = metadata.version("diagnostico-experto")
        except metadata.PackageNotFoundError:
            version = "sin versión"
        carpetas = {"reglas": self.carpeta_reglas, "conocimiento": str(self.conocimiento.carpeta)}
        huellas = {
            clave: cache.contenido(Path(carpeta))[:12] if carpeta and Path(carpeta).is_dir() else ""
            for clave, carpeta in carpetas.items()
        }
        incluidas = all(
            carpeta and Path(carpeta).resolve() == carpeta_por_defecto(nombre).resolve()
            for nombre, carpeta in (
                ("rules", carpetas["reglas"]),
                ("knowledge", carpetas["conocimiento"]),
            )
        )
        return Procedencia(programa=version, incluidas=bool(incluidas), **huellas)

    @functools.cached_property
    def buscador(self) -> Buscador:
        """The path search, with its rule slices compiled the first time they are needed."""
        return Buscador(self.reglas, self.conocimiento)

    def _evaluar(self, respuestas: Respuestas) -> Evaluacion:
        puntajes = calcular(respuestas.respuestas, self.conocimiento)
        # A validation made against other answers is stale: it does not set the level.
        vencidas = {
            area
            for area, v in respuestas.validacion.items()
            if v.huella is not None
            and v.huella != huella_area(area, respuestas.respuestas, self.conocimiento)
        }
        hechos, disparos = self._correr(respuestas, puntajes, vencidas)
        # Same answers, another diagnosis (rules or knowledge changed): stale too.
        concluido = propuesta.conclusiones(disparos)
        diagnosticos = {d["area"]: d["nivel"] for _, d in concluido.get("nivel", [])}
        otro_diagnostico = {
            area
            for area, v in respuestas.validacion.items()
            if area not in vencidas
            and v.diagnosticado is not None
            and diagnosticos.get(area, v.diagnosticado) != v.diagnosticado
        }
        if otro_diagnostico:
            vencidas |= otro_diagnostico
            hechos, disparos = self._correr(respuestas, puntajes, vencidas)
            concluido = propuesta.conclusiones(disparos)
        resultado = self._resultado(respuestas, puntajes, concluido, disparos, vencidas)
        return Evaluacion(respuestas, puntajes, hechos, disparos, resultado, self.elementos)

    def _correr(
        self, respuestas: Respuestas, puntajes: dict[str, PuntajeArea], vencidas: set[str]
    ) -> tuple[list[Any], list[Disparo]]:
        """Run the rules over the answers, leaving the stale validations out."""
        if vencidas:
            respuestas = respuestas.model_copy(
                update={
                    "validacion": {
                        a: v for a, v in respuestas.validacion.items() if a not in vencidas
                    }
                }
            )
        experta = self._experta
        experta.reiniciar(hechos_de(respuestas, puntajes, self.conocimiento, self._leidos))
        maximo = self.conocimiento.limites.max_disparos_por_comuna
        experta.run(steps=maximo)
        if len(experta.disparos) >= maximo:
            experta.run(steps=1)  # fires only if the rule base would go on
            if len(experta.disparos) > maximo:
                raise self._sin_fin(respuestas, maximo, experta.disparos)
        hechos = [h for h in experta.facts.values() if type(h) in _CLASES]
        return hechos, list(experta.disparos)

    def _sin_fin(self, respuestas: Respuestas, maximo: int, disparos: list[Disparo]) -> ErrorMotor:
        """The engine stopped at the firing limit: name the rule that fired most."""
        veces = Counter(d.regla.id for d in disparos)
        id_, n = veces.most_common(1)[0]
        regla = next(d.regla for d in disparos if d.regla.id == id_)
        return ErrorMotor.uno(
            regla.lugar(),
            f"la evaluación de {respuestas.comuna} se detuvo al llegar a {maximo} disparos de reglas "
            f"(max_disparos_por_comuna en {self.conocimiento.carpeta / 'limites.yaml'}): "
            f"la regla «{id_}» se disparó {n} veces; revise que su conclusión no vuelva a "
            "cumplir sus propias condiciones.",
        )

    def _resultado(
        self,
        respuestas: Respuestas,
        puntajes: dict[str, PuntajeArea],
        hechos: propuesta.Conclusiones,
        disparos: list[Disparo],
        vencidas: set[str],
    ) -> Resultado:
        """The result, read from what the rules concluded (``hechos``, by type)."""
        niveles = {d["area"]: d for _, d in hechos.get("nivel", [])}
        vigentes = {d["area"]: d for _, d in hechos.get("nivel_vigente", [])}
        sin_nivel = [a for a in AREAS if a not in niveles or a not in vigentes]
        if sin_nivel:
            raise ErrorMotor.uno(
                self.carpeta_reglas or "reglas",
                "las reglas no asignan nivel (o nivel vigente) a: "
                + ", ".join(sin_nivel)
                + f" (comuna {respuestas.comuna}). Revise las reglas de clasificación.",
            )
        areas = {}
        leidos = [d for _, d in hechos.get("elemento", [])]
        desconocidos: dict[str, str] = {}  # unknown key element id -> its name
        for area in AREAS:
            validacion = respuestas.validacion.get(area)
            registro = (
                Validado(**validacion.model_dump(mode="json")) if validacion is not None else None
            )
            vencida = area in vencidas
            p = puntajes[area]
            faltan = lectura_del_nivel.sin_leer(
                area, leidos, self.elementos, respuestas.respuestas, self.conocimiento
            )
            desconocidos.update(
                (e.id, e.nombre) for e, id_ in faltan if respuestas.respuestas.get(id_) == NO_SABE
            )
            areas[area] = ResultadoArea(
                nivel=niveles[area]["nivel"],
                puntaje=p.valor,
                regla=niveles[area]["regla"],
                validado=None if vencida else registro,
                estado_validacion=(
                    "pendiente" if registro is None else "vencida" if vencida else "validada"
                ),
                validacion_vencida=registro if vencida else None,
                nivel_vigente=vigentes[area]["nivel"],
                completo=p.completo,
                respondidas=p.respondidas,
                desconocidas=p.desconocidas,
                provisional=not p.completo or bool(faltan),
                para_confirmar=lectura_del_nivel.para_confirmar(
                    area, p, faltan, respuestas.respuestas, self.conocimiento
                ),
                lectura=lectura_del_nivel.lectura(
                    area,
                    niveles[area]["nivel"],
                    leidos,
                    self.elementos,
                    self._decisivos.get(niveles[area]["regla"], []),
                ),
                motivo=lectura_del_nivel.motivo(
                    area,
                    leidos,
                    self._decisivos.get(niveles[area]["regla"], []),
                ),
            )
        por_etapas = propuesta.plan_por_etapas(hechos)
        productos, retenidos = propuesta.retener(
            propuesta.productos(hechos, self.conocimiento, bool(por_etapas), self._preguntas_de),
            desconocidos,
        )
        tope = propuesta.tope_primera_etapa(self.conocimiento, bool(por_etapas))
        productos = propuesta.a_la_medida(productos, hechos, self.conocimiento, tope)
        advertencias = list(respuestas.advertencias)
        advertencias += [
            f"El área {self.conocimiento.cuestionario.areas[a].nombre} está incompleta: "
            f"{puntajes[a].desconocidas} de {puntajes[a].aplicables} preguntas sin respuesta o con «no sé»."
            for a in AREAS
            if not puntajes[a].completo
        ]
        nombres: dict[str, str] = {
            a: d.nombre for a, d in self.conocimiento.cuestionario.areas.items()
        }
        advertencias += [
            f"El nivel de {nombres[a]} es provisional; para confirmarlo: "
            + "; ".join(f.rstrip(".") for f in areas[a].para_confirmar)
            + "."
            for a in AREAS
            if areas[a].provisional and puntajes[a].completo
        ]
        for a in AREAS:
            anterior = areas[a].validacion_vencida
            if anterior is not None:
                advertencias.append(
                    f"{nombres[a]}: {VALIDACION_VENCIDA} (la mesa comunal la validó en nivel "
                    f"{anterior.nivel}{desde_la_validacion(anterior, areas[a].nivel)})."
                )
        descritos: dict[int, str] = {}  # id(fact) -> its reading: a fact is read once
        # each firing's step as the fields of a PasoTraza: the result validates them all at once
        traza = [self._paso(d, descritos) for d in disparos]
        por_hecho = propuesta.fundamentos(disparos, [paso["hechos"] for paso in traza])
        discrepancia = discrepancia_servicios(respuestas, self.conocimiento)
        if discrepancia is not None:
            advertencias.append(discrepancia.texto() + ".")
        return Resultado(
            comuna=respuestas.comuna,
            ugt=respuestas.ugt,
            fecha=respuestas.fecha.isoformat() if respuestas.fecha else None,
            ilustrativo=respuestas.ilustrativo,
            areas=areas,
            productos=productos,
            fusiones=propuesta.fusiones(hechos, por_hecho),
            insumos=propuesta.insumos(hechos, por_hecho),
            vacios=propuesta.vacios(hechos, por_hecho),
            ajustes_estructura=propuesta.ajustes(hechos, por_hecho),
            horas=propuesta.horas(hechos, self.conocimiento, productos),
            plan_por_etapas=por_etapas,
            tope_primera_etapa=tope,
            retenidos=retenidos,
            elementos=[  # the fields of each ElementoLeido, validated with the result
                {
                    "area": d["area"],
                    "elemento": d["elemento"],
                    "nombre": d["nombre"],
                    "estado": d["estado"],
                    "preguntas": self._de_elemento.get(d["elemento"], []),
                }
                for d in leidos
            ],
            advertencias=advertencias,
            discrepancia_servicios=discrepancia,
            traza=traza,  # validated into PasoTraza
        )

    def _paso(self, disparo: Disparo, descritos: dict[int, str]) -> dict[str, Any]:
        """A firing's step in the trace: the fields of its ``PasoTraza``."""
        regla, hechos, vinculos, declarados = disparo
        leidos = []
        for hecho in hechos:
            texto = descritos.get(id(hecho))
            leidos.append(self._leer(hecho, descritos) if texto is None else texto)
        for condicion in self._negaciones[regla.id]:
            leidos.append(describir_negacion(condicion, vinculos, self.conocimiento))
        conclusiones = []
        for hecho in declarados:
            texto = descritos.get(id(hecho))
            conclusiones.append(self._leer(hecho, descritos) if texto is None else texto)
        return {
            "regla": regla.id,
            "descripcion": regla.descripcion,
            "hechos": leidos,
            "conclusion": "; ".join(conclusiones),
        }

    def _leer(self, hecho: Any, descritos: dict[int, str]) -> str:
        """A fact's reading, once per fact: a fusion is read where it is concluded
        and again in every firing it feeds (facts live as long as the trace)."""
        texto = descritos.get(id(hecho))
        if texto is None:
            clave = clave_de_contenido(hecho)
            texto = self._lecturas.get(clave) if clave is not None else None
            if texto is None:
                texto = describir(hecho, self.conocimiento)
                if clave is not None:
                    if len(self._lecturas) >= _MAXIMO_LECTURAS:
                        self._lecturas.clear()
                    self._lecturas[clave] = texto
            descritos[id(hecho)] = texto
        return texto


_MAXIMO_LECTURAS = 8192  # readings remembered across comunas (answers repeat)
_CLASES = {t.clase for t in TIPOS.values()}


def de_tipo_en(hechos: list[Any], tipo: str) -> list[dict[str, Any]]:
    """The fields of the facts of one type."""
    return [datos(h) for h in hechos if tipo_de(h).nombre == tipo]


def discrepancia_servicios(
    respuestas: Respuestas, conocimiento: Conocimiento
) -> DiscrepanciaServicios | None:
    """The answer that counts the services (``cuenta: servicios``) against the inventory."""
    for pregunta in conocimiento.cuestionario.preguntas:
        if getattr(pregunta, "cuenta", None) != "servicios":
            continue
        dicho = respuestas.respuestas.get(pregunta.id)
        inventario = len(respuestas.servicios)
        if isinstance(dicho, int | float) and not isinstance(dicho, bool) and dicho != inventario:
            entero = float(dicho).is_integer()
            return DiscrepanciaServicios(
                pregunta=pregunta.id,
                declarados=int(dicho) if entero else dicho,
                inventario=inventario,
            )
    return None
