"""How fast `yoi pod attach` is ready to type into (issue 25's performance target), on a
pseudo-terminal, for a Pod with 5 events and one with 10,000 (one real run's events copied in
the store, as a long-lived Pod's transcript would be).

usage: attach-bench.py YOI_BINARY

Measures process start to the input line's prompt (`› `) on the terminal, and the bytes written
before it. Medians of 20 runs after 3 warm-ups; prints a Markdown table.
"""
import json
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time

import loopback

yoi = sys.argv[1]
root = tempfile.mkdtemp(prefix="yoi-attach-bench-")
env = dict(os.environ, YOI_DATA_DIR=f"{root}/data", YOI_CONFIG_DIR=f"{root}/config", TERM="xterm-256color")
env.pop("NO_COLOR", None)


class Script:
    """One tool call, then a markdown answer, alternately."""
    count = 0

    def __call__(self, body):
        self.count += 1
        if self.count % 2 == 1:
            delta = {"tool_calls": [{"index": 0, "id": "c1", "type": "function", "function": {"name": "list_dir", "arguments": "{\"path\": \".\"}"}}]}
            finish = "tool_calls"
        else:
            delta = {"content": "## Done\n\n| file | note |\n|---|---|\n| a.txt | **new** |\n\n```sh\nls\n```\n"}
            finish = "stop"
        chunk = {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}], "usage": {"prompt_tokens": 900, "completion_tokens": 40}}
        return b"data: " + json.dumps(chunk).encode() + b"\n\ndata: [DONE]\n\n"


port = loopback.Server(Script()).port

profile = f"{root}/bench.lua"
with open(profile, "w") as f:
    f.write('return { model = { scheme = "openai_chat", model_id = "m", base_url = "http://127.0.0.1:%d/v1", auth = { kind = "none" } } }\n' % port)


def pod(name, copies):
    ws = f"{root}/{name}"
    os.makedirs(ws)
    with open(f"{ws}/a.txt", "w") as f:
        f.write("a\n")
    subprocess.run([yoi, "pod", "spawn", "--profile", profile, "--workspace", ws, "--name", name, "--yes"], env=env, check=True, capture_output=True)
    subprocess.run([yoi, "pod", "run", name, "list the files"], env=env, check=True, capture_output=True)
    if copies > 1:
        return loopback.copy_events(f"{root}/data/yoi.sqlite", name, copies)
    return len(subprocess.run([yoi, "pod", "log", name, "--json"], env=env, capture_output=True, text=True).stdout.splitlines())


def ready(name):
    """Start to the prompt on a 120x40 pseudo-terminal; then Ctrl-D."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(yoi, [yoi, "pod", "attach", name], env)
    import fcntl, struct, termios
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    t0 = time.monotonic()
    output = b""
    elapsed = None
    while elapsed is None:
        r, _, _ = select.select([fd], [], [], 5)
        if not r:
            raise RuntimeError("attach never showed its prompt: " + output.decode(errors="replace")[-400:])
        output += os.read(fd, 65536)
        # The input line is drawn as "clear below, then the prompt".
        if "\x1b[J› ".encode() in output:
            elapsed = (time.monotonic() - t0) * 1000
    os.write(fd, b"\x04")
    try:
        while True:
            r, _, _ = select.select([fd], [], [], 2)
            if not r or not os.read(fd, 65536):
                break
    except OSError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    return elapsed, len(output)


results = {}
for name, copies in [("small", 1), ("large", 2000)]:
    events = pod(name, copies)
    samples = [ready(name) for _ in range(23)][3:]
    results[name] = (events, statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples))

print("| Pod (release build, medians of 20) | events | start → input line ready | bytes drawn before it |")
print("|:--|--:|--:|--:|")
for name, (events, ms, size) in results.items():
    print(f"| {name} | {events} | {ms:.1f} ms | {size} |")
