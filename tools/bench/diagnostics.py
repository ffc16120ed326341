# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inside one task (full mode): the AnsiballZ payloads ansible-playbook built, run again alone.

Each payload is run as ansible runs it (``python AnsiballZ_<module>.py``): for its wall and CPU
time, under ``python -X importtime`` for its import cost, and with ``socket.connect`` counted
for its TCP connections. The waiting payloads also time when the module itself returns.
"""

from __future__ import annotations

import glob
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time

from bench.measure import fresh_simulator, wait_timing
from bench.playbooks import WORK, measured_pair, run_playbook, wait_scenario_tasks
from bench.scenarios import SCENARIOS, WAIT_SCENARIOS, WAIT_TRANSITION, scenario as scenario_named
from bench.sim import BenchError, log_calls, sim_call, sim_log

CONNECTIONS_REPORT = os.path.join(WORK, 'connections.json')
# Runs a payload as ansible would (python AnsiballZ_x.py), counting TCP connections.
# Also notes when the module returned: its exit_json() ends in SystemExit, once the result is out.
CONNECT_COUNTER = r'''
import json, runpy, socket, sys, time
opened = []
returned = None
_connect = socket.socket.connect
def connect(self, address):
    opened.append(list(address) if isinstance(address, tuple) else address)
    return _connect(self, address)
socket.socket.connect = connect
path, report = sys.argv[1], sys.argv[2]
sys.argv = [path]
try:
    runpy.run_path(path, run_name='__main__')
except SystemExit:
    returned = time.time()
finally:
    with open(report, 'w') as handle:
        json.dump({'connections': opened, 'returned': returned}, handle)
'''


def capture_payloads():
    """Let ansible-playbook build the AnsiballZ payloads, and keep them (ANSIBLE_KEEP_REMOTE_FILES)."""
    root = os.path.join(WORK, 'payloads')
    shutil.rmtree(root, ignore_errors=True)
    labels = []
    tasks = []
    for scenario in SCENARIOS:
        if not scenario.diagnosed:
            continue
        pair = measured_pair(scenario, 0)
        for kind in ('module', 'uri') if scenario.diagnose_uri else ('module',):
            labels.append((scenario.name, kind))
            task = dict(pair[kind][-1], vars={'ansible_remote_tmp': os.path.join(root, scenario.name + '-' + kind)})
            tasks.extend(pair[kind][:-1] + [task])
    for wait in WAIT_SCENARIOS:
        labels.append((wait.name, 'module'))
        tasks.extend(wait_scenario_tasks(wait, 0, {'ansible_remote_tmp': os.path.join(root, wait.name + '-module')}))
    fresh_simulator()
    run_playbook('payloads', tasks, {'ANSIBLE_KEEP_REMOTE_FILES': '1'})
    payloads = {}
    for name, kind in labels:
        found = glob.glob(os.path.join(root, name + '-' + kind, 'ansible-tmp-*', 'AnsiballZ_*.py'))
        if len(found) != 1:
            raise BenchError('expected one AnsiballZ payload for %s/%s, found %s' % (name, kind, found))
        payloads[name + '/' + kind] = found[0]
    return payloads


def reset(payload_name):
    """Put back the resource of a payload named ``<scenario>/<kind>``."""
    scenario = scenario_named(payload_name.split('/', 1)[0])
    if scenario.reset is not None:
        sim_call('POST', scenario.reset.path, scenario.reset.body)


def connect_counter():
    script = os.path.join(WORK, 'count_connections.py')
    with open(script, 'w', encoding='utf-8') as handle:
        handle.write(CONNECT_COUNTER)
    return script


def run_payload(payload, name, argv_prefix=(), env=None):
    """Run one payload on a freshly reset resource: (wall seconds, CPU seconds, CompletedProcess)."""
    reset(name)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable] + list(argv_prefix) + [payload], cwd=WORK, capture_output=True, text=True,
                          env=env, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise BenchError('payload %s failed: %s %s' % (payload, done.stdout[-500:], done.stderr[-500:]))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, done


def payload_env():
    env = dict(os.environ)
    env.pop('PYTHONDONTWRITEBYTECODE', None)  # as a module runs: the interpreter's default
    return env


def import_profile(text):
    """Parse ``-X importtime`` output: total time, and cumulative times of chosen packages (ms)."""
    total, cumulative, hwcloud_self = 0.0, {}, 0.0
    for line in text.splitlines():
        match = re.match(r'import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)', line)
        if not match:
            continue
        self_us, cum_us, indent, name = int(match.group(1)), int(match.group(2)), len(match.group(3)), match.group(4)
        if indent <= 1:
            total += cum_us / 1000.0
        cumulative.setdefault(name, cum_us / 1000.0)
        if name.startswith('ansible_collections.hwcloud'):
            hwcloud_self += self_us / 1000.0
    return total, cumulative, hwcloud_self


def wait_payload_latency(payloads, runs):
    """Run the waiting payloads as ansible runs them; when does the module process end after the final state?"""
    out = []
    env = payload_env()
    for _run in range(runs):
        for wait in WAIT_SCENARIOS:
            sim_call('DELETE', '/_sim/faults')
            start_state = scenario_named(wait.base).reset.with_transition(WAIT_TRANSITION)
            sim_call('POST', start_state.path, start_state.body)
            if wait.fault is not None:
                sim_call('POST', '/_sim/faults', wait.fault)
            sim_call('DELETE', '/_sim/requests')
            started = time.perf_counter()
            done = subprocess.run([sys.executable, connect_counter(), payloads[wait.name + '/module'], CONNECTIONS_REPORT],
                                  cwd=WORK, capture_output=True, text=True, env=env, check=False)
            duration = time.perf_counter() - started
            sim_call('DELETE', '/_sim/faults')
            if '"failed": true' in done.stdout or '"changed": true' not in done.stdout:
                raise BenchError('payload %s did not stop or upgrade: %s %s' % (wait.name, done.stdout[-500:], done.stderr[-500:]))
            calls = log_calls(sim_log())
            with open(CONNECTIONS_REPORT, encoding='utf-8') as handle:
                report = json.load(handle)
            if report['returned'] is None:
                raise BenchError('payload %s did not end with exit_json: %s' % (wait.name, done.stderr[-500:]))
            out.append(dict(wait_timing(calls, report['returned']), scenario=wait.name, duration=duration,
                            connections=len(report['connections'])))
    return out


def diagnostics(repeats):
    payloads = capture_payloads()
    env = payload_env()
    out = {'payload_seconds': {}, 'payload_cpu': {}, 'imports': {}, 'connections': {}}
    out['waits'] = wait_payload_latency(payloads, 3)
    for name, payload in sorted(payloads.items()):
        if name.startswith('wait-'):
            continue
        # The first run warms the page cache and writes the interpreter's own .pyc files.
        run_payload(payload, name, env=env)
        runs = [run_payload(payload, name, env=env) for _run in range(repeats)]
        out['payload_seconds'][name] = min(run[0] for run in runs)
        out['payload_cpu'][name] = {'min': min(run[1] for run in runs), 'median': statistics.median(run[1] for run in runs)}
        profiles = [import_profile(run_payload(payload, name, ['-X', 'importtime'], env=env)[2].stderr) for _run in range(repeats)]
        best = min(profiles, key=lambda profile: profile[0])
        out['imports'][name] = {
            'total_ms': best[0],
            'requests_ms': best[1].get('requests', 0.0),
            'basic_ms': best[1].get('ansible.module_utils.basic', 0.0),
            'urls_ms': best[1].get('ansible.module_utils.urls', 0.0),
            'hwcloud_self_ms': best[2],
        }
        sim_call('DELETE', '/_sim/requests')
        reset(name)
        subprocess.run([sys.executable, connect_counter(), payload, CONNECTIONS_REPORT], cwd=WORK, capture_output=True, env=env,
                       check=False)
        with open(CONNECTIONS_REPORT, encoding='utf-8') as handle:
            opened = json.load(handle)['connections']
        out['connections'][name] = {'connections': len(opened), 'requests': len(sim_log())}
    return out
