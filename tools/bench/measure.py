# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The measurement: rounds of playbook tasks, the HTTP calls of each, their summary, and waits."""

from __future__ import annotations

import re
import statistics
import sys
import time

from bench.playbooks import bench_tasks, run_playbook, wait_tasks
from bench.scenarios import SCENARIOS, WAIT_TRANSITION, scenario as scenario_named
from bench.sim import BenchError, log_calls, short_path, sim_call, sim_log

TASK_NAME = re.compile(r'^bench (\S+)/(module|uri) (\d+)$')
WARMUP_NAME = re.compile(r'^warmup (\S+)/(module|uri) (\d+)$')


def measured(records, log, pattern=TASK_NAME):
    """Measured tasks with their HTTP calls: the simulator log entries inside each task's window."""
    out = []
    for record in records:
        match = pattern.match(record['name'])
        if not match:
            continue
        calls = [entry for entry in log if record['start'] <= entry['time'] <= record['end']]
        out.append({
            'scenario': match.group(1), 'kind': match.group(2), 'index': int(match.group(3)),
            'duration': record['duration'], 'cpu': record.get('cpu'), 'start': record['start'], 'end': record['end'],
            'outcome': record['outcome'], 'result': record.get('result', {}),
            'calls': log_calls(calls),
        })
    return out


def check_outcomes(tasks):
    """Every measured task must have done its job, or the numbers mean nothing."""
    problems = []
    for task in tasks:
        label = '%s/%s %d' % (task['scenario'], task['kind'], task['index'])
        result = task['result']
        if task['outcome'] != 'ok':
            problems.append('%s: %s %s' % (label, task['outcome'], result.get('msg', '')))
        elif task['kind'] == 'module':
            # A waiting task (wait-*) does what its scenario's module task does.
            name = task['scenario']
            want_changed = scenario_named(name).changed if not name.startswith('wait-') else True
            if bool(result.get('changed')) != want_changed:
                problems.append('%s: changed=%s, expected %s' % (label, result.get('changed'), want_changed))
    if problems:
        raise BenchError('measured tasks did not do what they should:\n  ' + '\n  '.join(problems[:10]))


def fresh_simulator():
    """Back to the start seed, plus what the scenarios set up once per round."""
    sim_call('POST', '/_sim/reset')
    for scenario in SCENARIOS:
        for call in scenario.setup:
            sim_call('POST', call.path, call.body)


def run_rounds(rounds, n, warmup=True):
    tasks, warmups = [], []
    for round_index in range(rounds):
        fresh_simulator()
        sim_call('DELETE', '/_sim/requests')
        started = time.monotonic()
        records = run_playbook('round%d' % (round_index + 1), bench_tasks(n, round_index, warmup))
        log = sim_log()
        got = measured(records, log)
        for task in got:
            task['round'] = round_index
        check_outcomes(got)
        tasks.extend(got)
        warmups.extend(measured(records, log, WARMUP_NAME))
        print('round %d/%d: %d measured tasks in %.1fs' % (round_index + 1, rounds, len(got), time.monotonic() - started))
        sys.stdout.flush()
    return tasks, warmups


def summarize(tasks, rounds):
    summary = {}
    for scenario in SCENARIOS:
        entry = {'module_label': scenario.module_label, 'uri_label': scenario.uri_label}
        for kind in ('module', 'uri'):
            chosen = [task for task in tasks if task['scenario'] == scenario.name and task['kind'] == kind]
            if not chosen:
                continue
            durations = [task['duration'] for task in chosen]
            per_round = [statistics.median([task['duration'] for task in chosen if task['round'] == r])
                         for r in range(rounds) if any(task['round'] == r for task in chosen)]
            api = [len([c for c in task['calls'] if c[2] != 'iam']) for task in chosen]
            iam = [len([c for c in task['calls'] if c[2] == 'iam']) for task in chosen]
            cpu = [task['cpu'] for task in chosen if task['cpu'] is not None]
            entry[kind] = {
                'count': len(chosen), 'min': min(durations), 'median': statistics.median(durations),
                'cpu_median': statistics.median(cpu) if cpu else float('nan'),
                'round_medians': per_round, 'calls_max': max(api), 'calls_min': min(api), 'iam_max': max(iam),
                'iam_min': min(iam), 'call_shapes': sorted(set(' '.join('%s %s' % (c[0], short_path(c[1])) for c in task['calls'])
                                                               for task in chosen)),
            }
        if 'uri' in entry:
            # Each module task has a uri twin next to it (same round, same index): their ratio
            # cancels most of what the machine was doing meanwhile.
            twins = dict(((task['round'], task['index']), task['duration']) for task in tasks
                         if task['scenario'] == scenario.name and task['kind'] == 'uri')
            paired = [task['duration'] / twins[(task['round'], task['index'])] for task in tasks
                      if task['scenario'] == scenario.name and task['kind'] == 'module' and (task['round'], task['index']) in twins]
            entry['ratio_paired'] = statistics.median(paired)
            entry['ratio_median'] = entry['module']['median'] / entry['uri']['median']
            entry['ratio_cpu'] = entry['module']['cpu_median'] / entry['uri']['cpu_median']
            entry['ratio_min'] = entry['module']['min'] / entry['uri']['min']
            entry['ratio_rounds'] = [m / u for m, u in zip(entry['module']['round_medians'], entry['uri']['round_medians'])]
        summary[scenario.name] = entry
    return summary


def wait_timing(calls, end):
    """From a waiting task's calls: (HTTP calls, polls after the action, last read and end after the final state)."""
    action = [c for c in calls if c[0] in ('POST', 'PUT')]
    reads = [c for c in calls if c[0] == 'GET']
    if len(action) != 1 or not reads:
        raise BenchError('a waiting task should send one action and read after it; it sent %s' % [c[:2] for c in calls])
    # The simulator moves to the final state WAIT_TRANSITION seconds after it accepted the action.
    final = action[0][3] + WAIT_TRANSITION
    return {'calls': len(calls), 'polls_after_action': len([c for c in reads if c[3] > action[0][3]]),
            'seen': reads[-1][3] - final, 'returned': end - final}


def wait_latency(runs, smoke=False):
    """Run the modules with wait: true as playbook tasks; when does the task end after the final state?"""
    sim_call('POST', '/_sim/reset')
    sim_call('DELETE', '/_sim/requests')
    records = run_playbook('wait', wait_tasks(runs, smoke))
    tasks = measured(records, sim_log())
    check_outcomes(tasks)
    return [dict(wait_timing(task['calls'], task['end']), scenario=task['scenario'], duration=task['duration']) for task in tasks]
