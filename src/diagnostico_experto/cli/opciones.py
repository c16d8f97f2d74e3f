"""What every command shares: exit codes, --reglas/--conocimiento, and resolving them."""

from __future__ import annotations

from pathlib import Path

import click

from diagnostico_experto.comun.rutas import carpeta_por_defecto

EXITO, HALLAZGOS, NO_SE_PUDO = 0, 1, 2  # done; done with findings; could not run
INTERRUMPIDO = 130  # Ctrl-C: the shells' convention (128 + SIGINT)


def opciones_base(funcion):
    """--reglas and --conocimiento, accepted before or after the command name."""
    funcion = click.option(
        "--conocimiento",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Carpeta de conocimiento (cuestionario, comunas, parámetros). Por defecto, la incluida.",
    )(funcion)
    return click.option(
        "--reglas",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Carpeta de archivos de reglas. Por defecto, la incluida.",
    )(funcion)


def carpetas(
    ctx: click.Context, reglas: Path | None, conocimiento: Path | None
) -> tuple[Path, Path]:
    base = ctx.find_root().params
    reglas = reglas or base.get("reglas") or carpeta_por_defecto("rules")
    conocimiento = conocimiento or base.get("conocimiento") or carpeta_por_defecto("knowledge")
    return Path(reglas), Path(conocimiento)
