#!/usr/bin/env bash
# Try the README's two commands as a new user would: in a fresh, minimal Debian 12 root made
# with debootstrap, on a clean clone of the committed main branch. Slow (it installs and builds
# everything from nothing); not part of ./kiosk test.
#
#   tests/fresh-debian.sh test        # runs ./kiosk test in the fresh root
#   tests/fresh-debian.sh run         # runs ./kiosk run in the fresh root and checks it answers
#
# Needs root, debootstrap, and Debian's archive. ROOT (default /var/tmp/kiosk-fresh) is made
# anew each time from a cached minimal base (ROOT.tgz).
set -euo pipefail
what=${1:-test}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=${ROOT:-/var/tmp/kiosk-fresh}
base="$root.tgz"

if [[ ! -f $base ]]; then
  debootstrap --variant=minbase bookworm "$root.base" http://deb.debian.org/debian
  tar -C "$root.base" -czf "$base" .
  rm -rf "$root.base"
fi

cleanup() {
  for mount in dev/shm dev/pts dev sys proc; do
    umount -l "$root/$mount" 2>/dev/null || true
  done
}
trap cleanup EXIT

cleanup
rm -rf "$root"
mkdir -p "$root"
tar -C "$root" -xzf "$base"
# What an installed machine has and debootstrap does not write: a resolver and a hosts file
# (selenium reaches chromedriver by the name localhost).
cp /etc/resolv.conf "$root/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
git clone -q --branch main "$repo" "$root/root/kiosk"
# CI puts shared/ beside the clone; so does this.
[[ -d $repo/../shared ]] && cp -r "$repo/../shared" "$root/root/shared"

case $what in
  test)
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb \
      bash -c 'cd /root/kiosk && time ./kiosk test'
    ;;
  run)
    # ./kiosk run ends by exec-ing serve.py, so the background job's pid is the server's.
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb \
      bash -c 'cd /root/kiosk
               ./kiosk run --port 18080 > /root/run.log 2>&1 &
               server=$!
               for _ in $(seq 1 900); do
                 grep -q "open http" /root/run.log && break
                 kill -0 $server 2>/dev/null || break
                 sleep 1
               done
               cat /root/run.log
               /usr/bin/python3 -c "
import json, urllib.request
page = urllib.request.urlopen(\"http://127.0.0.1:18080/\", timeout=5)
print(\"GET / ->\", page.status, page.headers.get(\"Content-Type\"))"
               status=$?
               kill $server; wait $server 2>/dev/null
               exit $status'
    ;;
  *) echo "usage: $0 test|run" >&2; exit 2 ;;
esac
