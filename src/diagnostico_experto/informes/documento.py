"""A comuna's report as a document for people: what every format (HTML, Markdown, DOCX) shows.

The engine's result is a technical record (ids, rules, facts). This module
reads it as a consultant would hand it over: an executive summary with the
findings that matter in plain words, each area's answers as text, the
propuesta de intervención as a work plan in the programme's order (§6.2.4:
sensibilización, then each taller territorial followed by the comunal work),
and the mesa comunal's acta de validación (§6.2.3). The rule trace stays out
of it: the templates put it in an annex.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from diagnostico_experto.conocimiento.carpeta import APOYO, SEGUNDA_ETAPA, Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS, NO_SABE
from diagnostico_experto.informes.formato import fecha, horas, numero, plural, porcentaje
from diagnostico_experto.informes.graficos import Banda, Fila, Grafico, Segmento
from diagnostico_experto.motor.motor import Evaluacion
from diagnostico_experto.motor.resultado import (
    SIN_REGISTRO,
    SIN_REGISTRO_CORTO,
    VALIDACION_VENCIDA,
    Producto,
    Resultado,
    desde_la_validacion,
)
from diagnostico_experto.reglas.regla import lista_legible


@dataclass
class Respuesta:
    pregunta: str
    respuesta: str
    tono: str  # "fortaleza", "debilidad", "sin_dato" or ""
    evidencia: str = ""  # what supports it; «sin evidencia» when it wants some and has none


@dataclass
class ItemProducto:
    """One product of an area's numbered list; a prerequisite is a reference to its number."""

    numero: int
    texto: str  # without the closing period
    despues: list[str] = field(default_factory=list)  # «1 y 2», «procesos 1»
    segunda_etapa: bool = False

    @property
    def linea(self) -> str:
        """ "Definición de … (después de 1 y de procesos 2; segunda etapa)", without a period."""
        notas = []
        if self.despues:
            notas.append(f"después de {' y de '.join(self.despues)}")
        if self.segunda_etapa:
            notas.append("segunda etapa")
        return self.texto + (f" ({'; '.join(notas)})" if notas else "")


@dataclass
class Area:
    clave: str
    nombre: str
    nivel: str  # diagnosed
    vigente: str
    puntaje: str  # "45 %"
    valor: float | None
    provisional: bool
    para_confirmar: list[str]
    lectura: str
    validado: Any  # Validado | None: the mesa's validation in force
    respuestas: list[Respuesta]
    productos: list[Producto]
    horas: float
    vencida: Any = None  # Validado | None: a validation made against other answers
    camino: Any = None  # CaminoArea | None: the path to the next level, when searched
    motivo: list[str] = field(default_factory=list)  # readings the level's rule named
    items: list[ItemProducto] = field(default_factory=list)  # the numbered products
    # products held until a key element answered «no sé» is confirmed
    retenidos: list[str] = field(default_factory=list)
    # how many answers hold an alto until they have evidence
    sin_evidencia: int = 0

    @property
    def camino_titulo(self) -> str:
        """ "Camino al nivel medio", or "" when there is nothing to say (alto, not searched).

        Toward the level above the nivel vigente; when the mesa comunal validated
        a level above the diagnosis, the answers that would make them agree.
        """
        if self.camino is None or self.camino.objetivo is None:
            return ""
        if self.camino.proposito == "coincidir_con_mesa":
            return f"Para que el diagnóstico coincida con la mesa comunal (nivel {self.camino.objetivo})"
        return f"Camino al nivel {self.camino.objetivo}"

    @property
    def caminos(self) -> list[str]:
        """Each smallest set of changes in one sentence, said as actions."""
        if self.camino is None:
            return []
        frases = [lista_legible(c.texto for c in p.cambios) for p in self.camino.caminos]
        return [_frase(f[:1].upper() + f[1:]) for f in frases]

    @property
    def camino_nota(self) -> str:
        """What works on the path, or what would be needed when there is none."""
        if not self.camino_titulo:
            return ""
        if not self.camino.caminos:
            motivo = str(self.camino.motivo)
            return _frase(motivo[:1].upper() + motivo[1:])
        falta = "" if self.camino.completo else " La búsqueda llegó a su límite: puede haber otros."
        if len(self.camino.caminos) > 1:
            una = "una de estas opciones"
        else:
            una = "este cambio" if len(self.camino.caminos[0].cambios) == 1 else "estos cambios"
        if self.camino.proposito == "coincidir_con_mesa":
            return (
                f"Las respuestas darían el nivel {self.camino.objetivo} que validó la mesa con "
                f"{una}; hoy dan nivel {self.nivel}." + falta
            )
        trabajan = (
            f" Lo trabajan los productos del área ({horas(self.horas)})." if self.horas else ""
        )
        return f"Las reglas darían nivel {self.camino.objetivo} con {una}.{trabajan}" + falta

    @property
    def sin_registro(self) -> bool:
        """A validation in force that does not say which diagnosed level it answered.

        Table cells say it short («sin registro»); the sentence of what the mesa
        validated, under the summary and under the acta's table, says it whole, and
        so does every text that compares the mesa's level with the diagnosis."""
        return self.validado is not None and self.validado.diagnosticado is None

    @property
    def estado_validacion(self) -> str:
        """ "validada", "vencida" (to revalidate) or "pendiente"."""
        return "validada" if self.validado else "vencida" if self.vencida else "pendiente"

    @property
    def resumen_validacion(self) -> str:
        """The summary table's cell."""
        if self.sin_registro:
            return f"validado en {self.validado.nivel} ({SIN_REGISTRO_CORTO})"
        if self.validado:
            if self.validado.nivel == self.nivel:
                return "validado"
            return f"validado en {self.validado.nivel} (diagnóstico: {self.nivel})"
        return VALIDACION_VENCIDA if self.vencida else "pendiente"

    @property
    def nivel_diagnosticado(self) -> str:
        """The acta's «Nivel diagnosticado» column: «alto (provisional)» as in the summary."""
        return f"{self.nivel} (provisional)" if self.provisional else self.nivel

    @property
    def valida_provisional(self) -> bool:
        """The mesa kept a level the diagnosis holds as provisional: it signs that."""
        return bool(self.validado and self.provisional and self.validado.nivel == self.nivel)

    @property
    def por_que_provisional(self) -> str:
        """What the provisional level waits for, without a final period."""
        if self.sin_evidencia:
            return (
                f"el alto espera la evidencia de {plural(self.sin_evidencia, 'respuesta')}"
                " (se listan en el área)"
            )
        return self.para_confirmar[0] if self.para_confirmar else "faltan respuestas del área"

    @property
    def nivel_validado(self) -> str:
        """The acta's «Nivel validado» column: never a level the mesa did not set, and
        a provisional level said provisional."""
        if self.validado:
            return f"{self.validado.nivel}{' (provisional)' if self.valida_provisional else ''}"
        return "por revalidar" if self.vencida else "pendiente"

    @property
    def justificacion(self) -> str:
        """The acta's «Justificación» column."""
        if self.validado:
            texto = str(self.validado.justificacion)
            if self.sin_registro:
                texto = f"{texto.rstrip('.')} ({SIN_REGISTRO_CORTO})."
            if self.valida_provisional:
                texto = f"{texto.rstrip('.')}. Nivel provisional: {self.por_que_provisional}."
            return texto
        if self.vencida:
            diagnosticado = self.vencida.diagnosticado
            if diagnosticado == self.nivel:  # what changed is answers of the area
                sobre = desde_la_validacion(self.vencida, self.nivel)
            else:  # the table beside it shows today's diagnosis
                sobre = f" sobre un diagnóstico {diagnosticado}" if diagnosticado else ""
            return (
                f"{VALIDACION_VENCIDA[0].upper()}{VALIDACION_VENCIDA[1:]}. "
                f"La mesa lo había validado en {self.vencida.nivel}{sobre}."
            )
        return ""

    @property
    def nota_validacion(self) -> str:
        """After the area's reading: what the mesa decided, or that it must decide again."""
        if self.validado:
            return f" La mesa comunal lo validó: «{str(self.validado.justificacion).rstrip('.')}»."
        return f" {self.justificacion}" if self.vencida else ""

    @property
    def lista_productos(self) -> str:
        """The numbered products in one line, for Word templates written before the list."""
        return "; ".join(f"{i.numero}) {i.linea}" for i in self.items) or "ninguno"

    @property
    def texto_nivel(self) -> str:
        """The area's level in words: the level of the heading first, then why.

        When the mesa set another level, that level and its reason come first and
        the diagnosis's reading after, so heading and text never disagree.
        """
        if self.validado and self.validado.nivel != self.nivel:
            sin = f" ({SIN_REGISTRO})" if self.sin_registro else ""
            return (
                f"Nivel {self.vigente}, validado por la mesa comunal: "
                f"«{str(self.validado.justificacion).rstrip('.')}»{sin}. "
                f"El diagnóstico lo leía en nivel {self.lectura}."
            )
        return f"Nivel {self.lectura}.{self.nota_validacion}"


@dataclass
class Paso:
    """One step of the work plan, in the programme's order."""

    titulo: str
    descripcion: str
    productos: list[Producto] = field(default_factory=list)
    acciones: list[str] = field(default_factory=list)
    lineas: list[tuple[str, float]] = field(default_factory=list)  # (concepto, horas)
    resumen: str = ""  # the step's products in one line (their texts are in each area)
    fecha: str = ""  # «22 de marzo de 2027» (knowledge/calendario.yaml)
    territorial: bool = False  # a taller shared by the comunas of the UGT
    responsables: str = ""  # who in the mesa answers for the step's products

    @property
    def horas(self) -> float:
        return sum(h for _, h in self.lineas)

    @property
    def cuando(self) -> str:
        """ "22 de marzo de 2027, taller territorial de la UGT" or the date alone."""
        if not self.fecha:
            return ""
        return f"{self.fecha}, taller territorial de la UGT" if self.territorial else self.fecha


@dataclass
class ContenidoInforme:
    """What a comuna's report says, ready for each format (Markdown, HTML, Word) to print."""

    r: Resultado
    areas: list[Area]
    hallazgos: list[str]
    pasos: list[Paso]
    mesa: list[Any]  # Integrante
    observaciones: str
    grafico: Grafico
    validada: bool  # the mesa validated at least one area (in force)
    bandas: str  # the level bands in words
    sin_evidencia: list[str] = field(default_factory=list)  # «¿Tiene…?»
    correcciones: list[str] = field(default_factory=list)  # «¿…?»: antes → después (fecha)

    @property
    def total(self) -> str:
        return horas(self.r.horas.total)

    @property
    def validacion(self) -> str:
        """What the mesa actually validated, in one sentence without its final period."""
        validadas = [a for a in self.areas if a.validado]
        vencidas = [a.nombre for a in self.areas if a.vencida]
        pendientes = [a.nombre for a in self.areas if a.estado_validacion == "pendiente"]
        sin_registro = [a.nombre for a in validadas if a.sin_registro]
        # said of the validations that do not record the level the mesa saw
        if sin_registro and len(sin_registro) == len(validadas):
            sin = f", {SIN_REGISTRO}"
        else:
            sin = f"; en {lista_legible(sin_registro)}, {SIN_REGISTRO}" if sin_registro else ""
        if len(validadas) == len(self.areas):
            ajustes = any(a.validado.nivel != a.nivel for a in validadas)
            return (
                "La mesa comunal validó el diagnóstico" + (" con ajustes" if ajustes else "") + sin
            )

        def en(nombres: list[str]) -> str:
            if len(nombres) < len(self.areas):
                return lista_legible(nombres)
            return "las cuatro áreas" if len(nombres) == 4 else "todas las áreas"

        partes = []
        if vencidas:
            partes.append(f"por revalidar en {en(vencidas)}")
        if pendientes:
            partes.append(f"pendiente en {en(pendientes)}")
        if not validadas:
            return "Validación de la mesa comunal: " + "; ".join(partes)
        return (
            f"La mesa comunal validó {len(validadas)} de {len(self.areas)} áreas "
            f"({lista_legible(a.nombre for a in validadas)}){sin}; " + "; ".join(partes)
        )


def documento(evaluacion: Evaluacion, conocimiento: Conocimiento) -> ContenidoInforme:
    r = evaluacion.resultado
    areas = [_area(evaluacion, conocimiento, a) for a in AREAS]
    _numerar(areas)
    parametros = conocimiento.valores_parametros()
    medio = parametros.get("umbral_medio")
    alto = float(parametros.get("umbral_alto", 1))
    return ContenidoInforme(
        r=r,
        areas=areas,
        hallazgos=_hallazgos(r, areas, conocimiento),
        pasos=plan_de_trabajo(
            r, conocimiento, evaluacion.respuestas.mesa, evaluacion.respuestas.responsables
        ),
        mesa=list(evaluacion.respuestas.mesa),
        observaciones=_observaciones(evaluacion, conocimiento),
        grafico=grafico_areas(areas, None if medio is None else float(medio), alto),
        sin_evidencia=[
            f"«{conocimiento.cuestionario.por_id[id_].texto}»" for id_ in r.evidencia.faltan
        ],
        correcciones=[_correccion(c, conocimiento) for c in evaluacion.respuestas.correcciones],
        validada=any(a.validado for a in areas),
        bandas=_bandas_en_palabras(None if medio is None else float(medio), alto),
    )


def _numerar(areas: list[Area]) -> None:
    """Each area's products as a numbered list; a prerequisite becomes its number.

    A prerequisite of the same area reads «2»; of another area, «procesos 1».
    """
    numero: dict[str, tuple[str, int]] = {}  # product text -> (area, its number)
    for a in areas:
        for i, p in enumerate(a.productos, 1):
            numero.setdefault(p.texto, (a.clave, i))
    nombres = {a.clave: a.nombre.lower() for a in areas}
    for a in areas:
        a.items = []
        for i, p in enumerate(a.productos, 1):
            por_area: dict[str, list[str]] = {}
            for t in dict.fromkeys(p.requiere):
                if t in numero:
                    area, n = numero[t]
                    por_area.setdefault(area, []).append(str(n))
            propios = por_area.pop(a.clave, [])
            despues = [lista_legible(propios)] if propios else []
            despues += [f"{nombres[k]} {lista_legible(v)}" for k, v in por_area.items()]
            a.items.append(
                ItemProducto(i, p.texto.rstrip(". "), despues, segunda_etapa=p.etapa == 2)
            )


def _correccion(c: Any, conocimiento: Conocimiento) -> str:
    """«¿Dónde están…?»: Existen, pero están obsoletos → Hay un plan propio (sesión del
    12 de octubre de 2026); the question by its words, as the mesa knows it."""
    pregunta = conocimiento.cuestionario.por_id.get(c.pregunta)

    def leida(valor: Any) -> str:
        if valor is None:
            return "sin respuesta"
        return pregunta.etiqueta(valor) if pregunta else str(valor)

    cuando = f" (sesión del {fecha(c.fecha)})" if c.fecha else ""
    nombre = f"«{pregunta.texto}»" if pregunta else "una pregunta que ya no existe"
    return f"{nombre}: {leida(c.antes)} → {leida(c.despues)}{cuando}"


def _observaciones(evaluacion: Evaluacion, conocimiento: Conocimiento) -> str:
    """What the mesa wrote about the diagnosis (the question informe.yaml names)."""
    pregunta = conocimiento.informe.pregunta_observaciones
    if pregunta is None:
        return ""
    return str(evaluacion.respuestas.respuestas.get(pregunta, "") or "")


def _bandas_en_palabras(medio: float | None, alto: float) -> str:
    """The bands as the rules use them: with no umbral_medio, bajo and medio come from the elements."""
    if medio is None:
        return (
            "bajo o medio según los elementos clave de cada área; alto exige además "
            f"un logro desde {porcentaje(alto)} (umbral por defecto a calibrar)"
        )
    return (
        f"bajo, menos de {porcentaje(medio)}; medio, de {porcentaje(medio)} a "
        f"{porcentaje(alto)}; alto, desde {porcentaje(alto)} (umbrales por defecto a calibrar)"
    )


def _area(evaluacion: Evaluacion, conocimiento: Conocimiento, clave: str) -> Area:
    r = evaluacion.resultado
    a = r.areas[clave]
    cuestionario = conocimiento.cuestionario
    umbral_debilidad = conocimiento.informe.umbral_debilidad
    respuestas = []
    for aporte in evaluacion.puntajes[clave].aportes:
        if aporte.valor is None:
            continue
        pregunta = cuestionario.por_id[aporte.pregunta]
        if aporte.valor == NO_SABE or aporte.puntos is None:
            tono = "sin_dato"
        elif aporte.maximo and aporte.puntos >= aporte.maximo:
            tono = "fortaleza"
        elif aporte.maximo and aporte.puntos / aporte.maximo <= umbral_debilidad:
            tono = "debilidad"
        else:
            tono = ""
        respaldo = "; ".join(
            e.texto() for e in evaluacion.respuestas.evidencias if e.pregunta == pregunta.id
        )
        if not respaldo and aporte.pregunta in r.evidencia.faltan:
            respaldo = "sin evidencia"
        respuestas.append(
            Respuesta(pregunta.texto, pregunta.etiqueta(aporte.valor), tono, respaldo)
        )
    return Area(
        clave=clave,
        nombre=cuestionario.areas[clave].nombre,
        nivel=a.nivel,
        vigente=a.nivel_vigente,
        puntaje=porcentaje(a.puntaje),
        valor=a.puntaje,
        provisional=a.provisional,
        para_confirmar=[t.rstrip(". ") for t in a.para_confirmar],
        sin_evidencia=len(a.confirmar_con_evidencia),
        lectura=a.lectura.rstrip("."),  # the engine always reads the level (lectura_del_nivel)
        motivo=list(a.motivo),
        retenidos=[
            f"{x.producto.texto.rstrip('. ')} (cuando se confirme: {lista_legible(x.elementos)})"
            for x in r.retenidos
            if x.producto.area == clave
        ],
        validado=a.validado,
        vencida=a.validacion_vencida,
        respuestas=respuestas,
        productos=[p for p in r.productos if p.area == clave],
        horas=r.horas.por_area.get(clave, 0),
        camino=r.caminos.get(clave),
    )


def grafico_areas(areas: list[Area], umbral_medio: float | None, umbral_alto: float) -> Grafico:
    """The four areas' % de logro against the level bands."""
    filas = []
    for a in areas:
        nota = f"{a.puntaje} · {a.vigente}" + (" (provisional)" if a.provisional else "")
        if a.validado:
            nota += " · validado por la mesa"
        elif a.vencida:
            nota += " · por revalidar"
        filas.append(
            Fila(a.nombre, [Segmento(a.valor or 0, "barra")] if a.valor else [], nota=nota)
        )
    return Grafico(
        titulo="% de logro por área y bandas de nivel",
        filas=filas,
        maximo=1,
        bandas=(
            [Banda(0, umbral_alto, "bajo o medio"), Banda(umbral_alto, 1, "alto")]
            if umbral_medio is None
            else [
                Banda(0, umbral_medio, "bajo"),
                Banda(umbral_medio, umbral_alto, "medio"),
                Banda(umbral_alto, 1, "alto"),
            ]
        ),
    )


def _hallazgos(r: Resultado, areas: list[Area], conocimiento: Conocimiento) -> list[str]:
    """The three to five findings that matter most, in plain words, weakest first."""
    hallazgos = []
    for a in areas:
        if a.vigente == "bajo":
            hallazgos.append(_razon(a))
    if r.plan_por_etapas:
        segunda = [p for p in r.productos if p.etapa == 2]
        horas_segunda = r.horas.por_paso.get(SEGUNDA_ETAPA, 0)
        porque = lista_legible(r.plan_por_etapas)
        hallazgos.append(
            f"El plan va por etapas porque {porque}: la primera suma "
            f"{horas(r.horas.total - horas_segunda)} y "
            f"{plural(len(segunda), 'producto queda', 'productos quedan')} para la segunda "
            f"({horas(horas_segunda)}), cuando los primeros pasos estén consolidados"
            f"{_por_tope(r)}"
            if segunda
            else f"El plan iría por etapas porque {porque}, pero lo propuesto hoy cabe en una "
            f"sola ({horas(r.horas.total)})"
        )
    fusiones = [f for f in r.fusiones if f.tipo == "fusion"]
    if r.fusiones:
        ejemplo = (fusiones or r.fusiones)[0]
        hallazgos.append(
            f"Un grupo de servicios repite etapas para los mismos clientes: {ejemplo.texto}"
            if len(r.fusiones) == 1
            else f"{plural(len(r.fusiones), 'grupo')} de servicios repiten etapas para los "
            f"mismos clientes; por ejemplo: {ejemplo.texto}"
        )
    elif r.insumos:
        hallazgos.append(f"{r.insumos[0].texto.rstrip('. ')} (insumo para el taller)")
    if r.vacios:
        hallazgos.append(
            f"{plural(len(r.vacios), 'vacío')} en el par estrategia–servicios; "
            f"el primero: {r.vacios[0].texto}"
        )
    if r.ajustes_estructura:
        hallazgos.append(f"Ajuste de estructura propuesto: {r.ajustes_estructura[0].texto}")
    for a in areas:
        if a.provisional:
            hallazgos.append(
                f"El nivel de {a.nombre.lower()} es provisional: {a.por_que_provisional}"
            )
        if a.vencida:
            hallazgos.append(f"{a.nombre}: {VALIDACION_VENCIDA}.")
        # a validation that kept the diagnosed level changed nothing: no bullet of its own
        if a.validado and a.vigente != "bajo" and a.validado.nivel != a.nivel:
            hallazgos.append(_razon(a))
    for nivel in ("alto", "medio"):
        if len(hallazgos) >= 3:
            break
        hallazgos += [_razon(a) for a in areas if a.vigente == nivel and not a.validado]
    return [_frase(h) for h in hallazgos[:5]]


def _por_tope(r: Resultado) -> str:
    """«; 8 de ellos porque la primera etapa llega a su tope de 75 h (…)», or nothing."""
    fuera = sum(1 for p in r.productos if p.fuera_del_tope)
    if not fuera or r.tope_primera_etapa is None:
        return ""
    return (
        f"; {'uno de ellos' if fuera == 1 else f'{numero(fuera)} de ellos'}, porque la primera "
        f"etapa llega a su tope de {horas(r.tope_primera_etapa)} (valor por defecto a calibrar)"
    )


def _razon(a: Area) -> str:
    """«Estructura está en nivel bajo: …» with what decided it: the mesa, or the level's rule."""
    if a.validado:
        cambio = f"; el diagnóstico lo leía en {a.nivel}" if a.validado.nivel != a.nivel else ""
        sin = f" ({SIN_REGISTRO})" if a.sin_registro and cambio else ""
        return (
            f"{a.nombre} está en nivel {a.vigente} por validación de la mesa comunal: "
            f"«{str(a.validado.justificacion).rstrip('.')}»{sin}{cambio}"
        )
    if not a.motivo:  # a level rule that reads no key element: the score decided
        return f"{a.nombre} está en nivel {a.vigente} ({a.puntaje} de logro)"
    return f"{a.nombre} está en nivel {a.vigente}: {'; '.join(a.motivo)}"


def _frase(texto: str) -> str:
    texto = texto.strip()
    return texto if texto.endswith((".", "?", "!")) else texto + "."


def plan_de_trabajo(
    r: Resultado,
    conocimiento: Conocimiento,
    mesa: Sequence[Any] = (),
    responsables: Mapping[str, str] | None = None,
) -> list[Paso]:
    """The propuesta in the programme's order, each step with its products and hours.

    Steps, titles and descriptions come from informe.yaml; dates and who in the
    ``mesa`` answers for the products (unless ``responsables`` names them by the
    product's rule) from calendario.yaml. Every hour line and
    product carries its step as data (``paso``, ``taller``), so every hour
    lands in exactly one step and the steps add up to the total.
    """
    pasos: dict[str, Paso] = {
        p.id: Paso(p.titulo, p.descripcion.replace("{ugt}", r.ugt))
        for p in conocimiento.informe.pasos
    }
    calendario = conocimiento.calendario
    if calendario is not None:
        orden = [p.id for p in conocimiento.informe.pasos]
        for id_, paso in pasos.items():
            paso.fecha = fecha(calendario.fecha(r.ugt, id_, orden))
            paso.territorial = id_ in calendario.territoriales
    de_area: dict[str, str] = {a: t.id for t in conocimiento.talleres if t.id for a in t.areas}

    def paso_de_area(area: str) -> Paso:
        return pasos[de_area.get(area, APOYO)]

    for producto in r.productos:
        clave = SEGUNDA_ETAPA if producto.etapa == 2 else producto.taller
        pasos.get(clave, pasos[APOYO]).productos.append(producto)
    if r.plan_por_etapas:
        segunda = pasos[SEGUNDA_ETAPA]
        segunda.descripcion += f" Por qué en esta comuna: {lista_legible(r.plan_por_etapas)}."
        fuera = sum(1 for p in r.productos if p.fuera_del_tope)
        if fuera and r.tope_primera_etapa is not None:
            segunda.descripcion += (
                f" {plural(fuera, 'producto más pasa', 'productos más pasan')} aquí, en el "
                f"orden del programa: la primera etapa de un equipo así llega a "
                f"{horas(r.tope_primera_etapa)} (valor por defecto a calibrar)."
            )
    catalogo = conocimiento.catalogo
    for fusion in r.fusiones:
        etapas = lista_legible(catalogo.nombre("etapas", e).lower() for e in fusion.etapas)
        paso_de_area("procesos").acciones.append(
            f"{conocimiento.informe.tipo_de_propuesta(fusion.tipo)} de "
            f"{lista_legible(f'«{s}»' for s in fusion.servicios)} ({etapas})"
        )
    for insumo in r.insumos:  # procesos bajo: what was found, for the taller
        paso_de_area(insumo.area).acciones.append(
            f"Insumo para el taller: {insumo.texto.rstrip('. ')}"
        )
    for ajuste in r.ajustes_estructura:
        paso_de_area("estructura").acciones.append(
            f"Ajuste de estructura: {ajuste.texto.rstrip('. ')}"
        )
    for vacio in r.vacios:
        area_proceso = catalogo.nombre("areas_proceso", vacio.area_proceso)
        paso_de_area("productos").acciones.append(
            f"Vacío: el servicio «{vacio.servicio}» no responde a un lineamiento estratégico"
            if vacio.servicio
            else f"Vacío: el área de procesos «{area_proceso}» no tiene servicios"
        )
    for linea in r.horas.detalle:
        pasos.get(linea.paso, pasos[APOYO]).lineas.append((linea.concepto, linea.horas))
    nombres_area = {a: d.nombre.lower() for a, d in conocimiento.cuestionario.areas.items()}
    for paso in pasos.values():
        cuantos: dict[str, int] = {}
        for producto in paso.productos:
            nombre = nombres_area.get(producto.area, producto.area)
            cuantos[nombre] = cuantos.get(nombre, 0) + 1
        if cuantos:
            paso.resumen = (
                "Productos: "
                + lista_legible(f"{n} de {a}" for a, n in cuantos.items())
                + " (detalle en el diagnóstico por área)"
            )
    if calendario is not None and mesa:
        for paso in pasos.values():
            nombres = [
                (responsables or {}).get(p.regla) or calendario.responsable(p.area, mesa)
                for p in paso.productos
            ]
            paso.responsables = lista_legible(dict.fromkeys(n for n in nombres if n))
    return [p for p in pasos.values() if p.lineas or p.productos or p.acciones]
