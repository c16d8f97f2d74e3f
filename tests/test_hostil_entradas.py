"""Hostile and broken inputs: one Spanish line naming file and line, never a traceback.

Each input is built in tmp_path and given to every door that reads it:
``evaluar``, ``explicar`` and ``reglas probar`` refuse it with exit 2; ``lote``
lists it, still evaluates the good file next to it, and exits 1. The input is
byte-identical afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import (
    copiar_carpetas,
    correr,
    error_con_carpetas,
    error_de,
    escribir_yaml,
    leer_yaml,
    primera_parte_marcada,
)
from diagnostico_experto.cli.principal import main

BASE = """comuna: Ninhue
fecha: 2026-11-01
nota: Respuestas de prueba.
respuestas:
  E01: vigentes
  E07: si
  O05: [reuniones_equipo]
  O06: 3
servicios:
  - nombre: PRODESAL
    unidad: UDEL
    origen: indap
    clientes: [pequenos_agricultores]
    etapas: [difusion, diagnostico]
mesa:
  - {nombre: Ana Pérez, cargo: Encargada, unidad: UDEL}
"""

BOMBA = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


@dataclass(frozen=True)
class Caso:
    """A hostile answer file: its text (or a builder), the line and words of the refusal."""

    texto: str | None = None
    marca: str | None = None  # the message names the line where this text starts
    dice: str = ""  # words the message must hold
    construir: Callable[[Path], None] | None = None  # for special files
    linea: bool = True


def cambio(viejo: str, nuevo: str, dice: str, marca: str | None = None) -> Caso:
    assert viejo in BASE
    return Caso(BASE.replace(viejo, nuevo, 1), marca or nuevo.split("\n")[0].strip(), dice)


def agregado(texto: str, dice: str, marca: str | None = None) -> Caso:
    return Caso(BASE + texto, marca or texto.split("\n")[0].strip(), dice)


def _fifo(ruta: Path) -> None:
    os.mkfifo(ruta)


def _dispositivo(ruta: Path) -> None:
    ruta.symlink_to("/dev/zero")


def _carpeta(ruta: Path) -> None:
    ruta.mkdir()


def _enlace_roto(ruta: Path) -> None:
    ruta.symlink_to(ruta.parent / "no-existe.yaml")


CASOS: dict[str, Caso] = {
    # --- the file itself ---------------------------------------------------------------
    "fifo": Caso(construir=_fifo, dice="es una FIFO", linea=False),
    "dev-zero": Caso(construir=_dispositivo, dice="es un dispositivo", linea=False),
    "carpeta-x.yaml": Caso(construir=_carpeta, dice="es una carpeta", linea=False),
    "enlace-roto": Caso(construir=_enlace_roto, dice="el archivo no existe", linea=False),
    "vacio": Caso("", dice="el archivo está vacío", linea=False),
    "solo-comentario": Caso("# nada\n", dice="el archivo está vacío", linea=False),
    "muy-grande": Caso(
        BASE + "# " + "x" * (600 * 1024) + "\n", dice="«max_kb_por_archivo»", linea=False
    ),
    "latin1": Caso(BASE.replace("Pérez", "P\udce9rez"), dice="no está en UTF-8", linea=False),
    "binario": Caso("\udc89PNG\r\n\x1a\n\x00\x00", dice="no está en UTF-8", linea=False),
    "nul-crudo": cambio("Respuestas de prueba.", "Respuestas\x00 de prueba.", "", "nota:"),
    "bom-y-basura": Caso("\ufeff: : :\n", dice="", marca=":"),
    # --- YAML structure ------------------------------------------------------------------
    "bomba-de-alias": Caso(BOMBA + BASE, marca="f: &f", dice="«max_valores_por_archivo»"),
    "alias-indefinido": agregado("extra: *nada\n", "alias (*nada) no definido"),
    "alias-recursivo": agregado("extra: &r [1, *r]\n", "dentro de su propio ancla"),
    "anidado-5000-flujo": agregado(
        "extra: " + "[" * 5000 + "]" * 5000 + "\n", "«max_niveles_por_archivo»", "extra:"
    ),
    "anidado-5000-mapeos": agregado(
        "extra: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", "«max_niveles_por_archivo»", "extra:"
    ),
    "anidado-bloque-60": agregado(
        "extra:\n" + "".join("  " * (i + 1) + f"n{i}:\n" for i in range(60)) + "  " * 61 + "1\n",
        "«max_niveles_por_archivo»",
        "n49:",
    ),
    "entero-5000-cifras": cambio("O06: 3", "O06: " + "9" * 5000, "5.000 cifras", "O06:"),
    "entero-negativo-largo": cambio("O06: 3", "O06: -" + "1" * 40, "«max_cifras_por_numero»"),
    "hexadecimal": cambio("O06: 3", "O06: 0x1F", "en decimal"),
    "octal": cambio("O06: 3", "O06: 0o17", "en decimal"),
    "varios-documentos": agregado("---\ncomuna: Yumbel\n", "más de un documento", "---"),
    "tabulador": cambio("  E07: si", "\tE07: si", "tabulador", "E07"),
    "clave-repetida": cambio(
        "  E07: si", "  E07: si\n  E07: no", "clave repetida «E07»", "E07: no"
    ),
    "comillas-sin-cerrar": agregado('extra: "sin cerrar\n', "comillas", "extra:"),
    "clave-vacia": agregado('"": x\n', '"": campo desconocido', '"": x'),
    "clave-vacia-en-respuestas": cambio(
        "  E07: si", '  E07: si\n  "": x', 'respuestas."": pregunta desconocida', '"": x'
    ),
    "etiqueta-python": agregado("extra: !!python/object:os.system [ls]\n", "", "extra:"),
    "etiqueta-desconocida": cambio("E07: si", "E07: !rara si", "", "E07:"),
    "raiz-lista": Caso("- comuna: Ninhue\n", marca="- comuna", dice="debe ser un mapeo"),
    "raiz-texto": Caso("hola\n", dice="debe ser un mapeo", linea=False),
    # --- dates ---------------------------------------------------------------------------
    "fecha-mes-13": cambio(
        "fecha: 2026-11-01",
        "fecha: 2026-13-45",
        "fecha: «2026-13-45» no es una fecha del calendario",
    ),
    "fecha-30-febrero": cambio(
        "fecha: 2026-11-01",
        "fecha: 2026-02-30",
        "fecha: «2026-02-30» no es una fecha del calendario",
    ),
    "fecha-anio-cero": cambio("fecha: 2026-11-01", "fecha: 0000-01-01", "no es una fecha"),
    "fecha-sin-guiones": cambio(
        "fecha: 2026-11-01", "fecha: 20261112", "fecha: «20261112»: un número no es una fecha"
    ),
    "fecha-con-hora": cambio(
        "fecha: 2026-11-01",
        "fecha: 2026-11-12T10:30:00",
        "fecha: debe ser una fecha, sin hora",
    ),
    "fecha-con-hora-invalida": cambio(
        "fecha: 2026-11-01", "fecha: 2026-02-30 10:30:00", "no es una fecha"
    ),
    "fecha-serial-excel": cambio(
        "fecha: 2026-11-01", "fecha: 46000", "un número no es una fecha", "fecha:"
    ),
    "fecha-texto": cambio(
        "fecha: 2026-11-01",
        "fecha: ayer",
        "fecha: «ayer» no es una fecha; escríbala como 12-03-2026",
    ),
    "fecha-lista": cambio("fecha: 2026-11-01", "fecha: [2026-11-01]", "fecha: debe ser una fecha"),
    # --- answer values -------------------------------------------------------------------
    "si-no-lista": cambio("E07: si", "E07: [si]", "E07: debe ser un solo valor, no una lista"),
    "si-no-mapeo": cambio("E07: si", "E07: {si: no}", "E07: debe ser un valor, no un mapeo"),
    "si-no-conjunto": cambio("E07: si", "E07: !!set {si}", "E07: debe ser un valor"),
    "si-no-numero": cambio("E07: si", "E07: 1", "E07: valor «1» no es una opción"),
    "opcion-unica-lista": cambio("E01: vigentes", "E01: [vigentes]", "E01: debe ser un solo valor"),
    "opcion-unica-mapeo": cambio("E01: vigentes", "E01: {a: b}", "E01: debe ser un valor"),
    "opcion-multiple-vacia": cambio(
        "O05: [reuniones_equipo]", "O05: []", "O05: marque al menos una opción"
    ),
    "opcion-multiple-anidada": cambio(
        "O05: [reuniones_equipo]", "O05: [[reuniones_equipo]]", "O05: cada opción debe ser un valor"
    ),
    "opcion-multiple-mapeo": cambio(
        "O05: [reuniones_equipo]", "O05: [{a: b}]", "O05: cada opción debe ser un valor"
    ),
    "opcion-multiple-repetida": cambio(
        "O05: [reuniones_equipo]", "O05: [informal, informal]", "O05: una opción está repetida"
    ),
    "numero-nan": cambio("O06: 3", "O06: .nan", "O06: debe ser un número finito"),
    "numero-inf": cambio("O06: 3", "O06: .inf", "O06: debe ser un número finito"),
    "numero-menos-inf": cambio("O06: 3", "O06: -.inf", "O06: debe ser un número finito"),
    "numero-exponente-enorme": cambio("O06: 3", "O06: 1e999", "O06: debe ser un número finito"),
    "numero-lista": cambio("O06: 3", "O06: [3]", "O06: debe ser un solo valor"),
    "numero-texto": cambio("O06: 3", "O06: tres", "O06: debe ser un número"),
    "numero-negativo": cambio("O06: 3", "O06: -4", "O06: debe ser al menos 0"),
    "numero-booleano": cambio("O06: 3", "O06: true", "O06: debe ser un número"),
    "respuestas-clave-numero": cambio(
        "  E01: vigentes", "  1: vigentes", "respuestas.1: la clave debe ser un texto", "1:"
    ),
    "respuestas-clave-lista": cambio(
        "  E01: vigentes", "  ? [a, b]\n  : vigentes", "la clave debe ser un texto", "respuestas:"
    ),
    "respuestas-lista": Caso(
        BASE.replace("respuestas:\n  E01: vigentes\n  E07: si\n", "respuestas:\n  - E01\n").replace(
            "  O05: [reuniones_equipo]\n  O06: 3\n", ""
        ),
        marca="respuestas:",
        dice="respuestas: debe ser un mapeo",
    ),
    "pregunta-desconocida": cambio("E07: si", "E99: si", "pregunta desconocida «E99»"),
    # --- names and texts -----------------------------------------------------------------
    "comuna-en-blanco": cambio("comuna: Ninhue", 'comuna: "   "', "comuna: no puede estar vacío"),
    "comuna-con-nul": cambio(
        "comuna: Ninhue", 'comuna: "Nin\\0hue"', "comuna: tiene un carácter de control (U+0000)"
    ),
    "comuna-ancho-cero": cambio(
        "comuna: Ninhue", 'comuna: "Nin\\u200bhue"', "comuna: tiene un carácter invisible (U+200B)"
    ),
    "comuna-300-caracteres": cambio(
        "comuna: Ninhue", "comuna: " + "N" * 300, "comuna desconocida", "comuna:"
    ),
    "comuna-lista": cambio("comuna: Ninhue", "comuna: [Ninhue]", "comuna: debe ser un texto"),
    "servicio-en-blanco": cambio(
        "nombre: PRODESAL", 'nombre: "   "', "servicios[1].nombre: no puede estar vacío"
    ),
    "servicio-control": cambio(
        "nombre: PRODESAL",
        'nombre: "PRO\\x07DESAL"',
        "servicios[1].nombre: tiene un carácter de control",
    ),
    "servicio-salto-de-linea": cambio(
        "nombre: PRODESAL",
        'nombre: "PRO\\nDESAL"',
        "servicios[1].nombre: tiene un carácter de control",
    ),
    "servicio-ancho-cero": cambio(
        "nombre: PRODESAL",
        'nombre: "PRODESAL\\u200d"',
        "servicios[1].nombre: tiene un carácter invisible",
    ),
    "servicio-separador-de-linea": cambio(
        "nombre: PRODESAL",
        'nombre: "PRO\\u2028DESAL"',
        "servicios[1].nombre: tiene un carácter invisible",
    ),
    "unidad-vacia": cambio(
        "unidad: UDEL", 'unidad: ""', "servicios[1].unidad: no puede estar vacío"
    ),
    "servicio-nombre-lista": cambio(
        "nombre: PRODESAL", "nombre: [PRODESAL]", "servicios[1].nombre: debe ser un texto"
    ),
    "etapas-repetidas": cambio(
        "etapas: [difusion, diagnostico]",
        "etapas: [difusion, difusion]",
        "«difusion» está repetido",
    ),
    "clientes-repetidos": cambio(
        "clientes: [pequenos_agricultores]",
        "clientes: [pequenos_agricultores, pequenos_agricultores]",
        "«pequenos_agricultores» está repetido",
    ),
    "etapas-vacias": cambio(
        "etapas: [difusion, diagnostico]", "etapas: []", "no puede estar vacío"
    ),
    "etapa-mapeo": cambio(
        "etapas: [difusion, diagnostico]",
        "etapas: [{a: b}]",
        "servicios[1].etapas[1]: debe ser un texto",
    ),
    "servicio-repetido": Caso(
        BASE.replace(
            "mesa:\n",
            "  - {nombre: PRODESAL, unidad: UDEL, origen: indap, clientes: [emprendedores], "
            "etapas: [difusion]}\nmesa:\n",
        ),
        marca="- {nombre: PRODESAL",
        dice="servicio «PRODESAL» repetido",
    ),
    "servicios-mapeo": cambio(
        "servicios:\n  - nombre: PRODESAL",
        "servicios:\n  x:\n    nombre: PRODESAL",
        "servicios: debe ser una lista",
        "servicios:",
    ),
    "integrante-control": cambio(
        "nombre: Ana Pérez",
        'nombre: "Ana\\x1bPérez"',
        "mesa[1].nombre: tiene un carácter de control",
    ),
    "integrante-en-blanco": cambio(
        "nombre: Ana Pérez", 'nombre: " "', "mesa[1].nombre: no puede estar vacío"
    ),
    "cargo-ancho-cero": cambio(
        "cargo: Encargada",
        'cargo: "Encar\\ufeffgada"',
        "mesa[1].cargo: tiene un carácter invisible",
    ),
    "nota-control": cambio(
        "nota: Respuestas de prueba.",
        'nota: "Respuestas\\x08 de prueba."',
        "nota: tiene un carácter de control",
    ),
    "nota-lista": cambio("nota: Respuestas de prueba.", "nota: [a]", "nota: debe ser un texto"),
    "validacion-nivel-nan": agregado(
        "validacion:\n  estrategia: {nivel: .nan, justificacion: x}\n",
        "validacion.estrategia.nivel",
        "estrategia:",
    ),
    "validacion-justificacion-control": agregado(
        'validacion:\n  estrategia: {nivel: alto, justificacion: "a\\x01b"}\n',
        "validacion.estrategia.justificacion: tiene un carácter de control",
        "estrategia:",
    ),
    "campo-desconocido": agregado("comunaa: Ninhue\n", "campo desconocido"),
    "utf16": Caso(
        BASE.encode("utf-16").decode("utf-8", "surrogateescape"),
        dice="no está en UTF-8",
        linea=False,
    ),
    "servicio-nulo": cambio(
        "servicios:\n  - nombre: PRODESAL",
        "servicios:\n  - null\n  - nombre: PRODESAL",
        "servicios[1]: debe ser un mapeo",
        "- null",
    ),
    "mesa-texto": cambio(
        "mesa:\n  - {nombre: Ana Pérez, cargo: Encargada, unidad: UDEL}",
        "mesa: Ana Pérez",
        "mesa: debe ser una lista",
    ),
    "validacion-area-desconocida": agregado(
        "validacion:\n  finanzas: {nivel: alto, justificacion: x}\n",
        "validacion.finanzas: valor «finanzas» no permitido",
        "finanzas:",
    ),
    "validacion-nivel-desconocido": agregado(
        "validacion:\n  estrategia: {nivel: altisimo, justificacion: x}\n",
        "validacion.estrategia.nivel: valor «altisimo» no permitido",
        "estrategia:",
    ),
    "nota-anidada": cambio(
        "nota: Respuestas de prueba.", "nota: " + "[" * 40 + "]" * 40, "nota: debe ser un texto"
    ),
    "fecha-con-texto": cambio(
        "fecha: 2026-11-01",
        "fecha: 2026-11-01 y algo",
        "fecha: «2026-11-01 y algo» no es una fecha",
    ),
    "origen-lista": cambio(
        "origen: indap", "origen: [indap]", "servicios[1].origen: debe ser un texto"
    ),
    "etapas-texto": cambio(
        "etapas: [difusion, diagnostico]",
        "etapas: difusion",
        "servicios[1].etapas: debe ser una lista",
    ),
    "ilustrativo-nulo": agregado("ilustrativo:\n", "ilustrativo: debe ser verdadero o falso"),
    "servicios-501": cambio(
        "servicios:\n",
        "servicios:\n"
        + "".join(
            f"  - {{nombre: S{i}, unidad: U, origen: indap, clientes: [emprendedores], "
            "etapas: [difusion]}\n"
            for i in range(500)
        ),
        "servicios: 501 servicios; el máximo por comuna es 500",
        "servicios:",
    ),
    "clave-raiz-lista": Caso(
        "? [a, b]\n: x\n" + BASE, marca="? [a", dice="la clave debe ser un texto"
    ),
    "ilustrativo-texto": agregado(
        "ilustrativo: quizas\n", "ilustrativo: debe ser verdadero o falso"
    ),
}


def _huellas(carpeta: Path) -> dict[str, str]:
    """Every regular file below the folder and its SHA-256: inputs must not change."""
    return {
        str(r): hashlib.sha256(r.read_bytes()).hexdigest()
        for r in sorted(carpeta.rglob("*"))
        if not r.is_symlink() and r.is_file()
    }


def _construir(ruta: Path, caso: Caso) -> str:
    """Write the input; where the message must point (``file:`` or ``file:line:``)."""
    ruta.parent.mkdir(parents=True, exist_ok=True)
    if caso.construir is not None:
        caso.construir(ruta)
        return f"{ruta}:"
    assert caso.texto is not None
    ruta.write_bytes(caso.texto.encode("utf-8", "surrogateescape"))
    if not caso.linea:
        return f"{ruta}:"
    assert caso.marca is not None and caso.marca in caso.texto, caso.marca
    linea = caso.texto[: caso.texto.index(caso.marca)].count("\n") + 1
    return f"{ruta}:{linea}:"


def _sin_traza(err: str) -> None:
    assert "Traceback" not in err
    assert "Error interno" not in err, err


def _mensaje(err: str, lugar: str, caso: Caso) -> str:
    lineas = [x for x in err.splitlines() if x.startswith(lugar)]
    assert lineas, f"no line starts with {lugar!r}:\n{err}"
    assert any(caso.dice in x for x in lineas), err
    return lineas[0]


@pytest.fixture(params=list(CASOS), ids=list(CASOS))
def hostil(request, tmp_path):
    """One hostile answer file; checked byte-identical after the test."""
    caso = CASOS[request.param]
    ruta = tmp_path / "entrada" / "hostil.yaml"
    lugar = _construir(ruta, caso)
    antes = _huellas(tmp_path)
    yield caso, ruta, lugar
    assert _huellas(tmp_path) == antes, "an input file changed"


@pytest.mark.parametrize("comando", ["evaluar", "explicar"])
def test_evaluar_y_explicar_rechazan_con_archivo_y_linea(capsys, hostil, comando):
    caso, ruta, lugar = hostil
    codigo, out, err = correr(capsys, comando, ruta)
    _sin_traza(err)
    assert (codigo, out) == (2, "")
    _mensaje(err, lugar, caso)


# reglas probar reads a case's answer file through the same reader as evaluar: every
# hostile answer file, named by a case. A file that cannot be read at all is named at
# the case's «archivo» (the line the consultant edits); a problem inside it, at its line.
@pytest.mark.parametrize("nombre", list(CASOS))
def test_reglas_probar_rechaza_el_caso(capsys, tmp_path, nombre):
    caso = CASOS[nombre]
    ruta = tmp_path / "hostil.yaml"
    lugar = _construir(ruta, caso)
    casos = tmp_path / "casos.yaml"
    casos.write_text(
        "casos:\n  - nombre: hostil\n    archivo: hostil.yaml\n    espera: {}\n", encoding="utf-8"
    )
    antes = _huellas(tmp_path)
    codigo, _, err = correr(capsys, "reglas", "probar", casos)
    _sin_traza(err)
    assert codigo == 2
    if caso.linea:
        _mensaje(err, lugar, caso)
    else:
        en_el_caso = f"{casos}:3: casos[1].archivo: {ruta}"
        assert any(x.startswith((lugar, en_el_caso)) and caso.dice in x for x in err.splitlines())
    assert _huellas(tmp_path) == antes


@pytest.fixture(scope="module")
def lote_hostil(tmp_path_factory):
    """One batch over every hostile file and a good one: run once, read by each case."""
    carpeta = tmp_path_factory.mktemp("lote-hostil")
    entrada = carpeta / "entrada"
    lugares = {
        nombre: _construir(entrada / f"{nombre}.yaml", caso) for nombre, caso in CASOS.items()
    }
    (entrada / "bueno.yaml").write_text(BASE, encoding="utf-8")
    antes = _huellas(entrada)
    errores = io.StringIO()
    with contextlib.redirect_stderr(errores), contextlib.redirect_stdout(io.StringIO()):
        codigo = main(["lote", str(entrada), "--salida", str(carpeta / "informes")])
    return codigo, errores.getvalue(), lugares, antes == _huellas(entrada), carpeta


def test_lote_termina_con_1_y_evalua_el_archivo_bueno(lote_hostil):
    codigo, err, _, intactos, carpeta = lote_hostil
    _sin_traza(err)
    assert codigo == 1, err
    assert f"1 comuna evaluada, {len(CASOS)} archivos con errores" in err
    assert (carpeta / "informes" / "comunas" / "ninhue.html").exists()
    assert intactos, "an input file changed"


@pytest.mark.parametrize("nombre", list(CASOS))
def test_lote_lista_el_archivo_con_su_linea(lote_hostil, nombre):
    _, err, lugares, _, _ = lote_hostil
    _mensaje(err, lugares[nombre], CASOS[nombre])


def test_la_base_es_valida(capsys, tmp_path):
    """The hostile inputs are variations of a valid file."""
    ruta = tmp_path / "base.yaml"
    ruta.write_text(BASE, encoding="utf-8")
    codigo, _, err = correr(capsys, "evaluar", ruta)
    assert codigo == 0, err


# --- planillas (XLSX and CSV) -------------------------------------------------------------

CABECERA_CSV = "comuna;fecha;E01;E07;O06\n"


def _datos_planilla() -> dict:
    return {
        "comuna": "Ninhue",
        "fecha": "2026-11-01",
        "respuestas": {"E01": "vigentes", "E07": "si", "O06": 3},
        "servicios": [
            {
                "nombre": "PRODESAL",
                "unidad": "UDEL",
                "origen": "indap",
                "clientes": ["pequenos_agricultores"],
                "etapas": ["difusion", "diagnostico"],
            }
        ],
        "mesa": [{"nombre": "Ana Pérez", "cargo": "Encargada", "unidad": "UDEL"}],
    }


def _xlsx(ruta: Path, conocimiento, cambiar: Callable | None = None) -> Path:
    """A filled planilla; ``cambiar(libro)`` edits it before saving."""
    from openpyxl import load_workbook

    from diagnostico_experto.lote.planilla import planilla

    ruta.write_bytes(planilla(conocimiento, [_datos_planilla()]))
    if cambiar is not None:
        libro = load_workbook(ruta)
        cambiar(libro)
        libro.save(ruta)
    return ruta


def _celda(hoja: str, columna: str, valor) -> Callable:
    def cambiar(libro) -> None:
        encabezado = [c.value for c in libro[hoja][1]]
        libro[hoja].cell(2, encabezado.index(columna) + 1, valor)

    return cambiar


def _encabezado(hoja: str, columna: str, nuevo: str) -> Callable:
    def cambiar(libro) -> None:
        for celda in libro[hoja][1]:
            if celda.value == columna:
                celda.value = nuevo

    return cambiar


def _parte(ruta: Path, conocimiento, nombre: str, contenido: bytes) -> Path:
    """A valid planilla with one part of the zip replaced."""
    _xlsx(ruta, conocimiento)
    original = ruta.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as viejo, zipfile.ZipFile(ruta, "w") as nuevo:
        for parte in viejo.infolist():
            datos = contenido if parte.filename == nombre else viejo.read(parte)
            nuevo.writestr(parte, datos, compress_type=zipfile.ZIP_DEFLATED)
    return ruta


HOJA = "xl/worksheets/sheet1.xml"


def _hoja_xml(*filas: list[str]) -> bytes:
    """A sheet written as another program may write it: inline strings, any length."""
    celdas = "".join(
        f'<row r="{i}">'
        + "".join(f'<c t="inlineStr"><is><t>{valor}</t></is></c>' for valor in fila)
        + "</row>"
        for i, fila in enumerate(filas, 1)
    )
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{celdas}</sheetData></worksheet>"
    ).encode()


ENTIDAD_EXTERNA = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData>'
    b"</worksheet>"
)
BOMBA_XML = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8)
    )
    + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row></sheetData>'
    b"</worksheet>"
)


def _grande(ruta: Path, conocimiento) -> Path:
    """306 KB on disk, a sheet of more than 50 MB once uncompressed."""
    _xlsx(ruta, conocimiento)
    with zipfile.ZipFile(ruta, "a", compression=zipfile.ZIP_DEFLATED) as archivo:
        archivo.writestr("xl/worksheets/grande.xml", b"<a>" + b"x" * (51 * 1024 * 1024) + b"</a>")
    return ruta


PLANILLAS: dict[str, tuple[Callable[[Path, object], Path], int, str, str]] = {
    # name: (builder, exit code of lote, where the message points, words it holds)
    "xlsx-no-es-zip": (
        lambda r, c: r.write_text("hola") or r,
        2,
        "{ruta}: ",
        "no es una planilla XLSX",
    ),
    "xlsx-hoja-rota": (
        lambda r, c: _parte(r, c, HOJA, b"<worksheet><sheetData><row"),
        2,
        "{ruta}: ",
        "no se pudo leer como planilla XLSX (una hoja o el libro tienen el XML interno dañado)",
    ),
    "xlsx-libro-roto": (
        lambda r, c: _parte(r, c, "xl/workbook.xml", b"<workbook"),
        2,
        "{ruta}: ",
        "no se pudo leer como planilla XLSX (una hoja o el libro tienen el XML interno dañado)",
    ),
    "xlsx-entidad-externa": (
        lambda r, c: _parte(r, c, HOJA, ENTIDAD_EXTERNA),
        2,
        "{ruta}: ",
        "declara entidades XML",
    ),
    "xlsx-bomba-de-entidades": (
        lambda r, c: _parte(r, c, HOJA, BOMBA_XML),
        2,
        "{ruta}: ",
        "declara entidades XML",
    ),
    "xlsx-parte-cifrada": (
        lambda r, c: primera_parte_marcada(_xlsx(r, c), cifrada=True),
        2,
        "{ruta}: ",
        "está cifrada con contraseña; guarde el archivo sin contraseña en Excel o LibreOffice",
    ),
    "xlsx-compresion-desconocida": (
        lambda r, c: primera_parte_marcada(_xlsx(r, c), metodo=99),
        2,
        "{ruta}: ",
        "usa una compresión que Excel no escribe",
    ),
    "xlsx-parte-descomprimida-enorme": (
        _grande,
        2,
        "{ruta}: ",
        "«max_mb_por_planilla»",
    ),
    "xlsx-celda-enorme": (
        lambda r, c: _parte(r, c, HOJA, _hoja_xml(["comuna", "E01"], ["Ninhue", "x" * 40_000])),
        2,
        "{ruta}, hoja respuestas, fila 2: E01: ",
        "40.000 caracteres",
    ),
    "xlsx-formula-sin-valor": (
        lambda r, c: _xlsx(r, c, _celda("respuestas", "O06", "=1+2")),
        1,
        "{ruta}, hoja respuestas, fila 2: O06: ",
        "sin valor calculado",
    ),
    "xlsx-sin-hoja-respuestas": (
        lambda r, c: _xlsx(r, c, lambda libro: setattr(libro["respuestas"], "title", "otra")),
        2,
        "{ruta}: ",
        "falta la hoja «respuestas»",
    ),
    "xlsx-servicio-en-blanco": (
        lambda r, c: _xlsx(r, c, _celda("servicios", "unidad", "  ")),
        1,
        "{ruta}, hoja servicios, fila 2: unidad: ",
        "no puede estar vacío",
    ),
    "xlsx-servicio-etapa-desconocida": (
        lambda r, c: _xlsx(r, c, _celda("servicios", "etapas", "difusion;volar")),
        1,
        "{ruta}, hoja servicios, fila 2: etapas: ",
        "«volar» no es una etapa de servicio conocida",
    ),
    "xlsx-mesa-en-blanco": (
        lambda r, c: _xlsx(r, c, _celda("mesa", "cargo", "Encar\u200bgada")),
        1,
        "{ruta}, hoja mesa, fila 2: cargo: ",
        "carácter invisible",
    ),
    "xlsx-fecha-fuera-del-calendario": (
        lambda r, c: _xlsx(r, c, _celda("respuestas", "fecha", 99999999)),
        1,
        "{ruta}, hoja respuestas, fila 2: fecha: ",
        "«99999999»: un número no es una fecha; escríbala como 12-03-2026",
    ),
    "xlsx-si-no-invalido": (
        lambda r, c: _xlsx(r, c, _celda("respuestas", "E07", "quizás")),
        1,
        "{ruta}, hoja respuestas, fila 2: E07: ",
        "no es una opción",
    ),
    "xlsx-fifo": (lambda r, c: os.mkfifo(r) or r, 2, "{ruta}: ", "es una FIFO"),
    "csv-barra-vertical": (
        lambda r, c: r.write_text("comuna|E07\nNinhue|si\n") or r,
        2,
        "{ruta}:1: ",
        "el separador «|» no se admite",
    ),
    "csv-binario": (
        lambda r, c: r.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00") or r,
        2,
        "{ruta}: ",
        "parece un archivo binario",
    ),
    "csv-ni-utf8-ni-windows": (
        lambda r, c: r.write_bytes(CABECERA_CSV.encode() + b"Ninhue\x81;2026-11-01\n") or r,
        2,
        "{ruta}: ",
        "no está en UTF-8 ni en la codificación de Windows",
    ),
    "csv-comillas-sin-cerrar": (
        lambda r, c: r.write_text(CABECERA_CSV + 'Ninhue;"2026-11-01\n' + "x" * 140_000) or r,
        2,
        "{ruta}",
        "",
    ),
    "csv-columna-repetida": (
        lambda r, c: r.write_text("comuna;E07;E07\nNinhue;si;no\n") or r,
        2,
        "{ruta}, fila 1: ",
        "la columna «E07» está repetida",
    ),
    "csv-columna-desconocida": (
        lambda r, c: r.write_text("comuna;E99\nNinhue;si\n") or r,
        2,
        "{ruta}, fila 1: ",
        "columna desconocida «E99» ¿Quiso decir",
    ),
    "csv-celda-sin-encabezado": (
        lambda r, c: r.write_text(CABECERA_CSV + "Ninhue;2026-11-01;vigentes;si;3;x\n") or r,
        2,
        "{ruta}, fila 2: ",
        "la columna 6 tiene un valor («x») y no tiene nombre",
    ),
    "xlsx-columna-desconocida": (
        lambda r, c: _parte(r, c, HOJA, _hoja_xml(["comuna", "E77"], ["Ninhue", "si"])),
        2,
        "{ruta}, hoja respuestas, fila 1: ",
        "columna desconocida «E77»",
    ),
    "xlsx-servicios-columna-desconocida": (
        lambda r, c: _xlsx(r, c, _encabezado("servicios", "etapas", "etapa")),
        2,
        "{ruta}, hoja servicios, fila 1: ",
        "columna desconocida «etapa» ¿Quiso decir «etapas»?",
    ),
    "csv-sin-columna-comuna": (
        lambda r, c: r.write_text("nombre\nNinhue\n") or r,
        2,
        "{ruta}, fila 1: ",
        "falta la columna «comuna»",
    ),
    "csv-fecha-invalida": (
        lambda r, c: r.write_text(CABECERA_CSV + "Ninhue;2026-02-30;vigentes;si;3\n") or r,
        1,
        "{ruta}, fila 2: fecha: ",
        "«2026-02-30» no es una fecha del calendario",
    ),
    "csv-numero-nan": (
        lambda r, c: r.write_text(CABECERA_CSV + "Ninhue;2026-11-01;vigentes;si;nan\n") or r,
        1,
        "{ruta}, fila 2: O06: ",
        "debe ser un número finito",
    ),
    "csv-servicios-fila-mala": (
        lambda r, c: (
            (
                r.write_text(CABECERA_CSV + "Ninhue;2026-11-01;vigentes;si;3\n"),
                r.with_name(f"{r.stem}-servicios.csv").write_text(
                    "comuna;nombre;unidad;origen;clientes;etapas\n"
                    "Ninhue;PRODESAL;UDEL;indap;emprendedores;difusion\n"
                    "Ninhue;   ;UDEL;indap;emprendedores;difusion\n"
                ),
            )
            and r
        ),
        1,
        "{ruta_servicios}, fila 3: nombre: ",
        "no puede estar vacío",
    ),
}


@pytest.mark.parametrize("nombre", list(PLANILLAS))
def test_planilla_hostil(capsys, tmp_path, conocimiento, nombre):
    construir, esperado, lugar, dice = PLANILLAS[nombre]
    sufijo = ".csv" if nombre.startswith("csv") else ".xlsx"
    ruta = tmp_path / f"planilla{sufijo}"
    construir(ruta, conocimiento)
    antes = _huellas(tmp_path)
    codigo, _, err = correr(capsys, "lote", ruta, "--salida", tmp_path / "informes")
    _sin_traza(err)
    assert codigo == esperado, err
    lugar = lugar.format(ruta=ruta, ruta_servicios=ruta.with_name("planilla-servicios.csv"))
    lineas = [x for x in err.splitlines() if x.startswith(lugar) and dice in x]
    assert lineas, err
    assert "/etc/passwd" not in err and "root:" not in err
    assert _huellas(tmp_path) == antes or esperado == 1  # lote 1 writes only informes/
    assert all(_huellas(tmp_path).get(r) == h for r, h in antes.items() if "informes" not in r)


def test_una_fila_mala_de_la_planilla_no_detiene_ni_se_pierde(capsys, tmp_path, conocimiento):
    """A row with data and no comuna, a formula saved without its value, a service of a
    comuna with no answers: each is its row's error (exit 1), the good row is evaluated
    and a row of blank cells is skipped."""

    def llenar(libro) -> None:
        hoja = libro["respuestas"]
        encabezado = [c.value for c in hoja[1]]
        buena = [c.value for c in hoja[2]]
        sin_comuna = list(buena)
        sin_comuna[encabezado.index("comuna")] = None
        con_formula = list(buena)
        con_formula[encabezado.index("comuna")] = '=HYPERLINK("http://x","Penco")'
        hoja.append(sin_comuna)  # fila 3
        hoja.append(con_formula)  # fila 4
        hoja.append(["  ", None, ""])  # fila 5: blank
        servicios = libro["servicios"]
        servicio = [c.value for c in servicios[2]]
        servicio[0] = "Ninhuee"
        servicios.append(servicio)  # fila 3

    ruta = _xlsx(tmp_path / "planilla.xlsx", conocimiento, llenar)
    codigo, _, err = correr(capsys, "lote", ruta, "--salida", tmp_path / "informes")
    _sin_traza(err)
    assert codigo == 1, err
    assert err.splitlines() == [
        f"{ruta}, hoja respuestas, fila 3: comuna: falta el nombre de la comuna; la fila tiene "
        "datos (escríbalo o borre la fila)",
        f"{ruta}, hoja respuestas, fila 4: comuna: la celda tiene la fórmula "
        '«=HYPERLINK("http://x","Penco")» sin valor calculado; ábrala en Excel o LibreOffice '
        "y guárdela, o escriba el valor",
        f"{ruta}, hoja servicios, fila 3: comuna: «Ninhuee» no tiene fila en la hoja respuestas "
        "¿Quiso decir «Ninhue»?",
        "1 comuna evaluada, 3 filas de la planilla con errores. Resumen: "
        f"{tmp_path / 'informes' / 'index.html'}",
    ]


@pytest.mark.parametrize(
    ("celda", "dice"),
    [
        (
            "Sí",
            "«Sí» no es una opción de la lista; ¿Quiso decir «Sí, vigentes y en uso»? opciones: "
            "«Sí, vigentes y en uso», «Existen, pero están obsoletas o no se aplican», "
            "«No existen», «No sé»",
        ),
        (
            "OBSOLETA",
            "«OBSOLETA» no es una opción de la lista; ¿Quiso decir «Existen, pero están "
            "obsoletas o no se aplican»? opciones: «Sí, vigentes y en uso», «Existen, pero están "
            "obsoletas o no se aplican», «No existen», «No sé»",
        ),
    ],
)
def test_una_celda_fuera_de_la_lista_se_explica_con_sus_etiquetas(
    capsys, tmp_path, conocimiento, celda, dice
):
    """The field worker saw the drop-down's labels, never the file's codes."""
    ruta = _xlsx(tmp_path / "planilla.xlsx", conocimiento, _celda("respuestas", "E01", celda))
    codigo, _, err = correr(capsys, "lote", ruta, "--salida", tmp_path / "informes")
    assert codigo == 1, err
    assert err.splitlines()[0] == f"{ruta}, hoja respuestas, fila 2: E01: {dice}"


@pytest.mark.parametrize("celda", ["no existen", "NO_EXISTEN", "No Sé", "no_sabe"])
def test_una_celda_con_etiqueta_o_codigo_se_acepta(capsys, tmp_path, conocimiento, celda):
    ruta = _xlsx(tmp_path / "planilla.xlsx", conocimiento, _celda("respuestas", "E01", celda))
    codigo, _, err = correr(capsys, "lote", ruta, "--salida", tmp_path / "informes")
    assert codigo == 0, err


def test_una_formula_sin_valor_en_un_servicio_es_error_de_su_comuna(capsys, tmp_path, conocimiento):
    ruta = _xlsx(tmp_path / "planilla.xlsx", conocimiento, _celda("servicios", "unidad", "=A1"))
    codigo, _, err = correr(capsys, "lote", ruta, "--salida", tmp_path / "informes")
    assert codigo == 1, err
    assert err.splitlines()[0] == (
        f"{ruta}, hoja servicios, fila 2: unidad: la celda tiene la fórmula «=A1» sin valor "
        "calculado; ábrala en Excel o LibreOffice y guárdela, o escriba el valor"
    )
    assert "0 comunas evaluadas, 1 fila de la planilla con errores" in err


def test_planilla_csv_de_windows_se_lee_como_utf8(capsys, tmp_path):
    """Excel in Spanish saves «CSV» in cp1252: accepted, same result as UTF-8."""
    texto = CABECERA_CSV.replace("O06", "O06;justificacion_estrategia") + (
        "Ninhue;2026-11-01;vigentes;si;3;Año de gestión\n"
    )
    resultados = []
    for codificacion in ("utf-8", "cp1252"):
        ruta = tmp_path / codificacion / "planilla.csv"
        ruta.parent.mkdir()
        ruta.write_bytes(texto.encode(codificacion))
        codigo, _, err = correr(capsys, "lote", ruta, "--salida", ruta.parent / "informes")
        assert codigo == 0, err
        resumen = (ruta.parent / "informes" / "resumen.csv").read_text(encoding="utf-8")
        resultados.append(resumen.replace(str(ruta.parent), ""))
    assert resultados[0] == resultados[1]


def test_planilla_csv_de_una_columna(capsys, tmp_path):
    ruta = tmp_path / "planilla.csv"
    ruta.write_text("comuna\nNinhue\n", encoding="utf-8")
    codigo, _, err = correr(capsys, "lote", ruta, "--salida", tmp_path / "informes")
    assert codigo == 0, err
    assert "1 comuna evaluada" in err


def test_openpyxl_lee_con_defusedxml():
    """Entities in a workbook's XML are refused by defusedxml, not expanded."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


# --- knowledge, limits and the command's last resort ----------------------------------------


def test_un_parametro_nan_se_rechaza_al_cargar(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    archivo = conocimiento / "parametros.yaml"
    datos = leer_yaml(archivo)
    datos["parametros"]["umbral_alto"]["valor"] = float("nan")
    escribir_yaml(archivo, datos)
    err = error_con_carpetas(capsys, reglas, conocimiento)
    assert re.fullmatch(
        re.escape(f"{conocimiento / 'parametros.yaml'}:") + r"\d+: "
        r"parametros\.umbral_alto\.valor: debe ser un número finito \(no \.nan ni \.inf\)",
        err,
    ), err


def test_los_limites_de_una_carpeta_propia(capsys, tmp_path):
    """A folder may change some limits; the rest stay as shipped; a misspelt one is refused."""
    reglas, conocimiento = copiar_carpetas(tmp_path)
    limites = conocimiento / "limites.yaml"
    # above every shipped rule file, below this answer file
    limites.write_text("limites:\n  max_kb_por_archivo: 40\n", encoding="utf-8")
    ruta = tmp_path / "r.yaml"
    ruta.write_text(BASE + "# " + "x" * 45_000 + "\n", encoding="utf-8")
    kb = -(-ruta.stat().st_size // 1024)
    opciones = ("--reglas", reglas, "--conocimiento", conocimiento)
    assert error_de(capsys, "evaluar", ruta, *opciones) == (
        f"{ruta}: el archivo pesa {kb} KB; el máximo es 40 KB "
        "(límite «max_kb_por_archivo» de limites.yaml)"
    )
    limites.write_text("limites:\n  max_kb_por_archivos: 1\n", encoding="utf-8")
    assert error_de(capsys, "evaluar", ruta, *opciones) == (
        f"{limites}:2: limites.max_kb_por_archivos: límite desconocido "
        "¿Quiso decir «max_kb_por_archivo»?"
    )


def test_un_error_interno_no_muestra_la_traza(capsys, monkeypatch, tmp_path):
    import tempfile

    from diagnostico_experto.conocimiento import respuestas

    def falla(*_):
        raise RuntimeError("un error del programa")

    monkeypatch.setattr(respuestas, "desde_documento", falla)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ruta = tmp_path / "r.yaml"
    ruta.write_text(BASE, encoding="utf-8")
    codigo, out, err = correr(capsys, "evaluar", ruta)
    assert (codigo, out) == (2, "")
    traza = next(tmp_path.glob("diagnostico-error-*.txt"))
    assert err == (
        f"Error interno del programa (no de sus archivos). El detalle quedó en {traza}; "
        "envíelo a quien mantiene el sistema.\n"
    )
    assert "RuntimeError: un error del programa" in traza.read_text(encoding="utf-8")


def test_ctrl_c_fuera_del_cuestionario(capsys, monkeypatch, tmp_path):
    from diagnostico_experto.conocimiento import respuestas

    def interrumpe(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(respuestas, "desde_documento", interrumpe)
    ruta = tmp_path / "r.yaml"
    ruta.write_text(BASE, encoding="utf-8")
    codigo, out, err = correr(capsys, "evaluar", ruta)
    assert (codigo, out) == (130, "")
    assert err.strip() == "Interrumpido por el usuario (Ctrl-C); no se terminó el comando."
