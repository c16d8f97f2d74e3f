"""Commands for consultants who tune the rules: `init`, `reglas validar|probar|comparar`."""

from __future__ import annotations

from pathlib import Path

import click

from diagnostico_experto.cli.click_es import Comando, Grupo
from diagnostico_experto.cli.opciones import (
    CARPETA,
    CARPETA_EXISTENTE,
    HALLAZGOS,
    RUTA,
    RUTA_EXISTENTE,
    carpetas,
    entorno,
    opciones_base,
)
from diagnostico_experto.comun.errores import ErrorDiagnostico, ErrorEntorno
from diagnostico_experto.comun.formato_chileno import plural
from diagnostico_experto.comun.rutas import carpeta_por_defecto


@click.command(cls=Comando)
@click.argument("carpeta", type=CARPETA)
@click.pass_context
def init(ctx: click.Context, carpeta: Path) -> None:
    """Copia las reglas y el conocimiento por defecto en CARPETA, listos para editar."""
    import shutil

    destinos = {"rules": carpeta / "rules", "knowledge": carpeta / "knowledge"}
    for destino in destinos.values():
        if destino.exists():
            raise ErrorEntorno.uno(destino, "ya existe; no se sobrescribe")
    for nombre, destino in destinos.items():
        shutil.copytree(carpeta_por_defecto(nombre), destino)
    carpetas_copiadas = ("--reglas", destinos["rules"], "--conocimiento", destinos["knowledge"])
    base = carpeta_por_defecto("rules").parent
    comando = entorno(ctx).comando
    click.echo(
        f"Copiados rules/ y knowledge/ en {carpeta}. Edítelos y úselos con:\n"
        f"  {comando(*carpetas_copiadas, 'reglas', 'validar')}\n"
        f"  {comando(*carpetas_copiadas, 'reglas', 'probar')}\n"
        f"  {comando(*carpetas_copiadas, 'reglas', 'comparar', '--base', base)}"
    )


@click.group(cls=Grupo, name="reglas")
def grupo_reglas() -> None:
    """Herramientas para quien ajusta las reglas: validar, probar, comparar y calibrar."""


@grupo_reglas.command(cls=Comando)
@opciones_base
@click.pass_context
def validar(ctx: click.Context, reglas: Path | None, conocimiento: Path | None) -> None:
    """Revisa los archivos de reglas y de conocimiento; código 1 si hay errores."""
    from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento
    from diagnostico_experto.consultores.linter import validar as revisar
    from diagnostico_experto.reglas.lenguaje import cargar_reglas

    reglas, conocimiento = carpetas(ctx, reglas, conocimiento)
    try:
        saber = cargar_conocimiento(conocimiento, entorno(ctx).cache)
        cargadas = cargar_reglas(reglas, saber, entorno(ctx).cache)
    except ErrorDiagnostico as exc:
        click.echo(str(exc))
        click.echo(f"{plural(len(exc.problemas), 'error', 'errores')}.", err=True)
        raise click.exceptions.Exit(HALLAZGOS) from None
    hallazgos = revisar(cargadas, saber)
    for hallazgo in hallazgos:
        click.echo(str(hallazgo))
    errores = [h for h in hallazgos if h.error]
    archivos = len({r.archivo for r in cargadas})
    click.echo(
        f"{plural(len(cargadas), 'regla')} en {plural(archivos, 'archivo')}: "
        f"{plural(len(errores), 'error', 'errores')}, "
        f"{plural(len(hallazgos) - len(errores), 'advertencia')}."
        + ("" if errores else " Clasificación completa y única en las cuatro áreas."),
        err=True,
    )
    if errores:
        raise click.exceptions.Exit(HALLAZGOS)


@grupo_reglas.command(cls=Comando)
@click.argument("casos", required=False, type=RUTA)
@opciones_base
@click.pass_context
def probar(
    ctx: click.Context, casos: Path | None, reglas: Path | None, conocimiento: Path | None
) -> None:
    """Corre los casos de prueba de CASOS (archivo o carpeta; por defecto, rules/casos)."""
    from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento
    from diagnostico_experto.consultores.casos import archivos_de_casos, leer_todos
    from diagnostico_experto.consultores.casos import probar as correr_casos
    from diagnostico_experto.motor.motor import Motor
    from diagnostico_experto.reglas.lenguaje import cargar_reglas

    reglas, conocimiento = carpetas(ctx, reglas, conocimiento)
    cache = entorno(ctx).cache
    base = cargar_conocimiento(conocimiento, cache)
    lista = cargar_reglas(
        reglas, base, cache
    )  # a broken rule file is reported first, as in evaluar
    leidos = leer_todos(archivos_de_casos(casos or reglas / "casos"), base)
    motor = Motor(base, lista, str(reglas))  # compiled once every input is known to be valid
    resultados, disparadas = correr_casos(leidos, motor)
    for r in resultados:
        click.echo(f"{'ok   ' if r.paso else 'FALLA'} {r.nombre} ({r.lugar})")
        for diferencia in r.diferencias:
            click.echo(f"      - {diferencia}")
    fallidos = [r for r in resultados if not r.paso]
    sin_disparar = [r.id for r in motor.reglas if r.id not in disparadas]
    click.echo(
        f"\n{len(resultados) - len(fallidos)} de {len(resultados)} casos pasan. "
        f"Cobertura: {len(motor.reglas) - len(sin_disparar)} de {len(motor.reglas)} reglas se "
        "disparan en algún caso."
    )
    if sin_disparar:
        click.echo("Reglas que ningún caso dispara: " + ", ".join(sin_disparar))
    if fallidos:
        raise click.exceptions.Exit(HALLAZGOS)


@grupo_reglas.command(cls=Comando)
@click.argument("entrada", required=False, type=RUTA_EXISTENTE)
@click.option(
    "--base",
    required=True,
    type=CARPETA_EXISTENTE,
    help="Reglas de referencia: una carpeta de reglas, o una carpeta con rules/ y knowledge/.",
)
@click.option("--formato", type=click.Choice(["md", "json"]), default="md", show_default=True)
@opciones_base
@click.pass_context
def comparar(
    ctx: click.Context,
    entrada: Path | None,
    base: Path,
    formato: str,
    reglas: Path | None,
    conocimiento: Path | None,
) -> None:
    """Qué comunas cambian entre las reglas de --base y las actuales (código 1 si alguna cambia)."""
    import json

    from diagnostico_experto.consultores.comparacion import Nombres, como_json, como_markdown
    from diagnostico_experto.consultores.comparacion import comparar as comparar_reglas
    from diagnostico_experto.lote.entradas import entradas_de
    from diagnostico_experto.motor.motor import Motor

    reglas, conocimiento = carpetas(ctx, reglas, conocimiento)
    reglas_base, conocimiento_base = (
        (base / "rules", base / "knowledge" if (base / "knowledge").is_dir() else conocimiento)
        if (base / "rules").is_dir()
        else (base, conocimiento)
    )
    actual = Motor.desde_carpetas(reglas, conocimiento, entorno(ctx).cache)
    anterior = Motor.desde_carpetas(reglas_base, conocimiento_base, entorno(ctx).cache)
    entradas = entradas_de(entrada or conocimiento / "ejemplos", actual.conocimiento)
    cambios = comparar_reglas(entradas, anterior, actual)
    if formato == "json":
        click.echo(json.dumps(como_json(cambios), ensure_ascii=False, indent=2))
    else:
        texto = como_markdown(cambios, str(reglas_base), str(reglas), Nombres.de(anterior, actual))
        click.echo(texto, nl=False)
    if any(c.hay() for c in cambios):
        raise click.exceptions.Exit(HALLAZGOS)
