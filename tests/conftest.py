"""Shared helpers: the engine loaded once per session, answers as data, the CLI in-process.

Behaviour is tested against the engine API (``motor``, ``resultado``,
``ejemplos``); the CLI (``correr``) only for what the command line adds:
arguments, exit codes, messages and files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import shutil
import struct
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from diagnostico_experto.cli.principal import main
from diagnostico_experto.comun.archivos_yaml import Documento, leer_texto
from diagnostico_experto.comun.rutas import carpeta_por_defecto
from diagnostico_experto.conocimiento.carpeta import Conocimiento, Parametro, cargar_conocimiento
from diagnostico_experto.conocimiento.respuestas import (
    Respuestas,
    cargar_respuestas,
    desde_documento,
)
from diagnostico_experto.motor.motor import Evaluacion, Motor
from diagnostico_experto.reglas.lenguaje import cargar_reglas, interpretar_archivo
from diagnostico_experto.reglas.regla import Regla

RAIZ = Path(__file__).resolve().parent.parent
REGLAS = carpeta_por_defecto("rules")
CONOCIMIENTO = carpeta_por_defecto("knowledge")
EJEMPLOS = CONOCIMIENTO / "ejemplos"


@pytest.fixture(autouse=True)
def lote_en_un_proceso(request, monkeypatch):
    """A batch run in the test's process, with no ``--workers``, evaluates there too.

    Two workers would each compile the rules again (about half a second of CPU
    per batch) only to write the same files; what workers change (the same
    outputs, Ctrl-C, kill -9) is tested end to end by the ``lento`` tests, which
    keep the real default of one process per core.
    """
    if request.node.get_closest_marker("lento") is None:
        from diagnostico_experto.lote import evaluacion

        monkeypatch.setattr(evaluacion, "procesos_por_defecto", lambda comunas: 1)


@pytest.fixture(scope="session", autouse=True)
def motores_compilados_una_vez():
    """``Motor.desde_carpetas`` compiles each loaded rule base once per session.

    Loading is already remembered per process (``comun.cache``: the same objects
    while the files are unchanged); compiling them into experta's network is
    what each command run in-process repeated, about a tenth of a second each
    time. An engine is kept for the very objects the loaders returned, so an
    edited file, or a test that makes the loaders forget, gets a new one.
    """
    original = Motor.desde_carpetas.__func__
    compilados: dict[tuple[Any, ...], tuple[Conocimiento, list[Regla], Motor]] = {}

    def desde_carpetas(
        cls, reglas: str | Path, conocimiento: str | Path, cache: Path | None = None
    ) -> Motor:
        base = cargar_conocimiento(conocimiento, cache)
        leidas = cargar_reglas(reglas, base, cache)
        # the loaders return the same objects while the files are unchanged (a new list
        # of the same rules); they are kept alive with the entry, so no id is reused
        clave = (cls, str(reglas), id(base), *map(id, leidas))
        if clave in compilados:
            return compilados[clave][2]
        motor = original(cls, reglas, conocimiento, cache)
        if clave == (cls, str(reglas), id(motor.conocimiento), *map(id, motor.reglas)):
            if len(compilados) >= 8:
                compilados.pop(next(iter(compilados)))
            compilados[clave] = (base, leidas, motor)
        return motor

    with pytest.MonkeyPatch.context() as parche:
        parche.setattr(Motor, "desde_carpetas", classmethod(desde_carpetas))
        yield


@pytest.fixture(scope="session", autouse=True)
def cache_aparte(tmp_path_factory):
    """The tests' cache of loaded folders is their own, not the user's."""
    anterior = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if anterior is None:
        os.environ.pop("XDG_CACHE_HOME")
    else:
        os.environ["XDG_CACHE_HOME"] = anterior


@pytest.fixture(scope="session")
def conocimiento() -> Conocimiento:
    return cargar_conocimiento(CONOCIMIENTO)


@pytest.fixture(scope="session")
def motor() -> Motor:
    return Motor.desde_carpetas(REGLAS, CONOCIMIENTO)


@pytest.fixture(scope="session")
def ejemplos(motor: Motor) -> dict[str, Evaluacion]:
    """Every shipped example evaluated once with the default rules (and paths), by file stem."""
    return {
        ruta.stem: motor.evaluar(cargar_respuestas(ruta, motor.conocimiento), caminos=True)
        for ruta in sorted(EJEMPLOS.glob("*.yaml"))
    }


@pytest.fixture(scope="session")
def lote_de_ejemplos(tmp_path_factory) -> tuple[Path, str]:
    """``diagnostico lote --salida DIR`` with no input, run once: DIR and what it printed.

    Tests only read the outputs (the shipped examples' reports, summaries, index).
    """
    salida = tmp_path_factory.mktemp("lote-de-ejemplos") / "informes"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        codigo = main(["lote", "--salida", str(salida)])
    assert codigo == 0, err.getvalue()
    assert out.getvalue() == ""
    return salida, err.getvalue()


def como_json(evaluacion: Evaluacion) -> dict[str, Any]:
    """The result exactly as ``evaluar --formato json`` writes it."""
    return json.loads(evaluacion.resultado.model_dump_json())


def datos_respuestas(respuestas: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An answer file's data for Ninhue with one service, as ``archivo_respuestas`` writes it."""
    return {
        "comuna": "Ninhue",
        "fecha": "2026-11-01",
        "respuestas": respuestas,
        "servicios": [SERVICIO],
        **extra,
    }


def respuestas_de(datos: dict[str, Any], conocimiento: Conocimiento) -> Respuestas:
    """Answers validated exactly as an answer file named r.yaml with these data."""
    return desde_documento(Documento(Path("r.yaml"), datos), conocimiento)


def evaluar_datos(motor: Motor, respuestas: dict[str, Any], **extra: Any) -> Evaluacion:
    return motor.evaluar(respuestas_de(datos_respuestas(respuestas, **extra), motor.conocimiento))


def resultado(motor: Motor, respuestas: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The JSON result of evaluating these answers (and ``servicios``, ``validacion``…)."""
    return como_json(evaluar_datos(motor, respuestas, **extra))


def reglas_de_texto(
    texto: str, conocimiento: Conocimiento, nombre: str = "extra.yaml"
) -> list[Regla]:
    """The rules of a rule file's text, as if it were a file named ``nombre`` (ErrorDiagnostico)."""
    return interpretar_archivo(Documento(Path(nombre), leer_texto(texto, nombre)), conocimiento)


def motor_con(
    base: Motor,
    extra: str = "",
    parametros: dict[str, Any] | None = None,
    sin: tuple[str, ...] = (),
) -> Motor:
    """The default engine with changed parameters, an extra rule file, or rules removed.

    Built in memory: no folder is copied or re-read, only the rules re-read
    when a parameter changes (their operands are resolved at load).
    """
    conocimiento, reglas = base.conocimiento, base.reglas
    if parametros:
        nuevos = dict(conocimiento.parametros)
        for nombre, valor in parametros.items():
            nuevos[nombre] = Parametro(valor=valor, descripcion=nuevos[nombre].descripcion)
        conocimiento = dataclasses.replace(conocimiento, parametros=nuevos)
        reglas = cargar_reglas(REGLAS, conocimiento)
    reglas = [r for r in reglas if r.id not in sin]
    if extra:
        reglas = [*reglas, *reglas_de_texto(extra, conocimiento)]
    return Motor(conocimiento, reglas, str(REGLAS))


def escribir_yaml(ruta: Path, datos: Any) -> Path:
    yaml = YAML()
    ruta.parent.mkdir(parents=True, exist_ok=True)
    with ruta.open("w", encoding="utf-8") as f:
        yaml.dump(datos, f)
    return ruta


def leer_yaml(ruta: Path) -> Any:
    return YAML(typ="safe").load(ruta.read_text(encoding="utf-8"))


def extremo(conocimiento: Conocimiento, mejor: bool) -> dict[str, Any]:
    """Answers with the best (or worst) option of every question that applies."""
    respuestas: dict[str, Any] = {}
    for p in conocimiento.cuestionario.preguntas:
        if not conocimiento.cuestionario.aplica(p, respuestas):
            continue
        if p.tipo == "texto":
            respuestas[p.id] = "Observación de prueba."
        elif p.tipo == "numero":
            tramo = (max if mejor else min)(p.tramos, key=lambda t: t.puntos)
            respuestas[p.id] = int(tramo.desde)
        elif p.tipo == "escala":
            valores = sorted(p.valores(), key=lambda v: p.puntos(v))
            respuestas[p.id] = valores[-1] if mejor else valores[0]
        elif p.tipo == "opcion_multiple":
            if mejor:
                respuestas[p.id] = [o.valor for o in p.opciones if not o.exclusiva]
            else:
                respuestas[p.id] = [min(p.opciones, key=lambda o: o.puntos).valor]
        else:
            opcion = (max if mejor else min)(p.opciones, key=lambda o: o.puntos)
            respuestas[p.id] = opcion.valor
    return respuestas


SERVICIO = {
    "nombre": "PRODESAL",
    "unidad": "UDEL",
    "origen": "indap",
    "clientes": ["pequenos_agricultores"],
    "etapas": ["difusion", "diagnostico"],
}


def archivo_respuestas(
    tmp_path: Path, respuestas: dict[str, Any], nombre: str = "r.yaml", **extra: Any
) -> Path:
    datos = {
        "comuna": "Ninhue",
        "fecha": "2026-11-01",
        "respuestas": respuestas,
        "servicios": [SERVICIO],
    }
    datos.update(extra)
    return escribir_yaml(tmp_path / nombre, datos)


def correr(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run the CLI in-process: exit code, stdout, stderr."""
    codigo = main([str(a) for a in args])
    salida = capsys.readouterr()
    return codigo, salida.out, salida.err


def evaluar_json(capsys: pytest.CaptureFixture[str], archivo: Path, *opciones: str | Path) -> dict:
    codigo, out, err = correr(capsys, "evaluar", archivo, "--formato", "json", *opciones)
    assert codigo == 0, err
    return json.loads(out)


def copiar_carpetas(tmp_path: Path, con_ejemplos: bool = False) -> tuple[Path, Path]:
    """Editable copies of the default rules and knowledge, as a consultant would have."""
    reglas = tmp_path / "rules"
    conocimiento = tmp_path / "knowledge"
    shutil.copytree(REGLAS, reglas, dirs_exist_ok=True)
    sin = () if con_ejemplos else ("ejemplos",)
    shutil.copytree(
        CONOCIMIENTO, conocimiento, ignore=shutil.ignore_patterns(*sin), dirs_exist_ok=True
    )
    return reglas, conocimiento


def _yaml_de_ida_y_vuelta() -> YAML:
    """ruamel's round trip with the shipped files' layout: comments, order and quotes kept."""
    yaml = YAML()
    yaml.width = 4096
    yaml.preserve_quotes = True  # "?a" in a flow mapping must stay quoted
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def editar_yaml(ruta: Path, cambiar: Callable[[Any], object]) -> Path:
    """Change a YAML file as data (``cambiar`` edits what it reads); the rest stays as written."""
    yaml = _yaml_de_ida_y_vuelta()
    datos = yaml.load(ruta)
    cambiar(datos)
    yaml.dump(datos, ruta)
    return ruta


def conocimiento_con(destino: Path, **cambios: Callable[[Any], object]) -> Path:
    """A consultant's copy of the default knowledge (no examples or history) at ``destino``,
    with files changed as data: ``cuestionario=lambda datos: ...`` edits cuestionario.yaml."""
    shutil.copytree(CONOCIMIENTO, destino, ignore=shutil.ignore_patterns("ejemplos", "historia"))
    for nombre, cambiar in cambios.items():
        editar_yaml(destino / f"{nombre}.yaml", cambiar)
    return destino


def pregunta_de(datos: Any, id_: str) -> Any:
    """The question ``id_`` of a cuestionario.yaml's data."""
    return next(p for p in datos["preguntas"] if p["id"] == id_)


def reglas_sin(destino: Path, *ids: str) -> Path:
    """The default rule files in ``destino`` without the rules ``ids``, removed as YAML data.

    Files without those rules are copied as they are; the others go through ruamel's round
    trip, which keeps their comments, order and layout.
    """
    yaml = _yaml_de_ida_y_vuelta()
    destino.mkdir(parents=True, exist_ok=True)
    quitadas = set()
    for archivo in sorted(REGLAS.glob("*.yaml")):
        datos = yaml.load(archivo)
        reglas = datos.get("reglas") if datos else None
        antes = len(quitadas)
        for i in reversed(range(len(reglas or []))):
            if reglas[i].get("id") in ids:
                quitadas.add(reglas[i]["id"])
                del reglas[i]
        if len(quitadas) > antes:
            yaml.dump(datos, destino / archivo.name)
        else:
            shutil.copy(archivo, destino / archivo.name)
    assert quitadas == set(ids), f"no existen: {set(ids) - quitadas}"
    return destino


def error_de(capsys, *args) -> str:
    codigo, out, err = correr(capsys, *args)
    assert codigo == 2, (out, err)
    assert "Traceback" not in err
    assert out == ""
    return err.strip()


def error_con_carpetas(capsys, reglas, conocimiento) -> str:
    """The error of evaluating a good answer file with a consultant's broken folders."""
    return error_de(
        capsys,
        "evaluar",
        EJEMPLOS / "yumbel.yaml",
        "--reglas",
        reglas,
        "--conocimiento",
        conocimiento,
    )


def leer_resumen_csv(ruta: Path) -> list[dict[str, str]]:
    """resumen.csv as a spreadsheet set to Spanish (Chile) reads it: «;», BOM, decimal comma."""
    import csv

    texto = ruta.read_bytes()
    assert texto.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(texto.decode("utf-8-sig")), delimiter=";"))


def primera_parte_marcada(ruta: Path, cifrada: bool = False, metodo: int | None = None) -> Path:
    """The zip at ``ruta`` with its first part flagged encrypted or given another compression
    method, in both its local header and the central directory, as a zip tool writes them."""
    datos = bytearray(ruta.read_bytes())
    for firma, bandera, compresion in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        inicio = datos.find(firma)
        if cifrada:
            (banderas,) = struct.unpack_from("<H", datos, inicio + bandera)
            struct.pack_into("<H", datos, inicio + bandera, banderas | 1)
        if metodo is not None:
            struct.pack_into("<H", datos, inicio + compresion, metodo)
    ruta.write_bytes(bytes(datos))
    return ruta


# --- minimal trees (copier's build_file_tree): a test spells out the variant it needs -----


Arbol = dict[str, "str | Arbol"]


def construir_arbol(raiz: Path, arbol: Arbol) -> Path:
    """Write ``arbol`` under ``raiz``: a name maps to a file's text or to a folder's tree."""
    raiz.mkdir(parents=True, exist_ok=True)
    for nombre, contenido in arbol.items():
        if isinstance(contenido, dict):
            construir_arbol(raiz / nombre, contenido)
        else:
            (raiz / nombre).write_text(contenido, encoding="utf-8")
    return raiz


_AREAS_MINIMAS = "".join(
    f"  {a}: {{nombre: {a.capitalize()}}}\n"
    for a in ("estrategia", "estructura", "procesos", "productos", "transversal")
)

# The smallest knowledge folder that loads: one UGT with one comuna, one of each catalogue
# list, no parameters, no dates or evidence asked, two questions (T07, which informe.yaml
# names, and a sí/no one).
CONOCIMIENTO_MINIMO: Arbol = {
    "comunas.yaml": "territorios:\n  - {nombre: Prueba, comunas: [Ninhue]}\n",
    "servicios.yaml": (
        "etapas: [{id: difusion, nombre: Difusión}]\n"
        "clientes: [{id: emprendedores, nombre: Emprendedores}]\n"
        "origenes: [{id: municipal, nombre: Municipal}]\n"
        "areas_proceso: [{id: desarrollo, nombre: Desarrollo}]\n"
        "area_proceso_por_defecto: desarrollo\n"
    ),
    "parametros.yaml": "parametros: {}\n",
    "horas.yaml": "parametros: {}\n",
    "talleres.yaml": (CONOCIMIENTO / "talleres.yaml").read_text(encoding="utf-8"),
    # the shipped calendar and evidence policy name the real UGTs and questions
    "calendario.yaml": "inicio: 2027-03-01\n",
    "evidencias.yaml": "piden: {}\n",
    "cuestionario.yaml": f"areas:\n{_AREAS_MINIMAS}"
    + textwrap.dedent("""\
        preguntas:
          - id: E01
            area: estrategia
            tipo: si_no
            texto: Hay lineamientos
            ayuda: a
            fuente: f
            opciones:
              - {valor: si, texto: Sí, puntos: 1}
              - {valor: "no", texto: No}
          - {id: T07, area: transversal, tipo: texto, texto: Observaciones, ayuda: a, fuente: f}
        """),
}


def conocimiento_minimo(raiz: Path, **cambios: str) -> Path:
    """A minimal knowledge folder under ``raiz``, with some files written as given."""
    return construir_arbol(raiz / "knowledge", {**CONOCIMIENTO_MINIMO, **cambios})
