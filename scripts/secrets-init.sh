#!/bin/sh
# The compose files' one-shot `secrets-init` service runs this before the API starts: on the
# first run it writes a random SECRETS_ENCRYPTION_KEY (32 bytes, base64) into the file $1, mode
# 0600, owned by $2 (default 1000:1000, the image's unprivileged `node` user, who reads it through
# SECRETS_ENCRYPTION_KEY_FILE). A key already there is kept, whatever runs this again: it opens
# the stored SSO client secrets. Nothing here prints the key.
set -eu
file=${1:?usage: secrets-init.sh <key file> [owner uid:gid]}
owner=${2:-1000:1000}
umask 077
if [ -s "$file" ]; then
  echo "secrets-init: kept the existing key in $file"
else
  head -c 32 /dev/urandom | base64 > "$file.new"
  # 44 base64 characters and a newline; anything else (no /dev/urandom?) is not a key.
  [ "$(wc -c < "$file.new")" -eq 45 ] || { rm -f "$file.new"; echo "secrets-init: could not generate a key" >&2; exit 1; }
  mv "$file.new" "$file"
  echo "secrets-init: generated a key in $file"
fi
chown "$owner" "$file"
chmod 0600 "$file"
