"""Hostile rule files, knowledge folders, case files and --salida targets.

Same contract as ``test_hostil_entradas.py`` (answer files and planillas): one
Spanish line naming file, line and field, exit 2, no traceback, every input
byte-identical afterwards. Rule files are tried one to a folder (nothing else
to compile, so each input costs milliseconds); knowledge folders are small
copies of the shipped one without examples or templates.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import CONOCIMIENTO, correr
from test_hostil_entradas import BASE, BOMBA

REGLA = """reglas:
  - id: hostil
    descripcion: Una regla de prueba.
    fuente: "§6.2.4"
    si:
      - respuesta: {pregunta: E07, valor: si}
    entonces:
      - nivel: {area: estrategia, nivel: alto}
"""

TABLA = """tablas:
  - id: tabla-hostil
    descripcion: Una tabla de prueba.
    fuente: "§6.2.4"
    si: nivel_vigente
    columnas_si: [area, nivel]
    entonces: horas
    filas:
      - {area: estrategia, nivel: alto, horas: 3, concepto: Taller}
"""


@dataclass(frozen=True)
class Entrada:
    """A hostile file: its text (or a builder), where the message points and words it holds."""

    texto: str | bytes | None = None
    marca: str | None = None  # the message names the line where this text starts
    dice: str = ""
    construir: Callable[[Path], None] | None = None  # special files
    linea: bool = True


def en(base: str, viejo: str, nuevo: str, dice: str, marca: str | None = None) -> Entrada:
    assert viejo in base
    return Entrada(base.replace(viejo, nuevo, 1), marca or nuevo.split("\n")[0].strip(), dice)


def sin_linea(texto: str | bytes, dice: str) -> Entrada:
    return Entrada(texto, dice=dice, linea=False)


def especial(construir: Callable[[Path], None], dice: str) -> Entrada:
    return Entrada(construir=construir, dice=dice, linea=False)


def _fifo(ruta: Path) -> None:
    os.mkfifo(ruta)


def _dev_zero(ruta: Path) -> None:
    ruta.symlink_to("/dev/zero")


def _carpeta(ruta: Path) -> None:
    ruta.mkdir()


def _enlace_roto(ruta: Path) -> None:
    ruta.symlink_to(ruta.parent / "no-existe.yaml")


ARCHIVO_ESPECIAL: dict[str, Entrada] = {
    "fifo": especial(_fifo, "es una FIFO"),
    "dev-zero": especial(_dev_zero, "es un dispositivo"),
    "carpeta": especial(_carpeta, "es una carpeta"),
    "enlace-roto": especial(_enlace_roto, "el archivo no existe"),
}


def _estructura(base: str) -> dict[str, Entrada]:
    """What any YAML door refuses by its reading, on a valid file ``base``."""
    return {
        "muy-grande": sin_linea(base + "# " + "x" * (300 * 1024) + "\n", "«max_kb_por_archivo»"),
        "latin1": sin_linea(base.encode("utf-8") + "# Ñandú\n".encode("latin-1"), "UTF-8"),
        "utf8-invalido": sin_linea(base.encode("utf-8") + b"# \xff\xfe\n", "no está en UTF-8"),
        "nul": Entrada(base + "# a\x00b\n", marca="# a", dice="(U+0000)"),
        "bomba-de-alias": Entrada(BOMBA + base, marca="f: &f", dice="«max_valores_por_archivo»"),
        "anidado-5000": Entrada(
            base + "x: " + "[" * 5000 + "]" * 5000 + "\n", marca="x:", dice="niveles"
        ),
        "alias-recursivo": Entrada(base + "x: &r [1, *r]\n", marca="x:", dice="propio ancla"),
        "tabulador": Entrada(base + "x:\n\t- 1\n", marca="\t- 1", dice="tabulador"),
        "varios-documentos": Entrada(base + "---\nx: 1\n", marca="---", dice="más de un"),
        "etiqueta-python": Entrada(
            base + "x: !!python/object:os.system [ls]\n", marca="x:", dice="etiqueta"
        ),
        "entero-largo": Entrada(base + "x: " + "9" * 400 + "\n", marca="x:", dice="400 cifras"),
        "hexadecimal": Entrada(base + "x: 0xFF\n", marca="x:", dice="en decimal"),
        "fecha-imposible": Entrada(base + "x: 2026-02-30\n", marca="x:", dice="no es una fecha"),
    }


REGLAS: dict[str, Entrada] = {
    **ARCHIVO_ESPECIAL,
    **_estructura(REGLA),
    "raiz-lista": Entrada("- id: x\n", marca="- id", dice="debe ser un mapeo"),
    "reglas-numero": en(REGLA, "reglas:\n", "reglas: 3\nx:\n", "reglas: debe ser una lista"),
    "regla-lista": en(
        REGLA, "  - id: hostil\n", "  - [1, 2]\n  - id: hostil\n", "reglas[1]: debe ser un mapeo"
    ),
    "clave-repetida": en(
        REGLA, "    fuente:", "    id: otra\n    fuente:", "clave repetida «id»", "id: otra"
    ),
    "clave-numero": en(
        REGLA, "    fuente:", "    1: x\n    fuente:", "reglas[1].1: la clave debe ser un texto"
    ),
    "id-repetido": Entrada(
        REGLA + REGLA.removeprefix("reglas:\n").replace("Una regla de prueba.", "La misma."),
        marca="- id: hostil\n    descripcion: La misma.",
        dice="regla «hostil» repetida",
    ),
    "id-con-espacios": en(REGLA, "id: hostil", "id: regla hostil", "reglas[1].id: solo letras"),
    "descripcion-lista": en(
        REGLA, "descripcion: Una regla de prueba.", "descripcion: [a]", "debe ser un texto"
    ),
    "prioridad-nan": en(
        REGLA, "    fuente:", "    prioridad: .nan\n    fuente:", "reglas[1].prioridad: debe ser"
    ),
    "prioridad-1e400": en(
        REGLA, "    fuente:", "    prioridad: 1e400\n    fuente:", "reglas[1].prioridad: debe ser"
    ),
    "si-mapeo": en(
        REGLA,
        "    si:\n      - respuesta: {pregunta: E07, valor: si}",
        "    si:\n      respuesta: {pregunta: E07, valor: si}",
        "reglas[1].si: debe ser una lista",
        "si:",
    ),
    "si-vacio": en(
        REGLA,
        "    si:\n      - respuesta: {pregunta: E07, valor: si}",
        "    si: []",
        "reglas[1].si",
        "si:",
    ),
    "condicion-desconocida": en(
        REGLA, "- respuesta:", "- respuestaa:", "condición desconocida «respuestaa»"
    ),
    "operador-desconocido": en(
        REGLA, "valor: si}", "valor: {casi: si}}", "reglas[1].si[1].respuesta.valor", "- respuesta"
    ),
    "comparar-texto": en(
        REGLA, "valor: si}", "valor: {al_menos: si}}", "compara números", "- respuesta"
    ),
    "pregunta-desconocida": en(REGLA, "pregunta: E07", "pregunta: E99", "«E99»", "- respuesta"),
    "valor-no-posible": en(
        REGLA, "valor: si}", "valor: quizas}", "no es un valor posible", "- respuesta"
    ),
    "variable-sin-comillas": en(
        REGLA, "valor: si}", "valor: ?x}", "va entre comillas", "- respuesta"
    ),
    "parametro-desconocido": en(
        REGLA, "valor: si}", "valor: $nada}", "parámetro desconocido «nada»", "- respuesta"
    ),
    "conclusion-desconocida": en(
        REGLA, "- nivel: {area", "- nivell: {area", "reglas[1].entonces[1]", "- nivell"
    ),
    "area-desconocida": en(
        REGLA, "area: estrategia, nivel: alto", "area: finanzas, nivel: alto", "finanzas", "- nivel"
    ),
    "entonces-texto": en(
        REGLA,
        "    entonces:\n      - nivel: {area: estrategia, nivel: alto}",
        "    entonces: alto",
        "reglas[1].entonces: debe ser una lista",
        "entonces:",
    ),
    "campo-desconocido": en(
        REGLA, "    fuente:", "    fuentes: x\n    fuente:", "campo desconocido"
    ),
    "tabla-filas-texto": en(TABLA, "    filas:\n", "    filas: 3\n    x:\n", "debe ser una lista"),
    "tabla-sin-columnas": en(
        TABLA, "    columnas_si: [area, nivel]\n", "", "columnas_si: falta", "- id: tabla"
    ),
    "tabla-fila-sin-columna": en(
        TABLA, "{area: estrategia, nivel: alto,", "{area: estrategia,", "tablas[1].filas[1]"
    ),
    "tabla-fila-lista": en(
        TABLA, "      - {area: estrategia", "      - [1]\n      - {area: estrategia", "filas[1]"
    ),
    "tabla-horas-nan": en(TABLA, "horas: 3,", "horas: .nan,", "tablas[1].filas[1]", "- {area"),
}
NOMBRE_REGLAS = {"yml": ".yml"}  # every other input is named hostil.yaml
REGLAS["yml"] = en(REGLA, "valor: si}", "valor: quizas}", "no es un valor posible", "- respuesta")


def _huellas(carpeta: Path) -> dict[str, str]:
    return {
        str(r): hashlib.sha256(r.read_bytes()).hexdigest()
        for r in sorted(carpeta.rglob("*"))
        if not r.is_symlink() and r.is_file()
    }


def _escribir(ruta: Path, entrada: Entrada) -> str:
    """Write the input; the place its message starts with (``file:`` or ``file:line:``)."""
    ruta.parent.mkdir(parents=True, exist_ok=True)
    if entrada.construir is not None:
        entrada.construir(ruta)
        return f"{ruta}:"
    texto = entrada.texto
    datos = texto if isinstance(texto, bytes) else str(texto).encode("utf-8")
    ruta.write_bytes(datos)
    if not entrada.linea:
        return f"{ruta}:"
    assert entrada.marca is not None and isinstance(texto, str) and entrada.marca in texto
    return f"{ruta}:{texto[: texto.index(entrada.marca)].count(chr(10)) + 1}:"


def _refusal(err: str, lugar: str, entrada: Entrada) -> None:
    assert "Traceback" not in err and "Error interno" not in err, err
    lineas = [x for x in err.splitlines() if x.startswith(lugar)]
    assert lineas, f"no line starts with {lugar!r}:\n{err}"
    assert any(entrada.dice in x for x in lineas), err


@pytest.fixture
def respuestas(tmp_path) -> Path:
    ruta = tmp_path / "respuestas" / "ninhue.yaml"
    ruta.parent.mkdir()
    ruta.write_text(BASE, encoding="utf-8")
    return ruta


def _casos(carpeta: Path, respuestas: Path) -> Path:
    ruta = carpeta / "casos.yaml"
    ruta.write_text(
        f"casos:\n  - nombre: hostil\n    archivo: {respuestas}\n    espera: {{}}\n",
        encoding="utf-8",
    )
    return ruta


@pytest.mark.parametrize("nombre", list(REGLAS))
def test_archivo_de_reglas_hostil(capsys, tmp_path, respuestas, nombre):
    """A rules folder whose one file is hostile: evaluar and reglas probar refuse it."""
    entrada = REGLAS[nombre]
    reglas = tmp_path / "rules"
    lugar = _escribir(reglas / f"hostil{NOMBRE_REGLAS.get(nombre, '.yaml')}", entrada)
    casos = _casos(tmp_path, respuestas)
    antes = _huellas(tmp_path)
    for comando in (("evaluar", respuestas), ("reglas", "probar", casos)):
        codigo, out, err = correr(capsys, "--reglas", reglas, *comando)
        assert (codigo, out) == (2, ""), (comando, err)
        _refusal(err, lugar, entrada)
    assert _huellas(tmp_path) == antes


def test_una_regla_que_se_alimenta_se_detiene(capsys, tmp_path, respuestas):
    """The rule that asserts a longer fact each time stops at max_disparos_por_comuna."""
    reglas, conocimiento = tmp_path / "rules", _conocimiento(tmp_path)
    (conocimiento / "limites.yaml").write_text(
        "limites:\n  max_disparos_por_comuna: 50\n", encoding="utf-8"
    )
    eco = reglas / "eco.yaml"
    _escribir(
        eco,
        sin_linea(
            "reglas:\n"
            "  - id: eco\n    descripcion: Empieza.\n    si:\n      - comuna: {nombre: '?c'}\n"
            "    entonces:\n      - marca: {nombre: eco, texto: a}\n"
            "  - id: eco-sin-fin\n    descripcion: Crece.\n"
            "    si:\n      - marca: {nombre: eco, texto: '?t'}\n"
            "    entonces:\n      - marca: {nombre: eco, texto: '{t}a'}\n",
            "",
        ),
    )
    antes = _huellas(tmp_path)
    opciones = ("--reglas", reglas, "--conocimiento", conocimiento)
    codigo, out, err = correr(capsys, *opciones, "evaluar", respuestas)
    assert (codigo, out) == (2, "")
    assert err.startswith(f"{eco}:8: la evaluación de Ninhue se detuvo al llegar a 50 disparos")
    assert "la regla «eco-sin-fin» se disparó" in err and "Traceback" not in err
    assert _huellas(tmp_path) == antes


# --- knowledge folders ---------------------------------------------------------------------

ARCHIVOS_CONOCIMIENTO = (
    "comunas.yaml",
    "cuestionario.yaml",
    "horas.yaml",
    "limites.yaml",
    "parametros.yaml",
    "servicios.yaml",
    "talleres.yaml",
)


def _conocimiento(tmp_path: Path) -> Path:
    carpeta = tmp_path / "knowledge"
    carpeta.mkdir()
    for nombre in ARCHIVOS_CONOCIMIENTO:
        shutil.copyfile(CONOCIMIENTO / nombre, carpeta / nombre)
    return carpeta


def _del(nombre: str) -> str:
    return (CONOCIMIENTO / nombre).read_text(encoding="utf-8")


def cambio(nombre: str, viejo: str, nuevo: str, dice: str, marca: str | None = None):
    return nombre, en(_del(nombre), viejo, nuevo, dice, marca)


def _quitar(ruta: Path) -> None:
    ruta.unlink()


def _fifo_en_lugar(ruta: Path) -> None:
    ruta.unlink()
    os.mkfifo(ruta)


CONOCIMIENTO_HOSTIL: dict[str, tuple[str, Entrada]] = {
    "sin-cuestionario": ("cuestionario.yaml", especial(_quitar, "el archivo no existe")),
    "sin-comunas": ("comunas.yaml", especial(_quitar, "el archivo no existe")),
    "limites-fifo": ("limites.yaml", especial(_fifo_en_lugar, "es una FIFO")),
    "parametros-fifo": ("parametros.yaml", especial(_fifo_en_lugar, "es una FIFO")),
    "cuestionario-grande": (
        "cuestionario.yaml",
        sin_linea(_del("cuestionario.yaml") + "#" + "x" * 300_000, "«max_kb_por_archivo»"),
    ),
    "comunas-latin1": (
        "comunas.yaml",
        sin_linea(_del("comunas.yaml").encode("latin-1", "replace"), "no está en UTF-8"),
    ),
    "comunas-bomba": ("comunas.yaml", Entrada(BOMBA, marca="f: &f", dice="max_valores")),
    "limite-nan": cambio(
        "limites.yaml",
        "max_kb_por_archivo: 256",
        "max_kb_por_archivo: .nan",
        "limites.max_kb_por_archivo: debe ser un número entero",
    ),
    "limite-negativo": cambio(
        "limites.yaml",
        "max_kb_por_archivo: 256",
        "max_kb_por_archivo: -5",
        "limites.max_kb_por_archivo: debe ser mayor o igual que 1",
    ),
    "limite-cero": cambio(
        "limites.yaml",
        "max_disparos_por_comuna: 100000",
        "max_disparos_por_comuna: 0",
        "limites.max_disparos_por_comuna: debe ser mayor o igual que 1",
    ),
    "limite-enorme": cambio(
        "limites.yaml",
        "max_kb_por_archivo: 256",
        "max_kb_por_archivo: " + "9" * 25,
        "debe ser menor o igual que 1.000.000.000",
    ),
    "limite-texto": cambio(
        "limites.yaml", "max_kb_por_archivo: 256", "max_kb_por_archivo: mucho", "número entero"
    ),
    "limite-decimal": cambio(
        "limites.yaml", "max_kb_por_archivo: 256", "max_kb_por_archivo: 2.5", "número entero"
    ),
    "limite-desconocido": cambio(
        "limites.yaml",
        "max_kb_por_archivo: 256",
        "max_kb_por_archivos: 256",
        "límite desconocido ¿Quiso decir «max_kb_por_archivo»?",
    ),
    "limites-lista": ("limites.yaml", Entrada("limites: [1]\n", marca="limites", dice="mapeo")),
    "parametro-nan": cambio(
        "parametros.yaml",
        "valor: 0.75",
        "valor: .nan",
        "parametros.umbral_alto.valor: debe ser un número finito",
    ),
    "parametro-texto": cambio("parametros.yaml", "valor: 0.75", "valor: [alto]", "valor"),
    "parametro-repetido": (
        "horas.yaml",
        Entrada(
            _del("horas.yaml").replace(
                "parametros:\n",
                "parametros:\n  umbral_alto:\n    valor: 1\n    descripcion: x\n",
                1,
            ),
            marca="  umbral_alto:",
            dice="parámetro «umbral_alto» repetido",
        ),
    ),
    "horas-inf": cambio("horas.yaml", "valor: ", "valor: .inf #", "debe ser un número finito"),
    "pregunta-sin-tipo": cambio(
        "cuestionario.yaml", "    tipo: opcion_unica\n", "", "tipo", "- id: E01"
    ),
    "pregunta-tipo-raro": cambio(
        "cuestionario.yaml", "tipo: opcion_unica", "tipo: rara", "preguntas[1]"
    ),
    "pregunta-id-repetido": cambio(
        "cuestionario.yaml",
        "- id: E02",
        "- id: E01",
        "«E01» repetido",
        "- id: E01\n    area: estrategia\n    texto: ¿Dónde",
    ),
    "pregunta-puntos-nan": cambio(
        "cuestionario.yaml",
        "puntos: 2}",
        "puntos: .nan}",
        "puntos: debe ser un número finito",
        "- {valor: vigentes",
    ),
    "pregunta-texto-control": cambio(
        "cuestionario.yaml",
        "texto: ¿Tiene la municipalidad",
        'texto: "\\x1b[31m¿Tiene?"\n    x: ¿Tiene la municipalidad',
        "preguntas[1].texto: tiene un carácter de control (U+001B)",
    ),
    "preguntas-numero": cambio(
        "cuestionario.yaml", "preguntas:\n", "preguntas: 3\nx:\n", "preguntas: debe ser una lista"
    ),
    "comuna-repetida": cambio(
        "comunas.yaml",
        "Cobquecura, Coelemu",
        "Cobquecura, COBQUECURA",
        "la comuna «COBQUECURA» aparece dos veces (ya está como «Cobquecura»)",
        "comunas: [Cob",
    ),
    "comuna-nul": cambio(
        "comunas.yaml",
        "Cobquecura, Coelemu",
        'Cobquecura, "Coe\\0lemu"',
        "(U+0000)",
        "comunas: [Cob",
    ),
    "comuna-ancho-cero": cambio(
        "comunas.yaml",
        "Cobquecura, Coelemu",
        'Cobquecura, "Coe\\u200blemu"',
        "invisible",
        "comunas: [Cob",
    ),
    "territorio-en-blanco": cambio(
        "comunas.yaml", "nombre: Secano Costero", 'nombre: "  "', "no puede estar vacío"
    ),
    "etapas-vacias": cambio(
        "servicios.yaml", "etapas:\n", "etapas: []\nx:\n", "etapas: no puede estar vacío"
    ),
    "talleres-sin-cerrar": (
        "talleres.yaml",
        Entrada("talleres: {a: 1\n", marca="talleres", dice="falta cerrar una lista o un mapeo"),
    ),
}


@pytest.mark.parametrize("nombre", list(CONOCIMIENTO_HOSTIL))
def test_carpeta_de_conocimiento_hostil(capsys, tmp_path, respuestas, nombre):
    archivo, entrada = CONOCIMIENTO_HOSTIL[nombre]
    conocimiento = _conocimiento(tmp_path)
    lugar = _escribir(conocimiento / archivo, entrada)
    antes = _huellas(tmp_path)
    codigo, out, err = correr(capsys, "--conocimiento", conocimiento, "evaluar", respuestas)
    assert (codigo, out) == (2, ""), err
    _refusal(err, lugar, entrada)
    assert _huellas(tmp_path) == antes


# --- case files (reglas probar) --------------------------------------------------------------

CASO = "casos:\n  - nombre: Ninhue\n    archivo: ninhue.yaml\n    espera: {}\n"


def caso(viejo: str, nuevo: str, dice: str, marca: str | None = None) -> Entrada:
    return en(CASO, viejo, nuevo, dice, marca)


CASOS: dict[str, Entrada] = {
    **{n: e for n, e in ARCHIVO_ESPECIAL.items() if n != "carpeta"},  # a folder of cases is valid
    **_estructura(CASO),
    "vacio": sin_linea("", "debe ser un mapeo"),
    "casos-vacios": Entrada("casos: []\n", marca="casos", dice="casos: no puede estar vacío"),
    "casos-texto": Entrada("casos: x\n", marca="casos", dice="casos: debe ser una lista"),
    "sin-nombre": caso("nombre: Ninhue", "narrativa: x", "casos[1].nombre: falta", "- narrativa"),
    "nombre-con-escape": caso(
        "nombre: Ninhue", 'nombre: "\\x1b[31mrojo"', "casos[1].nombre: tiene un carácter de control"
    ),
    "archivo-con-nul": caso(
        "archivo: ninhue.yaml", 'archivo: "nin\\0hue.yaml"', "casos[1].archivo: tiene un carácter"
    ),
    "archivo-numero": caso("archivo: ninhue.yaml", "archivo: 3", "casos[1].archivo: debe ser"),
    "archivo-no-existe": caso(
        "archivo: ninhue.yaml", "archivo: nada.yaml", "el archivo no existe", "archivo:"
    ),
    "archivo-dev-zero": caso(
        "archivo: ninhue.yaml", "archivo: /dev/zero", "/dev/zero: es un dispositivo", "archivo:"
    ),
    "archivo-es-carpeta": caso("archivo: ninhue.yaml", "archivo: .", "es una carpeta", "archivo:"),
    "archivo-y-respuestas": caso(
        "    espera",
        "    respuestas_archivo: {comuna: Ninhue}\n    espera",
        "indique «archivo» o «respuestas_archivo»",
        "- nombre",
    ),
    "en-linea-con-lista": caso(
        "    archivo: ninhue.yaml\n",
        "    respuestas_archivo:\n      comuna: Ninhue\n      respuestas: {E07: [si]}\n",
        "respuestas.E07: debe ser un solo valor",
        "respuestas: {E07",
    ),
    "en-linea-lista": caso(
        "    archivo: ninhue.yaml\n",
        "    respuestas_archivo: [1]\n",
        "casos[1].respuestas_archivo: debe ser un mapeo",
    ),
    "espera-area-desconocida": caso(
        "espera: {}", "espera: {niveles: {finanzas: alto}}", "espera.niveles.finanzas", "espera:"
    ),
    "espera-nivel-desconocido": caso(
        "espera: {}", "espera: {niveles: {estrategia: altisimo}}", "«altisimo»", "espera:"
    ),
    "espera-horas-nan": caso(
        "espera: {}", "espera: {horas: {total: .nan}}", "debe ser un número finito", "espera:"
    ),
    "espera-campo-desconocido": caso(
        "espera: {}", "espera: {nivel: {a: b}}", "¿Quiso decir «niveles»?", "espera:"
    ),
    "espera-fusion-lista": caso(
        "espera: {}",
        "espera: {fusiones: [[1]]}",
        "espera.fusiones[1]: debe ser un mapeo",
        "espera:",
    ),
}


@pytest.mark.parametrize("nombre", list(CASOS))
def test_archivo_de_casos_hostil(capsys, tmp_path, nombre):
    entrada = CASOS[nombre]
    carpeta = tmp_path / "casos"
    carpeta.mkdir()
    (carpeta / "ninhue.yaml").write_text(BASE, encoding="utf-8")
    lugar = _escribir(carpeta / "hostil.yaml", entrada)
    antes = _huellas(tmp_path)
    codigo, out, err = correr(capsys, "reglas", "probar", carpeta / "hostil.yaml")
    assert codigo == 2, (out, err)
    _refusal(err, lugar, entrada)
    assert _huellas(tmp_path) == antes


# --- --salida targets ------------------------------------------------------------------------


def _planilla(carpeta: Path) -> Path:
    ruta = carpeta / "planilla.xlsx"
    ruta.write_bytes(b"PK\x03\x04 una planilla")
    return ruta


def _fifo_salida(carpeta: Path) -> Path:
    ruta = carpeta / "informe.md"
    os.mkfifo(ruta)
    return ruta


def _bajo_un_archivo(carpeta: Path) -> Path:
    return carpeta / "ninhue.yaml" / "informe.md"


def _enlace_a_las_respuestas(carpeta: Path) -> Path:
    ruta = carpeta / "informe.md"
    ruta.symlink_to(carpeta / "ninhue.yaml")
    return ruta


def _otras_respuestas(carpeta: Path) -> Path:
    ruta = carpeta / "yumbel.md"
    ruta.write_text(BASE.replace("Ninhue", "Yumbel"), encoding="utf-8")
    return ruta


def _carpeta_salida(carpeta: Path) -> Path:
    ruta = carpeta / "informes"
    ruta.mkdir()
    return ruta


def _solo_lectura(carpeta: Path) -> Path:
    (carpeta / "cerrada").mkdir(mode=0o555)
    return carpeta / "cerrada" / "informe.md"


def _mismo(carpeta: Path) -> Path:
    return carpeta / "ninhue.yaml"


SALIDAS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "las-respuestas": (_mismo, "es el archivo de respuestas que se evalúa"),
    "enlace-a-las-respuestas": (_enlace_a_las_respuestas, "es el archivo de respuestas"),
    "otras-respuestas": (_otras_respuestas, "es un archivo de respuestas"),
    "una-planilla": (_planilla, "es una planilla"),
    "una-fifo": (_fifo_salida, "es una FIFO"),
    "bajo-un-archivo": (_bajo_un_archivo, "parte de la ruta es un archivo, no una carpeta"),
    "una-carpeta": (_carpeta_salida, "es una carpeta"),
    "carpeta-de-solo-lectura": (_solo_lectura, "no se pudo escribir (sin permiso)"),
}


@pytest.mark.parametrize("nombre", list(SALIDAS))
def test_evaluar_salida_hostil(capsys, tmp_path, nombre):
    construir, dice = SALIDAS[nombre]
    if nombre == "carpeta-de-solo-lectura" and os.geteuid() == 0:
        pytest.skip("root writes in a read-only folder")
    (tmp_path / "ninhue.yaml").write_text(BASE, encoding="utf-8")
    salida = construir(tmp_path)
    antes = _huellas(tmp_path)
    codigo, out, err = correr(capsys, "evaluar", tmp_path / "ninhue.yaml", "--salida", salida)
    assert (codigo, out) == (2, ""), err
    assert "Traceback" not in err and dice in err, err
    assert str(salida) in err
    assert _huellas(tmp_path) == antes
    assert not list(tmp_path.rglob("*.tmp"))


def test_evaluar_salida_a_un_dispositivo_no_lo_reemplaza(capsys, tmp_path):
    """``--salida`` through a symlink to /dev/null: a rename would replace the device itself."""
    (tmp_path / "ninhue.yaml").write_text(BASE, encoding="utf-8")
    salida = tmp_path / "nulo.md"
    salida.symlink_to("/dev/null")
    codigo, _, err = correr(capsys, "evaluar", tmp_path / "ninhue.yaml", "--salida", salida)
    assert (codigo, err) == (2, f"{salida}: es un dispositivo, no un archivo común\n")
    assert Path("/dev/null").is_char_device() and salida.is_symlink()


def test_lote_salida_que_es_un_archivo(capsys, tmp_path):
    entrada = tmp_path / "entrada"
    entrada.mkdir()
    (entrada / "ninhue.yaml").write_text(BASE, encoding="utf-8")
    salida = tmp_path / "informes"
    salida.write_text("no soy una carpeta", encoding="utf-8")
    antes = _huellas(tmp_path)
    codigo, _, err = correr(capsys, "lote", entrada, "--salida", salida)
    assert (codigo, err) == (
        2,
        f"{salida}: existe y no es una carpeta; elija una carpeta para --salida.\n",
    )
    assert _huellas(tmp_path) == antes


def test_opcion_de_carpeta_que_es_un_archivo(capsys, tmp_path, respuestas):
    archivo = tmp_path / "rules"
    archivo.write_text("x", encoding="utf-8")
    codigo, _, err = correr(capsys, "--reglas", archivo, "evaluar", respuestas)
    assert codigo == 2
    assert f"Error: valor no válido para --reglas: {archivo}: es un archivo, no una carpeta." in err


def test_evaluar_salida_limpia_los_temporales_de_una_escritura_interrumpida(capsys, tmp_path):
    """A kill -9 between writing and renaming leaves ``.informe.md.PID-XXXX.tmp``; the next run
    removes it (its process is gone) and leaves a live writer's alone."""
    (tmp_path / "ninhue.yaml").write_text(BASE, encoding="utf-8")
    muerto = _pid_terminado()
    resto = tmp_path / f".informe.md.{muerto}-abc123.tmp"
    resto.write_text("medio informe", encoding="utf-8")
    vivo = tmp_path / f".informe.md.{os.getppid()}-def456.tmp"
    vivo.write_text("otro escribiendo", encoding="utf-8")
    ajeno = tmp_path / ".otro.md.1-abc.tmp"
    ajeno.write_text("de otro archivo", encoding="utf-8")
    salida = tmp_path / "informe.md"
    codigo, _, err = correr(capsys, "evaluar", tmp_path / "ninhue.yaml", "--salida", salida)
    assert codigo == 0, err
    assert salida.read_text(encoding="utf-8").startswith("# ")
    assert not resto.exists()
    assert vivo.exists() and ajeno.exists()


def _pid_terminado() -> int:
    """The id of a process that has ended (and been reaped)."""
    import subprocess

    proceso = subprocess.Popen(["true"])
    proceso.wait()
    return proceso.pid
