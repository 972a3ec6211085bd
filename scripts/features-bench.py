"""What the run-time features cost (issue 23's performance targets), cold processes of the
built yoi against a scripted OpenAI-compatible server on loopback.

usage: features-bench.py YOI_BINARY

  - process start to the first request byte, with and without 200 skills, a 64 KiB AGENTS.md
    chain and a 2,000-note (8 MB) memory directory;
  - `yoi memory search` over those 2,000 notes, against the same command on an empty memory.
Medians of 30 runs after 5 warm-ups; prints a Markdown table.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

import loopback

yoi = sys.argv[1]
root = tempfile.mkdtemp(prefix="yoi-features-bench-")
env = dict(os.environ, YOI_DATA_DIR=f"{root}/data", YOI_CONFIG_DIR=f"{root}/config")


server = loopback.Server(lambda body: b'data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')
first_bytes = server.first_bytes
port = server.port


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def workspace(name, loaded):
    repo = f"{root}/{name}"
    os.makedirs(f"{repo}/.git")
    ws = f"{repo}/ws"
    os.makedirs(ws)
    if loaded:
        write(f"{repo}/AGENTS.md", ("- a rule of the repository, written out at some length.\n" * 600)[:32 * 1024])
        write(f"{ws}/AGENTS.md", ("- a rule of this package, written out at some length..\n" * 600)[:32 * 1024])
        for i in range(200):
            write(f"{ws}/.yoi/skills/skill-{i}/SKILL.md",
                  f"---\nname: skill-{i}\ndescription: Skill number {i}: what it is for and when to use it.\n---\n# Skill {i}\nSteps.\n")
        write(f"{ws}/.yoi/memory/MEMORY.md", "---\ntitle: \"Memory\"\n---\n" + "A resident fact.\n" * 1000)
        body = "".join(f"line {j} of a note about the build, the tests and the release process\n" for j in range(56))
        for i in range(2000):
            write(f"{ws}/.yoi/memory/notes/note-{i}.md", f"---\ntitle: \"Note {i}\"\nupdated_at: x\nsources: [bench]\n---\n{body}")
    return ws


profile = f"{root}/bench.lua"
write(profile, 'return { model = { scheme = "openai_chat", model_id = "m", base_url = "http://127.0.0.1:%d/v1", auth = { kind = "none" } }, '
      'feature = { task = { enabled = true }, memory = { enabled = true } }, memory = { extract_threshold = 100000000 } }\n' % port)


def start_to_first_byte(pod):
    samples = []
    for i in range(35):
        before = len(first_bytes)
        t0 = time.monotonic()
        result = subprocess.run([yoi, "pod", "run", pod, "hi"], env=env, capture_output=True)
        assert result.returncode == 0, result.stderr
        samples.append((first_bytes[before] - t0) * 1000)
    return statistics.median(samples[5:])


def command_time(*args):
    samples = []
    for i in range(35):
        t0 = time.monotonic()
        result = subprocess.run([yoi, *args], env=env, capture_output=True)
        samples.append((time.monotonic() - t0) * 1000)
        assert result.returncode == 0, result.stderr
    return statistics.median(samples[5:])


results = {}
for name, loaded in [("plain", False), ("loaded", True)]:
    ws = workspace(name, loaded)
    assert subprocess.run([yoi, "pod", "spawn", "--profile", profile, "--workspace", ws, "--name", name], env=env, capture_output=True).returncode == 0
    results[name] = (start_to_first_byte(name), command_time("memory", "search", "--workspace", ws, "release", "tests"))

print("| measure (release build, cold processes, medians of 30) | plain workspace | 200 skills, 64 KiB AGENTS.md, 2,000 notes | added |")
print("|:--|--:|--:|--:|")
print(f"| process start → first request byte | {results['plain'][0]:.1f} ms | {results['loaded'][0]:.1f} ms | {results['loaded'][0] - results['plain'][0]:.1f} ms |")
print(f"| `yoi memory search` (whole command) | {results['plain'][1]:.1f} ms | {results['loaded'][1]:.1f} ms | {results['loaded'][1] - results['plain'][1]:.1f} ms |")
