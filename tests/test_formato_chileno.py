"""Chilean formats through Babel (es_CL): what every report and screen shows."""

from __future__ import annotations

import datetime as dt

import pytest

from diagnostico_experto.comun.formato_chileno import (
    fecha,
    fecha_corta,
    horas,
    leer_numero,
    numero,
    plural,
    porcentaje,
)


def test_numeros_horas_y_porcentajes_chilenos():
    assert numero(2473) == "2.473"
    assert numero(620.71) == "620,7"
    assert numero(3.5) == "3,5"
    assert numero(45.0) == "45"
    assert horas(2473) == "2.473 h"
    assert porcentaje(0.455, 1) == "45,5 %"
    assert porcentaje(0.4523) == "45 %"
    assert porcentaje(None) == "sin datos"


def test_fechas_en_palabras():
    assert fecha("2026-12-07") == "7 de diciembre de 2026"
    assert fecha(dt.date(2027, 11, 18)) == "18 de noviembre de 2027"
    assert fecha(None) == "sin fecha"
    assert fecha_corta("2026-11-20") == "20 nov 2026"


def test_un_solo_plural():
    assert plural(1, "servicio") == "1 servicio"
    assert plural(2, "servicio") == "2 servicios"
    assert plural(0, "comuna") == "0 comunas"
    assert plural(1, "fusión", "fusiones") == "1 fusión"
    assert plural(3, "fusión", "fusiones") == "3 fusiones"


@pytest.mark.parametrize("texto", ["3,5", "3.5", " 3,5 "])
def test_un_numero_escrito_con_coma_o_punto(texto):
    assert leer_numero(texto) == 3.5
