"""A text file that is not an answer file (a symlink x.yaml → /etc/passwd) is refused in a
few lines: never one line per line of the file, never a long value echoed back."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import correr


def test_archivo_sin_ninguna_clave_conocida(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    ajeno = tmp_path / "cuentas.txt"
    ajeno.write_text(
        "".join(f"Usuario{n}: x:{n}:{n}:/home/usuario{n}:/bin/bash\n" for n in range(200)),
        encoding="utf-8",
    )
    enlace = tmp_path / "x.yaml"
    enlace.symlink_to(ajeno)
    codigo, out, err = correr(capsys, "evaluar", enlace)
    assert (codigo, out) == (2, "")
    assert err.splitlines() == [
        f"{enlace}: ninguna de sus 200 claves es de este tipo de archivo (se espera «comuna»); "
        "¿es el archivo correcto?"
    ]


def test_muchos_errores_se_cuentan_y_no_se_repiten(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    archivo = tmp_path / "r.yaml"
    archivo.write_text(
        "comuna: Ninhue\n"
        + "k" * 90
        + ": 1\n"
        + "".join(f"Clave{n}: {'v' * 300}\n" for n in range(30)),
        encoding="utf-8",
    )
    codigo, _, err = correr(capsys, "evaluar", archivo)
    assert codigo == 2
    assert err.splitlines() == [
        f"{archivo}:2: {'k' * 39}…: campo desconocido",
        f"{archivo}:3: Clave0: campo desconocido",
        f"{archivo}:4: Clave1: campo desconocido",
        f"{archivo}:5: Clave2: campo desconocido",
        f"{archivo}:6: Clave3: campo desconocido",
        f"{archivo}: … y 26 errores más",
    ]
    assert "vvvv" not in err
