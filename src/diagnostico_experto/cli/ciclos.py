"""Commands of the programme's cycles: `avance` (re-diagnosis) and `reglas calibrar`."""

from __future__ import annotations

from pathlib import Path

import click

from diagnostico_experto.cli.click_es import Comando
from diagnostico_experto.cli.opciones import (
    ARCHIVO,
    ARCHIVO_EXISTENTE,
    CARPETA,
    HALLAZGOS,
    RUTA_EXISTENTE,
    carpetas,
    entorno,
    formato_de_salida,
    opciones_base,
)
from diagnostico_experto.comun.errores import ErrorEntorno, ErrorRespuestas

FORMATOS = ("md", "html", "json", "docx")


def _no_es_entrada(salida: Path, entradas: tuple[Path, ...]) -> None:
    if salida.exists() and any(salida.resolve() == e.resolve() for e in entradas):
        raise ErrorEntorno.uno(salida, "es un archivo de entrada; no se sobrescribe con el informe")


@click.command(cls=Comando)
@click.argument("antes", type=ARCHIVO_EXISTENTE)
@click.argument("despues", type=ARCHIVO_EXISTENTE)
@click.option(
    "--formato",
    type=click.Choice(FORMATOS),
    default=None,
    help="md, html, json o docx (Word, con --salida). Por defecto, el de la extensión de "
    "--salida (.md, .html, .json o .docx; otra se rechaza), o md en pantalla.",
)
@click.option(
    "--salida",
    type=ARCHIVO,
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
    ahora, los productos completados (sus respuestas lo muestran), los que ya no
    corresponden y lo que falta.
    """
    from diagnostico_experto.comun.archivos_yaml import escribir_atomico
    from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
    from diagnostico_experto.informes.informe_avance import avance_docx, informe_avance
    from diagnostico_experto.motor.avance import avance as calcular_avance
    from diagnostico_experto.motor.motor import Motor

    if salida is not None:
        _no_es_entrada(salida, (antes, despues))
    formato = formato_de_salida(formato, salida, FORMATOS, "el avance")
    if formato == "docx" and salida is None:
        raise click.UsageError("el formato docx necesita --salida ARCHIVO.docx")
    reglas, conocimiento = carpetas(ctx, reglas, conocimiento)
    cache = entorno(ctx).cache
    motor = Motor.desde_carpetas(reglas, conocimiento, cache)
    ea, ed = (
        motor.evaluar(cargar_respuestas(r, motor.conocimiento), caminos=True)
        for r in (antes, despues)
    )
    a, d = ea.resultado, ed.resultado
    if a.comuna != d.comuna:
        raise ErrorRespuestas.uno(
            despues,
            f"es un diagnóstico de {d.comuna} y {antes} es de {a.comuna}; "
            "el avance compara dos diagnósticos de la misma comuna",
        )
    for ruta, resultado in ((antes, a), (despues, d)):
        if resultado.fecha is None:
            raise ErrorRespuestas.uno(
                ruta, "no tiene fecha; el avance ordena los diagnósticos por fecha", campo="fecha"
            )
    if a.fecha == d.fecha:
        raise ErrorRespuestas.uno(
            despues,
            f"tiene la misma fecha ({d.fecha}) que {antes}; no se sabe cuál es la línea base",
            campo="fecha",
        )
    if (a.fecha or "") > (d.fecha or ""):
        (a, antes, ea), (d, despues, ed) = (d, despues, ed), (a, antes, ea)
    calculado = calcular_avance(
        a,
        d,
        str(antes),
        str(despues),
        respuestas=(ea.respuestas.respuestas, ed.respuestas.respuestas),
        conocimiento=motor.conocimiento,
    )
    texto: str | bytes = (
        avance_docx(calculado, motor.conocimiento, cache)
        if formato == "docx"
        else informe_avance(calculado, motor.conocimiento, formato, cache)
    )
    if salida is None:
        click.echo(texto, nl=False)
    else:
        escribir_atomico(salida, texto)
        click.echo(f"Avance escrito en {salida}", err=True)


@click.command(cls=Comando)
@click.argument("entrada", required=False, type=RUTA_EXISTENTE)
@click.option(
    "--casos",
    "casos",
    type=RUTA_EXISTENTE,
    default=None,
    help="Casos de prueba (archivo o carpeta) cuyos niveles esperados también cuentan.",
)
@click.option(
    "--escribir",
    type=CARPETA,
    default=None,
    help="Carpeta nueva donde escribir una copia de reglas y conocimiento con la propuesta.",
)
@opciones_base
@click.pass_context
def calibrar(
    ctx: click.Context,
    entrada: Path | None,
    casos: Path | None,
    escribir: Path | None,
    reglas: Path | None,
    conocimiento: Path | None,
) -> None:
    """Acuerdo entre los niveles diagnosticados y los validados por las mesas, y una propuesta.

    ENTRADA: archivos de respuestas con validación de la mesa (carpeta o planilla; por
    defecto, knowledge/historia). Informa por área la matriz de confusión y el kappa
    ponderado, busca valores de los parámetros numéricos de la clasificación que
    concuerden mejor, estima su acuerdo dejando cada comuna fuera y muestra la propuesta
    como diferencia del archivo de conocimiento. Código 1 si propone un cambio.
    """
    import shutil

    from diagnostico_experto.comun.archivos_yaml import escribir_atomico
    from diagnostico_experto.conocimiento.preguntas import AREAS
    from diagnostico_experto.consultores.calibracion import (
        archivos_propuestos,
        casos_de_pruebas,
        casos_de_respuestas,
        como_markdown,
    )
    from diagnostico_experto.consultores.calibracion import (
        calibrar as calcular,
    )
    from diagnostico_experto.consultores.casos import archivos_de_casos
    from diagnostico_experto.lote.entradas import entradas_de
    from diagnostico_experto.motor.motor import Motor
    from diagnostico_experto.reglas.lenguaje import legible

    reglas, conocimiento = carpetas(ctx, reglas, conocimiento)
    destinos = {}
    if escribir is not None:
        destinos = {reglas: escribir / "rules", conocimiento: escribir / "knowledge"}
        for destino in destinos.values():
            if destino.exists():
                raise ErrorEntorno.uno(destino, "ya existe; no se sobrescribe")
    motor = Motor.desde_carpetas(reglas, conocimiento, entorno(ctx).cache)
    origen = entrada or conocimiento / "historia"
    etiquetados = casos_de_respuestas(entradas_de(origen, motor.conocimiento, entorno(ctx)), motor)
    if casos is not None:
        etiquetados += casos_de_pruebas(archivos_de_casos(casos), motor)
    if not etiquetados:
        raise ErrorRespuestas.uno(
            origen,
            "ningún archivo tiene niveles validados por la mesa («validacion») ni hay casos "
            "con niveles esperados; no hay con qué calibrar",
        )
    calibracion = calcular(etiquetados, motor.reglas, motor.conocimiento)
    archivos = archivos_propuestos(conocimiento, calibracion.propuesta)
    nombres = {a: motor.conocimiento.cuestionario.areas[a].nombre for a in AREAS}
    click.echo(como_markdown(calibracion, legible(origen), nombres, archivos), nl=False)
    if not calibracion.propuesta:
        if escribir is not None:
            click.echo(f"\nSin propuesta: no se escribe {escribir}.", err=True)
        return
    if escribir is not None:
        for fuente, destino in destinos.items():
            shutil.copytree(fuente, destino)
        for ruta, (_, propuesto) in archivos.items():
            escribir_atomico(destinos[conocimiento] / ruta.relative_to(conocimiento), propuesto)
        r, k = destinos[reglas], destinos[conocimiento]
        click.echo(
            f"\nCopia de trabajo con la propuesta en {escribir}. Revísela antes de adoptarla:\n"
            f"  diagnostico --reglas {r} --conocimiento {k} reglas validar\n"
            f"  diagnostico --reglas {r} --conocimiento {k} reglas comparar --base "
            f"{legible(reglas.parent)} {legible(origen)}\n"
            f"  diagnostico --reglas {r} --conocimiento {k} reglas probar",
            err=True,
        )
    raise click.exceptions.Exit(HALLAZGOS)
