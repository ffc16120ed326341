# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator the bench runs against: its default seed and its control API."""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request

# The simulator's default seed (simulator/hwcloud_sim/default_state.json).
PROJECT_ID = '0605767a2c80d5a62f5cc0123456789a'
TOKEN = 'sim-token'
USER, PASSWORD, DOMAIN = 'sim-user', 'sim-password', 'sim-domain'
CLUSTER_ID = 'bae65496-643e-47ca-84af-948672de7eeb'
STACK_ID = 'stack-demo-0001'
RFS_STACK = 'demo-rfs'
SEED = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    'simulator', 'hwcloud_sim', 'default_state.json')
# Each run of rfs_stack names its execution plan afresh: one shape for all of them.
PLAN_NAME = re.compile(r'/execution-plans/[^/]+')


class BenchError(Exception):
    """Something prevented the measurement (exit status 2)."""


def sim_url():
    url = os.environ.get('HWCLOUD_SIM_URL')
    if not url:
        raise BenchError('HWCLOUD_SIM_URL is not set; run me through tools/with-sim (make bench)')
    return url.rstrip('/')


def sim_call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode('utf-8')
    request = urllib.request.Request(sim_url() + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode('utf-8')
    except (urllib.error.URLError, OSError) as exc:
        raise BenchError('simulator %s %s: %s' % (method, path, exc))
    return json.loads(text) if text else None


def sim_log():
    return sim_call('GET', '/_sim/requests') or []


def log_calls(entries):
    """The simulator log entries as (method, path, service, time, status) tuples."""
    return [(entry['method'], entry['path'], entry['service'], entry['time'], entry['status']) for entry in entries]


def cluster_path(suffix=''):
    return '/v1.1/%s/clusters/%s%s' % (PROJECT_ID, CLUSTER_ID, suffix)


def rfs_seed_stack(name=RFS_STACK):
    """The seed of the RFS stack ``name``: its template and vars, for a run that changes nothing."""
    with open(SEED, encoding='utf-8') as handle:
        stacks = json.load(handle)['rfs_stacks']
    return next(stack for stack in stacks if stack['stack_name'] == name)


def short_path(path):
    path = path.replace(PROJECT_ID, '{project}').replace(CLUSTER_ID, '{cluster}').replace(STACK_ID, '{stack}')
    return PLAN_NAME.sub('/execution-plans/{plan}', path)
