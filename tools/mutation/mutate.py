#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Mutation testing of the simulator: how much of sim/ the conformance
suite (tpconform --backend sim) checks.

  mutate.py run   [--mutants N] [--seed S] [--files 'sim/a.c sim/b.c']
                  [--timeout SEC] [--build DIR] [--out reports/mutation]
  mutate.py check [--sample N] [--seed S] [--report reports/mutation.json]

`run` draws N mutants (mutants.py says which changes; the N whose content
keys hash lowest under the seed, so a sample moves only where the code
did), builds each in a scratch tree (the base objects are built once
with make into BUILD/base; a mutant recompiles only its own file and
relinks tpconform), runs the whole suite on the sim backend with a
timeout per mutant, and writes OUT.md and OUT.json: killed / survived /
did not build / timed out, per file and per contract rule, and every
survivor with its line, change, the cases that ran over the line (from a
gcov build, one case at a time) and its disposition from
conformance/mutation-equivalent.tsv.

`check` (make check) takes a fixed-seed sample of the mutants the last
full run (REPORT) killed and fails if one of them survives now: first the
case that killed it, then the whole suite. A mutant whose line has
changed since is reported as skipped. Prints TAP.
"""
import argparse
import datetime
import glob
import hashlib
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mutants  # noqa: E402

CFLAGS = ['-O2', '-std=c11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-fPIC',
          '-fvisibility=hidden', '-Isim/include', '-Isim']
EQUIV = 'conformance/mutation-equivalent.tsv'
CC = os.environ.get('CC', 'cc')


def make_var(name):
    out = subprocess.run(
        ['make', '--no-print-directory', '-s', '--eval',
         f'print-var: ; @echo $({name})', 'print-var'],
        capture_output=True, text=True, check=True).stdout
    return out.split()


def build_base(build, flags='-O2', tag='base', ldflags=''):
    """The unmutated objects, by the project's Makefile, in BUILD/tag."""
    base = os.path.join(build, tag)
    # a plain build whatever the calling make was given (SAN=1, -j)
    env = {k: v for k, v in os.environ.items()
           if k not in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'SAN', 'TSAN')}
    subprocess.run(['make', '--no-print-directory', '-s', f'BUILD={base}',
                    f'CFLAGS={flags}', f'LDFLAGS={ldflags}', 'SAN=', 'TSAN=',
                    f'{base}/tpconform'], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    sims = make_var('SIM_SRCS')
    tpcs = make_var('TPC_SRCS')
    return base, sims, tpcs


def link(base, sims, tpcs, out, swap=None, extra=()):
    """swap: {sim source: object} linked in place of the base build's."""
    # tpconform as the Makefile links it: its cases, the generated
    # libpcap programs of the filter cases (build/gen), libpcap
    objs = [f'{base}/{s[:-2]}.o' for s in tpcs]
    objs += sorted(glob.glob(f'{base}/gen/*.o'))
    for s in sims:
        objs.append((swap or {}).get(s, f'{base}/{s[:-2]}.o'))
    r = subprocess.run([CC, '-rdynamic', *extra, '-o', out, *objs,
                        '-lpcap', '-lpthread'], capture_output=True,
                       text=True)
    return r.returncode == 0, r.stderr


def includers(header):
    """The sim/*.c whose translation unit includes sim's HEADER, directly
    or through another of sim's headers (rx.c includes rx_general.h,
    which includes rx_inline.h)."""
    texts = {p: open(p).read() for p in glob.glob('sim/*.[ch]')}
    names, grew = {os.path.basename(header)}, True

    def includes(text):
        return any(f'#include "{n}"' in text for n in names)
    while grew:
        grew = False
        for p, t in texts.items():
            b = os.path.basename(p)
            if p.endswith('.h') and b not in names and includes(t):
                names.add(b)
                grew = True
    return sorted(p for p, t in texts.items()
                  if p.endswith('.c') and includes(t))


def compile_mutant(work, m, src):
    """Mutated source -> objects in WORK; (ok, {source: object}, compiler
    output). A mutant of a header (sim/*.h: the receive path's inline
    parts live in headers of rx.c's translation unit) rebuilds every
    sim/*.c that includes it, from a copy of sim's headers in WORK with
    the mutant in place: a quoted #include looks beside its file first."""
    os.makedirs(work, exist_ok=True)
    if not m['file'].endswith('.h'):
        path = os.path.join(work, os.path.basename(m['file']))
        with open(path, 'w') as f:
            f.write(mutants.apply(src, m))
        obj = path[:-2] + '.o'
        r = subprocess.run([CC, *CFLAGS, '-c', '-o', obj, path],
                           capture_output=True, text=True)
        return r.returncode == 0, {m['file']: obj}, r.stderr
    hdir = os.path.join(work, 'hdr')
    shutil.rmtree(hdir, ignore_errors=True)
    os.makedirs(hdir)
    for h in glob.glob('sim/*.h'):
        shutil.copy(h, hdir)
    with open(os.path.join(hdir, os.path.basename(m['file'])), 'w') as f:
        f.write(mutants.apply(src, m))
    objs = {}
    for c in includers(m['file']):
        path = os.path.join(hdir, os.path.basename(c))
        shutil.copy(c, path)
        obj = path[:-2] + '.o'
        r = subprocess.run([CC, *CFLAGS, '-c', '-o', obj, path],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return False, {}, r.stderr
        objs[c] = obj
    return bool(objs), objs, '' if objs else 'no sim/*.c includes it'



# The suite in three runs, the slow group (poll: the race stress takes
# nearly all of the suite's time) last, and only when the others pass: a
# mutant the fast cases kill costs a tenth of a whole run, and a survivor
# has still met every case. Then the V3 cases once more on the real clock
# (TPC_SIM_CLOCK=real), where the retire timer is a thread, not the
# virtual clock's callback, and against the older kernels' profiles with
# what they are known to fail (conformance/expect/profile-*.txt). And the
# suite but its poll group with every tagged frame handed in as a NIC's
# VLAN offload hands it (TPC_SIM_VLAN=offload): the kernel untags before
# any tap, so the cases hold either way, and the tag-outside-the-data
# path of the simulator meets them too. The linux-6.12 profile (the one
# make kernel-matrix holds against a 6.12 guest) runs the suite but its
# poll group. Last, the suite but its poll group on the sim-batch backend
# (TPC_BACKEND here): the same simulator, every frame handed in through
# tpsim_deliver_batch.
EXPECT = 'conformance/expect/profile-linux-%s.txt'
PHASES = [('v[123].[!p]*', {}), ('sim.[!v]*', {}), ('v[123].p*', {}),
          ('v[123].[!p]*', {'TPC_SIM_VLAN': 'offload'}),
          ('sim.[!v]*', {'TPC_SIM_VLAN': 'offload'}),
          ('v3.*', {'TPC_SIM_CLOCK': 'real'}),
          ('v3.*', {'TPC_SIM_PROFILE': 'linux-6.1'}),
          ('v[123].[!p]*', {'TPC_SIM_PROFILE': 'linux-6.12'}),
          ('sim.[!v]*', {'TPC_SIM_PROFILE': 'linux-6.12'}),
          ('v1.*', {'TPC_SIM_PROFILE': 'linux-2.6'}),
          ('v[123].[!p]*', {'TPC_BACKEND': 'sim-batch'}),
          ('sim-batch.[!v]*', {'TPC_BACKEND': 'sim-batch'})]


def run_suite(binary, timeout, filt=None):
    """(status, failing cases): status killed / survived / timeout."""
    deadline = time.time() + timeout
    for phase, env in [(filt, {})] if filt else PHASES:
        st, failed = run_once(binary, deadline - time.time(), phase, env)
        if st != 'survived':
            return st, failed
    return 'survived', []


def run_once(binary, timeout, filt, env):
    """One tpconform run, read as it goes: the first failing case kills
    the mutant, and the run is stopped there (its process group)."""
    if timeout <= 0:
        return 'timeout', []
    env = dict(env)
    backend = env.pop('TPC_BACKEND', 'sim')
    cmd = ['stdbuf', '-oL', binary, '--backend', backend, '--seed', '1',
           '--fail-fast',
           '--filter', filt]
    prof = env.get('TPC_SIM_PROFILE')
    if prof:
        cmd += ['--expect', EXPECT % prof.split('-', 1)[1]]
    env = dict({k: v for k, v in os.environ.items()
                if not k.startswith('TPC_SIM_')}, **env)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env,
                         stderr=subprocess.DEVNULL, text=True,
                         start_new_session=True)
    deadline = time.time() + timeout
    failed, status = [], None
    buf = ''
    while True:
        left = deadline - time.time()
        if left <= 0:
            status = 'timeout'
            break
        ready, _, _ = select.select([p.stdout], [], [], left)
        if not ready:
            continue
        line = p.stdout.readline()
        if not line:
            break
        buf = line
        w = line.split()
        if w and w[0] in ('FAIL', 'XPASS'):
            failed.append(w[1][4:] if w[1].startswith('sim.') else w[1])
            status = 'killed'
            break
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)
    rc = p.wait()
    p.stdout.close()
    if status:
        return status, failed
    if rc == 0:
        return 'survived', []
    return 'killed', [f'(tpconform exited {rc}: {buf.strip()[:60]})']


def all_candidates(files):
    out = []
    for f in files:
        with open(f) as fh:
            out += mutants.candidates(f, fh.read())
    return out


def draw(cands, seed, n):
    """The N candidates whose keys hash lowest under SEED. A candidate's
    key is its file, function, text and change, not its place in the
    list, so editing one function redraws only that function's mutants:
    the sample of a later commit is the earlier one's, less what changed,
    and a case written for a survivor is counted by the next full run."""
    def rank(i):
        h = hashlib.sha256(f"{seed}|{cands[i]['key']}".encode())
        return h.digest()
    return sorted(range(len(cands)), key=rank)[:n]


def load_equivalent():
    """key -> (kind, reason) from conformance/mutation-equivalent.tsv."""
    eq = {}
    if not os.path.exists(EQUIV):
        return eq
    with open(EQUIV) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#') or line.startswith('file\t'):
                continue
            cols = line.split('\t')
            if len(cols) != 6 or cols[4] not in ('equivalent', 'gap'):
                sys.exit(f'{EQUIV}:{n}: want file, function, line, change, '
                         f'equivalent|gap, reason (tab-separated)')
            eq['|'.join(cols[:4])] = (cols[4], cols[5])
    return eq


def cases_over(build, lines_by_file, timeout):
    """{(file, line): [case, ...]}: which cases execute each line, from a
    gcov build of tpconform run one case at a time (the runner's children
    leave by _exit, which is wrapped to dump the counters first)."""
    base, sims, tpcs = build_base(build, '-O0 --coverage', 'cov', '--coverage')
    shim = os.path.join(base, 'gcov_exit.c')
    with open(shim, 'w') as f:
        f.write('void __gcov_dump(void);\nvoid __real__exit(int);\n'
                'void __wrap__exit(int c) { __gcov_dump(); '
                '__real__exit(c); }\n')
    binary = os.path.join(base, 'tpconform-gcov')
    ok, err = link(base, sims, tpcs, binary,
                   extra=['--coverage', '-Wl,--wrap=_exit', shim])
    if not ok:
        sys.exit(f'gcov link failed: {err}')
    names = [ln.split()[0] for ln in subprocess.run(
        [binary, '--list'], capture_output=True, text=True,
        check=True).stdout.splitlines() if ln.strip()]
    hits = {k: [] for k in ((f, ln) for f, ls in lines_by_file.items()
                            for ln in ls)}
    # a header's lines are counted in the objects that include it
    gcdas = [(f, f'{base}/{c[:-2]}.gcda') for f in lines_by_file
             for c in (includers(f) if f.endswith('.h') else [f])]
    for name in names:
        for g in glob.glob(f'{base}/**/*.gcda', recursive=True):
            os.unlink(g)
        subprocess.run([binary, '-b', 'sim', '--seed', '1', '-f', name],
                       capture_output=True, timeout=timeout)
        for f, g in gcdas:
            if not os.path.exists(g):
                continue
            r = subprocess.run(['gcov', '--json-format', '--stdout', g],
                               capture_output=True, text=True,
                               cwd=os.getcwd())
            for doc in r.stdout.splitlines():
                if not doc.strip():
                    continue
                for fl in json.loads(doc)['files']:
                    if not fl['file'].endswith(f):
                        continue
                    for ln in fl['lines']:
                        k = (f, ln['line_number'])
                        if ln['count'] and k in hits and \
                                name not in hits[k]:
                            hits[k].append(name)
    # no counter files left behind: make coverage's gcovr searches the
    # whole tree and would count these twice
    shutil.rmtree(base, ignore_errors=True)
    return hits


def tally(rows, key):
    t = {}
    for m in rows:
        d = t.setdefault(m[key], {'killed': 0, 'survived': 0,
                                  'equivalent': 0, 'no_build': 0,
                                  'timeout': 0})
        st = m['status']
        if st == 'survived' and m.get('disposition', {}).get('kind') == \
                'equivalent':
            st = 'equivalent'
        d[st] += 1
    for d in t.values():
        det = d['killed'] + d['timeout']
        den = det + d['survived']
        d['score'] = round(100.0 * det / den, 1) if den else None
    return dict(sorted(t.items()))


def write_reports(out, meta, rows):
    eqv = load_equivalent()
    for m in rows:
        if m['status'] == 'survived':
            kind, why = eqv.get(m['key'].replace('\t', ' '),
                                ('missing', 'no case sits on it'))
            m['disposition'] = {'kind': kind, 'reason': why}
    total = tally([dict(m, all='all') for m in rows], 'all').get('all', {})
    meta['totals'] = total
    with open(out + '.json', 'w') as f:
        json.dump({'meta': meta, 'per_file': tally(rows, 'file'),
                   'per_rule': tally(rows, 'rule'), 'mutants': rows}, f,
                  indent=1)
        f.write('\n')
    det = total.get('killed', 0) + total.get('timeout', 0)
    gaps = sum(1 for m in rows if m['status'] == 'survived' and
               m['disposition']['kind'] == 'gap')
    lines = [
        '# Mutation testing of the simulator', '',
        f"`{meta['command']}` on {meta['date']} (commit {meta['commit']}): "
        f"{meta['mutants']} mutants of {', '.join(meta['files'])} drawn "
        f"from {meta['candidates']} (seed {meta['seed']}), each run under "
        f"`tpconform --backend sim` ({meta['seconds']} s in all)." +
        (f" Its survivors were run again on {meta['rerun']['date']} "
         f"(commit {meta['rerun']['commit']}, `tools/mutation/mutate.py "
         f"rerun`), after the cases they asked for were written."
         if meta.get('rerun') else ''), '',
        f"**Score: {det} killed of {det + total.get('survived', 0)} "
        f"non-equivalent = {total.get('score')} %** "
        f"(killed {total.get('killed', 0)}, timed out "
        f"{total.get('timeout', 0)} (counted as killed), survived "
        f"{total.get('survived', 0)} (gaps named in "
        f"conformance/mutation-equivalent.tsv: {gaps}), equivalent "
        f"{total.get('equivalent', 0)}, did not build "
        f"{total.get('no_build', 0)})." +
        (" Every kill was repeated against the suite as it is now "
         f"(`mutate.py verify`, commit {meta['verified']['commit']}): "
         f"{meta['verified']['undone']} did not repeat."
         if meta.get('verified') else ''), '']
    for title, key in (('Per file', 'file'), ('Per contract rule', 'rule')):
        lines += [f'## {title}', '',
                  f'| {key} | killed | timed out | survived | equivalent '
                  '| did not build | score % |', '|---|---|---|---|---|---|---|']
        for k, d in tally(rows, key).items():
            lines.append(f"| {k} | {d['killed']} | {d['timeout']} | "
                         f"{d['survived']} | {d['equivalent']} | "
                         f"{d['no_build']} | {d['score']} |")
        lines.append('')
    lines += ['## Survivors', '',
              '| where | rule | change | disposition | cases over the line |',
              '|---|---|---|---|---|']
    for m in rows:
        if m['status'] != 'survived':
            continue
        d = m['disposition']
        cases = m.get('cases_over')
        cs = 'none' if cases == [] else '?' if cases is None else \
            ', '.join(cases[:4]) + (f' (+{len(cases) - 4})'
                                    if len(cases) > 4 else '')
        lines.append(f"| {m['file']}:{m['line']} `{m['func']}` | "
                     f"{m['rule']} | `{m['change'].replace('|', '¦')}` | "
                     f"{d['kind']}: {d['reason']} | {cs} |")
    with open(out + '.md', 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return total


def git_commit():
    r = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'],
                       capture_output=True, text=True)
    return r.stdout.strip() or '?'


def cmd_run(a):
    files = a.files.split() if a.files else sorted(
        glob.glob('sim/*.c') + glob.glob('sim/*.h'))
    t0 = time.time()
    commit = git_commit()	# the sources as the run reads them
    base, sims, tpcs = build_base(a.build)
    work = os.path.join(a.build, 'm')
    os.makedirs(work, exist_ok=True)
    # the unmutated objects linked as every mutant will be: a link this
    # tool gets wrong fails here, not as 'did not build' for all mutants
    ok, err = link(base, sims, tpcs, f'{work}/tpconform-base')
    if not ok:
        sys.exit(f'the unmutated objects do not link: {err.strip()[:300]}')
    t = time.time()
    st, failed = run_suite(f'{work}/tpconform-base', 600)
    if st != 'survived':
        sys.exit(f'the unmutated suite does not pass: {failed[:5]}')
    timeout = max(a.timeout, 10 * (time.time() - t))
    cands = all_candidates(files)
    pick = draw(cands, a.seed, a.mutants)
    if a.survivors_of:	# only the survivors of an earlier run, again
        with open(a.survivors_of) as f:
            want = {m['key'] for m in json.load(f)['mutants']
                    if m['status'] == 'survived'}
        pick = [i for i, m in enumerate(cands) if m['key'] in want]
    rows = []
    sources = {f: open(f).read() for f in files}
    for n, i in enumerate(sorted(pick), 1):
        m = dict(cands[i])
        ok, swap, err = compile_mutant(work, m, sources[m['file']])
        if ok:
            ok, err = link(base, sims, tpcs, f'{work}/tpconform',
                           swap=swap)
        if not ok:
            m['status'], m['killed_by'] = 'no_build', []
            m['build_error'] = err.strip().split('\n')[0][:200]
        else:
            m['status'], m['killed_by'] = run_suite(
                f'{work}/tpconform', timeout)
            m['killed_by'] = m['killed_by'][:5]
        for k in ('start', 'end'):
            del m[k]
        rows.append(m)
        print(f"[{n}/{len(pick)}] {m['status']:8} {m['file']}:{m['line']} "
              f"{m['change']}", flush=True)
    cmd = f'make mutation MUTANTS={a.mutants} SEED={a.seed}' + \
        (f" MUTATION_FILES='{a.files}'" if a.files else '')
    meta = {'command': cmd, 'seed': a.seed, 'mutants': len(rows),
            'candidates': len(cands), 'files': files,
            'date': datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M UTC'),
            'commit': commit, 'timeout_s': round(timeout, 1),
            'seconds': round(time.time() - t0)}
    write_reports(a.out, meta, rows)	# kept even if what follows fails
    surv = {}
    for m in rows:
        if m['status'] == 'survived':
            surv.setdefault(m['file'], set()).add(m['line'])
    if surv and not a.no_cases:
        hits = cases_over(a.build, surv, timeout)
        for m in rows:
            if m['status'] == 'survived':
                m['cases_over'] = hits.get((m['file'], m['line']), [])
    total = write_reports(a.out, meta, rows)
    print(f"mutation: {total} -> {a.out}.md, {a.out}.json")


def cmd_rerun(a):
    """The survivors of the last full run (OUT.json) against the suite as
    it is now (after the cases they asked for): statuses and the report
    updated, the run's sample and its killed mutants kept as they are."""
    with open(a.out + '.json') as f:
        rep = json.load(f)
    rows, meta = rep['mutants'], rep['meta']
    now = {m['key']: m for m in all_candidates(meta['files'])}
    eqv = load_equivalent()
    base, sims, tpcs = build_base(a.build)
    work = os.path.join(a.build, 'm')
    os.makedirs(work, exist_ok=True)
    # as run does: a suite that fails unmutated would kill every mutant
    ok, err = link(base, sims, tpcs, f'{work}/tpconform-base')
    if not ok:
        sys.exit(f'the unmutated objects do not link: {err.strip()[:300]}')
    st, failed = run_suite(f'{work}/tpconform-base', 600)
    if st != 'survived':
        sys.exit(f'the unmutated suite does not pass: {failed[:5]}')
    t0 = time.time()
    for m in rows:
        # the ones with a disposition stay as they are
        if m['status'] != 'survived' or m['key'].replace('\t', ' ') in eqv:
            continue
        if a.only and not any(f"{m['file']}:{m['line']}".startswith(o)
                              for o in a.only.split()):
            continue
        c = now.get(m['key'])
        if c is None:
            m['rerun'] = 'line changed since the run: not re-run'
            continue
        with open(c['file']) as fh:
            ok, swap, err = compile_mutant(work, c, fh.read())
        if ok:
            ok, err = link(base, sims, tpcs, f'{work}/tpconform',
                           swap=swap)
        if not ok:
            m['rerun'] = 'does not build now'
            continue
        st, failed = run_suite(f'{work}/tpconform', meta['timeout_s'])
        m['line'] = c['line']
        m['rerun'] = git_commit()
        if st != 'survived':
            m['status'], m['killed_by'] = st, failed[:5]
            m.pop('cases_over', None)
        print(f"rerun {m['status']:8} {m['file']}:{m['line']} "
              f"{m['change']}", flush=True)
    surv = {}
    for m in rows:
        if m['status'] == 'survived':
            surv.setdefault(m['file'], set()).add(m['line'])
    if surv and not a.only:	# a partial rerun keeps the listed cases
        hits = cases_over(a.build, surv, meta['timeout_s'])
        for m in rows:
            if m['status'] == 'survived':
                m['cases_over'] = hits.get((m['file'], m['line']), [])
    meta['rerun'] = {'commit': git_commit(), 'date':
                     datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M UTC'),
                     'seconds': round(time.time() - t0)}
    total = write_reports(a.out, meta, rows)
    print(f"mutation rerun: {total} -> {a.out}.md, {a.out}.json")


def cmd_verify(a):
    """Every killed mutant of OUT.json built again and run against the
    case that killed it (then, if that passes, the whole suite): a kill
    that does not repeat (a case that failed for another reason, e.g. a
    loaded machine) is put back to survived. Keeps make check's sample
    honest."""
    with open(a.out + '.json') as f:
        rep = json.load(f)
    rows, meta = rep['mutants'], rep['meta']
    now = {m['key']: m for m in all_candidates(meta['files'])}
    base, sims, tpcs = build_base(a.build)
    work = os.path.join(a.build, 'm')
    undone = 0
    for m in rows:
        if m['status'] != 'killed':
            continue
        c = now.get(m['key'])
        if c is None:
            continue
        with open(c['file']) as fh:
            ok, swap, err = compile_mutant(work, c, fh.read())
        if ok:
            ok, err = link(base, sims, tpcs, f'{work}/tpconform',
                           swap=swap)
        if not ok:
            continue
        killers = [k for k in m['killed_by'] if not k.startswith('(')]
        st = 'survived'
        if killers:
            st, failed = run_suite(f'{work}/tpconform', meta['timeout_s'],
                                   filt=killers[0])
        if st == 'survived':
            st, failed = run_suite(f'{work}/tpconform', meta['timeout_s'])
            if st != 'survived':
                m['killed_by'] = failed[:5]
        if st == 'survived':
            undone += 1
            m['status'], m['killed_by'] = 'survived', []
            m['verify'] = 'its kill did not repeat'
            m['line'] = c['line']
        print(f"verify {m['status']:8} {m['file']}:{m['line']} "
              f"{m['change']}", flush=True)
    meta['verified'] = {'commit': git_commit(), 'undone': undone}
    total = write_reports(a.out, meta, rows)
    print(f"mutation verify: {undone} kills undone; {total}")


def cmd_check(a):
    with open(a.report) as f:
        rep = json.load(f)
    killed = sorted(m['key'] for m in rep['mutants']
                    if m['status'] in ('killed', 'timeout'))
    first = {m['key']: m['killed_by'] for m in rep['mutants']}
    keys = random.Random(a.seed).sample(killed, min(a.sample, len(killed)))
    files = sorted({k.split('|')[0] for k in keys})
    now = {m['key']: m for m in all_candidates(
        [f for f in files if os.path.exists(f)])}
    base, sims, tpcs = build_base(a.build)
    work = os.path.join(a.build, 'check')
    bad = 0
    print(f'1..{len(keys)}')
    for n, k in enumerate(keys, 1):
        f = k.split('|', 1)[0]
        m = now.get(k)
        name = (f"{f}:{m['line']} {m['func']}(): {m['change']}" if m
                else k.replace('#', ' no. '))
        if m is None:
            print(f'ok {n} - {name} # SKIP the line changed since the '
                  f'full run')
            continue
        with open(f) as fh:
            ok, swap, err = compile_mutant(work, m, fh.read())
        if ok:
            ok, err = link(base, sims, tpcs, f'{work}/tpconform',
                           swap=swap)
        if not ok:
            print(f'ok {n} - {name}: does not build now # SKIP')
            continue
        killers = [c for c in first.get(k, []) if not c.startswith('(')]
        st, failed = ('survived', [])
        if killers:
            st, failed = run_suite(f'{work}/tpconform', a.timeout,
                                   filt=killers[0])
        if st == 'survived':
            st, failed = run_suite(f'{work}/tpconform', a.timeout)
        if st == 'survived':
            bad += 1
            print(f'not ok {n} - {name}: killed by {", ".join(killers)} in '
                  f'the last full run, survives the suite now')
        else:
            print(f'ok {n} - {name}: {st} by {", ".join(failed[:2])}')
    return 1 if bad else 0


def cmd_gaps(a):
    """Every mutant conformance/mutation-equivalent.tsv calls a gap, built
    and run against the suite as it is now: a gap that a case has since
    learnt to see is killed, and its line in the list is stale (delete
    it). Prints one TAP-like line per gap; returns 1 if any is killed."""
    eqv = load_equivalent()
    files = sorted({k.split('|', 1)[0] for k, (kind, _) in eqv.items()
                    if kind == 'gap'})
    now = {}
    for m in all_candidates([f for f in files if os.path.exists(f)]):
        now.setdefault(m['key'].replace('\t', ' '), m)
    base, sims, tpcs = build_base(a.build)
    work = os.path.join(a.build, 'g')
    os.makedirs(work, exist_ok=True)
    stale = 0
    for key, (kind, why) in sorted(eqv.items()):
        if kind != 'gap' or not re.search(a.reason, why):
            continue
        c = now.get(key)
        if c is None:
            print(f'gone     {key}  (no such line now)', flush=True)
            continue
        with open(c['file']) as fh:
            ok, swap, err = compile_mutant(work, c, fh.read())
        if ok:
            ok, err = link(base, sims, tpcs, f'{work}/tpconform', swap=swap)
        if not ok:
            print(f"no-build {c['file']}:{c['line']} {c['change']}",
                  flush=True)
            continue
        st, failed = run_suite(f'{work}/tpconform', a.timeout)
        if st != 'survived':
            stale += 1
        print(f"{'KILLED' if st != 'survived' else 'gap':8} "
              f"{c['file']}:{c['line']} {c['change']}"
              + (f"  by {', '.join(failed[:2])}" if st != 'survived' else ''),
              flush=True)
    print(f'mutation gaps: {stale} of the listed gaps are killed now')
    return 1 if stale else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = p.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('run')
    r.add_argument('--mutants', type=int, default=300)
    r.add_argument('--seed', type=int, default=1)
    r.add_argument('--files', default='')
    r.add_argument('--timeout', type=float, default=60)
    r.add_argument('--build', default='build/mutation')
    r.add_argument('--out', default='reports/mutation')
    r.add_argument('--survivors-of', metavar='JSON',
                   help='run only the mutants that survived in JSON')
    r.add_argument('--no-cases', action='store_true',
                   help='skip the gcov run that finds the cases over '
                   'each survivor')
    c = sub.add_parser('check')
    c.add_argument('--sample', type=int, default=24)
    c.add_argument('--seed', type=int, default=1)
    c.add_argument('--timeout', type=float, default=60)
    c.add_argument('--build', default='build/mutation-check')
    c.add_argument('--report', default='reports/mutation.json')
    r3 = sub.add_parser('rerun', help='the survivors of OUT.json again, '
                        'against the suite as it is now')
    r3.add_argument('--out', default='reports/mutation')
    r3.add_argument('--build', default='build/mutation')
    r3.add_argument('--only', default='', metavar="'FILE[:LINE] ...'",
                    help='only the survivors whose file:line (as the '
                    'report lists it) starts with one of these')
    r4 = sub.add_parser('verify', help='every kill of OUT.json repeated; '
                        'the ones that do not repeat become survivors')
    r4.add_argument('--out', default='reports/mutation')
    r4.add_argument('--build', default='build/mutation')
    r5 = sub.add_parser('gaps', help='every gap of the equivalent list '
                        'against the suite now: the killed ones are stale')
    r5.add_argument('--build', default='build/mutation')
    r5.add_argument('--timeout', type=float, default=60)
    r5.add_argument('--reason', default='', metavar='REGEX',
                    help='only the gaps whose reason matches REGEX')
    r2 = sub.add_parser('report', help='rewrite OUT.md/.json from OUT.json '
                        'with the current equivalent list')
    r2.add_argument('--out', default='reports/mutation')
    a = p.parse_args()
    if a.cmd == 'run':
        cmd_run(a)
    elif a.cmd == 'check':
        sys.exit(cmd_check(a))
    elif a.cmd == 'rerun':
        cmd_rerun(a)
    elif a.cmd == 'verify':
        cmd_verify(a)
    elif a.cmd == 'gaps':
        sys.exit(cmd_gaps(a))
    else:
        with open(a.out + '.json') as f:
            rep = json.load(f)
        write_reports(a.out, rep['meta'], rep['mutants'])


if __name__ == '__main__':
    shutil.which('cc') or sys.exit('no C compiler')
    main()
