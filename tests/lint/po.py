"""The translations (issue 15): every text the code passes to i18n(),
i18n_n() or N_() is in each po/LANG.po, translated and not fuzzy, and
msgfmt -c accepts each catalogue (format directives match, plural forms
complete).  A Russian text that is the English msgid unchanged counts as
untranslated.

usage: po.py [SRCDIR]  (default $HEARTH_SRCDIR or .)
       po.py --parse FILE.po   (prints the entries, for debugging)
On a failure, `make update-po` merges the new texts; translate them in
po/ru.po (and run it again for po/en.po, which msgen fills).
"""

import os
import re
import subprocess
import sys
import tempfile

LANGS = ("en", "ru")
KEYWORDS = ("--keyword=i18n:2", "--keyword=i18n_n:2,3", "--keyword=N_")


def unquote(s):
    """The value of a PO string literal (without its quotes)."""
    out, i = [], 0
    esc = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append(esc.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_po(path):
    """Entries of a PO file: dicts with id, plural, strs, fuzzy,
    obsolete, line."""
    entries, cur, field = [], None, None

    def new(line):
        return {"id": None, "plural": None, "strs": {}, "fuzzy": False,
                "obsolete": False, "line": line, "flags_fuzzy": False}

    pending_fuzzy = False
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        line = raw.rstrip("\n")
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip()
        if line.startswith("#,"):
            if "fuzzy" in line:
                pending_fuzzy = True
            continue
        if line.startswith("#") or not line.strip():
            continue
        m = re.match(r'(msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$',
                     line)
        if m:
            key = m.group(1)
            if key == "msgid":
                cur = new(n)
                cur["fuzzy"] = pending_fuzzy
                cur["obsolete"] = obsolete
                pending_fuzzy = False
                entries.append(cur)
                cur["id"] = unquote(m.group(3))
                field = ("id", None)
            elif key == "msgid_plural":
                cur["plural"] = unquote(m.group(3))
                field = ("plural", None)
            else:
                idx = int(m.group(2)) if m.group(2) else 0
                cur["strs"][idx] = unquote(m.group(3))
                field = ("strs", idx)
            continue
        m = re.match(r'"(.*)"$', line.strip())
        if m and cur is not None:
            if field[0] == "strs":
                cur["strs"][field[1]] += unquote(m.group(1))
            else:
                cur[field[0]] += unquote(m.group(1))
    return entries


def extract(src):
    """The msgids xgettext finds in the sources, as a set."""
    files = []
    for top in ("server", "moderation"):
        for d, _, names in os.walk(os.path.join(src, top)):
            files += [os.path.relpath(os.path.join(d, f), src)
                      for f in names if f.endswith((".c", ".h"))]
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "x.pot")
        subprocess.run([os.environ.get("XGETTEXT") or "xgettext",
                        "--from-code=UTF-8", "--language=C", "--force-po",
                        *KEYWORDS, "-o", pot] + sorted(files),
                       cwd=src, check=True)
        ids = {e["id"] for e in parse_po(pot) if e["id"]}
    # The texts of the shipped etc/ files (group descriptions, topics).
    shipped = _load_shipped(src)
    return ids | {t for _, _, t in shipped.texts(src)}


def _load_shipped(src):
    """po/shipped-texts.py as a module."""
    import importlib.util
    path = os.path.join(src, "po", "shipped-texts.py")
    spec = importlib.util.spec_from_file_location("shipped_texts", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def ascii_words(s):
    """The longest run of ASCII words (letters only) in S."""
    best = run = 0
    for tok in re.split(r"\s+", re.sub(r"%[-+ #0]*\d*(?:\.\d+)?l*[sdiuxc]|"
                                       r"%%", " ", s)):
        if re.fullmatch(r"[A-Za-z][a-z]+[,.;:]?", tok):
            run += 1
            best = max(best, run)
        elif tok:
            run = 0
    return best


def check_lang(src, lang, wanted):
    path = os.path.join(src, "po", lang + ".po")
    bad = 0
    entries = [e for e in parse_po(path) if not e["obsolete"]]
    have = {e["id"] for e in entries}
    for e in entries:
        if not e["id"]:
            continue
        where = "%s:%d" % (path, e["line"])
        if e["fuzzy"]:
            print("%s: fuzzy: %r" % (where, e["id"]))
            bad += 1
        strs = [e["strs"].get(i, "") for i in
                range(max(e["strs"]) + 1 if e["strs"] else 1)]
        if any(s == "" for s in strs):
            print("%s: untranslated: %r" % (where, e["id"]))
            bad += 1
        elif (lang != "en" and strs[0] == e["id"] and
              ascii_words(e["id"]) >= 2):
            print("%s: still English: %r" % (where, e["id"]))
            bad += 1
        elif lang == "ru" and any(ascii_words(s) >= 3 for s in strs):
            print("%s: an English sentence in the Russian: %r" %
                  (where, strs))
            bad += 1
    for m in sorted(wanted - have):
        print("%s: missing (run make update-po): %r" % (path, m))
        bad += 1
    r = subprocess.run([os.environ.get("MSGFMT") or "msgfmt", "-c",
                        "--statistics", "-o", os.devnull, path],
                       capture_output=True, text=True)
    print("%s: %s" % (path, (r.stderr or r.stdout).strip()))
    if r.returncode != 0 or "untranslated" in r.stderr or \
            "fuzzy" in r.stderr:
        bad += 1
    return bad


def main(argv):
    if len(argv) == 3 and argv[1] == "--parse":
        for e in parse_po(argv[2]):
            print(e)
        return 0
    src = argv[1] if len(argv) > 1 else os.environ.get("HEARTH_SRCDIR",
                                                       ".")
    wanted = extract(src)
    if len(wanted) < 100:
        print("found only %d texts in the sources: has i18n() moved?" %
              len(wanted))
        return 1
    bad = sum(check_lang(src, lang, wanted) for lang in LANGS)
    print("%d texts, %d problems" % (len(wanted), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
