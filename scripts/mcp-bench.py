"""What MCP servers cost a run (issue 24's performance targets), cold processes of the built
yoi against a scripted OpenAI-compatible server on loopback and small stdio MCP servers.

usage: mcp-bench.py YOI_BINARY

  - process start to the first request byte with no server, one server and two servers, each
    server taking 200 ms to answer initialize, against the same servers started alone (two at
    once for the two-server case: on a 2-core machine two interpreters starting together are
    slower than one);
  - one turn of 100 sequential MCP tool calls against the same turn calling a tool name yoi
    answers at once (an unknown one): the difference per call, less the server's own time
    (which it measures itself, from reading a request to writing its answer), is what a round
    trip adds.
Medians of 20 runs after 3 warm-ups; prints a Markdown table.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import loopback

yoi = sys.argv[1]
root = tempfile.mkdtemp(prefix="yoi-mcp-bench-")
env = dict(os.environ, YOI_DATA_DIR=f"{root}/data", YOI_CONFIG_DIR=f"{root}/config")
CALLS = 100

# The MCP server: JSON-RPC over stdio, as small as the protocol allows, so what is measured is
# yoi's side. It adds up its own time per tools/call and writes it to work.json at EOF.
SERVER = r'''
import json, sys, time
delay = float(sys.argv[1])
work = 0.0
for line in sys.stdin:
    started = time.perf_counter()
    message = json.loads(line)
    method, id = message.get("method"), message.get("id")
    if id is None:
        continue
    if method == "initialize":
        time.sleep(delay)
        result = {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}}, "serverInfo": {"name": "bench", "version": "1"}}
    elif method == "tools/list":
        result = {"tools": [{"name": "echo", "description": "Echo.", "inputSchema": {"type": "object", "properties": {"n": {"type": "integer"}}}}]}
    elif method == "tools/call":
        result = {"content": [{"type": "text", "text": "echo %s" % message["params"]["arguments"].get("n")}], "isError": False}
    else:
        result = {}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": id, "result": result}) + "\n")
    sys.stdout.flush()
    if method == "tools/call":
        work += time.perf_counter() - started
with open("work.json", "w") as f:
    json.dump({"seconds": work}, f)
'''


def sse(chunks):
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"


def reply(body):
    """A turn of CALLS tool calls to the tool the Pod's prompt names, then a text answer."""
    messages = json.loads(body)["messages"]
    if messages[-1].get("role") != "user":
        return sse([{"choices": [{"index": 0, "delta": {"content": "ok"}, "finish_reason": "stop"}]}])
    tool = messages[-1]["content"].strip()
    calls = [{"index": i, "id": f"call_{i}", "type": "function", "function": {"name": tool, "arguments": json.dumps({"n": i})}}
             for i in range(CALLS)]
    return sse([{"choices": [{"index": 0, "delta": {"tool_calls": calls}, "finish_reason": "tool_calls"}]}])


server = loopback.Server(reply)
first_bytes = server.first_bytes
port = server.port
base_prefix = subprocess.run(["python3", "-c", "import sys; print(sys.base_prefix)"], capture_output=True, text=True).stdout.strip()
python = subprocess.run(["python3", "-c", "import sys, os; print(os.path.realpath(sys.executable))"], capture_output=True, text=True).stdout.strip()


def pod(name, servers, delay):
    ws = f"{root}/{name}"
    os.makedirs(ws)
    with open(f"{ws}/server.py", "w") as f:
        f.write(SERVER)
    declared = ", ".join(
        f'yoi.mcp.stdio {{ name = "s{i}", command = {{ "{python}", "server.py", "{delay}" }}, read = {{ "{base_prefix}" }} }}'
        for i in range(servers))
    profile = f"{root}/{name}.lua"
    with open(profile, "w") as f:
        f.write('local yoi = require("yoi")\nreturn { model = { scheme = "openai_chat", model_id = "m", '
                f'base_url = "http://127.0.0.1:{port}/v1", auth = {{ kind = "none" }} }}, '
                'worker = { max_turns = 4 }, '
                f'mcp = {{ servers = {{ {declared} }} }} }}\n')
    result = subprocess.run([yoi, "pod", "spawn", "--profile", profile, "--workspace", ws, "--name", name, "--yes"], env=env, capture_output=True)
    assert result.returncode == 0, result.stderr
    return ws


def run(name, prompt):
    before = len(first_bytes)
    t0 = time.monotonic()
    result = subprocess.run([yoi, "pod", "run", name, prompt], env=env, capture_output=True)
    assert result.returncode == 0, result.stderr
    return (first_bytes[before] - t0) * 1000, (time.monotonic() - t0) * 1000


def medians(name, prompt, ws=None):
    firsts, totals, work = [], [], []
    for i in range(23):
        first, total = run(name, prompt)
        if i >= 3:
            firsts.append(first)
            totals.append(total)
            if ws:
                with open(f"{ws}/work.json") as f:
                    work.append(json.load(f)["seconds"] * 1000)
    return statistics.median(firsts), statistics.median(totals), statistics.median(work) if work else 0


def own_initialise(delay, count):
    """The servers alone, started together: process start to the last initialize answer."""
    samples = []
    with open(f"{root}/server.py", "w") as f:
        f.write(SERVER)
    for i in range(23):
        t0 = time.monotonic()
        servers = [subprocess.Popen([python, f"{root}/server.py", str(delay)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=root)
                   for _ in range(count)]
        for server in servers:
            server.stdin.write(b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}\n')
            server.stdin.flush()
        for server in servers:
            server.stdout.readline()
        samples.append((time.monotonic() - t0) * 1000)
        for server in servers:
            server.stdin.close()
            server.wait()
    return statistics.median(samples[3:])


alone = {count: own_initialise(0.2, count) for count in (1, 2)}
start = {}
for servers in (0, 1, 2):
    pod(f"start{servers}", servers, 0.2)
    start[servers] = medians(f"start{servers}", "hi")[0]

ws = pod("calls", 1, 0)
_, baseline, _ = medians("calls", "nope")
_, with_mcp, server_work = medians("calls", "mcp__s0__echo", ws)
per_call = (with_mcp - baseline) / CALLS
own = server_work / CALLS

print("| measure (release build, cold processes, medians of 20) | value |")
print("|:--|--:|")
print(f"| process start → first request byte, no MCP server | {start[0]:.1f} ms |")
print(f"| … one stdio server (200 ms initialise) | {start[1]:.1f} ms |")
print(f"| … two stdio servers (200 ms each, started in parallel) | {start[2]:.1f} ms |")
print(f"| one such server alone, process start → initialize answered | {alone[1]:.1f} ms |")
print(f"| two such servers alone, started together, until both answered | {alone[2]:.1f} ms |")
print(f"| one server: added to the first request over its own initialise time | {start[1] - start[0] - alone[1]:.1f} ms |")
print(f"| two servers: added over their own initialise time (target < 10 ms) | {start[2] - start[0] - alone[2]:.1f} ms |")
print(f"| one turn of {CALLS} calls answered by yoi at once (unknown tool) | {baseline:.1f} ms |")
print(f"| one turn of {CALLS} MCP calls | {with_mcp:.1f} ms |")
print(f"| per MCP call, difference | {per_call:.2f} ms |")
print(f"| … of which the server's own work | {own:.3f} ms |")
print(f"| per MCP round trip, added by yoi (target < 2 ms) | {per_call - own:.2f} ms |")
