# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The playbooks the bench generates from the scenarios, and how ansible-playbook runs them.

Task names carry what the measurement needs: ``bench <scenario>/<module|uri> <index>`` for a
measured task, ``warmup ...`` for the unmeasured first task of each kind in a run.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys

from bench.baseline import uri_task
from bench.scenarios import SCENARIOS, WAIT_POLL_INTERVAL, WAIT_SCENARIOS, WAIT_TRANSITION, scenario as scenario_named
from bench.sim import DOMAIN, PASSWORD, PROJECT_ID, TOKEN, USER, BenchError, sim_url

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Playbooks, logs, timings, payloads and results.json: next to the simulator's files of this
# make run (the Makefile's HWCLOUD_SIM_BASE, build/run/<pid>/), so that two runs never mix.
WORK = os.environ.get('HWCLOUD_BENCH_DIR') or os.path.join(os.environ.get('HWCLOUD_SIM_BASE') or os.path.join(ROOT, 'build'), 'bench')
CALLBACK_DIR = os.path.join(ROOT, 'tools', 'callback_plugins')


def connection(auth='token'):
    options = {'endpoint': '{{ sim }}', 'project_id': PROJECT_ID, 'wait': False}
    if auth == 'token':
        options['auth_token'] = TOKEN
    else:
        options.update(identity_endpoint='{{ sim }}', user_name=USER, password=PASSWORD, domain_name=DOMAIN)
    return options


def reset_task(label, reset):
    return {'name': 'reset before %s' % label,
            'ansible.builtin.uri': {'url': '{{ sim }}' + reset.path, 'method': 'POST', 'body_format': 'json', 'body': reset.body}}


def module_task(label, scenario, **options):
    args = dict(connection(scenario.auth), **options)
    if scenario.module.endswith('_info'):
        # Read-only modules wait for nothing and have no wait options.
        args.pop('wait', None)
    args.update(copy.deepcopy(scenario.args))
    return {'name': 'bench ' + label, scenario.module: args}


def measured_pair(scenario, index):
    """The (reset, measured) task lists of one module task and its uri twin, by kind."""
    module_label, uri_label = '%s/module %d' % (scenario.name, index), '%s/uri %d' % (scenario.name, index)

    def reset(label):
        return [] if scenario.reset is None else [reset_task(label, scenario.reset)]
    out = {'module': reset(module_label) + [module_task(module_label, scenario)]}
    if scenario.uri is not None:
        out['uri'] = reset(uri_label) + [uri_task(uri_label, scenario.uri)]
    return out


def bench_tasks(n, round_index, warmup=True):
    # First, one unmeasured run of each: the first task of a module in a run also builds its
    # AnsiballZ payload and loads the collection; that cost is reported apart ("warm-up").
    tasks = []
    for scenario in (SCENARIOS if warmup else []):
        for _kind, pair in sorted(measured_pair(scenario, 0).items()):
            task = pair[-1]
            tasks.extend(pair[:-1] + [dict(task, name=task['name'].replace('bench ', 'warmup ', 1))])
    for scenario in SCENARIOS:
        for index in range(scenario.tasks_per_round(n)):
            pair = measured_pair(scenario, index)
            # Alternate which one goes first, so that neither always follows the other.
            order = ['module', 'uri'] if (index + round_index) % 2 == 0 else ['uri', 'module']
            for kind in order:
                tasks.extend(pair.get(kind, []))
    return tasks


def fault_task(label, fault=None):
    if fault is None:
        return {'name': 'clear faults after %s' % label,
                'ansible.builtin.uri': {'url': '{{ sim }}/_sim/faults', 'method': 'DELETE'}}
    return {'name': 'fault before %s' % label,
            'ansible.builtin.uri': {'url': '{{ sim }}/_sim/faults', 'method': 'POST', 'body_format': 'json', 'body': fault,
                                    'status_code': [201]}}


def wait_scenario_tasks(wait, index, task_vars=None):
    """Reset (transition WAIT_TRANSITION), fault if any, the waiting module task, fault cleared."""
    base = scenario_named(wait.base)
    label = '%s/module %d' % (wait.name, index)
    tasks = [reset_task(label, base.reset.with_transition(WAIT_TRANSITION))]
    task = module_task(label, base, wait=True, poll_interval=WAIT_POLL_INTERVAL, wait_timeout=60)
    if task_vars:
        task['vars'] = task_vars
    if wait.fault is None:
        return tasks + [task]
    return tasks + [fault_task(label, wait.fault), task, fault_task(label)]


def wait_tasks(runs, smoke=False):
    tasks = []
    for index in range(runs):
        for wait in WAIT_SCENARIOS[:1] if smoke else WAIT_SCENARIOS:
            tasks.extend(wait_scenario_tasks(wait, index))
    return tasks


def write_playbook(path, name, tasks):
    play = [{'name': name, 'hosts': 'bench', 'gather_facts': False,
             'vars': {'sim': sim_url()}, 'tasks': tasks}]
    with open(path, 'w', encoding='utf-8') as handle:
        # JSON is YAML; no YAML library needed, and nothing is ambiguous.
        json.dump(play, handle, indent=1)


def ansible_playbook():
    local = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    found = local if os.access(local, os.X_OK) else shutil.which('ansible-playbook')
    if not found:
        raise BenchError('ansible-playbook not found (run make venv, or make bench)')
    return found


def ansible_env(timings, extra=None):
    env = dict(os.environ)
    collections = os.path.join(ROOT, 'build', 'collections')
    env.setdefault('ANSIBLE_COLLECTIONS_PATH', collections)
    env.update({
        'ANSIBLE_CALLBACK_PLUGINS': CALLBACK_DIR,
        'ANSIBLE_CALLBACKS_ENABLED': 'bench_timer',
        'HWCLOUD_BENCH_TIMINGS': timings,
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCALHOST_WARNING': '0',
        'ANSIBLE_HOST_KEY_CHECKING': '0',
        'ANSIBLE_DEPRECATION_WARNINGS': '0',
    })
    for name in ('HW_AUTH_TOKEN', 'HW_ACCESS_KEY', 'HW_SECRET_KEY', 'HW_USER_NAME', 'HW_PASSWORD'):
        env.pop(name, None)  # the tasks name their credentials; nothing from the caller's shell
    env.update(extra or {})
    return env


def write_inventory():
    path = os.path.join(WORK, 'inventory.ini')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('[bench]\nlocalhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
    return path


def run_playbook(name, tasks, extra_env=None):
    """Run one playbook; return the bench_timer records of its tasks."""
    playbook = os.path.join(WORK, '%s.yml' % name)
    timings = os.path.join(WORK, '%s.timings.json' % name)
    log = os.path.join(WORK, '%s.log' % name)
    write_playbook(playbook, 'hwcloud.cloud bench: %s' % name, tasks)
    if os.path.exists(timings):
        os.unlink(timings)
    with open(log, 'w', encoding='utf-8') as out:
        code = subprocess.call([ansible_playbook(), '-i', write_inventory(), playbook], cwd=WORK, stdout=out,
                               stderr=subprocess.STDOUT, env=ansible_env(timings, extra_env))
    if code != 0 or not os.path.exists(timings):
        raise BenchError('ansible-playbook %s failed (exit %s); see %s' % (playbook, code, log))
    with open(timings, encoding='utf-8') as handle:
        return json.load(handle)['tasks']
