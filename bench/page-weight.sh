#!/usr/bin/env bash
# Page weight of one URL as sent on the wire to a client that accepts gzip:
#   bench/page-weight.sh URL   ->   "html_gzip_bytes css_gzip_bytes js_gzip_bytes"
# Counts the HTML plus every <script src> and <link rel=stylesheet href> it names
# (each distinct URL once). Not counted: images, fonts, chunks loaded later by JS.
# A resource the server sends uncompressed counts at its full size (noted on stderr).
set -euo pipefail
url=${1:?usage: page-weight.sh URL}
# Optional extra request header, e.g. PAGE_WEIGHT_HEADER="Cookie: suyang_session=…" for a signed-in page.
extra=()
[[ -n ${PAGE_WEIGHT_HEADER:-} ]] && extra=(-H "$PAGE_WEIGHT_HEADER")

# Bytes on the wire for one URL (curl --compressed sends Accept-Encoding and decodes).
wire() {
  local out; out=$(curl "${extra[@]}" --compressed -sf -o /dev/null -w '%{size_download} %header{content-encoding}' "$1")
  [[ $out == *' '?* ]] || echo "note: not compressed: $1" >&2
  echo "${out%% *}"
}

html=$(curl "${extra[@]}" --compressed -sf "$url")
html_bytes=$(wire "$url")

# List "css URL" / "js URL" lines, absolute, deduplicated (python3 stdlib only).
assets=$(printf '%s' "$html" | python3 -c '
import sys, html.parser, urllib.parse
base, seen = sys.argv[1], set()
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            kind, ref = "js", a["src"]
        elif tag == "link" and "stylesheet" in (a.get("rel") or "").lower().split() and a.get("href"):
            kind, ref = "css", a["href"]
        else:
            return
        u = urllib.parse.urljoin(base, ref)
        if u not in seen:
            seen.add(u); print(kind, u)
P().feed(sys.stdin.read())
' "$url")

css=0 js=0
while read -r kind u; do
  [[ -n ${kind:-} ]] || continue
  n=$(wire "$u")
  if [[ $kind == css ]]; then css=$((css + n)); else js=$((js + n)); fi
done <<<"$assets"

echo "$html_bytes $css $js"
