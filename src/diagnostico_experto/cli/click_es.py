"""Click, speaking Spanish: help headings, the help option, and usage errors.

Click writes its own messages in English; users of this tool read Spanish.
Help is translated by a formatter, usage errors by their exception type.
"""

from __future__ import annotations

import click

_TITULOS = {"Options": "Opciones", "Commands": "Comandos", "Arguments": "Argumentos"}


class FormatoAyuda(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[OPCIONES]").replace(
            "COMMAND [ARGS]...", "COMANDO [ARGS]..."
        )
        super().write_usage(prog, args, prefix="Uso: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(_TITULOS.get(heading, heading))


class _Ayuda:
    """The --help option, described in Spanish."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        opcion = super().get_help_option(ctx)  # type: ignore[misc]
        if opcion is not None:
            opcion.help = "Muestra esta ayuda y termina."
        return opcion


class Comando(_Ayuda, click.Command):
    pass


class Grupo(_Ayuda, click.Group):
    command_class = Comando


click.Context.formatter_class = FormatoAyuda


def _nombre(param: click.Parameter | None, por_defecto: str) -> str:
    if isinstance(param, click.Option):
        return param.opts[0]
    return param.human_readable_name if param else por_defecto


def mensaje_de_uso(error: click.UsageError) -> str:
    """A usage error in Spanish."""
    if isinstance(error, click.NoSuchOption):
        sugerencias = (
            f" ¿Quiso decir {', '.join(error.possibilities)}?" if error.possibilities else ""
        )
        return f"opción desconocida: {error.option_name}.{sugerencias}"
    if isinstance(error, click.MissingParameter):
        nombre = _nombre(error.param, "un argumento")
        return f"falta {nombre}."
    if isinstance(error, click.BadParameter):
        nombre = _nombre(error.param, "un parámetro")
        if isinstance(getattr(error.param, "type", None), click.Choice):
            opciones = ", ".join(error.param.type.choices)  # type: ignore[union-attr]
            return f"valor no válido para {nombre}; opciones: {opciones}."
        tipo = getattr(error.param, "type", None)
        if isinstance(tipo, click.IntRange):
            return (
                f"valor no válido para {nombre}; debe ser un número entero "
                f"entre {tipo.min} y {tipo.max}."
            )
        if isinstance(tipo, click.Path) and tipo.exists:
            return f"valor no válido para {nombre}; la ruta no existe o no es del tipo esperado."
        return f"valor no válido para {nombre}."
    if isinstance(error, click.BadOptionUsage):
        return f"la opción {error.option_name} necesita un valor."
    texto = error.format_message()
    if texto.startswith("No such command"):
        return texto.replace("No such command", "comando desconocido").rstrip(".") + "."
    if texto.startswith("Got unexpected extra argument"):
        return "sobran argumentos: " + texto.split("(", 1)[-1].rstrip(")")
    return texto
