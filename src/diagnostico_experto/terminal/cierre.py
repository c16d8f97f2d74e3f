"""The end screen: the four levels first (at most 10 lines), then a menu of views.

Every view fits the terminal or is shown in pages, so on a 24-row terminal
the levels are never scrolled away before anyone reads them. The result is
computed again from the saved file after every change (review, validation,
services), so what is shown is always what the file says.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from questionary import Choice

from diagnostico_experto.comun.archivos_yaml import escribir_atomico
from diagnostico_experto.comun.formato_chileno import numero, plural
from diagnostico_experto.comun.salidas import es_archivo_de_respuestas
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS
from diagnostico_experto.informes.comuna import informe
from diagnostico_experto.informes.documento import documento
from diagnostico_experto.motor.motor import Evaluacion, Motor
from diagnostico_experto.motor.resultado import VALIDACION_VENCIDA
from diagnostico_experto.reglas.descripciones import porcentaje
from diagnostico_experto.reglas.regla import Regla, lista_legible
from diagnostico_experto.terminal.controles import VOLVER
from diagnostico_experto.terminal.evidencia import editar_evidencias
from diagnostico_experto.terminal.inventario import (
    editar_mesa,
    editar_servicios,
)
from diagnostico_experto.terminal.pantalla import alto, decir
from diagnostico_experto.terminal.responsables import editar_responsables
from diagnostico_experto.terminal.revision import revisar
from diagnostico_experto.terminal.validacion import validar

if TYPE_CHECKING:
    from diagnostico_experto.terminal.sesion import Sesion

PRODUCTOS, PROPUESTA, CAMINO, RAZONES, REVISAR, VALIDAR, REVALIDAR = (
    "productos",
    "propuesta",
    "camino",
    "razones",
    "revisar",
    "validar",
    "revalidar",
)
INVENTARIO, RESPONSABLES, EVIDENCIA = "inventario", "responsables", "evidencia"
INFORME, SALIR = "informe", "salir"
# The end menu's entries, in order (a «Revalidar» entry goes first when a validation
# is stale); tests and the kill-9 benchmark find an entry's place here.
MENU = (
    PRODUCTOS,
    PROPUESTA,
    CAMINO,
    RAZONES,
    REVISAR,
    VALIDAR,
    INVENTARIO,
    RESPONSABLES,
    EVIDENCIA,
    INFORME,
    SALIR,
)
PAUSA = "— Presione Enter para volver al menú —"
ANCHO = 79  # the end screen's lines never wrap on an 80-column terminal
FORMATOS = {"html": "HTML (para abrir en el navegador)", "md": "Markdown", "docx": "Word (DOCX)"}


class Cierre:
    def __init__(self, entrevista: Sesion):
        self.entrevista = entrevista
        self.motor = Motor(entrevista.conocimiento, entrevista.reglas, entrevista.carpeta_reglas)
        self.nombres: dict[str, str] = {
            a: d.nombre for a, d in entrevista.cuestionario.areas.items()
        }

    def evaluar(self) -> Evaluacion:
        return self.motor.evaluar(self.entrevista.borrador.validadas(), caminos=True)

    # --- the screen ----------------------------------------------------------------

    def niveles(self, evaluacion: Evaluacion) -> str:
        """The four levels, a summary and the notices: at most 10 lines, none wrapped, so
        with the menu under them the whole screen fits 80×24."""
        r = evaluacion.resultado
        titulo = f"== Diagnóstico de {r.comuna} (UGT {r.ugt}) =="
        lineas = ["", titulo]
        for area, a in r.areas.items():
            marcas = []
            if a.provisional:
                marcas.append("provisional")
            if a.validado:
                marcas.append(
                    f"mesa: {a.validado.nivel}"
                    if a.validado.nivel != a.nivel
                    else "validado por la mesa"
                )
            elif a.validacion_vencida is not None:
                marcas.append("revalidar")
            lineas.append(
                f"  {self.nombres[area]:<22} {a.nivel:<6} {porcentaje(a.puntaje):>9}"
                + (f"  ({', '.join(marcas)})" if marcas else "")
            )
        validadas = sum(1 for a in r.areas.values() if a.validado)
        lineas.append(
            f"  {len(r.productos)} productos · {len(r.fusiones)} "
            + ("fusión o coordinación" if len(r.fusiones) == 1 else "fusiones o coordinaciones")
            + f" · {numero(r.horas.total)} h de acompañamiento"
        )
        respuestas = evaluacion.respuestas
        lineas.append(
            f"  Servicios: {len(respuestas.servicios)} · mesa comunal: {len(respuestas.mesa)} · "
            f"validadas por la mesa: {validadas} de {len(AREAS)} áreas"
        )
        # the menu (its question, its hint line and its entries) goes under these lines
        sitio = alto() - len(lineas) - len(self.menu(evaluacion)) - 2
        lineas += [f"  {aviso}" for aviso in caben(self.avisos(evaluacion), sitio)]
        return "\n".join(_cortar(linea) for linea in lineas)  # a long name: still one line

    def avisos(self, evaluacion: Evaluacion) -> list[str]:
        """One line per notice (its details are behind the menu entry that fixes it:
        «Servicios y mesa comunal», «Revalidar»), each within 80 columns."""
        avisos = []
        servicios = evaluacion.resultado.discrepancia_servicios
        if servicios is not None:
            avisos.append(
                f"¡Se respondió que hay {plural(servicios.declarados, 'servicio')} y el "
                f"inventario tiene {servicios.inventario}!"
            )
        vencidas = self.vencidas(evaluacion)
        if vencidas:
            nombres = lista_legible(self.nombres[a] for a in vencidas)
            aviso = f"¡{nombres}: {VALIDACION_VENCIDA}!"
            if len(aviso) > ANCHO - 2:  # the areas are marked «revalidar» above
                aviso = f"¡{VALIDACION_VENCIDA[0].upper()}{VALIDACION_VENCIDA[1:]}!"
            avisos.append(aviso)
        return avisos

    @staticmethod
    def vencidas(evaluacion: Evaluacion) -> list[str]:
        """The areas whose validation was made against other answers."""
        areas = evaluacion.resultado.areas
        return [a for a in AREAS if areas[a].validacion_vencida is not None]

    def menu(self, evaluacion: Evaluacion) -> list[Choice]:
        r = evaluacion.resultado
        vencidas = self.vencidas(evaluacion)
        revalidar = (
            [
                Choice(
                    f"Revalidar con la mesa comunal ({len(vencidas)} de {len(AREAS)} áreas)",
                    REVALIDAR,
                )
            ]
            if vencidas
            else []
        )
        etiquetas = {
            PRODUCTOS: f"Productos recomendados ({len(r.productos)})",
            PROPUESTA: "Propuesta: fusiones, vacíos, ajustes y horas",
            CAMINO: "Camino al nivel siguiente, por área",
            RAZONES: "Razones del nivel de un área",
            REVISAR: "Revisar y cambiar respuestas",
            VALIDAR: "Validar los niveles con la mesa comunal",
            INVENTARIO: "Servicios y mesa comunal",
            RESPONSABLES: "Responsables de los productos en la mesa comunal",
            EVIDENCIA: f"Evidencia de las respuestas ({len(r.evidencia.con)} de "
            f"{len(r.evidencia.piden)} con evidencia)",
            INFORME: "Escribir el informe",
            SALIR: "Salir",
        }
        return [*revalidar, *(Choice(etiquetas[e], e) for e in MENU)]

    def correr(self) -> None:
        entrevista = self.entrevista
        entrevista.borrador.fijar_respuestas()  # the mesa sees the diagnosis: changes correct it
        while True:
            pendiente = entrevista.navegacion.pendiente(entrevista.valores())
            if pendiente is not None:  # a change in the review opened new questions
                decir("\nHay preguntas nuevas que responder tras los cambios.")
                entrevista.preguntas(pendiente)
            evaluacion = self.evaluar()
            print(self.niveles(evaluacion))
            eleccion = entrevista.consola.elegir(
                "¿Qué desea ver o hacer?", self.menu(evaluacion), eco=False
            )
            if eleccion == SALIR and self.salir():
                self.despedida()
                return
            self.ejecutar(eleccion, evaluacion)

    def ejecutar(self, eleccion: str, evaluacion: Evaluacion) -> None:
        entrevista = self.entrevista
        if eleccion == PRODUCTOS:
            self.ver(self.productos(evaluacion))
        elif eleccion == PROPUESTA:
            self.ver(self.propuesta(evaluacion))
        elif eleccion == CAMINO:
            self.ver(self.camino(evaluacion))  # the command to try a change: at the goodbye
        elif eleccion == RAZONES:
            area = entrevista.consola.elegir(
                "¿De qué área?", [Choice(self.nombres[a], a) for a in AREAS], eco=False
            )
            self.ver(self.razones(evaluacion, area))
        elif eleccion == REVISAR:
            revisar(entrevista)
        elif eleccion == VALIDAR:
            validar(entrevista, self.evaluar)
        elif eleccion == REVALIDAR:
            validar(entrevista, self.evaluar, self.vencidas(evaluacion))
        elif eleccion == INVENTARIO:
            editar_servicios(entrevista)
            editar_mesa(entrevista)
        elif eleccion == RESPONSABLES:
            editar_responsables(entrevista, self.evaluar)
        elif eleccion == EVIDENCIA:
            editar_evidencias(entrevista, evaluacion.resultado.evidencia.piden)
        elif eleccion == INFORME:
            self.escribir_informe(evaluacion)

    def ver(self, texto: str, literales: list[str] | None = None) -> None:
        """A view in pages, then a pause: the levels and the menu printed after it
        would scroll its last page away on a 24-row terminal before it is read.
        ``literales``: lines shown as they are after the text (commands to paste)."""
        if self.entrevista.consola.paginar(texto, literales=literales or []):
            self.pausa()

    def pausa(self) -> None:
        self.entrevista.consola.tecla(PAUSA)

    def salir(self) -> bool:
        """Leaving asks first: «Salir» is one ↑ away from the first item of the menu."""
        decision = self.entrevista.consola.elegir(
            "¿Salir del cuestionario? Las respuestas ya están guardadas.",
            [Choice("No, volver al menú", "menu"), Choice("Sí, salir", SALIR)],
            "menu",
            eco=False,
        )
        return bool(decision == SALIR)

    # --- the views -----------------------------------------------------------------

    def productos(self, evaluacion: Evaluacion) -> str:
        r = evaluacion.resultado
        lineas = [f"== Productos recomendados para {r.comuna} =="]
        for area in AREAS:
            del_area = [p for p in r.productos if p.area == area]
            if del_area:
                nivel = r.areas[area].nivel_vigente
                lineas.append(f"{self.nombres[area]} (nivel {nivel}):")
                lineas += [f"  - {p.texto}" for p in del_area]
        return "\n".join(lineas)

    def propuesta(self, evaluacion: Evaluacion) -> str:
        r = evaluacion.resultado
        lineas = [f"== Propuesta de intervención para {r.comuna} =="]
        for titulo, textos in (
            ("Fusiones de procesos y coordinación de etapas", [f.texto for f in r.fusiones]),
            ("Vacíos en el par estrategia–servicios", [v.texto for v in r.vacios]),
            ("Ajustes de estructura", [a.texto for a in r.ajustes_estructura]),
        ):
            lineas.append(f"{titulo}:")
            lineas += [f"  - {t}" for t in textos] or ["  - ninguno"]
        lineas.append(f"Horas de acompañamiento: {numero(r.horas.total)} h")
        for area, horas in r.horas.por_area.items():
            lineas.append(f"  - {self.nombres[area]}: {numero(horas)} h")
        for concepto, horas in r.horas.otras.items():
            lineas.append(f"  - {concepto}: {numero(horas)} h")
        lineas += [f"Advertencia: {a}" for a in r.advertencias]
        return "\n".join(lineas)

    def camino(self, evaluacion: Evaluacion) -> str:
        """Per area below alto, the smallest answer changes that give the next level."""
        r = evaluacion.resultado
        lineas = [f"== Camino al nivel siguiente para {r.comuna} =="]
        for area in AREAS:
            camino = r.caminos.get(area)
            if camino is None or camino.objetivo is None:
                provisional = (
                    " (provisional: espera evidencia)" if r.areas[area].provisional else ""
                )
                lineas.append(
                    f"{self.nombres[area]}: nivel {r.areas[area].nivel}{provisional}, el más alto."
                )
                continue
            hacia = (
                f"para que el diagnóstico ({camino.nivel}) coincida con la mesa ({camino.objetivo})"
                if camino.proposito == "coincidir_con_mesa"
                else f"de {r.areas[area].nivel_vigente} a {camino.objetivo}"
            )
            lineas.append(
                f"{self.nombres[area]}: {hacia} "
                f"({numero(r.horas.por_area.get(area, 0))} h de acompañamiento en el área)"
            )
            for i, p in enumerate(camino.caminos, 1):
                lineas.append(f"  {i}. " + "\n     + ".join(c.texto for c in p.cambios))
            if not camino.caminos:
                lineas.append(f"  {camino.motivo[:1].upper()}{camino.motivo[1:]}.")
        return "\n".join(lineas)

    def simular(self, evaluacion: Evaluacion) -> list[str]:
        """The command that shows what a path's first change would do: a line of its own,
        never wrapped, since it is meant to be pasted."""
        primero = next(
            (
                p.cambios[0]
                for c in evaluacion.resultado.caminos.values()
                for p in c.caminos
                if not isinstance(p.cambios[0].desde, list)
            ),
            None,
        )
        if primero is None:
            return []
        return [
            "Para ver qué haría un cambio, sin guardarlo:",
            "  "
            + self.entrevista.entorno.comando(
                "simular", self.entrevista.ruta, "--cambiar", f"{primero.pregunta}={primero.hacia}"
            ),
        ]

    def razones(self, evaluacion: Evaluacion, area: str) -> str:
        return razones(evaluacion, area, self.motor.conocimiento, self.motor.reglas)

    # --- the report ----------------------------------------------------------------

    def formatos(self) -> list[str]:
        """The document formats the report module writes (DOCX once it offers it)."""
        return [f for f in FORMATOS if f in _formatos_de_informe()]

    def destino(self, formato: str) -> Path:
        """The report beside the answer file, never it nor another answer file."""
        ruta = self.entrevista.ruta
        destino = ruta.with_suffix(f".{formato}")
        if os.path.realpath(destino) == str(
            self.entrevista.borrador.real
        ) or es_archivo_de_respuestas(destino):
            destino = ruta.with_name(f"{ruta.stem}-informe.{formato}")
        return destino

    def escribir_informe(self, evaluacion: Evaluacion) -> None:
        opciones = [Choice(FORMATOS[f], f) for f in self.formatos()]
        # questionary gives a choice without a value its title: «volver» needs a value of its own
        opciones.append(Choice("Volver sin escribir", VOLVER))
        formato = self.entrevista.consola.elegir("¿En qué formato?", opciones, "html", eco=False)
        if formato == VOLVER:
            return
        destino = self.destino(formato)
        escribir_atomico(
            destino,
            informe(
                evaluacion,
                self.motor.reglas,
                self.motor.conocimiento,
                formato,
                cache=self.entrevista.entorno.cache,
            ),
        )
        decir(f"Informe escrito en {destino}")
        self.pausa()

    def despedida(self) -> None:
        ruta = self.entrevista.ruta
        decir(f"\nLas respuestas están guardadas en {ruta}.")
        # commands on lines of their own, never wrapped: they are meant to be pasted
        print(
            f"Para volver a este cuestionario:\n  {self.entrevista.entorno.comando('cuestionario', ruta)}"
        )
        print(
            "Para el informe sin la terminal:\n"
            f"  {self.entrevista.entorno.comando('evaluar', ruta, '--salida', self.destino('html'))}"
        )
        # for the consultant, after the meeting: a command with the answer's code, never
        # on the mesa's screen
        for linea in self.simular(self.evaluar()):
            print(linea)


def razones(
    evaluacion: Evaluacion, area: str, conocimiento: Conocimiento, reglas: list[Regla]
) -> str:
    """Why an area has its level, in the words of the comuna's report: the level's
    reading, the rule's purpose, the answers behind the % de logro, each product with
    its reason and the path to the next level. No rule ids, fact fields or codes:
    those are for ``explicar``."""
    r = evaluacion.resultado
    a = next(x for x in documento(evaluacion, conocimiento).areas if x.clave == area)
    propositos = {g.id: " ".join(g.descripcion.split()) for g in reglas}
    provisional = ", provisional" if a.provisional else ""
    lineas = [f"== {a.nombre}: nivel {a.vigente} ({a.puntaje} de logro{provisional}) =="]
    lineas.append(a.texto_nivel)  # with the mesa's validation, or that it is stale
    por_que = propositos.get(r.areas[area].regla, "")
    if por_que:
        lineas.append(f"Por qué el diagnóstico da nivel {a.nivel}: {por_que}")
    lineas.append("Respuestas que forman el % de logro:")
    cuestionario = conocimiento.cuestionario
    for aporte in evaluacion.puntajes[area].aportes:
        pregunta = cuestionario.por_id[aporte.pregunta]
        respuesta = "sin respuesta" if aporte.valor is None else pregunta.etiqueta(aporte.valor)
        puntos = (
            "no cuenta"
            if aporte.puntos is None
            else f"{numero(aporte.puntos)} de {plural(aporte.maximo, 'punto')}"
        )
        lineas.append(f"  - {pregunta.texto} {respuesta} ({puntos})")
    if a.items:
        lineas.append("Productos del área, y por qué:")
        for item, producto in zip(a.items, a.productos, strict=True):
            lineas.append(f"  {item.numero}. {item.linea}.")
            if propositos.get(producto.regla):
                lineas.append(f"     {propositos[producto.regla]}")
    lineas += [f"Retenido hasta confirmar lo que se respondió «no sé»: {x}." for x in a.retenidos]
    if a.camino_titulo:
        lineas.append(f"{a.camino_titulo}: {a.camino_nota}")
        lineas += [f"  - {c}" for c in a.caminos]
    if a.para_confirmar:
        lineas.append("Para confirmar el nivel (provisional):")
        lineas += [f"  - {t}." for t in a.para_confirmar]
    return "\n".join(lineas)


def _formatos_de_informe() -> tuple[str, ...]:
    from diagnostico_experto.informes import comuna

    return comuna.FORMATOS


def cerrar(entrevista: Sesion) -> None:
    Cierre(entrevista).correr()


def caben(avisos: list[str], sitio: int) -> list[str]:
    """The notices that fit in ``sitio`` lines; the rest in one line that says where
    they are told in full (the propuesta view lists every advertencia)."""
    if len(avisos) <= sitio:
        return avisos
    dichos = avisos[: max(sitio - 1, 0)]
    resto = len(avisos) - len(dichos)
    return [
        *dichos,
        f"¡{plural(resto, 'aviso')}{' más' if dichos else ''}: véalos en «Propuesta»!",
    ]


def _cortar(linea: str) -> str:
    """A line of the end screen within 80 columns (a wrapped line would push the top of
    the screen away on a 24-row terminal)."""
    return linea if len(linea) <= ANCHO else linea[: ANCHO - 1] + "…"
