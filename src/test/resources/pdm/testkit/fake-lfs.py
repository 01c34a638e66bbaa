#!/usr/bin/env python3
# A recording stand-in for Lustre's lfs, for pdm's tests (no Lustre exists where they run).
# It accepts exactly the syntax of the real lfs for the commands pdm runs (and the few the
# tests use to set up a source), appends every call to LOG (one JSON line: argv, each path
# argument resolved, the inode a create made), and keeps layouts in STORE, keyed by device and
# inode, outside the trees pdm copies and verifies. Like Lustre, it sets a file's layout only
# when it creates the file: an existing file is refused, so data written before the layout
# shows up as a failure.
import json, os, sys

LOG = "@LOG@"
STORE = "@STORE@"
DEFAULT = [{"count": 1, "size": 1048576}]

argv = sys.argv[1:]
entry = {"argv": argv, "paths": {}}


def record():
    with open(LOG, "a") as f:
        f.write(json.dumps(entry) + "\n")


def die(msg, code=1):
    entry["error"] = msg
    record()
    print(msg, file=sys.stderr)
    sys.exit(code)


def key(path):
    st = os.stat(path)
    return "%d-%d" % (st.st_dev, st.st_ino)


def load(path):
    p = os.path.join(STORE, key(path) + ".json")
    if os.path.exists(p):
        with open(p) as f:
            return json.load(f)
    return {}


def save(path, rec):
    with open(os.path.join(STORE, key(path) + ".json"), "w") as f:
        json.dump(rec, f)


def size(text):
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50}
    t = text.upper()
    u = t[-1] if t and t[-1] in "KMGTP" else ""
    n = t[:-1] if u else t
    if not n.lstrip("-").isdigit():
        die("lfs: invalid size '%s'" % text, 22)
    return int(n) * units[u]


def value(args, i, name):
    if i + 1 >= len(args):
        die("lfs %s: option requires an argument -- '%s'" % (argv[0], name), 22)
    return args[i + 1]


def failing():
    p = os.path.join(STORE, "fail")
    if os.path.exists(p):
        line = " ".join(argv)
        for rule in open(p).read().splitlines():
            if rule and rule in line:
                return True
    return False


def target(args):
    if len(args) != 1:
        die("lfs %s: exactly one FILE|DIRECTORY expected, got %s" % (argv[0], args), 22)
    path = args[0]
    entry["paths"][path] = os.path.realpath(path)
    return path


def setstripe(args):
    comps, copy, rest, i = [], None, [], 0
    cur = None
    while i < len(args):
        a = args[i]
        if a in ("-E", "--component-end"):
            cur = {"end": value(args, i, "E")}
            comps.append(cur)
            i += 2
            continue
        if a in ("-c", "--stripe-count", "-S", "--stripe-size", "-p", "--pool"):
            if cur is None:
                cur = {}
                comps.append(cur)
            v = value(args, i, a)
            if a in ("-c", "--stripe-count"):
                if not v.lstrip("-").isdigit():
                    die("lfs setstripe: invalid stripe count '%s'" % v, 22)
                cur["count"] = int(v)
            elif a in ("-S", "--stripe-size"):
                cur["size"] = size(v)
            else:
                cur["pool"] = v
            i += 2
            continue
        if a.startswith("--copy="):
            copy = a[len("--copy="):]
            entry["paths"][copy] = os.path.realpath(copy)
            i += 1
            continue
        if a.startswith("-"):
            die("lfs setstripe: unrecognized option '%s'" % a, 22)
        rest.append(a)
        i += 1
    path = target(rest)
    if copy is not None and comps:
        die("error: setstripe: can't specify --yaml or --copy with -c, -S, -i, -o, -p or -E options.", 22)
    if copy is not None:
        if not os.path.exists(copy):
            die("lfs setstripe: can't create composite layout from file %s: No such file or directory" % copy, 2)
        src = load(copy)
        comps = src.get("default", []) if os.path.isdir(copy) else src.get("layout", DEFAULT)
    for c in comps:
        c.setdefault("count", 1 if not os.path.isdir(path) else 0)
        c.setdefault("size", 1048576 if not os.path.isdir(path) else 0)
    if failing():
        die("lfs setstripe: cannot create composite file '%s': No space left on device" % path, 28)
    if os.path.isdir(path):
        rec = load(path)
        rec["default"] = comps
        save(path, rec)
        return
    if os.path.lexists(path):
        # Lustre: a file that exists has its layout (and maybe data) already.
        die("lfs setstripe: setstripe error for '%s': stripe already set" % path, 17)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    os.close(fd)
    st = os.stat(path)
    entry["created_ino"] = st.st_ino
    save(path, {"layout": comps or DEFAULT})


def mkdir(args):
    mdt, rest, i = None, [], 0
    while i < len(args):
        a = args[i]
        if a in ("-i", "--mdt-index"):
            mdt = value(args, i, "i")
            i += 2
        elif a.startswith("--mdt-index="):
            mdt = a.split("=", 1)[1]
            i += 1
        elif a.startswith("-"):
            die("lfs %s: unrecognized option '%s'" % (argv[0], a), 22)
        else:
            rest.append(a)
            i += 1
    path = target(rest)
    if mdt is None or not mdt.isdigit():
        die("lfs %s: MDT index expected (-i N), not %s" % (argv[0], mdt), 22)
    if failing():
        die("lfs %s: dirstripe error on '%s': No space left on device" % (argv[0], path), 28)
    try:
        os.mkdir(path, 0o755)
    except FileExistsError:
        die("lfs %s: dirstripe error on '%s': File exists" % (argv[0], path), 17)
    save(path, {"mdt": int(mdt)})


def getstripe(args):
    flags, rest = [], []
    for a in args:
        if a in ("-c", "-S", "-p", "-d", "-m", "--stripe-count", "--stripe-size", "--pool", "--directory", "--mdt-index"):
            flags.append({"--stripe-count": "-c", "--stripe-size": "-S", "--pool": "-p", "--directory": "-d",
                          "--mdt-index": "-m"}.get(a, a))
        elif a.startswith("-"):
            die("lfs getstripe: unrecognized option '%s'" % a, 22)
        else:
            rest.append(a)
    path = target(rest)
    if not os.path.lexists(path):
        die("lfs getstripe: %s: No such file or directory" % path, 2)
    if failing():
        die("lfs getstripe: %s: Input/output error" % path, 5)
    rec = load(path)
    if "-m" in flags:
        print(rec.get("mdt", 0))
        return
    if os.path.isdir(path):
        comps = rec.get("default") or [{"count": 0, "size": 0}]
    else:
        comps = rec.get("layout", DEFAULT)
    fields = [f for f in flags if f in ("-c", "-S", "-p")] or ["-c", "-S", "-p"]
    out = []
    for c in comps:
        if len(comps) > 1:
            out.append("lcme_extent.e_end: %s" % c.get("end", "EOF"))
        if fields == ["-c"]:
            out.append(str(c["count"]))
            continue
        if "-c" in fields:
            out.append("lmm_stripe_count: %d" % c["count"])
        if "-S" in fields:
            out.append("lmm_stripe_size: %d" % c["size"])
        if "-p" in fields and c.get("pool"):
            out.append("lmm_pool: %s" % c["pool"])
    print("\n".join(out))


# The changelog of the stand-in's one MDT, "fake-MDT0000": STORE/changelog holds the records the
# test logged (as lfs changelog prints them), STORE/cleared-USER the last record USER cleared. A
# FID is [0x200000400:0xINO:0x0] for the inode INO under the mount point.
MDT = "fake-MDT0000"


def mdts(args):
    print("MDTS:\n0: %s_UUID ACTIVE" % MDT)


def changelog(args):
    if not args or args[0] != MDT:
        die("lfs changelog: %s: No such device" % (args[0] if args else ""), 19)
    start = int(args[1]) if len(args) > 1 else 0
    p = os.path.join(STORE, "changelog")
    if not os.path.exists(p):
        return
    for line in open(p).read().splitlines():
        if int(line.split()[0]) >= start:
            print(line)


def changelog_clear(args):
    if len(args) != 3 or args[0] != MDT or not args[2].isdigit():
        die("lfs changelog_clear: usage: changelog_clear MDT USER ENDREC", 22)
    with open(os.path.join(STORE, "cleared-" + args[1]), "w") as f:
        f.write(args[2])


def fid2path(args):
    mount, fids = args[0], args[1:]
    for fid in fids:
        ino = int(fid.strip("[]").split(":")[1], 16)
        found = []
        for d, dirs, files in os.walk(mount):
            for n in dirs + files:
                p = os.path.join(d, n)
                if os.lstat(p).st_ino == ino:
                    found.append(p)
        if os.lstat(mount).st_ino == ino:
            found.append(mount)
        if not found:
            die("lfs fid2path: cannot find %s: No such file or directory" % fid, 2)
        print("\n".join(sorted(found)))


if not argv:
    die("usage: lfs COMMAND ...", 22)
{"setstripe": setstripe, "mkdir": mkdir, "setdirstripe": mkdir, "getstripe": getstripe, "mdts": mdts,
 "changelog": changelog, "changelog_clear": changelog_clear, "fid2path": fid2path}.get(
    argv[0], lambda a: die("lfs: unknown command '%s'" % argv[0], 22))(argv[1:])
record()
