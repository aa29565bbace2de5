#!/usr/bin/env python3
"""scripts/lib/manpage.py: warden's manual page, from the argument-parser definitions.

    python3 scripts/lib/manpage.py --binary PATH [--date YYYY-MM-DD] [--file PATH=TEXT ...] > warden.1
    python3 scripts/lib/manpage.py --json DUMP.json ...      (a saved `--experimental-dump-help`)

Reads the whole command tree from `warden --experimental-dump-help` (swift-argument-parser's
JSON, serializationVersion 0: the same source as its own generate-manual tool and plugin, whose
plugin cannot be pointed at an already-built binary: it builds every product of the package
first) and writes one page in man(7) macros to standard output: NAME, SYNOPSIS, DESCRIPTION
and OPTIONS of `warden` itself, then COMMANDS with a subsection per subcommand (nested ones as
`warden locks break`): its usage line, abstract, discussion and options, as `warden SUB --help`
shows them. Arguments and subcommands argument-parser hides (shouldDisplay false), the `help`
subcommand and the --help/--version flags repeated on every subcommand are left out.
--file PATH=TEXT adds a FILES section (scripts/package names where the package puts things).

Discussion text keeps its line breaks; lines indented by two or more spaces (examples) are set
as they are, without filling. Everything is escaped for roff: `-` becomes \\- (an ASCII minus on
every device, so options and examples copy and paste), quotes and backslashes likewise, and no
line starts with a control character. Checked by scripts/package-test: `groff -ww -z` and
`man -l` print no warnings.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys

SKIPPED_FLAGS = {"help", "version"}


def esc(text):
    """Text for roff: backslash, minus, quotes; a leading dot or quote made harmless."""
    text = text.replace("\\", "\\e")
    text = text.replace("-", "\\-")
    text = text.replace("'", "\\(aq").replace("`", "\\(ga").replace('"', "\\(dq")
    # Non-ASCII as groff's \[uXXXX]: the page needs no preconv and no input encoding.
    return "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in text)


def line(text):
    """One input line of running text: never a control line."""
    text = esc(text)
    if text.startswith((".", "\\(aq")):
        text = "\\&" + text
    return text


def bold(text):
    return "\\fB" + esc(text) + "\\fR"


def italic(text):
    return "\\fI" + esc(text) + "\\fR"


def flag_names(arg):
    names = []
    for n in arg.get("names") or []:
        prefix = "-" if n["kind"] == "short" or n["kind"] == "longWithSingleDash" else "--"
        names.append(prefix + n["name"])
    return names


def preferred(arg):
    p = arg.get("preferredName")
    if not p:
        return flag_names(arg)[0]
    return ("--" if p["kind"] == "long" else "-") + p["name"]


def shown_arguments(cmd, root):
    out = []
    for arg in cmd.get("arguments") or []:
        if not arg.get("shouldDisplay", True):
            continue
        names = {n["name"] for n in arg.get("names") or []}
        if not root and arg["kind"] == "flag" and names & SKIPPED_FLAGS:
            continue
        out.append(arg)
    return out


def synopsis_item(arg):
    kind = arg["kind"]
    value = arg.get("valueName", "value")
    if kind == "positional":
        item = italic(value)
        if arg.get("isRepeating"):
            item += " ..."
        if arg.get("parsingStrategy") == "postTerminator":
            item = bold("--") + " [" + item + "]" if arg.get("isOptional") else bold("--") + " " + item
            return item
    elif kind == "option":
        item = bold(preferred(arg)) + " " + italic(value)
        if arg.get("isRepeating"):
            item += " ..."
    else:
        item = bold(preferred(arg))
    if arg.get("isOptional") and arg.get("parsingStrategy") != "postTerminator":
        item = "[" + item + "]"
    return item


def visible_subcommands(cmd):
    return [s for s in cmd.get("subcommands") or [] if s.get("shouldDisplay", True) and s["commandName"] != "help"]


def synopsis(path, cmd, root):
    words = [bold(" ".join(path))]
    if visible_subcommands(cmd):
        words.append(italic("subcommand"))
    args = shown_arguments(cmd, root)
    if root:
        args = [a for a in args if not {n["name"] for n in a.get("names") or []} & SKIPPED_FLAGS]
    words += [synopsis_item(a) for a in args]
    return " ".join(words)


def text_block(text, out):
    """A discussion: paragraphs split at blank lines, line breaks kept, indented lines verbatim."""
    if not text:
        return
    paragraphs = re.split(r"\n\s*\n", text.strip("\n"))
    for para in paragraphs:
        out.append(".PP")
        lines = para.split("\n")
        verbatim = False
        first = True
        for raw in lines:
            indented = raw.startswith("  ")
            if indented and not verbatim:
                out.append(".RS 4")
                out.append(".nf")
                verbatim = True
            elif not indented and verbatim:
                out.append(".fi")
                out.append(".RE")
                verbatim = False
            elif not indented and not first:
                out.append(".br")
            out.append(line(raw.strip() if indented else raw.strip()) if raw.strip() else ".sp")
            first = False
        if verbatim:
            out.append(".fi")
            out.append(".RE")


def argument_entry(arg, out):
    kind = arg["kind"]
    value = arg.get("valueName", "value")
    out.append(".TP")
    if kind == "positional":
        head = italic(value) + (" ..." if arg.get("isRepeating") else "")
    else:
        head = ", ".join(bold(n) for n in flag_names(arg))
        if kind == "option":
            head += " " + italic(value)
    out.append(head)
    body = (arg.get("abstract") or "").strip()
    extras = []
    if arg.get("allValues"):
        extras.append("values: " + ", ".join(arg["allValues"]))
    if arg.get("defaultValue") not in (None, ""):
        extras.append("default: " + arg["defaultValue"])
    if extras:
        body = (body + " " if body else "") + "(" + "; ".join(extras) + ")"
    out.append(line(body) if body else "\\&")
    discussion = arg.get("discussion")
    if isinstance(discussion, str) and discussion.strip():
        # An argument's discussion inside its .TP entry: .IP keeps the entry's indent.
        for para in re.split(r"\n\s*\n", discussion.strip()):
            out.append(".IP")
            for i, raw in enumerate(para.split("\n")):
                if i:
                    out.append(".br")
                out.append(line(raw.strip()))


def command_section(path, cmd, out):
    out.append('.SS "' + esc(" ".join(path)) + '"')
    out.append(synopsis(path, cmd, root=False))
    if cmd.get("abstract"):
        out.append(".PP")
        out.append(line(cmd["abstract"]))
    text_block(cmd.get("discussion"), out)
    args = shown_arguments(cmd, root=False)
    if args:
        out.append(".PP")
        out.append("Arguments and options:")
        for arg in args:
            argument_entry(arg, out)
    subs = visible_subcommands(cmd)
    if subs:
        out.append(".PP")
        out.append("Subcommands: " + ", ".join(bold(" ".join(path + [s["commandName"]])) for s in subs) + ".")
    for sub in subs:
        command_section(path + [sub["commandName"]], sub, out)


def render(tool, version, date, files):
    cmd = tool["command"]
    name = cmd["commandName"]
    out = [
        '.\\" Generated by scripts/lib/manpage.py from `%s --experimental-dump-help`; do not edit.' % name,
        '.TH "%s" "1" "%s" "%s %s" "User Commands"' % (name.upper(), date, name, version),
        ".nh",
        ".ad l",
        ".SH NAME",
        "%s \\- %s" % (esc(name), esc((cmd.get("abstract") or "").rstrip(".").lower()[:1] + (cmd.get("abstract") or "").rstrip(".")[1:])),
        ".SH SYNOPSIS",
        synopsis([name], cmd, root=True),
        ".br",
        bold(name) + " " + bold("--version"),
        ".SH DESCRIPTION",
    ]
    out.append(line(cmd.get("abstract") or ""))
    text_block(cmd.get("discussion"), out)
    root_args = shown_arguments(cmd, root=True)
    if root_args:
        out.append(".SH OPTIONS")
        for arg in root_args:
            argument_entry(arg, out)
    subs = visible_subcommands(cmd)
    if subs:
        out.append(".SH COMMANDS")
        out.append("Every subcommand takes " + bold("-h") + ", " + bold("--help") + " (its help, as below) and "
                   + bold("--version") + ".")
        for sub in subs:
            out.append(".TP")
            out.append(bold(sub["commandName"]))
            out.append(line(sub.get("abstract") or ""))
        for sub in subs:
            command_section([name, sub["commandName"]], sub, out)
    if files:
        out.append(".SH FILES")
        for path, text in files:
            out.append(".TP")
            out.append(italic(path))
            out.append(line(text))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description="warden's man page from --experimental-dump-help")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--binary", help="the warden binary to ask")
    src.add_argument("--json", help="a saved --experimental-dump-help output")
    ap.add_argument("--version", help="the version for the page footer (default: BINARY --version)")
    ap.add_argument("--date", help="YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else today, UTC)")
    ap.add_argument("--file", action="append", default=[], metavar="PATH=TEXT", help="an entry of FILES")
    opts = ap.parse_args()

    if opts.binary:
        raw = subprocess.run([opts.binary, "--experimental-dump-help"], check=True,
                             capture_output=True, text=True).stdout
    else:
        with open(opts.json, encoding="utf-8") as f:
            raw = f.read()
    tool = json.loads(raw)
    if tool.get("serializationVersion") != 0:
        sys.exit("manpage.py: unsupported --experimental-dump-help serializationVersion %r (knows 0)"
                 % tool.get("serializationVersion"))
    version = opts.version
    if version is None:
        version = subprocess.run([opts.binary, "--version"], check=True, capture_output=True,
                                 text=True).stdout.strip() if opts.binary else ""
    date = opts.date
    if date is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        when = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch else \
            datetime.datetime.now(datetime.timezone.utc)
        date = when.strftime("%Y-%m-%d")
    files = []
    for entry in opts.file:
        path, sep, text = entry.partition("=")
        if not sep:
            sys.exit("manpage.py: --file wants PATH=TEXT: %s" % entry)
        files.append((path, text))
    sys.stdout.write(render(tool, version, date, files))


if __name__ == "__main__":
    main()
