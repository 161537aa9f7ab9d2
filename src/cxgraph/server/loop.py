"""A worker's event loop: every connection the supervisor hands it, in one thread at a time.

One thread (the *leader*) waits on all of the worker's connections at once (``epoll`` on
Linux, ``poll`` elsewhere), reads each request as it completes, answers it and waits again.
A request is read without being taken off the connection (``MSG_PEEK``), and consumed only
once its whole answer is written, so a worker that dies leaves it for another worker to
answer (see :mod:`cxgraph.server.prefork`).

Queries are evaluated by the leader itself. When one takes longer than a moment
(:data:`STALL`), the watchdog's thread hands the loop to a fresh leader thread, so the other
connections never wait on a slow query; the thread that was held up delivers its answer
through the new leader and ends. pyoxigraph releases the GIL while a query runs, so the two
go on in parallel.

The loop keeps the deadlines of slow clients: from its first byte, a request's line and
headers must arrive within ``header_timeout`` and its body within ``body_timeout``; an idle
keep-alive connection is closed after ``idle_timeout``; an answer the client does not read is
abandoned after :data:`WRITE_TIMEOUT`. Once the worker retires it hands each connection back to
the supervisor between two requests, and the loop ends when the requests in flight are answered.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import sys
import threading
import time
import traceback
from collections import deque
from typing import Any, Protocol

from .prefork import WorkerLink, stream_offsets
from .request_head import MAX_HEAD, BadHead, RequestHead, head_end, parse_head

__all__ = [
    "STALL", "WRITE_TIMEOUT", "Answerer", "Connection", "LoopLimits", "Reply", "WorkerLoop", "log_connection_error",
]

#: A request held this long (seconds) by its answer moves the loop to a fresh thread.
STALL = 0.05
#: An answer that makes no progress for this long (the client reads nothing) is abandoned.
WRITE_TIMEOUT = 60.0

_SWEEP = 0.25  # how often deadlines are looked at
_PEEK = 16384
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"

# What the loop is doing with a connection.
_IDLE = 0  # waiting for the first byte of a request
_READING = 1  # part of a request has arrived
_ANSWERING = 2  # a complete request is being answered
_WRITING = 3  # its answer is being written (the client is slow to read it)

#: An answer and whether the connection closes after it; None when the watchdog answered instead.
Reply = tuple[bytes, bool] | None


class Connection:
    """One client connection held by this worker, and where its current request stands."""

    __slots__ = (
        "close_after",
        "consumed",
        "continued",
        "deadline",
        "end",
        "fd",
        "head",
        "idle_since",
        "lowat",
        "need",
        "out",
        "pause",
        "paused_until",
        "peek",
        "peer",
        "progress_at",
        "registered",
        "request_length",
        "seen",
        "sent",
        "slot",
        "sock",
        "state",
    )

    def __init__(self, sock: socket.socket, slot: int, peer: Any) -> None:
        self.sock = sock
        self.fd = sock.fileno()
        self.slot = slot
        self.peer = peer
        # Where this connection's streams stand as it arrives: from here on this worker counts
        # what it writes and consumes, so the supervisor can tell what a dead worker left undone.
        offsets = stream_offsets(sock)
        self.sent, self.consumed = offsets if offsets is not None else (-1, -1)
        self.state = _IDLE
        self.registered = False
        self.idle_since = time.monotonic()
        self.deadline = 0.0
        self.head: RequestHead | None = None
        self.out: memoryview | None = None
        self.request_length = 0
        self.close_after = False
        self.progress_at = 0.0
        self.lowat = 1
        self.reset_request()

    def reset_request(self) -> None:
        """Forget the request just read (the next one starts from nothing)."""
        self.need = 0  # the request's whole length, once its headers are in
        self.end = -1  # where its headers end
        self.seen = -1  # how many bytes were there at the last look
        self.peek = _PEEK
        self.pause = 0.001
        self.paused_until = 0.0
        self.continued = False
        self.head = None

    @property
    def client(self) -> str:
        """The client's address, as logged."""
        return str(self.peer[0]) if isinstance(self.peer, tuple) and self.peer else str(self.peer)


class Answerer(Protocol):
    """What answers the requests the loop reads."""

    def answer(self, connection: Connection, head: RequestHead, body: bytes) -> Reply:
        """The whole response to one request (the loop writes it)."""

    def refusal(self, status: int, message: str) -> bytes:
        """A response refusing an unreadable request; the connection is closed after it."""


class LoopLimits(Protocol):
    """The deadlines the loop keeps (a :class:`cxgraph.server.app.ServerConfig`)."""

    @property
    def header_timeout(self) -> float: ...
    @property
    def body_timeout(self) -> float: ...
    @property
    def idle_timeout(self) -> float: ...
    @property
    def time_limit(self) -> float: ...


def log_connection_error(client: str, error: BaseException | None) -> None:
    """One line on standard error for a connection that failed."""
    if isinstance(error, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        what = "connection reset by the client"
    elif isinstance(error, TimeoutError):
        what = "connection timed out"
    else:
        what = f"connection failed: {type(error).__name__ if error else 'error'}: {error}"
    sys.stderr.write(f"cxgraph: {client}: {what}\n")


class _Poller:
    """``epoll`` where there is one, else ``poll``: the same four calls, timeouts in seconds."""

    def __init__(self) -> None:
        if sys.platform == "linux":
            self._epoll: Any = select.epoll()
            self.read, self.write = select.EPOLLIN, select.EPOLLOUT
            self.scale = 1.0
        else:
            self._epoll = select.poll()
            self.read, self.write = select.POLLIN, select.POLLOUT
            self.scale = 1000.0
        self.register = self._epoll.register
        self.modify = self._epoll.modify
        self.unregister = self._epoll.unregister

    def poll(self, timeout: float) -> list[tuple[int, int]]:
        return list(self._epoll.poll(timeout * self.scale))


class _Demoted(Exception):
    """The thread answering was replaced as leader while it answered; it ends here."""


class WorkerLoop:
    """The connections of one worker process and the threads that serve them."""

    def __init__(self, link: WorkerLink, answerer: Answerer, limits: LoopLimits) -> None:
        self.link = link
        self.slots = link.slots
        self.answerer = answerer
        self.limits = limits
        self.connections: dict[int, Connection] = {}  # by file descriptor
        self.abandoned: set[Connection] = set()  # answered by the watchdog, left to the supervisor
        self.retiring = False
        self.finished = threading.Event()
        self._poller = _Poller()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._poller.register(self._wake_r, self._poller.read)
        self._channel = link.channel.fileno()
        self._poller.register(self._channel, self._poller.read)
        self._lead = threading.Lock()
        self._generation = 0  # which leader thread holds the loop
        self._busy_since = 0.0  # when the leader began its current answer (0: not answering)
        self._busy: Connection | None = None
        self._posted: deque[tuple[Connection, Reply]] = deque()
        self._paused: set[Connection] = set()
        self._retired_at = 0.0
        self._next_sweep = 0.0

    # --- the threads ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the first leader thread."""
        threading.Thread(target=self._run, args=(None,), name="cxgraph-loop", daemon=True).start()

    def check_stall(self, now: float) -> None:
        """From the watchdog: if the leader has been answering for :data:`STALL`, start a new leader."""
        if not self._busy_since or now - self._busy_since < STALL:
            return
        with self._lead:
            if not self._busy_since or now - self._busy_since < STALL:
                return
            self._busy_since = 0.0
            self._generation += 1
            stuck = self._busy
        try:
            threading.Thread(target=self._run, args=(stuck,), name="cxgraph-loop", daemon=True).start()
        except RuntimeError as error:  # no thread could be started: the worker retires, others answer
            sys.stderr.write(f"cxgraph: worker {os.getpid()} cannot start a thread ({error}); retiring\n")
            self.retire()
            self.finished.set()

    def retire(self) -> None:
        """Take no more requests: connections go back to the supervisor between two requests."""
        if self.retiring:
            return
        self.retiring = True
        self._retired_at = time.monotonic()
        self.link.retiring()
        self._wake()

    def abandon(self, connection: Connection, response: bytes) -> None:
        """Answer ``connection`` from outside the loop (the watchdog) and shut it; the supervisor closes it."""
        self.abandoned.add(connection)
        with contextlib.suppress(OSError):
            self._mark_writing(connection, len(response))
            connection.sock.send(response)
            if connection.sent >= 0:
                connection.sent += len(response)
        with contextlib.suppress(OSError):
            connection.sock.shutdown(socket.SHUT_RDWR)

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")

    def _run(self, stuck: Connection | None) -> None:
        if stuck is not None and stuck.registered:  # its request stays unread: no events for it meanwhile
            self._unregister(stuck)
        try:
            while not self.finished.is_set():
                self._step()
        except _Demoted:
            return
        except BaseException:
            traceback.print_exc()
            self.finished.set()

    # --- one turn of the loop --------------------------------------------------------------------

    def _step(self) -> None:
        now = time.monotonic()
        timeout = max(0.0, self._next_sweep - now)
        if self._paused:
            timeout = min(timeout, max(0.0, min(c.paused_until for c in self._paused) - now))
        events = self._poller.poll(timeout)
        for fd, _ in events:
            connection = self.connections.get(fd)
            if connection is not None:
                try:
                    if connection.state == _WRITING:
                        self._flush(connection)
                    elif connection.state != _ANSWERING:
                        self._readable(connection)
                except OSError as error:
                    log_connection_error(connection.client, error)
                    self._close(connection)
            elif fd == self._channel:
                self._take_connections()
            elif fd == self._wake_r:
                with contextlib.suppress(OSError):
                    os.read(self._wake_r, 4096)
                self._deliver_posted()
        now = time.monotonic()
        if now >= self._next_sweep or self._paused:
            self._sweep(now)
        if self.retiring:
            self._hand_back_idle()
            if all(c in self.abandoned for c in self.connections.values()) and not self._posted:
                self.finished.set()
            elif now - self._retired_at > self.limits.time_limit + 5:
                self.finished.set()  # what is still in flight is not waited for any longer

    def _take_connections(self) -> None:
        received = self.link.take()
        if received is None:  # the supervisor is gone
            self.finished.set()
            return
        for slot, sock in received:
            if self.retiring:
                self.link.hand_back(slot)
                sock.close()
                continue
            try:
                peer = sock.getpeername()
            except OSError:
                peer = ("", 0)
            sock.setblocking(False)
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, True)
            connection = Connection(sock, slot, peer)
            self.connections[connection.fd] = connection
            self._register(connection)

    def _register(self, connection: Connection, mask: int = 0) -> None:
        self._poller.register(connection.fd, mask or self._poller.read)
        connection.registered = True

    def _unregister(self, connection: Connection) -> None:
        if connection.registered:
            connection.registered = False
            with contextlib.suppress(OSError, ValueError, KeyError):
                self._poller.unregister(connection.fd)

    # --- reading a request --------------------------------------------------------------------------

    def _readable(self, connection: Connection) -> None:
        sock = connection.sock
        try:
            data = sock.recv(max(connection.need, connection.peek), socket.MSG_PEEK)
        except (BlockingIOError, InterruptedError):
            return
        if not data:  # the client closed the connection
            self._close(connection)
            return
        if connection.state == _IDLE:
            connection.state = _READING
            connection.deadline = time.monotonic() + self.limits.header_timeout
        if not connection.need:
            end = head_end(data)
            if end < 0:
                if len(data) > MAX_HEAD:
                    self._refuse(connection, 431, "the request line and headers are too long")
                    return
                if len(data) >= connection.peek:
                    connection.peek = MAX_HEAD + 1
                self._wait_for_more(connection, len(data) + 1, len(data))
                return
            try:
                head = parse_head(data, end)
            except BadHead as bad:
                self._refuse(connection, bad.status, bad.message)
                return
            connection.head, connection.end = head, end
            connection.need = end + head.body_length
            if connection.need > end:
                connection.deadline = time.monotonic() + self.limits.body_timeout
        if len(data) >= connection.need:
            self._answer(connection, data[: connection.need])
            return
        waiting = connection.head
        if (not connection.continued and len(data) == connection.end and waiting is not None
                and "100-continue" in (waiting.get("expect") or "").lower()):
            connection.continued = True  # the client waits for this before it sends the body
            sock.sendall(_CONTINUE)
            if connection.sent >= 0:
                connection.sent += len(_CONTINUE)
        self._wait_for_more(connection, connection.need, len(data))

    def _wait_for_more(self, connection: Connection, want: int, have: int) -> None:
        """Be woken when ``want`` bytes are there, not at every packet; back off if woken for nothing."""
        if want != connection.lowat:
            with contextlib.suppress(OSError):
                connection.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, want)
                connection.lowat = want
        if have == connection.seen:  # woken without progress (the kernel caps the mark): pause
            self._unregister(connection)
            connection.paused_until = time.monotonic() + connection.pause
            connection.pause = min(0.05, connection.pause * 2)
            self._paused.add(connection)
        connection.seen = have

    def _reset_lowat(self, connection: Connection) -> None:
        if connection.lowat != 1:
            with contextlib.suppress(OSError):
                connection.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 1)
            connection.lowat = 1

    # --- answering ---------------------------------------------------------------------------------

    def _answer(self, connection: Connection, request: bytes) -> None:
        head = connection.head
        assert head is not None
        body = request[connection.end:]
        self._reset_lowat(connection)
        connection.reset_request()
        connection.state = _ANSWERING
        connection.request_length = len(request)
        self.slots.busy(connection.slot, max(connection.consumed, 0), len(request))
        generation = self._generation
        self._busy = connection
        self._busy_since = time.monotonic()
        reply: Reply
        try:
            reply = self.answerer.answer(connection, head, body)
        except Exception:
            traceback.print_exc()
            reply = (b"", True)
        finally:
            with self._lead:
                demoted = self._generation != generation
                if not demoted:  # (a demoted thread's marker was cleared when the new leader started)
                    self._busy_since = 0.0
        if demoted:
            self._posted.append((connection, reply))
            self._wake()
            raise _Demoted
        self._deliver(connection, reply)

    def _deliver_posted(self) -> None:
        while self._posted:
            connection, reply = self._posted.popleft()
            if self.connections.get(connection.fd) is not connection or connection in self.abandoned:
                continue
            try:
                self._register(connection)
                self._deliver(connection, reply)
            except OSError as error:
                log_connection_error(connection.client, error)
                self._close(connection)

    def _mark_writing(self, connection: Connection, length: int) -> None:
        self.slots.writing(connection.slot, max(connection.sent, 0), length if connection.sent >= 0 else 1 << 62)

    def _deliver(self, connection: Connection, reply: Reply) -> None:
        if reply is None or connection in self.abandoned:  # the watchdog answered and shut it
            self._unregister(connection)
            self.abandoned.add(connection)
            return
        data, connection.close_after = reply
        if not data:
            self._close(connection)
            return
        self._mark_writing(connection, len(data))
        try:
            written = connection.sock.send(data)
        except (BlockingIOError, InterruptedError):
            written = 0
        if connection.sent >= 0:
            connection.sent += written
        if written < len(data):
            connection.out = memoryview(data)[written:]
            connection.state = _WRITING
            connection.progress_at = time.monotonic()
            self._poller.modify(connection.fd, self._poller.write)
            return
        self._written(connection)

    def _flush(self, connection: Connection) -> None:
        out = connection.out
        assert out is not None
        try:
            written = connection.sock.send(out)
        except (BlockingIOError, InterruptedError):
            return
        if connection.sent >= 0:
            connection.sent += written
        connection.progress_at = time.monotonic()
        if written < len(out):
            connection.out = out[written:]
            return
        connection.out = None
        self._poller.modify(connection.fd, self._poller.read)
        self._written(connection)

    def _written(self, connection: Connection) -> None:
        """The whole answer is out: now the request may leave the kernel's buffer."""
        left = connection.request_length
        while left > 0:
            chunk = connection.sock.recv(left)
            if not chunk:
                self._close(connection)
                return
            left -= len(chunk)
        if connection.consumed >= 0:
            connection.consumed += connection.request_length
        self.slots.idle(connection.slot)
        if connection.close_after:
            self._close(connection)
        elif self.retiring:
            self._hand_back(connection)
        else:
            connection.state = _IDLE
            connection.idle_since = time.monotonic()

    def _refuse(self, connection: Connection, status: int, message: str) -> None:
        """Answer an unreadable or late request and close the connection."""
        response = self.answerer.refusal(status, message)
        self._mark_writing(connection, len(response))
        with contextlib.suppress(OSError):
            connection.sock.send(response)
            if connection.sent >= 0:
                connection.sent += len(response)
        self._close(connection)

    # --- ending connections ------------------------------------------------------------------------

    def _forget(self, connection: Connection) -> None:
        self._unregister(connection)
        self._paused.discard(connection)
        self.connections.pop(connection.fd, None)

    def _close(self, connection: Connection) -> None:
        """Close: take what the client sent (no reset that could destroy our answer), then FIN."""
        self._forget(connection)
        sock = connection.sock
        with contextlib.suppress(OSError):
            for _ in range(64):
                if not sock.recv(65536, socket.MSG_DONTWAIT):
                    break
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
        sock.close()
        self.link.closed(connection.slot)

    def _hand_back(self, connection: Connection) -> None:
        """Give the connection back to the supervisor, which hands it to another worker."""
        self._forget(connection)
        self._reset_lowat(connection)
        self.link.hand_back(connection.slot)
        connection.sock.close()

    def _hand_back_idle(self) -> None:
        for connection in list(self.connections.values()):
            if connection.state in (_IDLE, _READING) and connection not in self.abandoned:
                self._hand_back(connection)

    def _sweep(self, now: float) -> None:
        """Deadlines: idle connections, requests sent too slowly, answers not read, paused reads."""
        limits = self.limits
        for connection in list(self.connections.values()):
            state = connection.state
            if connection.paused_until and now >= connection.paused_until:
                connection.paused_until = 0.0
                self._paused.discard(connection)
                if not connection.registered and state == _READING:
                    self._register(connection)
            if state == _IDLE and now - connection.idle_since > limits.idle_timeout:
                self._close(connection)
            elif state == _READING and now >= connection.deadline:
                self._refuse(connection, 408, "the request was not sent in time")
            elif state == _WRITING and now - connection.progress_at > WRITE_TIMEOUT:
                log_connection_error(connection.client, TimeoutError())
                self._close(connection)
        self._next_sweep = now + _SWEEP

