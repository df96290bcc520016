# Runs a command the way a pod with readOnlyRootFilesystem runs it: in a private mount namespace where every
# mount is read-only except the given volume folders (and /proc, /sys, /dev, as in a container).
# Usage: sh readonly_root.sh DIR... -- COMMAND [ARGS...]   (as root; the command may drop privileges itself)
set -e
dirs=""
while [ "$1" != "--" ]; do
  mount --bind "$1" "$1"
  dirs="$dirs $1"
  shift
done
shift
findmnt -rn -o TARGET | while IFS= read -r target; do
  case "$target" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;; esac
  keep=0
  for d in $dirs; do [ "$target" = "$d" ] && keep=1; done
  [ "$keep" = 1 ] || mount -o remount,bind,ro "$target" 2>/dev/null || true
done
exec "$@"
