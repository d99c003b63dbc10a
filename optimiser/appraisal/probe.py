"""Checking a ``--scheduler`` address before handing it to Dask: that something answers there
within a few seconds, and that it speaks Dask.

Given to Dask directly, a wrong address is a traceback (garbage), a wait without end (a host
that does not answer) or, for an HTTP server or anything else that answers with bytes of its
own, an attempt to allocate whatever size those bytes spell (3 EiB). A Dask scheduler greets
each new connection with a short handshake: an 8-byte little-endian length, then a few
frames of msgpack naming its compression and pickle settings. That greeting is read here
with a timeout and a size limit; anything else is refused, naming the address."""

from __future__ import annotations

import re
import socket
import struct

TIMEOUT = 5.0
"""Seconds to wait for the scheduler to accept the connection and to greet."""
LARGEST_GREETING = 64 * 1024
"""A Dask handshake is well under a kilobyte."""
_ADDRESS = re.compile(r"^(?:(?P<scheme>tcp|tls)://)?(?P<host>\[[^\]]+\]|[^:/\s]+):(?P<port>\d+)$")


class SchedulerError(Exception):
    """A scheduler address that cannot be used, in words naming it."""


def check_scheduler(address: str, timeout: float = TIMEOUT) -> None:
    """Return if a Dask scheduler answers at ``address`` (tcp://HOST:PORT or HOST:PORT; a
    tls:// one is only checked to accept connections); SchedulerError saying what was found
    otherwise."""
    match = _ADDRESS.match(address.strip())
    if not match or not 0 < int(match["port"]) < 65536:
        raise SchedulerError(f"--scheduler: {address!r} is not an address; expected "
                             "tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786.")
    host, port = match["host"].strip("[]"), int(match["port"])
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            if match["scheme"] == "tls":
                return
            connection.settimeout(timeout)
            greeting = _read(connection, 8)
            (length,) = struct.unpack("<Q", greeting)
            if not 0 < length <= LARGEST_GREETING or b"compression" not in _read(
                    connection, length):
                raise SchedulerError(f"--scheduler: the server at {address} is not a Dask "
                                     "scheduler (it answered with something else). Check the "
                                     "address and port (a scheduler usually listens on 8786).")
    except TimeoutError:
        raise SchedulerError(f"--scheduler: nothing at {address} answered as a Dask scheduler "
                             f"within {timeout:g} seconds. Check that the scheduler is running "
                             "and the address and port are right.") from None
    except OSError as problem:
        raise SchedulerError(f"--scheduler: cannot connect to {address} "
                             f"({problem.strerror or problem}). Check that the scheduler is "
                             "running and the address and port are right.") from None


def _read(connection: socket.socket, size: int) -> bytes:
    """Exactly ``size`` bytes; an OSError if the connection closes first."""
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionError(0, "the connection was closed without a Dask greeting")
        data += chunk
    return data
