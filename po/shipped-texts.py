"""The texts the shipped etc/ files give people to read (group
descriptions in etc/groups.conf, room topics in etc/rooms.conf), as a
PO template on stdout: `make update-pot` merges it into po/hearth.pot,
so a reader sees a shipped text the operator kept in their language
(lines the operator writes are shown as written).

usage: shipped-texts.py SRCDIR
"""

import os
import sys


def texts(src):
    """(file, line number, text) of every shipped text."""
    out = []
    path = os.path.join(src, "etc", "groups.conf")
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split(None, 3)
        if len(parts) == 4:
            out.append(("etc/groups.conf", n, parts[3].strip()))
    path = os.path.join(src, "etc", "rooms.conf")
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.startswith("#") or line.startswith("# ") or \
                line.strip() == "#":
            continue
        parts = line.split(None, 3)
        if len(parts) == 4:
            out.append(("etc/rooms.conf", n, parts[3].strip()))
    return out


def quote(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def main(argv):
    src = argv[1] if len(argv) > 1 else "."
    print('msgid ""\nmsgstr ""\n'
          '"Content-Type: text/plain; charset=UTF-8\\n"\n')
    seen = {}
    for f, n, t in texts(src):
        seen.setdefault(t, []).append("%s:%d" % (f, n))
    for t, where in seen.items():
        print("#: %s\n#, no-c-format\nmsgid %s\nmsgstr \"\"\n" %
              (" ".join(where), quote(t)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
