"""Batch evaluation: inputs (folder, XLSX, CSV), outputs, broken files, workers, safety."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import (
    EJEMPLOS,
    RAIZ,
    archivo_respuestas,
    como_json,
    copiar_carpetas,
    correr,
    escribir_yaml,
    leer_resumen_csv,
    leer_yaml,
)
from diagnostico_experto.lote.entradas import Entrada, entradas_de
from diagnostico_experto.lote.evaluacion import procesos_por_defecto, respuestas_de
from diagnostico_experto.lote.planilla import a_celda, filas_de, planilla

ALGUNAS = ["cobquecura", "yumbel", "canete", "penco", "quirihue", "chillan-viejo"]


def carpeta_con(tmp_path: Path, nombres: list[str]) -> Path:
    carpeta = tmp_path / "respuestas"
    carpeta.mkdir()
    for nombre in nombres:
        shutil.copy(EJEMPLOS / f"{nombre}.yaml", carpeta)
    return carpeta


def jsons(salida: Path) -> dict[str, dict]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((salida / "comunas").glob("*.json"))
    }


def test_lote_sin_entrada_evalua_los_ejemplos_y_escribe_todo(lote_de_ejemplos):
    salida, err = lote_de_ejemplos
    ejemplos = sorted(p.stem for p in EJEMPLOS.glob("*.yaml"))
    n = len(ejemplos)
    assert f"{n} comunas evaluadas" in err
    for formato in ("md", "html", "docx", "json"):
        assert sorted(p.stem for p in (salida / "comunas").glob(f"*.{formato}")) == ejemplos
    assert (salida / "sintesis.docx").exists()
    filas = leer_resumen_csv(salida / "resumen.csv")
    assert len(filas) == n
    assert {
        "Comuna",
        "UGT",
        "Estrategia: nivel vigente",
        "Procesos: % de logro",
        "Estrategia: validado por la mesa",
        "Fusiones de procesos",
        "Ajustes de estructura",
        "Horas total",
    } <= set(filas[0])
    quirihue = next(f for f in filas if f["Comuna"] == "Quirihue")
    assert quirihue["Estrategia: validado por la mesa"] == "bajo"
    arauco = next(f for f in filas if f["Comuna"] == "Arauco")
    assert arauco["Estrategia: % de logro"] == "37,5"  # decimal comma
    assert arauco["Archivo"] == "arauco.yaml"  # no folder, no absolute path
    libro = load_workbook(salida / "resumen.xlsx")
    assert libro.sheetnames == [
        "Comunas",
        "Por UGT",
        "Gráficos",
        "Productos",
        "Fusiones",
        "Ajustes de estructura",
        "Vacíos",
        "Horas",
        "Motivos",
        "Calendario",
    ]
    assert libro["Comunas"].max_row == n + 1
    assert [c.value for c in libro["Por UGT"]["A"][1:]] == [
        "Secano Costero",
        "Laja Diguillín",
        "Secano Interior (AMDEL)",
        "Arauco",
        "Todo el lote",
    ]
    assert sum(c.value for c in libro["Por UGT"]["B"][1:-1]) == n
    assert libro["Por UGT"]["B"][-1].value == n
    indice = (salida / "index.html").read_text(encoding="utf-8")
    for texto in (
        "Secano Costero",
        "Arauco",
        "Énfasis de los talleres territoriales",
        "Horas frente al presupuesto",
        'href="comunas/chillan-viejo.html"',
        "Respuestas ilustrativas",
    ):
        assert texto in indice
    assert "http" not in indice.replace("http-equiv", "")  # self-contained, works offline


def test_carpeta_xlsx_y_csv_dan_el_mismo_resultado(tmp_path, motor):
    """The three inputs of a batch give the same results (the batch writes them as JSON)."""
    conocimiento = motor.conocimiento
    carpeta = carpeta_con(tmp_path, ALGUNAS)
    datos = [leer_yaml(p) for p in sorted(carpeta.glob("*.yaml"))]
    xlsx = tmp_path / "llena.xlsx"
    xlsx.write_bytes(planilla(conocimiento, datos))
    tablas = [[], [], []]
    for d in datos:
        for tabla, filas in zip(tablas, filas_de(d, conocimiento), strict=True):
            tabla.extend(filas)
    for nombre, filas in zip(
        ("llena.csv", "llena-servicios.csv", "llena-mesa.csv"), tablas, strict=True
    ):
        with (tmp_path / nombre).open("w", encoding="utf-8", newline="") as f:
            escritor = csv.writer(f, delimiter=";")
            escritor.writerow(filas[0])
            for fila in filas:
                escritor.writerow(["" if v is None else a_celda(v) for v in fila.values()])
    resultados = []
    for origen in (carpeta, xlsx, tmp_path / "llena.csv"):
        evaluadas = [
            como_json(motor.evaluar(respuestas_de(e, motor)))
            for e in entradas_de(origen, conocimiento)
        ]
        resultados.append({r["comuna"]: r for r in evaluadas})
    assert len(resultados[0]) == len(ALGUNAS)
    assert resultados[0] == resultados[1] == resultados[2]
    assert any(r["fusiones"] for r in resultados[1].values())  # services came through
    assert any(a["validado"] for r in resultados[2].values() for a in r["areas"].values())


def test_planilla_vacia_con_comentarios_y_listas(capsys, tmp_path, conocimiento):
    ruta = tmp_path / "terreno.xlsx"
    codigo, _, err = correr(capsys, "planilla", ruta)
    assert codigo == 0, err
    libro = load_workbook(ruta)
    assert libro.sheetnames[:1] == ["respuestas"] and {"servicios", "mesa"} <= set(libro.sheetnames)
    hoja = libro["respuestas"]
    encabezado = [c.value for c in hoja[1]]
    assert encabezado[:3] == ["comuna", "fecha", "ilustrativo"]
    ids = [p.id for p in conocimiento.cuestionario.preguntas]
    assert encabezado[3 : 3 + len(ids)] == ids
    assert encabezado[-4:] == [
        "validacion_productos",
        "justificacion_productos",
        "diagnosticado_productos",
        "huella_productos",
    ]
    celda = hoja.cell(1, encabezado.index("E02") + 1)
    assert "¿Dónde están definidos los lineamientos" in celda.comment.text
    validaciones = {str(v.sqref): v for v in hoja.data_validations.dataValidation}
    validacion = validaciones[f"{celda.column_letter}2:{celda.column_letter}1000"]
    rango = validacion.formula1.split("!")[1].replace("$", "")
    valores = [c.value for fila in libro["listas"][rango] for c in fila]
    assert valores == [  # the drop-down shows the labels (a cell may hold label or code)
        "En un plan de fomento productivo o de desarrollo económico vigente",
        "En el PLADECO, de forma explícita y vigente",
        "Diluidos en el PLADECO, sin orientar la acción",
        "Existen, pero están obsoletos",
        "No hay lineamientos definidos",
        "No sé",
    ]
    codigo, _, err = correr(capsys, "planilla", ruta)  # never overwrites collected data
    assert codigo == 2 and "ya existe" in err


def test_un_archivo_roto_no_detiene_el_lote(capsys, tmp_path):
    carpeta = carpeta_con(tmp_path, ["yumbel", "penco"])
    (carpeta / "rota.yaml").write_text(
        "comuna: Lebu\nrespuestas:\n  E01: [vigentes\n", encoding="utf-8"
    )
    (carpeta / "invalida.yaml").write_text(
        "comuna: Tirúa\nrespuestas:\n  E02: sin_plan\n", encoding="utf-8"
    )
    salida = tmp_path / "informes"
    codigo, _, err = correr(capsys, "lote", carpeta, "--salida", salida)
    assert codigo == 1
    assert (
        f"{carpeta / 'invalida.yaml'}:3: respuestas.E02: valor «sin_plan» no es una opción" in err
    )
    assert f"{carpeta / 'rota.yaml'}:3:" in err
    assert "2 comunas evaluadas, 2 archivos con errores" in err
    assert sorted(jsons(salida)) == ["penco", "yumbel"]
    indice = (salida / "index.html").read_text(encoding="utf-8")
    assert "2 archivos no se pudieron evaluar" in indice
    assert "invalida.yaml:3: respuestas.E02" in indice
    assert "Errores" in load_workbook(salida / "resumen.xlsx").sheetnames


def partes(ruta: Path) -> dict[str, bytes]:
    """A DOCX or XLSX package's parts, with the creation and modification times blanked."""
    with zipfile.ZipFile(ruta) as paquete:
        return {
            nombre: _FECHAS.sub(rb"\1\3", paquete.read(nombre))
            for nombre in sorted(paquete.namelist())
        }


_FECHAS = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)([^<]*)(</dcterms:)")


@pytest.mark.lento
def test_los_workers_por_defecto_dan_la_misma_salida_que_uno(capsys, tmp_path):
    """With no --workers the batch uses a process per core (2 in CI): every file, every
    part of every package, is what one process writes."""
    carpeta = carpeta_con(tmp_path, ALGUNAS)
    salidas = []
    for opciones in (["--workers", "1"], []):
        salida = tmp_path / f"w{len(opciones)}"
        codigo, _, err = correr(capsys, "lote", carpeta, "--salida", salida, *opciones)
        assert codigo == 0, err
        salidas.append(salida)
    archivos, otros = (
        sorted(p.relative_to(s) for p in s.rglob("*") if p.is_file()) for s in salidas
    )
    assert archivos == otros
    assert len([a for a in archivos if a.parts[0] == "comunas"]) == 4 * len(ALGUNAS)
    for archivo in archivos:
        uno, otro = (s / archivo for s in salidas)
        if archivo.suffix in (".docx", ".xlsx"):  # a zip stamps its time
            assert partes(uno) == partes(otro), archivo
        else:
            assert uno.read_bytes() == otro.read_bytes(), archivo


def test_por_defecto_un_proceso_por_nucleo_usable_sin_pasar_de_las_comunas(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2}, raising=False)
    assert [procesos_por_defecto(n) for n in (0, 1, 2, 3, 500)] == [1, 1, 2, 3, 3]
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # macOS, Windows
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert procesos_por_defecto(500) == 8
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert procesos_por_defecto(500) == 1


def test_el_texto_de_las_respuestas_se_escapa_en_todo_html(capsys, tmp_path, conocimiento):
    from conftest import extremo

    ataque = "<script>alert(1)</script>"
    carpeta = tmp_path / "respuestas"
    respuestas = {**extremo(conocimiento, mejor=False), "T07": ataque}
    archivo_respuestas(
        carpeta,
        respuestas,
        "ninhue.yaml",
        servicios=[
            {
                "nombre": ataque,
                "unidad": ataque,
                "origen": "indap",
                "clientes": ["artesanos"],
                "etapas": ["difusion"],
            }
        ],
        mesa=[{"nombre": ataque, "cargo": ataque, "unidad": "UDEL"}],
    )
    escribir_yaml(carpeta / "mala.yaml", {"comuna": "Lebu", "respuestas": {"E01": ataque}})
    salida = tmp_path / "informes"
    codigo, _, _ = correr(capsys, "lote", carpeta, "--salida", salida)
    assert codigo == 1
    for pagina in [salida / "index.html", *(salida / "comunas").glob("*.html")]:
        html = pagina.read_text(encoding="utf-8")
        assert ataque not in html, pagina
    assert "&lt;script&gt;" in (salida / "comunas" / "ninhue.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in (salida / "index.html").read_text(encoding="utf-8")


def test_un_nombre_de_comuna_con_barras_no_sale_de_la_salida(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    comunas = leer_yaml(conocimiento / "comunas.yaml")
    comunas["territorios"][0]["comunas"].append("../../Trampa")
    escribir_yaml(conocimiento / "comunas.yaml", comunas)
    carpeta = tmp_path / "respuestas"
    escribir_yaml(
        carpeta / "trampa.yaml", {"comuna": "../../Trampa", "respuestas": {"E01": "vigentes"}}
    )
    salida = tmp_path / "a" / "b" / "informes"
    codigo, _, err = correr(
        capsys,
        "lote",
        carpeta,
        "--salida",
        salida,
        "--reglas",
        reglas,
        "--conocimiento",
        conocimiento,
    )
    assert codigo == 0, err
    escritos = {p.relative_to(salida).as_posix() for p in salida.rglob("*") if p.is_file()}
    assert "comunas/trampa.html" in escritos
    assert not list((tmp_path / "a").glob("*.html")) and not (tmp_path / "Trampa.html").exists()


def test_el_resumen_cuenta_filas_de_una_planilla_no_archivos(capsys, tmp_path):
    ruta = tmp_path / "planilla.csv"
    ruta.write_text(
        "comuna;E01\nNinhue;vigentes\nYumbel;vigente\nPenco;quiza\nLebu;obsoletas\n",
        encoding="utf-8",
    )
    codigo, _, err = correr(capsys, "lote", ruta, "--salida", tmp_path / "s")
    assert codigo == 1
    assert err.splitlines()[-1] == (
        f"2 comunas evaluadas, 2 filas de la planilla con errores. Resumen: "
        f"{tmp_path / 's' / 'index.html'}"
    )


@pytest.mark.parametrize("entrada", ["no-existe", "archivo.txt"])
def test_entrada_invalida(capsys, tmp_path, entrada):
    ruta = tmp_path / entrada
    if entrada.endswith(".txt"):
        ruta.write_text("hola", encoding="utf-8")
    codigo, _, err = correr(capsys, "lote", ruta, "--salida", tmp_path / "s")
    assert codigo == 2
    assert "Traceback" not in err
    assert "no existe" in err if entrada == "no-existe" else "se espera una carpeta" in err


def test_workers_fuera_de_rango(capsys):
    codigo, _, err = correr(capsys, "lote", "--workers", "0")
    assert codigo == 2
    assert "--workers; debe ser un número entero entre 1 y 64" in err


def test_lo_que_el_lote_guarda_de_cada_comuna_es_lo_que_leen_sus_tablas(ejemplos):
    # The batch keeps each comuna's typed result without what only its reports read,
    # made compact once its reports are written, equal products or hour lines of two
    # comunas kept once; its tables read it, so nothing they read may be lost or changed.
    # A comuna's history reads its whole result back.
    from diagnostico_experto.lote.evaluacion import SOLO_EN_INFORMES, Compactador, Evaluada

    productos: dict[str, list[object]] = {}
    with Compactador() as compactar:
        for nombre, evaluacion in ejemplos.items():
            resultado = evaluacion.resultado
            guardada = Evaluada.de(nombre, resultado, evaluacion.respuestas.respuestas)
            guardada.aligerar(compactar)
            assert type(guardada.resultado) is type(resultado)
            para_tablas = resultado.model_copy(update=SOLO_EN_INFORMES)
            assert guardada.resultado.model_dump_json() == para_tablas.model_dump_json(), nombre
            entero, respuestas = guardada.completa()
            sin_traza = resultado.model_copy(update={"traza": []})
            assert entero.model_dump_json() == sin_traza.model_dump_json(), nombre
            assert respuestas == evaluacion.respuestas.respuestas
            for p in guardada.resultado.productos:
                productos.setdefault(p.model_dump_json(), []).append(p)
    repetidos = [iguales for iguales in productos.values() if len(iguales) > 1]
    assert repetidos
    assert all(p is iguales[0] for iguales in repetidos for p in iguales)


def test_ninguna_dependencia_trae_numpy_ni_scipy():
    """Two statistics of `reglas calibrar` once brought scikit-learn, scipy and numpy
    (~270 MB of the environment, seconds of import, and a patch so openpyxl skipped
    numpy in every batch process); they are a few lines of Python now."""
    bloqueo = (RAIZ / "uv.lock").read_text(encoding="utf-8")
    paquetes = set(re.findall(r'^name = "([^"]+)"', bloqueo, flags=re.M))
    assert paquetes & {"numpy", "scipy", "scikit-learn"} == set()


def test_un_lote_de_archivos_no_carga_openpyxl():
    """A batch of answer files never needs openpyxl: it reads planillas."""
    codigo = (
        "import sys; import diagnostico_experto.lote.consolidado, diagnostico_experto.lote.entradas; "
        "print(sorted({'openpyxl'} & set(sys.modules)))"
    )
    hecho = subprocess.run(
        [sys.executable, "-c", codigo], capture_output=True, text=True, check=True
    )
    assert hecho.stdout == "[]\n"


def test_una_celda_con_la_etiqueta_o_el_codigo_sin_importar_mayusculas_ni_tildes(conocimiento):
    e02 = conocimiento.cuestionario.por_id["E02"]
    for celda in (
        "En el PLADECO, de forma explícita y vigente",
        "en el pladeco, de forma explicita y vigente",
        "PLADECO_EXPLICITOS",
        "pladeco_explicitos",
    ):
        assert e02.normalizar(e02.de_celda(celda)) == "pladeco_explicitos"
    assert e02.de_celda("no se") == "no_sabe"
    with pytest.raises(ValueError, match="¿Quiso decir «pladeco_explicitos»\\?"):
        e02.normalizar(e02.de_celda("pladeco_explicito"))


def test_una_celda_de_varias_opciones_con_etiquetas_que_llevan_comas(conocimiento, tmp_path):
    """«Instancia formal con otras unidades (DIDECO, SECPLAN…)» is one option, not two."""
    from openpyxl import load_workbook

    from diagnostico_experto.lote.planilla import leer_planilla, planilla

    ruta = tmp_path / "terreno.xlsx"
    ruta.write_bytes(planilla(conocimiento, [leer_yaml(EJEMPLOS / "yumbel.yaml")]))
    libro = load_workbook(ruta)
    hoja = libro["respuestas"]
    columna = [c.value for c in hoja[1]].index("O05") + 1
    o05 = conocimiento.cuestionario.por_id["O05"]
    for celda, esperado in (
        (
            "Instancia formal con otras unidades (DIDECO, SECPLAN…); reuniones periódicas "
            "del equipo de fomento",
            ["instancia_con_unidades", "reuniones_equipo"],
        ),
        (
            "reuniones_equipo, INSTANCIA FORMAL CON OTRAS UNIDADES (DIDECO, SECPLAN…)",
            ["reuniones_equipo", "instancia_con_unidades"],
        ),
        ("informal,instancia_con_unidades", ["informal", "instancia_con_unidades"]),
    ):
        hoja.cell(row=2, column=columna, value=celda)
        libro.save(ruta)
        (fila,) = leer_planilla(ruta, conocimiento)
        assert fila.datos["respuestas"]["O05"] == esperado
    # a piece that names no option still goes alone, and gets its suggestion
    with pytest.raises(
        ValueError, match="valor «Instancia formal con otras unidades \\(DIDECO» no"
    ):
        o05.normalizar(o05.de_celda("Instancia formal con otras unidades (DIDECO; SECPLAN…)"))


def test_una_validacion_de_la_planilla_sabe_lo_que_valido(tmp_path, motor):
    """A planilla keeps a validation's record (level diagnosed then, digest of the area's
    answers): an answer changed in the row afterwards makes it stale, as in an answer file;
    a level typed in «diagnosticado_…» that is no longer the diagnosis too; without a record
    (planillas written before the columns existed) it is taken as in force."""
    from diagnostico_experto.conocimiento.respuestas import huella_area

    conocimiento = motor.conocimiento
    datos = leer_yaml(EJEMPLOS / "yumbel.yaml")
    datos.pop("validacion", None)
    evaluada = motor.evaluar(respuestas_de(Entrada("r.yaml", datos=datos), motor))
    nivel = evaluada.resultado.areas["estrategia"].nivel
    datos["validacion"] = {
        "estrategia": {
            "nivel": nivel,
            "justificacion": "La mesa comunal valida el nivel diagnosticado.",
            "diagnosticado": nivel,
            "huella": huella_area("estrategia", evaluada.respuestas.respuestas, conocimiento),
        }
    }
    ruta = tmp_path / "terreno.xlsx"
    ruta.write_bytes(planilla(conocimiento, [datos]))

    def estado(**celdas: object) -> str:
        libro = load_workbook(ruta)
        hoja = libro["respuestas"]
        encabezado = [c.value for c in hoja[1]]
        for columna, valor in celdas.items():
            hoja.cell(row=2, column=encabezado.index(columna) + 1).value = valor
        libro.save(tmp_path / "editada.xlsx")
        (entrada,) = entradas_de(tmp_path / "editada.xlsx", conocimiento)
        area = motor.evaluar(respuestas_de(entrada, motor)).resultado.areas["estrategia"]
        return area.estado_validacion

    assert estado() == "validada"
    e01 = conocimiento.cuestionario.por_id["E01"]
    otra = next(v for v in e01.valores() if v != datos["respuestas"]["E01"])
    assert estado(E01=otra) == "vencida"  # an answer of the area changed since
    otro_nivel = next(n for n in ("alto", "medio", "bajo") if n != nivel)
    assert estado(diagnosticado_estrategia=otro_nivel.upper(), huella_estrategia=None) == "vencida"
    assert estado(E01=otra, diagnosticado_estrategia=None, huella_estrategia=None) == "validada"


def test_una_validacion_de_la_planilla_sin_registro_lo_dice_en_cada_documento(
    capsys, tmp_path, motor
):
    """A level typed by hand in a planilla without «diagnosticado_…» applies (as an older
    answer file's), but no document presents it as the mesa's answer to a known diagnosis."""
    datos = leer_yaml(EJEMPLOS / "yumbel.yaml")
    datos.pop("validacion", None)
    nivel = motor.evaluar(respuestas_de(Entrada("r.yaml", datos=datos), motor))
    nivel = nivel.resultado.areas["estrategia"].nivel
    datos["validacion"] = {
        "estrategia": {"nivel": nivel, "justificacion": "La mesa está de acuerdo."}
    }
    ruta = tmp_path / "terreno.xlsx"
    ruta.write_bytes(planilla(motor.conocimiento, [datos]))
    libro = load_workbook(ruta)
    hoja = libro["respuestas"]
    encabezado = [c.value for c in hoja[1]]
    for columna in sorted(
        (i for i, c in enumerate(encabezado, 1) if c.startswith(("diagnosticado_", "huella_"))),
        reverse=True,
    ):
        hoja.delete_cols(columna)  # a planilla from before the record, filled by hand
    libro.save(ruta)
    salida = tmp_path / "informes"
    codigo, _, err = correr(capsys, "lote", ruta, "--salida", salida)
    assert codigo == 0, err
    frase = "sin registro del nivel diagnosticado que la mesa tuvo a la vista"
    md = (salida / "comunas" / "yumbel.md").read_text(encoding="utf-8")
    assert f"| Estrategia | **{nivel}** | " in md
    # not «validado»: nothing was compared; the cells say it short, the sentences whole
    assert f"| validado en {nivel} (sin registro) |" in md
    assert f"| Estrategia | {nivel} | {nivel} | La mesa está de acuerdo (sin registro). |" in md
    validacion = f"La mesa comunal validó 1 de 4 áreas (Estrategia), {frase}; pendiente en"
    assert md.count(validacion) == 2  # under the summary and under the acta's table
    html = (salida / "comunas" / "yumbel.html").read_text(encoding="utf-8")
    assert html.count(validacion) == 2 and html.count("(sin registro)") == 2
    with zipfile.ZipFile(salida / "comunas" / "yumbel.docx") as paquete:
        texto = re.sub(r"<[^>]+>", "", paquete.read("word/document.xml").decode("utf-8"))
    assert texto.count(validacion) == 2 and texto.count("(sin registro)") == 2
    indice = (salida / "index.html").read_text(encoding="utf-8")
    assert "· mesa, sin registro del diagnóstico" in indice
