"""Runtime benchmarks of the built yoi against a scripted OpenAI-compatible server on loopback.

usage: runtime-bench.py YOI_BINARY OUT_MARKDOWN

Measures, cold (a new process per run):
  - process start to the first request byte at the provider;
  - a streamed delta: from the server's send to its arrival on yoi's stdout;
  - peak RSS and per-turn wall time over a 1,000-event run (500 tool turns);
  - `yoi pod log` of a 10,000-event transcript.
The server runs in this process, so one monotonic clock times both ends.
"""
import json
import os
import resource
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

yoi, out_path = sys.argv[1], sys.argv[2]
root = tempfile.mkdtemp(prefix="yoi-runtime-bench-")
env = dict(os.environ, YOI_DATA_DIR=f"{root}/data", YOI_CONFIG_DIR=f"{root}/config")
os.makedirs(f"{root}/ws")


class Server:
    """One request per connection; `script(request_index, conn)` writes the response."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.first_byte = []
        self.count = 0
        self.script = None
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            conn, _ = self.sock.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            data = conn.recv(1)
            self.first_byte.append(time.monotonic())
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, body = data.split(b"\r\n\r\n", 1)
            length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
            while len(body) < length:
                body += conn.recv(65536)
            self.count += 1
            conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n")
            if self.script is None:
                threading.Thread(target=self.respond_by_body, args=(self.count, conn, body.decode()), daemon=True).start()
                continue
            self.script(self.count, conn)
            conn.close()

    def respond_by_body(self, n, conn, body):
        self.body_script(n, conn, body)
        conn.close()


def chunk(delta, finish=None):
    value = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return b"data: " + json.dumps(value).encode() + b"\n\n"


def answer(conn, text):
    conn.sendall(chunk({"role": "assistant", "content": text}) + chunk({}, "stop") + b"data: [DONE]\n\n")


def tool_turn(conn, n):
    call = {"index": 0, "id": f"call_{n}", "type": "function", "function": {"name": "list_dir", "arguments": "{\"path\": \".\"}"}}
    conn.sendall(chunk({"role": "assistant", "tool_calls": [call]}) + chunk({}, "tool_calls") + b"data: [DONE]\n\n")


server = Server()
profile = f"{root}/bench.lua"
with open(profile, "w") as f:
    f.write('return { model = { scheme = "openai_chat", model_id = "m", base_url = "http://127.0.0.1:%d/v1", auth = { kind = "none" } }, '
            'worker = { max_turns = 1000 } }\n' % server.port)


def yoi_cmd(*args, **kw):
    return subprocess.run([yoi, *args], env=env, capture_output=True, text=True, **kw)


assert yoi_cmd("pod", "spawn", "--profile", profile, "--workspace", f"{root}/ws", "--name", "bench").returncode == 0

# 1. Start to first request byte.
server.script = lambda n, conn: answer(conn, "ok")
starts = []
for i in range(40):
    before = len(server.first_byte)
    t0 = time.monotonic()
    result = subprocess.run([yoi, "pod", "run", "bench", "hi"], env=env, capture_output=True)
    assert result.returncode == 0, result.stderr
    starts.append((server.first_byte[before] - t0) * 1000)
first_byte_ms = statistics.median(starts[5:])

# 2. Delta latency.
latencies = []
sent = {}


def slow(n, conn):
    conn.sendall(chunk({"role": "assistant", "content": ""}))
    for i in range(60):
        marker = f"<{i:03d}>"
        sent[marker] = None
        conn.sendall(chunk({"content": marker}))
        sent[marker] = time.monotonic()
        time.sleep(0.01)
    conn.sendall(chunk({}, "stop") + b"data: [DONE]\n\n")


server.script = slow
process = subprocess.Popen([yoi, "pod", "run", "bench", "stream"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
buffer = b""
while True:
    data = os.read(process.stdout.fileno(), 4096)
    if not data:
        break
    now = time.monotonic()
    buffer += data
    text = buffer.decode(errors="ignore")
    for marker, at in list(sent.items()):
        if at is not None and marker in text and marker not in [m for m, _ in latencies]:
            latencies.append((marker, (now - at) * 1000))
process.wait()
delta_ms = statistics.median([l for _, l in latencies])
delta_p99 = sorted(l for _, l in latencies)[int(len(latencies) * 0.99) - 1]

# 3. A 1,000-event run: 500 tool turns (assistant + tool_result) and an answer.
server.script = lambda n, conn: tool_turn(conn, n) if server.count - base < 500 else answer(conn, "done")
base = server.count
t0 = time.monotonic()
before_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
result = subprocess.run([yoi, "pod", "run", "bench", "many turns"], env=env, capture_output=True)
wall = time.monotonic() - t0
assert result.returncode == 0, result.stderr
rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
events = int(yoi_cmd("pod", "log", "bench", "--json").stdout.count("\n"))
per_turn_ms = wall * 1000 / 501

# 4. pod log of 10,000 events: the transcript grown with copies of its own rows.
db = sqlite3.connect(f"{root}/data/yoi.sqlite")
pod_id = db.execute("SELECT id FROM pod WHERE name = 'bench'").fetchone()[0]
rows = db.execute("SELECT kind, body, created_at FROM transcript_event WHERE pod_id = ? ORDER BY seq", (pod_id,)).fetchall()
seq = db.execute("SELECT max(seq) FROM transcript_event WHERE pod_id = ?", (pod_id,)).fetchone()[0]
while seq < 10000:
    for kind, body, created in rows:
        seq += 1
        db.execute("INSERT INTO transcript_event VALUES (?, ?, ?, ?, ?)", (pod_id, seq, kind, body, created))
        if seq >= 10000:
            break
db.commit()
timings = {}
for args in (["pod", "log", "bench"], ["pod", "log", "bench", "--json"], ["pod", "log", "bench", "--tail", "20"]):
    samples = []
    for _ in range(15):
        t0 = time.monotonic()
        assert subprocess.run([yoi, *args], env=env, stdout=subprocess.DEVNULL).returncode == 0
        samples.append((time.monotonic() - t0) * 1000)
    timings[" ".join(args)] = statistics.median(samples)

# 5. Delegation: one child against four children in one turn, each child's model answer taking
# 300 ms (the server sleeps), so only concurrency can keep four near the time of one.
with open(f"{root}/child.lua", "w") as f:
    f.write('return { model = { scheme = "openai_chat", model_id = "m", base_url = "http://127.0.0.1:%d/v1", auth = { kind = "none" } } }\n' % server.port)
# The model may name only registry entries the user trusted, never a path (DESIGN.md §12.7).
os.makedirs(f"{root}/config", exist_ok=True)
with open(f"{root}/config/profiles.toml", "w") as f:
    f.write(f'[profile]\nchild = "{root}/child.lua"\n')
with open(f"{root}/boss.lua", "w") as f:
    f.write('return { model = { scheme = "openai_chat", model_id = "m", base_url = "http://127.0.0.1:%d/v1", auth = { kind = "none" } }, '
            'feature = { pods = { enabled = true } } }\n' % server.port)


def delegating(n, conn, body):
    messages = json.loads(body)["messages"]
    last = messages[-1]
    if "CHILD-TASK" in str(last.get("content")):
        time.sleep(0.3)
        answer(conn, "child done")
    elif last["role"] == "tool":
        answer(conn, "all done")
    else:
        count = int(last["content"].split("Delegate ")[1][0])
        calls = [{"index": i, "id": f"c{i}", "type": "function", "function": {"name": "spawn_pod", "arguments": json.dumps(
            {"name": f"kid{count}-{n}-{i}", "task": "CHILD-TASK", "scope": [{"target": f".worktree/k{count}-{n}-{i}", "permission": "write"}],
             "profile": "user:child"})}} for i in range(count)]
        conn.sendall(chunk({"role": "assistant", "tool_calls": calls}) + chunk({}, "tool_calls") + b"data: [DONE]\n\n")


server.script = None
server.body_script = delegating
assert yoi_cmd("pod", "spawn", "--profile", f"{root}/boss.lua", "--workspace", f"{root}/ws", "--name", "boss", "--yes").returncode == 0
delegation = {}
for count in (1, 4):
    samples = []
    for _ in range(5):
        t0 = time.monotonic()
        result = subprocess.run([yoi, "pod", "run", "boss", f"Delegate {count}"], env=env, capture_output=True)
        assert result.returncode == 0, result.stderr
        assert b"failed" not in result.stderr, result.stderr
        samples.append(time.monotonic() - t0)
    delegation[count] = statistics.median(samples)

with open(out_path, "w") as f:
    f.write("| runtime measure (release build, cold processes, medians) | value | target |\n|:--|--:|--:|\n")
    f.write(f"| process start → first request byte at the provider | {first_byte_ms:.1f} ms | < 25 ms |\n")
    f.write(f"| streamed delta: server send → yoi's stdout (p50 / p99 of {len(latencies)}) | {delta_ms:.2f} / {delta_p99:.2f} ms | < 5 ms |\n")
    f.write(f"| peak RSS of a {events}-event run (501 model turns) | {rss_mib:.1f} MiB | < 80 MB |\n")
    f.write(f"| wall time per model turn in that run (loopback, transcript growing to {events} events) | {per_turn_ms:.2f} ms | |\n")
    for name, value in timings.items():
        f.write(f"| `yoi {name}` (10,000 events) | {value:.1f} ms | < 150 ms |\n")
    f.write(f"| a task delegating to 1 child / 4 children at once (child answers take 300 ms) | {delegation[1] * 1000:.0f} / {delegation[4] * 1000:.0f} ms (× {delegation[4] / delegation[1]:.2f}) | ≤ × 1.3 |\n")
print(open(out_path).read())
