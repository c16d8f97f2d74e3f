"""Evidence per answer: listed beside each answer, missing ones in the acta, files
checked by their SHA-256, an alto without evidence provisional."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from conftest import SERVICIO, correr, escribir_yaml, extremo


def _archivo(tmp_path: Path, conocimiento, evidencias: list[dict], **extra) -> Path:  # type: ignore[no-untyped-def]
    datos = {
        "comuna": "Ninhue",
        "fecha": "2026-11-01",
        "respuestas": extremo(conocimiento, mejor=True),
        "servicios": [SERVICIO],
        "mesa": [{"nombre": "Ana Pérez", "cargo": "Encargada", "unidad": "UDEL"}],
        "evidencias": evidencias,
        **extra,
    }
    return escribir_yaml(tmp_path / "ninhue.yaml", datos)


def _decreto(tmp_path: Path) -> dict:
    archivo = tmp_path / "evidencias" / "decreto.pdf"
    archivo.parent.mkdir(exist_ok=True)
    archivo.write_bytes(b"%PDF-1.4 decreto 123")
    return {
        "pregunta": "O04",
        "documento": "Decreto alcaldicio 123",
        "fecha": "2026-10-12",
        "responde": "Ana Pérez",
        "archivo": "evidencias/decreto.pdf",
        "sha256": hashlib.sha256(archivo.read_bytes()).hexdigest(),
    }


def test_evidence_is_listed_beside_its_answer_and_the_acta_lists_the_rest(
    tmp_path, conocimiento, capsys
) -> None:  # type: ignore[no-untyped-def]
    correcciones = [
        {
            "pregunta": "E02",
            "antes": "pladeco_explicitos",
            "despues": "plan_propio",
            "fecha": "2026-11-20",
        }
    ]
    ruta = _archivo(tmp_path, conocimiento, [_decreto(tmp_path)], correcciones=correcciones)
    codigo, out, err = correr(capsys, "evaluar", ruta)
    assert codigo == 0, err
    assert (
        "**Sí, por escrito** (fortaleza) — evidencia: Decreto alcaldicio 123, "
        "archivo evidencias/decreto.pdf, 12 de octubre de 2026, respondió Ana Pérez"
    ) in out
    assert (
        "**Sí, una unidad, oficina o departamento propio** (fortaleza) — evidencia: sin evidencia"
        in out
    )
    acta = out.split("### Acta de validación")[1]
    # questions by their words, as the mesa knows them (never «E01»)
    assert (
        "Respuestas que piden evidencia y no la tienen: «¿Tiene la municipalidad una visión y "
        "una misión para el fomento productivo?»" in acta
    )
    assert "«¿Están definidas las funciones" not in acta.split("Respuestas corregidas")[0]
    assert (
        "Respuestas corregidas por la mesa comunal: «¿Dónde están definidos los lineamientos "
        "estratégicos de fomento productivo?»: En el PLADECO, de forma explícita y "
        "vigente → En un plan de fomento productivo o de desarrollo económico vigente "
        "(sesión del 20 de noviembre de 2026)."
    ) in acta
    # every area is alto, with answers that want evidence and lack it: provisional
    # said with the questions' words, never their ids alone
    assert (
        "- El nivel de estructura es provisional: el alto espera la evidencia de 3 respuestas "
        "(se listan en el área)."
    ) in out
    assert (
        "Para confirmar el nivel: Alto por confirmar con evidencia de 3 respuestas: "
        "«¿Existe una unidad de fomento productivo en la municipalidad?», «¿Cómo se fue "
        "formando la estructura de fomento productivo?», «¿Qué mecanismos de "
        "coordinación existen entre los programas y con otras unidades?»."
    ) in out
    assert "O01, O03" not in out


def test_a_missing_or_changed_evidence_file_is_one_line(tmp_path, conocimiento, capsys) -> None:  # type: ignore[no-untyped-def]
    evidencia = _decreto(tmp_path)
    ruta = _archivo(tmp_path, conocimiento, [evidencia])
    (tmp_path / "evidencias" / "decreto.pdf").write_bytes(b"otro contenido")
    codigo, _, err = correr(capsys, "evaluar", ruta)
    assert codigo == 2
    assert (
        err.strip()
        .splitlines()[-1]
        .endswith(
            "evidencias[1].archivo: el archivo de evidencia «evidencias/decreto.pdf» cambió desde "
            "que se registró (su SHA-256 ya no es el anotado): revíselo y anote la nueva huella"
        )
    )
    (tmp_path / "evidencias" / "decreto.pdf").unlink()
    codigo, _, err = correr(capsys, "evaluar", ruta)
    assert codigo == 2
    assert (
        "evidencias[1].archivo: el archivo de evidencia «evidencias/decreto.pdf» no está junto "
        "al archivo de respuestas"
    ) in err
    assert "Traceback" not in err


def test_in_a_batch_a_missing_evidence_file_is_exit_1_and_the_rest_is_evaluated(
    tmp_path, conocimiento, capsys
) -> None:  # type: ignore[no-untyped-def]
    entrada = tmp_path / "entrada"
    entrada.mkdir()
    _archivo(entrada, conocimiento, [{**_decreto(tmp_path), "archivo": "no-esta.pdf"}])
    escribir_yaml(
        entrada / "yumbel.yaml",
        {"comuna": "Yumbel", "respuestas": extremo(conocimiento, mejor=False)},
    )
    codigo, _, err = correr(capsys, "lote", entrada, "--salida", tmp_path / "informes")
    assert codigo == 1
    assert "el archivo de evidencia «no-esta.pdf» no está junto al archivo de respuestas" in err
    assert (tmp_path / "informes" / "comunas" / "yumbel.md").exists()


def test_evidence_needs_a_document_a_file_or_a_link(tmp_path, conocimiento, capsys) -> None:  # type: ignore[no-untyped-def]
    ruta = _archivo(tmp_path, conocimiento, [{"pregunta": "O04", "responde": "Ana"}])
    codigo, _, err = correr(capsys, "evaluar", ruta)
    assert codigo == 2
    assert "una evidencia nombra un documento, un archivo o un enlace" in err
    ruta = _archivo(tmp_path, conocimiento, [{"pregunta": "O04", "archivo": "../fuera.pdf"}])
    codigo, _, err = correr(capsys, "evaluar", ruta)
    assert codigo == 2
    assert "una ruta relativa, sin «..»" in err


def test_index_and_workbook_count_answers_with_evidence(lote_de_ejemplos) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    salida, _ = lote_de_ejemplos
    hoja = openpyxl.load_workbook(salida / "resumen.xlsx")["Comunas"]
    encabezado = [c.value for c in hoja[1]]
    assert "Respuestas con evidencia" in encabezado
    assert "Respuestas que piden evidencia" in encabezado
    indice = (salida / "index.html").read_text("utf-8")
    assert '<th class="num">Con evidencia</th>' in indice
    assert (
        "Con evidencia: de las respuestas que piden un respaldo (las que dicen que un elemento "
        "clave existe, se usa o se mide), cuántas lo tienen; «—» cuando ninguna respuesta lo pide."
    ) in indice
    # Cobquecura's answers ask for no evidence; Penco's ask for 10, none given
    fila = re.compile(r"<tr>\n<td>([^<]*)</td>.*?<td class=\"num\">([^<]*)</td>\n<td><a", re.S)
    celdas = dict(m.groups() for m in fila.finditer(indice))
    assert (celdas["Cobquecura"], celdas["Penco"]) == ("—", "0 de 10")
