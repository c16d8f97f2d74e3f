"""The terminal's prompts: lists, tick boxes, typed text, confirmations and pages.

Thin wrappers over questionary that make every prompt behave the same way:
texts wrapped between words at the terminal's width (questions, options,
messages and the echoed answer), ``?`` and ``<`` as keys where a question
offers help and "back", and the answered line written by us, so a long answer
never breaks mid-word. ``entrada``/``salida`` let tests drive it through
prompt_toolkit's pipe input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import questionary
from prompt_toolkit.application import Application, get_app
from prompt_toolkit.filters import Always, Condition, Filter
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.layout import Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl
from questionary import Choice

from diagnostico_experto.reglas.regla import lista_legible
from diagnostico_experto.terminal.controles import AYUDA, VOLVER, Control
from diagnostico_experto.terminal.pantalla import alto, envolver, envolver_opcion, paginas

_INSTRUCCION_LISTA = "(↑↓ y Enter)"
_INSTRUCCION_VARIAS = "(↑↓, espacio marca, Enter confirma)"
_SANGRIA_LISTA = 3  # " » "
_SANGRIA_CASILLA = 5  # " » ● "


def _validador(validar: Callable[[Any], bool | str] | None) -> Callable[[Any], bool | str] | None:
    """Validation messages wrapped like any other text."""
    if validar is None:
        return None

    def envuelto(valor: Any) -> bool | str:
        veredicto = validar(valor)
        return envolver(veredicto, 2) if isinstance(veredicto, str) else veredicto

    return envuelto


class Consola:
    def __init__(self, entrada: Any = None, salida: Any = None):
        self._terminal = {"input": entrada, "output": salida} if entrada is not None else {}

    # --- the question widgets ------------------------------------------------------

    def preguntar(self, mensaje: str, control: Control) -> Any:
        """Ask with ``control``; returns the answer, AYUDA or VOLVER."""
        if control.tipo == "escrita":
            return self._escrita(mensaje, control)
        opciones = [Choice(titulo, valor) for titulo, valor in control.opciones]
        if control.tipo == "casillas":
            for opcion in opciones:
                opcion.checked = opcion.value in (control.defecto or [])
            valor = self.marcar(mensaje, opciones, control.validar, control.instruccion, True)
        else:
            valor = self.elegir(mensaje, opciones, control.defecto, control.instruccion, True)
        return valor if valor in (AYUDA, VOLVER) else control.leer(valor)

    def _escrita(self, mensaje: str, control: Control) -> Any:
        texto = questionary.text(
            envolver(mensaje, 2),
            default=control.defecto or "",
            validate=_validador(control.validar),
            instruction="\n  " + control.instruccion + "\n ",
            erase_when_done=True,
            **self._terminal,
        )
        respuesta = _con_teclas(texto, control.teclas_solo_en_blanco).unsafe_ask()
        if respuesta in (AYUDA, VOLVER):
            return respuesta
        valor = control.leer(respuesta)
        self.eco(mensaje, str(respuesta).strip() or "(sin texto)")
        return valor

    # --- general prompts -----------------------------------------------------------

    def elegir(
        self,
        mensaje: str,
        opciones: list[Any],
        defecto: Any = None,
        instruccion: str = _INSTRUCCION_LISTA,
        navegacion: bool = False,
        eco: bool = True,
    ) -> Any:
        hay_defecto = any(_es_opcion(o) and o.value == defecto for o in opciones)
        pregunta = questionary.select(
            envolver(mensaje, 2),
            choices=[_envuelta(o, _SANGRIA_LISTA) for o in opciones],
            default=defecto if hay_defecto else None,
            instruction="\n  " + instruccion,
            erase_when_done=True,
            **self._terminal,
        )
        valor = (_con_teclas(pregunta) if navegacion else pregunta).unsafe_ask()
        if eco and (valor not in (AYUDA, VOLVER) or not navegacion):
            titulo = next((o.title for o in opciones if _es_opcion(o) and o.value == valor), "")
            self.eco(mensaje, str(titulo))
        return valor

    def marcar(
        self,
        mensaje: str,
        opciones: list[Choice],
        validar: Any = 1,
        instruccion: str = _INSTRUCCION_VARIAS,
        navegacion: bool = False,
    ) -> Any:
        """Tick boxes; ``validar`` is a check or the minimum number of ticks."""
        revisar = _validador(_al_menos(validar) if isinstance(validar, int) else validar)
        pregunta = questionary.checkbox(
            envolver(mensaje, 2),
            choices=[_envuelta(o, _SANGRIA_CASILLA) for o in opciones if _es_opcion(o)],
            validate=revisar if revisar else _al_menos(0),
            instruction="\n  " + instruccion,
            erase_when_done=True,
            **self._terminal,
        )
        elegidas = (_con_teclas(pregunta) if navegacion else pregunta).unsafe_ask()
        if elegidas in (AYUDA, VOLVER):
            return elegidas
        titulos = [str(o.title) for o in opciones if _es_opcion(o) and o.value in elegidas]
        self.eco(mensaje, lista_legible(titulos) or "(ninguna)")
        return elegidas

    def preguntar_texto(self, mensaje: str, defecto: str = "", obligatorio: bool = True) -> str:
        validar = (lambda t: bool(t.strip()) or "No puede quedar vacío.") if obligatorio else None
        texto = questionary.text(
            envolver(mensaje, 2),
            default=defecto,
            validate=_validador(validar),
            erase_when_done=True,
            **self._terminal,
        ).unsafe_ask()
        self.eco(mensaje, texto.strip() or "(sin texto)")
        return texto.strip()

    def autocompletar(self, mensaje: str, opciones: list[str], validar: Any) -> str:
        return questionary.autocomplete(
            mensaje,
            choices=opciones,
            validate=_validador(validar),
            ignore_case=True,
            match_middle=True,
            **self._terminal,
        ).unsafe_ask()

    def confirmar(self, mensaje: str, defecto: bool = True) -> bool:
        return questionary.confirm(
            envolver(mensaje, 2), default=defecto, auto_enter=False, **self._terminal
        ).unsafe_ask()

    def eco(self, mensaje: str, respuesta: str) -> None:
        """The answered line, wrapped between words (questionary's would break mid-word)."""
        print(envolver(f"? {mensaje} → {respuesta}"))

    # --- long views ----------------------------------------------------------------

    def paginar(self, texto: str, reserva: int = 2, literales: list[str] | None = None) -> bool:
        """Show ``texto`` a screenful at a time; Enter shows more, q or Esc stops.

        ``literales`` follow the text unwrapped (a command to paste). Returns False
        when the reader stopped before the last page.
        """
        lineas = envolver(texto).splitlines() + (literales or [])
        por_pagina = max(alto() - reserva, 5)
        hojas = paginas(lineas, por_pagina)
        for numero, hoja in enumerate(hojas, 1):
            print("\n".join(hoja))
            if numero < len(hojas) and not self.tecla(
                f"— página {numero} de {len(hojas)}: Enter sigue · q vuelve —"
            ):
                return False
        return True

    def tecla(self, mensaje: str) -> bool:
        """One line that waits for Enter (True) or q/Esc (False)."""
        teclas = KeyBindings()

        @teclas.add("enter")
        @teclas.add(" ")
        def _seguir(event: Any) -> None:
            event.app.exit(result=True)

        @teclas.add("q")
        @teclas.add("escape", eager=True)
        def _parar(event: Any) -> None:
            event.app.exit(result=False)

        @teclas.add("c-c")
        def _interrumpir(event: Any) -> None:
            event.app.exit(exception=KeyboardInterrupt)

        aplicacion: Application[bool] = Application(
            layout=Layout(Window(FormattedTextControl(mensaje), height=1)),
            key_bindings=teclas,
            erase_when_done=True,
            **self._terminal,
        )
        return bool(aplicacion.run())


def _al_menos(minimo: int) -> Callable[[list[Any]], bool | str]:
    def validar(valores: list[Any]) -> bool | str:
        return len(valores) >= minimo or "Marque al menos una opción (barra espaciadora)."

    return validar


def _es_opcion(opcion: Any) -> bool:
    """A real option: questionary's Separator is a Choice too, but never an answer."""
    return isinstance(opcion, Choice) and not isinstance(opcion, questionary.Separator)


def _envuelta(opcion: Any, sangria: int) -> Any:
    if not _es_opcion(opcion) or not isinstance(opcion.title, str) or "\n" in opcion.title:
        return opcion  # a title laid out by its caller (the review) is kept as it is
    return Choice(
        envolver_opcion(opcion.title, sangria),
        opcion.value,
        checked=opcion.checked,
        disabled=opcion.disabled,
    )


def _con_teclas(pregunta: questionary.Question, solo_vacia: bool = False) -> questionary.Question:
    """``?`` asks for help and ``<`` goes back, in any widget.

    In a typed answer the keys act only on an empty line, so a text can still
    contain them.
    """
    filtro: Filter = (
        Condition(lambda: not get_app().current_buffer.text) if solo_vacia else Always()
    )
    teclas = KeyBindings()

    @teclas.add("?", filter=filtro)
    def _ayuda(event: Any) -> None:
        event.app.exit(result=AYUDA)

    @teclas.add("<", filter=filtro)
    def _volver(event: Any) -> None:
        event.app.exit(result=VOLVER)

    aplicacion = pregunta.application
    aplicacion.key_bindings = merge_key_bindings([aplicacion.key_bindings or KeyBindings(), teclas])
    return pregunta
