#!/bin/sh
# Copies the front-end packages npm installed into the places Django serves them from.
# One script for `make assets` and the Dockerfile, so the two can never drift apart.
# Every source map a minified file names is copied with it: with DEBUG off the manifest
# storage follows each sourceMappingURL and stops the build when the file is missing.
set -eu
cd "$(dirname "$0")/.."

nhsuk=node_modules/nhsuk-frontend/dist/nhsuk
htmx=node_modules/htmx.org/dist

rm -rf static/vendor public
mkdir -p static/vendor/nhsuk static/vendor/htmx public
for name in nhsuk-frontend.min.css nhsuk-frontend.min.js; do
  cp "$nhsuk/$name" static/vendor/nhsuk/
  if [ -f "$nhsuk/$name.map" ]; then cp "$nhsuk/$name.map" static/vendor/nhsuk/; fi
done
# No request to any other host: the stylesheet's Frutiger @font-face (an external font host)
# is stripped, so browsers fall back to the system font.
# (The Dockerfile's node stage has no Python; its Python stage runs this step itself.)
if command -v python3 >/dev/null 2>&1; then
  python3 culture_of_care/assets.py static/vendor/nhsuk/nhsuk-frontend.min.css
fi
cp "$htmx/htmx.min.js" static/vendor/htmx/
if [ -f "$htmx/htmx.min.js.map" ]; then cp "$htmx/htmx.min.js.map" static/vendor/htmx/; fi
cp -r "$nhsuk/assets" public/assets

# Fail here, not in collectstatic, if a copied file names a map that is not beside it.
for file in static/vendor/*/*.css static/vendor/*/*.js; do
  map=$(sed -n 's|.*sourceMappingURL=\([^ *]*\).*|\1|p' "$file" | tail -n 1)
  if [ -n "$map" ] && [ ! -f "$(dirname "$file")/$map" ]; then
    echo "vendor-assets: $file names $map, which is missing" >&2
    exit 1
  fi
done
