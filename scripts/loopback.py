"""The scripted OpenAI-compatible server the benchmark scripts share: one HTTP request per
connection on 127.0.0.1, the time its first byte arrived recorded, answered with what `reply`
returns for the request body (an SSE stream's bytes)."""
import socket
import threading
import time


def read_request(conn):
    """The request's body, once its Content-Length has arrived."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
    while len(body) < length:
        body += conn.recv(65536)
    return body


class Server:
    def __init__(self, reply):
        self.reply = reply
        self.first_bytes = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            conn, _ = self.sock.accept()
            first = conn.recv(1, socket.MSG_PEEK)
            self.first_bytes.append(time.monotonic())
            body = read_request(conn) if first else None
            if body is not None:
                conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n" + self.reply(body))
            conn.close()
