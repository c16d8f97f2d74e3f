"""Python's cycle collector held off while one comuna is evaluated or rendered.

An evaluation allocates objects by the hundred thousand (facts, tokens,
activations, trace lines) and keeps nearly all of them until it ends; the
collector, triggered by allocations, walks them again and again, which was a
third of the time of a comuna with 200 services. Held off for one bounded
piece of work and back on afterwards, it finds the cycles that work left
behind at its next run.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def sin_recolector(reactivar: bool = True) -> Iterator[None]:
    """``reactivar=False``: the process ends right after (its next collection would
    walk everything the work allocated, for nothing)."""
    activo = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if activo and reactivar:
            gc.enable()


class Tandas:
    """For a batch process, whose collector stays off across its comunas: one
    collection of the younger generations every ``cada`` of them.

    A comuna leaves only a handful of small cycles (~100 objects, measured), but
    the collection each pause ended with walked everything the comuna left
    alive (its engine's facts and tokens, kept until the next comuna): ~1,5 ms,
    7 % of a batch. Here one collection walks what ``cada`` comunas left. The
    oldest generation (the comunas kept for the tables) is not walked again: the
    few cycles that die there (~9 objects per comuna) wait for the batch's end.
    """

    def __init__(self, cada: int) -> None:
        self.cada, self._hechas = cada, 0

    def terminada(self) -> None:
        self._hechas += 1
        if self._hechas % self.cada == 0:
            gc.collect(1)


def apartar_lo_cargado() -> None:
    """Leave what is loaded now (rules, knowledge, the compiled network, kept for
    the whole process) out of every later collection.

    A batch process collects after each comuna; each full collection walked
    the hundreds of thousands of objects loaded at start, ~15 % of a comuna's
    time. What is garbage now is freed first. Only for processes that end with
    their work (a batch's workers, the ``lote`` command): what is set aside and
    later dropped in a cycle is never freed.
    """
    gc.collect()
    gc.freeze()


def devolver_memoria() -> None:
    """Free what a large piece of work left (its cycles) and give that memory back
    to the system (glibc's ``malloc_trim``; elsewhere only the collection), so the
    next piece starts lower."""
    gc.collect()
    if sys.platform.startswith("linux"):
        import ctypes  # only here: every command imports this module

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).malloc_trim(0)
