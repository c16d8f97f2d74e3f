"""The interactive questionnaire: a consultant and a mesa comunal at a terminal.

This module is the session's flow; each responsibility lives in its own module:
the answer file (``borrador``), the order and progress (``navegacion``), the
widget of each question type (``controles``), the prompts (``consola``), the
review of answers (``revision``), the end screen and its menu (``cierre``),
the mesa's validation (``validacion``), services and mesa (``inventario``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from questionary import Choice

from diagnostico_experto.comun.entorno import Entorno
from diagnostico_experto.comun.errores import ErrorRespuestas
from diagnostico_experto.conocimiento.carpeta import Conocimiento, cargar_conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS, TRANSVERSAL, Pregunta
from diagnostico_experto.reglas.lenguaje import cargar_reglas
from diagnostico_experto.reglas.porque import texto_porque
from diagnostico_experto.reglas.regla import Regla, lista_legible
from diagnostico_experto.terminal.borrador import Borrador
from diagnostico_experto.terminal.cierre import cerrar
from diagnostico_experto.terminal.consola import Consola
from diagnostico_experto.terminal.controles import AYUDA, VOLVER, control
from diagnostico_experto.terminal.evidencia import ofrecer_evidencia
from diagnostico_experto.terminal.inventario import editar_mesa, editar_servicios
from diagnostico_experto.terminal.navegacion import Navegacion
from diagnostico_experto.terminal.pantalla import decir
from diagnostico_experto.terminal.revision import revisar

SEGUIR, REVISAR = "seguir", "revisar"


class Entrevista:
    """One run of the questionnaire on one answer file."""

    def __init__(
        self,
        ruta: Path,
        conocimiento: Conocimiento,
        reglas: list[Regla],
        entrada: Any = None,
        salida: Any = None,
        entorno: Entorno | None = None,
        carpeta_reglas: str = "",
    ):
        """``entorno``: the shared cache and how hints name the program (the command's);
        ``carpeta_reglas``: where the rules came from, so a report says which were used."""
        self.entorno = entorno or Entorno()
        self.carpeta_reglas = carpeta_reglas
        self.conocimiento = conocimiento
        self.cuestionario = conocimiento.cuestionario
        self.reglas = reglas
        self.borrador = Borrador(ruta, conocimiento)
        self.navegacion = Navegacion(self.cuestionario)
        self.consola = Consola(entrada, salida)

    @classmethod
    def desde_carpetas(
        cls,
        ruta: Path,
        reglas: Path,
        conocimiento: Path,
        entorno: Entorno | None = None,
        **terminal: Any,
    ) -> Entrevista:
        cache = entorno.cache if entorno else None
        base = cargar_conocimiento(conocimiento, cache)
        return cls(
            ruta,
            base,
            cargar_reglas(reglas, base, cache),
            entorno=entorno,
            carpeta_reglas=str(reglas),
            **terminal,
        )

    @property
    def ruta(self) -> Path:
        return self.borrador.ruta

    def valores(self) -> dict[str, Any]:
        return self.borrador.valores()

    def aplicables(self) -> list[Pregunta]:
        return self.navegacion.aplicables(self.valores())

    # --- the run -----------------------------------------------------------------

    def correr(self, comuna: str | None = None) -> None:
        with self.borrador.cerrojo:
            self._correr(comuna)

    def _correr(self, comuna: str | None) -> None:
        datos = self.borrador.datos
        nueva = "comuna" not in datos or not self.valores()
        self._comuna(comuna)
        if not datos.get("fecha"):
            datos["fecha"] = dt.date.today()
        self.borrador.respuestas  # noqa: B018 - creates the section
        self.borrador.guardar()
        actual = self.navegacion.pendiente(self.valores())
        if nueva:
            self._bienvenida()
        elif actual is not None:
            dadas, total = self.navegacion.respondidas(self.valores())
            decir(
                f"Se retoma el cuestionario de {datos['comuna']}: {dadas} de {total} "
                f"preguntas respondidas, guardadas en {self.ruta}."
            )
            if self._al_retomar(actual) == REVISAR:
                revisar(self)
                actual = self.navegacion.pendiente(self.valores())
        else:
            decir(f"Todas las preguntas de {datos['comuna']} están respondidas ({self.ruta}).")
        if actual is not None:
            self.preguntas(actual)
            self._servicios_y_mesa()
        cerrar(self)

    def _bienvenida(self) -> None:
        nombres = [self.cuestionario.areas[a].nombre for a in (*AREAS, TRANSVERSAL)]
        preguntas = len(self.navegacion.posibles(self.valores()))
        parametros = self.conocimiento.valores_parametros()
        duracion = ""
        por_pregunta = parametros.get("minutos_por_pregunta")
        if isinstance(por_pregunta, int | float):
            extra = parametros.get("minutos_servicios_y_mesa", 0)
            minutos = preguntas * por_pregunta + (extra if isinstance(extra, int | float) else 0)
            duracion = (
                f"Toma unos {round(minutos / 5) * 5:g} minutos; puede hacerse en varias sesiones.\n"
            )
        decir(
            f"\n== Diagnóstico de fomento productivo: {self.borrador.datos['comuna']} ==\n"
            f"Son hasta {preguntas} preguntas en {len(nombres)} partes "
            f"({lista_legible(nombres)}); algunas se saltan según las respuestas. "
            "Luego se ingresan los servicios de fomento y la mesa comunal, y se ve el "
            "diagnóstico por área, que la mesa puede validar o ajustar.\n"
            + duracion
            + f"Cada respuesta se guarda en {self.ruta} en cuanto se da.\n"
            "Teclas: ↑↓ y Enter eligen · espacio marca casillas · ? ayuda y por qué se "
            "pregunta · < pregunta anterior. Para seguir otro día:"
        )
        print(
            f"  {self.entorno.comando('cuestionario', self.ruta)}"
        )  # never wrapped: meant to be pasted

    def _al_retomar(self, actual: Pregunta) -> str:
        progreso = self.navegacion.progreso(actual, self.valores())
        return self.consola.elegir(
            "¿Cómo sigue?",
            [
                Choice(f"Seguir en {actual.id} ({progreso})", SEGUIR),
                Choice("Revisar y cambiar las respuestas ya dadas", REVISAR),
            ],
            SEGUIR,
        )

    def _comuna(self, comuna: str | None) -> None:
        datos = self.borrador.datos
        actual = datos.get("comuna")
        if comuna:
            nombre = self._buscar(comuna)
            if actual and self._buscar(actual) != nombre:
                raise ErrorRespuestas.uno(
                    self.ruta, f"el archivo es de la comuna {actual}, no de {nombre}"
                )
            datos["comuna"] = nombre
            return
        if actual:
            return
        respuesta = self.consola.autocompletar(
            "Comuna:", self.conocimiento.comunas(), self._es_comuna
        )
        datos.insert(0, "comuna", self._buscar(respuesta))

    def _buscar(self, nombre: str) -> str:
        try:
            return self.conocimiento.buscar_comuna(nombre)
        except ValueError as exc:
            raise ErrorRespuestas.uno(self.ruta, str(exc)) from None

    def _es_comuna(self, texto: str) -> bool | str:
        try:
            self.conocimiento.buscar_comuna(texto)
        except ValueError:
            return "No es una comuna del programa; escriba para ver las opciones."
        return True

    def _servicios_y_mesa(self) -> None:
        editar_servicios(self)
        editar_mesa(self)

    # --- the questions -------------------------------------------------------------

    def preguntas(self, actual: Pregunta | None) -> None:
        """Ask from ``actual`` on; ``<`` goes back, also to answers of earlier sessions."""
        adelante: list[str] = []  # questions to walk again after going back
        area_anterior = None
        while actual is not None:
            if actual.area != area_anterior:
                print(f"\n== {self.navegacion.nombre_area(actual.area)} ==")
                area_anterior = actual.area
            valor = self.preguntar(actual)
            if valor == VOLVER:
                previa = self.navegacion.anterior(actual, self.valores())
                if previa is None:
                    print("  Es la primera pregunta del cuestionario.")
                    continue
                adelante.append(actual.id)
                actual = previa
                continue
            self.responder(actual, valor)
            actual = self._siguiente(adelante)

    def _siguiente(self, adelante: list[str]) -> Pregunta | None:
        vigentes = {p.id for p in self.aplicables()}
        while adelante:
            id_ = adelante.pop()
            if id_ in vigentes:
                return self.cuestionario.por_id[id_]
        return self.navegacion.pendiente(self.valores())

    def responder(self, pregunta: Pregunta, valor: Any) -> None:
        """Save one answer and say which answers stopped applying; a new answer that
        wants evidence (knowledge/evidencias.yaml) is offered to record it."""
        anterior = self.valores().get(pregunta.id)
        quitadas = self.borrador.responder(pregunta, valor)
        if quitadas:
            decir(
                "  Ya no aplican y se quitaron: "
                + "; ".join(f"{p.id} («{p.texto}»)" for p in quitadas)
                + "."
            )
        if valor != anterior and self.conocimiento.evidencia.pide(pregunta.id, valor):
            ofrecer_evidencia(self, pregunta)

    def preguntar(self, pregunta: Pregunta) -> Any:
        """Ask until there is an answer (or a move back); show help when asked."""
        valores = self.valores()
        progreso = self.navegacion.progreso(pregunta, valores)
        mensaje = f"[{progreso}] {pregunta.id}. {pregunta.texto}"
        while True:
            valor = self.consola.preguntar(mensaje, control(pregunta, valores.get(pregunta.id)))
            if valor != AYUDA:
                return valor
            decir(texto_porque(pregunta, self.reglas, self.conocimiento))
