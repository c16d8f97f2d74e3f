"""Commands of the programme's cycles: `avance` (re-diagnosis) and `reglas calibrar`."""

from __future__ import annotations

from pathlib import Path

import click

from diagnostico_experto.cli.click_es import Comando
from diagnostico_experto.cli.opciones import carpetas, opciones_base
from diagnostico_experto.comun.errores import ErrorEntrada

FORMATOS = ("md", "html", "json")


def formato_de(formato: str | None, salida: Path | None) -> str:
    """The explicit format, else the one of --salida's extension, else Markdown."""
    if formato is not None:
        return formato
    sufijo = salida.suffix.lstrip(".").lower() if salida else ""
    sufijo = {"htm": "html", "markdown": "md"}.get(sufijo, sufijo)
    return sufijo if sufijo in FORMATOS else "md"


def _no_es_entrada(salida: Path, entradas: tuple[Path, ...]) -> None:
    if salida.exists() and any(salida.resolve() == e.resolve() for e in entradas):
        raise ErrorEntrada.uno(salida, "es un archivo de entrada; no se sobrescribe con el informe")


@click.command(cls=Comando)
@click.argument("antes", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("despues", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--formato",
    type=click.Choice(FORMATOS),
    default=None,
    help="md, html o json. Por defecto, según la extensión de --salida, o md.",
)
@click.option(
    "--salida",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Archivo donde escribir el avance. Sin esta opción, se muestra en pantalla.",
)
@opciones_base
@click.pass_context
def avance(
    ctx: click.Context,
    antes: Path,
    despues: Path,
    formato: str | None,
    salida: Path | None,
    reglas: Path | None,
    conocimiento: Path | None,
) -> None:
    """Avance de una comuna entre dos diagnósticos: ANTES (línea base) y DESPUES.

    Los dos archivos deben ser de la misma comuna y tener fechas distintas; se
    ordenan por fecha. Muestra el nivel y el % de logro de cada área entonces y
    ahora, los productos completados y lo que falta.
    """
    from diagnostico_experto.comun.archivos_yaml import escribir_atomico
    from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
    from diagnostico_experto.informes.avance import informe_avance
    from diagnostico_experto.motor.avance import avance as calcular_avance
    from diagnostico_experto.motor.motor import Motor

    if salida is not None:
        _no_es_entrada(salida, (antes, despues))
    reglas, conocimiento = carpetas(ctx, reglas, conocimiento)
    motor = Motor.desde_carpetas(reglas, conocimiento)
    a, d = (
        motor.evaluar(cargar_respuestas(r, motor.conocimiento)).resultado for r in (antes, despues)
    )
    if a.comuna != d.comuna:
        raise ErrorEntrada.uno(
            despues,
            f"es un diagnóstico de {d.comuna} y {antes} es de {a.comuna}; "
            "el avance compara dos diagnósticos de la misma comuna",
        )
    for ruta, resultado in ((antes, a), (despues, d)):
        if resultado.fecha is None:
            raise ErrorEntrada.uno(
                ruta, "no tiene fecha; el avance ordena los diagnósticos por fecha", campo="fecha"
            )
    if a.fecha == d.fecha:
        raise ErrorEntrada.uno(
            despues,
            f"tiene la misma fecha ({d.fecha}) que {antes}; no se sabe cuál es la línea base",
            campo="fecha",
        )
    if (a.fecha or "") > (d.fecha or ""):
        (a, antes), (d, despues) = (d, despues), (a, antes)
    texto = informe_avance(
        calcular_avance(a, d, str(antes), str(despues)),
        motor.conocimiento,
        formato_de(formato, salida),
    )
    if salida is None:
        click.echo(texto, nl=False)
    else:
        escribir_atomico(salida, texto)
        click.echo(f"Avance escrito en {salida}", err=True)
