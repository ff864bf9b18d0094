"""Loopback peers for the sustained benchmark, in a process of their own so their CPU is not counted."""

import signal
import sys
import threading

from tests.peers import http_server, tcp_listener


def main() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with http_server() as base, tcp_listener() as port:
        print(base, port, flush=True)
        stop.wait()
    sys.exit(0)


if __name__ == "__main__":
    main()
