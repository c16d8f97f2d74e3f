"""What a command takes from its process: the shared cache's folder and how hints
name the program, built once at the command's entry (``cli/variables``) and
passed down as a parameter to what loads folders, renders reports, runs a
batch's workers or writes a hint. A library user who builds nothing gets
``Entorno()``: no shared cache, and hints that name the program as
``python -m`` runs it.

How a hint ("para seguir: … cuestionario x.yaml") names the program, so that it
runs when pasted in the user's own shell: started by ``uv run``, ``uv run
diagnostico`` (the README's way; ``diagnostico`` is not on the shell's PATH
there); with ``diagnostico`` on the PATH given, ``diagnostico``; otherwise that
same interpreter and module. PATH is searched at the first hint, which most
commands never write.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from pathlib import Path

PROGRAMA = "diagnostico"


@dataclass(frozen=True)
class Entorno:
    """The shared cache's folder (None: no shared cache), and what tells how hints
    name the program: ``uv`` (started by ``uv run``) and the shell's ``path``
    (None: not looked at; hints then name ``python -m diagnostico_experto``)."""

    cache: Path | None = None
    uv: bool = False
    path: str | None = None

    @functools.cached_property
    def programa(self) -> str:
        """The program, as the user's shell can run it (searched once, at the first hint)."""
        import shlex
        import shutil

        if self.uv:
            return f"uv run {PROGRAMA}"
        if self.path and shutil.which(PROGRAMA, path=self.path):
            return PROGRAMA
        return f"{shlex.quote(sys.executable)} -m diagnostico_experto"

    def comando(self, *argumentos: str | Path) -> str:
        """A full command line for a hint: ``entorno.comando("cuestionario", ruta)``,
        each argument quoted for a POSIX shell (a path with spaces stays one)."""
        import shlex

        return " ".join([self.programa, *(shlex.quote(str(a)) for a in argumentos)])
