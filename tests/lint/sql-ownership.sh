#!/bin/sh
# Only server/store*.c may talk to SQLite (STYLE.md: one owner per
# resource).  Fails listing any other file that calls sqlite3_*.
set -eu
top=${HEARTH_SRCDIR:-.}
bad=$(grep -l 'sqlite3_' "$top"/server/*.c "$top"/server/*.h \
    "$top"/moderation/*.c 2>/dev/null | grep -v '/server/store[^/]*\.[ch]$' || true)
if [ -n "$bad" ]; then
	echo "sqlite3_ used outside server/store*.c:"
	echo "$bad"
	exit 1
fi
echo "sql ownership: ok"
