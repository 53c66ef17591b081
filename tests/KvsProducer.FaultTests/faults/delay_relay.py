#!/usr/bin/env python3
"""A delaying TCP relay for the fault suite: every byte is delivered MEAN±JITTER ms after it arrived,
in order, in both directions. Stands in for an NFQUEUE delayer: this kernel has no nft 'queue'
expression (nft answers "No such file or directory") and no netem. The fault script redirects the
producer's connections to the endpoint port here with an nft nat rule; the relay's own upstream
connections carry mark 1 (SO_MARK), which that rule skips.

Usage: delay_relay.py LISTEN_PORT UPSTREAM_PORT MEAN_MS JITTER_MS
"""
import heapq
import random
import socket
import struct
import sys
import threading
import time

SO_MARK = 36
RESET = object()


def pump(source, sink, mean, jitter):
    queue = []
    lock = threading.Condition()
    done = [False]
    last = [0.0]

    def deliver():
        while True:
            with lock:
                while not queue and not done[0]:
                    lock.wait()
                if not queue and done[0]:
                    break
                due, _, data = queue[0]
                wait = due - time.monotonic()
                if wait > 0:
                    lock.wait(wait)
                    continue
                heapq.heappop(queue)
            try:
                if data is None:
                    sink.shutdown(socket.SHUT_WR)
                    break
                if data is RESET:
                    # A reset travels in order too: what was sent before it still arrives, then the peer sees RST.
                    sink.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    sink.close()
                    break
                sink.sendall(data)
            except OSError:
                break
        try:
            source.shutdown(socket.SHUT_RD)
        except OSError:
            pass

    threading.Thread(target=deliver, daemon=True).start()
    sequence = 0
    while True:
        try:
            data = source.recv(65536)
        except OSError:
            data = RESET
        # In order: never before what arrived earlier.
        due = max(last[0], time.monotonic() + (mean + random.uniform(-jitter, jitter)) / 1000.0)
        last[0] = due
        sequence += 1
        with lock:
            heapq.heappush(queue, (due, sequence, data or None))
            lock.notify()
        if not data or data is RESET:
            with lock:
                done[0] = True
                lock.notify()
            return


def serve(client, upstream_port, mean, jitter):
    upstream = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    upstream.setsockopt(socket.SOL_SOCKET, SO_MARK, 1)
    upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        upstream.connect(("127.0.0.1", upstream_port))
    except OSError:
        client.close()
        return
    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    threading.Thread(target=pump, args=(client, upstream, mean, jitter), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, client, mean, jitter), daemon=True).start()


def main():
    listen_port, upstream_port, mean, jitter = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(64)
    print("delay relay %d -> %d, %g±%g ms" % (listen_port, upstream_port, mean, jitter), flush=True)
    while True:
        client, _ = server.accept()
        threading.Thread(target=serve, args=(client, upstream_port, mean, jitter), daemon=True).start()


if __name__ == "__main__":
    main()
