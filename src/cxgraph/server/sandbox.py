"""No network for query evaluation: a seccomp filter that makes ``socket()`` and ``connect()`` fail.

pyoxigraph answers a SPARQL ``SERVICE`` call by opening an HTTP connection itself. The
endpoint's lexer refuses the keyword with a friendly 403, but a lexer can be wrong about a
query the engine reads differently (escapes, comments, the ``<`` ambiguity). This module makes
the question moot: once :func:`seal` has run, the kernel refuses every new socket and every
``connect`` in the sealed threads (``socket``, ``socketpair``, ``connect`` fail with EACCES),
so no query can reach another host, not even a DNS server. Sockets that already exist (the
listening socket, accepted connections, pipes) keep working: a worker still accepts and
answers.

The filter is installed with ``seccomp(2)`` on Linux x86-64 and AArch64. ``process=True``
seals every thread of the calling process (``SECCOMP_FILTER_FLAG_TSYNC``) and is what the
endpoint's workers and ``cxgraph query``'s evaluation child use. A seal cannot be lifted; it
is inherited by threads and processes started afterwards.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import platform
import sys

__all__ = ["SandboxUnavailable", "seal", "supported"]

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_X32_SYSCALL_BIT = 0x40000000

# BPF opcodes
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K

# machine -> (audit architecture, seccomp syscall number, syscalls to refuse)
_ARCHES: dict[str, tuple[int, int, tuple[int, ...]]] = {
    "x86_64": (0xC000003E, 317, (41, 42, 53)),  # socket, connect, socketpair
    "aarch64": (0xC00000B7, 277, (198, 203, 199)),
}


class SandboxUnavailable(OSError):
    """The kernel or the platform cannot install the no-network filter."""


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def supported() -> bool:
    """True where :func:`seal` can work (Linux on x86-64 or AArch64)."""
    return sys.platform.startswith("linux") and platform.machine() in _ARCHES


def _program(arch: int, refused: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
    deny = _SECCOMP_RET_ERRNO | errno.EACCES
    program: list[tuple[int, int, int, int]] = [
        (_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, deny),  # a foreign system-call ABI: refuse everything
        (_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
        (_JGE_K, 0, 1, _X32_SYSCALL_BIT),
        (_RET_K, 0, 0, deny),  # x32 system calls on x86-64
    ]
    for index, number in enumerate(refused):
        remaining = len(refused) - index - 1
        program.append((_JEQ_K, remaining + 1, 0, number))  # jump to the deny at the end
    program.append((_RET_K, 0, 0, _SECCOMP_RET_ALLOW))
    program.append((_RET_K, 0, 0, deny))
    return program


def seal(process: bool = True) -> None:
    """Refuse new sockets and connections from now on (all threads, or the calling one).

    Raises :class:`SandboxUnavailable` where seccomp is missing or refused.
    """
    if not supported():
        raise SandboxUnavailable(errno.ENOSYS, f"no seccomp filter for {sys.platform}/{platform.machine()}")
    arch, seccomp_nr, refused = _ARCHES[platform.machine()]
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxUnavailable(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    program = _program(arch, refused)
    filters = (_SockFilter * len(program))(*(_SockFilter(*instruction) for instruction in program))
    fprog = _SockFprog(len(program), ctypes.cast(filters, ctypes.POINTER(_SockFilter)))
    flags = _SECCOMP_FILTER_FLAG_TSYNC if process else 0
    libc.syscall.restype = ctypes.c_long
    result = libc.syscall(
        ctypes.c_long(seccomp_nr), ctypes.c_uint(_SECCOMP_SET_MODE_FILTER), ctypes.c_uint(flags), ctypes.byref(fprog)
    )
    if result != 0:
        raise SandboxUnavailable(ctypes.get_errno(), "seccomp(SECCOMP_SET_MODE_FILTER) failed")
