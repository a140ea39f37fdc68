"""Helpers shared by every part's tests."""

import socket


def free_port() -> int:
    """A port on the loopback interface that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
