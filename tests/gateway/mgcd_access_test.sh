#!/usr/bin/env bash
# Operator access to mgcd's VTY (issue 13, item 3): a configured bind address (IPv4, IPv6),
# libosmocore's `login` / `password` / `enable password`, and the `telnet` node's allow list,
# checked on accept. From an allowed source the password gives the view node and the enable
# password the enable node; a wrong password gets neither and the connection is closed after
# three tries; a source outside the list (127.0.0.2, a second loopback address) is closed at once
# with nothing sent. Nothing else of mgcd is reachable: M3UA over TCP to a port nobody listens on.
set -u
MGCD=$1
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
port=$((20000 + RANDOM % 20000))

write_cfg() { # bind-address allow...
  local addr=$1; shift
  { printf 'password s3cret\nenable password t0p\nline vty\n login\ntelnet\n bind %s %d\n' "$addr" "$port"
    for a in "$@"; do printf ' allow %s\n' "$a"; done
    printf 'ss7\n point-code 0.2.1\nm3ua\n transport tcp\n local-port %d\n remote-address 127.0.0.1\n remote-port %d\n' \
      $((port + 1)) $((port + 2)); } > "$tmp/access.cfg"
}
start() {
  "$MGCD" -c "$tmp/access.cfg" >"$tmp/run.out" 2>&1 &
  pid=$!
  for _ in $(seq 150); do grep -q "running, VTY" "$tmp/run.out" && break; sleep 0.1; done
  grep -q "running, VTY on $1" "$tmp/run.out" || bad "mgcd did not start on $1: $(cat "$tmp/run.out")"
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null; pid=; }
# session OUT NC-ARGS... < lines: one line every 0.3 s (the VTY drops what arrives during
# telnet option negotiation)
session() {
  local out=$1; shift
  { sleep 1; while IFS= read -r l; do printf '%s\r\n' "$l"; sleep 0.3; done; sleep 0.5; } |
    timeout 10 nc -q 1 "$@" | tr -d '\r' > "$out" 2>&1
}

# --- IPv4: allowed source, right and wrong passwords, a source outside the list
write_cfg 127.0.0.1 127.0.0.1 10.0.0.0/8
start "127.0.0.1:$port"
printf '%s\n' s3cret "show running-config" enable t0p "show running-config" exit |
  session "$tmp/ok.out" 127.0.0.1 "$port"
grep -aq "User Access Verification" "$tmp/ok.out" || bad "no password asked: $(head -c 300 "$tmp/ok.out")"
grep -aq "^mgcd> " "$tmp/ok.out" || bad "the password did not give the view node"
grep -aq "^mgcd# " "$tmp/ok.out" || bad "the enable password did not give the enable node"
grep -aq "^ allow 10.0.0.0/8$" "$tmp/ok.out" || bad "show running-config lacks the allow list"
grep -aq "^ bind 127.0.0.1 $port$" "$tmp/ok.out" || bad "show running-config lacks telnet bind"
grep -aq "^enable password t0p$" "$tmp/ok.out" || bad "show running-config lacks the enable password"

printf '%s\n' wrong wrong2 wrong3 "show running-config" | session "$tmp/wrong.out" 127.0.0.1 "$port"
grep -aq "^mgcd[>#]" "$tmp/wrong.out" && bad "a wrong password gave a prompt: $(cat "$tmp/wrong.out")"
grep -aq "point-code" "$tmp/wrong.out" && bad "a wrong password showed the config"
[ "$(grep -ac 'Password:' "$tmp/wrong.out")" -eq 3 ] || bad "expected three password prompts: $(cat "$tmp/wrong.out")"

printf '%s\n' s3cret enable wrong wrong2 wrong3 "show running-config" exit |
  session "$tmp/wrong_enable.out" 127.0.0.1 "$port"
grep -aq "^mgcd> " "$tmp/wrong_enable.out" || bad "the right password did not give the view node"
grep -aq "^mgcd# " "$tmp/wrong_enable.out" && bad "a wrong enable password gave the enable node"
grep -aq "point-code" "$tmp/wrong_enable.out" && bad "show running-config ran without enable"

printf '%s\n' s3cret enable t0p "show running-config" exit |
  session "$tmp/refused.out" -s 127.0.0.2 127.0.0.1 "$port"
[ -s "$tmp/refused.out" ] && bad "a source outside the allow list got: $(head -c 200 "$tmp/refused.out")"
grep -q "VTY connection from 127.0.0.2:[0-9]* refused: not in the telnet allow list" "$tmp/run.out" ||
  bad "the refused connection was not logged: $(cat "$tmp/run.out")"
stop

# --- IPv6: bound to ::1, ::1 allowed
if ip -6 addr show lo 2>/dev/null | grep -q "::1/128"; then
  write_cfg ::1 ::1
  start "\[::1\]:$port"
  ss -ltn | grep -q "\[::1\]:$port " || bad "VTY not bound to [::1]:$port"
  printf '%s\n' s3cret exit | session "$tmp/v6.out" -6 ::1 "$port"
  grep -aq "^mgcd> " "$tmp/v6.out" || bad "IPv6: the password did not give the view node: $(cat "$tmp/v6.out")"
  stop
else
  echo "note: no IPv6 loopback here: the IPv6 bind is not checked"
fi

# --- a bad bind address or prefix is refused by the config
printf 'telnet\n allow 127.0.0.1/8\n' > "$tmp/bad_prefix.cfg"
"$MGCD" -c "$tmp/bad_prefix.cfg" --check >"$tmp/bad.out" 2>&1 && bad "a prefix with host bits was accepted"
grep -q "invalid prefix" "$tmp/bad.out" || bad "bad prefix: $(cat "$tmp/bad.out")"

[ $fail -eq 0 ] && echo "mgcd access: all checks passed"
exit $fail
