"""Where a process keeps the cache it shares with other processes.

A module of its own, without jinja2 or pickle, because every command's entry
sets it, ``--help`` included. The entry reads the environment once
(``carpeta_de``) and passes the folder to ``usar``; nothing below it reads
the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def carpeta_de(entorno: Mapping[str, str]) -> Path | None:
    """The shared cache's folder for a process environment, or None when
    ``DIAGNOSTICO_SIN_CACHE=1`` turns it off (both variables: docs/rendimiento.md)."""
    if entorno.get("DIAGNOSTICO_SIN_CACHE") == "1":
        return None
    base = entorno.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "diagnostico-experto"


class _Compartida:
    """Where this process keeps its shared cache: set by the process entry (``usar``).

    A library user who never calls ``usar`` gets no shared cache, only the memo.
    """

    carpeta: Path | None = None


def usar(carpeta: Path | None) -> None:
    """The process entry says where the shared cache is (None: no shared cache)."""
    _Compartida.carpeta = carpeta


def carpeta_cache() -> Path | None:
    return _Compartida.carpeta
