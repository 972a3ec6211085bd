"""What a Pod's age costs its start: process start to the first request byte for a fresh Pod,
one with 3,000 events (one real run's events copied in the store), and the same after a
`/clear` (a `clear` event at its end). A run reads the conversation from the latest `/clear`
or summary on, plus the marker events; before that boundary nothing is read.

usage: history-bench.py YOI_BINARY

Medians of 10 runs after 3 warm-ups; prints a Markdown table.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import loopback

yoi = os.path.abspath(sys.argv[1])
root = tempfile.mkdtemp(prefix="yoi-history-bench-")
env = dict(os.environ, YOI_DATA_DIR=f"{root}/data", YOI_CONFIG_DIR=f"{root}/config")


class Script:
    """A tool call for the first request of the set-up run, text answers after it."""
    count = 0

    def __call__(self, body):
        self.count += 1
        if self.count == 1:
            delta = {"tool_calls": [{"index": 0, "id": "c1", "type": "function", "function": {"name": "list_dir", "arguments": "{\"path\": \".\"}"}}]}
            finish = "tool_calls"
        else:
            delta, finish = {"content": "done " * 20}, "stop"
        chunk = {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}], "usage": {"prompt_tokens": 900, "completion_tokens": 40}}
        return b"data: " + json.dumps(chunk).encode() + b"\n\ndata: [DONE]\n\n"


server = loopback.Server(Script())
profile = f"{root}/bench.lua"
with open(profile, "w") as f:
    f.write('return { model = { scheme = "openai_chat", model_id = "m", base_url = "http://127.0.0.1:%d/v1", auth = { kind = "none" } } }\n' % server.port)


def pod(name, copies, clear):
    ws = f"{root}/{name}"
    os.makedirs(ws)
    subprocess.run([yoi, "pod", "spawn", "--profile", profile, "--workspace", ws, "--name", name, "--yes"], env=env, check=True, capture_output=True)
    subprocess.run([yoi, "pod", "run", name, "list the files"], env=env, check=True, capture_output=True)
    return loopback.copy_events(f"{root}/data/yoi.sqlite", name, copies, clear=clear)


def start_to_first_byte(name):
    samples = []
    for _ in range(13):
        before = len(server.first_bytes)
        t0 = time.monotonic()
        result = subprocess.run([yoi, "pod", "run", name, "hi"], env=env, capture_output=True)
        assert result.returncode == 0, result.stderr
        samples.append((server.first_bytes[before] - t0) * 1000)
    return statistics.median(samples[3:])


print("| Pod (release build, medians of 10) | events | start → first request byte |")
print("|:--|--:|--:|")
for name, copies, clear in [("fresh", 1, False), ("long", 1000, False), ("cleared", 1000, True)]:
    events = pod(name, copies, clear)
    print(f"| {name} | {events} | {start_to_first_byte(name):.1f} ms |")
