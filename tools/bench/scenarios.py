# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the bench measures: one ``Scenario`` per row of the results table, and the waits.

To add a module row, append one ``Scenario`` to ``SCENARIOS``: the module and its options
(the connection options are added for you), the control call that puts the resource back
before each task, the request of its ``uri`` twin if it has one, and its call-count
targets. Everything else (playbooks, tables, targets, payload diagnostics) follows from it.
For example, a start of the stopped cluster::

    Scenario('start', 'cluster_start, wait: false, token', 'hwcloud.cloud.cluster_start',
             {'cluster_id': CLUSTER_ID}, CLUSTER_STOPPED,
             uri_label='uri POST .../clusters/{id}/action', uri=Uri('POST', cluster_path('/action'), {'start': {}})),
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple, Optional

from bench.sim import CLUSTER_ID, STACK_ID, cluster_path


class Reset(NamedTuple):
    """A control call that puts a resource in a known state: POST ``path`` with ``body``."""

    path: str
    body: dict

    def with_transition(self, seconds):
        """The same, with the resource reaching its final state ``seconds`` after an action."""
        return Reset(self.path, dict(self.body, transition_seconds=seconds))


class Uri(NamedTuple):
    """The request a ``uri`` twin sends: what the module sends for the operation."""

    method: str
    path: str
    body: Optional[dict] = None


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One kind of measured module task, and its ``uri`` twin if it has one."""

    name: str
    module_label: str
    module: str
    args: dict
    reset: Reset
    uri_label: Optional[str] = None
    uri: Optional[Uri] = None
    # 'token' or 'password' (IAM password authentication: one IAM call per task).
    auth: str = 'token'
    # What every measured module task must report, or the numbers mean nothing.
    changed: bool = True
    # Call-count targets, asserted in both modes: non-IAM calls per task (at most, or exactly), IAM calls.
    max_calls: int = 2
    exact_calls: Optional[int] = None
    iam_calls: int = 0
    # Whether the module/uri median time ratio is asserted (full mode only).
    ratio_asserted: bool = False
    # Whether the uri twin's AnsiballZ payload is diagnosed too (one uri payload is enough).
    diagnose_uri: bool = False


CLUSTER_RUNNING = Reset('/_sim/clusters', {'id': CLUSTER_ID, 'status': '200'})
CLUSTER_STOPPED = Reset('/_sim/clusters', {'id': CLUSTER_ID, 'status': '900'})
STACK_RUNNING = Reset('/_sim/stacks', {'guid': STACK_ID, 'status': 'Running', 'inputs': {'param1': 'value0'}})

STOP_MODE = 'IMMEDIATELY'
STOP_ARGS = {'cluster_id': CLUSTER_ID, 'stop_mode': STOP_MODE}
LIFECYCLE_INPUTS = {'param1': 'bench'}

SCENARIOS = [
    Scenario('stop', 'cluster_stop, wait: false, token', 'hwcloud.cloud.cluster_stop', STOP_ARGS, CLUSTER_RUNNING,
             uri_label='uri POST .../clusters/{id}/action',
             uri=Uri('POST', cluster_path('/action'), {'stop': {'stopMode': STOP_MODE}}),
             ratio_asserted=True, diagnose_uri=True),
    Scenario('lifecycle', 'stack_lifecycle upgrade, wait: false, token', 'hwcloud.cloud.stack_lifecycle',
             {'stack_id': STACK_ID, 'lifecycle': 'upgrade', 'inputs': LIFECYCLE_INPUTS}, STACK_RUNNING,
             uri_label='uri PUT /v2/stacks/{id}/actions',
             uri=Uri('PUT', '/v2/stacks/%s/actions' % STACK_ID, {'inputs': LIFECYCLE_INPUTS, 'lifecycle': 'upgrade'}),
             ratio_asserted=True),
    Scenario('rerun', 'cluster_stop on a stopped cluster (idempotent), token', 'hwcloud.cloud.cluster_stop', STOP_ARGS,
             CLUSTER_STOPPED, uri_label='uri GET .../clusters/{id}', uri=Uri('GET', cluster_path()),
             changed=False, max_calls=1, exact_calls=1),
    Scenario('password', 'cluster_stop, wait: false, IAM password auth', 'hwcloud.cloud.cluster_stop', STOP_ARGS,
             CLUSTER_RUNNING, auth='password', iam_calls=1),
]

RATIO_TARGET = 1.10


def scenario(name):
    for candidate in SCENARIOS:
        if candidate.name == name:
            return candidate
    raise ValueError(name)


# ------------------------------------------------------------------ waiting

WAIT_POLL_INTERVAL = 1.0
WAIT_TRANSITION = 2.0
# The slow-API case: every read of the cluster answers this many seconds late.
WAIT_SLOW_READ = 0.4


class WaitScenario(NamedTuple):
    """A module task with ``wait: true`` (the module and reset of scenario ``base``), under a simulator fault if any."""

    name: str
    base: str
    fault: Optional[dict]


WAIT_SCENARIOS = [
    WaitScenario('wait-stop', 'stop', None),
    WaitScenario('wait-stop-slow-reads', 'stop', {'kind': 'delay', 'delay': WAIT_SLOW_READ, 'method': 'GET', 'times': 50,
                                                  'path': '/clusters/%s$' % CLUSTER_ID}),
    WaitScenario('wait-lifecycle', 'lifecycle', None),
]
