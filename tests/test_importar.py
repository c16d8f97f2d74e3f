"""Submissions read back from ODK Central and KoboToolbox exports: importar and lote."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest

from conftest import correr, leer_yaml
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.respuestas import Evidencia, Respuestas, cargar_respuestas
from exportaciones import DATOS, csv_kobo, libro_kobo, zip_odk

NINHUE = "ninhue-2026-11-20.yaml"
COBQUECURA = "cobquecura-2026-11-18.yaml"
QUIRIHUE = "quirihue-2026-11-19.yaml"


def _envios(revision_quirihue: str = "rejected") -> list[tuple[dict[str, Any], dict[str, str]]]:
    return [
        (
            leer_yaml(DATOS / NINHUE),
            {
                "clave": "uuid:6f1c2a3e-0000-4000-8000-000000000001",
                "enviado": "2026-11-21T14:03:12.345Z",
                "revision": "approved",
            },
        ),
        (
            leer_yaml(DATOS / COBQUECURA),
            {
                "clave": "uuid:6f1c2a3e-0000-4000-8000-000000000002",
                "enviado": "2026-11-19T09:00:00.000Z",
            },
        ),
        (
            leer_yaml(DATOS / QUIRIHUE),
            {
                "clave": "uuid:6f1c2a3e-0000-4000-8000-000000000003",
                "enviado": "2026-11-20T10:30:00.000Z",
                "revision": revision_quirihue,
            },
        ),
    ]


def _sin_archivo(respuestas: Respuestas) -> dict[str, Any]:
    return respuestas.model_dump(exclude={"archivo"})


def _exportacion(tipo: str, carpeta: Path, conocimiento: Conocimiento) -> Path:
    if tipo == "odk":
        return zip_odk(carpeta / "diagnostico.zip", _envios(), conocimiento)
    envios = _envios("validation_status_not_approved")
    if tipo == "kobo-xlsx":
        return libro_kobo(carpeta / "kobo.xlsx", envios, conocimiento)
    if tipo == "kobo-etiquetas":
        return libro_kobo(
            carpeta / "kobo.xlsx", envios, conocimiento, etiquetas=True, como_texto=False
        )
    raise AssertionError(tipo)


@pytest.mark.parametrize("tipo", ["odk", "kobo-xlsx", "kobo-etiquetas"])
def test_importar_escribe_los_archivos_escritos_a_mano(
    tipo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], conocimiento: Conocimiento
) -> None:
    exportacion = _exportacion(tipo, tmp_path, conocimiento)
    salida = tmp_path / "importadas"
    codigo, _, err = correr(capsys, "importar", exportacion, "--salida", salida)
    assert codigo == 0, err
    servidor = "ODK Central" if tipo == "odk" else "KoboToolbox"
    hoja = (
        "diagnostico_fomento_productivo.csv"
        if tipo == "odk"
        else "hoja Diagnóstico organizacional de f"
    )
    assert err.splitlines() == [
        f"Quirihue, 2026-11-19 ({exportacion}, {hoja}, fila 4): rechazado en la revisión "
        f"de {servidor}; no se usa.",
        f"2 archivos de respuestas escritos en {salida}",
    ]
    escritos = sorted(p.name for p in salida.iterdir() if not p.name.startswith("."))
    adjunto = ["cobquecura-2026-11-18-adjuntos"] if tipo == "odk" else []
    assert escritos == sorted([COBQUECURA, NINHUE, *adjunto])
    for nombre in (NINHUE, COBQUECURA):
        importado = cargar_respuestas(salida / nombre, conocimiento)
        a_mano = cargar_respuestas(DATOS / nombre, conocimiento)
        if tipo != "odk" and nombre == COBQUECURA:  # Kobo's export has no media: name only
            a_mano = a_mano.model_copy(
                update={"evidencias": [Evidencia(campo="acta", archivo="1732112345678.jpg")]}
            )
        assert _sin_archivo(importado) == _sin_archivo(a_mano), nombre
    if tipo == "odk":
        copia = salida / "cobquecura-2026-11-18-adjuntos" / "1732112345678.jpg"
        assert copia.read_bytes() == (DATOS / "acta-mesa.jpg").read_bytes()
    texto = (salida / NINHUE).read_text(encoding="utf-8")
    assert texto.startswith(f"# Importado de {exportacion.name}")
    assert '  E07: "no"\n' in texto


@pytest.mark.parametrize("tipo", ["odk", "kobo-etiquetas"])
def test_lote_evalua_la_exportacion(
    tipo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], conocimiento: Conocimiento
) -> None:
    exportacion = _exportacion(tipo, tmp_path, conocimiento)
    salida = tmp_path / "informes"
    codigo, _, err = correr(capsys, "lote", exportacion, "--salida", salida, "--workers", "1")
    assert codigo == 0, err
    servidor = "ODK Central" if tipo == "odk" else "KoboToolbox"
    assert "Quirihue, 2026-11-19" in err and f"rechazado en la revisión de {servidor}" in err
    assert f"2 comunas evaluadas. Resumen: {salida / 'index.html'}" in err
    a_mano = tmp_path / "a_mano"
    a_mano.mkdir()
    for nombre in (NINHUE, COBQUECURA):
        (a_mano / nombre).write_bytes((DATOS / nombre).read_bytes())
    adjuntos = a_mano / "cobquecura-2026-11-18-adjuntos"  # the evidence next to its answers
    adjuntos.mkdir()
    (adjuntos / "1732112345678.jpg").write_bytes((DATOS / "acta-mesa.jpg").read_bytes())
    codigo, _, err = correr(
        capsys, "lote", a_mano, "--salida", tmp_path / "informes-a-mano", "--workers", "1"
    )
    assert codigo == 0, err
    import json

    for comuna in ("ninhue", "cobquecura"):
        desde_export = json.loads((salida / "comunas" / f"{comuna}.json").read_text("utf-8"))
        desde_yaml = json.loads(
            (tmp_path / "informes-a-mano" / "comunas" / f"{comuna}.json").read_text("utf-8")
        )
        for clave in ("areas", "productos", "horas"):
            assert desde_export.get(clave) == desde_yaml.get(clave), (comuna, clave)


def test_kobo_csv_con_punto_y_coma(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conocimiento: Conocimiento
) -> None:
    exportacion = csv_kobo(
        tmp_path / "kobo.csv", _envios("validation_status_not_approved"), conocimiento
    )
    assert exportacion.read_text(encoding="utf-8").startswith('"identificacion/ugt";')
    salida = tmp_path / "importadas"
    codigo, _, err = correr(capsys, "importar", exportacion, "--salida", salida)
    assert codigo == 0, err
    assert "no trae las repeticiones" in err
    importado = cargar_respuestas(salida / NINHUE, conocimiento)
    a_mano = cargar_respuestas(DATOS / NINHUE, conocimiento)
    assert importado.respuestas == a_mano.respuestas
    assert importado.servicios == []


def test_con_problemas_se_usa_con_una_nota(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conocimiento: Conocimiento
) -> None:
    exportacion = zip_odk(tmp_path / "d.zip", _envios("hasIssues"), conocimiento)
    salida = tmp_path / "importadas"
    codigo, _, err = correr(capsys, "importar", exportacion, "--salida", salida)
    assert codigo == 0, err
    aviso = (
        "marcado «con problemas» en la revisión de ODK Central; se usa, pero revíselo antes de "
        "firmar."
    )
    assert (
        f"Quirihue, 2026-11-19 ({exportacion}, diagnostico_fomento_productivo.csv, fila 4): {aviso}"
        in err
    )
    assert leer_yaml(salida / QUIRIHUE)["nota"] == f"Envío {aviso}"


def _dos_de_ninhue() -> list[tuple[dict[str, Any], dict[str, str]]]:
    envios = _envios()[:1]
    segundo = leer_yaml(DATOS / NINHUE)
    segundo["respuestas"]["E01"] = "obsoletas"
    envios.append(
        (
            segundo,
            {
                "clave": "uuid:6f1c2a3e-0000-4000-8000-000000000009",
                "enviado": "2026-11-22T08:00:00.000Z",
            },
        )
    )
    otra_fecha = leer_yaml(DATOS / NINHUE)
    otra_fecha["fecha"] = dt.date(2025, 11, 20)
    envios.append(
        (
            otra_fecha,
            {
                "clave": "uuid:6f1c2a3e-0000-4000-8000-00000000000a",
                "enviado": "2025-11-22T08:00:00.000Z",
            },
        )
    )
    return envios


def test_dos_envios_de_una_comuna_y_fecha(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conocimiento: Conocimiento
) -> None:
    exportacion = zip_odk(tmp_path / "d.zip", _dos_de_ninhue(), conocimiento)
    origen = f"{exportacion}, diagnostico_fomento_productivo.csv"
    codigo, _, err = correr(capsys, "importar", exportacion, "--salida", tmp_path / "a")
    assert codigo == 1
    assert err.splitlines()[1:] == [
        f"{origen}, fila 2: Ninhue tiene otro envío con la misma fecha (2026-11-20) en {origen}, "
        "fila 3; no se sabe cuál vale y no se usa ninguno. Quite uno en el servidor, o use "
        "--ultima para quedarse con el enviado después.",
        f"{origen}, fila 3: Ninhue tiene otro envío con la misma fecha (2026-11-20) en {origen}, "
        "fila 2; no se sabe cuál vale y no se usa ninguno. Quite uno en el servidor, o use "
        "--ultima para quedarse con el enviado después.",
    ]
    assert sorted(p.name for p in (tmp_path / "a").glob("*.yaml")) == ["ninhue-2025-11-20.yaml"]

    codigo, _, err = correr(capsys, "importar", exportacion, "--salida", tmp_path / "b", "--ultima")
    assert codigo == 0, err
    assert err.splitlines()[0] == (
        f"Ninhue, 2026-11-20 ({origen}, fila 2): reemplazado por el envío posterior de la misma "
        "comuna y fecha (--ultima)."
    )
    assert leer_yaml(tmp_path / "b" / NINHUE)["respuestas"]["E01"] == "obsoletas"

    codigo, _, err = correr(capsys, "lote", exportacion, "--salida", tmp_path / "c")
    assert codigo == 1
    assert "0 comunas evaluadas" not in err
    assert "1 comuna evaluada, 2 envíos de la exportación con errores" in err
    codigo, _, err = correr(capsys, "lote", exportacion, "--salida", tmp_path / "d", "--ultima")
    assert codigo == 0, err
    assert "1 comuna evaluada (1 con avance desde su línea base)" in err


# --- hostile exports: one Spanish line, exit 2 (1 in a batch), nothing outside --salida ---


def _error_importar(capsys, exportacion: Path, salida: Path) -> list[str]:
    codigo, out, err = correr(capsys, "importar", exportacion, "--salida", salida)
    assert codigo == 2, err
    assert "Traceback" not in err and out == ""
    assert not salida.exists()
    return [linea for linea in err.splitlines() if "rechazado en la revisión" not in linea]


def test_columna_renombrada(tmp_path: Path, capsys, conocimiento: Conocimiento) -> None:
    exportacion = zip_odk(
        tmp_path / "d.zip", _envios(), conocimiento, cambiar={"estrategia-E04": "estrategia-E4"}
    )
    origen = f"{exportacion}, diagnostico_fomento_productivo.csv"
    assert _error_importar(capsys, exportacion, tmp_path / "s") == [
        f"{origen}, fila 1, columna estrategia-E4: columna desconocida «estrategia-E4»; el "
        "formulario no tiene ese campo. ¿Quiso decir «estrategia-E04»?"
    ]
    codigo, _, err = correr(capsys, "lote", exportacion, "--salida", tmp_path / "l")
    assert codigo == 1
    assert "0 comunas evaluadas, 2 envíos de la exportación con errores" in err


def test_valor_fuera_de_la_lista(tmp_path: Path, capsys, conocimiento: Conocimiento) -> None:
    envios = _envios()
    envios[0][0]["respuestas"]["E01"] = "vigente"
    exportacion = zip_odk(tmp_path / "d.zip", envios, conocimiento)
    assert _error_importar(capsys, exportacion, tmp_path / "s") == [
        f"{exportacion}, diagnostico_fomento_productivo.csv, fila 2, columna estrategia-E01: "
        "«vigente» no es una opción de la lista. ¿Quiso decir «vigentes»?"
    ]
    codigo, _, err = correr(capsys, "lote", exportacion, "--salida", tmp_path / "l")
    assert codigo == 1
    assert "1 comuna evaluada, 1 envío de la exportación con errores" in err


def test_zip_con_ruta_fuera_de_su_carpeta(
    tmp_path: Path, capsys, conocimiento: Conocimiento
) -> None:
    exportacion = zip_odk(
        tmp_path / "d.zip", _envios(), conocimiento, extra={"media/../../fuera.txt": b"x"}
    )
    assert _error_importar(capsys, exportacion, tmp_path / "s") == [
        f"{exportacion}: la parte media/../../fuera.txt apunta fuera de la carpeta del ZIP; una "
        "exportación de ODK Central no trae rutas así y no se lee"
    ]
    assert not (tmp_path.parent / "fuera.txt").exists()
    codigo, _, err = correr(capsys, "lote", exportacion, "--salida", tmp_path / "l")
    assert codigo == 2 and "apunta fuera de la carpeta del ZIP" in err


def test_zip_enorme_o_cifrado(tmp_path: Path, capsys, conocimiento: Conocimiento) -> None:
    from conftest import primera_parte_marcada

    cifrado = primera_parte_marcada(
        zip_odk(tmp_path / "c.zip", _envios(), conocimiento), cifrada=True
    )
    assert _error_importar(capsys, cifrado, tmp_path / "s") == [
        f"{cifrado}: la parte diagnostico_fomento_productivo.csv está cifrada con contraseña; "
        "descargue de nuevo la exportación sin cifrar"
    ]
    enorme = zip_odk(
        tmp_path / "e.zip",
        _envios(),
        conocimiento,
        extra={"media/enorme.bin": b"\0" * (51 * 1024 * 1024)},
    )
    assert enorme.stat().st_size < 1024 * 1024
    assert _error_importar(capsys, enorme, tmp_path / "s") == [
        f"{enorme}: la exportación descomprimida pesa 52 MB; el máximo es 50 MB (límite "
        "«max_mb_por_planilla» de limites.yaml)"
    ]


def test_celda_con_formula(tmp_path: Path, capsys, conocimiento: Conocimiento) -> None:
    exportacion = libro_kobo(
        tmp_path / "k.xlsx",
        _envios("validation_status_not_approved"),
        conocimiento,
        formula=(3, '=HYPERLINK("http://x","vigentes")'),
    )
    lineas = _error_importar(capsys, exportacion, tmp_path / "s")
    assert lineas[0] == (
        f"{exportacion}, hoja Diagnóstico organizacional de f, fila 2, columna estrategia/E01: "
        'la celda tiene la fórmula «=HYPERLINK("http://x","vigentes")»; una exportación no '
        "trae fórmulas: escriba el valor o descárguela de nuevo"
    )


def test_salida_con_archivos_no_se_toca(tmp_path: Path, capsys, conocimiento: Conocimiento) -> None:
    exportacion = zip_odk(tmp_path / "d.zip", _envios(), conocimiento)
    salida = tmp_path / "revisadas"
    salida.mkdir()
    (salida / "ninhue.yaml").write_text("comuna: Ninhue\n", encoding="utf-8")
    codigo, _, err = correr(capsys, "importar", exportacion, "--salida", salida)
    assert codigo == 2
    assert err.strip() == (
        f"{salida}: ya existe y no es una carpeta vacía; los archivos importados no reemplazan "
        "respuestas ya revisadas. Elija una carpeta nueva para --salida."
    )
    assert [p.name for p in salida.iterdir()] == ["ninhue.yaml"]


def test_zip_sin_tabla_de_envios(tmp_path: Path, capsys) -> None:
    exportacion = tmp_path / "otro.zip"
    with zipfile.ZipFile(exportacion, "w") as archivo:
        archivo.writestr("media/x.jpg", b"x")
    assert _error_importar(capsys, exportacion, tmp_path / "s") == [
        f"{exportacion}: se espera una tabla de envíos (formulario.csv) en la raíz del ZIP y hay "
        "0 (ninguna); ¿es «Todos los datos y medios» de ODK Central?"
    ]


def test_numero_fuera_de_rango_y_envio_cifrado(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conocimiento: Conocimiento
) -> None:
    envios = _envios()
    envios[0][0]["respuestas"]["O06"] = 250
    exportacion = zip_odk(tmp_path / "d.zip", envios, conocimiento)
    origen = f"{exportacion}, diagnostico_fomento_productivo.csv"
    assert _error_importar(capsys, exportacion, tmp_path / "s") == [
        f"{origen}, fila 2, columna estructura-O06: debe ser a lo sumo 200"
    ]
    texto = exportacion.read_bytes()
    with zipfile.ZipFile(exportacion) as archivo:
        partes = {n: archivo.read(n) for n in archivo.namelist()}
    tabla = partes["diagnostico_fomento_productivo.csv"].decode().splitlines()
    columnas = tabla[0].split(",")
    fila = tabla[2].split(",")
    fila[columnas.index("Status")] = "not decrypted"
    tabla[2] = ",".join(fila)
    partes["diagnostico_fomento_productivo.csv"] = ("\n".join(tabla) + "\n").encode()
    with zipfile.ZipFile(exportacion, "w") as archivo:
        for nombre, contenido in partes.items():
            archivo.writestr(nombre, contenido)
    assert exportacion.read_bytes() != texto
    lineas = _error_importar(capsys, exportacion, tmp_path / "s")
    assert (
        f"{origen}, fila 3: el envío está cifrado y la exportación no lo trae descifrado (ODK "
        "Central: «not decrypted»); descárguelo con la clave del proyecto."
    ) in lineas


def test_envios_de_otra_version_del_formulario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conocimiento: Conocimiento
) -> None:
    from diagnostico_experto.lote.formulario import hojas

    exportacion = zip_odk(tmp_path / "d.zip", _envios(), conocimiento)
    actual = hojas(conocimiento).settings["version"]
    with zipfile.ZipFile(exportacion) as archivo:
        partes = {n: archivo.read(n) for n in archivo.namelist()}
    tabla = partes["diagnostico_fomento_productivo.csv"].decode()
    partes["diagnostico_fomento_productivo.csv"] = tabla.replace(actual, "a1b2c3d4e5f6", 1).encode()
    with zipfile.ZipFile(exportacion, "w") as archivo:
        for nombre, contenido in partes.items():
            archivo.writestr(nombre, contenido)
    codigo, _, err = correr(capsys, "importar", exportacion, "--salida", tmp_path / "s")
    assert codigo == 0, err
    assert err.splitlines()[0] == (
        f"{exportacion}: hay envíos de la versión a1b2c3d4e5f6 del formulario y este "
        f"conocimiento genera la versión {actual}: si cambiaron preguntas u opciones, revise esos "
        "envíos (o escriba el formulario con el conocimiento de entonces)."
    )


def test_la_evidencia_de_una_respuesta_va_y_vuelve_con_su_pregunta(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conocimiento: Conocimiento
) -> None:
    from diagnostico_experto.lote.formulario import hojas

    # the form asks for the document only when the answer is one that wants evidence
    filas = {fila["name"]: fila for fila in hojas(conocimiento).survey}
    assert filas["O01_evidencia"]["type"] == "file"
    assert filas["O01_evidencia"]["relevant"] == "${O01} = 'unidad_propia'"
    assert "E03_evidencia" not in filas  # knowledge asks no evidence for E03
    # a submission that sent the acta and the document behind O01
    datos = leer_yaml(DATOS / COBQUECURA)
    datos["evidencias"].append({"campo": "O01_evidencia", "archivo": "decreto.jpg"})
    meta = {"clave": "uuid:6f1c2a3e-0000-4000-8000-000000000009", "enviado": "2026-11-19T09:00:00Z"}
    exportacion = zip_odk(tmp_path / "diagnostico.zip", [(datos, meta)], conocimiento)
    salida = tmp_path / "importadas"
    codigo, _, err = correr(capsys, "importar", exportacion, "--salida", salida)
    assert codigo == 0, err
    importado = leer_yaml(salida / COBQUECURA)
    assert [(e["campo"], e.get("pregunta")) for e in importado["evidencias"]] == [
        ("acta", None),
        ("O01_evidencia", "O01"),
    ]
    respaldo = importado["evidencias"][1]
    assert respaldo["sha256"] == respaldo["sha256"].lower() and len(respaldo["sha256"]) == 64
    assert (salida / respaldo["archivo"]).is_file()


def test_fecha_escrita_a_la_chilena(tmp_path: Path, capsys, conocimiento: Conocimiento) -> None:
    """A date typed day first in the form (20-11-2026) is read as ISO's 2026-11-20;
    one the calendar lacks names its column."""
    envios = _envios()[:1]
    envios[0][0]["fecha"] = "20-11-2026"
    exportacion = zip_odk(tmp_path / "d.zip", envios, conocimiento)
    codigo, _, err = correr(capsys, "importar", exportacion, "--salida", tmp_path / "s")
    assert codigo == 0, err
    assert cargar_respuestas(tmp_path / "s" / NINHUE, conocimiento).fecha == dt.date(2026, 11, 20)
    envios[0][0]["fecha"] = "2026-13-45"
    exportacion = zip_odk(tmp_path / "e.zip", envios, conocimiento)
    assert _error_importar(capsys, exportacion, tmp_path / "t") == [
        f"{exportacion}, diagnostico_fomento_productivo.csv, fila 2, columna identificacion-fecha: "
        "«2026-13-45» no es una fecha del calendario"
    ]
