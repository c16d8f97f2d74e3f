"""The dated work plan: dates per step, talleres shared by UGT, responsible per product,
and the batch's calendar (index, workbook with a Gantt chart, iCalendar per UGT)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import openpyxl

from conftest import archivo_respuestas, correr, datos_respuestas, respuestas_de
from diagnostico_experto.informes.comuna import informe
from diagnostico_experto.motor.motor import Motor

MESA = [
    {"nombre": "Ana Pérez", "cargo": "Encargada", "unidad": "DIDECO"},
    {"nombre": "Luis Soto", "cargo": "Profesional", "unidad": "UDEL"},
]


def _md(motor: Motor, **extra) -> str:  # type: ignore[no-untyped-def]
    datos = datos_respuestas({"O01": "unidad_propia", "E02": "no_hay"}, mesa=MESA, **extra)
    evaluacion = motor.evaluar(respuestas_de(datos, motor.conocimiento))
    texto = informe(evaluacion, motor.reglas, motor.conocimiento, "md")
    assert isinstance(texto, str)
    return texto


def test_each_step_has_its_date_and_the_talleres_are_the_ugts(motor: Motor) -> None:
    texto = _md(motor)  # Ninhue, Secano Costero: steps three weeks apart from 1 March 2027
    assert "**1. Validación con la mesa comunal — " in texto
    assert "· 1 de marzo de 2027\n" in texto
    assert "· 22 de marzo de 2027, taller territorial de la UGT" in texto
    assert "· 12 de abril de 2027, taller territorial de la UGT" in texto


def test_the_responsible_is_chosen_by_unit_and_the_answer_file_may_name_another(
    motor: Motor,
) -> None:
    plan = _md(motor).split("## Propuesta de intervención")[1]
    assert "- Responsable en la mesa comunal: Luis Soto." in plan  # UDEL before DIDECO
    texto = _md(motor, responsables={"producto-generico:estrategia-bajo": "Ana Pérez"})
    estrategia = texto.split("Taller territorial de Estrategia")[1].split("**4.")[0]
    assert "- Responsable en la mesa comunal: Ana Pérez." in estrategia


def test_a_responsible_outside_the_mesa_is_one_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    ruta = archivo_respuestas(
        tmp_path, {"O01": "unidad_propia"}, mesa=MESA, responsables={"x": "Ana Peres"}
    )
    codigo, _, err = correr(capsys, "evaluar", ruta)
    assert codigo == 2
    assert "responsables.x: «Ana Peres» no está en la mesa comunal" in err


def test_the_batch_writes_the_calendar(lote_de_ejemplos) -> None:  # type: ignore[no-untyped-def]
    salida, _ = lote_de_ejemplos
    archivos = sorted(p.name for p in salida.glob("*.ics"))
    assert archivos == [
        "calendario-arauco.ics",
        "calendario-laja-diguillin.ics",
        "calendario-secano-costero.ics",
        "calendario-secano-interior-amdel.ics",
    ]
    leido = icalendar.Calendar.from_ical((salida / "calendario-arauco.ics").read_bytes())
    eventos = list(leido.walk("VEVENT"))
    assert [str(e["summary"]) for e in eventos] == [
        "Taller inicial de sensibilización — UGT Arauco",
        "Taller territorial de Estrategia y trabajo comunal — UGT Arauco",
        "Taller territorial de Estructura y Procesos y trabajo comunal — UGT Arauco",
        "Taller territorial de Gestión de Entorno y trabajo comunal — UGT Arauco",
    ]
    santiago = ZoneInfo("America/Santiago")
    # the date fixed by hand for Arauco in calendario.yaml, at the taller's hour
    assert eventos[0].decoded("dtstart") == dt.datetime(2027, 3, 8, 9, 30, tzinfo=santiago)
    assert eventos[0].decoded("duration") == dt.timedelta(hours=4)
    assert "Cañete" in str(eventos[0]["description"])
    assert list(leido.walk("VTIMEZONE"))
    indice = (salida / "index.html").read_text("utf-8")
    assert "<h2>Calendario de talleres territoriales</h2>" in indice
    assert '<a href="calendario-arauco.ics">calendario (.ics)</a>' in indice
    assert "<td>8 de marzo de 2027</td><td>Taller inicial de sensibilización</td>" in indice
    libro = openpyxl.load_workbook(salida / "resumen.xlsx")
    hoja = libro["Calendario"]
    assert [c.value for c in hoja[1]] == [
        "Taller",
        "UGT",
        "Paso",
        "Comunas",
        "Desde",
        "Hasta",
        "Días",
    ]
    filas = list(hoja.iter_rows(min_row=2, values_only=True))
    assert len(filas) == 16  # four talleres in each of the four UGTs
    # the chart prints whole on its own page, under no repeated (empty) header row
    assert [b.id for b in hoja.row_breaks.brk] == [17]
    assert not hoja.print_title_rows
    assert hoja.cell(2, 7).alignment.vertical == "top"  # «Días» next to its row's text
    assert filas[12][:3] == (
        "Arauco: Taller inicial de sensibilización",
        "Arauco",
        "Taller inicial de sensibilización",
    )
    assert filas[12][4] == dt.datetime(2027, 3, 8)
    with zipfile.ZipFile(salida / "resumen.xlsx") as z:
        graficos = [n for n in z.namelist() if n.startswith("xl/charts/")]
        assert any(
            '<c:barDir val="bar"/><c:grouping val="stacked"/>' in z.read(n).decode()
            and "<a:noFill/>" in z.read(n).decode()
            for n in graficos
        )


def test_sintesis_docx_has_a_compact_calendar_table_per_ugt(lote_de_ejemplos) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    salida, _ = lote_de_ejemplos
    doc = Document(str(salida / "sintesis.docx"))
    parrafos = [p.text for p in doc.paragraphs]
    assert "Calendario de talleres territoriales" in parrafos
    assert (
        "Arauco: Arauco, Cañete, Contulmo, Curanilahue, Lebu, Los Álamos y Tirúa · "
        "calendario-arauco.ics"
    ) in parrafos
    tablas = [
        [[c.text for c in fila.cells] for fila in t.rows]
        for t in doc.tables
        if t.rows[0].cells[0].text == "Taller territorial"
    ]
    assert len(tablas) == 4  # one per UGT
    arauco = tablas[-1]
    assert arauco == [
        ["Taller territorial", "Fecha", "Trabajo comunal hasta"],
        ["Taller inicial de sensibilización", "8 de marzo de 2027", "12 de abril de 2027"],
        ["Taller de Estrategia", "12 de abril de 2027", "3 de mayo de 2027"],
        ["Taller de Estructura y Procesos", "3 de mayo de 2027", "24 de mayo de 2027"],
        ["Taller de Gestión de Entorno", "24 de mayo de 2027", "14 de junio de 2027"],
    ]


def test_a_wrong_calendar_is_refused_with_its_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from conftest import conocimiento_con

    def arauco_mal_escrito(datos):
        datos["fechas"]["Arauko"] = datos["fechas"].pop("Arauco")

    carpeta = conocimiento_con(tmp_path / "k", calendario=arauco_mal_escrito)
    ruta = archivo_respuestas(tmp_path, {"O01": "unidad_propia"})
    codigo, _, err = correr(capsys, "--conocimiento", carpeta, "evaluar", ruta)
    assert codigo == 2
    assert "calendario.yaml" in err and "fechas.Arauko: UGT desconocida «Arauko»" in err


def test_a_consolidation_interval_for_an_unknown_step_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from conftest import conocimiento_con

    def mal_escrito(datos):
        datos["consolidacion"] = {"segunda_etapas": 12}

    carpeta = conocimiento_con(tmp_path / "k", calendario=mal_escrito)
    ruta = archivo_respuestas(tmp_path, {"O01": "unidad_propia"})
    codigo, _, err = correr(capsys, "--conocimiento", carpeta, "evaluar", ruta)
    assert codigo == 2
    assert "consolidacion.segunda_etapas: paso desconocido «segunda_etapas»" in err
