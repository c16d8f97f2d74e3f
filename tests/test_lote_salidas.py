"""Outputs never overwrite an input; the batch's set is swapped in whole or not at all."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import EJEMPLOS, conocimiento_con, correr, leer_yaml
from diagnostico_experto.comun import escritura
from diagnostico_experto.lote.planilla import planilla
from diagnostico_experto.lote.publicacion import MANIFIESTO, Publicacion

DOS = ["yumbel", "penco"]
TRES = ["cobquecura", "canete", "quirihue"]


def respuestas(carpeta: Path, nombres: list[str]) -> Path:
    carpeta.mkdir(parents=True, exist_ok=True)
    for nombre in nombres:
        shutil.copy(EJEMPLOS / f"{nombre}.yaml", carpeta)
    return carpeta


def foto(carpeta: Path) -> dict[str, bytes]:
    """Every file under ``carpeta`` (hidden ones included), by relative path."""
    return {
        p.relative_to(carpeta).as_posix(): p.read_bytes()
        for p in sorted(carpeta.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def ocultos(carpeta: Path) -> list[str]:
    return sorted(p.name for p in carpeta.iterdir() if p.name.startswith("."))


def lote(capsys, *args) -> tuple[int, str]:
    codigo, out, err = correr(capsys, "lote", *args)
    assert "Traceback" not in err and out == ""
    return codigo, err.strip()


# --- evaluar --salida --------------------------------------------------------------


@pytest.mark.parametrize("como", ["igual", "con-puntos", "enlace", "enlace-duro"])
def test_evaluar_no_reemplaza_su_archivo_de_respuestas(capsys, tmp_path, monkeypatch, como):
    monkeypatch.chdir(tmp_path)
    shutil.copy(EJEMPLOS / "yumbel.yaml", "A.yaml")
    antes = Path("A.yaml").read_bytes()
    salida = {"igual": "A.yaml", "con-puntos": "no-existe/../A.yaml"}.get(como, "informe.md")
    if como == "enlace":
        Path("informe.md").symlink_to("A.yaml")
    elif como == "enlace-duro":
        os.link("A.yaml", "informe.md")
    codigo, out, err = correr(capsys, "evaluar", "A.yaml", "--salida", salida)
    assert (codigo, out) == (2, "")
    assert err == (
        f"{salida}: es el archivo de respuestas que se evalúa; el informe lo reemplazaría. "
        "Elija otro nombre para --salida.\n"
    )
    assert Path("A.yaml").read_bytes() == antes
    assert not Path("no-existe").exists()


def test_evaluar_no_reemplaza_otro_archivo_de_respuestas(capsys, tmp_path):
    otro = tmp_path / "B.yml"
    shutil.copy(EJEMPLOS / "penco.yaml", otro)
    antes = otro.read_bytes()
    codigo, _, err = correr(capsys, "evaluar", EJEMPLOS / "yumbel.yaml", "--salida", otro)
    assert codigo == 2
    assert err == (
        f"{otro}: es un archivo de respuestas; el informe no lo reemplaza. "
        "Elija otro nombre para --salida.\n"
    )
    assert otro.read_bytes() == antes


def test_evaluar_reemplaza_un_informe_anterior(capsys, tmp_path):
    informe = tmp_path / "yumbel.md"
    informe.write_text("informe viejo\n", encoding="utf-8")
    codigo, _, err = correr(capsys, "evaluar", EJEMPLOS / "yumbel.yaml", "--salida", informe)
    assert codigo == 0, err
    assert informe.read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize(
    ("falla", "motivo"),
    [
        ("escribir", "no queda espacio en el disco"),
        ("crear", "el sistema de archivos es de solo lectura"),
    ],
)
def test_evaluar_sin_poder_escribir_nombra_el_archivo_pedido(
    capsys, tmp_path, monkeypatch, falla, motivo
):
    """A full disk or a read-only folder names the report, not the hidden temporary file."""
    if falla == "escribir":

        def sin_espacio(fd):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(escritura.os, "fsync", sin_espacio)
    else:

        def solo_lectura(dir, prefix, suffix):
            raise OSError(errno.EROFS, "Read-only file system", f"{dir}/{prefix}x{suffix}")

        monkeypatch.setattr(escritura.tempfile, "mkstemp", solo_lectura)
    informe = tmp_path / "informe.md"
    codigo, _, err = correr(capsys, "evaluar", EJEMPLOS / "yumbel.yaml", "--salida", informe)
    assert codigo == 2
    assert err == f"{informe}: no se pudo escribir ({motivo})\n"
    assert list(tmp_path.iterdir()) == []


# --- lote --salida: refusals ------------------------------------------------------------


def test_lote_no_escribe_en_su_carpeta_de_entrada(capsys, tmp_path):
    carpeta = respuestas(tmp_path / "resp", DOS)
    antes = foto(tmp_path)
    for salida in (carpeta, tmp_path / "resp" / "." / "", tmp_path / "otra" / ".." / "resp"):
        codigo, err = lote(capsys, carpeta, "--salida", salida)
        assert codigo == 2
        assert err == (
            f"{salida}: es la carpeta de entrada del lote; los informes reemplazarían las "
            "respuestas. Elija otra carpeta para --salida."
        )
    assert foto(tmp_path) == antes


def test_lote_no_toma_un_nombre_de_documento_por_carpeta(capsys, tmp_path):
    carpeta = respuestas(tmp_path / "resp", DOS)
    antes = foto(tmp_path)
    salida = tmp_path / "lote.xlsx"
    codigo, err = lote(capsys, carpeta, "--salida", salida)
    assert codigo == 2
    assert err == (
        f"{salida}: --salida es la carpeta donde el lote escribe todos sus informes, no un "
        "archivo «.xlsx». Elija una carpeta, por ejemplo «informes»."
    )
    assert foto(tmp_path) == antes


def test_lote_no_reemplaza_una_carpeta_que_contiene_la_entrada(capsys, tmp_path):
    carpeta = respuestas(tmp_path / "resp", DOS)
    antes = foto(tmp_path)
    codigo, err = lote(capsys, carpeta, "--salida", tmp_path)
    assert codigo == 2
    assert err == (
        f"{tmp_path}: contiene la entrada del lote ({carpeta}); los informes la reemplazarían. "
        "Elija otra carpeta para --salida."
    )
    assert foto(tmp_path) == antes


def test_un_enlace_de_entrada_que_apunta_dentro_de_la_salida(capsys, tmp_path):
    informes = respuestas(tmp_path / "informes", DOS)  # answers kept inside the output folder
    carpeta = tmp_path / "resp"
    carpeta.mkdir()
    (carpeta / "yumbel.yaml").symlink_to(informes / "yumbel.yaml")
    codigo, err = lote(capsys, carpeta, "--salida", informes)
    assert codigo == 2
    assert "contiene la entrada del lote" in err
    assert (informes / "yumbel.yaml").read_bytes() == (EJEMPLOS / "yumbel.yaml").read_bytes()


def test_la_planilla_de_entrada_no_es_una_salida(capsys, tmp_path, conocimiento):
    xlsx = tmp_path / "terreno.xlsx"
    xlsx.write_bytes(planilla(conocimiento, [leer_yaml(EJEMPLOS / "yumbel.yaml")]))
    antes = xlsx.read_bytes()
    codigo, err = lote(capsys, xlsx, "--salida", xlsx)
    assert codigo == 2
    assert err == (
        f"{xlsx}: es la entrada del lote; los informes la reemplazarían. "
        "Elija otra carpeta para --salida."
    )
    codigo, err = lote(capsys, xlsx, "--salida", tmp_path)
    assert codigo == 2 and "contiene la entrada del lote" in err
    assert xlsx.read_bytes() == antes


def test_lote_no_reemplaza_un_archivo(capsys, tmp_path):
    carpeta = respuestas(tmp_path / "resp", DOS)
    archivo = respuestas(tmp_path / "otras", ["canete"]) / "canete.yaml"
    codigo, err = lote(capsys, carpeta, "--salida", archivo)
    assert codigo == 2
    assert err == f"{archivo}: existe y no es una carpeta; elija una carpeta para --salida."
    assert archivo.read_bytes() == (EJEMPLOS / "canete.yaml").read_bytes()


def test_una_carpeta_con_archivos_ajenos_no_se_reemplaza(capsys, tmp_path):
    carpeta = respuestas(tmp_path / "resp", DOS)
    salida = tmp_path / "mia"
    (salida / "comunas").mkdir(parents=True)
    (salida / "index.html").write_text("mío", encoding="utf-8")
    (salida / "comunas" / "notas.txt").write_text("no borrar", encoding="utf-8")
    antes = foto(salida)
    codigo, err = lote(capsys, carpeta, "--salida", salida)
    assert codigo == 2
    assert err == (
        f"{salida}: la carpeta ya existe y contiene «comunas/notas.txt», que no escribió "
        "«diagnostico lote»; no se reemplaza. Elija otra carpeta para --salida o vacíela."
    )
    assert foto(salida) == antes and ocultos(tmp_path) == []


def test_comunas_como_enlace_fuera_de_la_salida(capsys, tmp_path):
    carpeta = respuestas(tmp_path / "resp", DOS)
    salida = tmp_path / "informes"
    codigo, err = lote(capsys, carpeta, "--salida", salida)
    assert codigo == 0, err
    afuera = tmp_path / "afuera"
    afuera.mkdir()
    (afuera / "importante.md").write_text("no tocar", encoding="utf-8")
    shutil.rmtree(salida / "comunas")
    (salida / "comunas").symlink_to(afuera)
    codigo, err = lote(capsys, carpeta, "--salida", salida)
    assert codigo == 2
    assert err == (
        f"{salida}: la carpeta ya existe y contiene «comunas» (un enlace simbólico), que no "
        "escribió «diagnostico lote»; no se reemplaza. Elija otra carpeta para --salida o "
        "vacíela."
    )
    assert foto(afuera) == {"importante.md": b"no tocar"}


# --- lote: the swap -----------------------------------------------------------------------


def test_el_nuevo_conjunto_reemplaza_entero_al_anterior(capsys, tmp_path):
    salida = tmp_path / "informes"
    assert lote(capsys, respuestas(tmp_path / "a", DOS), "--salida", salida)[0] == 0
    assert lote(capsys, respuestas(tmp_path / "b", TRES), "--salida", salida)[0] == 0
    comunas = sorted(p.stem for p in (salida / "comunas").glob("*.html"))
    assert comunas == ["canete", "cobquecura", "quirihue"]  # nothing left from the first set
    escritos = (salida / MANIFIESTO).read_text(encoding="utf-8").splitlines()
    assert sorted(escritos) == sorted(p for p in foto(salida) if p != MANIFIESTO)
    assert ocultos(tmp_path) == []


def test_una_salida_anterior_sin_manifiesto_y_una_carpeta_vacia_se_reemplazan(capsys, tmp_path):
    carpeta = respuestas(tmp_path / "resp", DOS)
    vieja = tmp_path / "vieja"
    (vieja / "comunas").mkdir(parents=True)
    for nombre in ("index.html", "resumen.csv", "resumen.xlsx", "comunas/bulnes.md"):
        (vieja / nombre).write_text("de un lote anterior", encoding="utf-8")
    (vieja / "comunas" / ".bulnes.json.k3j2.tmp").write_text("a medias", encoding="utf-8")
    vacia = tmp_path / "vacia"
    vacia.mkdir()
    for salida in (vieja, vacia):
        codigo, err = lote(capsys, carpeta, "--salida", salida)
        assert codigo == 0, err
        assert sorted(p.name for p in (salida / "comunas").iterdir()) == [
            f"{c}.{f}" for c in ("penco", "yumbel") for f in ("docx", "html", "json", "md")
        ]


def test_una_salida_enlazada_sigue_apuntando_al_nuevo_conjunto(capsys, tmp_path):
    real = tmp_path / "real"
    enlace = tmp_path / "informes"
    enlace.symlink_to(real, target_is_directory=True)
    carpeta = respuestas(tmp_path / "resp", DOS)
    assert lote(capsys, carpeta, "--salida", enlace)[0] == 0
    assert lote(capsys, carpeta, "--salida", enlace)[0] == 0
    assert enlace.is_symlink() and (real / "index.html").is_file()


def test_los_restos_de_un_lote_interrumpido_se_limpian(capsys, tmp_path):
    salida = tmp_path / "informes"
    carpeta = respuestas(tmp_path / "resp", DOS)
    assert lote(capsys, carpeta, "--salida", salida)[0] == 0
    muerto = tmp_path / ".informes.lote-999999999-abc"  # no such process
    (muerto / "comunas").mkdir(parents=True)
    (muerto / "comunas" / "penco.md").write_text("a medias", encoding="utf-8")
    vivo = tmp_path / f".informes.lote-{os.getppid()}-xyz"  # a batch still running
    vivo.mkdir()
    assert lote(capsys, carpeta, "--salida", salida)[0] == 0
    assert ocultos(tmp_path) == [vivo.name]


def test_un_cambio_a_medias_se_completa_con_el_conjunto_anterior(capsys, tmp_path):
    """Killed between the two renames of the fallback swap: the previous set comes back."""
    salida = tmp_path / "informes"
    carpeta = respuestas(tmp_path / "resp", DOS)
    assert lote(capsys, carpeta, "--salida", salida)[0] == 0
    antes = foto(salida)
    salida.rename(tmp_path / ".informes.lote-999999999-anterior")
    with Publicacion(salida):
        assert foto(salida) == antes  # restored before anything new is written


# With two workers the comunas are evaluated in other processes: lento, run by CI.
POR_WORKERS = ["1", pytest.param("2", marks=pytest.mark.lento)]


@pytest.mark.parametrize("workers", POR_WORKERS)
def test_disco_lleno_nombra_el_archivo_y_deja_el_conjunto_anterior(
    capsys, tmp_path, monkeypatch, workers
):
    salida = tmp_path / "informes"
    assert lote(capsys, respuestas(tmp_path / "a", DOS), "--salida", salida)[0] == 0
    antes = foto(salida)
    abrir = Path.open

    def lleno(self, *args, **kwargs):
        if "canete" in self.name and self.suffix == ".html":  # its report, as written
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return abrir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", lleno)
    carpeta = respuestas(tmp_path / "b", TRES)
    codigo, err = lote(capsys, carpeta, "--salida", salida, "--workers", workers)
    assert codigo == 2
    assert err == (
        f"{salida}/comunas/canete.html: no se pudo escribir (no queda espacio en el disco); "
        f"{salida} queda como estaba"
    )
    assert foto(salida) == antes and ocultos(tmp_path) == []


def test_carpeta_de_solo_lectura(capsys, tmp_path, monkeypatch):
    def solo_lectura(dir, prefix):
        raise OSError(errno.EROFS, "Read-only file system", f"{dir}/{prefix}x")

    monkeypatch.setattr(tempfile, "mkdtemp", solo_lectura)
    salida = tmp_path / "informes"
    codigo, err = lote(capsys, respuestas(tmp_path / "a", DOS), "--salida", salida)
    assert codigo == 2
    assert err == f"{salida}: no se pudo escribir (el sistema de archivos es de solo lectura)"
    assert not salida.exists()


@pytest.mark.parametrize("workers", POR_WORKERS)
def test_ctrl_c_deja_el_conjunto_anterior(capsys, tmp_path, monkeypatch, workers):
    salida = tmp_path / "informes"
    carpeta = respuestas(tmp_path / "a", DOS + TRES)
    assert lote(capsys, carpeta, "--salida", salida)[0] == 0
    antes = foto(salida)
    adoptar = Publicacion.adoptar

    def interrumpido(self, escrito, relativa):  # Ctrl-C after the first comuna's reports
        if len(self.escritos) == 4:
            raise KeyboardInterrupt
        adoptar(self, escrito, relativa)

    monkeypatch.setattr(Publicacion, "adoptar", interrumpido)
    codigo, err = lote(capsys, carpeta, "--salida", salida, "--workers", workers)
    assert codigo == 130  # the shells' convention for Ctrl-C, as the README says
    assert err == f"Lote interrumpido; {salida} queda como estaba (sin informes a medias)."
    assert foto(salida) == antes and ocultos(tmp_path) == []


@pytest.mark.lento
def test_ctrl_c_con_dos_workers_sin_traza(capsys, tmp_path):
    """A real SIGINT to the whole process group, as a terminal sends it."""
    salida = tmp_path / "informes"
    assert lote(capsys, respuestas(tmp_path / "a", DOS), "--salida", salida)[0] == 0
    antes = foto(salida)
    proceso = subprocess.Popen(
        [sys.executable, "-m", "diagnostico_experto", "lote", "--salida", salida, "--workers", "2"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # a shell's background job ignores SIGINT, and Python keeps an ignored SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        while not any(tmp_path.glob(".informes.lote-*/comunas/*.html")):
            assert proceso.poll() is None, proceso.stderr.read() if proceso.stderr else ""
            time.sleep(0.05)
        os.killpg(proceso.pid, signal.SIGINT)
        _, err = proceso.communicate(timeout=120)
    finally:
        if proceso.poll() is None:
            os.killpg(proceso.pid, signal.SIGKILL)
    assert proceso.returncode == 130
    assert err.strip().splitlines() == [
        f"Lote interrumpido; {salida} queda como estaba (sin informes a medias)."
    ]
    assert foto(salida) == antes and ocultos(tmp_path) == []


def _hijos(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


@pytest.mark.lento
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to see workers start")
@pytest.mark.parametrize("espera", [0, 0.001, 0.005, 0.02, 0.1])
def test_ctrl_c_mientras_arrancan_los_workers(tmp_path, espera):
    """SIGINT to the process group as the workers are forked: 130, one line, no traceback,
    never swallowed (the batch used to go on, publish and exit 0), --salida untouched."""
    salida = tmp_path / "informes"
    proceso = subprocess.Popen(
        [sys.executable, "-m", "diagnostico_experto", "lote", "--salida", salida, "--workers", "2"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        limite = time.monotonic() + 60
        while not _hijos(proceso.pid):
            assert proceso.poll() is None and time.monotonic() < limite
            time.sleep(0.0002)
        time.sleep(espera)
        os.killpg(proceso.pid, signal.SIGINT)
        _, err = proceso.communicate(timeout=120)
    finally:
        if proceso.poll() is None:
            os.killpg(proceso.pid, signal.SIGKILL)
    assert proceso.returncode == 130, err
    assert err.strip().splitlines() == [
        f"Lote interrumpido; {salida} queda como estaba (sin informes a medias)."
    ]
    assert not salida.exists() and ocultos(tmp_path) == []


def test_un_enlace_en_ciclo_en_la_carpeta_es_una_linea_y_el_resto_se_evalua(capsys, tmp_path):
    carpeta = respuestas(tmp_path / "a", DOS)
    (carpeta / "loop.yaml").symlink_to("loop.yaml")
    (carpeta / "x.yaml").symlink_to("y.yaml")
    (carpeta / "y.yaml").symlink_to("x.yaml")
    salida = tmp_path / "informes"
    codigo, err = lote(capsys, carpeta, "--salida", salida)
    assert codigo == 1
    motivo = "no se puede leer (es un enlace simbólico que vuelve sobre sí mismo)"
    assert err.splitlines()[:3] == [
        f"{carpeta / 'loop.yaml'}: {motivo}",
        f"{carpeta / 'x.yaml'}: {motivo}",
        f"{carpeta / 'y.yaml'}: {motivo}",
    ]
    assert (salida / "comunas" / "yumbel.json").is_file()
    assert (salida / "comunas" / "penco.json").is_file()


@pytest.mark.parametrize("comando", ["evaluar", "lote"])
def test_una_salida_en_ciclo_se_rechaza_en_una_linea(capsys, tmp_path, comando):
    ciclo = tmp_path / ("s.md" if comando == "evaluar" else "s")
    ciclo.symlink_to(ciclo.name)
    entrada = EJEMPLOS / "yumbel.yaml" if comando == "evaluar" else respuestas(tmp_path / "a", DOS)
    codigo, out, err = correr(capsys, comando, entrada, "--salida", ciclo)
    assert (codigo, out) == (2, "")
    assert (
        err == f"{ciclo}: no se puede escribir: es un enlace simbólico que vuelve sobre sí mismo\n"
    )


def test_nombres_de_comuna_largos_dan_archivos_cortos_y_unicos(capsys, tmp_path):
    """Two comunas of 300 characters that differ only at the end: every report is written."""
    comun = "Municipalidad de " + "Santa María del Valle Alto " * 10
    largas = [(comun + "Norte")[:300], (comun + "Sur")[:296] + " Sur"]

    def con_las_largas(datos):
        datos["territorios"][0]["comunas"][:0] = largas

    conocimiento = conocimiento_con(tmp_path / "knowledge", comunas=con_las_largas)
    carpeta = tmp_path / "a"
    carpeta.mkdir()
    for i, nombre in enumerate(largas):
        texto = (EJEMPLOS / "yumbel.yaml").read_text(encoding="utf-8")
        (carpeta / f"{i}.yaml").write_text(
            texto.replace("comuna: Yumbel", f"comuna: '{nombre}'"), encoding="utf-8"
        )
    salida = tmp_path / "informes"
    codigo, err = lote(capsys, carpeta, "--salida", salida, "--conocimiento", conocimiento)
    assert codigo == 0, err
    informes = sorted(p.name for p in (salida / "comunas").glob("*.html"))
    assert len(informes) == 2 and len(set(informes)) == 2
    assert all(len(n) <= 100 for n in informes)
    assert informes[0].startswith("municipalidad-de-santa-maria-del-valle-alto")
    for p in (salida / "comunas").glob("*.json"):
        assert json.loads(p.read_text(encoding="utf-8"))["comuna"] in largas
