"""Folders loaded once and reused across processes: the shared cache and when it is not trusted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import EJEMPLOS, copiar_carpetas, editar_yaml
from diagnostico_experto.cli.variables import carpeta_de_cache
from diagnostico_experto.comun import cache as cache_de_carpetas
from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
from diagnostico_experto.motor.motor import Motor


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty shared cache's folder, and a process that has loaded nothing yet."""
    cache_de_carpetas.olvidar()
    yield carpeta_de_cache({"XDG_CACHE_HOME": str(tmp_path / "cache")})
    cache_de_carpetas.olvidar()


class Carga:
    """A loader that counts its calls and returns what the folder's file says."""

    def __init__(self, carpeta: Path, cache: Path | None):
        self.carpeta = carpeta
        self.cache = cache
        self.veces = 0

    def __call__(self) -> str:
        self.veces += 1
        return (self.carpeta / "a.yaml").read_text(encoding="utf-8")

    def en_otro_proceso(self) -> str:
        cache_de_carpetas.olvidar()  # what a new process starts with
        return cache_de_carpetas.recordar(
            ("prueba",), self.carpeta, self, compartida=("prueba",), cache=self.cache
        )


@pytest.fixture
def carga(tmp_path, cache) -> Carga:
    carpeta = tmp_path / "carpeta"
    carpeta.mkdir()
    (carpeta / "a.yaml").write_text("uno", encoding="utf-8")
    return Carga(carpeta, cache)


def test_otro_proceso_lee_la_cache_y_no_los_archivos(carga, cache):
    assert carga.en_otro_proceso() == "uno"
    assert len(list(cache.glob("*.pickle"))) == 1
    assert carga.en_otro_proceso() == "uno"
    assert carga.veces == 1


def test_un_archivo_cambiado_invalida_la_cache(carga):
    assert carga.en_otro_proceso() == "uno"
    (carga.carpeta / "a.yaml").write_text("dos", encoding="utf-8")
    assert carga.en_otro_proceso() == "dos"
    assert carga.veces == 2
    # same size, mtime put back: the content still tells them apart
    archivo = carga.carpeta / "a.yaml"
    instante = archivo.stat().st_mtime_ns
    archivo.write_text("tre", encoding="utf-8")
    os.utime(archivo, ns=(instante, instante))
    assert carga.en_otro_proceso() == "tre"
    assert carga.veces == 3


def test_otra_version_del_programa_no_usa_la_cache(carga, monkeypatch):
    assert carga.en_otro_proceso() == "uno"
    monkeypatch.setattr(cache_de_carpetas, "version_del_programa", lambda: "0.2.0-otra")
    assert carga.en_otro_proceso() == "uno"
    assert carga.veces == 2


def test_una_cache_que_no_se_puede_escribir_o_esta_danada_se_ignora(carga, cache, monkeypatch):
    cache.parent.mkdir(parents=True)
    cache.write_text("un archivo donde debería ir la carpeta", encoding="utf-8")
    assert carga.en_otro_proceso() == "uno"
    assert carga.en_otro_proceso() == "uno"
    assert carga.veces == 2
    cache.unlink()
    carga.en_otro_proceso()
    (entrada,) = cache.glob("*.pickle")
    entrada.write_bytes(b"no es un pickle")
    assert carga.en_otro_proceso() == "uno"
    assert carga.veces == 4


def test_sin_cache_compartida_si_se_pide(carga, cache):
    carga.cache = carpeta_de_cache({"DIAGNOSTICO_SIN_CACHE": "1", "XDG_CACHE_HOME": "x"})
    carga.en_otro_proceso()
    carga.en_otro_proceso()
    assert carga.veces == 2
    assert not cache.exists()


def test_reglas_y_conocimiento_de_la_cache_dan_el_mismo_resultado(cache, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    primero = Motor.desde_carpetas(reglas, conocimiento, cache)
    assert len(list(cache.glob("*.pickle"))) == 2  # knowledge, rules
    cache_de_carpetas.olvidar()
    segundo = Motor.desde_carpetas(reglas, conocimiento, cache)
    assert segundo.reglas is not primero.reglas
    respuestas = cargar_respuestas(EJEMPLOS / "yumbel.yaml", primero.conocimiento)
    assert (
        primero.evaluar(respuestas).resultado.model_dump_json()
        == segundo.evaluar(respuestas).resultado.model_dump_json()
    )


def test_un_parametro_cambiado_se_ve_en_las_reglas_de_otro_proceso(cache, tmp_path):
    """Rules depend on the knowledge folder (parameters): their cache key includes it."""
    reglas, conocimiento = copiar_carpetas(tmp_path)
    antes = Motor.desde_carpetas(reglas, conocimiento, cache)

    def umbral_alto_mas_alto(datos):
        assert datos["parametros"]["umbral_alto"]["valor"] != 0.95
        datos["parametros"]["umbral_alto"]["valor"] = 0.95

    editar_yaml(conocimiento / "parametros.yaml", umbral_alto_mas_alto)
    cache_de_carpetas.olvidar()
    despues = Motor.desde_carpetas(reglas, conocimiento, cache)
    assert [r.condiciones for r in antes.reglas] != [r.condiciones for r in despues.reglas]


def test_un_lote_por_la_api_no_deja_nada_fuera_del_recolector(motor, tmp_path):
    """Only processes that end with the batch (its workers, the ``lote`` command) set
    what they loaded aside from the cycle collector: a process that goes on (a test
    run, a library user) must be able to free it."""
    import gc

    from diagnostico_experto.lote.entradas import entradas_de_carpeta
    from diagnostico_experto.lote.evaluacion import Evaluada, evaluar_en_orden

    (tmp_path / "comunas").mkdir()
    antes = gc.get_freeze_count()
    entradas = entradas_de_carpeta(EJEMPLOS)[:2]
    en_orden = evaluar_en_orden(entradas, Path("rules"), EJEMPLOS.parent, tmp_path, motor=motor)
    assert [type(e) for e in en_orden] == [Evaluada, Evaluada]
    assert gc.get_freeze_count() <= antes  # (set-aside objects of other tests may be freed)


def test_la_biblioteca_no_toca_el_recolector(motor, tmp_path):
    """Evaluating and writing a batch through the API leaves the collector as the
    program that calls them set it: the policy is the process entries' (issue 30)."""
    import gc

    from diagnostico_experto.lote.entradas import entradas_de_carpeta
    from diagnostico_experto.lote.evaluacion import evaluar_en_orden

    (tmp_path / "comunas").mkdir()
    entradas = entradas_de_carpeta(EJEMPLOS)[:2]
    antes = (gc.isenabled(), gc.get_threshold())
    en_orden = evaluar_en_orden(entradas, Path("rules"), EJEMPLOS.parent, tmp_path, motor=motor)
    next(en_orden)
    assert (gc.isenabled(), gc.get_threshold()) == antes
    en_orden.close()
    assert (gc.isenabled(), gc.get_threshold()) == antes


def test_la_politica_de_un_proceso_sube_el_primer_umbral_y_aparta_lo_cargado():
    import gc

    from diagnostico_experto.comun.recolector import UMBRALES, politica_de_proceso

    umbrales, congelados = gc.get_threshold(), gc.get_freeze_count()
    try:
        politica_de_proceso()
        assert gc.get_threshold() == UMBRALES
        assert gc.get_freeze_count() == congelados
        politica_de_proceso(apartar_lo_cargado=True)
        assert gc.get_freeze_count() > congelados
    finally:
        gc.unfreeze()
        gc.set_threshold(*umbrales)
    assert UMBRALES[0] > umbrales[0]


def _entorno_nuevo(cache: Path | None):
    """The Markdown environment a new process builds (nothing compiled in memory)."""
    from diagnostico_experto.informes.comuna import _entorno

    return _entorno.__wrapped__(False, cache)


def test_otro_proceso_usa_la_plantilla_compilada(cache, monkeypatch, motor, ejemplos):
    from diagnostico_experto.informes.comuna import _contexto

    contexto = {
        "indice": None,
        "anexo": True,
        **_contexto(ejemplos["yumbel"], motor.reglas, motor.conocimiento),
    }
    informe = _entorno_nuevo(cache).get_template("informe.md.j2").render(contexto)
    (guardada,) = (cache / "plantillas").glob("*.cache")
    entorno = _entorno_nuevo(cache)
    compiladas: list[object] = []
    monkeypatch.setattr(entorno, "compile", lambda *a, **k: compiladas.append(a))
    assert entorno.get_template("informe.md.j2").render(contexto) == informe
    assert compiladas == []  # its code came from the cache
    guardada.write_bytes(b"no es codigo")  # damaged: compiled again, the same report
    assert _entorno_nuevo(cache).get_template("informe.md.j2").render(contexto) == informe


def test_otro_proceso_usa_las_partes_compiladas_de_la_plantilla_de_word(cache, monkeypatch):
    """docxtpl hands each part of the Word template to jinja2 as a string: a new process
    (``evaluar --salida informe.docx``) takes its compiled code from the shared cache."""
    from diagnostico_experto.informes.docx import _EntornoDocx

    fuente = "<w:t>{{ num(x) }} {{ nombre }}</w:t>"
    primero = _EntornoDocx(cache).from_string(fuente).render(x=2.5, nombre="<Ñuble>")
    assert primero == "<w:t>2,5 &lt;Ñuble&gt;</w:t>"
    entorno = _EntornoDocx(cache)
    compiladas: list[object] = []
    compilar = entorno.compile
    monkeypatch.setattr(
        entorno, "compile", lambda *a, **k: (compiladas.append(a), compilar(*a, **k))[1]
    )
    assert entorno.from_string(fuente).render(x=2.5, nombre="<Ñuble>") == primero
    assert compiladas == []  # its code came from the cache
    otra = entorno.from_string("<w:t>{{ nombre }}</w:t>")  # another part: compiled
    assert len(compiladas) == 1 and otra is not None


def test_plantillas_sin_cache_que_se_pueda_escribir_o_si_se_pide(cache, monkeypatch):
    cache.parent.mkdir(parents=True)
    cache.write_text("un archivo donde debería ir la carpeta", encoding="utf-8")
    assert _entorno_nuevo(cache).get_template("informe.md.j2")
    cache.unlink()
    assert _entorno_nuevo(None).get_template("informe.md.j2")  # DIAGNOSTICO_SIN_CACHE=1
    assert not cache.exists()


def test_solo_la_entrada_del_comando_lee_el_entorno(tmp_path, monkeypatch):
    """A library user gets no shared cache unless it says where; the command's entry
    takes the folder from the environment and passes it down (issue 30)."""
    from diagnostico_experto.cli.principal import main

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    reglas, conocimiento = copiar_carpetas(tmp_path)
    cache_de_carpetas.olvidar()
    Motor.desde_carpetas(reglas, conocimiento)
    assert not (tmp_path / "xdg").exists()
    cache_de_carpetas.olvidar()
    assert (
        main(["reglas", "validar", "--reglas", str(reglas), "--conocimiento", str(conocimiento)])
        == 0
    )
    assert len(list((tmp_path / "xdg" / "diagnostico-experto").glob("*.pickle"))) == 2
    cache_de_carpetas.olvidar()


def test_la_carpeta_de_la_cache_sale_de_las_variables_que_se_le_dan(monkeypatch):
    assert carpeta_de_cache({"XDG_CACHE_HOME": "/x"}) == Path("/x/diagnostico-experto")
    assert carpeta_de_cache({"HOME": "/casa"}) == Path("/casa/.cache/diagnostico-experto")
    assert carpeta_de_cache({"HOME": "/casa", "DIAGNOSTICO_SIN_CACHE": "1"}) is None

    def sin_hogar() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", sin_hogar)  # a user id with no home: no shared cache
    assert carpeta_de_cache({}) is None


def test_otro_proceso_usa_la_plantilla_de_word_ya_preparada(
    cache, monkeypatch, motor, ejemplos, tmp_path
):
    """A process's first Word document takes the template another process prepared
    (python-docx opens nothing) and is the same document, part by part; an edited
    template is prepared again."""
    import io
    import zipfile

    from docx import Document

    from diagnostico_experto.informes import docx
    from diagnostico_experto.informes.documento import documento
    from diagnostico_experto.informes.paquete_docx import PaqueteDocx

    def partes(datos: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(datos)) as zf:
            return {nombre: zf.read(nombre) for nombre in zf.namelist()}

    def con_encabezado(texto: str) -> None:
        doc = Document(str(copia))
        doc.sections[0].header.paragraphs[0].add_run(texto)
        doc.save(str(copia))

    copia = tmp_path / "informe.docx"
    copia.write_bytes((EJEMPLOS.parent / "plantillas" / "informe.docx").read_bytes())
    con_encabezado("Comuna de {{ r.comuna }}")
    d = documento(ejemplos["penco"], motor.conocimiento)
    lugares = {r.id: r.lugar() for r in motor.reglas}
    contexto = {"d": d, "r": d.r, "anexo": True, "lugares": lugares, "fondo": docx.FONDOS}
    contexto |= {"firmas": ["Firma"] * 4, "provisional": False}
    preparadas: list[bytes] = []
    preparar = PaqueteDocx.__init__
    monkeypatch.setattr(
        PaqueteDocx, "__init__", lambda self, *a: (preparadas.append(a[0]), preparar(self, *a))[1]
    )

    def en_otro_proceso() -> bytes:
        docx._paquete.cache_clear()
        return docx.renderizar(copia, contexto, {"grafico": d.grafico}, cache)

    primero = en_otro_proceso()
    assert len(preparadas) == 1
    assert partes(en_otro_proceso()) == partes(primero)
    assert len(preparadas) == 1  # the second process read it from the cache
    con_encabezado(" (copia de un consultor)")
    editada = en_otro_proceso()
    assert len(preparadas) == 2
    assert b"(copia de un consultor)" in partes(editada)["word/header1.xml"]
