"""Submissions of the XLSForm read back: KoboToolbox and ODK Central exports.

The exports people download, in the shapes those servers write them
(``docs/terreno.md`` names the sources followed):

- ODK Central «All data and media» ZIP: ``<form_id>.csv`` (one row per
  submission, group paths joined by «-», then ``KEY``, ``ReviewState``,
  ``Status``…), ``<form_id>-<repeat>.csv`` per repeat (``PARENT_KEY`` is the
  submission's ``KEY``) and ``media/`` with the attachments. Its root-only
  CSV is read too.
- KoboToolbox XLSX: the submissions on the first sheet, each repeat on a sheet
  of its name joined by ``_parent_index`` to the first sheet's ``_index``;
  headers and values as XML names («/» between groups) or as labels.
  Kobo's CSV (``;`` or ``,``) holds the first sheet only.

Each submission becomes answer-file data (``comuna``, ``fecha``,
``respuestas``, ``servicios``, ``mesa``, ``evidencias``) with, for every part,
the file, sheet, row and column it came from, so a problem is named there.
A problem in a container (a ZIP part outside its folder, encrypted or too
large; a file that is not a table) stops the reading; a problem in a
submission (an unknown column holding a value, a value not in the list, a
formula) is that submission's, so a batch evaluates the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from diagnostico_experto.comun import formato_chileno
from diagnostico_experto.comun.errores import ErrorDiagnostico, ErrorRespuestas, sugerencia
from diagnostico_experto.comun.lectura import (
    Limites,
    leer_bytes,
    limites_por_defecto,
    miles,
    revisar_partes_zip,
)
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.lote.formulario import (
    CAMPO_ACTA,
    CAMPO_COMUNA,
    CAMPO_FECHA,
    CAMPO_UGT,
    CAMPOS_MESA,
    CAMPOS_SERVICIO,
    IDIOMA,
    REPETICION_MESA,
    REPETICION_SERVICIOS,
    Fila,
    campo_de_evidencia,
    campos_de,
    de_campos,
    hojas,
)
from diagnostico_experto.lote.planilla import MB, filas_csv, filas_de_texto, revisar_libro

ODK = "ODK Central"
KOBO = "KoboToolbox"
# Columns the servers add to the submissions' table (ODK Central's briefcase export;
# Kobo's formpack copy fields). They are read where they mean something, never refused.
COLUMNAS_ODK = (
    "SubmissionDate",
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
    "PARENT_KEY",
)
COLUMNAS_KOBO = (
    "start",
    "end",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_version_",
    "_tags",
    "_index",
    "_parent_table_name",
    "_parent_index",
    "_attachments",
    "_geolocation",
    "_xform_id_string",
)
RECHAZADO = "rejected"
CON_PROBLEMAS = "hasIssues"
# Kobo's validation statuses, as XML values and as the labels an export may show.
KOBO_RECHAZADO = ("validation_status_not_approved", "Not Approved", "No aprobado")
KOBO_EN_ESPERA = ("validation_status_on_hold", "On Hold", "En espera")
# The time ODK or Kobo may add after a date («2026-11-12T10:30:00.000-03:00»): only the date counts.
_SIN_HORA = re.compile(r"[Tt ][0-9:.+\-Z]*$")
NO_DESCIFRADO = ("not decrypted", "missing encrypted form data")


@dataclass
class Adjunto:
    """An attachment of a submission: its field, its name and (when the export has it) its bytes."""

    campo: str
    nombre: str
    contenido: bytes | None = None

    @property
    def sha256(self) -> str | None:
        return hashlib.sha256(self.contenido).hexdigest() if self.contenido is not None else None


@dataclass
class Envio:
    """One submission, as answer-file data, with where each of its parts came from."""

    origen: str  # "export.zip, formulario.csv, fila 3"
    clave: str  # the submission's instance id (ODK KEY, Kobo _uuid)
    enviado: str  # when the server received it (ISO text; orders two of one comuna)
    datos: dict[str, Any]
    lugares: dict[tuple[Any, ...], str] = field(default_factory=dict)
    problemas: list[str] = field(default_factory=list)
    adjuntos: list[Adjunto] = field(default_factory=list)
    revision: str = ""  # ODK Central's review state (or Kobo's validation status)
    version: str = ""  # ODK Central's FormVersion: the form's version it was sent with

    @property
    def nombre(self) -> str:
        """How notices name it: «Ninhue, 2026-11-20 (export.zip, …, fila 3)»."""
        fecha = self.datos.get("fecha")
        partes = [str(self.datos.get("comuna") or "comuna sin leer")]
        if fecha:
            partes.append(str(fecha))
        return f"{', '.join(partes)} ({self.origen})"


@dataclass
class Lectura:
    """What an export holds: the submissions to use, and what was left out and why."""

    envios: list[Envio]
    avisos: list[str]  # rejected, flagged, replaced: named, not errors
    repetidos: list[Envio] = field(default_factory=list)  # same comuna and date, refused


# --- the form's fields, as each server names their columns ---------------------------


@dataclass(frozen=True)
class Campo:
    nombre: str
    tipo: str  # the XLSForm type: "select_one E01", "decimal", "begin_repeat"…
    etiqueta: str
    grupos: tuple[str, ...]
    repeticion: str | None  # the repeat that holds it

    @property
    def lista(self) -> str | None:
        partes = self.tipo.split()
        return partes[1] if len(partes) == 2 and partes[0].startswith("select_") else None

    @property
    def multiple(self) -> bool:
        return self.tipo.startswith("select_multiple")

    def encabezados(self) -> list[str]:
        """Every header a server writes for this field."""
        dentro = self.grupos if self.repeticion is None else self.grupos[1:]
        odk = "-".join((*dentro, self.nombre))
        kobo = "/".join((*self.grupos, self.nombre))
        return [odk, kobo, self.nombre, self.etiqueta]


class Formulario:
    """The generated form's fields and lists: how a column and a cell are read."""

    def __init__(self, conocimiento: Conocimiento):
        self.conocimiento = conocimiento
        datos = hojas(conocimiento)
        self.campos: dict[str, Campo] = {}
        pila: list[tuple[str, str]] = []  # (kind, name) of the open groups and repeats
        for fila in datos.survey:
            tipo = fila["type"]
            if tipo in ("end_group", "end_repeat"):
                pila.pop()
                continue
            if tipo in ("begin_group", "begin_repeat"):
                pila.append((tipo, fila["name"]))
                continue
            repeticion = next((n for t, n in pila if t == "begin_repeat"), None)
            self.campos[fila["name"]] = Campo(
                fila["name"],
                tipo,
                fila.get(f"label::{IDIOMA}", ""),
                tuple(n for _, n in pila),
                repeticion,
            )
        self.opciones: dict[str, list[Fila]] = defaultdict(list)
        for opcion in datos.choices:
            self.opciones[opcion["list_name"]].append(opcion)

    def de_tabla(self, repeticion: str | None) -> dict[str, str]:
        """Header -> field name, for the submissions' table or a repeat's."""
        cabeceras: dict[str, str] = {}
        for campo in self.campos.values():
            if campo.repeticion == repeticion:
                for encabezado in campo.encabezados():
                    cabeceras.setdefault(encabezado, campo.nombre)
        return cabeceras

    def valor(self, campo: Campo, texto: str) -> str:
        """A cell of a select as its XML value(s): labels are turned into names.

        ValueError with «¿Quiso decir…?» when a value is in no list."""
        opciones = self.opciones[campo.lista or ""]
        nombres = [o["name"] for o in opciones]
        etiquetas = {o.get(f"label::{IDIOMA}", ""): o["name"] for o in opciones}
        if not campo.multiple:
            if texto in nombres:
                return texto
            if texto in etiquetas:
                return etiquetas[texto]
            raise ValueError(_no_es_opcion(texto, nombres, etiquetas))
        partes = texto.split()
        if all(p in nombres for p in partes):
            return " ".join(partes)
        elegidas = _por_etiquetas(texto, etiquetas)
        if elegidas is None:
            malo = next((p for p in partes if p not in nombres), texto)
            raise ValueError(_no_es_opcion(malo, nombres, etiquetas))
        return " ".join(elegidas)


def _no_es_opcion(texto: str, nombres: list[str], etiquetas: dict[str, str]) -> str:
    corto = texto if len(texto) <= 60 else f"{texto[:60]}…"
    return f"«{corto}» no es una opción de la lista." + sugerencia(texto, [*nombres, *etiquetas])


def _por_etiquetas(texto: str, etiquetas: dict[str, str]) -> list[str] | None:
    """Kobo joins a multiple select's labels with spaces: split it back into whole labels."""
    if not texto:
        return []
    for etiqueta, nombre in sorted(etiquetas.items(), key=lambda e: -len(e[0])):
        if etiqueta and (texto == etiqueta or texto.startswith(etiqueta + " ")):
            resto = _por_etiquetas(texto[len(etiqueta) :].strip(), etiquetas)
            if resto is not None:
                return [nombre, *resto]
    return None


# --- tables -----------------------------------------------------------------------------


@dataclass
class Tabla:
    """Rows of one table with their header, and how messages name it."""

    origen: str  # "export.zip, formulario.csv" / "export.xlsx, hoja servicios"
    encabezado: list[str]
    filas: list[tuple[int, list[Any]]]  # (row number as the user sees it, cells)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> formula

    def columna(self, indice: int) -> str:
        nombre = self.encabezado[indice] if indice < len(self.encabezado) else ""
        return nombre or get_column_letter(indice + 1)


def _texto(valor: Any) -> str:
    if valor is None:
        return ""
    if isinstance(valor, dt.datetime):
        return valor.date().isoformat() if valor.time() == dt.time() else valor.isoformat()
    if isinstance(valor, dt.date):
        return valor.isoformat()
    if isinstance(valor, float) and valor.is_integer():
        return str(int(valor))
    return str(valor).strip()


def _tabla_csv(texto_filas: list[Sequence[Any]], origen: str) -> Tabla:
    if not texto_filas:
        return Tabla(origen, [], [])
    encabezado = [_texto(c) for c in texto_filas[0]]
    filas = [
        (numero, list(fila))
        for numero, fila in enumerate(texto_filas[1:], 2)
        if any(_texto(c) for c in fila)
    ]
    return Tabla(origen, encabezado, filas)


def _csv_de_bytes(datos: bytes, origen: str) -> list[Sequence[Any]]:
    """A CSV part of a ZIP, read as planillas' CSVs are (encoding and separator)."""
    try:
        texto = datos.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ErrorRespuestas.uno(
            origen, "no está en UTF-8; descargue de nuevo la exportación"
        ) from None
    if "\x00" in texto:
        raise ErrorRespuestas.uno(origen, "no es un CSV de texto (parece un archivo binario)")
    return filas_de_texto(texto, origen)


# --- recognising an export ----------------------------------------------------------


def es_exportacion(ruta: Path) -> bool:
    """Whether a batch input is a Kobo or ODK Central export (not a planilla of this tool)."""
    sufijo = ruta.suffix.lower()
    if sufijo == ".zip":
        return True
    if sufijo == ".csv":
        try:
            with ruta.open("rb") as archivo:
                primera = archivo.read(64 * 1024).split(b"\n", 1)[0].decode("utf-8-sig", "replace")
        except OSError:
            return False
        return any(m in primera for m in ("_uuid", "_submission_time", "SubmissionDate"))
    if sufijo == ".xlsx":
        return _encabezado_xlsx(ruta) & MARCAS_KOBO != set()
    return False


MARCAS_KOBO = {"_uuid", "_submission_time", "_index"}


def _encabezado_xlsx(ruta: Path) -> set[str]:
    """The first sheet's header, when the workbook is not a planilla of this tool (else empty).

    A workbook that cannot be read is left to the planilla's reader, which explains why."""
    try:
        revisar_libro(ruta, limites_por_defecto().max_mb_por_planilla * MB)
        libro = load_workbook(ruta, read_only=True)
    except (
        ErrorDiagnostico,
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        SyntaxError,
        TypeError,
        OSError,
    ):
        return set()
    try:
        if "respuestas" in libro.sheetnames or not libro.worksheets:
            return set()
        primera = next(libro.worksheets[0].iter_rows(max_row=1, values_only=True), ())
    except (KeyError, ValueError, SyntaxError, TypeError, OSError, zipfile.BadZipFile):
        return set()
    finally:
        libro.close()
    return {_texto(c) for c in primera}


# --- reading ------------------------------------------------------------------------


def leer_exportacion(ruta: Path, conocimiento: Conocimiento, ultima: bool = False) -> Lectura:
    """The submissions of an export, checked against the form this knowledge generates."""
    formulario = Formulario(conocimiento)
    sufijo = ruta.suffix.lower()
    medios: dict[str, bytes] = {}
    with ErrorRespuestas.al_leer():
        if sufijo == ".zip":
            principal, repeticiones, medios = _zip_odk(ruta, conocimiento.limites)
            servidor = ODK
        elif sufijo == ".xlsx":
            principal, repeticiones = _xlsx_kobo(ruta, conocimiento.limites)
            servidor = KOBO
        else:
            filas = filas_csv(ruta, conocimiento.limites)
            principal, repeticiones = _tabla_csv(filas, str(ruta)), {}
            servidor = ODK if principal.encabezado[:1] == ["SubmissionDate"] else KOBO
    envios = _envios(principal, repeticiones, medios, formulario, servidor)
    avisos = []
    if servidor == KOBO and sufijo == ".csv":
        avisos.append(
            f"{ruta}: la exportación CSV de KoboToolbox no trae las repeticiones (servicios y "
            "mesa comunal); en «Descargas» elija el tipo «XLS» (Kobo entrega un archivo .xlsx) "
            "para leerlas."
        )
    actual = hojas(conocimiento).settings["version"]
    otras = sorted({e.version for e in envios if e.version and e.version != actual})
    if otras:
        avisos.append(
            f"{ruta}: hay envíos de la versión {', '.join(otras)} del formulario y este "
            f"conocimiento genera la versión {actual}: si cambiaron preguntas u opciones, revise "
            "esos envíos (o escriba el formulario con el conocimiento de entonces)."
        )
    usados = []
    for envio in envios:
        if envio.revision in (RECHAZADO, *KOBO_RECHAZADO):
            avisos.append(f"{envio.nombre}: rechazado en la revisión de {servidor}; no se usa.")
            continue
        if envio.revision in (CON_PROBLEMAS, *KOBO_EN_ESPERA):
            aviso = (
                f"marcado «con problemas» en la revisión de {servidor}; se usa, pero revíselo "
                "antes de firmar."
            )
            envio.datos["nota"] = f"Envío {aviso}"
            avisos.append(f"{envio.nombre}: {aviso}")
        usados.append(envio)
    vigentes, repetidos, reemplazados = _sin_repetir(usados, ultima)
    avisos += [
        f"{e.nombre}: reemplazado por el envío posterior de la misma comuna y fecha (--ultima)."
        for e in reemplazados
    ]
    return Lectura(vigentes, avisos, repetidos)


def _sin_repetir(envios: list[Envio], ultima: bool) -> tuple[list[Envio], list[Envio], list[Envio]]:
    """Two submissions of one comuna and date: the later with --ultima, else both refused."""
    grupos: dict[tuple[str, str], list[Envio]] = defaultdict(list)
    for envio in envios:
        comuna = envio.datos.get("comuna")
        if comuna and not envio.problemas:
            grupos[(str(comuna), str(envio.datos.get("fecha") or ""))].append(envio)
    repetidos: list[Envio] = []
    reemplazados: list[Envio] = []
    for (comuna, fecha), grupo in grupos.items():
        if len(grupo) < 2:
            continue
        if ultima:
            orden = sorted(grupo, key=lambda e: e.enviado)
            reemplazados += orden[:-1]
            continue
        for envio in grupo:
            otros = ", ".join(o.origen for o in grupo if o is not envio)
            envio.problemas.append(
                f"{envio.origen}: {comuna} tiene otro envío con la misma fecha ({fecha or 'sin fecha'}) "
                f"en {otros}; no se sabe cuál vale y no se usa ninguno. Quite uno en el servidor, "
                "o use --ultima para quedarse con el enviado después."
            )
            repetidos.append(envio)
    fuera = {id(e) for e in (*repetidos, *reemplazados)}
    return [e for e in envios if id(e) not in fuera], repetidos, reemplazados


# --- ODK Central's ZIP ----------------------------------------------------------------


def _zip_odk(ruta: Path, limites: Limites) -> tuple[Tabla, dict[str, Tabla], dict[str, bytes]]:
    maximo = limites.max_mb_por_planilla * MB
    datos = leer_bytes(ruta, maximo, "max_mb_por_planilla")
    try:
        archivo = zipfile.ZipFile(io.BytesIO(datos))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ErrorRespuestas.uno(
            ruta,
            "no es un ZIP válido; descargue de nuevo «Todos los datos y medios» de ODK Central",
        ) from None
    with archivo:
        partes = [p for p in archivo.infolist() if not p.is_dir()]
        for parte in partes:
            camino = PurePosixPath(parte.filename.replace("\\", "/"))
            if camino.is_absolute() or ".." in camino.parts or ":" in parte.filename:
                raise ErrorRespuestas.uno(
                    ruta,
                    f"la parte {parte.filename} apunta fuera de la carpeta del ZIP; una exportación "
                    "de ODK Central no trae rutas así y no se lee",
                )
        total = sum(p.file_size for p in partes)
        if total > maximo:
            raise ErrorRespuestas.uno(
                ruta,
                f"la exportación descomprimida pesa {miles(-(-total // MB))} MB; el máximo es "
                f"{miles(maximo // MB)} MB (límite «max_mb_por_planilla» de limites.yaml)",
            )
        revisar_partes_zip(ruta, partes, ODK, "descargue de nuevo la exportación sin cifrar")
        contenidos: dict[str, bytes] = {}
        for parte in partes:
            try:
                contenido = archivo.read(parte)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
                raise ErrorRespuestas.uno(
                    ruta,
                    f"la parte {parte.filename} está dañada; descargue de nuevo la exportación",
                ) from None
            if len(contenido) > parte.file_size:  # a header that lies about the size
                raise ErrorRespuestas.uno(
                    ruta, f"la parte {parte.filename} no tiene el tamaño que declara"
                )
            contenidos[parte.filename] = contenido
    tablas = {n: c for n, c in contenidos.items() if "/" not in n and n.lower().endswith(".csv")}
    medios = {n.split("/", 1)[1]: c for n, c in contenidos.items() if n.startswith("media/")}
    repeticiones: dict[str, Tabla] = {}
    principales = []
    for nombre in sorted(tablas):
        repeticion = next(
            (r for r in (REPETICION_SERVICIOS, REPETICION_MESA) if nombre.endswith(f"-{r}.csv")),
            None,
        )
        origen = f"{ruta}, {nombre}"
        tabla = _tabla_csv(_csv_de_bytes(tablas[nombre], origen), origen)
        if repeticion is None:
            principales.append(tabla)
        else:
            repeticiones[repeticion] = tabla
    if len(principales) != 1:
        cuales = ", ".join(t.origen.rsplit(", ", 1)[1] for t in principales) or "ninguna"
        raise ErrorRespuestas.uno(
            ruta,
            "se espera una tabla de envíos (formulario.csv) en la raíz del ZIP y hay "
            f"{len(principales)} ({cuales}); ¿es «Todos los datos y medios» de ODK Central?",
        )
    return principales[0], repeticiones, medios


# --- KoboToolbox's XLSX -----------------------------------------------------------------


def _xlsx_kobo(ruta: Path, limites: Limites) -> tuple[Tabla, dict[str, Tabla]]:
    maximo = limites.max_mb_por_planilla * MB
    leer_bytes(ruta, maximo, "max_mb_por_planilla")
    revisar_libro(ruta, maximo)
    try:
        libro = load_workbook(ruta, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, SyntaxError, TypeError):
        raise ErrorRespuestas.uno(
            ruta,
            "no se pudo leer como libro XLSX; descargue de nuevo la exportación de KoboToolbox",
        ) from None
    try:
        tablas: list[tuple[str, Tabla]] = []
        for hoja in libro.worksheets:
            origen = f"{ruta}, hoja {hoja.title}"
            filas: list[tuple[int, list[Any]]] = []
            formulas: dict[tuple[int, int], str] = {}
            encabezado: list[str] = []
            for numero, celdas in enumerate(hoja.iter_rows(), 1):
                valores: list[Any] = []
                for indice, celda in enumerate(celdas):
                    if getattr(celda, "data_type", None) == "f":
                        formulas[(numero, indice)] = str(celda.value)
                        valores.append(None)
                    else:
                        valores.append(celda.value)
                if numero == 1:
                    encabezado = [_texto(v) for v in valores]
                elif any(_texto(v) for v in valores) or any(k[0] == numero for k in formulas):
                    filas.append((numero, valores))
            tablas.append((hoja.title, Tabla(origen, encabezado, filas, formulas)))
    finally:
        libro.close()
    if not tablas:
        raise ErrorRespuestas.uno(ruta, "el libro no tiene hojas")
    principal = tablas[0][1]
    repeticiones = {
        nombre: tabla
        for nombre, tabla in tablas[1:]
        if nombre in (REPETICION_SERVICIOS, REPETICION_MESA)
    }
    return principal, repeticiones


# --- rows into answer-file data --------------------------------------------------------


@dataclass
class _Fila:
    """One row of a table, read column by column, with its problems."""

    tabla: Tabla
    numero: int
    celdas: list[Any]
    cabeceras: dict[str, str]  # header -> field name
    conocidas: Iterable[str]
    problemas: list[str]

    def __post_init__(self) -> None:
        self.lugar = f"{self.tabla.origen}, fila {self.numero}"
        self.valores: dict[str, str] = {}
        self.columnas: dict[str, str] = {}  # field name -> the header it was read from
        meta = {c.casefold() for c in self.conocidas}
        for indice, encabezado in enumerate(self.tabla.encabezado):
            valor = self.celdas[indice] if indice < len(self.celdas) else None
            formula = self.tabla.formulas.get((self.numero, indice))
            if formula is not None:
                self.problema(
                    indice,
                    f"la celda tiene la fórmula «{formula[:40]}»; una exportación no trae "
                    "fórmulas: escriba el valor o descárguela de nuevo",
                )
                continue
            texto = _texto(valor)
            nombre = self.cabeceras.get(encabezado)
            if nombre is not None:
                self.valores[nombre] = texto
                self.columnas[nombre] = encabezado
            elif texto and not self._conocida(encabezado, meta):
                self.problema(  # the header's problem: named once for every row it spoils
                    indice,
                    f"columna desconocida «{encabezado or get_column_letter(indice + 1)}»; el "
                    "formulario no tiene ese campo."
                    + sugerencia(encabezado, [c for c in self.cabeceras if " " not in c]),
                    fila=1,
                )
        for indice in range(len(self.tabla.encabezado), len(self.celdas)):
            if _texto(self.celdas[indice]):
                self.problema(indice, "la celda tiene un valor y su columna no tiene encabezado")

    def _conocida(self, encabezado: str, meta: set[str]) -> bool:
        """A server's own column, a multiple select's 0/1 column or a media URL."""
        if encabezado.casefold() in meta or encabezado.startswith(
            ("meta-", "meta/", "_submission_")
        ):
            return True
        if encabezado.endswith("_URL") and encabezado[:-4] in self.cabeceras:
            return True
        base, _, _ = encabezado.rpartition("/")
        return base in self.cabeceras

    def problema(self, indice: int | None, mensaje: str, fila: int | None = None) -> None:
        columna = f", columna {self.tabla.columna(indice)}" if indice is not None else ""
        lugar = self.lugar if fila is None else f"{self.tabla.origen}, fila {fila}"
        self.problemas.append(f"{lugar}{columna}: {mensaje}")

    def lugar_de(self, nombre: str) -> str:
        encabezado = self.columnas.get(nombre)
        return f"{self.lugar}, columna {encabezado}" if encabezado else self.lugar

    def meta(self, *nombres: str) -> str:
        for nombre in nombres:
            for indice, encabezado in enumerate(self.tabla.encabezado):
                if encabezado == nombre and indice < len(self.celdas):
                    return _texto(self.celdas[indice])
        return ""

    def valor(self, formulario: Formulario, nombre: str) -> str:
        """A field's cell as XML value(s); a select's label is turned into its name."""
        texto = self.valores.get(nombre, "")
        campo = formulario.campos[nombre]
        if not texto or campo.lista is None:
            return texto
        try:
            return formulario.valor(campo, texto)
        except ValueError as exc:
            self.problemas.append(f"{self.lugar_de(nombre)}: {exc}")
            return ""


def _envios(
    principal: Tabla,
    repeticiones: dict[str, Tabla],
    medios: dict[str, bytes],
    formulario: Formulario,
    servidor: str,
) -> list[Envio]:
    meta = (*COLUMNAS_ODK, *COLUMNAS_KOBO)
    hijas: dict[str, dict[str, list[_Fila]]] = {}
    for repeticion, tabla in repeticiones.items():
        cabeceras = formulario.de_tabla(repeticion)
        por_padre: dict[str, list[_Fila]] = defaultdict(list)
        for numero, celdas in tabla.filas:
            fila = _Fila(tabla, numero, celdas, cabeceras, meta, [])
            padre = fila.meta("PARENT_KEY", "_parent_index", "_submission__uuid")
            por_padre[padre].append(fila)
        hijas[repeticion] = por_padre
    cabeceras = formulario.de_tabla(None)
    envios = []
    for numero, celdas in principal.filas:
        problemas: list[str] = []
        fila = _Fila(principal, numero, celdas, cabeceras, meta, problemas)
        clave = fila.meta("KEY", "_uuid", "meta-instanceID", "meta/instanceID")
        indice = fila.meta("_index")
        envio = Envio(
            fila.lugar,
            clave,
            fila.meta("SubmissionDate", "_submission_time"),
            {},
            problemas=problemas,
            revision=fila.meta("ReviewState", "_validation_status"),
            version=fila.meta("FormVersion"),
        )
        estado = fila.meta("Status")
        if estado in NO_DESCIFRADO:
            problemas.append(
                f"{fila.lugar}: el envío está cifrado y la exportación no lo trae descifrado "
                f"(ODK Central: «{estado}»); descárguelo con la clave del proyecto."
            )
        _identificacion(envio, fila, formulario)
        _respuestas(envio, fila, formulario)
        for repeticion, campos in (
            (REPETICION_SERVICIOS, CAMPOS_SERVICIO),
            (REPETICION_MESA, CAMPOS_MESA),
        ):
            filas = hijas.get(repeticion, {}).get(clave or "\0", []) or hijas.get(
                repeticion, {}
            ).get(indice or "\0", [])
            _repeticion(envio, repeticion, campos, filas, formulario)
        # the mesa's acta, then the file that backs each answer wanting evidence
        adjuntables: list[tuple[str, str | None]] = [(CAMPO_ACTA, None)]
        adjuntables += [(campo_de_evidencia(p), p) for p in formulario.conocimiento.evidencia.piden]
        evidencias: list[dict[str, Any]] = []
        for campo, pregunta in adjuntables:
            nombre = fila.valores.get(campo, "")
            if not nombre:
                continue
            contenido = medios.get(nombre)
            envio.adjuntos.append(Adjunto(campo, nombre, contenido))
            evidencia: dict[str, Any] = {"campo": campo, "archivo": nombre}
            if pregunta is not None:
                evidencia["pregunta"] = pregunta
            if contenido is not None:
                evidencia["sha256"] = hashlib.sha256(contenido).hexdigest()
            elif servidor == ODK:
                problemas.append(
                    f"{fila.lugar_de(campo)}: el adjunto «{nombre}» no está en la carpeta "
                    "media/ del ZIP; descargue «Todos los datos y medios»"
                )
            evidencias.append(evidencia)
        if evidencias:
            envio.datos["evidencias"] = evidencias
        envios.append(envio)
    return envios


def _identificacion(envio: Envio, fila: _Fila, formulario: Formulario) -> None:
    conocimiento = formulario.conocimiento
    comuna = fila.valor(formulario, CAMPO_COMUNA)
    if not comuna:
        if not any(p.startswith(fila.lugar_de(CAMPO_COMUNA)) for p in fila.problemas):
            fila.problemas.append(f"{fila.lugar_de(CAMPO_COMUNA)}: falta la comuna")
    else:
        etiqueta = next(
            (
                o[f"label::{IDIOMA}"]
                for o in formulario.opciones[CAMPO_COMUNA]
                if o["name"] == comuna
            ),
            comuna,
        )
        try:
            envio.datos["comuna"] = conocimiento.buscar_comuna(etiqueta)
        except ValueError as exc:
            fila.problemas.append(f"{fila.lugar_de(CAMPO_COMUNA)}: {exc}")
    fila.valor(formulario, CAMPO_UGT)  # checked against its list; the comuna says the UGT
    fecha = fila.valores.get(CAMPO_FECHA, "")
    if fecha:
        try:  # ODK writes 2026-11-12 (or with a time after T); a typed 12-11-2026 also counts
            envio.datos["fecha"] = formato_chileno.leer_fecha(_SIN_HORA.sub("", fecha.strip()))
        except ValueError as exc:
            fila.problemas.append(f"{fila.lugar_de(CAMPO_FECHA)}: {exc}")
    envio.lugares[("comuna",)] = fila.lugar_de(CAMPO_COMUNA)
    envio.lugares[("fecha",)] = fila.lugar_de(CAMPO_FECHA)


def _respuestas(envio: Envio, fila: _Fila, formulario: Formulario) -> None:
    respuestas: dict[str, Any] = {}
    for pregunta in formulario.conocimiento.cuestionario.preguntas:
        campos = {c: fila.valor(formulario, c) for c in campos_de(pregunta)}
        valor = de_campos(pregunta, campos)
        if valor is None:
            continue
        respuestas[pregunta.id] = valor
        envio.lugares[("respuestas", pregunta.id)] = fila.lugar_de(pregunta.id)
    envio.datos["respuestas"] = respuestas


def _repeticion(
    envio: Envio,
    repeticion: str,
    campos: tuple[tuple[str, str], ...],
    filas: list[_Fila],
    formulario: Formulario,
) -> None:
    elementos = []
    for i, fila in enumerate(filas):
        envio.problemas.extend(fila.problemas)
        fila.problemas = envio.problemas
        elemento: dict[str, Any] = {}
        for nombre, clave in campos:
            texto = fila.valor(formulario, nombre)
            if not texto:
                continue
            elemento[clave] = texto.split() if formulario.campos[nombre].multiple else texto
        elementos.append(elemento)
        envio.lugares[(repeticion, i)] = fila.lugar
    envio.datos[repeticion] = elementos
