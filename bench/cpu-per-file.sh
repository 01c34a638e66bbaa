#!/usr/bin/env bash
# CPU seconds (user + sys) beside wall time, per tool, for an initial copy and a no-change
# pass: pdm against tar-pipe (initial) and rsync -aH (both), one run of each tool after the
# other in every rep (interleaved), page cache dropped before each run where we may.
#   flock /tmp/pdm-mvn.lock bench/cpu-per-file.sh                  # both profiles, 3 reps
#   REPS=2 PROFILES=empty200k TOOLS=pdm,tar-pipe bench/cpu-per-file.sh
#   PDM_CMD='PDM_JAR=/path/old.jar ./pdm' TOOLS=pdm,pdm-new ...   # another build beside this one
#   PDM_NEW_OPTS='--dir-workers 16' TOOLS=pdm,pdm-new ...            # other options beside the defaults
#   PDM_NEW2_OPTS='--dir-workers 1' TOOLS=pdm,pdm-new,pdm-new2 ...     # a third variant
#   PDM_NEW2_CMD='env PDM_JAVA_OPTS=... ./pdm' TOOLS=pdm,pdm-new,pdm-new2 ...  # its own command (default: PDM_NEW_CMD's)
#   TARGET=dir bench/cpu-per-file.sh                              # targets beside the sources, as before
#   TOOLS=pdm,tar-pipe-xattrs,rsync-aHAX ...                       # peers keeping xattrs and ACLs, as pdm does
# Profiles: "small" (../shared/bench/make-tree small: 100k files, 818 MB), "empty200k"
# (200,000 empty files in 200 directories) and, asked by name, "empty1m" (10^6 in 1,000: where a
# pass's fixed costs, the JVM's start and its compiler, weigh least). Trees are made once under $WORK and reused.
# Targets (TARGET=fresh-ext4, the default; needs root and a loop device): every tool's initial
# copy goes into an ext4 made just before it (an image file under $IMAGE_DIR, /dev/shm unless
# set), its no-change pass into the same one. A target directory on a filesystem that has just
# freed as many inodes costs whichever tool runs next up to twice the kernel time (ext4's inode
# allocator skips inodes freed within the last half minute, recently_deleted() in the profile),
# which made CPU seconds swing by half from run to run; a new filesystem each time does not.
# Prints one row per run (tool, profile, pass, wall, user, sys, max RSS in KB: of the largest
# process, so tar's and rsync's is one end of their pipe) and a table of medians.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="${WORK:-/work/cpu-bench}"
reps="${REPS:-3}"
profiles="${PROFILES:-small,empty200k}"
tools="${TOOLS:-pdm,tar-pipe,rsync-aH}"
pdm="${PDM_CMD:-$here/pdm}"
pdm_new="${PDM_NEW_CMD:-$here/pdm}"
pdm_new2="${PDM_NEW2_CMD:-$pdm_new}"
mkdir -p "$work"
rows="${ROWS:-$work/cpu-rows.txt}"
: >"$rows"

tree() { # profile -> source dir, made once
  local p="$1" s="$work/src-$1"
  if [ ! -d "$s" ]; then
    case "$p" in
      small) "$here/../shared/bench/make-tree" small "$s.part" >/dev/null ;;
      empty200k) mkdir -p "$s.part"; for d in $(seq 1 200); do mkdir "$s.part/d$d"
                   (cd "$s.part/d$d" && seq 1 1000 | sed 's/^/f/' | xargs touch); done ;;
      empty1m) mkdir -p "$s.part"; for d in $(seq 1 1000); do mkdir "$s.part/d$d"
                   (cd "$s.part/d$d" && seq 1 1000 | sed 's/^/f/' | xargs touch); done ;;
      *) echo "unknown profile $p" >&2; exit 2 ;;
    esac
    mv "$s.part" "$s"
    sleep 6 # (a copy made within pdm's 5 s ctime margin of the source's last change looks at attributes again)
  fi
  echo "$s"
}

drop() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }

target="${TARGET:-fresh-ext4}"
image="${IMAGE_DIR:-/dev/shm}/pdm-cpu-bench-target.img"
mnt="$work/target"
unmount() { if mountpoint -q "$mnt"; then umount "$mnt"; fi; rm -f "$image"; }
# -> a directory to copy into, on a filesystem made for this run when TARGET=fresh-ext4
fresh_target() { # name
  case "$target" in
    dir) echo "$work/dst-$1" ;;
    fresh-ext4)
      unmount; mkdir -p "$mnt"
      truncate -s "${IMAGE_SIZE:-8G}" "$image"
      # fully initialised: no ext4lazyinit thread zeroing inode tables during the run
      # (mkfs's default, an inode per 16 KiB, gives an 8 GiB image 524,288: too few for empty1m)
      local inodes=(); case "$1" in *empty1m*) inodes=(-N 1100000) ;; esac
      mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "${inodes[@]}" "$image"
      mount -o loop "$image" "$mnt" || { echo "cannot loop-mount $image (TARGET=dir runs without)" >&2; exit 2; }
      echo "$mnt/$1" ;;
    *) echo "TARGET=$target: say fresh-ext4 or dir" >&2; exit 2 ;;
  esac
}
trap unmount EXIT

# tool pass src dst -> the command line
cmd() {
  case "$1:$2" in
    pdm:*) echo "$pdm copy '$3' '$4' >/dev/null" ;;
    pdm-new:*) echo "$pdm_new copy ${PDM_NEW_OPTS:-} '$3' '$4' >/dev/null" ;;
    pdm-new2:*) echo "$pdm_new2 copy ${PDM_NEW2_OPTS:-} '$3' '$4' >/dev/null" ;;
    tar-pipe:initial) echo "mkdir -p '$4' && tar -C '$3' -cf - . | tar -C '$4' -xpf -" ;;
    # (the peers as they keep what pdm keeps: xattrs, ACLs; tar's selinux and flags aside)
    tar-pipe-xattrs:initial) echo "mkdir -p '$4' && tar --xattrs --xattrs-include='*' --acls -C '$3' -cf - . | tar --xattrs --xattrs-include='*' --acls -C '$4' -xpf -" ;;
    rsync-aH:*) echo "rsync -aH '$3/' '$4/'" ;;
    rsync-aHAX:*) echo "rsync -aHAX '$3/' '$4/'" ;;
    *) echo "" ;;
  esac
}

run() { # tool profile pass src dst
  local c; c="$(cmd "$1" "$3" "$4" "$5")"
  [ -n "$c" ] || return 0
  drop
  /usr/bin/time -o "$work/time.txt" -f '%e %U %S %M' bash -c "$c" >/dev/null 2>"$work/last-stderr.txt" \
    || echo "($1 $3 exited non-zero: $(tail -1 "$work/last-stderr.txt"))" >&2
  echo "$1 $2 $3 $(tail -1 "$work/time.txt")" | tee -a "$rows"
}

for rep in $(seq 1 "$reps"); do
  for p in ${profiles//,/ }; do
    src="$(tree "$p")"
    for t in ${tools//,/ }; do
      dst="$(fresh_target "dst-$p-$t")"
      rm -rf "$dst"
      run "$t" "$p" initial "$src" "$dst"
      run "$t" "$p" no-change "$src" "$dst"
      if [ "$target" = dir ]; then rm -rf "$dst"; fi
    done
  done
done

echo
echo "| tool | profile | pass | runs | wall s (median) | user s | sys s | CPU s (user+sys, median) | max RSS MB (median) |"
echo "|---|---|---|---|---|---|---|---|---|"
sort -k1,1 -k2,2 -k3,3 "$rows" | awk '
  function med(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
    return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2 }
  function flush() { if (n) printf "| %s | %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.0f |\n", k1, k2, k3, n, med(w, n), med(u, n), med(s, n), med(c, n), med(r, n) / 1024; n = 0 }
  { if ($1 != k1 || $2 != k2 || $3 != k3) { flush(); k1 = $1; k2 = $2; k3 = $3 }
    n++; w[n] = $4; u[n] = $5; s[n] = $6; c[n] = $5 + $6; r[n] = $7 }
  END { flush() }'
