"""The commands a consultant runs: the JSON contract, reports, explicar, installation."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import (
    EJEMPLOS,
    RAIZ,
    correr,
    evaluar_datos,
    evaluar_json,
    extremo,
    leer_yaml,
)
from diagnostico_experto.conocimiento.preguntas import AREAS, NIVELES
from diagnostico_experto.informes.comuna import explicacion, informe

# The keys scripts read (docs/contratos.md): they may gain siblings, never lose or rename one.
CLAVES = {"comuna", "ugt", "areas", "productos", "fusiones", "ajustes_estructura", "horas", "traza"}


def test_contrato_json(capsys, ejemplos):
    r = evaluar_json(capsys, EJEMPLOS / "canete.yaml")
    assert r == json.loads(ejemplos["canete"].resultado.model_dump_json())  # the engine's result
    assert set(r) >= CLAVES
    assert (r["comuna"], r["ugt"]) == ("Cañete", "Arauco")
    assert list(r["areas"]) == list(AREAS)
    for area in r["areas"].values():
        assert {"nivel", "puntaje", "regla", "validado", "nivel_vigente"} <= set(area)
        assert area["nivel"] in NIVELES
        assert area["puntaje"] is None or 0 <= area["puntaje"] <= 1
    escrita = leer_yaml(EJEMPLOS / "canete.yaml")["validacion"]["estructura"]
    assert r["areas"]["estructura"]["validado"] == {
        "nivel": "bajo",
        "justificacion": " ".join(escrita["justificacion"].split()),
        # the level the mesa reviewed; no date or digest: typed, not from the questionnaire
        "diagnosticado": "medio",
        "fecha": None,
        "huella": None,
    }
    assert r["areas"]["estructura"]["estado_validacion"] == "validada"
    assert r["areas"]["estructura"]["validacion_vencida"] is None
    assert r["productos"]
    assert {tuple(sorted(p)) for p in r["productos"]} == {
        (
            "area",
            "clave",
            "etapa",
            "fuera_del_tope",
            "nivel",
            "preguntas",
            "presupone",
            "regla",
            "requiere",
            "taller",
            "texto",
        )
    }
    fusiones = json.loads(ejemplos["yumbel"].resultado.model_dump_json())["fusiones"]
    claves = "servicios etapa tipo texto regla etapas unidades fundamento clientes origenes"
    assert {tuple(sorted(f)) for f in fusiones} == {tuple(sorted(claves.split()))}
    assert {"texto", "regla"} <= {k for a in r["ajustes_estructura"] for k in a}
    assert {"por_area", "otras", "total"} <= set(r["horas"])
    for area in r["areas"].values():
        assert {"provisional", "para_confirmar", "lectura"} <= set(area)
    assert list(r["horas"]["por_area"]) == list(AREAS)
    assert r["traza"]
    for paso in r["traza"]:
        assert {"regla", "hechos", "conclusion"} <= set(paso)
        assert all(isinstance(h, str) and h for h in paso["hechos"])
    # every area's level and every product is traced to the rule that produced it
    reglas_en_traza = {p["regla"] for p in r["traza"]}
    assert {a["regla"] for a in r["areas"].values()} <= reglas_en_traza
    assert {p["regla"] for p in r["productos"]} <= reglas_en_traza


def test_traza_nombra_las_respuestas_que_dispararon_la_regla(ejemplos):
    traza = ejemplos["cobquecura"].resultado.traza
    paso = next(p for p in traza if p.regla == "estrategia-bajo-sin-lineamientos")
    assert paso.hechos == [
        "Lineamientos de fomento productivo (estrategia): no existe; "
        "no hay lineamientos de fomento productivo definidos"
    ]
    assert paso.conclusion == "Nivel diagnosticado de estrategia: bajo"
    lectura = next(p for p in traza if p.regla == "elemento:e02-no-hay")
    assert lectura.hechos == [
        "E02 «¿Dónde están definidos los lineamientos estratégicos de fomento productivo?»: "
        "No hay lineamientos definidos"
    ]


@pytest.mark.parametrize(
    ("nombre", "formato"), [("i.json", "json"), ("i.html", "html"), ("i.md", "md")]
)
def test_salida_a_archivo_deduce_el_formato(capsys, tmp_path, nombre, formato):
    destino = tmp_path / "informes" / nombre
    codigo, out, err = correr(capsys, "evaluar", EJEMPLOS / "yumbel.yaml", "--salida", destino)
    assert codigo == 0
    assert out == ""
    assert str(destino) in err
    texto = destino.read_text(encoding="utf-8")
    if formato == "json":
        assert json.loads(texto)["comuna"] == "Yumbel"
    elif formato == "html":
        assert texto.startswith("<!DOCTYPE html>")
    else:
        assert texto.startswith("# Diagnóstico de fomento productivo — Yumbel")
    assert [p.name for p in destino.parent.iterdir()] == [nombre]  # no temporary file left behind


@pytest.mark.parametrize(
    ("nombre", "opciones", "mensaje"),
    [
        (
            "i.pdf",
            (),
            "Error: el informe no se escribe en PDF (abra el HTML en el navegador e imprímalo "
            "como PDF); --salida debe terminar en .md, .html, .docx o .json.",
        ),
        (
            "i.doc",
            (),
            "Error: la extensión .doc no es un formato que se escriba; --salida debe terminar "
            "en .md, .html, .docx o .json.",
        ),
        (
            "informe",
            (),
            "Error: el archivo no tiene extensión; --salida debe terminar en .md, .html, .docx "
            "o .json.",
        ),
        (
            "i.docx",
            ("--formato", "md"),
            "Error: --formato md no corresponde a la extensión .docx de --salida; use la "
            "extensión del formato (.md, .html, .docx o .json).",
        ),
    ],
)
def test_una_extension_que_no_es_el_formato_se_rechaza(capsys, tmp_path, nombre, opciones, mensaje):
    destino = tmp_path / nombre
    codigo, out, err = correr(
        capsys, "evaluar", EJEMPLOS / "yumbel.yaml", "--salida", destino, *opciones
    )
    assert (codigo, out) == (2, "")
    assert mensaje in err.splitlines()
    assert not destino.exists()


def test_sin_extension_con_formato_explicito_se_escribe(capsys, tmp_path):
    destino = tmp_path / "informe"
    codigo, _, err = correr(
        capsys, "evaluar", EJEMPLOS / "yumbel.yaml", "--salida", destino, "--formato", "html"
    )
    assert codigo == 0, err
    assert destino.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_informe_markdown(motor, ejemplos):
    out = informe(ejemplos["canete"], motor.reglas, motor.conocimiento, "md")
    assert "Ejemplo ilustrativo" in out
    # The summary row of an area validated in another level says both, and its hours follow
    # the validated one: checked against the result, so tuning knowledge does not break it.
    area = ejemplos["canete"].resultado.areas["estructura"]
    assert area.validado is not None and area.validado.nivel != area.nivel
    fila = next(f for f in out.splitlines() if f.startswith("| Estructura | **"))
    celdas = [c.strip() for c in fila.strip("|").split("|")]
    assert celdas[1] == f"**{area.nivel_vigente}**" == f"**{area.validado.nivel}**"
    assert celdas[3] == f"validado en {area.validado.nivel} (diagnóstico: {area.nivel})"
    horas = ejemplos["canete"].resultado.horas.por_area["estructura"]
    assert celdas[4] == f"{horas:g} h"
    assert "Identificación de las fortalezas de la estrategia de fomento productivo" in out
    # no rule annex unless asked for (as in Word): the report ends with the acta's date
    assert "Anexo" not in out and "estrategia-alto" not in out
    assert out.rstrip().endswith("Fecha: " + "\\_" * 14)


def test_con_anexo_el_markdown_termina_con_las_reglas_aplicadas(capsys):
    codigo, out, err = correr(capsys, "evaluar", EJEMPLOS / "canete.yaml", "--anexo")
    assert codigo == 0, err
    # rule ids and places only in the annex, at the end
    documento, anexo = out.split("## Anexo: reglas aplicadas")
    assert "estrategia-alto" not in documento
    assert "| estrategia-alto | " in anexo
    assert "rules/clasificacion.yaml:" in anexo


def test_el_lote_escribe_los_informes_sin_anexo_salvo_el_html_plegado(lote_de_ejemplos):
    salida, _ = lote_de_ejemplos
    comunas = salida / "comunas"
    assert "Anexo" not in (comunas / "canete.md").read_text(encoding="utf-8")
    with zipfile.ZipFile(comunas / "canete.docx") as paquete:
        assert "Anexo" not in paquete.read("word/document.xml").decode("utf-8")
    assert '<details class="anexo">' in (comunas / "canete.html").read_text(encoding="utf-8")


def test_html_escapa_el_texto_de_las_respuestas_y_es_autocontenido(motor):
    ataque = "<script>alert('x')</script>"
    evaluacion = evaluar_datos(
        motor,
        dict(extremo(motor.conocimiento, mejor=True), T07=ataque),
        mesa=[{"nombre": ataque, "cargo": "<b>jefe</b>", "unidad": "UDEL"}],
        validacion={"procesos": {"nivel": "medio", "justificacion": ataque}},
    )
    html = informe(evaluacion, motor.reglas, motor.conocimiento, "html")
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") >= 3  # observations, mesa member, justification
    assert "<b>jefe</b>" not in html and "&lt;b&gt;jefe&lt;/b&gt;" in html
    assert "http://" not in html and "https://" not in html  # works offline
    md = informe(evaluacion, motor.reglas, motor.conocimiento, "md")
    assert "<script>" not in md
    assert r"\<script\>" in md


def test_explicar(capsys):
    codigo, out, _ = correr(capsys, "explicar", EJEMPLOS / "yumbel.yaml")
    assert codigo == 0
    assert "## Estrategia: nivel medio (56 % de logro)" in out
    # the rule, its description and where it is defined
    assert "regla `estrategia-medio` (rules/clasificacion.yaml:" in out
    # the answers behind the score
    assert (
        "E01 «¿Tiene la municipalidad una visión y una misión para el fomento productivo?»: "
        "Existen, pero están obsoletas o no se aplican (1 de 2 puntos)" in out
    )
    # what was missing for the next level up, with the comuna's own value
    # the level said in the source's terms
    assert (
        "Nivel medio: los lineamientos están explícitos y vigentes en el PLADECO; la visión y "
        "la misión existen, pero están obsoletas o no se aplican;"
    ) in out
    assert "Para llegar a nivel alto faltó:" in out
    assert (
        "Visión y misión de fomento productivo: existe — la comuna: "
        "la visión y la misión existen, pero están obsoletas o no se aplican"
    ) in out


def test_explicar_nivel_bloqueado_por_regla_de_mayor_prioridad(motor, ejemplos):
    out = explicacion(ejemplos["canete"], motor.reglas, motor.conocimiento)
    procesos = out.split("## Procesos")[1].split("## Productos")[0]
    assert (
        "y que no se cumpla la regla `procesos-bajo-sin-par-cliente-producto` (prioridad 100)"
        in procesos
    )
    estrategia = out.split("## Estrategia")[1].split("## Estructura")[0]
    assert "Es el nivel más alto" in estrategia
    assert "se trabaja en nivel bajo" in out.split("## Estructura")[1].split("## Procesos")[0]


def test_opciones_globales_antes_del_comando(capsys, tmp_path):
    reglas = tmp_path / "no-existe"
    codigo, _, err = correr(capsys, "--reglas", reglas, "evaluar", EJEMPLOS / "yumbel.yaml")
    assert codigo == 2
    assert "la carpeta de reglas no existe" in err


@pytest.mark.lento
@pytest.mark.skipif(shutil.which("uv") is None, reason="uv no está disponible")
def test_instalado_como_wheel_fuera_del_repositorio(tmp_path):
    """The wheel carries default rules and knowledge; it runs from any folder."""
    subprocess.run(
        ["uv", "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(RAIZ)],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("*.whl"))
    destino = tmp_path / "instalado"
    with zipfile.ZipFile(wheel) as z:
        nombres = z.namelist()
        assert "diagnostico_experto/_datos/rules/clasificacion.yaml" in nombres
        assert "diagnostico_experto/_datos/knowledge/cuestionario.yaml" in nombres
        z.extractall(destino)
    trabajo = tmp_path / "otra-carpeta"
    trabajo.mkdir()
    ejemplo = shutil.copy(EJEMPLOS / "penco.yaml", trabajo / "penco.yaml")
    entorno = dict(os.environ, PYTHONPATH=str(destino))
    proceso = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, diagnostico_experto.cli.principal as c; print(c.__file__, file=sys.stderr); sys.exit(c.main())",
            "evaluar",
            "penco.yaml",
            "--formato",
            "json",
        ],
        cwd=trabajo,
        env=entorno,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proceso.returncode == 0, proceso.stderr
    assert str(destino) in proceso.stderr  # the installed copy ran, not the checkout
    assert json.loads(proceso.stdout)["areas"]["procesos"]["nivel"] == "alto"
    assert ejemplo.exists()
    lote = subprocess.run(
        [sys.executable, "-m", "diagnostico_experto", "lote", "--salida", "informes"],
        cwd=trabajo,
        env=entorno,
        capture_output=True,
        text=True,
        check=False,
    )
    assert lote.returncode == 0, lote.stderr
    ejemplos = sorted(p.stem for p in EJEMPLOS.glob("*.yaml"))  # the shipped examples
    assert sorted(p.stem for p in (trabajo / "informes" / "comunas").glob("*.html")) == ejemplos
    assert (trabajo / "informes" / "index.html").exists()


@pytest.mark.lento
def test_el_proceso_termina_sin_perder_salida_ni_codigo(capsys, tmp_path):
    """After evaluar the process skips Python's teardown: all of stdout still arrives,
    and the exit code is the command's."""
    _, esperado, _ = correr(capsys, "evaluar", EJEMPLOS / "yumbel.yaml")
    proceso = subprocess.run(
        [sys.executable, "-m", "diagnostico_experto", "evaluar", str(EJEMPLOS / "yumbel.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (proceso.returncode, proceso.stdout) == (0, esperado)
    malo = tmp_path / "no-existe.yaml"
    proceso = subprocess.run(
        [sys.executable, "-m", "diagnostico_experto", "explicar", str(malo)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proceso.returncode == 2
    assert proceso.stderr == f"{malo}: el archivo no existe\n"
