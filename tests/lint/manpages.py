"""The man pages: clean under `mandoc -Tlint` (warnings and worse), and
hearthd.conf(5) documents exactly the keys of the config table in
server/core/config.c, so page and parser cannot drift apart.

usage: manpages.py [SRCDIR]  (default $HEARTH_SRCDIR or .)
       manpages.py --keys CONFIG.C PAGE   (only the key comparison)
"""

import os
import re
import shutil
import subprocess
import sys

PAGES = ("man/hearthd.8", "man/hearthd.conf.5", "man/hearthmod.8")


def table_keys(config_c):
    """Key names of the keys[] table in config.c."""
    text = open(config_c, encoding="utf-8").read()
    start = text.index("static const struct key_def keys[] = {")
    end = text.index("};", start)
    return set(re.findall(r'\{\s*"([a-z0-9_]+)",\s*K_', text[start:end]))


def page_keys(page):
    """Keys the page documents: its `.It Cm key` items."""
    keys = set()
    for line in open(page, encoding="utf-8"):
        m = re.match(r"\.It Cm ([a-z0-9_]+)\b", line)
        if m:
            keys.add(m.group(1))
    return keys


def compare(config_c, page):
    table, documented = table_keys(config_c), page_keys(page)
    bad = 0
    if len(table) < 20:
        print("%s: found only %d keys: has the table moved?" %
              (config_c, len(table)))
        bad += 1
    for k in sorted(table - documented):
        print("%s: key \"%s\" of %s is not documented" % (page, k,
                                                          config_c))
        bad += 1
    for k in sorted(documented - table):
        print("%s: documents \"%s\", which %s does not know" %
              (page, k, config_c))
        bad += 1
    if not bad:
        print("%s: all %d keys documented" % (page, len(table)))
    return bad


def lint(src):
    if shutil.which("mandoc") is None:
        print("mandoc is missing: apt-get install mandoc "
              "(./quickstart test installs it)")
        return 1
    bad = 0
    for p in PAGES:
        r = subprocess.run(["mandoc", "-Tlint", "-W", "warning",
                            os.path.join(src, p)],
                           capture_output=True, text=True)
        out = (r.stdout + r.stderr).strip()
        if r.returncode != 0 or out:
            print("%s: mandoc -Tlint:\n%s" % (p, out))
            bad += 1
        else:
            print("%s: mandoc -Tlint clean" % p)
    return bad


def main(argv):
    if len(argv) == 4 and argv[1] == "--keys":
        return 1 if compare(argv[2], argv[3]) else 0
    src = argv[1] if len(argv) > 1 else os.environ.get("HEARTH_SRCDIR",
                                                       ".")
    bad = lint(src)
    bad += compare(os.path.join(src, "server/core/config.c"),
                   os.path.join(src, "man/hearthd.conf.5"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
