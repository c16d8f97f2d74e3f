"""How to write a command so that it runs when pasted in the user's own shell.

Hints ("para seguir: … cuestionario x.yaml") must name the program the way
this user can start it. The README installs with ``uv sync`` and runs
``uv run diagnostico …``: there ``diagnostico`` is not on the shell's PATH, so
a bare ``diagnostico …`` would fail. The way this process was started tells
which form works:

- started by ``uv run`` (uv sets ``UV`` in the environment): ``uv run diagnostico``;
- ``diagnostico`` found on PATH (an activated venv, pipx, pip --user): ``diagnostico``;
- otherwise (``python -m diagnostico_experto``): that same interpreter and module.

Arguments are quoted for a POSIX shell (a path with spaces stays one argument).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROGRAMA = "diagnostico"


def programa() -> str:
    """The program, as the user's shell can run it."""
    if os.environ.get("UV"):
        return f"uv run {PROGRAMA}"
    import shlex  # here, as in comando: every command imports this module (--help too)
    import shutil

    if shutil.which(PROGRAMA):
        return PROGRAMA
    return f"{shlex.quote(sys.executable)} -m diagnostico_experto"


def comando(*argumentos: str | Path) -> str:
    """A full command line for a hint: ``comando("cuestionario", ruta)``."""
    import shlex

    return " ".join([programa(), *(shlex.quote(str(a)) for a in argumentos)])
