"""Pre-forked worker processes, and the supervisor that accepts connections and hands them out.

The supervisor (the ``cxgraph serve`` process) loads the graph and binds the socket, then
forks the workers: each inherits the graph (shared copy-on-write, never reloaded). The
supervisor accepts every connection itself and passes it (its file descriptor, over a Unix
socket) to the worker holding the fewest connections, keeping a duplicate of its own. It
applies the connection caps there, for all workers at once.

A worker reads each request without taking it off the connection (``MSG_PEEK``: the bytes stay
in the kernel), answers it, and only then consumes it. What it is doing with each connection
is written in a table shared with the supervisor (:class:`Slots`). When a worker dies, even
by SIGKILL, the supervisor still holds every connection it had and gives each one to another
worker: a request whose answer had not started is read again from the kernel and answered
(queries are read-only, so answering twice changes nothing); a connection whose answer was
cut in the middle is closed, since no later reader could complete it. A retiring worker hands
its connections back instead of closing them, so its clients never notice.

Children never outlive the supervisor: on Linux the kernel kills them when it dies
(``PR_SET_PDEATHSIG``), and everywhere each child watches a pipe whose only writer is the
supervisor, exiting when the pipe reports end of file. SIGTERM and SIGINT stop the
supervisor, which stops every child before it returns.
"""

from __future__ import annotations

import array
import contextlib
import ctypes
import ctypes.util
import fcntl
import mmap
import os
import select
import signal
import socket
import struct
import sys
import termios
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

__all__ = ["BUSY", "IDLE", "WRITING", "Slots", "Supervisor", "WorkerLink", "WorkerMain", "stream_offsets"]

_PR_SET_PDEATHSIG = 1
_FAST_RESTART = 1.0  # a worker that dies sooner than this after starting is replaced this much later
_MAX_REPLAYS = 2  # a request that was in flight in this many dead workers is not tried again
_MESSAGE = struct.Struct("<ci")  # kind, slot
_SEQPACKET = getattr(socket, "SOCK_SEQPACKET", None) if sys.platform.startswith("linux") else None

# What a worker is doing with a connection (the state byte of its slot).
IDLE = 0  # between requests: nothing of the next request has been consumed
BUSY = 1  # a complete request has been read (not consumed) and is being answered
WRITING = 2  # the answer is being written; the request is consumed after it

_GAVE_UP = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 61\r\n"
    b"Connection: close\r\nRetry-After: 1\r\n\r\nthe workers that were answering this request ended; retry it\n"
)

#: What a worker runs after the fork: given its end of the link to the supervisor.
WorkerMain = Callable[["WorkerLink"], None]


# --- where a connection's byte streams stand -------------------------------------------------------


def _tcp_counters(sock: socket.socket) -> tuple[int, int] | None:
    """(bytes acknowledged by the client, bytes received from it) from ``TCP_INFO``, if known."""
    tcp_info = getattr(socket, "TCP_INFO", None)
    if tcp_info is None:
        return None
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, tcp_info, 256)
    except OSError:
        return None
    if len(info) < 136:  # tcpi_bytes_acked and tcpi_bytes_received (Linux 4.1 and later)
        return None
    acked, received = struct.unpack_from("<QQ", info, 120)
    return acked, received


def _queued(sock: socket.socket, request: int) -> int:
    return int(struct.unpack("<i", fcntl.ioctl(sock.fileno(), request, b"\0\0\0\0"))[0])


def stream_offsets(sock: socket.socket) -> tuple[int, int] | None:
    """(bytes written to ``sock`` by any process, bytes consumed from it), or None where unknown.

    The kernel keeps both per connection, whichever descriptor wrote or read: written is what
    the client acknowledged plus what is still queued for it, consumed is what arrived minus
    what is still unread. Packets arriving between the two readings are detected and read again.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        for _ in range(8):
            first = _tcp_counters(sock)
            if first is None:
                return None
            unsent = _queued(sock, termios.TIOCOUTQ)
            unread = _queued(sock, termios.FIONREAD)
            if _tcp_counters(sock) == first:
                return first[0] + unsent, first[1] - unread
    except OSError:
        return None
    return None


class Slots:
    """One entry per connection the supervisor holds, in memory shared with every worker.

    The worker that holds a connection writes what it is doing with it; the supervisor reads it
    only once that worker is dead. An entry: state, how often its request was already tried,
    the request's start in the incoming stream and its length, the answer's start in the
    outgoing stream and its length.
    """

    _ENTRY = struct.Struct("<BBxxxxxxQQQQ")

    def __init__(self, count: int) -> None:
        self.count = count
        self._map = mmap.mmap(-1, max(1, count) * self._ENTRY.size)

    def read(self, slot: int) -> tuple[int, int, int, int, int, int]:
        state, replays, in_start, in_length, out_start, out_length = self._ENTRY.unpack_from(
            self._map, slot * self._ENTRY.size)
        return state, replays, in_start, in_length, out_start, out_length

    def reset(self, slot: int, replays: int = 0) -> None:
        self._ENTRY.pack_into(self._map, slot * self._ENTRY.size, IDLE, replays, 0, 0, 0, 0)

    def busy(self, slot: int, in_start: int, in_length: int) -> None:
        offset = slot * self._ENTRY.size
        struct.pack_into("<QQ", self._map, offset + 8, in_start, in_length)
        self._map[offset] = BUSY

    def writing(self, slot: int, out_start: int, out_length: int) -> None:
        offset = slot * self._ENTRY.size
        struct.pack_into("<QQ", self._map, offset + 24, out_start, out_length)
        self._map[offset] = WRITING

    def idle(self, slot: int) -> None:
        offset = slot * self._ENTRY.size
        self._map[offset] = IDLE
        self._map[offset + 1] = 0  # answered: any earlier tries of it no longer count

    def close(self) -> None:
        with contextlib.suppress(BufferError):
            self._map.close()


# --- the worker's end -------------------------------------------------------------------------------


def _receive(channel: socket.socket) -> tuple[bytes, list[int]]:
    """One message and the descriptors passed with it, without waiting."""
    fds = array.array("i")
    data, ancillary, _, _ = channel.recvmsg(_MESSAGE.size, socket.CMSG_LEN(4 * fds.itemsize), socket.MSG_DONTWAIT)
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    return data, list(fds)


class WorkerLink:
    """A worker's link to the supervisor: connections arrive on it, and go back or are reported closed."""

    def __init__(self, channel: socket.socket, slots: Slots) -> None:
        self.channel = channel
        self.slots = slots

    def receive(self, timeout: float) -> list[tuple[int, socket.socket]] | None:
        """Connections handed to this worker within ``timeout``; None once the supervisor is gone."""
        ready, _, _ = select.select([self.channel], [], [], timeout)
        if not ready:
            return []
        return self.take()

    def take(self) -> list[tuple[int, socket.socket]] | None:
        """The connections already handed to this worker, without waiting; None once the supervisor is gone."""
        received: list[tuple[int, socket.socket]] = []
        while True:
            try:
                data, fds = _receive(self.channel)
            except (BlockingIOError, InterruptedError):
                return received
            except OSError:
                return received or None
            if not data:
                for _, sock in received:
                    sock.close()
                return None
            kind, slot = _MESSAGE.unpack(data)
            for extra in fds[1:]:  # one connection per message; anything more is closed
                os.close(extra)
            if kind == b"A" and fds:
                received.append((slot, socket.socket(fileno=fds[0])))
            elif fds:
                os.close(fds[0])

    def _tell(self, kind: bytes, slot: int = -1) -> None:
        with contextlib.suppress(OSError):
            self.channel.send(_MESSAGE.pack(kind, slot))

    def closed(self, slot: int) -> None:
        """This worker closed the connection of ``slot``."""
        self._tell(b"C", slot)

    def hand_back(self, slot: int) -> None:
        """This worker gives the connection of ``slot`` back, between two requests."""
        self.slots.idle(slot)
        self._tell(b"R", slot)

    def retiring(self) -> None:
        """This worker takes no more connections: start its replacement now."""
        self._tell(b"T")


def _die_with_parent(parent: int, life_fd: int) -> None:
    """In a fresh child: make sure it exits when the supervisor does, however that happens."""
    if sys.platform.startswith("linux"):
        libc_name = ctypes.util.find_library("c")
        if libc_name:
            with contextlib.suppress(OSError, AttributeError):
                ctypes.CDLL(libc_name, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the supervisor died between fork() and prctl()
        os._exit(0)

    def watch() -> None:
        try:
            while os.read(life_fd, 1):
                pass
        except OSError:
            pass
        os._exit(0)

    threading.Thread(target=watch, name="cxgraph-parent-watch", daemon=True).start()


# --- the supervisor -----------------------------------------------------------------------------------


@dataclass
class _Worker:
    pid: int
    channel: socket.socket
    started: float
    retiring: bool = False  # takes no new connections
    announced: bool = False  # said it retires (its replacement is already counted)
    gone: bool = False  # its end of the channel is closed
    held: int = 0


@dataclass
class _Connection:
    sock: socket.socket
    client: str
    owner: int = 0  # the worker's pid; 0 while waiting for one


class Supervisor:
    """Accepts connections on ``listener`` and hands them to ``count`` workers it keeps alive."""

    def __init__(
        self,
        listener: socket.socket,
        count: int,
        worker_main: WorkerMain,
        max_connections: int = 256,
        max_per_client: int = 128,
        crowded: bytes = b"",
    ) -> None:
        if count < 1:
            raise ValueError("the server needs at least one worker")
        self.listener = listener
        self.count = count
        self.worker_main = worker_main
        self.max_connections = max_connections
        self.max_per_client = max_per_client
        self.crowded = crowded
        self.slots = Slots(max_connections)
        self.workers: dict[int, _Worker] = {}  # every live child, retiring or not
        self.connections: dict[int, _Connection] = {}  # slot -> connection
        self.replaced = 0
        self.replayed = 0  # requests answered again after the worker answering them died
        self.cut = 0  # connections closed because their worker died in the middle of an answer
        self._free = list(range(max_connections - 1, -1, -1))
        self._waiting: deque[int] = deque()  # slots to hand to a worker
        self._clients: dict[str, int] = {}
        self._next_fork = 0.0
        self._stopping = False
        self._life_r, self._life_w = os.pipe()
        self._wake_r, self._wake_w = os.pipe()
        for fd in (self._wake_r, self._wake_w):
            os.set_blocking(fd, False)

    # --- running ---------------------------------------------------------------------------------

    def stop(self) -> None:
        """Ask :meth:`run` to return (safe from a signal handler)."""
        self._stopping = True

    def run(self) -> None:
        """Fork the workers and serve until :meth:`stop`, SIGTERM or SIGINT."""
        previous: dict[signal.Signals, Any] = {}
        previous_wakeup = None
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, self._on_signal)
            previous[signal.SIGCHLD] = signal.signal(signal.SIGCHLD, self._on_child)
            previous_wakeup = signal.set_wakeup_fd(self._wake_w, warn_on_full_buffer=False)
        tick = 0.25 if previous_wakeup is not None else 0.05
        self.listener.setblocking(False)
        try:
            while not self._stopping:
                self._fill()
                self._hand_out()
                readers: list[Any] = [self._wake_r, *(w.channel for w in self.workers.values() if not w.gone)]
                if len(self.connections) < self.max_connections:
                    readers.append(self.listener)
                try:
                    ready, _, _ = select.select(readers, [], [], tick)
                except InterruptedError:
                    ready = []
                for reader in ready:
                    if reader is self.listener:
                        self._accept()
                    elif reader == self._wake_r:
                        with contextlib.suppress(OSError):
                            os.read(self._wake_r, 512)
                    else:
                        worker = next((w for w in self.workers.values() if w.channel is reader), None)
                        if worker is not None:
                            self._read_channel(worker)
                self._reap()
        finally:
            if previous_wakeup is not None:
                signal.set_wakeup_fd(previous_wakeup)
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def close(self) -> None:
        """Stop every worker (SIGTERM, then SIGKILL for any that lingers), close every connection."""
        self._stopping = True
        children = set(self.workers)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while children and time.monotonic() < deadline:
            for pid in list(children):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    children.discard(pid)
            if children:
                time.sleep(0.02)
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        for worker in self.workers.values():
            worker.channel.close()
        self.workers.clear()
        for slot in list(self.connections):
            self._drop(slot)
        for fd in (self._life_r, self._life_w, self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.listener.close()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._stopping = True

    def _on_child(self, signum: int, frame: FrameType | None) -> None:
        pass  # the wakeup fd ends the select; _reap does the work

    # --- connections -------------------------------------------------------------------------------

    def _accept(self) -> None:
        for _ in range(64):
            if len(self.connections) >= self.max_connections:
                return
            try:
                sock, address = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            client = str(address[0]) if isinstance(address, tuple) else ""
            if self._clients.get(client, 0) >= self.max_per_client:
                with contextlib.suppress(OSError):
                    sock.send(self.crowded, socket.MSG_DONTWAIT)
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
                continue
            self._clients[client] = self._clients.get(client, 0) + 1
            slot = self._free.pop()
            self.slots.reset(slot)
            self.connections[slot] = _Connection(sock, client)
            self._waiting.append(slot)
        self._hand_out()

    def _hand_out(self) -> None:
        """Give each waiting connection to the worker holding the fewest."""
        while self._waiting:
            candidates = [worker for worker in self.workers.values() if not worker.retiring]
            if not candidates:
                return
            slot = self._waiting[0]
            connection = self.connections.get(slot)
            if connection is None:
                self._waiting.popleft()
                continue
            for worker in sorted(candidates, key=lambda w: w.held):
                try:
                    worker.channel.sendmsg(
                        [_MESSAGE.pack(b"A", slot)],
                        [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [connection.sock.fileno()]))],
                        socket.MSG_DONTWAIT,
                    )
                except (BlockingIOError, InterruptedError):
                    continue  # that worker is behind on its messages: try the next one
                except OSError:
                    worker.retiring = True  # its end is gone: it is dying, the reaper will see
                    continue
                self._waiting.popleft()
                connection.owner = worker.pid
                worker.held += 1
                break
            else:
                return

    def _release(self, slot: int, worker: _Worker | None) -> _Connection | None:
        connection = self.connections.get(slot)
        if connection is None or worker is None or connection.owner != worker.pid:
            return None
        connection.owner = 0
        worker.held -= 1
        return connection

    def _drop(self, slot: int) -> None:
        connection = self.connections.pop(slot)
        with contextlib.suppress(OSError):
            connection.sock.close()
        left = self._clients.get(connection.client, 1) - 1
        if left > 0:
            self._clients[connection.client] = left
        else:
            self._clients.pop(connection.client, None)
        self._free.append(slot)

    def _read_channel(self, worker: _Worker) -> None:
        channel = worker.channel
        for _ in range(256):
            try:
                data = channel.recv(_MESSAGE.size, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data = b""
            if not data:  # the worker is gone; the reaper hands its connections on
                worker.retiring = worker.gone = True
                return
            if len(data) != _MESSAGE.size:
                continue
            kind, slot = _MESSAGE.unpack(data)
            if kind == b"T":
                if not worker.announced:
                    worker.retiring = worker.announced = True
                    self.replaced += 1
            elif kind == b"C":
                if self._release(slot, worker) is not None:
                    self._drop(slot)
            elif kind == b"R" and self._release(slot, worker) is not None:
                self._waiting.append(slot)

    # --- workers -----------------------------------------------------------------------------------

    def _fill(self) -> None:
        while (
            not self._stopping
            and sum(1 for worker in self.workers.values() if not worker.retiring) < self.count
            and time.monotonic() >= self._next_fork
        ):
            self._fork()

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self._ended(pid, status)

    def _ended(self, pid: int, status: int) -> None:
        worker = self.workers.pop(pid, None)
        if worker is None:
            return
        if not worker.gone:
            self._read_channel(worker)  # what it said last: connections closed or handed back
        worker.channel.close()
        if not worker.announced:
            self.replaced += 1
            if time.monotonic() - worker.started < _FAST_RESTART:
                self._next_fork = time.monotonic() + _FAST_RESTART  # no fork loop for a worker that cannot start
        outcomes: dict[str, int] = {}
        for slot, connection in list(self.connections.items()):
            if connection.owner == pid:
                connection.owner = 0
                outcome = self._recover(slot, connection)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        replayed, cut = outcomes.get("replay", 0), outcomes.get("cut", 0) + outcomes.get("gave up", 0)
        self.replayed += replayed
        self.cut += cut
        if replayed or cut or not worker.announced:
            how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
                   else f"exit code {os.waitstatus_to_exitcode(status)}")
            handed = sum(outcomes.values()) - cut
            sys.stderr.write(
                f"cxgraph: worker {pid} ended ({how}); {handed} connection(s) handed to another worker "
                f"({replayed} with a request being answered, answered again), {cut} closed in the middle "
                "of an answer\n"
            )

    def _recover(self, slot: int, connection: _Connection) -> str:
        """A connection of a dead worker: hand it on (its unanswered request is read again) or close it."""
        state, replays, in_start, in_length, out_start, out_length = self.slots.read(slot)
        if state == IDLE:
            self.slots.reset(slot)
            self._waiting.append(slot)
            return "idle"
        if state == WRITING:
            offsets = stream_offsets(connection.sock)
            if offsets is None:
                self._drop(slot)
                return "cut"
            written, consumed = offsets
            if written == out_start + out_length:  # the whole answer went out
                if consumed not in (in_start, in_start + in_length) or (
                    consumed == in_start and not self._discard(connection.sock, in_length)
                ):
                    self._drop(slot)  # answered, and closed (by the worker) or closed by the client
                    return "closed"
                self.slots.reset(slot)
                self._waiting.append(slot)
                return "answered"
            if written != out_start or consumed != in_start:  # part of the answer went out
                self._drop(slot)
                return "cut"
        # the request was read but nothing of its answer went out: another worker reads it again
        if replays >= _MAX_REPLAYS:
            with contextlib.suppress(OSError):
                connection.sock.send(_GAVE_UP, socket.MSG_DONTWAIT)
            self._drop(slot)
            return "gave up"
        self.slots.reset(slot, replays + 1)
        self._waiting.append(slot)
        return "replay"

    @staticmethod
    def _discard(sock: socket.socket, length: int) -> bool:
        """Consume ``length`` bytes already in the kernel's buffer (a request already answered)."""
        while length > 0:
            try:
                chunk = sock.recv(min(length, 1 << 20), socket.MSG_DONTWAIT)
            except OSError:
                return False
            if not chunk:
                return False
            length -= len(chunk)
        return True

    def _fork(self) -> None:
        kind = _SEQPACKET if _SEQPACKET is not None else socket.SOCK_DGRAM
        mine, theirs = socket.socketpair(socket.AF_UNIX, kind)
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid:
            theirs.close()
            mine.setblocking(False)
            self.workers[pid] = _Worker(pid, mine, time.monotonic())
            return
        code = 0
        try:  # the child: never returns into the caller's code
            if threading.current_thread() is threading.main_thread():
                signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the supervisor, which stops us
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            self._close_inherited(mine)
            _die_with_parent(parent, self._life_r)
            theirs.setblocking(True)
            self.worker_main(WorkerLink(theirs, self.slots))
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stderr.flush()
            os._exit(code)

    def _close_inherited(self, mine: socket.socket) -> None:
        """In a fresh child: close what belongs to the supervisor (its connections keep their owners)."""
        mine.close()
        self.listener.close()
        for connection in self.connections.values():
            connection.sock.close()
        for worker in self.workers.values():
            worker.channel.close()
        for fd in (self._life_w, self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
