"""A reader of the Perl data literals in Proxmox's qemu-server sources.

It understands what the schema declarations there are made of (hashes,
lists, strings joined with '.', qw(), numbers, here-documents, `%name`
spreads, get_standard_option calls) and records anything else as an
unevaluated expression, so the schema can be read without running Perl
and Proxmox's libraries.
"""

import re

TOKEN = re.compile(
    r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<heredoc><<\s*["']?(?P<tag>[A-Z_]+)["']?)
  | (?P<sq>'(?:[^'\\]|\\.)*')
  | (?P<dq>"(?:[^"\\]|\\.)*")
  | (?P<qw>qw\s*(?:\([^)]*\)|\[[^\]]*\]|\{[^}]*\}|/[^/]*/))
  | (?P<qr>qr\s*(?:/(?:[^/\\]|\\.)*/|!(?:[^!\\]|\\.)*!|\{[^}]*\})[a-z]*)
  | (?P<num>\d+(?:\.\d+)?(?:[eE]\d+)?)
  | (?P<var>[$%@]\$?(?:\{\s*)?[A-Za-z_][\w:]*)
  | (?P<word>[A-Za-z_][\w:]*)
  | (?P<op>=>|->|::|&&|\|\||==|!=|<=|>=|=~|\.\.|[-+*/.,;=?:{}\[\]()\\<>!&|])
    """,
    re.X | re.S,
)


def tokens(text):
    """The tokens of `text` (kind, value), here-document bodies as strings."""
    out = []
    pos = 0
    pending = []  # here-document tags waiting for the end of the line
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            out.append(("op", text[pos]))
            pos += 1
            continue
        kind = m.lastgroup
        if kind == "tag":
            kind = "heredoc"
        value = m.group(0)
        pos = m.end()
        if kind == "ws":
            if "\n" in value and pending:
                # The bodies start after the first newline of this whitespace.
                nl = text.index("\n", m.start()) + 1
                pos = nl
                for tok in pending:
                    end = re.compile(r"^" + re.escape(tok["tag"]) + r"\s*$", re.M).search(text, pos)
                    stop = end.start() if end else len(text)
                    tok["value"] = text[pos:stop]
                    pos = end.end() + 1 if end else len(text)
                pending = []
            continue
        if kind == "heredoc":
            tok = {"tag": m.group("tag"), "value": ""}
            pending.append(tok)
            out.append(("heredoc", tok))
            continue
        out.append((kind, value))
    return [(k, v["value"] if k == "heredoc" else v) for k, v in out]


def unquote(kind, value):
    if kind == "sq":
        return value[1:-1].replace("\\'", "'").replace("\\\\", "\\")
    if kind == "dq":
        return value[1:-1].replace('\\"', '"').replace("\\n", "\n")
    return value


class Expr(dict):
    """An expression this reader does not evaluate."""


class Flat(list):
    """A Perl list that flattens into the list around it (qw(), (...))."""


class Reader:
    def __init__(self):
        self.env = {}  # variable name (without sigil) -> value
        self.formats = {}  # register_format name -> value
        self.options = {}  # register_standard_option name -> value

    def read(self, text):
        self.t = tokens(text)
        self.i = 0
        while self.i < len(self.t):
            kind, v = self.t[self.i]
            if kind == "word" and v in ("my", "our") and self.peek(1)[0] == "var" and self.peek(2) == ("op", "="):
                name = self.peek(1)[1].lstrip("$%@")
                self.i += 3
                self.env[name] = self.value()
                continue
            if kind == "var" and v.startswith("$") and self.peek(1) == ("op", "=") and self.peek(2) == ("op", "{"):
                # `$name = { ... }` assigned outside its declaration.
                name = v.lstrip("$")
                self.i += 2
                val = self.value()
                if name not in self.env or not isinstance(self.env[name], dict) or not self.env[name]:
                    self.env[name] = val
                continue
            if kind == "word" and v.endswith(("register_format", "register_standard_option")) and self.peek(1) == ("op", "("):
                self.i += 2
                name = self.value()
                if self.peek(0) == ("op", ","):
                    self.i += 1
                    val = self.value()
                    if isinstance(name, str):
                        (self.formats if v.endswith("register_format") else self.options)[name] = val
                continue
            self.i += 1

    def peek(self, n):
        j = self.i + n
        return self.t[j] if j < len(self.t) else ("eof", "")

    def value(self):
        """One expression, up to a ',' or a closing bracket at this depth."""
        parts = []
        while True:
            kind, v = self.peek(0)
            if kind == "eof" or (kind == "op" and v in (",", ";", ")", "]", "}", "=>")):
                break
            parts.append(self.term())
            if self.peek(0) == ("op", "."):
                self.i += 1
                continue
            if not (self.peek(0)[0] == "op" and self.peek(0)[1] in (",", ";", ")", "]", "}", "=>")):
                # Anything else (operators, method calls): not evaluated.
                start = self.i
                self.skip_expr()
                parts.append(Expr(expr=" ".join(str(x[1]) for x in self.t[start:self.i])))
                break
        if len(parts) == 1:
            return parts[0]
        if all(isinstance(p, str) for p in parts):
            return "".join(parts)
        return Expr(expr="concatenation")

    def skip_expr(self):
        depth = 0
        while self.i < len(self.t):
            kind, v = self.t[self.i]
            if kind == "op" and v in "([{":
                depth += 1
            elif kind == "op" and v in ")]}":
                if depth == 0:
                    return
                depth -= 1
            elif kind == "op" and v in (",", ";") and depth == 0:
                return
            self.i += 1

    def term(self):
        kind, v = self.peek(0)
        if kind in ("sq", "dq"):
            self.i += 1
            return unquote(kind, v)
        if kind == "heredoc":
            self.i += 1
            return v
        if kind == "num":
            self.i += 1
            return float(v) if "." in v or "e" in v.lower() else int(v)
        if kind == "qw":
            self.i += 1
            return Flat(v[2:].strip()[1:-1].split())
        if kind == "qr":
            self.i += 1
            body = v[2:].strip()
            return Expr(regex=body[1 : body.rindex(body[0] if body[0] != "{" else "}")])
        if (kind, v) == ("op", "{"):
            self.i += 1
            return self.hash("}")
        if (kind, v) == ("op", "["):
            self.i += 1
            return self.items("]")
        if (kind, v) == ("op", "("):
            self.i += 1
            return Flat(self.items(")"))
        if kind == "var":
            self.i += 1
            name = v.lstrip("$%@{ ").split("::")[-1]
            val = self.env.get(name)
            # $x->{key}
            while self.peek(0) == ("op", "->") and self.peek(1) == ("op", "{"):
                self.i += 2
                key = self.value()
                self.i += 1  # }
                val = val.get(key) if isinstance(val, dict) and isinstance(key, str) else None
            return val if val is not None else Expr(var=v)
        if kind == "word" and v.endswith("get_standard_option") and self.peek(1) == ("op", "("):
            self.i += 2
            args = self.items(")")
            name = args[0] if args else None
            base = dict(self.options.get(name, {})) if isinstance(self.options.get(name), dict) else {}
            base["standard_option"] = name
            if len(args) > 1 and isinstance(args[1], dict):
                base.update(args[1])
            return base
        if kind == "word" and v.endswith("get_format") and self.peek(1) == ("op", "("):
            self.i += 2
            args = self.items(")")
            return self.formats.get(args[0] if args else None, Expr(format=args[0] if args else None))
        # Anything else: skip it whole.
        start = self.i
        self.i += 1
        if self.peek(0) == ("op", "("):
            self.i += 1
            self.items(")")
        elif kind == "op":
            pass
        return Expr(expr=" ".join(str(x[1]) for x in self.t[start : self.i]))

    def items(self, close):
        out = []
        while self.i < len(self.t):
            if self.peek(0) == ("op", close):
                self.i += 1
                return out
            if self.peek(0) in (("op", ","), ("op", "=>")):
                self.i += 1
                continue
            kind, v = self.peek(0)
            if kind == "word" and self.peek(1) == ("op", "=>"):
                self.i += 1
                out.append(v)
                continue
            before = self.i
            val = self.value()
            if isinstance(val, Flat):
                out.extend(val)
            else:
                out.append(val)
            if self.i == before:
                self.i += 1
        return out

    def hash(self, close):
        out = {}
        while self.i < len(self.t):
            kind, v = self.peek(0)
            if (kind, v) == ("op", close):
                self.i += 1
                return out
            if (kind, v) == ("op", ","):
                self.i += 1
                continue
            if kind == "var" and v.startswith("%"):
                self.i += 1
                spread = self.env.get(v.lstrip("%${ ").split("::")[-1])
                if isinstance(spread, list):
                    spread = dict(zip(spread[::2], spread[1::2]))
                if isinstance(spread, dict):
                    out.update(spread)
                continue
            if kind == "word" and self.peek(1) == ("op", "=>"):
                key = v
                self.i += 2
            elif kind in ("sq", "dq") and self.peek(1) == ("op", "=>"):
                key = unquote(kind, v)
                self.i += 2
            else:
                # (map {...} @list) and the like: not evaluated.
                self.skip_expr()
                continue
            out[key] = self.value()
        return out
