#!/usr/bin/env python3
"""Start cost of pdm: an empty-directory `pdm copy`, run N times for each jar given, the jars
interleaved; prints the median and mean wall time and CPU seconds (user + sys, from wait4) per jar.
Each jar runs through ./pdm with PDM_JAR set, so its AOT cache (pdm.aot beside it) is used: copy a
jar aside with `cp -p target/pdm.jar target/pdm.aot DIR/`. A launcher `pdm` beside a jar runs it
instead of this checkout's (to compare launchers too: `git show REV:pdm > DIR/pdm; chmod +x DIR/pdm`).

    N=30 bench/start.py /tmp/old/pdm.jar target/pdm.jar
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
jars = [os.path.abspath(j) for j in sys.argv[1:]] or [os.path.join(here, "target", "pdm.jar")]
n = int(os.environ.get("N", "30"))
work = tempfile.mkdtemp(prefix="pdm-start-")
src = os.path.join(work, "empty")
os.mkdir(src)
runs = {j: ([], []) for j in jars}
for _ in range(n):
    for j in jars:
        env = dict(os.environ, PDM_JAR=j)
        t = time.perf_counter()
        beside = os.path.join(os.path.dirname(j), "pdm")
        launcher = beside if os.access(beside, os.X_OK) else os.path.join(here, "pdm")
        p = subprocess.Popen([launcher, "copy", src, os.path.join(work, "dst")], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        if status != 0:
            sys.exit(f"{j}: pdm copy exited with status {status}")
        runs[j][0].append(time.perf_counter() - t)
        runs[j][1].append(usage.ru_utime + usage.ru_stime)
for j in jars:
    wall, cpu = runs[j]
    print(f"{j}: wall median {statistics.median(wall) * 1000:.0f} ms (mean {statistics.mean(wall) * 1000:.0f}), "
          f"CPU median {statistics.median(cpu) * 1000:.0f} ms (mean {statistics.mean(cpu) * 1000:.0f}), {n} runs")
