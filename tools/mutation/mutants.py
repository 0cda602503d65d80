# SPDX-License-Identifier: MIT
"""Mutant generation for tpsim's mutation testing (tools/mutation/mutate.py).

A small C tokenizer (comments, strings, character constants and
preprocessor lines skipped) finds every place in a source file where one
of these single changes applies:

  rel     a comparison changed at its boundary or negated
          (< <=, > >=, == !=)
  arith   + -, * /, / *, % *, << >>, & |, | &
  logic   && ||, a leading ! removed
  const   an integer constant n -> n+1 and n-1 (0 -> 1, 1 -> 0)
  errno   -EXXX -> EXXX (the sign flipped), or another errno
  order   a release/acquire made relaxed (tpsim_store_release ->
          TPSIM_WRITE_ONCE, memory_order_* -> memory_order_relaxed)
  stmt    an expression statement (call, assignment, ++/--) removed

Only code inside braces is mutated (function bodies and tables), never
declarations' types. A mutant is named by what survives edits of other
lines: file, function, the text of its line, the change and, when the
line holds the same token more than once, which one (@k).

The rule a mutant belongs to is read from the rule IDs the code already
cites (tpsim__detail("G6: ...") messages and comments): the first ID
cited on its line or in the next three lines, else the nearest one above
it in the same function, else the one in the comment above the function,
else "-".
"""
import re

def _rule_ids(path='conformance/rules.tsv'):
    try:
        with open(path) as f:
            ids = [ln.split('\t')[0] for ln in f
                   if ln.strip() and not ln.startswith('id\t')]
    except OSError:
        ids = []
    return sorted(ids, key=len, reverse=True) or ['G1']


# the contract's rule IDs (G6, R10, ...), as conformance/rules.tsv has them
RULE_RE = re.compile(r'\b(' + '|'.join(map(re.escape, _rule_ids())) +
                     r')\b')

TOKEN_RE = re.compile(r'''
    (?P<ws>[ \t\r\n]+)
  | (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<string>"(?:\\.|[^"\\\n])*")
  | (?P<char>'(?:\\.|[^'\\\n])+')
  | (?P<number>0[xX][0-9a-fA-F]+[uUlL]*|[0-9]+[uUlL]*(?![.eE0-9]))
  | (?P<float>[0-9]*\.[0-9]+(?:[eE][-+]?[0-9]+)?[fFlL]?|[0-9]+[eE][-+]?[0-9]+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^!~<>=?:;,.(){}\[\]]|[+\-*/%&|^]=)
''', re.VERBOSE | re.DOTALL)

TYPE_WORDS = {
    'void', 'char', 'short', 'int', 'long', 'unsigned', 'signed', 'float',
    'double', 'struct', 'union', 'enum', 'const', 'static', 'volatile',
    'bool', '_Bool', 'size_t', 'ssize_t', 'uint8_t', 'uint16_t', 'uint32_t',
    'uint64_t', 'int8_t', 'int16_t', 'int32_t', 'int64_t', 'off_t',
    'socklen_t', 'sizeof', 'return', 'typeof', '__typeof__', 'case',
    'uintptr_t', 'pid_t', 'time_t', '_Atomic', 'register', 'extern'}

REL = {'<': ['<='], '<=': ['<'], '>': ['>='], '>=': ['>'],
       '==': ['!='], '!=': ['==']}
ARITH = {'+': ['-'], '-': ['+'], '*': ['/'], '/': ['*'], '%': ['*'],
         '<<': ['>>'], '>>': ['<<'], '&': ['|'], '|': ['&'],
         '+=': ['-='], '-=': ['+='], '|=': ['&='], '&=': ['|=']}
LOGIC = {'&&': ['||'], '||': ['&&']}
ORDER = {'tpsim_store_release': 'TPSIM_WRITE_ONCE',
         'tpsim_load_acquire': 'TPSIM_READ_ONCE',
         'memory_order_release': 'memory_order_relaxed',
         'memory_order_acquire': 'memory_order_relaxed',
         'memory_order_acq_rel': 'memory_order_relaxed',
         'memory_order_seq_cst': 'memory_order_relaxed'}
ERRNO_SWAP = {'EINVAL': 'EPERM'}	# any other errno becomes EINVAL
KEYWORDS = {'if', 'while', 'for', 'switch', 'return', 'do', 'else', 'goto',
            'break', 'continue', 'case', 'default', 'sizeof'}
# calls whose only effect is the text tpsim_strerror_detail() returns:
# not part of the socket contract, so never mutated
DIAGNOSTIC_CALLS = {'tpsim__detail'}
STMT_SECOND = {'(', '=', '+=', '-=', '|=', '&=', '^=', '*=', '/=', '<<=',
               '>>=', '->', '.', '[', '++', '--'}


class Tok:
    __slots__ = ('kind', 'text', 'start', 'end', 'line', 'depth')

    def __init__(self, kind, text, start, end, line, depth):
        self.kind, self.text, self.start, self.end = kind, text, start, end
        self.line, self.depth = line, depth


def tokenize(src):
    """Tokens of src outside comments and preprocessor lines, each with
    its 1-based line and the brace depth it sits at."""
    toks, pos, line, depth = [], 0, 1, 0
    bol = True
    comments = []	# (line, text), for the rule mapping
    while pos < len(src):
        if bol:
            m = re.match(r'[ \t]*#', src[pos:pos + 200])
            if m:	# a preprocessor line, with its continuations
                end = pos
                while True:
                    nl = src.find('\n', end)
                    if nl < 0:
                        nl = len(src)
                    if nl > 0 and src[nl - 1] == '\\':
                        end = nl + 1
                        continue
                    break
                line += src.count('\n', pos, nl)
                pos = nl
                continue
        m = TOKEN_RE.match(src, pos)
        if not m:
            raise ValueError(f'cannot tokenize at line {line}: '
                             f'{src[pos:pos + 20]!r}')
        kind, text = m.lastgroup, m.group()
        if kind == 'comment':
            comments.append((line, text))
        elif kind == 'string':
            toks.append(Tok(kind, text, pos, m.end(), line, depth))
            comments.append((line, text))	# tpsim__detail("G6: ...")
        elif kind != 'ws':
            if text == '}':
                depth -= 1
            toks.append(Tok(kind, text, pos, m.end(), line, depth))
            if text == '{':
                depth += 1
        nls = text.count('\n')
        if nls:
            line += nls
            bol = text.endswith('\n') or kind == 'ws' and \
                text[text.rfind('\n') + 1:].strip() == ''
        else:
            bol = False
        pos = m.end()
    return toks, comments


def functions(toks):
    """[(name, first_line, last_line)] of every top-level braced body;
    name is the function's (or the initialised variable's) name."""
    out, i = [], 0
    while i < len(toks):
        t = toks[i]
        if t.text == '{' and t.depth == 0:
            name, j = '?', i - 1
            if j >= 0 and toks[j].text == ')':
                k, d = j, 0
                while k >= 0:
                    d += toks[k].text == ')'
                    d -= toks[k].text == '('
                    if d == 0:
                        break
                    k -= 1
                if k > 0 and toks[k - 1].kind == 'ident':
                    name = toks[k - 1].text
            else:
                while j >= 0 and toks[j].text not in (';', '}'):
                    if toks[j].kind == 'ident' and name == '?' and \
                            toks[j].text not in TYPE_WORDS:
                        name = toks[j].text
                    j -= 1
            k = i + 1
            while k < len(toks) and not (toks[k].text == '}' and
                                         toks[k].depth == 0):
                k += 1
            end = toks[k].line if k < len(toks) else toks[-1].line
            out.append((name, t.line, end))
            i = k
        i += 1
    return out


def rule_map(nlines, funcs, comments):
    """The rule of each line (index 0 unused), as the docstring says."""
    cited = {}
    for line, text in comments:
        m = RULE_RE.search(text)
        if m:
            cited.setdefault(line + text.count('\n', 0, m.start()),
                             m.group())
    rules = ['-'] * (nlines + 2)
    for name, first, last in funcs:
        above = '-'
        for line in range(first - 1, max(0, first - 15), -1):
            if line in cited:
                above = cited[line]
                break
        nearest = above
        for line in range(first, last + 1):
            fwd = next((cited[x] for x in range(line, min(last, line + 3) + 1)
                        if x in cited), None)
            if line in cited:
                nearest = cited[line]
            rules[line] = fwd or nearest
    return rules


def _binary(prev):
    return prev is not None and (prev.kind in ('ident', 'number') or
                                 prev.text in (')', ']')) and \
        prev.text not in TYPE_WORDS


def _int_value(text):
    t = text.rstrip('uUlL')
    return int(t, 16) if t[:2].lower() == '0x' else int(t, 10)


def _int_text(orig, value):
    body = orig.rstrip('uUlL')
    suffix = orig[len(body):]
    if body[:2].lower() == '0x':
        return f'{body[:2]}{value:x}{suffix}'
    return f'{value}{suffix}'


def candidates(path, src):
    """Every mutant of one file, in source order: dicts with op, start,
    end (byte range replaced), orig, repl, line."""
    toks, comments = tokenize(src)
    out = []

    def add(op, a, b, repl):
        out.append({'op': op, 'start': a.start, 'end': b.end,
                    'orig': src[a.start:b.end], 'repl': repl,
                    'line': a.line})

    skip_to = -1
    for i, t in enumerate(toks):
        if t.depth == 0 or t.kind == 'string' or i <= skip_to:
            continue
        if t.text in DIAGNOSTIC_CALLS:
            j, d = i + 1, 0
            while j < len(toks):
                d += toks[j].text == '('
                d -= toks[j].text == ')'
                if d == 0:
                    break
                j += 1
            skip_to = j + (j + 1 < len(toks) and toks[j + 1].text == ';')
            continue
        prev = toks[i - 1] if i > 0 else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        x = t.text
        if x in REL:
            for r in REL[x]:
                add('rel', t, t, r)
        elif x in LOGIC:
            add('logic', t, t, LOGIC[x][0])
        elif x in ARITH:
            if x in ('+', '-', '*', '/', '%', '&', '|', '<<', '>>') and \
                    not _binary(prev):
                # unary: -EXXX is an errno, !x is logic, &x and *p are not
                # operators to mutate
                if x == '-' and nxt is not None and nxt.kind == 'ident' \
                        and re.fullmatch(r'E[A-Z0-9]+', nxt.text):
                    add('errno', t, nxt, nxt.text)
                    add('errno', t, nxt,
                        '-' + ERRNO_SWAP.get(nxt.text, 'EINVAL'))
                continue
            if x == '*' and prev.kind == 'ident':
                continue	# a declaration's pointer, not a product
            for r in ARITH[x]:
                add('arith', t, t, r)
        elif x == '!' and nxt is not None:
            add('logic', t, t, '')
        elif t.kind == 'number':
            if prev is not None and prev.text == '[' and t.depth == 1 and \
                    nxt is not None and nxt.text == ']':
                continue	# an array's size in a declaration
            v = _int_value(x)
            for nv in ([1] if v == 0 else [0] if v == 1 else [v + 1, v - 1]):
                add('const', t, t, _int_text(x, nv))
        elif t.kind == 'ident' and x in ORDER:
            add('order', t, t, ORDER[x])
        if t.kind == 'ident' and x not in TYPE_WORDS and \
                x not in KEYWORDS and prev is not None \
                and prev.text in (';', '{', '}') and nxt is not None and \
                nxt.text in STMT_SECOND and \
                not (prev.text == '}' and prev.depth == 0):
            # an expression statement: up to its ';' at this nesting
            j, d = i, 0
            while j < len(toks):
                if toks[j].text in ('(', '[', '{'):
                    d += 1
                elif toks[j].text in (')', ']', '}'):
                    d -= 1
                    if d < 0:
                        break
                elif toks[j].text == ';' and d == 0:
                    break
                j += 1
            if j < len(toks) and toks[j].text == ';' and \
                    toks[j].depth == t.depth:
                add('stmt', t, toks[j], ';')
    funcs = functions(toks)
    rules = rule_map(src.count('\n') + 1, funcs, comments)
    lines = src.split('\n')
    for m in out:
        m['file'] = path
        m['func'] = next((n for n, a, b in funcs if a <= m['line'] <= b),
                         '?')
        m['rule'] = rules[m['line']] if m['line'] < len(rules) else '-'
        m['text'] = lines[m['line'] - 1].strip()
    # which occurrence of the same change on its line (@k)
    seen = {}
    for m in out:
        k = (m['line'], m['op'], m['orig'], m['repl'])
        m['nth'] = seen.get(k, 0)
        seen[k] = m['nth'] + 1
        m['change'] = describe(m)
        m['key'] = f"{m['file']}|{m['func']}|{m['text']}|{m['change']}"
    # lines of the same text in one function: the second one's key gets
    # #1, the third's #2 (source order)
    dup = {}
    for m in out:
        n = dup.get(m['key'], 0)
        dup[m['key']] = n + 1
        if n:
            m['key'] += f'#{n}'
    return out


def describe(m):
    orig = ' '.join(m['orig'].split())
    if len(orig) > 60:
        orig = orig[:57] + '...'
    repl = m['repl'] if m['repl'] else '(nothing)'
    at = f" @{m['nth']}" if m['nth'] else ''
    return f"{orig} -> {repl}{at}"


def apply(src, m):
    return src[:m['start']] + m['repl'] + src[m['end']:]
