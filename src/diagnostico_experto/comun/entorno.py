"""What a command takes from its process's environment: read once, passed down.

The command's entry reads the environment (``Entorno.de(os.environ)``) and
passes the result as a parameter to what loads folders, renders reports, runs
a batch's workers or writes a hint; nothing below the entry reads
``os.environ``. A library user who builds nothing gets ``Entorno()``: no
shared cache, and hints that name the program as ``python -m`` runs it.

Two things come from the environment:

- where the cache shared by processes lives (``comun/cache``):
  ``$XDG_CACHE_HOME/diagnostico-experto`` or ``~/.cache/diagnostico-experto``;
  ``DIAGNOSTICO_SIN_CACHE=1`` turns it off (docs/rendimiento.md);
- how a hint ("para seguir: … cuestionario x.yaml") names the program so that
  it runs when pasted in the user's own shell. The README runs
  ``uv run diagnostico …``, where ``diagnostico`` is not on the shell's PATH:
  started by ``uv run`` (uv sets ``UV``), ``uv run diagnostico``; with
  ``diagnostico`` on PATH (an activated venv, pipx, pip --user),
  ``diagnostico``; otherwise that same interpreter and module.

Kept light: every command's entry builds one, ``--help`` too; PATH is searched
at the first hint, which most commands never write.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
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

    @classmethod
    def de(cls, variables: Mapping[str, str]) -> Entorno:
        """What a process with these environment variables uses."""
        return cls(
            cache=carpeta_de_cache(variables),
            uv=bool(variables.get("UV")),
            path=variables.get("PATH", ""),
        )

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


def carpeta_de_cache(variables: Mapping[str, str]) -> Path | None:
    """The shared cache's folder for a process environment, or None when
    ``DIAGNOSTICO_SIN_CACHE=1`` turns it off or the user has no home to keep it in."""
    if variables.get("DIAGNOSTICO_SIN_CACHE") == "1":
        return None
    base = variables.get("XDG_CACHE_HOME")
    if not base:
        hogar = variables.get("HOME")
        if not hogar:
            try:  # the user's entry in the password database
                hogar = str(Path.home())
            except RuntimeError:  # a user id with no entry (some containers)
                return None
        base = str(Path(hogar) / ".cache")
    return Path(base) / "diagnostico-experto"
