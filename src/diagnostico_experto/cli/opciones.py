"""What every command shares: exit codes, --reglas/--conocimiento and resolving them,
and click's context object (what the entry read from the environment)."""

from __future__ import annotations

from pathlib import Path

import click

from diagnostico_experto.comun.entorno import Entorno
from diagnostico_experto.comun.rutas import carpeta_por_defecto

EXITO, HALLAZGOS, NO_SE_PUDO = 0, 1, 2  # done; done with findings; could not run
INTERRUMPIDO = 130  # Ctrl-C: the shells' convention (128 + SIGINT)

# The kinds of path the commands take, one instance each: click's types hold no
# state, and every new one asks gettext for its name (a search on disk per option).
RUTA = click.Path(path_type=Path)
RUTA_EXISTENTE = click.Path(exists=True, path_type=Path)
ARCHIVO = click.Path(dir_okay=False, path_type=Path)
ARCHIVO_EXISTENTE = click.Path(exists=True, dir_okay=False, path_type=Path)
CARPETA = click.Path(file_okay=False, path_type=Path)
CARPETA_EXISTENTE = click.Path(exists=True, file_okay=False, path_type=Path)


def opciones_base(funcion):
    """--reglas and --conocimiento, accepted before or after the command name."""
    funcion = click.option(
        "--conocimiento",
        type=CARPETA,
        default=None,
        help="Carpeta de conocimiento (cuestionario, comunas, parámetros). Por defecto, la incluida.",
    )(funcion)
    return click.option(
        "--reglas",
        type=CARPETA,
        default=None,
        help="Carpeta de archivos de reglas. Por defecto, la incluida.",
    )(funcion)


class Proceso:
    """Click's context object. ``entorno``: what the command's entry read from the
    environment (the shared cache, how hints name the program), passed down from
    here as parameters. ``directa``: set by a command that leaves nothing to clean
    up, so the process may end at once (``cli.principal.ejecutar``)."""

    def __init__(self, entorno: Entorno | None = None) -> None:
        self.entorno = entorno or Entorno()
        self.directa = False


def entorno(ctx: click.Context) -> Entorno:
    """The environment the command's entry read (a library default without one)."""
    return ctx.ensure_object(Proceso).entorno


def carpetas(
    ctx: click.Context, reglas: Path | None, conocimiento: Path | None
) -> tuple[Path, Path]:
    base = ctx.find_root().params
    reglas = reglas or base.get("reglas") or carpeta_por_defecto("rules")
    conocimiento = conocimiento or base.get("conocimiento") or carpeta_por_defecto("knowledge")
    return Path(reglas), Path(conocimiento)


_ALIAS = {"htm": "html", "markdown": "md"}
_NOMBRES = {"md": "Markdown", "html": "HTML", "docx": "Word", "json": "JSON"}


def formato_de_salida(
    formato: str | None, salida: Path | None, formatos: tuple[str, ...], que: str = "el informe"
) -> str:
    """The format to write: the explicit one, else --salida's extension; never a guess.

    A file is written only in the format its extension names, so Word never
    gets Markdown under «.docx» nor a reader a «.pdf» that is not one.
    """
    if salida is None:
        return formato or "md"
    sufijo = salida.suffix.lstrip(".").lower()
    propio = _ALIAS.get(sufijo, sufijo)
    lista = ", ".join(f".{f}" for f in formatos[:-1]) + f" o .{formatos[-1]}"
    if propio in formatos:
        if formato is not None and formato != propio:
            raise click.UsageError(
                f"--formato {formato} no corresponde a la extensión .{sufijo} de --salida; "
                f"use la extensión del formato ({lista})."
            )
        return propio
    if not sufijo and formato is not None:
        return formato
    if propio == "pdf":
        motivo = f"{que} no se escribe en PDF (abra el HTML en el navegador e imprímalo como PDF)"
    elif propio in _NOMBRES:
        motivo = f"{que} aún no se escribe en {_NOMBRES[propio]}"
    elif sufijo:
        motivo = f"la extensión .{sufijo} no es un formato que se escriba"
    else:
        motivo = "el archivo no tiene extensión"
    raise click.UsageError(f"{motivo}; --salida debe terminar en {lista}.")
