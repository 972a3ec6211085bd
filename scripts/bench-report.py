#!/usr/bin/env python3
"""Turns hyperfine JSON exports into the Markdown table of medians and ratios and a PNG chart."""
import json
import sys

out_md, out_png, *exports = sys.argv[1:]
rows = []
for path in exports:
    with open(path) as f:
        group = json.load(f)["results"]
    base = next((r["median"] for r in group if r["command"].startswith("lua5.4")), group[0]["median"])
    for r in group:
        rows.append((r["command"], r["median"] * 1000, r["median"] / base, path))

with open(out_md, "a") as f:
    f.write("| command | median (ms) | ratio to the group's baseline |\n|:---|---:|---:|\n")
    for command, median, ratio, _ in rows:
        f.write(f"| `{command}` | {median:.2f} | {ratio:.2f}× |\n")
    f.write("\n")

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit(0)
labels = [r[0] for r in rows]
values = [r[1] for r in rows]
fig, ax = plt.subplots(figsize=(10, 0.45 * len(rows) + 1))
colors = ["#2b6cb0" if l.startswith("yoi") else "#a0aec0" for l in labels]
ax.barh(range(len(rows)), values, color=colors)
ax.set_yticks(range(len(rows)), labels, fontsize=8)
ax.invert_yaxis()
ax.set_xlabel("median wall time, ms (cold process; lower is better)")
for i, v in enumerate(values):
    ax.text(v, i, f" {v:.1f}", va="center", fontsize=7)
fig.tight_layout()
fig.savefig(out_png, dpi=110)
