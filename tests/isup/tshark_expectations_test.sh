#!/usr/bin/env bash
# The expectations the codec tests compare against are what tshark says today.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null || { echo "tshark is missing: run scripts/setup"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/tools/pcap-expectations" "$here/vectors/isup_load_generator.pcap" \
  mtp2.capture_contains_frame_check_sequence:TRUE > "$tmp/lg.tsv"
"$here/tools/pcap-expectations" "$here/vectors/isup.cap" \
  "m3ua.version:Internet Draft version 6" > "$tmp/cap.tsv"
diff -u "$here/vectors/isup_load_generator.tsv" "$tmp/lg.tsv"
diff -u "$here/vectors/isup_cap.tsv" "$tmp/cap.tsv"
echo "tshark agrees with $(wc -l < "$tmp/lg.tsv") + $(wc -l < "$tmp/cap.tsv") committed expectations"
