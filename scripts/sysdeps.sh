#!/usr/bin/env bash
# System packages briefgen needs beyond Python: a Korean-capable font (sources on this topic
# carry Hangul) and poppler-utils (tests read PDFs back with pdftotext/pdftoppm).
# Installs what is missing with apt-get when run as root; otherwise says what to install.
# Extra arguments `command:package` add a package when the command is missing; `make test`
# passes `chromium:chromium chromedriver:chromium-driver` for the browser tests. A `command`
# with a slash is a path pattern: `/usr/lib/postgresql/*/bin/initdb:postgresql` installs
# Debian's PostgreSQL (its programs are off PATH) for the tests of the shared store.
set -euo pipefail

# `grep >/dev/null`, not `grep -q`: -q stops reading at the first match, the writer dies of
# SIGPIPE, and with pipefail a package that is there would look missing.
need=()
if ! fc-list :lang=ko 2>/dev/null | grep . >/dev/null; then need+=(fonts-noto-cjk); fi
if ! command -v pdftotext >/dev/null 2>&1; then need+=(poppler-utils); fi
if ! fc-list 2>/dev/null | grep -i dejavu >/dev/null; then need+=(fonts-dejavu-core); fi
if ! ldconfig -p 2>/dev/null | grep libpango-1.0 >/dev/null; then need+=(libpango-1.0-0 libpangoft2-1.0-0); fi
# Without HarfBuzz-Subset WeasyPrint embeds whole fonts: megabytes of CJK glyphs per PDF.
if ! ldconfig -p 2>/dev/null | grep libharfbuzz-subset >/dev/null; then need+=(libharfbuzz-subset0); fi
for extra in "$@"; do
  what="${extra%%:*}"
  if [[ "$what" == */* ]]; then
    compgen -G "$what" >/dev/null || need+=("${extra##*:}")
  else
    command -v "$what" >/dev/null 2>&1 || need+=("${extra##*:}")
  fi
done

if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "sysdeps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }
else
  echo "sysdeps: please install: ${need[*]} (e.g. sudo apt-get install ${need[*]})" >&2
fi
