"""Exports of the generated form, built in the shapes ODK Central and KoboToolbox write.

The columns come from the XForm pyxform makes of our XLSForm (its primary
instance, in document order), as the servers build their tables from it:

- ODK Central (central-backend ``lib/data/briefcase.js``, ``lib/data/attachments.js``):
  ``SubmissionDate``, the fields with group paths joined by «-», ``KEY``,
  ``SubmitterID``, ``SubmitterName``, ``AttachmentsPresent``, ``AttachmentsExpected``,
  ``Status``, ``ReviewState``, ``DeviceID``, ``Edits``, ``FormVersion``; one
  ``<form_id>-<repeat>.csv`` per repeat ending in ``PARENT_KEY``, ``KEY``
  (``uuid:…/servicios[1]``); attachments under ``media/``; CSV quoted only when needed.
- KoboToolbox (formpack ``reporting/export.py``, ``schema/fields.py``): the first
  sheet named after the form (31 characters at most), headers as XML paths with «/»
  (or labels), each multiple select with one 0/1 column per option, media URL
  columns, then ``_id`` … ``_index``; a sheet per repeat with ``_index``,
  ``_parent_table_name``, ``_parent_index`` and the ``_submission_…`` copies;
  CSV with «;» and every value quoted.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import xlsxwriter
from lxml import etree
from pyxform import xls2xform
from slugify import slugify

from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.lote.formulario import (
    CAMPOS_MESA,
    CAMPOS_SERVICIO,
    ID_FORMULARIO,
    IDIOMA,
    a_campos,
    formulario_xlsx,
    hojas,
)

XF = "{http://www.w3.org/2002/xforms}"
DATOS = Path(__file__).parent / "datos" / "terreno"
ACTA = (DATOS / "acta-mesa.jpg").read_bytes()
NOMBRE_ACTA = "1732112345678.jpg"
CABOS_ODK = (
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
)
COPIAS_KOBO = (
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
)


def rutas_del_formulario(conocimiento: Conocimiento) -> tuple[list[tuple[str, ...]], dict]:
    """Each field's path in the XForm's primary instance, in order; and which are repeats."""
    xform = xls2xform.convert(io.BytesIO(formulario_xlsx(conocimiento))).xform
    raiz = etree.fromstring(xform.encode())
    datos = raiz.find(f".//{XF}instance/{XF}data")
    repeticiones = {
        b.get("nodeset").rsplit("/", 1)[1] for b in raiz.iter(f"{XF}repeat") if b.get("nodeset")
    }
    rutas: list[tuple[str, ...]] = []

    def recorrer(nodo: Any, camino: tuple[str, ...]) -> None:
        for hijo in nodo:
            if hijo.get("{http://openrosa.org/javarosa}template") is not None:
                continue  # the repeat's template; its instances come from the data
            nombre = etree.QName(hijo).localname
            if len(hijo):
                recorrer(hijo, (*camino, nombre))
            else:
                rutas.append((*camino, nombre))

    recorrer(datos, ())
    return rutas, dict.fromkeys(repeticiones)


def valores(datos: dict[str, Any], conocimiento: Conocimiento) -> dict[str, str]:
    """An answer file's data as the form's root fields (XML values)."""
    comuna = datos["comuna"]
    ugt = conocimiento.ugt_de(comuna)
    campos = {
        "ugt": slugify(ugt, separator="_"),
        "comuna": slugify(comuna, separator="_"),
        "fecha": str(datos["fecha"]),
    }
    por_id = conocimiento.cuestionario.por_id
    for id_, valor in datos["respuestas"].items():
        campos.update(a_campos(por_id[id_], valor))
    for evidencia in datos.get("evidencias", []):
        campos[evidencia["campo"]] = NOMBRE_ACTA
    return campos


def _filas_repeticion(datos: dict[str, Any], clave: str, campos: tuple) -> list[dict[str, str]]:
    filas = []
    for elemento in datos.get(clave, []):
        fila = {}
        for nombre, propia in campos:
            valor = elemento.get(propia, "")
            fila[nombre] = " ".join(valor) if isinstance(valor, list) else str(valor)
        filas.append(fila)
    return filas


def _csv(filas: list[list[str]]) -> bytes:
    texto = io.StringIO()
    csv.writer(texto, lineterminator="\n").writerows(filas)
    return texto.getvalue().encode()


def zip_odk(
    destino: Path,
    envios: list[tuple[dict[str, Any], dict[str, str]]],
    conocimiento: Conocimiento,
    cambiar: dict[str, str] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """ODK Central's «All data and media» ZIP of ``envios`` (data, server metadata).

    ``cambiar`` renames columns (a hostile edit); ``extra`` adds parts to the ZIP."""
    rutas, repeticiones = rutas_del_formulario(conocimiento)
    raiz = [r for r in rutas if not any(p in repeticiones for p in r)]
    encabezado = ["SubmissionDate", *("-".join(r) for r in raiz), *CABOS_ODK]
    version = hojas(conocimiento).settings["version"]
    principal = [encabezado]
    hijas: dict[str, list[list[str]]] = {
        "servicios": [[n for n, _ in CAMPOS_SERVICIO] + ["PARENT_KEY", "KEY"]],
        "mesa": [[n for n, _ in CAMPOS_MESA] + ["PARENT_KEY", "KEY"]],
    }
    medios: dict[str, bytes] = {}
    for datos, meta in envios:
        clave = meta["clave"]
        campos = valores(datos, conocimiento)
        campos["instanceID"] = clave
        campos["instanceName"] = f"{campos['comuna']} {campos['fecha']}"
        adjuntos = 1 if "acta" in campos else 0
        principal.append(
            [
                meta["enviado"],
                *(campos.get(r[-1], "") for r in raiz),
                clave,
                "5",
                "Encuestador 1",
                str(adjuntos),
                str(adjuntos),
                "",
                meta.get("revision", ""),
                "",
                "0",
                version,
            ]
        )
        if adjuntos:
            medios[f"media/{NOMBRE_ACTA}"] = ACTA
        for repeticion, campos_r in (("servicios", CAMPOS_SERVICIO), ("mesa", CAMPOS_MESA)):
            for i, fila in enumerate(_filas_repeticion(datos, repeticion, campos_r), 1):
                hijas[repeticion].append([*fila.values(), clave, f"{clave}/{repeticion}[{i}]"])
    if cambiar:
        principal[0] = [cambiar.get(c, c) for c in principal[0]]
    with zipfile.ZipFile(destino, "w", zipfile.ZIP_DEFLATED) as archivo:
        archivo.writestr(f"{ID_FORMULARIO}.csv", _csv(principal))
        for repeticion, filas in hijas.items():
            archivo.writestr(f"{ID_FORMULARIO}-{repeticion}.csv", _csv(filas))
        for nombre, contenido in {**medios, **(extra or {})}.items():
            archivo.writestr(nombre, contenido)
    return destino


def _etiquetas(conocimiento: Conocimiento) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    datos = hojas(conocimiento)
    de_campo = {f["name"]: f.get(f"label::{IDIOMA}", "") for f in datos.survey}
    listas = {
        f["name"]: f["type"].split()[1] for f in datos.survey if f["type"].startswith("select_")
    }
    de_opcion = {
        (campo, o["name"]): o[f"label::{IDIOMA}"]
        for campo, lista in listas.items()
        for o in datos.choices
        if o["list_name"] == lista
    }
    return de_campo, de_opcion


def libro_kobo(
    destino: Path,
    envios: list[tuple[dict[str, Any], dict[str, str]]],
    conocimiento: Conocimiento,
    etiquetas: bool = False,
    como_texto: bool = True,
    formula: tuple[int, str] | None = None,
) -> Path:
    """KoboToolbox's XLSX export (XML values and headers, or labels).

    ``como_texto`` is Kobo's «store date and number responses as text»;
    ``formula`` puts a formula in a cell of the first submission (a hostile edit)."""
    rutas, repeticiones = rutas_del_formulario(conocimiento)
    datos_form = hojas(conocimiento)
    tipos = {f["name"]: f["type"] for f in datos_form.survey}
    de_campo, de_opcion = _etiquetas(conocimiento)
    listas = {o["list_name"]: [] for o in datos_form.choices}
    for o in datos_form.choices:
        listas[o["list_name"]].append(o["name"])
    raiz = [r for r in rutas if not any(p in repeticiones for p in r) and r[0] != "meta"]

    def columnas(ruta: tuple[str, ...]) -> list[tuple[str, str | None]]:
        """(header, option) for a field: a multiple select adds one column per option."""
        nombre = ruta[-1]
        encabezado = de_campo[nombre] if etiquetas else "/".join(ruta)
        salida: list[tuple[str, str | None]] = [(encabezado, None)]
        tipo = tipos.get(nombre, "")
        if tipo.startswith("select_multiple"):
            for opcion in listas[tipo.split()[1]]:
                titulo = de_opcion[(nombre, opcion)] if etiquetas else opcion
                salida.append((f"{encabezado}/{titulo}", opcion))
        if tipo == "file":
            salida.append((f"{encabezado}_URL", "URL"))
        return salida

    def celda(nombre: str, texto: str, opcion: str | None) -> Any:
        tipo = tipos.get(nombre, "")
        if opcion == "URL":
            return f"https://kf.kobotoolbox.org/media/original?media_file={texto}" if texto else ""
        if opcion is not None:
            return ("1" if opcion in texto.split() else "0") if texto else ""
        if not texto:
            return ""
        if etiquetas and tipo.startswith("select_"):
            return " ".join(de_opcion[(nombre, v)] for v in texto.split())
        if not como_texto and tipo in ("decimal", "integer"):
            numero = float(texto)
            return int(numero) if numero.is_integer() else numero
        if not como_texto and tipo == "date":
            import datetime as dt

            return dt.datetime.fromisoformat(texto)
        return texto

    libro = xlsxwriter.Workbook(str(destino), {"strings_to_numbers": False})
    formato_fecha = libro.add_format({"num_format": "yyyy-mm-dd"})
    hoja = libro.add_worksheet(datos_form.settings["form_title"][:31])
    encabezados = [(r, h, o) for r in raiz for h, o in columnas(r)]
    hoja.write_row(0, 0, [h for _, h, _ in encabezados] + [*COPIAS_KOBO, "_index"])
    hijas = {repeticion: libro.add_worksheet(repeticion) for repeticion in ("servicios", "mesa")}
    cabeceras_hijas = {}
    for repeticion, campos_r in (("servicios", CAMPOS_SERVICIO), ("mesa", CAMPOS_MESA)):
        cabecera = [
            (nombre, h, o) for nombre, _ in campos_r for h, o in columnas((repeticion, nombre))
        ]
        cabeceras_hijas[repeticion] = cabecera
        copias = [f"_submission_{c}" for c in COPIAS_KOBO]
        hijas[repeticion].write_row(
            0,
            0,
            [h for _, h, _ in cabecera]
            + ["_index", "_parent_table_name", "_parent_index", *copias],
        )
    indices = {"servicios": 0, "mesa": 0}
    for n, (datos, meta) in enumerate(envios, 1):
        campos = valores(datos, conocimiento)
        fila = []
        for ruta, _, opcion in encabezados:
            fila.append(celda(ruta[-1], campos.get(ruta[-1], ""), opcion))
        copia = [
            str(1000 + n),
            meta["clave"].removeprefix("uuid:"),
            meta["enviado"][:19],
            meta.get("revision", ""),
            "",
            "submitted_via_web",
            "",
            "vABCdef123",
            "",
        ]
        for columna, valor in enumerate([*fila, *copia, n]):
            if isinstance(valor, object) and hasattr(valor, "year"):
                hoja.write_datetime(n, columna, valor, formato_fecha)
            elif formula and formula[0] == columna and n == 1:
                hoja.write_formula(n, columna, formula[1])
            else:
                hoja.write(n, columna, valor)
        for repeticion, campos_r in (("servicios", CAMPOS_SERVICIO), ("mesa", CAMPOS_MESA)):
            for fila_r in _filas_repeticion(datos, repeticion, campos_r):
                indices[repeticion] += 1
                celdas = [
                    celda(nombre, fila_r[nombre], o) for nombre, _, o in cabeceras_hijas[repeticion]
                ]
                hijas[repeticion].write_row(
                    indices[repeticion],
                    0,
                    [
                        *celdas,
                        indices[repeticion],
                        datos_form.settings["form_title"][:31],
                        n,
                        *copia,
                    ],
                )
    libro.close()
    return destino


def csv_kobo(destino: Path, envios, conocimiento: Conocimiento, separador: str = ";") -> Path:
    """Kobo's CSV export: the first sheet only, every value quoted."""
    temporal = destino.with_suffix(".xlsx")
    libro_kobo(temporal, envios, conocimiento)
    from openpyxl import load_workbook

    hoja = load_workbook(temporal, read_only=True).worksheets[0]
    filas = [
        ["" if v is None else str(v) for v in fila] for fila in hoja.iter_rows(values_only=True)
    ]
    temporal.unlink()
    texto = io.StringIO()
    csv.writer(texto, delimiter=separador, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(
        filas
    )
    destino.write_text(texto.getvalue(), encoding="utf-8")
    return destino
