#!/usr/bin/env python3
"""layers.py [TOP] -- the include direction of hearthd's layers.

Each folder of server/ is a layer (HACKING.md):

    core -> parse -> store -> services -> nntp | irc | http | admin -> server/

A file may include headers of its own layer and of the layers to its
left, never to its right; the four protocols never include one another;
hearthmod (moderation/) includes only core and parse.  Besides: protocol
code leaves transactions to the services (no store_begin, store_commit
or store_rollback), and only server/store/ talks to SQLite.

Prints every violation as FILE:LINE: message and exits 1 if there is any.
"""
import os
import re
import sys

RANK = {'core': 0, 'parse': 1, 'store': 2, 'services': 3,
        'nntp': 4, 'irc': 4, 'http': 4, 'admin': 4, 'assembly': 5}
PROTOCOLS = {'nntp', 'irc', 'http', 'admin'}
GENERATED = {'build-config.h', 'chat-js.h'}   # made by make
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
TXN = re.compile(r'\bstore_(begin|commit|rollback)\s*\(')


def layer_of(top, path):
    rel = os.path.relpath(path, top).split(os.sep)
    if rel[0] == 'moderation':
        return 'hearthmod'
    if rel[0] == 'server':
        return rel[1] if len(rel) > 2 else 'assembly'
    return None


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        'HEARTH_SRCDIR', os.path.join(os.path.dirname(__file__), '..', '..'))
    top = os.path.abspath(top)
    sources = []
    for base in ('server', 'moderation'):
        for d, _, files in os.walk(os.path.join(top, base)):
            sources += [os.path.join(d, f) for f in files
                        if f.endswith(('.c', '.h'))]
    home = {}   # header name -> layer
    bad = []
    for p in sources:
        lay = layer_of(top, p)
        if lay not in RANK and lay != 'hearthmod':
            bad.append('%s: folder %s is not a layer' % (p, lay))
            continue
        if p.endswith('.h'):
            name = os.path.basename(p)
            if name in home and home[name] != lay:
                bad.append('%s: header name also in layer %s' %
                           (p, home[name]))
            home[name] = lay
    for p in sorted(sources):
        lay = layer_of(top, p)
        rel = os.path.relpath(p, top)
        with open(p, encoding='utf-8', errors='replace') as f:
            lines = f.read().split('\n')
        for n, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if m:
                h = m.group(1)
                if h in GENERATED:
                    continue
                to = home.get(os.path.basename(h))
                if to is None:
                    bad.append('%s:%d: includes "%s", found in no layer'
                               % (rel, n, h))
                elif lay == 'hearthmod':
                    if to not in ('core', 'parse'):
                        bad.append('%s:%d: hearthmod includes %s (%s)'
                                   % (rel, n, h, to))
                elif RANK[to] > RANK[lay]:
                    bad.append('%s:%d: %s includes upward: "%s" is %s'
                               % (rel, n, lay, h, to))
                elif to in PROTOCOLS and lay in PROTOCOLS and to != lay:
                    bad.append('%s:%d: protocol %s includes protocol %s '
                               '("%s")' % (rel, n, lay, to, h))
            if lay in PROTOCOLS and TXN.search(line) and \
                    not line.lstrip().startswith(('/*', '*')):
                bad.append('%s:%d: protocol code opens or ends a '
                           'transaction (services own them)' % (rel, n))
            if 'sqlite3_' in line and lay != 'store':
                bad.append('%s:%d: sqlite3_ outside server/store/'
                           % (rel, n))
    for b in bad:
        print(b)
    print('layers: %d files, %d violations' % (len(sources), len(bad)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
