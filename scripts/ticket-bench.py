"""What `yoi ticket list` costs over a large tracker (issue 26's performance target): 2,000
tickets with 10 events each (20,000 events), written in the documented format, against an
empty tracker. Cold processes of the built yoi; hyperfine-style medians of 30 after 5 warm-ups.

usage: ticket-bench.py YOI_BINARY
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

yoi = sys.argv[1]
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
