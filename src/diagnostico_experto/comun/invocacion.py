"""How to write a command so that it runs when pasted in the user's own shell.

Hints ("para seguir: … cuestionario x.yaml") must name the program the way
this user can start it. The README installs with ``uv sync`` and runs
``uv run diagnostico …``: there ``diagnostico`` is not on the shell's PATH, so
a bare ``diagnostico …`` would fail. The way this process was started tells
which form works:

- started by ``uv run`` (uv sets ``UV`` in the environment): ``uv run diagnostico``;

The process entry reads its environment once and passes it to ``usar``.
- ``diagnostico`` found on PATH (an activated venv, pipx, pip --user): ``diagnostico``;
- otherwise (``python -m diagnostico_experto``): that same interpreter and module.

Arguments are quoted for a POSIX shell (a path with spaces stays one argument).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

PROGRAMA = "diagnostico"


def programa_de(entorno: Mapping[str, str]) -> str:
    """The program, as the shell of a process with this environment can run it."""
    if entorno.get("UV"):
        return f"uv run {PROGRAMA}"
    import shlex  # here, as in comando: every command imports this module (--help too)
    import shutil

    if shutil.which(PROGRAMA, path=entorno.get("PATH")):
        return PROGRAMA
    return f"{shlex.quote(sys.executable)} -m diagnostico_experto"


class _Programa:
    """How this process's hints name the program: set by the process entry (``usar``)."""

    entorno: dict[str, str] | None = None  # what ``programa_de`` reads, kept by the entry
    como: str | None = None  # resolved at the first hint


def usar(entorno: Mapping[str, str]) -> None:
    """The process entry says, from its environment, how hints name the program.

    Only the variables are kept here: searching PATH waits for the first hint,
    which most commands (``--help`` among them) never write.
    """
    _Programa.entorno = {k: entorno[k] for k in ("UV", "PATH") if k in entorno}
    _Programa.como = None


def programa() -> str:
    """The program as the entry set it; without an entry, as ``python -m`` runs it."""
    if _Programa.entorno is None:
        import shlex

        return f"{shlex.quote(sys.executable)} -m diagnostico_experto"
    if _Programa.como is None:
        _Programa.como = programa_de(_Programa.entorno)
    return _Programa.como


def comando(*argumentos: str | Path) -> str:
    """A full command line for a hint: ``comando("cuestionario", ruta)``."""
    import shlex

    return " ".join([programa(), *(shlex.quote(str(a)) for a in argumentos)])
