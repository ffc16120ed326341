# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options, and the order of the steps: rounds, waits, diagnostics, targets, report."""

from __future__ import annotations

import argparse
import json
import os
import sys

import bench
from bench.diagnostics import diagnostics
from bench.measure import run_rounds, summarize, wait_latency
from bench.playbooks import ROOT, WORK
from bench.report import DOC, load_average, print_summary, report, summarize_warmups, write_doc
from bench.sim import BenchError, sim_call, sim_url
from bench.targets import check_targets


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=bench.__doc__.split('\n', 1)[0])
    parser.add_argument('--rounds', type=int, default=None, help='playbook runs (default 3; 1 with --smoke)')
    parser.add_argument('--n', type=int, default=None, help='tasks of each kind per round (default 10; 1 with --smoke)')
    parser.add_argument('--repeats', type=int, default=None, help='runs of each payload in the diagnostics (default 5)')
    parser.add_argument('--smoke', action='store_true',
                        help='tiny N, no diagnostics, docs/performance.md untouched; call-count targets still asserted')
    parser.add_argument('--no-doc', action='store_true', help='do not rewrite docs/performance.md')
    args = parser.parse_args(argv)
    args.rounds = args.rounds or (1 if args.smoke else 3)
    args.n = args.n or (1 if args.smoke else 10)
    args.repeats = args.repeats or (2 if args.smoke else 5)
    if args.rounds < 1 or args.n < 1 or args.repeats < 1:
        parser.error('--rounds, --n and --repeats must be at least 1')
    return args


def main(argv=None):
    args = parse_args(argv)
    res = {'load_before': load_average()}
    try:
        os.makedirs(WORK, exist_ok=True)
        sim_call('GET', '/_sim/health')
        print('bench: %s mode, %d round(s) of %d tasks of each kind, simulator %s, load average %s; files in %s'
              % ('smoke' if args.smoke else 'full', args.rounds, args.n, sim_url(), res['load_before'], WORK))
        tasks, warmups = run_rounds(args.rounds, args.n, warmup=not args.smoke)
        res['summary'] = summarize(tasks, args.rounds)
        res['warmups'] = summarize_warmups(warmups)
        res['waits'] = wait_latency(1 if args.smoke else 3, args.smoke)
        res['diagnostics'] = None if args.smoke else diagnostics(args.repeats)
    except BenchError as error:
        print('bench: error: %s' % error, file=sys.stderr)
        return 2
    res['targets'], failures = check_targets(res['summary'], res['waits'], (res['diagnostics'] or {}).get('waits'),
                                             full=not args.smoke)
    print_summary(res)
    with open(os.path.join(WORK, 'results.json'), 'w', encoding='utf-8') as handle:
        json.dump(dict(res, tasks=tasks), handle, indent=1)
    if not args.smoke and not args.no_doc:
        write_doc(report(args, res))
        print('bench: results written to %s' % os.path.relpath(DOC, ROOT))
    if failures:
        print('bench: %d target(s) not met:\n  %s' % (len(failures), '\n  '.join(failures)), file=sys.stderr)
        return 1
    print('bench: all asserted targets met')
    return 0
