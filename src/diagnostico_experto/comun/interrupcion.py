"""Ctrl-C during a batch: never lost, never half-applied.

Python raises KeyboardInterrupt wherever the main thread happens to be. Raised
inside a finalizer or a callback it is only printed («Exception ignored in …»)
and the batch went on to publish and exit 0; reaching a worker process that was
still starting it printed a traceback. So a Ctrl-C is also remembered, for the
batch to check before it publishes, and the moments that must not be cut
(starting the worker processes, swapping the output folder in) hold it back
until they are done: it is delivered right after.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType, TracebackType
from typing import Any


class Interrupcion:
    """While active, a Ctrl-C raises KeyboardInterrupt as usual and is remembered."""

    def __init__(self) -> None:
        self.pedida = False
        self._anterior: Any = None
        self._activa = False

    def __enter__(self) -> Interrupcion:
        anterior = signal.getsignal(signal.SIGINT)
        # an ignored SIGINT (a shell's background job) stays ignored; only the main thread may set it
        if anterior is not signal.SIG_IGN and _hilo_principal():
            self._anterior = signal.signal(signal.SIGINT, self._manejar)
            self._activa = True
        return self

    def __exit__(
        self,
        tipo: type[BaseException] | None,
        exc: BaseException | None,
        traza: TracebackType | None,
    ) -> None:
        if self._activa:
            signal.signal(signal.SIGINT, self._anterior)
            self._activa = False

    def _manejar(self, _senal: int, _marco: FrameType | None) -> None:
        self.pedida = True
        raise KeyboardInterrupt

    def comprobar(self) -> None:
        """Raise the Ctrl-C that something swallowed, if there was one."""
        if self.pedida:
            raise KeyboardInterrupt


@contextlib.contextmanager
def sin_ctrl_c() -> Iterator[None]:
    """Hold Ctrl-C back while the block runs (processes and threads it starts inherit
    that, until they choose); a Ctrl-C pressed meanwhile is delivered when it ends."""
    if not hasattr(signal, "pthread_sigmask") or not _hilo_principal():
        yield
        return
    anterior = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, anterior)


def ignorar_ctrl_c() -> None:
    """In a worker: Ctrl-C is the parent's to handle; one pressed while it started is dropped."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _hilo_principal() -> bool:
    return threading.current_thread() is threading.main_thread()
