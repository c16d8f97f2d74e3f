"""The ``diagnostico`` command.

Exit codes (a contract with scripts): 0 done; 1 done, with findings;
2 could not run (bad usage, unreadable or invalid input). Errors are a few
Spanish lines naming file, line and field, never a traceback.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from diagnostico_experto.cli.ciclos import avance, calibrar
from diagnostico_experto.cli.click_es import Comando, Grupo, mensaje_de_uso
from diagnostico_experto.cli.opciones import (
    ARCHIVO,
    ARCHIVO_EXISTENTE,
    EXITO,
    HALLAZGOS,
    INTERRUMPIDO,
    NO_SE_PUDO,
    RUTA,
    RUTA_EXISTENTE,
    Proceso,
    carpetas,
    entorno,
    formato_de_salida,
    opciones_base,
)
from diagnostico_experto.cli.reglas import grupo_reglas, init
from diagnostico_experto.cli.variables import entorno_de
from diagnostico_experto.comun.entorno import Entorno
from diagnostico_experto.comun.errores import ErrorDiagnostico, ErrorEntorno
from diagnostico_experto.comun.formato_chileno import plural
from diagnostico_experto.comun.recolector import politica_de_proceso

FORMATOS = ("md", "html", "docx", "json")

# The engine, its models and the templates are imported inside each command:
# --help and usage errors stay quick.
if TYPE_CHECKING:
    from diagnostico_experto.motor.motor import Evaluacion, Motor


def _evaluar(
    ctx: click.Context, archivo: Path, reglas: Path | None, conocimiento: Path | None
) -> tuple[Motor, Evaluacion]:
    from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento
    from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
    from diagnostico_experto.motor.motor import Motor
    from diagnostico_experto.reglas.lenguaje import cargar_reglas

    reglas, conocimiento = carpetas(ctx, reglas, conocimiento)
    cache = entorno(ctx).cache
    base = cargar_conocimiento(conocimiento, cache)
    lista = cargar_reglas(reglas, base, cache)  # a broken rule file is reported first
    respuestas = cargar_respuestas(archivo, base)  # refused before compiling the rules
    motor = Motor(base, lista, str(reglas))
    return motor, motor.evaluar(respuestas, caminos=True)


@click.group(cls=Grupo, context_settings={"help_option_names": ["-h", "--help"]})
@opciones_base
def principal(reglas: Path | None, conocimiento: Path | None) -> None:
    """Diagnóstico organizacional del fomento productivo municipal.

    Convierte las respuestas de una comuna en niveles por área (estrategia,
    estructura, procesos, productos) y en la propuesta de productos, con la
    explicación de cada conclusión.
    """


@principal.command(cls=Comando)
@click.argument("archivo", type=RUTA)
@click.option(
    "--formato",
    type=click.Choice(FORMATOS),
    default=None,
    help="md, html, docx o json. Por defecto, el de la extensión de --salida (.md, .html, "
    ".docx o .json; otra se rechaza), o md en pantalla.",
)
@click.option(
    "--anexo",
    is_flag=True,
    help="En Markdown y DOCX, agrega al final el anexo con las reglas aplicadas (el HTML lo "
    "trae siempre, plegado).",
)
@click.option(
    "--salida",
    type=ARCHIVO,
    default=None,
    help="Archivo donde escribir el informe. Sin esta opción, se muestra en pantalla.",
)
@opciones_base
@click.pass_context
def evaluar(
    ctx: click.Context,
    archivo: Path,
    formato: str | None,
    anexo: bool,
    salida: Path | None,
    reglas: Path | None,
    conocimiento: Path | None,
) -> None:
    """Diagnostica una comuna a partir de su ARCHIVO de respuestas (YAML).

    DOCX se escribe con la plantilla de Word de la carpeta de conocimiento
    (plantillas/informe.docx) y necesita --salida.
    """
    from diagnostico_experto.comun.archivos_yaml import escribir_atomico
    from diagnostico_experto.comun.salidas import revisar_informe
    from diagnostico_experto.informes.comuna import informe

    if salida is not None:
        revisar_informe(salida, archivo)
    formato = formato_de_salida(formato, salida, FORMATOS)
    if formato == "docx" and salida is None:
        raise click.UsageError("el formato docx necesita --salida ARCHIVO.docx")
    motor, evaluacion = _evaluar(ctx, archivo, reglas, conocimiento)
    texto = informe(
        evaluacion,
        motor.reglas,
        motor.conocimiento,
        formato,
        anexo=anexo,
        cache=entorno(ctx).cache,
    )
    if salida is None:
        assert isinstance(texto, str)
        click.echo(texto, nl=False)
    else:
        escribir_atomico(salida, texto)
        click.echo(f"Informe escrito en {salida}", err=True)
    ctx.ensure_object(Proceso).directa = True


@principal.command(cls=Comando)
@click.argument("archivo", type=RUTA)
@opciones_base
@click.pass_context
def explicar(
    ctx: click.Context, archivo: Path, reglas: Path | None, conocimiento: Path | None
) -> None:
    """Muestra las reglas y respuestas detrás de cada conclusión de ARCHIVO."""
    from diagnostico_experto.informes.comuna import explicacion

    motor, evaluacion = _evaluar(ctx, archivo, reglas, conocimiento)
    texto = explicacion(evaluacion, motor.reglas, motor.conocimiento, entorno(ctx).cache)
    click.echo(texto, nl=False)
    ctx.ensure_object(Proceso).directa = True


@principal.command(cls=Comando)
@click.argument("archivo", type=RUTA)
@click.option(
    "--cambiar",
    "cambios",
    multiple=True,
    required=True,
    metavar="PREGUNTA=VALOR",
    help="Una respuesta cambiada, p. ej. O04=si; se repite para varias. "
    "En opción múltiple, las opciones separadas por comas.",
)
@opciones_base
@click.pass_context
def simular(
    ctx: click.Context,
    archivo: Path,
    cambios: tuple[str, ...],
    reglas: Path | None,
    conocimiento: Path | None,
) -> None:
    """Muestra qué pasaría con niveles, productos y horas si cambiaran respuestas de ARCHIVO.

    Compara el diagnóstico antes y después de los cambios. No escribe el
    archivo de respuestas.
    """
    from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento
    from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
    from diagnostico_experto.informes.simulacion import simulacion_md
    from diagnostico_experto.motor.motor import Motor
    from diagnostico_experto.motor.simulacion import leer_cambios
    from diagnostico_experto.motor.simulacion import simular as simular_cambios
    from diagnostico_experto.reglas.lenguaje import cargar_reglas

    carpeta_reglas, carpeta_conocimiento = carpetas(ctx, reglas, conocimiento)
    cache = entorno(ctx).cache
    base = cargar_conocimiento(carpeta_conocimiento, cache)
    lista = cargar_reglas(carpeta_reglas, base, cache)
    respuestas = cargar_respuestas(archivo, base)
    try:
        nuevas = leer_cambios(list(cambios), base)
    except ValueError as exc:
        raise click.UsageError(f"--cambiar {exc}") from None
    motor = Motor(base, lista, str(carpeta_reglas))
    texto = simulacion_md(simular_cambios(motor, respuestas, nuevas), base)
    click.echo(texto, nl=False)
    ctx.ensure_object(Proceso).directa = True


@principal.command(cls=Comando)
@click.argument("archivo", type=ARCHIVO)
@click.option(
    "--comuna",
    default=None,
    metavar="NOMBRE",
    help="Nombre de la comuna (si el archivo no la tiene).",
)
@opciones_base
@click.pass_context
def cuestionario(
    ctx: click.Context,
    archivo: Path,
    comuna: str | None,
    reglas: Path | None,
    conocimiento: Path | None,
) -> None:
    """Cuestionario interactivo; guarda ARCHIVO tras cada respuesta y lo retoma si existe.

    Al final muestra los niveles por área y un menú: productos, propuesta y horas,
    razones de cada nivel, revisar y cambiar respuestas, validar con la mesa
    comunal y escribir el informe. Un archivo terminado abre directamente ese menú.
    """
    import sys

    comando = entorno(ctx).comando
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ErrorEntorno.uno(
            archivo,
            "el cuestionario interactivo necesita una terminal. Para diagnosticar un archivo "
            f"de respuestas ya lleno, use: {comando('evaluar', archivo)}",
        )
    from diagnostico_experto.terminal.entrevista import Entrevista

    reglas, conocimiento = carpetas(ctx, reglas, conocimiento)
    entrevista = Entrevista.desde_carpetas(archivo, reglas, conocimiento, entorno(ctx))
    try:
        entrevista.correr(comuna)
    except (KeyboardInterrupt, EOFError):  # Ctrl-C, or Ctrl-D at a prompt
        click.echo(
            f"\nCuestionario interrumpido. Las respuestas dadas están guardadas en {archivo}."
            f"\nPara seguir: {comando('cuestionario', archivo)}",
            err=True,
        )
        raise click.exceptions.Exit(INTERRUMPIDO) from None


@principal.command(cls=Comando)
@click.argument("entrada", required=False, type=RUTA_EXISTENTE)
@click.option(
    "--salida",
    type=RUTA,  # a file given here is refused with its reason
    metavar="CARPETA",
    default=Path("informes"),
    show_default=True,
    help="Carpeta donde escribir los informes y las tablas.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Procesos en paralelo. Por defecto, uno por núcleo que el equipo deja usar a este "
    "proceso, sin pasar del número de comunas.",
)
@click.option(
    "--ultima",
    is_flag=True,
    help="En una exportación de ODK o KoboToolbox, de dos envíos de una comuna con la "
    "misma fecha usa el enviado después (sin esta opción, no usa ninguno).",
)
@opciones_base
@click.pass_context
def lote(
    ctx: click.Context,
    entrada: Path | None,
    salida: Path,
    workers: int | None,
    ultima: bool,
    reglas: Path | None,
    conocimiento: Path | None,
) -> None:
    """Evalúa todas las comunas de ENTRADA: una carpeta de respuestas, una planilla XLSX o CSV,
    o una exportación de ODK Central (ZIP) o KoboToolbox (XLSX o CSV).

    Sin ENTRADA, evalúa las respuestas ilustrativas incluidas (knowledge/ejemplos).
    """
    import sys

    from diagnostico_experto.comun.interrupcion import Interrupcion, sin_ctrl_c
    from diagnostico_experto.comun.salidas import revisar_carpeta
    from diagnostico_experto.informes.docx import comprobar, plantilla
    from diagnostico_experto.informes.informe_avance import plantilla_avance
    from diagnostico_experto.lote.consolidado import escribir_salidas
    from diagnostico_experto.lote.entradas import Entrada, archivos_de_entrada, entradas_de
    from diagnostico_experto.lote.evaluacion import (
        CARPETA_COMUNAS,
        Evaluada,
        Fallida,
        evaluar_en_orden,
        procesos_por_defecto,
    )
    from diagnostico_experto.lote.exportacion import es_exportacion, leer_exportacion
    from diagnostico_experto.lote.historia import vigentes
    from diagnostico_experto.lote.publicacion import Publicacion
    from diagnostico_experto.motor.motor import Motor

    reglas, conocimiento = carpetas(ctx, reglas, conocimiento)
    cache = entorno(ctx).cache
    # a broken rule file stops the batch before it starts; one worker reuses this engine
    motor = Motor.desde_carpetas(reglas, conocimiento, cache)
    # so are the Word templates: with thousands of comunas, a broken synthesis template
    # must not wait for the end of the batch to say so
    for documento in ("informe.docx", "sintesis.docx"):
        comprobar(plantilla(motor.conocimiento, documento), cache)
    comprobar(plantilla_avance(motor.conocimiento), cache)
    saber = motor.conocimiento
    origen = entrada or Path(conocimiento) / "ejemplos"
    desechadas: list[Fallida] = []  # submissions of an export that cannot be used
    # what one entry is, so that the summary counts what failed («4 filas de la planilla»)
    unidad = ("archivo", "archivos", "")
    if entrada is not None and entrada.is_file() and es_exportacion(entrada):
        unidad = ("envío", "envíos", " de la exportación")
        lectura = leer_exportacion(entrada, saber, ultima)
        for aviso in lectura.avisos:
            click.echo(aviso, err=True)
        entradas = [
            Entrada(e.origen, datos=e.datos, lugares=e.lugares)
            for e in lectura.envios
            if not e.problemas
        ]
        desechadas = [
            Fallida(e.origen, list(dict.fromkeys(e.problemas)))
            for e in (*lectura.envios, *lectura.repetidos)
            if e.problemas
        ]
    else:
        entradas = entradas_de(origen, saber, entorno(ctx))
        if not origen.is_dir():
            unidad = ("fila", "filas", " de la planilla")
    revisar_carpeta(salida, archivos_de_entrada(origen, entradas))
    if workers is None:
        workers = procesos_por_defecto(len(entradas))
    publicado = False
    try:
        with Interrupcion() as interrupcion, Publicacion(salida) as publicacion:
            publicacion.crear_carpeta(CARPETA_COMUNAS)  # each comuna's process writes there
            en_orden = itertools.chain(
                evaluar_en_orden(
                    entradas, reglas, conocimiento, publicacion.raiz, workers, motor, cache
                ),
                desechadas,
            )
            if sys.stderr.isatty():
                with click.progressbar(
                    length=len(entradas) + len(desechadas),
                    label="Evaluando comunas",
                    file=sys.stderr,
                ) as barra:
                    resultados = escribir_salidas(
                        publicacion, en_orden, saber, lambda: barra.update(1), motor.reglas
                    )
            else:
                resultados = escribir_salidas(publicacion, en_orden, saber, reglas=motor.reglas)
            interrupcion.comprobar()  # a Ctrl-C swallowed on the way is still one
            with sin_ctrl_c():  # the new set is swapped in whole, or not at all
                publicacion.publicar()
                publicado = True
    except KeyboardInterrupt:
        click.echo(
            f"\nLote interrumpido; {salida} tiene el conjunto nuevo completo (se publicó antes "
            "de la interrupción)."
            if publicado
            else f"\nLote interrumpido; {salida} queda como estaba (sin informes a medias).",
            err=True,
        )
        # The hidden folder is already gone; waiting at exit for workers to finish
        # their comunas (or for a worker caught starting up) only delays the prompt.
        # They end with this process (see lote.evaluacion._morir_con).
        ctx.ensure_object(Proceso).directa = True
        raise click.exceptions.Exit(INTERRUMPIDO) from None
    fallidas = [r for r in resultados if isinstance(r, Fallida)]
    for fallida in fallidas:
        for problema in fallida.problemas:
            click.echo(problema, err=True)
    evaluadas = len(vigentes(resultados))
    con_historia = sum(1 for r in resultados if isinstance(r, Evaluada) and r.avance)
    click.echo(
        f"{plural(evaluadas, 'comuna evaluada', 'comunas evaluadas')}"
        + (f" ({con_historia} con avance desde su línea base)" if con_historia else "")
        + (
            f", {plural(len(fallidas), unidad[0], unidad[1])}{unidad[2]} con errores"
            if fallidas
            else ""
        )
        + f". Resumen: {salida / 'index.html'}",
        err=True,
    )
    if fallidas:
        raise click.exceptions.Exit(HALLAZGOS)


def _archivo_nuevo(funcion):
    """ARCHIVO and --reemplazar: a command that writes a new file from the knowledge."""
    funcion = click.option("--reemplazar", is_flag=True, help="Reemplaza el archivo si ya existe.")(
        funcion
    )
    return click.argument("archivo", type=ARCHIVO)(funcion)


def _escribir_nuevos(
    contenidos: Mapping[Path, bytes | str], reemplazar: bool, escrito: str
) -> None:
    """Write every file, atomically; none when one exists and --reemplazar was not given."""
    from diagnostico_experto.comun.archivos_yaml import escribir_atomico

    existentes = [r for r in contenidos if r.exists()]
    if existentes and not reemplazar:
        raise ErrorEntorno.uno(
            existentes[0], "ya existe; no se reemplaza (use --reemplazar si es lo que quiere)"
        )
    for ruta, contenido in contenidos.items():
        escribir_atomico(ruta, contenido)
        click.echo(f"{escrito} en {ruta}", err=True)


@principal.command(cls=Comando)
@_archivo_nuevo
@opciones_base
@click.pass_context
def planilla(
    ctx: click.Context,
    archivo: Path,
    reemplazar: bool,
    reglas: Path | None,
    conocimiento: Path | None,
) -> None:
    """Escribe una planilla vacía (ARCHIVO.xlsx, o tres .csv) para recoger respuestas en terreno.

    Una columna por pregunta, con su texto como comentario y sus opciones como lista
    desplegable; hojas de servicios y de mesa comunal. Se evalúa con «diagnostico lote».
    """
    from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento
    from diagnostico_experto.lote.planilla import planilla as planilla_xlsx
    from diagnostico_experto.lote.planilla import planilla_csv

    _, conocimiento = carpetas(ctx, reglas, conocimiento)
    saber = cargar_conocimiento(conocimiento, entorno(ctx).cache)
    sufijo = archivo.suffix.lower()
    if sufijo not in (".xlsx", ".csv"):
        raise ErrorEntorno.uno(archivo, "la planilla debe terminar en .xlsx o .csv")
    contenidos = (
        {archivo: planilla_xlsx(saber)} if sufijo == ".xlsx" else planilla_csv(saber, archivo)
    )
    _escribir_nuevos(contenidos, reemplazar, "Planilla escrita")


@principal.command(cls=Comando)
@_archivo_nuevo
@opciones_base
@click.pass_context
def formulario(
    ctx: click.Context,
    archivo: Path,
    reemplazar: bool,
    reglas: Path | None,
    conocimiento: Path | None,
) -> None:
    """Escribe el cuestionario como formulario XLSForm (ARCHIVO.xlsx) para ODK o KoboToolbox.

    Las mismas preguntas, opciones, ayudas, validaciones y saltos del cuestionario;
    la comuna por territorio, la fecha, el inventario de servicios y la mesa comunal.
    Las respuestas descargadas se leen con «diagnostico importar» o «diagnostico lote».
    """
    from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento
    from diagnostico_experto.lote.formulario import formulario_xlsx

    _, conocimiento = carpetas(ctx, reglas, conocimiento)
    if archivo.suffix.lower() != ".xlsx":
        raise ErrorEntorno.uno(archivo, "el formulario XLSForm debe terminar en .xlsx")
    saber = cargar_conocimiento(conocimiento, entorno(ctx).cache)
    _escribir_nuevos({archivo: formulario_xlsx(saber)}, reemplazar, "Formulario XLSForm escrito")


@principal.command(cls=Comando)
@click.argument("exportacion", type=ARCHIVO_EXISTENTE)
@click.option(
    "--salida",
    type=RUTA,
    metavar="CARPETA",
    required=True,
    help="Carpeta nueva (o vacía) donde escribir un archivo de respuestas por envío.",
)
@click.option(
    "--ultima",
    is_flag=True,
    help="De dos envíos de una comuna con la misma fecha, usa el enviado después "
    "(sin esta opción, no usa ninguno).",
)
@opciones_base
@click.pass_context
def importar(
    ctx: click.Context,
    exportacion: Path,
    salida: Path,
    ultima: bool,
    reglas: Path | None,
    conocimiento: Path | None,
) -> None:
    """Lee una EXPORTACION de ODK Central (ZIP «Todos los datos y medios» o CSV) o de
    KoboToolbox (XLSX o CSV) y escribe un archivo de respuestas por envío en --salida.

    Los adjuntos se copian junto a cada archivo, con su huella SHA-256. Los envíos
    rechazados en la revisión de ODK Central no se usan; los marcados «con problemas»
    se usan con una nota. Los archivos se revisan con «diagnostico cuestionario» y se
    evalúan con «diagnostico lote».
    """
    from diagnostico_experto.comun.salidas import revisar_carpeta
    from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento
    from diagnostico_experto.lote.exportacion import leer_exportacion
    from diagnostico_experto.lote.importacion import archivos, escribir, revisar

    _, conocimiento = carpetas(ctx, reglas, conocimiento)
    saber = cargar_conocimiento(conocimiento, entorno(ctx).cache)
    if salida.exists() and (not salida.is_dir() or any(salida.iterdir())):
        raise ErrorEntorno.uno(
            salida,
            "ya existe y no es una carpeta vacía; los archivos importados no reemplazan "
            "respuestas ya revisadas. Elija una carpeta nueva para --salida.",
        )
    revisar_carpeta(salida, [exportacion])
    lectura = leer_exportacion(exportacion, saber, ultima)
    for aviso in lectura.avisos:
        click.echo(aviso, err=True)
    problemas = revisar(lectura, saber)
    if problemas:
        for problema in problemas:  # nothing is written: --salida stays as it was
            click.echo(problema, err=True)
        raise click.exceptions.Exit(NO_SE_PUDO)
    contenidos = archivos(lectura, exportacion)
    escribir(salida, contenidos)
    respuestas = sum(1 for r in contenidos if r.endswith(".yaml"))
    escritos = plural(
        respuestas, "archivo de respuestas escrito", "archivos de respuestas escritos"
    )
    click.echo(f"{escritos} en {salida}", err=True)
    if lectura.repetidos:
        for envio in lectura.repetidos:
            for problema in envio.problemas:
                click.echo(problema, err=True)
        raise click.exceptions.Exit(HALLAZGOS)


principal.add_command(init)
principal.add_command(grupo_reglas)
principal.add_command(avance)
grupo_reglas.add_command(calibrar)


def ejecutar() -> None:
    """A command through click, then exit (``cli.entrada`` calls it for all but a
    request for help).

    After ``evaluar`` or ``explicar`` of a large inventory, Python's own
    teardown (freeing every fact, token and trace line one by one) took a
    quarter of the command. Those commands leave nothing open (their output is
    written atomically, no thread or process is started), so once stdout and
    stderr are flushed the process ends at once.

    The collector's policy of the process is set here, once (``comun.recolector``).
    """
    politica_de_proceso()
    proceso = Proceso(entorno_de(os.environ))
    codigo = _main(None, proceso)
    if proceso.directa:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a closed pipe: nothing more to say
            pass
        os._exit(codigo)
    sys.exit(codigo)


def main(argv: list[str] | None = None, entorno: Entorno | None = None) -> int:
    """Entry point: runs the command and turns every failure into an exit code.

    The environment is read here (or given: ``entorno``), once per command,
    and passed down as parameters; nothing below reads ``os.environ``.
    """
    return _main(argv, Proceso(entorno or entorno_de(os.environ)))


def _main(argv: list[str] | None, proceso: Proceso) -> int:
    try:
        # without standalone mode, click returns the code of a ctx.exit() / Exit
        codigo = principal.main(
            args=argv, prog_name="diagnostico", standalone_mode=False, obj=proceso
        )
    except ErrorDiagnostico as exc:  # each class carries its own exit code
        click.echo(str(exc), err=True)
        return exc.codigo_salida
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help(), err=True)
        return NO_SE_PUDO
    except click.UsageError as exc:
        uso = exc.ctx.get_usage() + "\n" if exc.ctx else ""
        subcomandos = exc.ctx.command_path.split()[1:] if exc.ctx else []
        ayuda = proceso.entorno.comando(*subcomandos, "--help")
        click.echo(f"{uso}Error: {mensaje_de_uso(exc)}\nVea «{ayuda}».", err=True)
        return NO_SE_PUDO
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("\nInterrumpido por el usuario (Ctrl-C); no se terminó el comando.", err=True)
        return INTERRUMPIDO
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except BrokenPipeError:
        return EXITO
    except OSError as exc:
        return error_de_sistema(exc)
    except MemoryError:
        click.echo("No alcanzó la memoria del equipo para terminar el comando.", err=True)
        return NO_SE_PUDO
    except Exception:  # noqa: BLE001 - a bug must not show users a traceback
        click.echo(_error_interno(), err=True)
        return NO_SE_PUDO
    return codigo if isinstance(codigo, int) else EXITO


def error_de_sistema(exc: OSError) -> int:
    """A file or output the system refused (a full disk, no permission): one line, exit 2."""
    click.echo(f"{exc.filename or ''}: no se pudo leer o escribir ({exc.strerror}).", err=True)
    return NO_SE_PUDO


def _error_interno() -> str:
    """Save the full trace of an unexpected error in a file; the line that says where."""
    import os
    import tempfile
    import traceback

    try:
        fd, ruta = tempfile.mkstemp(prefix="diagnostico-error-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as archivo:
            archivo.write(traceback.format_exc())
    except OSError:
        return "Error interno del programa (no de sus archivos); no se pudo guardar el detalle."
    return (
        "Error interno del programa (no de sus archivos). El detalle quedó en "
        f"{ruta}; envíelo a quien mantiene el sistema."
    )
