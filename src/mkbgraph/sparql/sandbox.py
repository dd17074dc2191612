"""The wall around a query worker: once its store is open, the process cannot reach the network.

Why seccomp and not a screen: a screen is a second parser guessing what the engine will do, and
the two disagree at the edges (a ``#`` comment ended by a bare CR, ``\\u`` escapes decoded
before lexing). Oxigraph executes ``SERVICE`` as an outbound HTTP request, and neither it nor
pyoxigraph can turn that off. A seccomp filter in the kernel does not care how the text was
spelled: after `install` the worker's ``socket()`` calls fail with ``EACCES`` for every address
family, so no disguise of ``SERVICE`` can open a connection, to loopback or anywhere else.

Why seccomp and not a network namespace: unsharing the network needs ``CAP_SYS_ADMIN`` (or a
user namespace, which container runtimes often forbid); a seccomp filter needs neither, is
inherited by every thread the engine starts later, and cannot be removed by the process.

What is denied (``EACCES``/``EPERM``, so the engine reports an error instead of dying):
``socket`` and ``socketpair`` of any family (the worker talks to the server over a socket pair
created before the filter), ``io_uring_setup`` (io_uring can open sockets without ``socket()``),
``execve``/``execveat`` (no helper programs), and ``ptrace``/``process_vm_writev`` (no
reaching into other processes). libseccomp checks the architecture too: a call made through
another ABI (x32, i386 ``socketcall``) kills the process.

`limit_memory` caps the address space (``RLIMIT_AS``): a runaway ``ORDER BY`` over a cross
product ends in an allocation failure of the worker, not in a server that swaps.
`die_with_parent` asks the kernel to kill the worker when the server dies (``PR_SET_PDEATHSIG``),
so no runaway query keeps burning a core after a ``kill -9`` of the server.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import resource
import signal

#: System calls denied inside a worker, with the errno returned instead.
DENIED_CALLS: dict[str, int] = {
    "socket": errno.EACCES,
    "socketpair": errno.EACCES,
    "io_uring_setup": errno.EPERM,
    "execve": errno.EPERM,
    "execveat": errno.EPERM,
    "ptrace": errno.EPERM,
    "process_vm_writev": errno.EPERM,
}

_PR_SET_PDEATHSIG = 1


class SandboxError(RuntimeError):
    """The sandbox could not be installed: the worker must not answer queries without it."""


def install() -> None:
    """Install the seccomp filter in this process (and every thread it starts from now on)."""
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError) as exc:  # libseccomp missing: refuse to run unprotected
        raise SandboxError(f"libseccomp is not available: {exc}") from exc
    try:
        sandbox = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for call, code in DENIED_CALLS.items():
            sandbox.add_rule(seccomp.ERRNO(code), call)
        sandbox.load()
    except Exception as exc:  # any failure means no wall: the caller must stop
        raise SandboxError(f"the seccomp filter could not be loaded: {exc}") from exc


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space; 0 leaves it unlimited."""
    if megabytes <= 0:
        return
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel SIGKILL this process when its parent dies; exit now if it already has.

    The parent must create workers from a thread that lives as long as the parent process:
    the signal fires when the creating *thread* ends.
    """
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise SandboxError(f"prctl(PR_SET_PDEATHSIG) failed: {os.strerror(ctypes.get_errno())}")
    if os.getppid() != parent_pid:
        os._exit(0)
