#!/usr/bin/python3
"""Runs a command and reports the peak resident memory of it and all its descendants together, sampled from /proc
every 50 ms (a launcher that re-executes the JVM counts with its child: both are the program's memory).

    /usr/bin/python3 benchmarks/peak_rss.py -- java -jar train/target/cyclegan-engine.jar bench ...

Prints the command's own output, then one line: `peak_rss_mib <MiB> wall_s <seconds> exit <status>`.
"""
import os
import subprocess
import sys
import time


def tree_rss_kib(root):
    children = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(pid))
        except (OSError, IndexError, ValueError):
            pass
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def main():
    cmd = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    start = time.time()
    proc = subprocess.Popen(cmd)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_kib(proc.pid))
        time.sleep(0.05)
    print("peak_rss_mib %.0f wall_s %.1f exit %d" % (peak / 1024, time.time() - start, proc.returncode), flush=True)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
