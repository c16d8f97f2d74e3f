"""The interactive questionnaire, driven without a human through prompt_toolkit's pipe input.

Keys are sent ahead of time; prompt_toolkit keeps the ones a prompt does not
use for the next prompt. When the keys run out the pipe is closed, the next
prompt ends with EOFError, and the test looks at what was saved on disk.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from conftest import CONOCIMIENTO, RAIZ, REGLAS, correr, escribir_yaml, leer_yaml
from diagnostico_experto.conocimiento.preguntas import NO_SABE
from diagnostico_experto.terminal.entrevista import Entrevista

ENTER, ABAJO, ESPACIO, BORRAR = "\r", "\x1b[B", " ", "\x7f"


def elegir(indice: int) -> str:
    return ABAJO * indice + ENTER


def marcar(*indices: int) -> str:
    teclas, posicion = "", 0
    for i in sorted(indices):
        teclas += ABAJO * (i - posicion) + ESPACIO
        posicion = i
    return teclas + ENTER


def entrevistar(ruta: Path, teclas: str, comuna: str | None = "Ninhue") -> Entrevista:
    with create_pipe_input() as entrada:
        entrada.send_text(teclas)
        entrada.close()
        entrevista = Entrevista.desde_carpetas(
            ruta, REGLAS, CONOCIMIENTO, entrada=entrada, salida=DummyOutput()
        )
        with contextlib.suppress(EOFError):  # the keys ran out: like closing the terminal
            entrevista.correr(comuna)
    return entrevista


def teclas_de(pregunta, valor: Any) -> str:
    """The keys that give ``valor`` to ``pregunta`` in its widget."""
    valores = pregunta.valores() + ([NO_SABE] if pregunta.no_sabe else [])
    if pregunta.tipo in ("numero", "texto"):
        return ("ns" if valor == NO_SABE else str(valor)) + ENTER
    if pregunta.tipo == "opcion_multiple":
        elegidos = [NO_SABE] if valor == NO_SABE else valor
        return marcar(*(valores.index(v) for v in elegidos))
    return elegir(valores.index(valor))


def _primera(pregunta) -> Any:
    if pregunta.tipo == "opcion_multiple":
        return [pregunta.valores()[0]]
    if pregunta.tipo in ("numero", "texto"):
        return 2 if pregunta.tipo == "numero" else "Sin observaciones."
    return pregunta.valores()[0]


def recorrido(conocimiento, elecciones: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Keys for every applicable question, in order, and the answers they give."""
    teclas, dadas = "", {}
    for pregunta in conocimiento.cuestionario.preguntas:
        if not conocimiento.cuestionario.aplica(pregunta, dadas):
            continue
        valor = elecciones.get(pregunta.id, _primera(pregunta))
        teclas += teclas_de(pregunta, valor)
        dadas[pregunta.id] = valor
    return teclas, dadas


ELECCIONES = {  # every question type, "no sé" and skip logic (E02 no_hay skips E03 and E09)
    "E02": "no_hay",
    "E06": 2,  # escala
    "E07": "no",  # si_no
    "E08": NO_SABE,
    "O05": ["reuniones_equipo", "informal"],  # opción múltiple
    "O06": 1.5,  # número
    "P06": ["ninguno"],
    "S01": 2,
    "T07": "La mesa pide revisar la estructura.",  # texto
}


def test_recorrido_completo_por_cada_tipo_de_pregunta(tmp_path, conocimiento, capsys):
    teclas, dadas = recorrido(conocimiento, ELECCIONES)
    servicio = "PRODESAL\r" + "UDEL\r" + elegir(1) + marcar(2) + marcar(0, 2) + ENTER
    mesa = elegir(1) + "Ana Pérez\r" + "Encargada\r" + "UDEL\r" + ENTER
    teclas += elegir(1) + servicio + ENTER + mesa + elegir(1)  # report in Markdown
    ruta = tmp_path / "ninhue.yaml"
    entrevistar(ruta, teclas)
    guardado = leer_yaml(ruta)
    assert guardado["comuna"] == "Ninhue"
    assert guardado["respuestas"] == dadas
    assert "E03" not in guardado["respuestas"] and "E09" not in guardado["respuestas"]
    assert guardado["servicios"] == [
        {
            "nombre": "PRODESAL",
            "unidad": "UDEL",
            "origen": "indap",
            "clientes": ["pequenos_agricultores"],
            "etapas": ["difusion", "diagnostico"],
            "area_proceso": "desarrollo_capacidades",
        }
    ]
    assert guardado["mesa"] == [{"nombre": "Ana Pérez", "cargo": "Encargada", "unidad": "UDEL"}]
    salida = capsys.readouterr().out
    assert "Estrategia: 7 de 7 respondidas (1 «no sé»)" in salida
    assert "== Diagnóstico de Ninhue (UGT Secano Costero) ==" in salida
    assert "Definición de los lineamientos de fomento productivo." in salida
    assert "Horas de acompañamiento:" in salida
    informe = (tmp_path / "ninhue.md").read_text(encoding="utf-8")
    assert informe.startswith("# Diagnóstico de fomento productivo — Ninhue")


def test_cada_respuesta_queda_en_disco_al_momento(tmp_path):
    ruta = tmp_path / "r.yaml"
    entrevistar(ruta, elegir(0) + elegir(4))  # E01 vigentes, E02 no_hay, then the keys end
    assert leer_yaml(ruta)["respuestas"] == {"E01": "vigentes", "E02": "no_hay"}
    assert oct(ruta.stat().st_mode & 0o777) != "0o600"


def test_volver_y_cambiar_quita_lo_que_deja_de_aplicar(tmp_path, capsys):
    ruta = tmp_path / "r.yaml"
    volver = elegir(5)  # E03 and E04: 3 options, "no sé", "ayuda", then "volver"
    teclas = elegir(0) + elegir(0) + elegir(0)  # E01, E02 plan_propio, E03 si
    teclas += volver + volver + elegir(4)  # back to E02 and change it to no_hay
    entrevistar(ruta, teclas)
    assert leer_yaml(ruta)["respuestas"] == {"E01": "vigentes", "E02": "no_hay"}
    assert "Ya no aplican y se quitaron: E03." in capsys.readouterr().out


def test_ayuda_y_por_que_desde_las_reglas(tmp_path, capsys):
    entrevistar(tmp_path / "r.yaml", elegir(4))  # "¿Ayuda y por qué se pregunta?" on E01
    salida = capsys.readouterr().out
    assert "Ayuda: La visión y la misión municipal" in salida
    assert "Por qué se pregunta (según las reglas cargadas):" in salida
    assert "producto-mision-vision (rules/productos.yaml:" in salida
    assert "suma al % de logro de Estrategia" in salida


def test_un_numero_invalido_se_vuelve_a_pedir(tmp_path, conocimiento):
    respuestas = {p: v for p, v in recorrido(conocimiento, ELECCIONES)[1].items() if p < "O06"}
    ruta = escribir_yaml(tmp_path / "r.yaml", {"comuna": "Ninhue", "respuestas": respuestas})
    entrevistar(ruta, "999" + ENTER + BORRAR * 3 + "tres" + ENTER + BORRAR * 4 + "2,5" + ENTER)
    assert leer_yaml(ruta)["respuestas"]["O06"] == 2.5


def test_retoma_en_la_primera_pregunta_sin_responder(tmp_path, capsys):
    ruta = escribir_yaml(
        tmp_path / "r.yaml",
        {"comuna": "Ninhue", "respuestas": {"E01": "vigentes", "E02": "plan_propio"}},
    )
    entrevistar(ruta, elegir(1), comuna=None)  # E03: parcial
    salida = capsys.readouterr().out
    assert "Se retoma el cuestionario de Ninhue en Estrategia 3/9 (E03)" in salida
    assert leer_yaml(ruta)["respuestas"] == {
        "E01": "vigentes",
        "E02": "plan_propio",
        "E03": "parcial",
    }


def test_inventario_agregar_editar_y_quitar(tmp_path, conocimiento):
    respuestas = recorrido(conocimiento, ELECCIONES)[1]
    ruta = escribir_yaml(tmp_path / "r.yaml", {"comuna": "Ninhue", "respuestas": respuestas})
    uno = elegir(1) + "Uno\r" + "UDEL\r" + elegir(0) + marcar(0) + marcar(1) + ENTER
    dos = elegir(1) + "Dos\r" + "OMIL\r" + elegir(4) + marcar(6) + marcar(3) + elegir(1)
    editar = (
        elegir(2) + elegir(0) + BORRAR * 3 + "Uno bis\r" + ENTER + ENTER + ENTER + ENTER + ENTER
    )
    quitar = elegir(3) + elegir(1)
    entrevistar(ruta, uno + dos + editar + quitar + ENTER)
    servicios = leer_yaml(ruta)["servicios"]
    assert [s["nombre"] for s in servicios] == ["Uno bis"]
    assert servicios[0]["clientes"] == ["microempresas"]
    assert servicios[0]["etapas"] == ["inscripcion"]


def test_la_comuna_se_pide_con_autocompletado(tmp_path):
    ruta = tmp_path / "r.yaml"
    entrevistar(ruta, "quillon" + ENTER + elegir(0), comuna=None)
    assert leer_yaml(ruta)["comuna"] == "Quillón"


def test_sin_terminal_indica_usar_evaluar(capsys, tmp_path):
    codigo, _, err = correr(capsys, "cuestionario", tmp_path / "r.yaml")
    assert codigo == 2
    assert "necesita una terminal" in err
    assert "diagnostico evaluar" in err
    assert not (tmp_path / "r.yaml").exists()


@pytest.mark.lento
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
def test_kill_9_no_pierde_respuestas_y_se_retoma(tmp_path):
    """A real pseudo-terminal: answer, SIGKILL, start again, resume with the answers kept."""
    ruta = tmp_path / "r.yaml"
    orden = [sys.executable, "-m", "diagnostico_experto", "cuestionario", str(ruta)]
    entorno = {**os.environ, "COLUMNS": "80", "LINES": "30", "TERM": "xterm"}
    hijo = pexpect.spawn(
        orden[0],
        [*orden[1:], "--comuna", "Ninhue"],
        cwd=RAIZ,
        env=entorno,
        encoding="utf-8",
        dimensions=(30, 80),
        timeout=30,
    )
    for siguiente in ("E02", "E03", "E04"):  # E01 vigentes, E02 plan_propio, E03 si
        hijo.expect("Enter")
        hijo.send(ENTER)
        hijo.expect(siguiente)
    hijo.kill(signal.SIGKILL)
    hijo.wait()
    assert leer_yaml(ruta)["respuestas"] == {"E01": "vigentes", "E02": "plan_propio", "E03": "si"}
    hijo = pexpect.spawn(
        orden[0],
        orden[1:],
        cwd=RAIZ,
        env=entorno,
        encoding="utf-8",
        dimensions=(30, 80),
        timeout=30,
    )
    hijo.expect("Se retoma el cuestionario de Ninhue")
    hijo.expect("E04")
    hijo.kill(signal.SIGKILL)
    hijo.wait()
    assert leer_yaml(ruta)["respuestas"]["E03"] == "si"
