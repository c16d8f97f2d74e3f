"""The questionnaire as an XLSForm: pyxform accepts it, and its skip logic is the terminal's."""

from __future__ import annotations

import io
import itertools
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from openpyxl import load_workbook
from pyxform import xls2xform

from conftest import (
    CONOCIMIENTO_MINIMO,
    conocimiento_con,
    conocimiento_minimo,
    correr,
    pregunta_de,
)
from diagnostico_experto.conocimiento.carpeta import Conocimiento, cargar_conocimiento
from diagnostico_experto.conocimiento.preguntas import (
    NO_SABE,
    Cuestionario,
    Pregunta,
    PreguntaNumero,
    PreguntaOpcionMultiple,
)
from diagnostico_experto.lote.formulario import (
    _FORMA_DE,
    a_campos,
    campos_de,
    de_campos,
    formulario_xlsx,
    hojas,
    no_expresables,
)

XF = "{http://www.w3.org/2002/xforms}"


def _convertir(contenido: bytes) -> tuple[str, list[str]]:
    avisos: list[str] = []
    resultado = xls2xform.convert(io.BytesIO(contenido), warnings=avisos)
    return resultado.xform, avisos


def test_pyxform_lo_convierte_sin_errores_ni_advertencias(conocimiento: Conocimiento) -> None:
    texto, avisos = _convertir(formulario_xlsx(conocimiento))
    assert avisos == []
    assert "<h:title>Diagnóstico organizacional de fomento productivo municipal</h:title>" in texto


def test_cada_forma_de_responder_tiene_su_campo() -> None:
    from typing import get_args

    from diagnostico_experto.conocimiento.preguntas import CLASES_DE_PREGUNTA, FormaDeRespuesta

    assert set(_FORMA_DE) == set(get_args(FormaDeRespuesta))
    assert {c.forma for c in CLASES_DE_PREGUNTA} <= set(_FORMA_DE)


def test_preguntas_opciones_ayudas_y_areas(conocimiento: Conocimiento) -> None:
    datos = hojas(conocimiento)
    filas = {f["name"]: f for f in datos.survey}
    e01 = filas["E01"]
    assert e01["type"] == "select_one E01"
    assert e01["label::Español (es)"].startswith("E01. ¿Tiene la municipalidad una visión")
    assert e01["hint::Español (es)"].startswith("La visión y la misión municipal")
    assert e01["required"] == "yes"
    opciones = [
        (c["name"], c["label::Español (es)"]) for c in datos.choices if c["list_name"] == "E01"
    ]
    assert opciones == [
        ("vigentes", "Sí, vigentes y en uso"),
        ("obsoletas", "Existen, pero están obsoletas o no se aplican"),
        ("no_existen", "No existen"),
        ("no_sabe", "No sé"),
    ]
    grupos = [f["name"] for f in datos.survey if f["type"] == "begin_group"]
    assert grupos == [
        "identificacion",
        "estrategia",
        "estructura",
        "procesos",
        "productos",
        "transversal",
    ]
    assert filas["O06"]["type"] == "decimal"
    assert filas["O06"]["constraint"] == ". >= 0 and . <= 200"
    assert (
        filas["O06"]["constraint_message::Español (es)"] == "Debe ser al menos 0 y a lo sumo 200."
    )
    assert filas["O06_sabe"]["type"] == "select_one O06_sabe"
    assert filas["O05"]["type"] == "select_multiple O05"
    assert filas["O05"]["constraint_message::Español (es)"] == (
        "«Ninguno» se marca sola, sin otras opciones. «No sé» se marca sola, sin otras opciones."
    )
    assert filas["T01"]["type"] == "select_one T01"
    assert "required" not in filas["T07"]  # an observation may be left empty, as in the terminal


def test_comuna_filtrada_por_ugt_fecha_y_repeticiones(conocimiento: Conocimiento) -> None:
    datos = hojas(conocimiento)
    filas = {f["name"]: f for f in datos.survey}
    assert filas["comuna"]["choice_filter"] == "ugt=${ugt}"
    assert filas["fecha"]["type"] == "date"
    ninhue = next(c for c in datos.choices if c["list_name"] == "comuna" and c["name"] == "ninhue")
    assert ninhue == {
        "list_name": "comuna",
        "name": "ninhue",
        "label::Español (es)": "Ninhue",
        "ugt": "secano_costero",
    }
    assert filas["servicios"]["type"] == "begin_repeat"
    assert filas["servicio_origen"]["type"] == "select_one servicio_origen"
    origenes = [c["name"] for c in datos.choices if c["list_name"] == "servicio_origen"]
    assert origenes == conocimiento.catalogo.ids("origenes")
    assert filas["mesa"]["type"] == "begin_repeat"
    assert filas["acta"]["type"] == "file"


def test_version_sale_del_contenido(tmp_path: Path, conocimiento: Conocimiento) -> None:
    settings = hojas(conocimiento).settings
    assert settings["form_id"] == "diagnostico_fomento_productivo"
    assert settings["default_language"] == "Español (es)"
    assert hojas(conocimiento).settings["version"] == settings["version"]
    una = cargar_conocimiento(conocimiento_minimo(tmp_path / "una"))
    con_otra_pregunta = CONOCIMIENTO_MINIMO["cuestionario.yaml"] + (
        "  - {id: T08, area: transversal, tipo: texto, texto: Otra, ayuda: a, fuente: f}\n"
    )
    otra = cargar_conocimiento(
        conocimiento_minimo(tmp_path / "otra", **{"cuestionario.yaml": con_otra_pregunta})
    )
    assert hojas(otra).settings["version"] != hojas(una).settings["version"]
    assert hojas(una).settings["version"] != settings["version"]


# --- skip logic: the form's binds, evaluated by an XPath engine, against the terminal ---


def _selected(_contexto: Any, valor: Any, opcion: str) -> bool:
    texto = valor if isinstance(valor, str) else "".join(v.text or "" for v in valor)
    return opcion in texto.split()


def _count_selected(_contexto: Any, valor: Any) -> float:
    texto = valor if isinstance(valor, str) else "".join(v.text or "" for v in valor)
    return float(len(texto.split()))


_FUNCIONES = etree.FunctionNamespace(None)
_FUNCIONES["selected"] = _selected
_FUNCIONES["count-selected"] = _count_selected


def _candidatos(pregunta: Pregunta, cuestionario: Cuestionario) -> list[Any]:
    """Every value the skip conditions on ``pregunta`` can tell apart."""
    valores: list[Any] = [None]
    if pregunta.no_sabe:
        valores.append(NO_SABE)
    if isinstance(pregunta, PreguntaOpcionMultiple):
        comunes = [o.valor for o in pregunta.opciones if not o.exclusiva]
        valores += [[v] for v in pregunta.valores()] + [comunes, comunes[:2]]
    elif isinstance(pregunta, PreguntaNumero):
        operandos = {
            float(o)
            for p in cuestionario.preguntas
            for c in p.aplica_si
            if c.pregunta == pregunta.id
            for op in c.restriccion.operaciones
            for o in (op.operando if isinstance(op.operando, tuple) else (op.operando,))
        }
        limites = {v for v in (pregunta.minimo, pregunta.maximo) if v is not None}
        cerca = {o + d for o in operandos for d in (-1, -0.5, 0, 0.5, 1)}
        valores += sorted(
            v for v in cerca | limites if pregunta.minimo is None or v >= pregunta.minimo
        )
    elif pregunta.valores():
        valores += pregunta.valores()
    else:
        valores += ["un texto", "otro"]
    return valores


def _referidas(pregunta: Pregunta, cuestionario: Cuestionario) -> list[Pregunta]:
    vistas: list[Pregunta] = []
    for condicion in pregunta.aplica_si:
        base = cuestionario.por_id[condicion.pregunta]
        for p in [*_referidas(base, cuestionario), base]:
            if p not in vistas:
                vistas.append(p)
    return vistas


def _terminal(cuestionario: Cuestionario, dadas: dict[str, Any]) -> dict[str, Any]:
    """The answers the terminal keeps: in order, those of questions that apply."""
    vigentes = dict(dadas)
    for p in cuestionario.preguntas:
        if p.id in vigentes and not cuestionario.aplica(p, vigentes):
            del vigentes[p.id]
    return vigentes


def _sin_espacio_de_nombres(nodo: Any) -> Any:
    """The primary instance as the form's XPath sees it: ``/data/estrategia/E02``."""
    copia = etree.Element(etree.QName(nodo).localname)
    for hijo in nodo:
        copia.append(_sin_espacio_de_nombres(hijo))
    return copia


# Conditions the shipped questionnaire does not use yet: a chain, sets, a list, a number with «no sé».
_SALTOS_EXTRA = {
    "E04": {"pregunta": "E03", "valor": {"en": ["si", "parcial"]}},
    "O07": {"pregunta": "O06", "valor": {"menor_que": 4, "mayor_que": 0.5}},
    "P06": {"pregunta": "O05", "valor": {"contiene": "informal"}},
    "T02": {"pregunta": "T01", "valor": {"fuera_de": [1, 2]}},
    "T03": {"pregunta": "T02", "valor": "?x"},
}


def _con_saltos_extra(datos: Any) -> None:
    for id_, condicion in _SALTOS_EXTRA.items():
        pregunta_de(datos, id_)["aplica_si"] = [condicion]


@pytest.mark.parametrize("extra", [False, True], ids=["cuestionario", "con-saltos-extra"])
def test_saltos_iguales_en_formulario_y_terminal(
    conocimiento: Conocimiento, tmp_path: Path, extra: bool
) -> None:
    if extra:
        carpeta = conocimiento_con(tmp_path / "knowledge", cuestionario=_con_saltos_extra)
        conocimiento = cargar_conocimiento(carpeta)
    texto, avisos = _convertir(formulario_xlsx(conocimiento))
    assert avisos == []
    cuestionario = conocimiento.cuestionario
    raiz = etree.fromstring(texto.encode())
    datos = raiz.find(f".//{XF}instance/{XF}data")
    assert datos is not None
    instancia = etree.ElementTree(_sin_espacio_de_nombres(datos))
    binds = {b.get("nodeset"): b.get("relevant") for b in raiz.iter(f"{XF}bind")}
    nodos = {n.tag: (n, instancia.getpath(n)) for n in instancia.iter() if len(n) == 0}
    probadas = set()
    for pregunta in cuestionario.preguntas:
        if not pregunta.aplica_si:
            continue
        probadas.add(pregunta.id)
        nodo, ruta = nodos[pregunta.id]
        expresion = binds[ruta]
        referidas = _referidas(pregunta, cuestionario)
        for combinacion in itertools.product(*(_candidatos(p, cuestionario) for p in referidas)):
            dadas = {p.id: v for p, v in zip(referidas, combinacion, strict=True) if v is not None}
            for hoja, _ in nodos.values():
                hoja.text = ""
            for p in referidas:
                if p.id in dadas:
                    for campo, texto in a_campos(p, dadas[p.id]).items():
                        nodos[campo][0].text = texto
            en_formulario = bool(etree.XPath(expresion)(nodo))
            en_terminal = cuestionario.aplica(pregunta, _terminal(cuestionario, dadas))
            assert en_formulario == en_terminal, (pregunta.id, dadas, expresion)
    esperadas = {"E03", "E09", "O02", "O03", "O04", "S02", "S04", "S07"}
    assert probadas == (esperadas | set(_SALTOS_EXTRA) if extra else esperadas)


def test_campos_ida_y_vuelta(conocimiento: Conocimiento) -> None:
    for pregunta in conocimiento.cuestionario.preguntas:
        for valor in _candidatos(pregunta, conocimiento.cuestionario)[1:]:
            campos = a_campos(pregunta, valor)
            assert set(campos) <= set(campos_de(pregunta))
            leido = de_campos(pregunta, campos)
            assert leido == valor or pregunta.normalizar(leido) == valor, (pregunta.id, valor)


# S01, a number, and S02, asked only for some values of S01
_S01_Y_S02 = """\
  - id: S01
    area: productos
    tipo: numero
    texto: Servicios
    ayuda: a
    fuente: f
    minimo: 0
    maximo: 100
    tramos:
      - {{desde: 0, puntos: 0}}
  - id: S02
    area: productos
    tipo: texto
    texto: Cuáles
    ayuda: a
    fuente: f
    aplica_si:
      - {{pregunta: S01, valor: {condicion}}}
"""


def test_una_condicion_que_el_formulario_no_puede_escribir(tmp_path: Path) -> None:
    cuestionario = CONOCIMIENTO_MINIMO["cuestionario.yaml"] + _S01_Y_S02.format(
        condicion="{en: [1, dos]}"
    )
    carpeta = conocimiento_minimo(tmp_path, **{"cuestionario.yaml": cuestionario})
    cuestionario_leido = cargar_conocimiento(carpeta).cuestionario
    indice = next(i for i, p in enumerate(cuestionario_leido.preguntas) if p.id == "S02")
    assert no_expresables(cuestionario_leido) == [
        (
            indice,
            "la pregunta S02 no se puede expresar en XLSForm: compara S01, que es un número, "
            "con «dos»",
        )
    ]


def test_comando_formulario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    destino = tmp_path / "diagnostico.xlsx"
    codigo, _, err = correr(capsys, "formulario", destino)
    assert codigo == 0, err
    assert err.strip() == f"Formulario XLSForm escrito en {destino}"
    libro = load_workbook(destino, read_only=True)
    assert libro.sheetnames == ["survey", "choices", "settings"]
    _, avisos = _convertir(destino.read_bytes())
    assert avisos == []
    codigo, _, err = correr(capsys, "formulario", destino)
    assert codigo == 2
    assert "ya existe; no se reemplaza" in err
    codigo, _, err = correr(capsys, "formulario", tmp_path / "f.csv")
    assert codigo == 2
    assert err.strip() == f"{tmp_path / 'f.csv'}: el formulario XLSForm debe terminar en .xlsx"


def test_reglas_validar_avisa_lo_que_el_formulario_no_puede_escribir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def s07_compara_s01_con_un_texto(datos: Any) -> None:
        condicion = next(
            c for c in pregunta_de(datos, "S07")["aplica_si"] if c["pregunta"] == "S01"
        )
        condicion["valor"] = {"distinto": "cero"}

    carpeta = conocimiento_con(tmp_path / "knowledge", cuestionario=s07_compara_s01_con_un_texto)
    ruta = carpeta / "cuestionario.yaml"
    linea = ruta.read_text(encoding="utf-8").splitlines().index("  - id: S07") + 1
    _, out, err = correr(capsys, "--conocimiento", carpeta, "reglas", "validar")
    assert (
        f"{ruta}:{linea}: advertencia: la pregunta S07 no se puede expresar en XLSForm: compara "
        "S01, que es un número, con «cero»"
    ) in (out + err).splitlines()
