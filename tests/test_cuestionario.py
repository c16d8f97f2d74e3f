"""The interactive questionnaire, driven without a human through prompt_toolkit's pipe input.

Keys are sent ahead of time; prompt_toolkit keeps the ones a prompt does not
use for the next prompt. When the keys run out the pipe is closed, the next
prompt ends with EOFError, and the test looks at what was saved on disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any

import pexpect
import pyte
import pytest
from prompt_toolkit.application import application
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.key_binding.defaults import load_key_bindings
from prompt_toolkit.output import DummyOutput
from questionary import Separator

from conftest import CONOCIMIENTO, RAIZ, REGLAS, SERVICIO, correr, escribir_yaml, leer_yaml
from diagnostico_experto.cli.variables import entorno_de
from diagnostico_experto.conocimiento.preguntas import AREAS, NO_SABE
from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
from diagnostico_experto.reglas.lenguaje import cargar_reglas
from diagnostico_experto.terminal import cierre
from diagnostico_experto.terminal.entrevista import Entrevista

ENTER, ABAJO, ARRIBA, ESPACIO, BORRAR = "\r", "\x1b[B", "\x1b[A", " ", "\x7f"


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
            ruta,
            REGLAS,
            CONOCIMIENTO,
            entorno_de({"UV": "uv"}),  # hints as under «uv run», the README's way
            entrada=entrada,
            salida=DummyOutput(),
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
    """Keys for every applicable question, in order, and the answers they give.

    An answer that wants evidence is followed by Enter: «No por ahora, seguir».
    """
    teclas, dadas = "", {}
    for pregunta in conocimiento.cuestionario.preguntas:
        if not conocimiento.cuestionario.aplica(pregunta, dadas):
            continue
        valor = elecciones.get(pregunta.id, _primera(pregunta))
        teclas += teclas_de(pregunta, valor)
        if conocimiento.evidencia.pide(pregunta.id, valor):
            teclas += ENTER
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
    "S01": 1,  # as many services as the inventory of the tests holds
    "T07": "La mesa pide revisar la estructura.",  # texto
}


# Where each end-menu entry is (terminal/cierre.MENU holds the order).
(
    PRODUCTOS,
    PROPUESTA,
    CAMINO,
    RAZONES,
    REVISAR,
    VALIDAR,
    INVENTARIO,
    RESPONSABLES,
    EVIDENCIA,
    INFORME,
    SALIR,
) = (
    cierre.MENU.index(e)
    for e in (
        cierre.PRODUCTOS,
        cierre.PROPUESTA,
        cierre.CAMINO,
        cierre.RAZONES,
        cierre.REVISAR,
        cierre.VALIDAR,
        cierre.INVENTARIO,
        cierre.RESPONSABLES,
        cierre.EVIDENCIA,
        cierre.INFORME,
        cierre.SALIR,
    )
)  # each entry's place in the end menu, by what it is
SALIDA = elegir(SALIR) + elegir(1)  # «Salir», then «Sí, salir»: leaving is confirmed


@pytest.fixture(autouse=True)
def teclas_por_defecto_una_vez(monkeypatch):
    """prompt_toolkit builds its default key bindings (emacs, vi, mouse) for every prompt.

    They are the same for every prompt and only read the running application,
    so the tests build them once: a few hundred prompts, a fifth of their time.
    """
    monkeypatch.setattr(application, "load_key_bindings", functools.cache(load_key_bindings))


@pytest.fixture(autouse=True)
def pantalla_alta(monkeypatch):
    """A tall terminal: every list and view fits one page, so keys are predictable.

    Started as the README says (``uv run``), so hints read ``uv run diagnostico``.
    """
    monkeypatch.setenv("UV", "uv")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "300")


def terminado(tmp_path, conocimiento, nombre="r.yaml", **cambios) -> Path:
    """An answer file finished in an earlier session: every answer, a service, a mesa."""
    respuestas = recorrido(conocimiento, {**ELECCIONES, "E02": "plan_propio", **cambios})[1]
    datos = {
        "comuna": "Ninhue",
        "fecha": "2026-11-01",
        "respuestas": respuestas,
        "servicios": [SERVICIO],
        "mesa": [{"nombre": "Ana Pérez", "cargo": "Encargada", "unidad": "UDEL"}],
    }
    return escribir_yaml(tmp_path / nombre, datos)


def test_recorrido_completo_por_cada_tipo_de_pregunta(tmp_path, conocimiento, capsys):
    teclas, dadas = recorrido(conocimiento, ELECCIONES)
    servicio = "PRODESAL\r" + "UDEL\r" + elegir(1) + marcar(2) + marcar(0, 2) + ENTER
    mesa = elegir(1) + "Ana Pérez\r" + "Encargada\r" + "UDEL\r" + ENTER
    teclas += elegir(1) + servicio + ENTER + mesa
    teclas += elegir(PRODUCTOS) + ENTER + elegir(INFORME) + elegir(1) + ENTER + SALIDA  # Markdown
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
    assert "Cada respuesta se guarda en" in salida  # the opening screen
    niveles = salida.split("== Diagnóstico de Ninhue (UGT Secano Costero) ==")[1]
    niveles = niveles.split("== Productos recomendados")[0].strip().splitlines()
    assert len(niveles) <= 9  # with the title, at most 10 lines
    assert niveles[0].split()[:2] == ["Estrategia", "bajo"]
    assert "Definición de los lineamientos de fomento productivo." in salida
    informe = (tmp_path / "ninhue.md").read_text(encoding="utf-8")
    assert informe.startswith("# Diagnóstico de fomento productivo — Ninhue")
    assert f"Para volver a este cuestionario:\n  uv run diagnostico cuestionario {ruta}\n" in salida


def test_cada_respuesta_queda_en_disco_al_momento(tmp_path):
    ruta = tmp_path / "r.yaml"
    # E01 vigentes, no evidence now (Enter), E02 no_hay, then the keys end
    entrevistar(ruta, elegir(0) + ENTER + elegir(4))
    assert leer_yaml(ruta)["respuestas"] == {"E01": "vigentes", "E02": "no_hay"}
    assert oct(ruta.stat().st_mode & 0o777) != "0o600"


def test_volver_y_cambiar_quita_lo_que_deja_de_aplicar(tmp_path, capsys):
    ruta = tmp_path / "r.yaml"
    teclas = elegir(0) + ENTER + elegir(0) + ENTER + elegir(0)  # E01, E02 plan_propio, E03 si
    teclas += "<" + "<" + elegir(4)  # back to E03, back to E02, change it to no_hay
    entrevistar(ruta, teclas)
    assert leer_yaml(ruta)["respuestas"] == {"E01": "vigentes", "E02": "no_hay"}
    assert "Ya no aplican y se quitaron: E03 («¿El plan de fomento productivo" in (
        capsys.readouterr().out
    )


def test_volver_llega_a_una_respuesta_de_una_sesion_anterior(tmp_path, capsys):
    ruta = escribir_yaml(
        tmp_path / "r.yaml",
        {"comuna": "Ninhue", "respuestas": {"E01": "vigentes", "E02": "plan_propio"}},
    )
    entrevistar(ruta, ENTER + "<" + elegir(2), comuna=None)  # seguir; at E03, back; E02 diluidos
    assert leer_yaml(ruta)["respuestas"] == {"E01": "vigentes", "E02": "diluidos_pladeco"}
    assert "Es la primera pregunta" not in capsys.readouterr().out


def test_ayuda_y_por_que_con_la_tecla(tmp_path, capsys):
    entrevistar(tmp_path / "r.yaml", "?")  # on E01, a list
    salida = capsys.readouterr().out
    assert "Ayuda: La visión y la misión municipal" in salida
    assert "Por qué se pregunta:" in salida
    assert "La visión y la misión de fomento productivo no existen o están obsoletas" in salida
    assert "suma al % de logro de Estrategia, que cuenta para su nivel." in salida
    # plain words for the mesa: rule ids and file names are for «explicar»
    assert "producto-mision-vision" not in salida and "rules/" not in salida
    assert "estrategia-alto" not in salida


def test_ayuda_y_volver_son_teclas_en_casillas_y_numeros(tmp_path, conocimiento, capsys):
    respuestas = {p: v for p, v in recorrido(conocimiento, ELECCIONES)[1].items() if p < "O05"}
    ruta = escribir_yaml(tmp_path / "r.yaml", {"comuna": "Ninhue", "respuestas": respuestas})
    # seguir; O05 (tick boxes): ? then <; O04 again: Enter keeps it; O05: tick 0; O06: ? then 3
    entrevistar(ruta, ENTER + "?" + "<" + ENTER + marcar(0) + "?" + "3" + ENTER)
    salida = capsys.readouterr().out
    assert salida.count("Por qué se pregunta") == 2
    guardado = leer_yaml(ruta)["respuestas"]
    assert guardado["O05"] == ["reuniones_equipo"]
    assert guardado["O06"] == 3


def test_cada_tipo_de_pregunta_tiene_su_control():
    from diagnostico_experto.conocimiento.preguntas import POR_TIPO
    from diagnostico_experto.terminal.controles import control

    esperado = {
        "si_no": "lista",
        "opcion_unica": "lista",
        "escala": "lista",
        "opcion_multiple": "casillas",
        "numero": "escrita",
        "texto": "escrita",
    }
    assert set(POR_TIPO) == set(esperado)  # a new question type needs its widget
    opciones = [{"valor": "a", "texto": "A"}, {"valor": "b", "texto": "B"}]
    for tipo, clase in POR_TIPO.items():
        datos = {"id": "X1", "area": "estrategia", "texto": "t", "tipo": tipo}
        datos |= {"ayuda": "a", "fuente": "f"}
        if tipo in ("opcion_unica", "opcion_multiple"):
            datos["opciones"] = opciones
        assert control(clase.model_validate(datos)).tipo == esperado[tipo], tipo


def test_las_casillas_no_ofrecen_separadores_ni_navegacion(conocimiento):
    from diagnostico_experto.terminal.controles import AYUDA, VOLVER, control

    pregunta = conocimiento.cuestionario.por_id["O05"]
    opciones = control(pregunta).opciones
    valores = [v for _, v in opciones]
    assert valores == [*pregunta.valores(), NO_SABE]
    assert AYUDA not in valores and VOLVER not in valores
    assert all(titulo.strip("- ") for titulo, _ in opciones)


def test_texto_vacio_se_omite_y_no_se_vuelve_a_pedir(tmp_path, conocimiento, capsys):
    respuestas = {p: v for p, v in recorrido(conocimiento, ELECCIONES)[1].items() if p != "T07"}
    ruta = escribir_yaml(tmp_path / "r.yaml", {"comuna": "Ninhue", "respuestas": respuestas})
    entrevistar(ruta, ENTER + ENTER)  # seguir; T07 with no text; then the services
    assert leer_yaml(ruta)["respuestas"]["T07"] == ""
    salida = capsys.readouterr().out
    assert salida.count("T07. Observaciones") == 1
    assert "Inventario de servicios" in salida


def test_un_numero_invalido_se_vuelve_a_pedir(tmp_path, conocimiento):
    respuestas = {p: v for p, v in recorrido(conocimiento, ELECCIONES)[1].items() if p < "O06"}
    ruta = escribir_yaml(tmp_path / "r.yaml", {"comuna": "Ninhue", "respuestas": respuestas})
    teclas = "999" + ENTER + BORRAR * 3 + "tres" + ENTER + BORRAR * 4 + "2,5" + ENTER
    entrevistar(ruta, ENTER + teclas)
    assert leer_yaml(ruta)["respuestas"]["O06"] == 2.5


def test_retoma_en_la_primera_pregunta_sin_responder(tmp_path, conocimiento, capsys):
    ruta = escribir_yaml(
        tmp_path / "r.yaml",
        {"comuna": "Ninhue", "respuestas": {"E01": "vigentes", "E02": "plan_propio"}},
    )
    entrevistar(ruta, ENTER + elegir(1), comuna=None)  # seguir; E03: parcial
    salida = capsys.readouterr().out
    total = len(conocimiento.cuestionario.preguntas)  # nothing ruled out yet
    assert f"Se retoma el cuestionario de Ninhue: 2 de {total} preguntas respondidas" in salida
    assert leer_yaml(ruta)["respuestas"] == {
        "E01": "vigentes",
        "E02": "plan_propio",
        "E03": "parcial",
    }


def test_el_avance_no_crece_y_cuenta_todo_el_cuestionario(conocimiento):
    from diagnostico_experto.terminal.navegacion import Navegacion

    navegacion = Navegacion(conocimiento.cuestionario)
    dadas = recorrido(conocimiento, ELECCIONES)[1]
    valores: dict[str, Any] = {}
    totales, posiciones = [], []
    for id_, valor in dadas.items():
        progreso = navegacion.progreso(conocimiento.cuestionario.por_id[id_], valores)
        totales.append(progreso.total)
        posiciones.append(progreso.posicion)
        valores[id_] = valor
    assert totales[0] == len(conocimiento.cuestionario.preguntas)
    assert totales == sorted(totales, reverse=True)  # only answers that rule questions out
    assert totales[-1] == len(dadas)
    assert posiciones == list(range(1, len(dadas) + 1))


def test_inventario_agregar_editar_y_quitar(tmp_path, conocimiento):
    ruta = terminado(tmp_path, conocimiento)
    uno = elegir(1) + "Uno\r" + "UDEL\r" + elegir(0) + marcar(0) + marcar(1) + ENTER
    dos = elegir(1) + "Dos\r" + "OMIL\r" + elegir(4) + marcar(6) + marcar(3) + elegir(1)
    editar = (
        elegir(2) + elegir(1) + BORRAR * 3 + "Uno bis\r" + ENTER + ENTER + ENTER + ENTER + ENTER
    )
    quitar = elegir(3) + elegir(0) + elegir(3) + elegir(1)  # PRODESAL, then «Dos»
    entrevistar(ruta, elegir(INVENTARIO) + uno + dos + editar + quitar + ENTER + ENTER)
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


# --- review ----------------------------------------------------------------------


def test_un_archivo_terminado_abre_el_diagnostico_y_su_menu(tmp_path, conocimiento, capsys):
    ruta = terminado(tmp_path, conocimiento)
    antes = ruta.read_bytes()
    entrevistar(ruta, SALIDA)
    salida = capsys.readouterr().out
    assert "Todas las preguntas de Ninhue están respondidas" in salida
    assert "== Diagnóstico de Ninhue (UGT Secano Costero) ==" in salida
    assert "Inventario de servicios" not in salida
    assert leer_yaml(ruta) == {**leer_yaml_bytes(antes), "fecha": leer_yaml(ruta)["fecha"]}


def leer_yaml_bytes(datos: bytes) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(datos.decode("utf-8"))


def test_revisar_cambia_una_respuesta_de_otra_sesion_y_quita_lo_que_no_aplica(
    tmp_path, conocimiento, capsys
):
    ruta = terminado(tmp_path, conocimiento)
    antes = leer_yaml(ruta)["respuestas"]
    assert {"E03", "E09"} <= antes.keys()
    # menu: review; E02 (second in the list), from plan_propio down to no_hay; then
    # "Terminar la revisión" (up twice from E02: the list wraps); menu: exit
    teclas = elegir(REVISAR) + elegir(1) + ABAJO * 4 + ENTER + ARRIBA * 2 + ENTER
    entrevistar(ruta, teclas + SALIDA)
    despues = leer_yaml(ruta)["respuestas"]
    assert despues["E02"] == "no_hay"
    assert "E03" not in despues and "E09" not in despues
    assert {k: v for k, v in despues.items() if k != "E02"} == {
        k: v for k, v in antes.items() if k not in ("E02", "E03", "E09")
    }
    salida = capsys.readouterr().out
    assert "Ya no aplican y se quitaron: E03 («¿El plan de fomento productivo" in salida
    assert "E09 («" in salida


def test_revisar_pregunta_lo_que_empieza_a_aplicar(tmp_path, conocimiento):
    ruta = terminado(tmp_path, conocimiento, E02="no_hay")
    assert "E03" not in leer_yaml(ruta)["respuestas"]
    e09 = conocimiento.cuestionario.por_id["E09"]
    # E02 from no_hay up to plan_propio (no evidence now); E03 «si»; E09 its first option;
    # end; exit
    teclas = elegir(REVISAR) + elegir(1) + ARRIBA * 4 + ENTER + ENTER + elegir(0) + marcar(0)
    entrevistar(ruta, teclas + ARRIBA * 3 + ENTER + SALIDA)
    respuestas = leer_yaml(ruta)["respuestas"]
    assert respuestas["E02"] == "plan_propio"
    assert respuestas["E03"] == "si"
    assert respuestas["E09"] == [e09.valores()[0]]


def test_la_revision_se_pagina_para_80x24(conocimiento, tmp_path, monkeypatch):
    from diagnostico_experto.terminal.revision import paginas

    monkeypatch.setenv("LINES", "24")
    entrevista = Entrevista(terminado(tmp_path, conocimiento), conocimiento, [])
    hojas = paginas(entrevista)
    assert len(hojas) > 1
    vistas = [o.value for hoja in hojas for o in hoja if not isinstance(o, Separator)]
    assert vistas == [p.id for p in entrevista.aplicables()]
    for hoja in hojas:
        lineas = sum(str(o.title).count("\n") + 1 for o in hoja)
        assert lineas <= 24 - 7  # room for the prompt and the page moves
        assert all(len(linea) <= 80 for o in hoja for linea in str(o.title).splitlines())


# --- validation by the mesa -------------------------------------------------------


def test_validar_un_area_y_cambiar_otra_con_justificacion(tmp_path, conocimiento, capsys):
    ruta = terminado(tmp_path, conocimiento)
    justificacion = "La mesa ya tiene un equipo con funciones escritas."
    teclas = elegir(VALIDAR) + ENTER  # estrategia: validate the diagnosed level
    teclas += elegir(1) + ENTER + justificacion + ENTER  # estructura: another level; empty refused
    teclas += elegir(4) + SALIDA  # procesos: end the validation; exit
    entrevistar(ruta, teclas)
    validacion = leer_yaml(ruta)["validacion"]
    assert set(validacion) == {"estrategia", "estructura"}
    salida = capsys.readouterr().out
    diagnosticado = salida.split("Validación: Estrategia, nivel diagnosticado ")[1].split()[0]
    registro = validacion["estrategia"]
    assert {k: registro[k] for k in ("nivel", "justificacion", "diagnosticado", "fecha")} == {
        "nivel": diagnosticado,
        "justificacion": "La mesa comunal valida el nivel diagnosticado.",
        "diagnosticado": diagnosticado,  # what it validated, to tell when it goes stale
        "fecha": dt.date.today(),
    }
    assert len(registro["huella"]) == 16
    assert validacion["estructura"]["justificacion"] == justificacion
    nivel = validacion["estructura"]["nivel"]
    assert f"Guardado: Estructura se trabaja en nivel {nivel}." in salida
    assert f"(mesa: {nivel})" in salida.split("== Diagnóstico de Ninhue")[-1]
    razones = salida.split("Validación: Estrategia")[1].split("¿qué decide la mesa?")[0]
    assert "  - La estrategia existe, se usa y se mide" in razones  # the reasons are shown
    assert "(regla " not in razones and "estrategia-alto" not in razones  # in plain words
    estructura = salida.split("Validación: Estructura")[1].split("¿qué decide la mesa?")[0]
    assert "  - Para alto bastaría: " in estructura  # the path, in action language
    assert "uno de [" not in salida  # never the rules' notation


def test_validar_sin_justificacion_no_guarda_el_cambio(tmp_path, conocimiento):
    ruta = terminado(tmp_path, conocimiento)
    entrevistar(ruta, elegir(VALIDAR) + elegir(1) + ENTER + "   " + ENTER)  # keys run out
    assert "validacion" not in leer_yaml(ruta)


def test_validar_pide_antes_la_mesa_comunal(tmp_path, conocimiento, capsys):
    ruta = terminado(tmp_path, conocimiento)
    datos = leer_yaml(ruta)
    del datos["mesa"]
    escribir_yaml(ruta, datos)
    mesa = elegir(1) + "Luis Soto\r" + "Alcalde\r" + "Alcaldía\r" + ENTER
    entrevistar(ruta, elegir(VALIDAR) + mesa + ENTER + elegir(4) + SALIDA)
    guardado = leer_yaml(ruta)
    assert guardado["mesa"] == [{"nombre": "Luis Soto", "cargo": "Alcalde", "unidad": "Alcaldía"}]
    assert list(guardado["validacion"]) == ["estrategia"]
    assert "registre a los integrantes de la mesa comunal" in capsys.readouterr().out


def test_editar_un_integrante_de_la_mesa(tmp_path, conocimiento, capsys):
    ruta = terminado(tmp_path, conocimiento)
    editar = elegir(2) + ENTER  # «Editar», then Ana Pérez
    cargo = BORRAR * len("Encargada") + "Directora de Desarrollo"
    teclas = elegir(INVENTARIO) + ENTER + editar + ENTER + cargo + ENTER + ENTER + ENTER
    entrevistar(ruta, teclas + SALIDA)
    assert leer_yaml(ruta)["mesa"] == [
        {"nombre": "Ana Pérez", "cargo": "Directora de Desarrollo", "unidad": "UDEL"}
    ]
    assert "Ana Pérez, Directora de Desarrollo (UDEL)" in capsys.readouterr().out


# --- the end menu ------------------------------------------------------------------


def test_las_razones_se_leen_como_el_informe(tmp_path, conocimiento, capsys, monkeypatch):
    # A mesa comunal reads the why in plain Spanish: no rule ids, fact fields, question
    # ids, parameters or codes. E02 «diluidos» with nothing else in estrategia is the
    # rule with a negated condition (once shown as «(area = estrategia, elemento ≠ …)»).
    monkeypatch.setenv("LINES", "200")  # each view on one page
    ruta = terminado(
        tmp_path, conocimiento, E01="no_existen", E02="diluidos_pladeco", E04="no", E05="no"
    )
    teclas = "".join(elegir(RAZONES) + elegir(i) + ENTER for i in range(4))
    entrevistar(ruta, teclas + SALIDA)
    salida = capsys.readouterr().out
    vistas = [" ".join(v.split("== Diagnóstico")[0].split()) for v in salida.split("\n== ")[1:]]
    vistas = [v for v in vistas if v.split(":")[0] in ("Estrategia", "Estructura", "Procesos")]
    vistas += [
        " ".join(salida.split("== Productos y servicios: nivel ")[1].split("== Diagn")[0].split())
    ]
    assert len(vistas) == 4
    estrategia = vistas[0]
    assert estrategia.startswith("Estrategia: nivel bajo (")
    assert (
        "Por qué el diagnóstico da nivel bajo: Los lineamientos solo existen diluidos en el "
        "PLADECO, sin orientar nada" in estrategia
    )
    assert (
        "¿Dónde están definidos los lineamientos estratégicos de fomento productivo? "
        "Diluidos en el PLADECO, sin orientar la acción (1 de 3 puntos)" in estrategia
    )
    assert "Productos del área, y por qué: 1. " in estrategia
    ids_de_reglas = {r.id for r in cargar_reglas(REGLAS, conocimiento)}
    for vista in vistas:
        assert not re.search(r"\b[EOPST]\d\d\b", vista), vista  # no question ids
        assert not set(re.findall(r"[\w-]+", vista)) & ids_de_reglas, vista
        assert not _notacion(vista, ids_de_reglas), vista


def _notacion(vista: str, ids_de_reglas: set[str]) -> list[str]:
    """What a reader should never see: question or rule ids, fact fields, parameters, files."""
    ids = re.findall(r"\b[EOPST]\d\d\b", vista) + sorted(
        set(re.findall(r"[\w-]+", vista)) & ids_de_reglas
    )
    marcas = (" = ", "≠", "[", "umbral", "parámetro", "0.75", "nivel_vigente", ".yaml")
    return ids + [m for m in marcas if m in vista]


def test_las_razones_de_los_ejemplos_se_leen_sin_notacion(ejemplos, motor):
    ids_de_reglas = {r.id for r in motor.reglas}
    for nombre, evaluacion in ejemplos.items():
        for area in AREAS:
            vista = cierre.razones(evaluacion, area, motor.conocimiento, motor.reglas)
            assert not _notacion(vista, ids_de_reglas), (nombre, area, vista)


def test_menu_final_productos_propuesta_y_razones(tmp_path, conocimiento, capsys):
    ruta = terminado(tmp_path, conocimiento)
    teclas = elegir(PRODUCTOS) + ENTER + elegir(PROPUESTA) + ENTER
    teclas += elegir(RAZONES) + elegir(1) + ENTER + SALIDA  # each view ends with a pause
    entrevistar(ruta, teclas)
    salida = capsys.readouterr().out
    assert "== Productos recomendados para Ninhue ==" in salida
    assert "== Propuesta de intervención para Ninhue ==" in salida
    assert "Horas de acompañamiento:" in salida
    razones = salida.split("== Estructura: nivel ")[1]
    assert "Respuestas que forman el % de logro:" in razones
    assert "¿Existe una unidad de fomento productivo en la municipalidad? " in razones


def test_menu_final_camino_al_nivel_siguiente(tmp_path, conocimiento, capsys):
    ruta = terminado(tmp_path, conocimiento, O04="parcial")
    entrevistar(ruta, elegir(CAMINO) + ENTER + SALIDA)
    salida = capsys.readouterr().out
    despues = " ".join(salida.split("== Camino al nivel siguiente para Ninhue ==")[1].split())
    vista, despedida = despues.split("Las respuestas están guardadas en")
    assert "Estructura: de medio a alto" in vista
    assert (
        "1. formalizar por escrito las funciones del equipo "
        "(de «De hecho, pero no formalizadas» a «Sí, por escrito») + crear una instancia "
        "formal de coordinación con otras unidades (se marca «Instancia formal con otras "
        "unidades (DIDECO, SECPLAN…)»)" in vista
    )
    # the command (with an answer's code) is the consultant's, at the goodbye, not the mesa's
    assert "simular" not in vista
    assert "uv run diagnostico simular" in despedida and "--cambiar" in despedida


def test_una_vista_larga_se_pagina_y_q_vuelve_al_menu(tmp_path, conocimiento, capsys, monkeypatch):
    monkeypatch.setenv("LINES", "12")  # the smallest height the questionnaire pages for
    monkeypatch.setenv("COLUMNS", "50")  # narrow, so the propuesta takes more than one page
    ruta = terminado(tmp_path, conocimiento)
    entrevistar(ruta, elegir(PROPUESTA) + "q" + SALIDA)
    salida = capsys.readouterr().out
    vista = salida.split("== Propuesta de intervención para Ninhue ==")[1].split("== Diagnóstico")[
        0
    ]
    assert len(vista.strip("\n").splitlines()) == 12 - 2 - 1  # one page, less the title
    assert "Horas de acompañamiento" not in vista  # on the next page, not shown


def test_el_informe_nunca_reemplaza_el_archivo_de_respuestas(tmp_path, conocimiento, capsys):
    ruta = terminado(tmp_path, conocimiento, nombre="y.html")
    antes = leer_yaml(ruta)
    entrevistar(ruta, elegir(INFORME) + elegir(0) + ENTER + SALIDA)
    assert leer_yaml(ruta)["respuestas"] == antes["respuestas"]  # still the answers
    informe = tmp_path / "y-informe.html"
    assert informe.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert f"Informe escrito en {informe}" in " ".join(capsys.readouterr().out.split())


def test_volver_sin_escribir_el_informe_vuelve_al_menu(tmp_path, conocimiento, capsys):
    ruta = terminado(tmp_path, conocimiento, nombre="y.yaml")
    entrevistar(ruta, elegir(INFORME) + ARRIBA + ENTER + SALIDA)  # the last entry: «Volver…»
    assert sorted(p.name for p in tmp_path.glob("y*")) == ["y.yaml"]  # no report written
    salida = " ".join(capsys.readouterr().out.split())
    assert f"Las respuestas están guardadas en {ruta}." in salida  # back to the menu, then out


def test_el_informe_del_cuestionario_dice_con_que_reglas_se_hizo(tmp_path, conocimiento):
    # The acta's footer is signed: it names the shipped rules as `evaluar` does.
    ruta = terminado(tmp_path, conocimiento, nombre="y.yaml")
    entrevistar(ruta, elegir(INFORME) + elegir(1) + ENTER + SALIDA)  # Markdown
    informe = " ".join((tmp_path / "y.md").read_text(encoding="utf-8").split())
    assert "(las incluidas en el programa)" in informe
    assert "sin huella" not in informe


def test_el_informe_tampoco_reemplaza_otro_archivo_de_respuestas(tmp_path, conocimiento):
    ruta = terminado(tmp_path, conocimiento, nombre="y.yaml")
    otro = terminado(tmp_path, conocimiento, nombre="y.md")  # answers named like the report
    antes = otro.read_bytes()
    entrevistar(ruta, elegir(INFORME) + elegir(1) + ENTER + SALIDA)
    assert otro.read_bytes() == antes
    assert (tmp_path / "y-informe.md").read_text(encoding="utf-8").startswith("# ")


# --- one editor, symlinks ------------------------------------------------------------


def test_un_archivo_en_edicion_no_se_abre_dos_veces(tmp_path, conocimiento):
    from diagnostico_experto.comun.cerrojo import Cerrojo, en_edicion
    from diagnostico_experto.comun.errores import ErrorDiagnostico

    ruta = terminado(tmp_path, conocimiento)
    antes = ruta.read_bytes()
    with Cerrojo(ruta):
        assert en_edicion(ruta)
        with pytest.raises(ErrorDiagnostico) as error:
            entrevistar(ruta, SALIDA)
        assert "otro cuestionario está editando este archivo" in str(error.value)
        assert str(error.value).startswith(str(ruta))
    assert ruta.read_bytes() == antes
    assert not en_edicion(ruta)
    entrevistar(ruta, SALIDA)  # released: opens again


def test_un_enlace_simbolico_se_escribe_en_su_destino(tmp_path):
    destino = tmp_path / "datos" / "ninhue.yaml"
    destino.parent.mkdir()
    enlace = tmp_path / "enlace.yaml"
    enlace.symlink_to(destino)
    entrevistar(enlace, elegir(0))
    assert enlace.is_symlink()
    assert leer_yaml(destino)["respuestas"] == {"E01": "vigentes"}


@pytest.mark.lento
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
def test_kill_9_no_pierde_respuestas_y_se_retoma(tmp_path):
    """A real pseudo-terminal: answer, SIGKILL, start again, resume with the answers kept."""
    ruta = tmp_path / "r.yaml"
    orden = [sys.executable, "-m", "diagnostico_experto", "cuestionario", str(ruta)]
    entorno = {
        **os.environ,
        "COLUMNS": "80",
        "LINES": "30",
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    hijo = pexpect.spawn(
        orden[0],
        [*orden[1:], "--comuna", "Ninhue"],
        cwd=RAIZ,
        env=entorno,
        encoding="utf-8",
        dimensions=(30, 80),
        timeout=30,
    )
    # E01 vigentes and E02 plan_propio, each with no evidence for now; E03 si
    hijo.expect("E01")
    for siguiente in ("respalde", "E02", "respalde", "E03", "E04"):
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


@pytest.mark.lento
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
def test_kill_9_en_la_revision_y_en_la_validacion(tmp_path, conocimiento):
    """SIGKILL inside the review and inside the validation: every confirmed change is on disk."""
    ruta = terminado(tmp_path, conocimiento)
    entorno = {
        **os.environ,
        "COLUMNS": "80",
        "LINES": "300",
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }

    def abrir() -> pexpect.spawn:
        hijo = pexpect.spawn(
            sys.executable,
            ["-m", "diagnostico_experto", "cuestionario", str(ruta)],
            cwd=RAIZ,
            env=entorno,
            encoding="utf-8",
            dimensions=(300, 80),
            timeout=30,
        )
        hijo.expect("¿Qué desea ver o hacer?")
        return hijo

    def matar(hijo: pexpect.spawn) -> None:
        hijo.kill(signal.SIGKILL)
        hijo.wait()

    hijo = abrir()
    hijo.send(elegir(REVISAR))
    hijo.expect("Revisar respuestas, página 1 de 1")
    hijo.send(elegir(1))  # E02
    hijo.expect("E02. ")
    hijo.send(ABAJO * 4 + ENTER)  # no_hay
    hijo.expect("Ya no aplican y se quitaron")
    hijo.expect("Revisar respuestas, página 1 de 1")
    matar(hijo)
    respuestas = leer_yaml(ruta)["respuestas"]
    assert respuestas["E02"] == "no_hay" and "E03" not in respuestas

    hijo = abrir()
    hijo.send(elegir(VALIDAR))
    hijo.expect("Estrategia: ¿qué decide la mesa?")
    hijo.send(ENTER)  # validate the diagnosed level
    hijo.expect("Estructura: ¿qué decide la mesa?")
    hijo.send(elegir(1))  # another level, with a reason
    hijo.expect("obligatorio")
    hijo.send("La mesa lo decide." + ENTER)
    hijo.expect("Procesos: ¿qué decide la mesa?")
    hijo.send(elegir(1))
    hijo.expect("obligatorio")
    hijo.send("A medio escribir")  # killed before Enter: not saved
    matar(hijo)
    validacion = leer_yaml(ruta)["validacion"]
    assert list(validacion) == ["estrategia", "estructura"]
    assert validacion["estructura"]["justificacion"] == "La mesa lo decide."
    assert leer_yaml(ruta)["respuestas"]["E02"] == "no_hay"


def test_las_opciones_largas_se_cortan_entre_palabras(monkeypatch):
    from questionary import Choice

    from diagnostico_experto.terminal.consola import _envuelta

    monkeypatch.setenv("COLUMNS", "40")
    largo = "Llegaron programas centrales que se sumaron uno a uno sin un criterio común"
    titulo = _envuelta(Choice(largo, "x"), 3).title
    lineas = titulo.splitlines()
    assert len(lineas) > 1 and all(len(linea) + 3 <= 39 for linea in lineas)
    assert " ".join(linea.strip() for linea in lineas) == largo  # nothing cut, no word split
    revision = "E01. Pregunta\n   → Respuesta"
    assert _envuelta(Choice(revision, "E01"), 3).title == revision  # laid out by the review


def _abrir_pty(ruta: Path, filas: int = 300) -> pexpect.spawn:
    entorno = {
        **os.environ,
        "COLUMNS": "80",
        "LINES": str(filas),
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "diagnostico_experto", "cuestionario", str(ruta)],
        cwd=RAIZ,
        env=entorno,
        encoding="utf-8",
        dimensions=(filas, 80),
        timeout=30,
    )


def _pantalla_final(ruta: Path, filas: int) -> list[str]:
    """The end screen as a person sees it on a terminal of ``filas``×80: pyte replays
    what the questionnaire wrote, so a line that scrolled away is not on it."""
    hijo = _abrir_pty(ruta, filas)
    hijo.expect("Salir")  # the menu's last entry: the screen is drawn
    salida = hijo.before + hijo.after
    with contextlib.suppress(pexpect.TIMEOUT, pexpect.EOF):
        salida += hijo.read_nonblocking(100_000, timeout=0.5)
    hijo.terminate(force=True)
    pantalla = pyte.Screen(80, filas)
    pyte.Stream(pantalla).feed(salida)
    return [fila.rstrip() for fila in pantalla.display]


def _con_avisos(tmp_path, conocimiento, motor, servicios: int, vencidas: int) -> Path:
    """Answers with S01 = ``servicios`` (the inventory has 1) and ``vencidas`` areas
    validated against another diagnosis."""
    ruta = terminado(tmp_path, conocimiento, S01=servicios)
    niveles = motor.evaluar(cargar_respuestas(ruta, motor.conocimiento)).resultado.areas
    datos = leer_yaml(ruta)
    datos["validacion"] = {
        a: {"nivel": otro, "justificacion": "La mesa lo decide.", "diagnosticado": otro}
        for a in AREAS[:vencidas]
        for otro in [next(n for n in ("alto", "bajo") if n != niveles[a].nivel)]
    }
    return escribir_yaml(ruta, datos)


@pytest.mark.lento
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
@pytest.mark.parametrize(("servicios", "vencidas"), [(1, 0), (5, 0), (1, 1), (5, 1), (5, 4)])
def test_la_pantalla_final_cabe_en_80x24(tmp_path, conocimiento, motor, servicios, vencidas):
    ruta = _con_avisos(tmp_path, conocimiento, motor, servicios, vencidas)
    filas = _pantalla_final(ruta, 24)
    assert "== Diagnóstico de Ninhue (UGT Secano Costero) ==" in filas  # nothing scrolled away
    assert [f for f in filas if f][-1] == "   Salir"
    avisos = [f for f in filas if f.startswith("  ¡")]
    esperados = []
    if servicios != 1:
        esperados.append("  ¡Se respondió que hay 5 servicios y el inventario tiene 1!")
    if vencidas == 1:
        esperados.append(
            "  ¡Estrategia: validación anterior a cambios en las respuestas: revalidar!"
        )
    elif vencidas:  # the four names do not fit one line: the areas are marked above
        esperados.append("  ¡Validación anterior a cambios en las respuestas: revalidar!")
        assert sum("revalidar)" in f for f in filas) == 4, "\n".join(filas)
    assert avisos == esperados


@pytest.mark.lento
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
def test_en_una_terminal_mas_baja_los_avisos_se_juntan(tmp_path, conocimiento, motor):
    ruta = _con_avisos(tmp_path, conocimiento, motor, 5, 4)
    filas = _pantalla_final(ruta, 23)
    assert "== Diagnóstico de Ninhue (UGT Secano Costero) ==" in filas
    assert [f for f in filas if f.startswith("  ¡")] == ["  ¡2 avisos: véalos en «Propuesta»!"]


@pytest.mark.lento
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
def test_una_validacion_anterior_a_cambios_se_dice_en_todas_partes(tmp_path, conocimiento, capsys):
    """Validate estrategia, leave estructura for later, then change an answer that changes
    estrategia's level: the end screen, the acta and the JSON say the validation is stale,
    estructura reads «pendiente», and the questionnaire offers to revalidate."""
    ruta = terminado(tmp_path, conocimiento)
    hijo = _abrir_pty(ruta)
    hijo.expect("¿Qué desea ver o hacer?")
    hijo.send(elegir(VALIDAR))
    hijo.expect("Estrategia: ¿qué decide la mesa?")
    hijo.send(ENTER)  # validate the diagnosed level (alto)
    hijo.expect("Estructura: ¿qué decide la mesa?")
    hijo.send(elegir(3))  # «Dejar esta área para después»
    hijo.expect("Procesos: ¿qué decide la mesa?")
    hijo.send(elegir(4))  # «Terminar la validación»
    hijo.expect(r"Estrategia\s+alto .*\((provisional, )?validado por la mesa\)")
    hijo.expect("¿Qué desea ver o hacer?")
    hijo.send(elegir(REVISAR))
    hijo.expect("Revisar respuestas, página 1 de 1")
    hijo.send(elegir(1))  # E02
    hijo.expect("E02. ")
    hijo.send(ABAJO * 4 + ENTER)  # no_hay: estrategia falls to bajo
    hijo.expect("Revisar respuestas, página 1 de 1")
    hijo.send(ARRIBA * 2 + ENTER)  # from E02, up past the top: «Terminar la revisión»
    hijo.expect(r"Estrategia\s+bajo .*\((provisional, )?revalidar\)")
    hijo.expect(r"¡Estrategia: validación anterior a cambios en las respuestas: revalidar!")
    hijo.expect("¿Qué desea ver o hacer?")
    hijo.expect("Revalidar con la mesa comunal \\(1 de 4 áreas\\)")  # offered first
    hijo.send(elegir(INFORME + 1))  # the menu has «Revalidar» on top now
    hijo.expect("¿En qué formato?")
    hijo.send(elegir(1))  # Markdown
    hijo.expect("Informe escrito en")
    hijo.expect("Presione Enter para volver al menú")
    hijo.send(ENTER)
    hijo.expect("¿Qué desea ver o hacer?")
    hijo.send(elegir(SALIR + 1))
    hijo.expect("¿Salir del cuestionario?")
    hijo.send(elegir(1))
    hijo.expect(pexpect.EOF)
    hijo.wait()
    assert hijo.exitstatus == 0

    validacion = leer_yaml(ruta)["validacion"]
    assert list(validacion) == ["estrategia"]
    assert validacion["estrategia"]["diagnosticado"] == "alto"
    acta = ruta.with_suffix(".md").read_text(encoding="utf-8")
    assert (
        "| Estrategia | bajo | por revalidar | Validación anterior a cambios en las respuestas: "
        "revalidar. La mesa lo había validado en alto sobre un diagnóstico alto. |" in acta
    )
    assert "| Estructura | medio | pendiente |  |" in acta
    assert "sin cambio" not in acta
    assert (
        "Validación de la mesa comunal: por revalidar en Estrategia; pendiente en Estructura, "
        "Procesos y Productos y servicios." in acta
    )
    codigo, out, err = correr(capsys, "evaluar", ruta, "--formato", "json")
    assert codigo == 0, err
    estrategia = json.loads(out)["areas"]["estrategia"]
    assert (estrategia["estado_validacion"], estrategia["validado"]) == ("vencida", None)
    assert (estrategia["nivel"], estrategia["nivel_vigente"]) == ("bajo", "bajo")
    assert estrategia["validacion_vencida"]["nivel"] == "alto"
    assert json.loads(out)["areas"]["estructura"]["estado_validacion"] == "pendiente"

    # the questionnaire offers to revalidate: only the stale area is asked again
    hijo = _abrir_pty(ruta)
    hijo.expect("¿Qué desea ver o hacer?")
    hijo.send(ENTER)  # «Revalidar con la mesa comunal»
    hijo.expect("Validación: Estrategia, nivel diagnosticado bajo")
    hijo.expect("La mesa lo había validado en alto sobre un diagnóstico alto;")
    hijo.expect("Estrategia: ¿qué decide la mesa?")
    hijo.send(ENTER)  # validate bajo
    hijo.expect(r"Estrategia\s+bajo .*\((provisional, )?validado por la mesa\)")
    hijo.expect("¿Qué desea ver o hacer?")
    hijo.send(elegir(SALIR))
    hijo.expect("¿Salir del cuestionario?")
    hijo.send(elegir(1))
    hijo.expect(pexpect.EOF)
    hijo.wait()
    assert leer_yaml(ruta)["validacion"]["estrategia"]["diagnosticado"] == "bajo"


@pytest.mark.lento
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
@pytest.mark.parametrize("donde", ["pregunta", "menu", "validacion"])
def test_ctrl_c_en_el_cuestionario_sale_con_130(tmp_path, conocimiento, donde):
    """Ctrl-C at a question, at the end menu, inside the validation: exit 130, one message,
    no traceback, every confirmed answer kept."""
    if donde == "pregunta":
        ruta = tmp_path / "r.yaml"
        escribir_yaml(ruta, {"comuna": "Ninhue", "respuestas": {"E01": "vigentes"}})
    else:
        ruta = terminado(tmp_path, conocimiento)
    antes = leer_yaml(ruta)
    hijo = _abrir_pty(ruta)
    if donde == "pregunta":
        hijo.expect("E02")
    else:
        hijo.expect("¿Qué desea ver o hacer?")
        if donde == "validacion":
            hijo.send(elegir(VALIDAR))
            hijo.expect("Estrategia: ¿qué decide la mesa?")
    hijo.sendcontrol("c")
    hijo.expect("Cuestionario interrumpido. Las respuestas dadas están guardadas en")
    hijo.expect(pexpect.EOF)
    resto = hijo.before
    hijo.wait()
    assert hijo.exitstatus == 130
    assert "Traceback" not in resto and "Error interno" not in resto
    assert leer_yaml(ruta)["respuestas"] == antes["respuestas"]


def test_menu_final_agrega_evidencia_a_una_respuesta(tmp_path, conocimiento, capsys):
    ruta = terminado(tmp_path, conocimiento)
    (tmp_path / "acta.pdf").write_bytes(b"%PDF acta")
    datos = leer_yaml(ruta)
    piden = [i for i, v in datos["respuestas"].items() if conocimiento.evidencia.pide(i, v)]
    teclas = (
        elegir(EVIDENCIA)
        + elegir(1)  # the first answer that wants evidence
        + "Acta de la mesa"
        + ENTER
        + "2026-10-12"
        + ENTER
        + "Ana Pérez"
        + ENTER
        + "acta.pdf"
        + ENTER
        + ENTER  # no link
        + elegir(0)  # back to the menu
        + SALIDA
    )
    entrevistar(ruta, teclas)
    salida = " ".join(capsys.readouterr().out.split())
    # the form says which answer it documents, then that it was kept
    texto = " ".join(conocimiento.cuestionario.por_id[piden[0]].texto.split())
    assert f"Evidencia de {piden[0]}: {texto}" in salida
    assert "Evidencia de " + piden[0] + " guardada." in salida
    assert leer_yaml(ruta)["evidencias"] == [
        {
            "pregunta": piden[0],
            "documento": "Acta de la mesa",
            "fecha": dt.date(2026, 10, 12),
            "responde": "Ana Pérez",
            "archivo": "acta.pdf",
            "sha256": hashlib.sha256(b"%PDF acta").hexdigest(),
        }
    ]


# --- responsables, leaving, pauses ---------------------------------------------------


def _con_dos_integrantes(tmp_path, conocimiento) -> Path:
    ruta = terminado(tmp_path, conocimiento)
    datos = leer_yaml(ruta)
    datos["mesa"].append({"nombre": "Luis Soto", "cargo": "Alcalde", "unidad": "Alcaldía"})
    return escribir_yaml(ruta, datos)


def test_la_mesa_elige_el_responsable_de_un_producto(tmp_path, conocimiento, capsys):
    ruta = _con_dos_integrantes(tmp_path, conocimiento)
    # the first product; Luis Soto (one up from «por unidad», where the list starts);
    # the product list keeps its place: one up to «Listo»
    teclas = elegir(RESPONSABLES) + elegir(1) + ARRIBA + ENTER + ARRIBA + ENTER
    entrevistar(ruta, teclas + SALIDA)
    capsys.readouterr()
    codigo, out, err = correr(capsys, "evaluar", ruta, "--formato", "json")
    assert codigo == 0, err
    primero = json.loads(out)["productos"][0]
    assert leer_yaml(ruta)["responsables"] == {primero["regla"]: "Luis Soto"}
    codigo, informe, err = correr(capsys, "evaluar", ruta, "--formato", "md")
    assert codigo == 0, err
    assert "Responsable en la mesa comunal: Luis Soto" in informe
    assert primero["regla"] not in informe.split("## Anexo")[0]  # shown by text, never by id


def test_el_responsable_vuelve_al_de_su_unidad(tmp_path, conocimiento, capsys):
    ruta = _con_dos_integrantes(tmp_path, conocimiento)
    datos = leer_yaml(ruta)
    _, out, _ = correr(capsys, "evaluar", ruta, "--formato", "json")
    regla = json.loads(out)["productos"][0]["regla"]
    escribir_yaml(ruta, {**datos, "responsables": {regla: "Luis Soto"}})
    capsys.readouterr()
    # the first product: its list starts at Luis Soto; «por unidad» is the third option
    teclas = elegir(RESPONSABLES) + elegir(1) + ABAJO + ENTER + ARRIBA + ENTER
    entrevistar(ruta, teclas + SALIDA)
    assert "responsables" not in leer_yaml(ruta)
    salida = " ".join(capsys.readouterr().out.split())
    assert "responsable? → El que corresponde por unidad (Ana Pérez)" in salida


def test_quitar_a_un_integrante_devuelve_sus_productos(tmp_path, conocimiento, capsys):
    ruta = _con_dos_integrantes(tmp_path, conocimiento)
    datos = leer_yaml(ruta)
    escribir_yaml(ruta, {**datos, "responsables": {"producto-mision-vision": "Luis Soto"}})
    quitar = elegir(3) + elegir(1)  # «Quitar», Luis Soto
    entrevistar(ruta, elegir(INVENTARIO) + ENTER + quitar + ENTER + SALIDA)
    guardado = leer_yaml(ruta)
    assert [m["nombre"] for m in guardado["mesa"]] == ["Ana Pérez"]
    assert "responsables" not in guardado  # never a name that is not in the mesa
    salida = " ".join(capsys.readouterr().out.split())
    assert "El producto a cargo de Luis Soto vuelve al responsable que corresponde por unidad." in (
        salida
    )


def test_salir_pide_confirmacion(tmp_path, conocimiento, capsys):
    ruta = terminado(tmp_path, conocimiento)
    # ↑ on the first item wraps to «Salir»; Enter; the confirmation defaults to «No»
    entrevistar(ruta, ARRIBA + ENTER + ENTER + SALIDA)
    salida = capsys.readouterr().out
    assert salida.count("¿Qué desea ver o hacer?") == 0  # erased prompts; count the screens:
    assert salida.count("== Diagnóstico de Ninhue") == 2  # back at the menu once, then out
    assert "Para volver a este cuestionario:" in salida


def test_una_vista_espera_enter_antes_de_volver_al_menu(tmp_path, conocimiento, capsys):
    ruta = terminado(tmp_path, conocimiento)
    entrevistar(ruta, elegir(CAMINO))  # the keys end at the pause
    salida = capsys.readouterr().out
    assert "== Camino al nivel siguiente para Ninhue ==" in salida
    assert salida.count("== Diagnóstico de Ninhue") == 1  # the menu was not printed again


# --- corrections ---------------------------------------------------------------------


def test_una_respuesta_cambiada_en_la_revision_queda_como_correccion(
    tmp_path, conocimiento, capsys
):
    from diagnostico_experto.comun.formato_chileno import fecha

    ruta = terminado(tmp_path, conocimiento)
    teclas = elegir(REVISAR) + elegir(1) + ABAJO * 4 + ENTER + ARRIBA * 2 + ENTER  # E02 no_hay
    entrevistar(ruta, teclas + SALIDA)
    hoy = dt.date.today()
    assert leer_yaml(ruta)["correcciones"] == [
        {"pregunta": "E02", "antes": "plan_propio", "despues": "no_hay", "fecha": hoy}
    ]
    capsys.readouterr()
    codigo, acta, err = correr(capsys, "evaluar", ruta, "--formato", "md")
    assert codigo == 0, err
    assert (
        "Respuestas corregidas por la mesa comunal: «¿Dónde están definidos los lineamientos "
        "estratégicos de fomento productivo?»: En un plan de fomento productivo o de "
        f"desarrollo económico vigente → No hay lineamientos definidos (sesión del {fecha(hoy)})."
        in " ".join(acta.split())
    )


def test_una_correccion_por_pregunta_y_ninguna_si_vuelve_a_lo_que_era(tmp_path, conocimiento):
    ruta = terminado(tmp_path, conocimiento)
    teclas = elegir(REVISAR) + elegir(1) + ABAJO * 4 + ENTER  # E02 no_hay: E03, E09 dropped
    teclas += ENTER + ARRIBA * 4 + ENTER + ENTER  # E02 back to plan_propio (no evidence now):
    # E03 and E09 are asked again
    teclas += elegir(1) + marcar(0)  # E03 «En parte» (was «si»); E09 as it was
    entrevistar(ruta, teclas + ARRIBA * 3 + ENTER + SALIDA)
    guardado = leer_yaml(ruta)
    assert guardado["respuestas"]["E02"] == "plan_propio"
    assert guardado["correcciones"] == [
        {"pregunta": "E03", "antes": "si", "despues": "parcial", "fecha": dt.date.today()}
    ]


def test_volver_atras_en_la_primera_pasada_no_es_una_correccion(tmp_path):
    ruta = tmp_path / "r.yaml"
    # E01 vigentes and E02 plan_propio (each: no evidence now), back: E02 again
    entrevistar(ruta, elegir(0) + ENTER + elegir(0) + ENTER + "<" + elegir(1) + ENTER)
    guardado = leer_yaml(ruta)
    assert guardado["respuestas"]["E02"] == "pladeco_explicitos"
    assert "correcciones" not in guardado


def test_cambiar_una_respuesta_de_otra_sesion_al_retomar_es_una_correccion(tmp_path):
    ruta = escribir_yaml(
        tmp_path / "r.yaml",
        {"comuna": "Ninhue", "respuestas": {"E01": "vigentes", "E02": "plan_propio"}},
    )
    entrevistar(ruta, ENTER + "<" + elegir(2), comuna=None)  # seguir; at E03, back; E02 diluidos
    assert leer_yaml(ruta)["correcciones"] == [
        {
            "pregunta": "E02",
            "antes": "plan_propio",
            "despues": "diluidos_pladeco",
            "fecha": dt.date.today(),
        }
    ]


def test_una_respuesta_que_pide_evidencia_la_ofrece_al_momento(tmp_path, capsys):
    ruta = tmp_path / "r.yaml"
    evidencia = elegir(1) + "Decreto alcaldicio 12" + ENTER + "02-03-2026" + ENTER
    evidencia += "Ana Pérez" + ENTER + ENTER + ENTER  # no file, no link
    entrevistar(ruta, elegir(0) + evidencia + elegir(4))  # E01 vigentes; E02 no_hay (none)
    guardado = leer_yaml(ruta)
    assert guardado["respuestas"] == {"E01": "vigentes", "E02": "no_hay"}
    assert guardado["evidencias"] == [
        {
            "pregunta": "E01",
            "documento": "Decreto alcaldicio 12",
            "fecha": dt.date(2026, 3, 2),
            "responde": "Ana Pérez",
        }
    ]
    assert "Evidencia de E01 guardada." in capsys.readouterr().out


def test_un_inventario_con_menos_servicios_que_s01_se_advierte(tmp_path, conocimiento, capsys):
    ruta = terminado(tmp_path, conocimiento, S01=3)  # the inventory holds one service
    dos = "Dos\r" + "OMIL\r" + elegir(4) + marcar(6) + marcar(3) + elegir(1)
    # «Listo»: the warning offers to add (Enter: yes); «Dos»; «Listo» again: no, go on
    teclas = elegir(INVENTARIO) + ENTER + ENTER + dos + ENTER + elegir(1) + ENTER
    entrevistar(ruta, teclas + SALIDA)
    assert [s["nombre"] for s in leer_yaml(ruta)["servicios"]] == ["PRODESAL", "Dos"]
    salida = " ".join(capsys.readouterr().out.split())
    assert "¡Se respondió que hay 3 servicios y el inventario tiene 1!" in salida  # end screen
    assert (
        "Se respondió que hay 3 servicios, pero el inventario tiene 1: las fusiones y "
        "coordinaciones se proponen con los del inventario." in salida
    )
    assert "Se respondió que hay 3 servicios, pero el inventario tiene 2" in salida
    assert "¡Se respondió que hay 3 servicios y el inventario tiene 2!" in salida
