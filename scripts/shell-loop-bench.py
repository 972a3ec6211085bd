"""A 30-call shell loop against one scripted provider on loopback: yoi, and the peers if given.

usage: shell-loop-bench.py YOI_BINARY [--codex CODEX_BINARY] [--claude CLAUDE_BINARY] [--runs N]

The server answers every agent the same way: its shell tool with `true`, 30 times, then a short
answer. It speaks the wire each agent uses (yoi: OpenAI chat completions; Codex CLI: the
Responses API; Claude Code: Anthropic messages), finds the shell tool by name in the request,
and counts the tool results it is sent back. Reported per agent: the wall time of the whole run
and the time per model turn (wall time / model requests), medians of N cold runs. Each agent runs
its commands in its own sandbox (yoi's namespaces, Codex's `workspace-write`, Claude Code's
Bash tool as configured).
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

CALLS = 30
args = sys.argv[1:]
yoi = args.pop(0)
peers = {}
runs = 5
while args:
    flag = args.pop(0)
    if flag == "--runs":
        runs = int(args.pop(0))
    else:
        peers[flag.lstrip("-")] = args.pop(0)


def sse(obj, event=None):
    head = f"event: {event}\n" if event else ""
    return (head + "data: " + json.dumps(obj) + "\n\n").encode()


class Server:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.requests = 0
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        data = b""
        try:
            while True:
                while b"\r\n\r\n" not in data:
                    more = conn.recv(65536)
                    if not more:
                        return
                    data += more
                head, body = data.split(b"\r\n\r\n", 1)
                lines = head.split(b"\r\n")
                path = lines[0].split()[1].decode().split("?")[0]
                length = 0
                for line in lines[1:]:
                    if line.lower().startswith(b"content-length"):
                        length = int(line.split(b":")[1])
                while len(body) < length:
                    body += conn.recv(65536)
                data = body[length:]
                body = body[:length]
                request = json.loads(body or b"{}") if length else {}
                payload = self.respond(path, request)
                kind = b"text/event-stream"
                if path.endswith("/messages") and request.get("stream") is not True:
                    payload, kind = [self.plain_message(request)], b"application/json"
                conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: " + kind + b"\r\ntransfer-encoding: chunked\r\n\r\n")
                for piece in payload:
                    conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                conn.sendall(b"0\r\n\r\n")
        except (ConnectionError, OSError, json.JSONDecodeError):
            pass
        finally:
            conn.close()

    def plain_message(self, request):
        """A non-streaming Anthropic answer (Claude Code's side requests)."""
        return json.dumps({"id": "msg", "type": "message", "role": "assistant", "model": request.get("model", "m"),
                           "content": [{"type": "text", "text": "done"}], "stop_reason": "end_turn",
                           "usage": {"input_tokens": 10, "output_tokens": 1}}).encode()

    def respond(self, path, request):
        tools = request.get("tools") or []
        if path.endswith("/chat/completions"):
            self.requests += 1
            done = sum(1 for m in request.get("messages", []) if m.get("role") == "tool")
            if done >= CALLS:
                return [sse({"choices": [{"index": 0, "delta": {"content": "done"}, "finish_reason": "stop"}]}), b"data: [DONE]\n\n"]
            call = {"index": 0, "id": f"c{done}", "type": "function", "function": {"name": "shell", "arguments": json.dumps({"command": "true"})}}
            return [sse({"choices": [{"index": 0, "delta": {"tool_calls": [call]}}]}),
                    sse({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}), b"data: [DONE]\n\n"]
        if path.endswith("/responses"):
            names = [t.get("name") for t in tools if t.get("type") == "function"]
            self.requests += 1
            done = sum(1 for item in request.get("input", []) if isinstance(item, dict) and item.get("type") == "function_call_output")
            events = [sse({"type": "response.created", "response": {"id": "r", "status": "in_progress"}}, "response.created")]
            if done >= CALLS or not names:
                item = {"type": "message", "id": "m", "role": "assistant", "status": "completed", "content": [{"type": "output_text", "text": "done", "annotations": []}]}
            else:
                name = next((n for n in names if n in ("shell", "shell_command", "exec_command")), names[0])
                arguments = {"shell": {"command": ["bash", "-lc", "true"]}, "exec_command": {"cmd": "true"}}.get(name, {"command": "true"})
                item = {"type": "function_call", "id": f"fc{done}", "call_id": f"c{done}", "name": name, "arguments": json.dumps(arguments), "status": "completed"}
            events.append(sse({"type": "response.output_item.done", "output_index": 0, "item": item}, "response.output_item.done"))
            events.append(sse({"type": "response.completed", "response": {"id": "r", "status": "completed", "output": [item],
                               "usage": {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15, "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}}}},
                              "response.completed"))
            return events
        if path.endswith("/messages"):
            names = [t.get("name") for t in tools]
            done = 0
            for message in request.get("messages", []):
                if isinstance(message.get("content"), list):
                    done += sum(1 for block in message["content"] if block.get("type") == "tool_result")
            start = sse({"type": "message_start", "message": {"id": "msg", "type": "message", "role": "assistant", "model": request.get("model", "m"), "content": [],
                                                             "stop_reason": None, "usage": {"input_tokens": 10, "output_tokens": 1}}}, "message_start")
            if "Bash" in names and done < CALLS:
                self.requests += 1
                block = {"type": "tool_use", "id": f"toolu_{done}", "name": "Bash", "input": {}}
                return [start, sse({"type": "content_block_start", "index": 0, "content_block": block}, "content_block_start"),
                        sse({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": json.dumps({"command": "true", "description": "run true"})}}, "content_block_delta"),
                        sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
                        sse({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 5}}, "message_delta"),
                        sse({"type": "message_stop"}, "message_stop")]
            if "Bash" in names:
                self.requests += 1
            return [start, sse({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}, "content_block_start"),
                    sse({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "done"}}, "content_block_delta"),
                    sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
                    sse({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 1}}, "message_delta"),
                    sse({"type": "message_stop"}, "message_stop")]
        return [b"data: {}\n\n"]


server = Server()
root = tempfile.mkdtemp(prefix="yoi-shell-loop-")
prompt = f"Run `true` with your shell tool {CALLS} times, one call per turn, then say done."


def measure(name, setup):
    """Median wall time and per-turn time over `runs` cold runs of the command `setup` gives."""
    walls, turns = [], []
    for index in range(runs):
        command, env, cwd = setup(index)
        before = server.requests
        started = time.monotonic()
        finished = subprocess.run(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        wall = time.monotonic() - started
        requests = server.requests - before
        if finished.returncode != 0 or requests < CALLS:
            print(f"{name}: run {index} failed (exit {finished.returncode}, {requests} model requests)\n{finished.stdout.decode()[-1000:]}{finished.stderr.decode()[-2000:]}", file=sys.stderr)
            continue
        walls.append(wall)
        turns.append(wall / requests)
    if not walls:
        return None
    return statistics.median(walls) * 1000, statistics.median(turns) * 1000, len(walls)


def yoi_setup(index):
    home = f"{root}/yoi-{index}"
    os.makedirs(f"{home}/ws")
    env = dict(os.environ, YOI_DATA_DIR=f"{home}/data", YOI_CONFIG_DIR=f"{home}/config")
    with open(f"{home}/p.lua", "w") as profile:
        profile.write(f'return {{ model = {{ scheme = "openai_chat", model_id = "m", base_url = "http://127.0.0.1:{server.port}/v1" }}, worker = {{ max_turns = 100 }} }}\n')
    subprocess.run([yoi, "pod", "spawn", "--profile", f"{home}/p.lua", "--workspace", f"{home}/ws", "--name", "bench", "--yes"], env=env, check=True, capture_output=True)
    return [yoi, "pod", "run", "bench", prompt], env, f"{home}/ws"


def codex_setup(index):
    home = f"{root}/codex-{index}"
    os.makedirs(f"{home}/ws")
    os.makedirs(f"{home}/codex")
    with open(f"{home}/codex/config.toml", "w") as config:
        config.write(f'model = "m"\nmodel_provider = "bench"\n[model_providers.bench]\nname = "bench"\nbase_url = "http://127.0.0.1:{server.port}/v1"\nwire_api = "responses"\nenv_key = "BENCH_KEY"\n')
    env = dict(os.environ, CODEX_HOME=f"{home}/codex", BENCH_KEY="x")
    return [peers["codex"], "exec", "--skip-git-repo-check", "-s", "workspace-write", prompt], env, f"{home}/ws"


def claude_setup(index):
    home = f"{root}/claude-{index}"
    os.makedirs(f"{home}/ws")
    env = dict(os.environ, HOME=home, ANTHROPIC_BASE_URL=f"http://127.0.0.1:{server.port}", ANTHROPIC_API_KEY="x", IS_SANDBOX="1",
               CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1", DISABLE_AUTOUPDATER="1", DISABLE_TELEMETRY="1")
    return [peers["claude"], "-p", prompt, "--permission-mode", "bypassPermissions", "--max-turns", "100"], env, f"{home}/ws"


rows = [("yoi", measure("yoi", yoi_setup))]
if "codex" in peers:
    rows.append(("Codex CLI", measure("codex", codex_setup)))
if "claude" in peers:
    rows.append(("Claude Code", measure("claude", claude_setup)))
print(f"| agent ({CALLS} shell calls + answer, median of {runs} cold runs) | whole run | per model turn |")
print("|:--|--:|--:|")
for name, result in rows:
    if result is None:
        print(f"| {name} | failed | |")
    else:
        wall, turn, count = result
        print(f"| {name} ({count} runs) | {wall:.0f} ms | {turn:.1f} ms |")
