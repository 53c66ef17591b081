#!/usr/bin/env python3
"""Summarises a soak run folder of run-scenario.sh (kvs local): exactly-once accounting, recovery after
each blackout, and the producer's RSS over time (flat memory = the last tenth's median near the second's)."""
import json
import statistics
import sys

folder = sys.argv[1]


def read(name):
    try:
        with open(f"{folder}/{name}") as f:
            return f.read()
    except FileNotFoundError:
        return ""


summary = next((json.loads(l) for l in reversed(read("producer.json").splitlines()) if l.startswith("{")), None)
pts = [l.strip() for l in read("packets.csv").splitlines() if l.strip()]
stored = len(set(pts))
duplicates = len(pts) - stored
fragments = json.loads(read("fragments.json") or "[]")
ends = [float(l.split()[2]) for l in read("faults.log").splitlines() if l.startswith("blackout-end")]
starts = [float(l.split()[2]) for l in read("faults.log").splitlines() if l.startswith("blackout-start")]
# Recovery as in ScenarioResult.Recovery: until a fragment stored after the blackout is back to the latency
# (arrival - producer timestamp) the stream had before the first blackout, within one second.
before = sorted(f["ServerTimestamp"] - f["ProducerTimestamp"] for f in fragments if not starts or f["ServerTimestamp"] < starts[0])
normal = before[len(before) // 2] if before else 0
recoveries = []
for end in ends:
    live = [f["ServerTimestamp"] for f in fragments if f["ServerTimestamp"] >= end and f["ServerTimestamp"] - f["ProducerTimestamp"] <= normal + 1]
    recoveries.append(min(live) - end if live else float("inf"))
samples = [[float(v) for v in l.split(",")] for l in read("rss.csv").splitlines() if "," in l]
rss = [(s[0], int(s[1])) for s in samples]
parts = {name: [(s[0], int(s[i])) for s in samples if len(s) > i] for i, name in ((2, "anonymous"), (3, "file"), (4, "shared"))}

print(f"Soak: {len(ends)} blackouts of 25 s, producer exit {read('producer.exit').strip() or '-'}")
print()
print("| Put | Skipped | Persisted | Stored once | Reported dropped | Duplicates | Accepted − dropped − stored |")
print("|--:|--:|--:|--:|--:|--:|--:|")
if summary:
    accepted = summary["FramesPut"] - summary["FramesSkipped"]
    print(f"| {summary['FramesPut']} | {summary['FramesSkipped']} | {summary['FramesPersisted']} | {stored} | {summary['FramesDropped']} | {duplicates} | {accepted - summary['FramesDropped'] - stored} |")
else:
    print(f"| no --json summary | | | {stored} | | {duplicates} | |")
print()
if recoveries:
    print(f"Recovery after each blackout (end of blackout → stream live again, latency back within 1 s of {normal:.1f} s): "
          f"min {min(recoveries):.1f} s, median {statistics.median(recoveries):.1f} s, max {max(recoveries):.1f} s")
if rss:
    t0 = rss[0][0]
    n = len(rss)
    tenth = max(1, n // 10)
    print()
    print(f"Producer RSS ({n} samples every 5 s): min {min(k for _, k in rss) / 1024:.1f} MiB, max {max(k for _, k in rss) / 1024:.1f} MiB; "
          f"median of the second tenth {statistics.median(k for _, k in rss[tenth:2 * tenth]) / 1024:.1f} MiB, "
          f"of the last tenth {statistics.median(k for _, k in rss[-tenth:]) / 1024:.1f} MiB")
    print()
    print("| Minute | RSS MiB | anonymous | file-backed | shared (JIT code) |")
    print("|--:|--:|--:|--:|--:|")
    for minute in range(0, int((rss[-1][0] - t0) // 60) + 1, 5):
        sample = min(samples, key=lambda s: abs(s[0] - t0 - minute * 60))
        print(f"| {minute} | " + " | ".join(f"{v / 1024:.1f}" for v in sample[1:]) + " |")

failures = []
if not summary:
    failures.append("no --json summary")
else:
    unaccounted = summary["FramesPut"] - summary["FramesSkipped"] - summary["FramesDropped"] - stored
    if unaccounted:
        failures.append(f"{unaccounted} frames accepted but neither stored nor reported dropped")
if duplicates:
    failures.append(f"{duplicates} frames stored twice")
def slope_per_10_minutes(series):
    """Least-squares slope of (seconds, KiB) samples, in MiB per 10 minutes."""
    mean_t = statistics.fmean(t for t, _ in series)
    mean_k = statistics.fmean(k for _, k in series)
    return sum((t - mean_t) * (k - mean_k) for t, k in series) / sum((t - mean_t) ** 2 for t, _ in series) * 600 / 1024


late = rss[len(rss) // 3:] if rss else []
if len(late) >= 10:
    per_10_minutes = slope_per_10_minutes(late)
    print()
    print(f"RSS slope over the last two thirds: {per_10_minutes:+.2f} MiB per 10 minutes (limit +2)"
          + "".join(f"; {name} {slope_per_10_minutes(series[len(series) // 3:]):+.2f}" for name, series in parts.items() if len(series) >= 10))
    if per_10_minutes > 2:
        failures.append(f"RSS grows {per_10_minutes:+.2f} MiB per 10 minutes")
else:
    failures.append("too few RSS samples to judge memory")
print()
print("Soak: " + ("PASSED" if not failures else "FAILED: " + "; ".join(failures)))
sys.exit(1 if failures else 0)
