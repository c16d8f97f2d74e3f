"""The interactive questionnaire: a consultant and a mesa comunal at a terminal.

The answer file is the only state: it is written atomically after every
answer, so Ctrl-C, a closed terminal or ``kill -9`` lose nothing, and running
the command again resumes at the first unanswered question. Widgets come
from questionary; the questions, their options and skip logic from
knowledge/cuestionario.yaml; the "why" from the rule files (``porque.py``).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import questionary
from questionary import Choice, Separator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from diagnostico_experto.comun.archivos_yaml import Documento, escribir_atomico, leer
from diagnostico_experto.comun.errores import ErrorEntrada
from diagnostico_experto.comun.restricciones import simple
from diagnostico_experto.conocimiento.carpeta import Conocimiento, cargar_conocimiento
from diagnostico_experto.conocimiento.preguntas import NO_SABE, Pregunta
from diagnostico_experto.conocimiento.respuestas import desde_documento
from diagnostico_experto.reglas.lenguaje import cargar_reglas
from diagnostico_experto.reglas.porque import texto_porque
from diagnostico_experto.reglas.regla import Regla, lista_legible
from diagnostico_experto.terminal.cierre import cerrar
from diagnostico_experto.terminal.inventario import editar_mesa, editar_servicios
from diagnostico_experto.terminal.pantalla import decir, envolver

AYUDA = "__ayuda__"
VOLVER = "__volver__"
_NAVEGACION = [
    Separator(),
    Choice("¿Ayuda y por qué se pregunta?", AYUDA),
    Choice("« Volver a la pregunta anterior", VOLVER),
]
_INSTRUCCION_LISTA = "(↑↓ y Enter)"
_INSTRUCCION_VARIAS = "(↑↓, espacio marca, Enter confirma)"
_INSTRUCCION_TEXTO = "(? ayuda · < volver) "
_BOOLEANOS_YAML_1_1 = {"no", "yes", "y", "n", "on", "off", "true", "false"}


class Entrevista:
    """One run of the questionnaire on one answer file."""

    def __init__(
        self,
        ruta: Path,
        conocimiento: Conocimiento,
        reglas: list[Regla],
        entrada: Any = None,
        salida: Any = None,
    ):
        self.ruta = Path(ruta)
        self.conocimiento = conocimiento
        self.cuestionario = conocimiento.cuestionario
        self.reglas = reglas
        self._terminal = {"input": entrada, "output": salida} if entrada is not None else {}
        self.datos = self._cargar()

    @classmethod
    def desde_carpetas(
        cls, ruta: Path, reglas: Path, conocimiento: Path, **terminal: Any
    ) -> Entrevista:
        base = cargar_conocimiento(conocimiento)
        return cls(ruta, base, cargar_reglas(reglas, base), **terminal)

    # --- the file ----------------------------------------------------------------

    def _cargar(self) -> CommentedMap:
        if not self.ruta.exists():
            return CommentedMap()
        doc = leer(self.ruta)
        if doc.datos is None:
            return CommentedMap()
        if not isinstance(doc.datos, CommentedMap):
            raise ErrorEntrada.uno(self.ruta, "el archivo no es un archivo de respuestas")
        if "comuna" in doc.datos:
            desde_documento(doc, self.conocimiento)  # refuse a broken file before touching it
        return doc.datos

    def guardar(self) -> None:
        yaml = YAML()
        yaml.width = 100
        yaml.indent(mapping=2, sequence=4, offset=2)  # the style of the shipped examples
        texto = io.StringIO()
        yaml.dump(self.datos, texto)
        escribir_atomico(self.ruta, texto.getvalue())

    @property
    def respuestas(self) -> dict[str, Any]:
        if self.datos.get("respuestas") is None:
            self.datos["respuestas"] = CommentedMap()
        return self.datos["respuestas"]

    def _valores(self) -> dict[str, Any]:
        return {k: simple(v) for k, v in self.respuestas.items() if v is not None}

    def responder(self, pregunta: Pregunta, valor: Any) -> None:
        """Save one answer, drop the answers that stop applying, write the file."""
        if isinstance(valor, list):
            valor = CommentedSeq(valor)
            valor.fa.set_flow_style()
        elif isinstance(valor, str) and valor.lower() in _BOOLEANOS_YAML_1_1:
            valor = DoubleQuotedScalarString(valor)  # other YAML readers would see a boolean
        self.respuestas[pregunta.id] = valor
        quitadas = []
        valores = self._valores()
        for p in self.cuestionario.preguntas:
            if p.id in valores and not self.cuestionario.aplica(p, valores):
                del valores[p.id]
                del self.respuestas[p.id]
                quitadas.append(p.id)
        self.guardar()
        if quitadas:
            print(f"  Ya no aplican y se quitaron: {', '.join(quitadas)}.")

    # --- the order of questions --------------------------------------------------

    def aplicables(self) -> list[Pregunta]:
        valores = self._valores()
        return [p for p in self.cuestionario.preguntas if self.cuestionario.aplica(p, valores)]

    def pendiente(self) -> Pregunta | None:
        valores = self._valores()
        return next((p for p in self.aplicables() if p.id not in valores), None)

    def progreso(self, pregunta: Pregunta) -> str:
        del_area = [p for p in self.aplicables() if p.area == pregunta.area]
        nombre = self.cuestionario.areas[pregunta.area].nombre
        posicion = next((i for i, p in enumerate(del_area, 1) if p.id == pregunta.id), 0)
        return f"{nombre} {posicion}/{len(del_area)}"

    # --- the run -----------------------------------------------------------------

    def correr(self, comuna: str | None = None) -> None:
        nueva = "comuna" not in self.datos
        self._comuna(comuna)
        if not self.datos.get("fecha"):
            self.datos["fecha"] = dt.date.today()
        self.respuestas  # noqa: B018 - creates the section
        self.guardar()
        actual = self.pendiente()
        if not nueva and actual is not None and self._valores():
            decir(
                f"Se retoma el cuestionario de {self.datos['comuna']} en {self.progreso(actual)} "
                f"({actual.id}); hay {len(self._valores())} respuestas guardadas en {self.ruta}."
            )
        elif not nueva and actual is None:
            decir("Todas las preguntas están respondidas; siguen los servicios y la mesa comunal.")
        self._preguntas(actual)
        self._servicios()
        self._mesa()
        self._cierre()

    def _comuna(self, comuna: str | None) -> None:
        actual = self.datos.get("comuna")
        if comuna:
            nombre = self._buscar(comuna)
            if actual and self._buscar(actual) != nombre:
                raise ErrorEntrada.uno(
                    self.ruta, f"el archivo es de la comuna {actual}, no de {nombre}"
                )
            self.datos["comuna"] = nombre
            return
        if actual:
            return
        comunas = self.conocimiento.comunas()
        respuesta = questionary.autocomplete(
            "Comuna:",
            choices=comunas,
            validate=self._es_comuna,
            ignore_case=True,
            match_middle=True,
            **self._terminal,
        ).unsafe_ask()
        self.datos.insert(0, "comuna", self._buscar(respuesta))

    def _buscar(self, nombre: str) -> str:
        try:
            return self.conocimiento.buscar_comuna(nombre)
        except ValueError as exc:
            raise ErrorEntrada.uno(self.ruta, str(exc)) from None

    def _es_comuna(self, texto: str) -> bool | str:
        try:
            self.conocimiento.buscar_comuna(texto)
        except ValueError:
            return "No es una comuna del programa; escriba para ver las opciones."
        return True

    def _preguntas(self, actual: Pregunta | None) -> None:
        atras: list[str] = []  # questions answered in this run, for "volver"
        adelante: list[str] = []  # questions to walk again after going back
        area_anterior = None
        while actual is not None:
            if actual.area != area_anterior:
                print(f"\n== {self.cuestionario.areas[actual.area].nombre} ==")
                area_anterior = actual.area
            valor = self.preguntar(actual)
            if valor == VOLVER:
                if not atras:
                    print("  Es la primera pregunta de esta sesión.")
                    continue
                adelante.append(actual.id)
                actual = self.cuestionario.por_id[atras.pop()]
                continue
            if valor is not None:
                self.responder(actual, valor)
            atras.append(actual.id)
            actual = self._siguiente(adelante)

    def _siguiente(self, adelante: list[str]) -> Pregunta | None:
        vigentes = {p.id for p in self.aplicables()}
        while adelante:
            id_ = adelante.pop()
            if id_ in vigentes:
                return self.cuestionario.por_id[id_]
        return self.pendiente()

    # --- one question ------------------------------------------------------------

    def preguntar(self, pregunta: Pregunta) -> Any:
        """Ask until there is an answer (or a move back); show help when asked."""
        mensaje = envolver(f"[{self.progreso(pregunta)}] {pregunta.id}. {pregunta.texto}", 2)
        actual = self._valores().get(pregunta.id)
        while True:
            if pregunta.tipo in ("numero", "texto"):
                valor = self._escrita(pregunta, mensaje, actual)
            elif pregunta.tipo == "opcion_multiple":
                valor = self._varias(pregunta, mensaje, actual)
            else:
                valor = self._una(pregunta, mensaje, actual)
            if valor != AYUDA:
                return valor
            decir(texto_porque(pregunta, self.reglas, self.conocimiento))

    def _opciones(self, pregunta: Pregunta) -> list[Choice]:
        opciones = [Choice(pregunta.etiqueta(v), v) for v in pregunta.valores()]
        if pregunta.no_sabe:
            opciones.append(Choice("No sé", NO_SABE))
        return opciones

    def _una(self, pregunta: Pregunta, mensaje: str, actual: Any) -> Any:
        opciones = self._opciones(pregunta)
        defecto = next((o for o in opciones if o.value == actual), None)
        return questionary.select(
            mensaje,
            choices=opciones + _NAVEGACION,
            default=defecto,
            instruction=_INSTRUCCION_LISTA,
            **self._terminal,
        ).unsafe_ask()

    def _varias(self, pregunta: Pregunta, mensaje: str, actual: Any) -> Any:
        marcadas = actual if isinstance(actual, list) else [actual]
        opciones = self._opciones(pregunta)
        for opcion in opciones:
            opcion.checked = opcion.value in marcadas
        navegacion = [Choice(c.title, c.value) for c in _NAVEGACION if isinstance(c, Choice)]
        elegidas = self._casillas(
            mensaje,
            [*opciones, Separator(), *navegacion],
            lambda valores: self._valida_varias(pregunta, valores),
        )
        if elegidas in ([AYUDA], [VOLVER]):
            return elegidas[0]
        return NO_SABE if elegidas == [NO_SABE] else elegidas

    @staticmethod
    def _valida_varias(pregunta: Pregunta, valores: list[Any]) -> bool | str:
        if not valores:
            return "Marque al menos una opción (con la barra espaciadora)."
        especiales = [v for v in valores if v in (AYUDA, VOLVER, NO_SABE)]
        if especiales and len(valores) > 1:
            return "«Ayuda», «Volver» y «No sé» se marcan solos."
        if especiales:
            return True
        try:
            pregunta.normalizar(valores)
        except ValueError as exc:
            return f"No válido: {exc}."
        return True

    def _escrita(self, pregunta: Pregunta, mensaje: str, actual: Any) -> Any:
        ayuda = _INSTRUCCION_TEXTO + ("· «ns» = no sé " if pregunta.no_sabe else "")
        if pregunta.tipo == "texto":
            ayuda += "· Enter sin texto para omitir "
        texto = questionary.text(
            f"{mensaje} {ayuda}",
            default="" if actual in (None, NO_SABE) else f"{actual}",
            validate=lambda t: self._valida_escrita(pregunta, t),
            **self._terminal,
        ).unsafe_ask()
        return self._interpretar_escrita(pregunta, texto)

    @staticmethod
    def _interpretar_escrita(pregunta: Pregunta, texto: str) -> Any:
        limpio = texto.strip()
        if limpio == "?":
            return AYUDA
        if limpio == "<":
            return VOLVER
        if pregunta.no_sabe and limpio.lower() in ("ns", "no sé", "no se"):
            return NO_SABE
        if pregunta.tipo == "texto":
            return limpio or None
        return pregunta.normalizar(float(limpio.replace(",", ".")))

    @classmethod
    def _valida_escrita(cls, pregunta: Pregunta, texto: str) -> bool | str:
        try:
            cls._interpretar_escrita(pregunta, texto)
        except ValueError as exc:
            mensaje = str(exc)
            if "could not convert" in mensaje or "convert string" in mensaje:
                mensaje = "escriba un número (o ? para ayuda)"
            return f"No válido: {mensaje}."
        return True

    # --- services, mesa and the end -------------------------------------------------

    def _servicios(self) -> None:
        editar_servicios(self)

    def _mesa(self) -> None:
        editar_mesa(self)

    def _cierre(self) -> None:
        cerrar(self)

    def documento(self) -> Documento:
        return Documento(self.ruta, self.datos)

    def preguntar_texto(self, mensaje: str, defecto: str = "", obligatorio: bool = True) -> str:
        validar = (lambda t: bool(t.strip()) or "No puede quedar vacío.") if obligatorio else None
        texto = questionary.text(
            mensaje, default=defecto, validate=validar, **self._terminal
        ).unsafe_ask()
        return texto.strip()

    def elegir(self, mensaje: str, opciones: list[Any], defecto: Any = None) -> Any:
        elegida = next((o for o in opciones if isinstance(o, Choice) and o.value == defecto), None)
        return questionary.select(
            mensaje,
            choices=opciones,
            default=elegida,
            instruction=_INSTRUCCION_LISTA,
            **self._terminal,
        ).unsafe_ask()

    def marcar(self, mensaje: str, opciones: list[Choice], minimo: int = 1) -> list[Any]:
        return self._casillas(
            mensaje,
            opciones,
            lambda v: len(v) >= minimo or "Marque al menos una opción (barra espaciadora).",
        )

    def _casillas(self, mensaje: str, opciones: list[Any], validar: Any) -> list[Any]:
        """A checkbox whose answered line is ours: questionary's says "done (3 selections)"."""
        elegidas = questionary.checkbox(
            mensaje,
            choices=opciones,
            validate=validar,
            instruction=_INSTRUCCION_VARIAS,
            erase_when_done=True,
            **self._terminal,
        ).unsafe_ask()
        titulos = [o.title for o in opciones if isinstance(o, Choice) and o.value in elegidas]
        print(f"? {mensaje} {lista_legible(titulos) or '(ninguna)'}")
        return elegidas

    def confirmar(self, mensaje: str, defecto: bool = True) -> bool:
        return questionary.confirm(
            mensaje, default=defecto, auto_enter=False, **self._terminal
        ).unsafe_ask()
