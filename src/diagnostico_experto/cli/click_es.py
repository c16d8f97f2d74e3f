"""Click, speaking Spanish: help headings, metavars, defaults, the help option, usage errors.

Click writes its own messages in English; users of this tool read Spanish.
Help is translated by a formatter and by the command classes (metavars from the
option's type, "[por defecto: …]", "[obligatorio]"), usage errors by their
exception type. ``tests/test_ayuda.py`` reads every command's ``--help`` for
English words.
"""

from __future__ import annotations

import re

import click

_TITULOS = {"Options": "Opciones", "Commands": "Comandos", "Arguments": "Argumentos"}


class FormatoAyuda(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[OPCIONES]").replace(
            "COMMAND [ARGS]...", "COMANDO [ARGUMENTOS]..."
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


def metavar(tipo: click.ParamType) -> str | None:
    """The Spanish metavar of a value of ``tipo`` (click's would say PATH, TEXT…)."""
    if isinstance(tipo, click.Path):
        if not tipo.file_okay:
            return "CARPETA"
        return "ARCHIVO" if not tipo.dir_okay else "RUTA"
    if isinstance(tipo, click.Choice):
        return None  # click lists the choices: [md|html|json]
    if isinstance(tipo, click.types.IntParamType | click.types.FloatParamType):
        return "N"
    if isinstance(tipo, click.types.StringParamType):
        return "TEXTO"
    return None


_EXTRAS = [
    (re.compile(r"\bdefault: "), "por defecto: "),
    (re.compile(r"\brequired\b"), "obligatorio"),
    (re.compile(r"\benv var: "), "variable de entorno: "),
    (re.compile(r"\b(-?[\d.]+)<=x<=(-?[\d.]+)"), r"de \1 a \2"),
    (re.compile(r"\bx>=(-?[\d.]+)"), r"al menos \1"),
    (re.compile(r"\bx<=(-?[\d.]+)"), r"a lo sumo \1"),
]


def _extras_en_espanol(ayuda: str) -> str:
    """Translate the "[default: …; required]" tail click appends to an option's help."""
    cola = re.search(r"\[[^\[\]]*\]$", ayuda)
    if not cola:
        return ayuda
    texto = cola.group(0)
    for patron, reemplazo in _EXTRAS:
        texto = patron.sub(reemplazo, texto)
    return ayuda[: cola.start()] + texto


class _EnEspanol(_Ayuda):
    """Options get Spanish metavars; their help records, Spanish extras."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:  # type: ignore[attr-defined]
            if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
                param.metavar = metavar(param.type)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        registros = []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if not isinstance(param, click.Option):
                continue  # arguments are described in the command's text
            registro = param.get_help_record(ctx)
            if registro is not None:
                registros.append((registro[0], _extras_en_espanol(registro[1])))
        if registros:
            with formatter.section("Opciones"):
                formatter.write_dl(registros)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


class Comando(_EnEspanol, click.Command):
    pass


class Grupo(_EnEspanol, click.Group):
    command_class = Comando


click.Context.formatter_class = FormatoAyuda


def _nombre(param: click.Parameter | None, por_defecto: str) -> str:
    if isinstance(param, click.Option):
        return param.opts[0]
    return param.human_readable_name if param else por_defecto


_RUTA_CITADA = re.compile(r"""(?:'(?P<simple>.*)'|"(?P<doble>.*)")""")
_MOTIVOS_RUTA = (
    ("does not exist", "no existe"),
    ("is a file", "es un archivo, no una carpeta"),
    ("is a directory", "es una carpeta, no un archivo"),
    ("is not readable", "no se puede leer (sin permiso)"),
    ("is not writable", "no se puede escribir (sin permiso)"),
)


def _ruta_no_valida(nombre: str, mensaje: str) -> str:
    """click's reason for refusing a path, in Spanish and with the path it refused."""
    citada = _RUTA_CITADA.search(mensaje)
    ruta = (citada.group("simple") or citada.group("doble")) if citada else None
    for ingles, motivo in _MOTIVOS_RUTA:
        if ingles in mensaje and ruta is not None:
            return f"valor no válido para {nombre}: {ruta}: {motivo}."
    return f"valor no válido para {nombre}; la ruta no existe o no es del tipo esperado."


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
        if isinstance(tipo, click.Path):
            return _ruta_no_valida(nombre, error.message)
        return f"valor no válido para {nombre}."
    if isinstance(error, click.BadOptionUsage):
        return f"la opción {error.option_name} necesita un valor."
    texto = error.format_message()
    if texto.startswith("No such command"):
        comando, _, sugerencia = texto.removeprefix("No such command").partition("Did you mean")
        texto = "comando desconocido" + comando.rstrip().rstrip(".") + "."
        sugerida = sugerencia.strip().rstrip("?.").strip()
        return texto + (f" ¿Quiso decir {sugerida}?" if sugerida else "")
    if texto.startswith("Got unexpected extra argument"):
        return "sobran argumentos: " + texto.split("(", 1)[-1].rstrip(")")
    return texto
