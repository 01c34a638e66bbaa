#!/usr/bin/env python3
"""N changes spread over a tree, the same for a seed: appends, new files and chmods, in
directories drawn at random (bench/changes.sh, bench/changes-distributed.sh).

    bench/spread-changes.py SRC N SEED
"""
import os
import random
import sys

src, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(seed)
dirs = [d for d, _, _ in os.walk(src)]
for i in range(n):
    d = r.choice(dirs)
    files = [f for f in os.listdir(d) if os.path.isfile(os.path.join(d, f)) and not os.path.islink(os.path.join(d, f))]
    k = i % 3
    if k == 0 and files:
        with open(os.path.join(d, r.choice(files)), "ab") as f:
            f.write(b"changed %d\n" % seed)
    elif k == 1 or not files:
        with open(os.path.join(d, "new-%d-%d" % (seed, i)), "w") as f:
            f.write("new")
    else:
        os.chmod(os.path.join(d, r.choice(files)), 0o600 + r.randrange(0o100))
