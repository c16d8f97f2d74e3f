"""The process's environment variables, read at the command's entry only.

They decide two things, passed down as an ``Entorno``: where the cache shared
by processes lives (``$XDG_CACHE_HOME/diagnostico-experto`` or
``~/.cache/diagnostico-experto``; ``DIAGNOSTICO_SIN_CACHE=1`` turns it off, see
docs/rendimiento.md) and how hints name the program (``UV``, set by ``uv run``,
and ``PATH``). Nothing below the command reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from diagnostico_experto.comun.entorno import Entorno


def entorno_de(variables: Mapping[str, str]) -> Entorno:
    """What a process with these environment variables uses."""
    return Entorno(
        cache=carpeta_de_cache(variables),
        uv=bool(variables.get("UV")),
        path=variables.get("PATH", ""),
    )


def carpeta_de_cache(variables: Mapping[str, str]) -> Path | None:
    """The shared cache's folder, or None when ``DIAGNOSTICO_SIN_CACHE=1`` turns it
    off or the user has no home to keep it in."""
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
