"""`reglas calibrar`: agreement with the mesas, a search that recovers known thresholds, no change without signal."""

from __future__ import annotations

import dataclasses
import random
import shutil

import pytest

from conftest import (
    CONOCIMIENTO,
    EJEMPLOS,
    REGLAS,
    copiar_carpetas,
    correr,
    datos_respuestas,
    editar_yaml,
    escribir_yaml,
    extremo,
    leer_yaml,
    motor_con,
    respuestas_de,
)
from diagnostico_experto.conocimiento.carpeta import Conocimiento, Parametro
from diagnostico_experto.consultores.calibracion import (
    CasoEtiquetado,
    Clasificador,
    buscar,
    calibrar,
    kappa_ponderado,
    matriz_de_confusion,
    parametros_numericos,
    reglas_de_clasificacion,
)

HISTORIA = CONOCIMIENTO / "historia"


# --- the agreement statistics, against values published or computed elsewhere ---------------


def test_kappa_del_ejemplo_de_dos_categorias_de_cohen():
    """The worked example of Wikipedia's «Cohen's kappa» (50 proposals, two readers):
    20 both yes, 5 yes/no, 10 no/yes, 15 both no; p_o = 0,7, p_e = 0,5, kappa = 0,4.
    With two categories, linear weights change nothing."""
    a = ["si"] * 25 + ["no"] * 25
    b = ["si"] * 20 + ["no"] * 5 + ["si"] * 10 + ["no"] * 15
    assert matriz_de_confusion(a, b, ("si", "no")) == [[20, 5], [10, 15]]
    assert kappa_ponderado(a, b, ("si", "no")) == pytest.approx(0.4)


# Values of scikit-learn 1.9.1, cohen_kappa_score(a, b, labels=["bajo", "medio", "alto"],
# weights="linear") and confusion_matrix(a, b, labels=...), computed on 2026-12-07 before
# scikit-learn was removed (it was the implementation these functions replace).
_A = [
    "bajo",
    "bajo",
    "bajo",
    "medio",
    "medio",
    "medio",
    "medio",
    "alto",
    "alto",
    "alto",
    "bajo",
    "medio",
    "alto",
    "medio",
    "bajo",
]
_B = [
    "bajo",
    "medio",
    "bajo",
    "medio",
    "alto",
    "medio",
    "bajo",
    "alto",
    "medio",
    "alto",
    "bajo",
    "medio",
    "medio",
    "medio",
    "alto",
]
_C = ["alto"] * 4 + ["medio"] * 3
_D = ["alto", "medio", "medio", "bajo", "medio", "bajo", "alto"]


@pytest.mark.parametrize(
    ("validados", "diagnosticados", "matriz", "kappa"),
    [
        (_A, _B, [[3, 1, 1], [1, 4, 1], [0, 2, 2]], 0.42622950819672123),
        (_C, _D, [[0, 0, 0], [1, 1, 1], [1, 2, 1]], -0.050000000000000044),
    ],
)
def test_kappa_y_matriz_como_los_daba_scikit_learn(validados, diagnosticados, matriz, kappa):
    assert matriz_de_confusion(validados, diagnosticados) == matriz
    assert kappa_ponderado(validados, diagnosticados) == pytest.approx(kappa, abs=1e-12)


def test_kappa_sin_definir_y_acuerdo_total():
    assert kappa_ponderado([], []) is None
    assert kappa_ponderado(["medio"] * 3, ["medio"] * 3) is None  # one level: chance agrees too
    assert kappa_ponderado(["bajo", "medio", "alto"], ["bajo", "medio", "alto"]) == 1
    # one level apart costs half of two levels apart: bajo→alto is the worst disagreement
    cerca = kappa_ponderado(["bajo", "alto", "medio"], ["medio", "alto", "medio"])
    lejos = kappa_ponderado(["bajo", "alto", "medio"], ["alto", "alto", "medio"])
    assert cerca is not None and lejos is not None and cerca > lejos


# A coarser search grid than the shipped one keeps these tests fast: each grid value
# is one compilation and one run of the classification over every case.
PASO_GRUESO = 0.1


def con_paso(conocimiento: Conocimiento, paso: float) -> Conocimiento:
    """The knowledge with another ``calibracion_paso`` (the grid the search tries)."""
    parametros = dict(conocimiento.parametros)
    anterior = parametros["calibracion_paso"]
    parametros["calibracion_paso"] = Parametro(valor=paso, descripcion=anterior.descripcion)
    return dataclasses.replace(conocimiento, parametros=parametros)


def poner_paso(carpeta, paso: float) -> None:
    """Set ``calibracion_paso`` in a copied knowledge folder, as a consultant would."""

    def con_otro_paso(datos) -> None:
        datos["parametros"]["calibracion_paso"]["valor"] = paso

    editar_yaml(carpeta / "parametros.yaml", con_otro_paso)


@pytest.fixture(scope="module")
def sin_etiquetar(ejemplos) -> list[CasoEtiquetado]:
    """The illustrative comunas (the session's evaluated examples), not yet labelled."""
    return [
        CasoEtiquetado(str(EJEMPLOS / f"{nombre}.yaml"), e.respuestas, {})
        for nombre, e in sorted(ejemplos.items())
    ]


# Questions that are no key element: degrading them moves the % de logro, not the elements.
COMPLEMENTARIAS = ("E06", "E07", "E08", "O02", "O07", "O08", "P05", "P06", "P07", "S04", "S06")


@pytest.fixture(scope="module")
def fuertes(motor) -> list[dict]:
    """Strong comunas: every key element exists, with % de logro spread around umbral_alto.

    A few more than the fewest a proposal needs: each case is run once per grid value.
    """
    peor = extremo(motor.conocimiento, mejor=False)
    azar = random.Random(7)
    casos = []
    for _ in range(motor.conocimiento.valores_parametros()["calibracion_min_casos"] + 4):
        respuestas = extremo(motor.conocimiento, mejor=True)
        for id_ in COMPLEMENTARIAS:
            if id_ in peor and azar.random() < 0.5:
                respuestas[id_] = peor[id_]
        casos.append(respuestas)
    return casos


def casos_de(motor, fuertes) -> list[CasoEtiquetado]:
    """The strong comunas, one per comuna of the programme (the search leaves comunas out)."""
    comunas = motor.conocimiento.comunas()
    return [
        CasoEtiquetado(
            f"fuerte-{i}",
            respuestas_de(
                datos_respuestas(r, comuna=comunas[i % len(comunas)]), motor.conocimiento
            ),
            {},
        )
        for i, r in enumerate(fuertes)
    ]


def etiquetados(motor, casos, valores) -> list[CasoEtiquetado]:
    """Cases labelled by the classification itself with the given parameter values."""
    niveles = Clasificador(motor.reglas, motor.conocimiento, casos, valores).niveles(valores)
    return [
        CasoEtiquetado(c.origen, c.respuestas, dict(n)) for c, n in zip(casos, niveles, strict=True)
    ]


def test_los_parametros_se_descubren_en_las_reglas_de_clasificacion(motor):
    clasificacion = reglas_de_clasificacion(motor.reglas)
    concluyen = {c.tipo for r in clasificacion for c in r.conclusiones}
    assert concluyen == {"nivel", "elemento"}  # levels, and the key elements they read
    encontrados = parametros_numericos(clasificacion, motor.conocimiento)
    valores = motor.conocimiento.valores_parametros()
    assert encontrados  # the classification compares % de logro with some threshold
    assert all(valores[n] == v for n, v in encontrados.items())
    assert "min_etapas_fusion" not in encontrados  # a fusion parameter, not a classification one


def niveles_del_motor(motor, casos: list[CasoEtiquetado]) -> list[dict[str, str]]:
    return [
        {a: x.nivel for a, x in motor.evaluar(c.respuestas).resultado.areas.items()} for c in casos
    ]


def test_el_clasificador_da_los_niveles_del_motor(motor, ejemplos, sin_etiquetar, fuertes):
    """With the current values, and with others (the engine re-reads its rules with them)."""
    actuales = parametros_numericos(reglas_de_clasificacion(motor.reglas), motor.conocimiento)
    casos = sin_etiquetar + casos_de(motor, fuertes)
    clasificador = Clasificador(motor.reglas, motor.conocimiento, casos, actuales)
    de_los_ejemplos = [  # evaluated once for the session with the current values
        {a: x.nivel for a, x in e.resultado.areas.items()} for _, e in sorted(ejemplos.items())
    ]
    assert clasificador.niveles(actuales) == de_los_ejemplos + niveles_del_motor(
        motor, casos[len(sin_etiquetar) :]
    )
    otros = {n: round(v - 0.15, 2) for n, v in actuales.items()}
    del_motor = niveles_del_motor(motor_con(motor, parametros=otros), casos)
    assert clasificador.niveles(otros) == del_motor
    assert clasificador.niveles(actuales) != clasificador.niveles(otros)  # the values matter


def test_calibrar_recupera_umbrales_conocidos(motor, sin_etiquetar, fuertes):
    actuales = parametros_numericos(reglas_de_clasificacion(motor.reglas), motor.conocimiento)
    verdad = {n: round(v - 0.15, 2) for n, v in actuales.items()}
    casos = sin_etiquetar + casos_de(motor, fuertes)
    calibracion = calibrar(
        etiquetados(motor, casos, verdad), motor.reglas, con_paso(motor.conocimiento, PASO_GRUESO)
    )
    assert set(calibracion.propuesta) == set(verdad)
    for nombre, valor in calibracion.propuesta.items():
        assert abs(valor - verdad[nombre]) <= 0.05, (nombre, valor)
    assert calibracion.validacion_cruzada.kappa > calibracion.actual.kappa + 0.05
    assert calibracion.validacion_cruzada.kappa >= 0.9


def test_sin_senal_no_propone_cambios(motor, sin_etiquetar):
    azar = random.Random(13)
    ruido = [
        CasoEtiquetado(
            c.origen,
            c.respuestas,
            {
                a: azar.choice(["bajo", "medio", "alto"])
                for a in ["estrategia", "estructura", "procesos", "productos"]
            },
        )
        for c in sin_etiquetar
    ]
    calibracion = calibrar(ruido, motor.reglas, motor.conocimiento)
    assert calibracion.propuesta == {}
    assert calibracion.motivo


def test_con_pocos_casos_no_propone_y_dice_por_que(motor, sin_etiquetar):
    pocos = etiquetados(motor, sin_etiquetar[:5], {"umbral_alto": 0.5})
    calibracion = calibrar(pocos, motor.reglas, motor.conocimiento)
    assert calibracion.propuesta == {}
    assert calibracion.motivo == (
        "hay 5 casos validados y se necesitan al menos 20 (parámetro calibracion_min_casos) "
        "para proponer valores: con menos casos, la propuesta se ajustaría a esos casos y no "
        "a las comunas"
    )
    assert calibracion.ajustado is None


def test_calibrar_escribir_comparar_y_probar_como_un_equipo(capsys, tmp_path, motor, fuertes):
    validadas = tmp_path / "validadas"
    validadas.mkdir()
    casos = etiquetados(motor, casos_de(motor, fuertes), {"umbral_alto": 0.6})
    comunas = motor.conocimiento.comunas()
    for i, (respuestas, caso) in enumerate(zip(fuertes, casos, strict=True)):
        validacion = {
            a: {"nivel": n, "justificacion": "Mesa ilustrativa."} for a, n in caso.etiquetas.items()
        }
        datos = datos_respuestas(respuestas, validacion=validacion)
        datos.update(
            comuna=comunas[i % len(comunas)], fecha=f"2026-{1 + i // 28:02d}-{1 + i % 28:02d}"
        )
        escribir_yaml(validadas / f"c{i}.yaml", datos)
    HISTORIA = validadas
    _, conocimiento = copiar_carpetas(tmp_path / "en-uso", con_ejemplos=True)
    poner_paso(conocimiento, PASO_GRUESO)
    en_uso = ("--conocimiento", conocimiento)
    copia = tmp_path / "propuesta"
    codigo, out, err = correr(capsys, "reglas", "calibrar", HISTORIA, "--escribir", copia, *en_uso)
    assert codigo == 1, err
    assert "## Acuerdo con los valores actuales" in out
    assert "| validado por la mesa \\ diagnosticado | bajo | medio | alto |" in out
    assert "| encontrados, dejando cada comuna fuera de la búsqueda |" in out
    assert "-    valor: 0.75\n+    valor: 0.6" in out  # these mesas judge with 0.6
    assert "```diff\n--- " in out
    assert f"Copia de trabajo con la propuesta en {copia}" in err
    # the copy carries the proposal; the knowledge in use is untouched
    propuestos = leer_yaml(copia / "knowledge" / "parametros.yaml")["parametros"]
    vigentes = leer_yaml(conocimiento / "parametros.yaml")["parametros"]
    assert vigentes["umbral_alto"]["valor"] == 0.75
    cambiados = [n for n in vigentes if propuestos[n]["valor"] != vigentes[n]["valor"]]
    assert cambiados
    assert all(f"+    valor: {propuestos[n]['valor']}" in out for n in cambiados)
    opciones = ("--reglas", copia / "rules", "--conocimiento", copia / "knowledge")
    codigo, out, _ = correr(
        capsys, "reglas", "comparar", "--base", REGLAS.parent, HISTORIA, *opciones
    )
    assert codigo == 1 and "cambian" in out
    codigo, out, _ = correr(capsys, "reglas", "probar", *opciones)
    assert "casos pasan" in out
    # writing again into the same folder is refused, nothing is overwritten
    codigo, _, err = correr(capsys, "reglas", "calibrar", HISTORIA, "--escribir", copia, *en_uso)
    assert codigo == 2 and "ya existe; no se sobrescribe" in err


def test_calibrar_sin_validaciones_es_un_error(capsys, tmp_path):
    carpeta = tmp_path / "r"
    carpeta.mkdir()
    shutil.copy(EJEMPLOS / "yumbel.yaml", carpeta)
    codigo, _, err = correr(capsys, "reglas", "calibrar", carpeta)
    assert codigo == 2
    assert "ningún archivo tiene niveles validados por la mesa" in err


def test_calibrar_con_casos_de_prueba(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    poner_paso(conocimiento, PASO_GRUESO)
    codigo, out, err = correr(
        capsys,
        "reglas",
        "calibrar",
        EJEMPLOS,
        "--casos",
        REGLAS / "casos",
        "--reglas",
        reglas,
        "--conocimiento",
        conocimiento,
    )
    assert codigo == 0, err
    # the consultants' cases agree with the current values
    assert (
        "No se propone ningún cambio: los valores actuales ya son los que mejor concuerdan "
        "con las mesas; los " in out
    )
    # the examples are illustrative, and the report says so before any figure
    assert out.index("**Validaciones ilustrativas:**") < out.index("Kappa ponderado")
    # disagreements that no searched value of a parameter fixes are named, one per line
    desacuerdos = out.split("## Desacuerdos que ningún parámetro corrige")[1].split("## ")[0]
    assert "no cambian con ningún valor que la búsqueda prueba para un parámetro" in desacuerdos
    assert any(
        linea.startswith("- ") and ", validado " in linea and ", diagnosticado " in linea
        for linea in desacuerdos.splitlines()
    )


def test_la_busqueda_no_sale_del_rango_del_parametro(motor, fuertes):
    # The mesas' labels pull umbral_alto down to 0,6, but the parameter's declared
    # range (minimo/maximo in parametros.yaml) is where the search must stay.
    verdad = {"umbral_alto": 0.6}
    casos = etiquetados(motor, casos_de(motor, fuertes), verdad)
    actuales = parametros_numericos(reglas_de_clasificacion(motor.reglas), motor.conocimiento)
    clasificador = Clasificador(motor.reglas, motor.conocimiento, casos, actuales)
    indices = list(range(len(casos)))
    libre = buscar(clasificador, actuales, indices, PASO_GRUESO)
    acotada = buscar(
        clasificador, actuales, indices, PASO_GRUESO, admite=lambda _n, valor: valor >= 0.7
    )
    assert libre["umbral_alto"] < 0.7
    assert acotada["umbral_alto"] == 0.7
