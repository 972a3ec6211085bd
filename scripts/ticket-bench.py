"""Issue 26's performance targets, cold processes of the built yoi:
  - `yoi ticket list` over a large tracker: 2,000 tickets with 10 events each (20,000 events),
    written in the documented format, against an empty tracker; medians of 30 after 5 warm-ups;
  - what `ticket_assign` adds to a child's start (the worktree included) on a repository of
    5,000 files: from the lead's first request to the child's first request, against the same
    child started by `spawn_pod` without a worktree; medians of 10 after 2 warm-ups, against a
    scripted OpenAI-compatible server on loopback.

usage: ticket-bench.py YOI_BINARY
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
root = tempfile.mkdtemp(prefix="yoi-ticket-bench-")
env = dict(os.environ, YOI_DATA_DIR=f"{root}/data", YOI_CONFIG_DIR=f"{root}/config")


def tracker(name, count):
    ws = f"{root}/{name}"
    os.makedirs(f"{ws}/.git")
    for i in range(count):
        stamp = f"20261203-{i // 3600:02d}{(i // 60) % 60:02d}{i % 60:02d}"
        tid = f"{stamp}-ticket-number-{i}"
        d = f"{ws}/.yoi/tickets/{tid}"
        os.makedirs(d)
        with open(f"{d}/item.md", "w") as f:
            f.write(f"---\nid: {tid}\nslug: ticket-number-{i}\ntitle: Ticket number {i}\nstatus: {['planning', 'ready', 'inprogress', 'review'][i % 4]}\n"
                    f"kind: feature\npriority: P2\nlabels: [bench]\ncreated_at: 2026-12-03T00:00:00Z\nupdated_at: 2026-12-03T00:00:00Z\n"
                    f"assignee: null\n---\n\nThe body of ticket {i}, with a paragraph of text about what it needs.\n")
        with open(f"{d}/thread.md", "w") as f:
            f.write("---\n".join(f"<!-- event: comment author: bench at: 2026-12-03T00:00:{e:02d}Z -->\n\n## Comment\n\nComment {e} on ticket {i}.\n"
                                 for e in range(10)))
    return ws


def median(ws, *args):
    samples = []
    for i in range(35):
        t0 = time.monotonic()
        result = subprocess.run([yoi, "ticket", *args, "--workspace", ws], env=env, capture_output=True)
        samples.append((time.monotonic() - t0) * 1000)
        assert result.returncode == 0, result.stderr
    return statistics.median(samples[5:])


empty = tracker("empty", 0)
large = tracker("large", 2000)
print("| measure (release build, cold processes, medians of 30) | empty tracker | 2,000 tickets, 20,000 events |")
print("|:--|--:|--:|")
print(f"| `yoi ticket list` | {median(empty, 'list'):.1f} ms | {median(large, 'list'):.1f} ms |")
print(f"| `yoi ticket list --json` | {median(empty, 'list', '--json'):.1f} ms | {median(large, 'list', '--json'):.1f} ms |")
print(f"| `yoi ticket show ID` (10 events) | – | {median(large, 'show', '20261203-000001-ticket-number-1'):.1f} ms |")


# ---- ticket_assign: the child's start ----

def chat(text="", call=None):
    delta = {"content": text} if call is None else {"tool_calls": [{"index": 0, "id": "c1", "type": "function", "function": call}]}
    reason = "stop" if call is None else "tool_calls"
    chunk = {"choices": [{"index": 0, "delta": delta, "finish_reason": reason}]}
    return f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode()


arrivals = []  # (time, who) per request
lead_call = {}


def reply(body):
    messages = json.loads(body)["messages"]
    first_user = next(m for m in messages if m["role"] == "user")
    last_role = messages[-1]["role"]
    if "CHILD-TASK" in json.dumps(first_user):
        arrivals.append((time.monotonic(), "child"))
        return chat("done")
    arrivals.append((time.monotonic(), "lead"))
    return chat("ok") if last_role == "tool" else chat(call=lead_call["next"])


server = loopback.Server(reply)
model = 'model = { scheme = "openai_chat", model_id = "m", base_url = "http://127.0.0.1:%d/v1", auth = { kind = "none" } }' % server.port


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def project(name, files, git):
    ws = f"{root}/{name}"
    for i in range(files):
        write(f"{ws}/src/d{i // 50}/f{i % 50}.txt", f"line of file {i}\n" * 10)
    write(f"{ws}/AGENTS.md", "Run the tests with make check.\n")
    write(f"{ws}/.yoi/profiles.toml", '[profile]\ncoder = "coder.lua"\n')
    write(f"{ws}/.yoi/coder.lua", 'local yoi = require("yoi")\nlocal p = yoi.profile.import("builtin:coder")\np.%s\nreturn p\n' % model)
    write(f"{ws}/.yoi/tickets.toml", '[roles]\ncoder = "project:coder"\n')
    write(f"{ws}/lead.lua", 'return { %s, '
          'feature = { pods = { enabled = true }, ticket = { enabled = true }, ticket_orchestration = { enabled = true } } }\n' % model)
    if git:
        for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-qm", "init"]):
            subprocess.run(["git", "-C", ws, *command], check=True)
    def yoi_in(*args, stdin=None):
        result = subprocess.run([yoi, *args], env=env, cwd=ws, capture_output=True, text=True, input=stdin)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()
    yoi_in("profile", "trust", "project:coder")
    yoi_in("pod", "spawn", "--profile", "./lead.lua", "--name", f"lead-{name}", "--yes")
    return ws, yoi_in


def child_start(name, files, git, tool):
    ws, yoi_in = project(name, files, git)
    samples = []
    for i in range(12):
        ticket = yoi_in("ticket", "new", f"Ticket {i}", "--body-file", "-", stdin=f"CHILD-TASK {i}")
        child = f"{name}-coder-{i}"
        if tool == "ticket_assign":
            lead_call["next"] = {"name": "ticket_assign", "arguments": json.dumps({"id": ticket, "role": "coder", "name": child})}
        else:
            lead_call["next"] = {"name": "spawn_pod", "arguments": json.dumps(
                {"name": child, "task": f"CHILD-TASK {i}", "scope": [{"target": "src", "permission": "read"}], "profile": "project:coder"})}
        arrivals.clear()
        yoi_in("pod", "run", f"lead-{name}", "Assign the ticket")
        lead = next(t for t, who in arrivals if who == "lead")
        first_child = next((t for t, who in arrivals if who == "child"), None)
        assert first_child, yoi_in("pod", "log", f"lead-{name}")[-1500:]
        samples.append((first_child - lead) * 1000)
    return statistics.median(samples[2:])


baseline = child_start("spawn", 5000, True, "spawn_pod")
plain = child_start("plain", 5000, False, "ticket_assign")
large_git = child_start("git", 5000, True, "ticket_assign")
print()
print("| the child's start: the lead's first request to the child's first (medians of 10) | time | added to `spawn_pod`'s |")
print("|:--|--:|--:|")
print(f"| `spawn_pod`, no worktree, 5,000-file repository | {baseline:.1f} ms | – |")
print(f"| `ticket_assign`, outside git (a plain directory) | {plain:.1f} ms | {plain - baseline:+.1f} ms |")
print(f"| `ticket_assign`, git worktree of 5,000 files | {large_git:.1f} ms | {large_git - baseline:+.1f} ms |")
