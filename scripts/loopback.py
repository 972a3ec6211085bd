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


def copy_events(database, pod, copies, clear=False):
    """Grows `pod`'s transcript in the store at `database` to `copies` copies of its events (a
    long-lived Pod, as one real run repeated), optionally ending with a `clear` event; returns
    how many events it holds."""
    import sqlite3
    db = sqlite3.connect(database)
    (pod_id,) = db.execute("SELECT id FROM pod WHERE name = ?", (pod,)).fetchone()
    rows = db.execute("SELECT seq, kind, body, created_at FROM transcript_event WHERE pod_id = ? ORDER BY seq", (pod_id,)).fetchall()
    n = len(rows)
    db.executemany("INSERT INTO transcript_event (pod_id, seq, kind, body, created_at) VALUES (?, ?, ?, ?, ?)",
                   [(pod_id, seq + k * n, kind, body, at) for k in range(1, copies) for (seq, kind, body, at) in rows])
    if clear:
        db.execute("INSERT INTO transcript_event (pod_id, seq, kind, body, created_at) VALUES (?, ?, 'clear', '{}', '2026-12-03T00:00:00Z')",
                   (pod_id, n * copies + 1))
    db.commit()
    (total,) = db.execute("SELECT count(*) FROM transcript_event WHERE pod_id = ?", (pod_id,)).fetchone()
    db.close()
    return total
