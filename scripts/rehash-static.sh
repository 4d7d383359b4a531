#!/usr/bin/env bash
# After editing a file of the staff page under grace-webapp/src/main/webapp/static/, run this: it renames each
# <name>.<hash>.<ext> to the first 10 hex digits of its SHA-256 and updates the references in index.html.
# Hashed names are served as immutable (StaticFilesFilter); StaticFilesTest fails when a name and content disagree.
set -euo pipefail
webapp="$(cd "$(dirname "$0")/.." && pwd)/grace-webapp/src/main/webapp"
cd "$webapp"
find static -type f | while read -r file; do
  dir=$(dirname "$file"); base=$(basename "$file")
  if [[ "$base" =~ ^(.+)\.([0-9a-f]{8,64})\.([A-Za-z0-9]+)$ ]]; then
    stem="${BASH_REMATCH[1]}"; ext="${BASH_REMATCH[3]}"
    hash=$(sha256sum "$file" | cut -c1-10)
    target="$dir/$stem.$hash.$ext"
    if [ "$file" != "$target" ]; then
      git mv -f "$file" "$target" 2>/dev/null || mv -f "$file" "$target"
      sed -i "s|/$file\"|/$target\"|g" index.html
      echo "$file -> $target"
    fi
  fi
done
