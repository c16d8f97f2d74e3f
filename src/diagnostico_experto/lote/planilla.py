"""Spreadsheets for field collection: the empty planilla, and reading a filled one.

The layout comes from the questionnaire: sheet ``respuestas`` has one row per
comuna and one column per question (its text as a comment, its options as a
drop-down list), then the mesa's validation per area; sheet ``servicios`` the
inventory, one service per row; sheet ``mesa`` its members. A CSV input is
the same three tables as ``X.csv``, ``X-servicios.csv`` and ``X-mesa.csv``.
A filled planilla evaluates exactly as the equivalent YAML answer files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from diagnostico_experto.comun import formato_chileno
from diagnostico_experto.comun.entorno import Entorno
from diagnostico_experto.comun.errores import ErrorRespuestas, Problema, citar, sugerencia
from diagnostico_experto.comun.lectura import (
    Limites,
    leer_bytes,
    miles,
    revisar_archivo,
    revisar_partes_zip,
)
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import (
    AREAS,
    NO_SABE,
    SEPARADOR,
    Pregunta,
    lista_de_texto,
)

# «fecha» ties a service or a member to one diagnosis of its comuna: a planilla may hold
# several dated diagnoses of one comuna (its history). Planillas without it still load.
COLUMNAS_SERVICIOS = (
    "comuna",
    "fecha",
    "nombre",
    "unidad",
    "origen",
    "clientes",
    "etapas",
    "area_proceso",
)
COLUMNAS_MESA = ("comuna", "fecha", "nombre", "cargo", "unidad")
NIVELES_VALIDACION = ("alto", "medio", "bajo")


def columnas_respuestas(conocimiento: Conocimiento) -> list[str]:
    preguntas = [p.id for p in conocimiento.cuestionario.preguntas]
    validacion = [c for a in AREAS for c in columnas_validacion(a)]
    return ["comuna", "fecha", "ilustrativo", *preguntas, *validacion]


def columnas_validacion(area: str) -> tuple[str, ...]:
    """The mesa's level and reason, and what it validated: the level diagnosed then and
    a digest of the area's answers (so a validation made against other answers is stale)."""
    return tuple(f"{c}_{area}" for c in ("validacion", "justificacion", *REGISTRO))


REGISTRO = ("diagnosticado", "huella")  # a validation's record (conocimiento/respuestas.py)


# --- the empty (or filled) workbook ----------------------------------------------------


def planilla(conocimiento: Conocimiento, datos: Sequence[dict[str, Any]] = ()) -> bytes:
    """The XLSX for field collection; with ``datos`` (answer files' data), filled in."""
    libro = Workbook()
    hoja = libro.active
    assert isinstance(hoja, Worksheet)  # a new workbook starts with one worksheet
    hoja.title = "respuestas"
    listas = libro.create_sheet("listas")
    listas.sheet_state = "hidden"
    columnas = columnas_respuestas(conocimiento)
    _encabezado(hoja, columnas)
    cuestionario = conocimiento.cuestionario
    catalogo = conocimiento.catalogo
    n_listas = 0

    def lista(valores: list[str], columna: str, hoja_destino: Any) -> None:
        nonlocal n_listas
        n_listas += 1
        for fila, valor in enumerate(valores, 1):
            listas.cell(fila, n_listas, valor)
        letra = get_column_letter(n_listas)
        validacion = DataValidation(
            type="list",
            formula1=f"=listas!${letra}$1:${letra}${len(valores)}",
            allow_blank=True,
            errorTitle="Valor no válido",
            error="Elija un valor de la lista.",
        )
        hoja_destino.add_data_validation(validacion)
        validacion.add(f"{columna}2:{columna}1000")

    for i, nombre in enumerate(columnas, 1):
        letra = get_column_letter(i)
        pregunta = cuestionario.por_id.get(nombre)
        if pregunta is not None:
            hoja.cell(1, i).comment = Comment(_ayuda(pregunta), "diagnostico-experto", 200, 400)
            elegibles = pregunta.lista_para_elegir()
            if elegibles is not None:
                # options by their label (a cell may hold the label or the code)
                con_etiqueta = hasattr(pregunta, "de_etiqueta")
                extra = [("No sé" if con_etiqueta else NO_SABE)] if pregunta.no_sabe else []
                textos = [pregunta.etiqueta(v) if con_etiqueta else str(v) for v in elegibles]
                lista(textos + extra, letra, hoja)
        elif nombre.startswith(("validacion_", "diagnosticado_")):
            lista(list(NIVELES_VALIDACION), letra, hoja)
            if nombre.startswith("diagnosticado_"):
                hoja.cell(1, i).comment = Comment(
                    "El nivel diagnosticado cuando la mesa validó el área (el del informe que "
                    "revisó). Si el diagnóstico cambia después, la validación vence y hay que "
                    "revalidar. La columna huella_ la escribe el programa: no la edite.",
                    "diagnostico-experto",
                    150,
                    300,
                )
        elif nombre == "ilustrativo":
            lista(["sí", "no"], letra, hoja)
    servicios = libro.create_sheet("servicios")
    _encabezado(servicios, list(COLUMNAS_SERVICIOS))

    def de_servicios(columna: str) -> str:
        return get_column_letter(COLUMNAS_SERVICIOS.index(columna) + 1)

    lista(catalogo.ids("origenes"), de_servicios("origen"), servicios)
    lista(catalogo.ids("areas_proceso"), de_servicios("area_proceso"), servicios)
    servicios.cell(1, COLUMNAS_SERVICIOS.index("clientes") + 1).comment = Comment(
        "Clientes separados por «;»: " + ", ".join(catalogo.ids("clientes")),
        "diagnostico-experto",
        150,
        300,
    )
    servicios.cell(1, COLUMNAS_SERVICIOS.index("etapas") + 1).comment = Comment(
        "Etapas separadas por «;»: " + ", ".join(catalogo.ids("etapas")),
        "diagnostico-experto",
        150,
        300,
    )
    mesa = libro.create_sheet("mesa")
    _encabezado(mesa, list(COLUMNAS_MESA))
    for d in datos:
        for tabla, filas in zip((hoja, servicios, mesa), filas_de(d, conocimiento), strict=True):
            for fila in filas:
                tabla.append([a_celda(v) for v in fila.values()])
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def _encabezado(hoja: Any, columnas: list[str]) -> None:
    hoja.append(columnas)
    for celda in hoja[1]:
        celda.font = Font(bold=True)
    hoja.freeze_panes = "B2"


def _ayuda(pregunta: Pregunta) -> str:
    partes = [f"{pregunta.id}. {pregunta.texto}", *pregunta.indicaciones()]
    if pregunta.no_sabe:
        partes.append(f"{NO_SABE}: no sé")
    if pregunta.aplica_si:
        partes.append("Solo si aplica: " + ", ".join(c.pregunta for c in pregunta.aplica_si))
    return "\n".join(partes)


def a_celda(valor: Any) -> Any:
    """An answer-file value as a spreadsheet cell: lists joined by «;», booleans as sí/no."""
    if isinstance(valor, list):
        return SEPARADOR.join(str(v) for v in valor)
    if isinstance(valor, bool):
        return "sí" if valor else "no"
    return valor


def filas_de(
    datos: dict[str, Any], conocimiento: Conocimiento
) -> tuple[list[dict], list[dict], list[dict]]:
    """An answer file's data as rows of the three tables."""
    comuna = datos["comuna"]
    fila: dict[str, Any] = dict.fromkeys(columnas_respuestas(conocimiento), None)
    fila.update(comuna=comuna, fecha=datos.get("fecha"), ilustrativo=bool(datos.get("ilustrativo")))
    fila.update(dict((datos.get("respuestas") or {}).items()))
    for area, v in (datos.get("validacion") or {}).items():
        fila[f"validacion_{area}"] = v["nivel"]
        fila[f"justificacion_{area}"] = v["justificacion"]
        for campo in REGISTRO:
            fila[f"{campo}_{area}"] = v.get(campo)
    propias = {"comuna": comuna, "fecha": datos.get("fecha")}
    servicios = [
        {c: propias[c] if c in propias else s.get(c) for c in COLUMNAS_SERVICIOS}
        for s in datos.get("servicios") or []
    ]
    mesa = [
        {c: propias[c] if c in propias else m.get(c) for c in COLUMNAS_MESA}
        for m in datos.get("mesa") or []
    ]
    return [fila], servicios, mesa


# --- reading a filled one --------------------------------------------------------------


@dataclass(frozen=True)
class FilaPlanilla:
    """One comuna of a planilla, in answer-file form, with where each part came from."""

    origen: str  # "planilla.xlsx, hoja respuestas, fila 5"
    datos: dict[str, Any]
    lugares: dict[tuple[Any, ...], str] = field(default_factory=dict)
    # what makes the row unusable, found while reading (a formula without its value, a
    # row with data and no comuna): the batch reports it as this row's error
    problemas: tuple[Problema, ...] = ()


@ErrorRespuestas.al_leer()
def leer_planilla(
    ruta: Path, conocimiento: Conocimiento, entorno: Entorno | None = None
) -> list[FilaPlanilla]:
    """One row per comuna; the answers, services and mesa in answer-file form.

    Read within the knowledge's limits (file and cell size); every problem
    names the file, sheet, row and column. A problem of one row (a formula
    without its value, data without a comuna) is that row's ``problemas``, so
    that a batch still evaluates the others; a blank row is skipped.
    ``entorno`` names the program in hints.
    """
    limites = conocimiento.limites
    pendientes: dict[str, dict[int, Problema]] = {}  # sheet -> row -> formula without value
    if ruta.suffix.lower() == ".xlsx":
        tablas, pendientes = _tablas_xlsx(ruta, limites, entorno or Entorno())
    else:
        tablas = _tablas_csv(ruta, limites)
    respuestas, servicios, mesa = (
        tablas.get(h, ([], "")) for h in ("respuestas", "servicios", "mesa")
    )
    filas, origen = respuestas
    if filas and "comuna" not in filas[0][1]:
        raise ErrorRespuestas.uno(
            f"{origen}, fila 1",
            "falta la columna «comuna» en el encabezado (separe las columnas con «;», «,» o "
            "tabulador)",
        )
    if not filas:
        raise ErrorRespuestas.uno(
            origen or ruta,
            "no hay filas de respuestas (una fila por comuna, con la columna «comuna»)",
        )
    _revisar_columnas(respuestas, columnas_respuestas(conocimiento))
    _revisar_columnas(servicios, COLUMNAS_SERVICIOS)
    _revisar_columnas(mesa, COLUMNAS_MESA)
    fechas: dict[str, list[str]] = {}  # comuna -> the dates of its diagnoses in this planilla
    for _, fila in filas:
        if _texto(fila.get("comuna")):
            fechas.setdefault(_texto(fila["comuna"]).casefold(), []).append(
                _fecha(fila.get("fecha"))
            )
    por_comuna = {
        "servicios": _agrupar(servicios, fechas),
        "mesa": _agrupar(mesa, fechas),
    }
    entradas = []
    for numero, fila in filas:
        comuna = _texto(fila.get("comuna"))
        problema = pendientes.get("respuestas", {}).get(numero)
        if problema is None and not comuna:
            problema = _sin_comuna(origen, numero)
        if problema is not None:
            entradas.append(FilaPlanilla(f"{origen}, fila {numero}", {}, problemas=(problema,)))
            continue
        datos: dict[str, Any] = {"comuna": comuna, "respuestas": {}}
        if fila.get("fecha"):
            datos["fecha"] = _celda_fecha(fila["fecha"])
        if fila.get("ilustrativo") is not None:
            datos["ilustrativo"] = _texto(fila["ilustrativo"]).lower() in (
                "sí",
                "si",
                "true",
                "1",
                "verdadero",
            )
        fuera: list[Problema] = []  # cells that name no option of their drop-down
        for nombre, valor in fila.items():
            pregunta = conocimiento.cuestionario.por_id.get(nombre)
            if pregunta is not None and valor not in (None, ""):
                respuesta = pregunta.de_celda(valor)
                motivo = pregunta.fuera_de_lista(respuesta)
                if motivo is None:
                    datos["respuestas"][nombre] = respuesta
                else:
                    fuera.append(Problema(f"{origen}, fila {numero}", None, nombre, motivo))
        validacion = {
            a: {
                "nivel": _texto(fila.get(f"validacion_{a}")),
                "justificacion": _texto(fila.get(f"justificacion_{a}")),
                **{
                    campo: _texto(fila[f"{campo}_{a}"]).casefold()
                    for campo in REGISTRO
                    if fila.get(f"{campo}_{a}") not in (None, "")
                },
            }
            for a in AREAS
            if fila.get(f"validacion_{a}") not in (None, "")
        }
        if validacion:
            datos["validacion"] = validacion
        clave = (comuna.casefold(), _fecha(fila.get("fecha")))
        # an answer's problem names the planilla's column («E01»), not the file's key
        lugares: dict[tuple[Any, ...], str] = {("respuestas",): f"{origen}, fila {numero}"}
        suyas = [
            pendientes.get(hoja, {}).get(n)
            for hoja in ("servicios", "mesa")
            for n, _ in por_comuna[hoja].get(clave, [])
        ]
        datos["servicios"] = []
        for i, (fila_s, s) in enumerate(por_comuna["servicios"].get(clave, [])):
            lugares[("servicios", i)] = f"{servicios[1]}, fila {fila_s}"
            datos["servicios"].append(
                {
                    c: _lista(v) if c in ("clientes", "etapas") else _texto(v)
                    for c, v in s.items()
                    if c not in ("comuna", "fecha") and v not in (None, "")
                }
            )
        datos["mesa"] = []
        for i, (fila_m, m) in enumerate(por_comuna["mesa"].get(clave, [])):
            lugares[("mesa", i)] = f"{mesa[1]}, fila {fila_m}"
            datos["mesa"].append(
                {
                    c: _texto(v)
                    for c, v in m.items()
                    if c not in ("comuna", "fecha") and v not in (None, "")
                }
            )
        entradas.append(
            FilaPlanilla(
                f"{origen}, fila {numero}",
                datos,
                lugares,
                (*fuera, *(p for p in suyas if p is not None)),
            )
        )
    nombres = {_texto(f.get("comuna")).casefold(): _texto(f.get("comuna")) for _, f in filas}
    return entradas + _sin_diagnostico((servicios, mesa), nombres, pendientes)


def _sin_comuna(origen: str, numero: int) -> Problema:
    return Problema(
        f"{origen}, fila {numero}",
        None,
        "comuna",
        "falta el nombre de la comuna; la fila tiene datos (escríbalo o borre la fila)",
    )


def _sin_diagnostico(
    tablas: Sequence[Tabla], comunas: dict[str, str], pendientes: dict[str, dict]
) -> list[FilaPlanilla]:
    """Service and mesa rows no row of the sheet respuestas takes (no comuna, or one
    without answers): each is an error of its own, never dropped in silence."""
    sueltas = []
    for filas, origen in tablas:
        hoja = origen.rsplit("hoja ", 1)[-1]
        for numero, fila in filas:
            comuna = _texto(fila.get("comuna"))
            problema = pendientes.get(hoja, {}).get(numero)
            if not comuna:
                problema = problema or _sin_comuna(origen, numero)
            elif comuna.casefold() not in comunas:
                problema = Problema(
                    f"{origen}, fila {numero}",
                    None,
                    "comuna",
                    f"«{citar(comuna)}» no tiene fila en la hoja respuestas"
                    + sugerencia(comuna, [c for c in comunas.values() if c]),
                )
            else:
                continue
            sueltas.append(FilaPlanilla(f"{origen}, fila {numero}", {}, problemas=(problema,)))
    return sueltas


def _texto(valor: Any) -> str:
    return "" if valor is None else str(valor).strip()


def _lista(valor: Any) -> list[str]:
    return lista_de_texto(str(valor))


def _celda_fecha(valor: Any) -> Any:
    """A cell of a date column: a date cell, its serial number (45000) or typed text
    (15-03-2024, 2024-03-15). What is no date is returned as it is, for the answer
    file's check to explain."""
    try:
        if isinstance(valor, dt.datetime):
            return valor.date()
        if isinstance(valor, int | float) and not isinstance(valor, bool):
            return formato_chileno.fecha_de_planilla(valor)
        if isinstance(valor, str):
            return formato_chileno.leer_fecha(valor)
    except ValueError:
        pass
    return valor


def _fecha(valor: Any) -> str:
    """A date cell as text (AAAA-MM-DD), so rows of one diagnosis can be matched."""
    valor = _celda_fecha(valor)
    return valor.isoformat() if isinstance(valor, dt.date) else _texto(valor)


def _agrupar(
    tabla: Tabla, fechas: dict[str, list[str]]
) -> dict[tuple[str, str], list[tuple[int, dict[str, Any]]]]:
    """Rows by the diagnosis they belong to: (comuna, fecha).

    A comuna's only diagnosis takes all its rows (as before the column existed);
    when it has several, a row without ``fecha`` or with a date none of them has is
    refused, never dropped or given to the wrong one."""
    filas, origen = tabla
    grupos: dict[tuple[str, str], list] = {}
    for numero, fila in filas:
        comuna = _texto(fila.get("comuna"))
        clave = comuna.casefold()
        fecha = _fecha(fila.get("fecha"))
        propias = fechas.get(clave, [])
        if len(propias) == 1:
            fecha = propias[0]  # the comuna's only diagnosis: as before dates were read here
        elif propias and not fecha:
            raise ErrorRespuestas.uno(
                f"{origen}, fila {numero}",
                f"{comuna} tiene {len(propias)} diagnósticos en la hoja respuestas (fechas "
                f"{', '.join(p or 'sin fecha' for p in propias)}); indique a cuál pertenece "
                "esta fila",
                campo="fecha",
            )
        elif propias and fecha not in propias:
            raise ErrorRespuestas.uno(
                f"{origen}, fila {numero}",
                f"no hay respuestas de {comuna} con fecha {fecha} en la hoja respuestas (tiene "
                f"{', '.join(p or 'sin fecha' for p in propias)})",
                campo="fecha",
            )
        grupos.setdefault((clave, fecha), []).append((numero, fila))
    return grupos


Tabla = tuple[list[tuple[int, dict[str, Any]]], str]  # (row number, row) and the origin label
MB = 1024 * 1024


def _dano(exc: Exception) -> str:
    """What is wrong with a workbook, in words, from the exception that reading it raised."""
    if isinstance(exc, InvalidFileException | BadZipFile):
        return "no es un archivo de Excel"
    if isinstance(exc, KeyError):
        return "le falta una parte interna del libro"
    if isinstance(exc, SyntaxError):  # ElementTree's and lxml's ParseError
        return "una hoja o el libro tienen el XML interno dañado"
    return "el libro tiene contenido interno que no es de una planilla"  # defusedxml refusals


def _tablas_xlsx(
    ruta: Path, limites: Limites, entorno: Entorno
) -> tuple[dict[str, Tabla], dict[str, dict[int, Problema]]]:
    """The three sheets' rows, and per sheet the rows with a formula saved without its
    value; the workbook's parts are measured before any XML is parsed."""
    maximo = limites.max_mb_por_planilla * MB
    revisar_archivo(ruta, maximo, "max_mb_por_planilla")
    revisar_libro(ruta, maximo)
    try:
        valores = _hojas(ruta, calculadas=True)
        formulas = _hojas(ruta, calculadas=False)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, SyntaxError, TypeError) as exc:
        raise ErrorRespuestas.uno(
            ruta,
            f"no se pudo leer como planilla XLSX ({_dano(exc)}); ábrala en Excel o LibreOffice "
            "y guárdela de nuevo como .xlsx",
        ) from None
    if "respuestas" not in valores:
        raise ErrorRespuestas.uno(
            ruta,
            "falta la hoja «respuestas» (genere una planilla vacía con: "
            f"{entorno.comando('planilla', 'planilla.xlsx')})",
        )
    tablas: dict[str, Tabla] = {}
    pendientes: dict[str, dict[int, Problema]] = {}
    for nombre, filas in valores.items():
        origen = f"{ruta}, hoja {nombre}"
        pendientes[nombre] = _formulas_pendientes(filas, formulas.get(nombre, []), origen)
        _revisar_celdas(filas, origen, limites)
        tablas[nombre] = (_con_encabezado(filas, origen), origen)
    return tablas, pendientes


def revisar_libro(ruta: Path, maximo: int) -> None:
    """A small XLSX may hold a huge sheet: its parts' uncompressed size is checked first."""
    try:
        with zipfile.ZipFile(ruta) as archivo:
            partes = archivo.infolist()
            descomprimido = sum(parte.file_size for parte in partes)
            if descomprimido > maximo:
                raise ErrorRespuestas.uno(
                    ruta,
                    f"la planilla descomprimida pesa {miles(-(-descomprimido // MB))} MB; el "
                    f"máximo es {miles(maximo // MB)} MB (límite «max_mb_por_planilla» de "
                    "limites.yaml)",
                )
            revisar_partes_zip(ruta, partes, "Excel")
            for parte in partes:
                if _con_dtd(archivo.read(parte)):
                    raise ErrorRespuestas.uno(
                        ruta,
                        f"la parte {parte.filename} declara entidades XML (<!DOCTYPE>), que una "
                        "planilla de Excel no usa; no se lee",
                    )
    except (BadZipFile, OSError, ValueError, EOFError):
        raise ErrorRespuestas.uno(
            ruta,
            "no es una planilla XLSX (no es un archivo .xlsx válido); ábrala y guárdela de nuevo",
        ) from None


def _con_dtd(contenido: bytes) -> bool:
    """Excel never writes a DTD; an entity (external or a «billion laughs») needs one."""
    return b"<!DOCTYPE" in contenido or b"<!ENTITY" in contenido


def _hojas(ruta: Path, calculadas: bool) -> dict[str, list[Sequence[Any]]]:
    libro = load_workbook(ruta, read_only=True, data_only=calculadas)
    try:
        return {
            nombre: list(libro[nombre].iter_rows(values_only=True))
            for nombre in ("respuestas", "servicios", "mesa")
            if nombre in libro.sheetnames
        }
    finally:
        libro.close()


def _columna(encabezado: list[str], columna: int) -> str:
    """A cell's field as the user sees it: its header, or its column letter where there is none."""
    nombre = encabezado[columna] if columna < len(encabezado) else ""
    return nombre or get_column_letter(columna + 1)


def _formulas_pendientes(
    valores: list[Sequence[Any]], formulas: list[Sequence[Any]], origen: str
) -> dict[int, Problema]:
    """A formula saved without its computed value (by a script, not Excel) reads as empty:
    the first such cell of each row, by row number. In the header it stops the file."""
    encabezado = [_texto(c) for c in valores[0]] if valores else []
    pendientes: dict[int, Problema] = {}
    for numero, (fila, fila_f) in enumerate(zip(valores, formulas, strict=False), 1):
        for columna, (valor, formula) in enumerate(zip(fila, fila_f, strict=False)):
            if valor is None and isinstance(formula, str) and formula.startswith("="):
                problema = Problema(
                    f"{origen}, fila {numero}",
                    None,
                    _columna(encabezado, columna),
                    f"la celda tiene la fórmula «{formula[:40]}» sin valor calculado; ábrala "
                    "en Excel o LibreOffice y guárdela, o escriba el valor",
                )
                if numero == 1:
                    raise ErrorRespuestas([problema])
                pendientes.setdefault(numero, problema)
    return pendientes


def _revisar_celdas(filas: list[Sequence[Any]], origen: str, limites: Limites) -> None:
    maximo = limites.max_caracteres_por_celda
    encabezado = [_texto(c) for c in filas[0]] if filas else []
    for numero, fila in enumerate(filas, 1):
        for columna, valor in enumerate(fila):
            if isinstance(valor, str) and len(valor) > maximo:
                raise ErrorRespuestas.uno(
                    f"{origen}, fila {numero}",
                    f"la celda tiene {miles(len(valor))} caracteres; el máximo es {miles(maximo)} "
                    "(límite «max_caracteres_por_celda» de limites.yaml)",
                    campo=_columna(encabezado, columna),
                )


_SEPARADORES = ",;\t"


def _tablas_csv(ruta: Path, limites: Limites) -> dict[str, Tabla]:
    tablas = {}
    for nombre, archivo in (
        ("respuestas", ruta),
        ("servicios", ruta.with_name(f"{ruta.stem}-servicios.csv")),
        ("mesa", ruta.with_name(f"{ruta.stem}-mesa.csv")),
    ):
        if nombre == "respuestas" or archivo.exists() or archivo.is_symlink():
            filas = filas_csv(archivo, limites)
            _revisar_celdas(filas, str(archivo), limites)
            tablas[nombre] = (_con_encabezado(filas, str(archivo)), str(archivo))
    return tablas


def filas_csv(archivo: Path, limites: Limites) -> list[Sequence[Any]]:
    """The rows of a CSV in UTF-8 or in Windows' encoding (Excel's «CSV» in Spanish)."""
    datos = leer_bytes(archivo, limites.max_mb_por_planilla * MB, "max_mb_por_planilla")
    if b"\x00" in datos:
        raise ErrorRespuestas.uno(
            archivo,
            "no es un CSV de texto (parece un archivo binario); guarde la planilla como "
            "«CSV UTF-8 (delimitado por comas)»",
        )
    try:
        texto = datos.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            texto = datos.decode("cp1252")
        except UnicodeDecodeError:
            raise ErrorRespuestas.uno(
                archivo,
                "no está en UTF-8 ni en la codificación de Windows (cp1252); guárdelo como "
                "«CSV UTF-8 (delimitado por comas)»",
            ) from None
    primera = texto.split("\n", 1)[0]
    usados = [c for c in _SEPARADORES if c in primera]
    try:
        dialecto: Any = (
            csv.Sniffer().sniff(primera, delimiters="".join(usados)) if usados else csv.excel
        )
    except csv.Error:
        dialecto = csv.excel
    if not usados and "|" in primera:
        raise ErrorRespuestas.uno(
            archivo,
            "el separador «|» no se admite; separe las columnas con «;», «,» o tabulador",
            1,
        )
    return filas_de_texto(texto, archivo, dialecto)


def filas_de_texto(
    texto: str, origen: str | Path, dialecto: Any = csv.excel
) -> list[Sequence[Any]]:
    """The rows of a CSV's text; a broken quote is one error with its line."""
    lector = csv.reader(io.StringIO(texto, newline=""), dialecto)
    filas: list[Sequence[Any]] = []
    try:
        filas.extend(lector)
    except csv.Error as exc:
        raise ErrorRespuestas.uno(
            origen, f"CSV no válido ({exc}); revise las comillas", lector.line_num
        ) from None
    return filas


def _con_encabezado(filas: list[Any], origen: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows as column -> value. A value no column name holds is refused, never dropped:
    a repeated column (which of the two?), a cell past the header or under a blank one."""
    if not filas:
        return []
    encabezado = [_texto(c) for c in filas[0]]
    nombres = [c for c in encabezado if c]
    repetida = next((c for c in nombres if nombres.count(c) > 1), None)
    if repetida is not None:
        raise ErrorRespuestas.uno(f"{origen}, fila 1", f"la columna «{repetida}» está repetida")
    resultado = []
    for numero, fila in enumerate(filas[1:], 2):
        if not any(_texto(c) for c in fila):
            continue  # a blank row (spaces count as blank)
        for columna, valor in enumerate(fila, 1):
            sin_nombre = columna > len(encabezado) or not encabezado[columna - 1]
            if sin_nombre and valor not in (None, ""):
                raise ErrorRespuestas.uno(
                    f"{origen}, fila {numero}",
                    f"la columna {columna} tiene un valor («{_texto(valor)[:40]}») y no tiene "
                    "nombre en el encabezado (fila 1)",
                )
        resultado.append((numero, dict(zip(encabezado, fila, strict=False))))
    return resultado


def _revisar_columnas(tabla: Tabla, conocidas: Sequence[str]) -> None:
    """A column the planilla does not have (a misspelt question id) would drop its answers."""
    filas, origen = tabla
    for _, fila in filas:
        for nombre, valor in fila.items():
            if nombre and nombre not in conocidas and valor not in (None, ""):
                raise ErrorRespuestas.uno(
                    f"{origen}, fila 1",
                    f"columna desconocida «{nombre}»" + sugerencia(nombre, list(conocidas)),
                )


def planilla_csv(conocimiento: Conocimiento, ruta: Path) -> dict[Path, str]:
    """The three empty CSV tables, by path."""
    tablas = {}
    for archivo, columnas in (
        (ruta, columnas_respuestas(conocimiento)),
        (ruta.with_name(f"{ruta.stem}-servicios.csv"), list(COLUMNAS_SERVICIOS)),
        (ruta.with_name(f"{ruta.stem}-mesa.csv"), list(COLUMNAS_MESA)),
    ):
        texto = io.StringIO()
        csv.writer(texto, lineterminator="\n").writerow(columnas)
        tablas[archivo] = texto.getvalue()
    return tablas
