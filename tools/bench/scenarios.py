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

from bench.sim import CLUSTER_ID, RFS_STACK, STACK_ID, cluster_path, rfs_seed_stack

# The module/uri median time ratio a scenario with ``ratio_asserted`` must meet, unless it names its own.
RATIO_TARGET = 1.10
# cluster_start's own target (issue 13): a start is the same GET + POST as a stop, held closer to its uri task.
START_RATIO_TARGET = 1.05


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
    # None: nothing to put back (a task that changes nothing).
    reset: Optional[Reset]
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
    ratio_target: float = RATIO_TARGET
    # Whether the uri twin's AnsiballZ payload is diagnosed too (one uri payload is enough).
    diagnose_uri: bool = False
    # Whether its AnsiballZ payload is diagnosed (runs alone, several times) at all.
    diagnosed: bool = True
    # Control calls made once per round, before its playbook (the simulator is reset first).
    setup: tuple = ()
    # At most this many measured tasks per round (a slow task: the bench stays short).
    max_n: Optional[int] = None

    def tasks_per_round(self, n):
        return n if self.max_n is None else min(n, self.max_n)


CLUSTER_RUNNING = Reset('/_sim/clusters', {'id': CLUSTER_ID, 'status': '200'})
CLUSTER_STOPPED = Reset('/_sim/clusters', {'id': CLUSTER_ID, 'status': '900'})
STACK_RUNNING = Reset('/_sim/stacks', {'guid': STACK_ID, 'status': 'Running', 'inputs': {'param1': 'value0'}})
# The execution plan of a stack is ready as soon as it is made: what a task waits for is its poll_interval.
RFS_STACK_SETTLED = Reset('/_sim/rfs_stacks', {'stack_name': RFS_STACK, 'transition_seconds': 0})

STOP_MODE = 'IMMEDIATELY'
STOP_ARGS = {'cluster_id': CLUSTER_ID, 'stop_mode': STOP_MODE}
LIFECYCLE_INPUTS = {'param1': 'bench'}

# rfs_stack on demo-rfs with the template and vars it was deployed with: the plan shows no change.
_RFS_SEED = rfs_seed_stack()
RFS_NOOP_ARGS = {'stack_name': RFS_STACK, 'template_body': _RFS_SEED['template_body'],
                 'vars': dict((var['var_key'], var['var_value']) for var in _RFS_SEED['vars_structure'])}
# A short interval, so that the plan's wait does not hide the rest of the task; and the default.
RFS_FAST_POLL = 0.1
RFS_DEFAULT_POLL = 5
# state: planned with another VPC name: a plan that changes a resource, kept for approval (read stack, make, read, items).
RFS_PLANNED_ARGS = dict(RFS_NOOP_ARGS, state='planned', vars={'vpc_name': 'bench-vpc'})
# rfs_stack_info lists every stack: the seed's 2 and these, 300 in all, 3 pages of 100.
RFS_LISTED_STACKS = 300
RFS_EXTRA_STACKS = tuple(Reset('/_sim/rfs_stacks', {'stack_name': 'bench-rfs-%03d' % index}) for index in range(RFS_LISTED_STACKS - 2))

# CDM jobs: 300 jobs, 100 of each type (one page each), seeded once per round. bench-def is defined as
# the cdm_job row declares it (a rerun changes nothing); bench-run is the job the cdm_job_run row starts.
CDM_JOB_TYPES = ('NORMAL_JOB', 'BATCH_JOB', 'SCENARIO_JOB')
CDM_LISTED_JOBS = 300
CDM_DEF_JOB = 'bench-def'
CDM_RUN_JOB = 'bench-run'
CDM_DEF_ARGS = {'cluster_id': CLUSTER_ID, 'name': CDM_DEF_JOB, 'from_link': 'mysql-link', 'from_connector': 'generic-jdbc-connector',
                'from_config': {'tableName': 'orders'}, 'to_link': 'hive-link', 'to_connector': 'hive-connector'}
CDM_JOBS = Reset('/_sim/clusters', {'id': CLUSTER_ID, 'status': '200', 'jobs': [
    {'name': CDM_DEF_JOB, 'from-config-values': {'configs': [
        {'name': 'fromJobConfig', 'inputs': [{'name': 'fromJobConfig.tableName', 'value': 'orders'}]}]}},
    {'name': CDM_RUN_JOB, 'status': 'SUCCEEDED'},
] + [{'name': 'bench-%s-%03d' % (job_type.lower(), index), 'job_type': job_type, 'status': 'SUCCEEDED'}
     for job_type in CDM_JOB_TYPES
     for index in range(CDM_LISTED_JOBS // 3 - (2 if job_type == 'NORMAL_JOB' else 0))]})
# The run of bench-run has ended before each task: a start is sent every time.
CDM_RUN_ENDED = Reset('/_sim/cdm_jobs', {'cluster_id': CLUSTER_ID, 'name': CDM_RUN_JOB, 'status': 'SUCCEEDED'})

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
    Scenario('start', 'cluster_start, wait: false, token', 'hwcloud.cloud.cluster_start', {'cluster_id': CLUSTER_ID},
             CLUSTER_STOPPED, uri_label='uri POST .../clusters/{id}/action (start)',
             uri=Uri('POST', cluster_path('/action'), {'start': {}}), max_calls=2, exact_calls=2,
             ratio_asserted=True, ratio_target=START_RATIO_TARGET),
    Scenario('start-rerun', 'cluster_start on a running cluster (idempotent), token', 'hwcloud.cloud.cluster_start',
             {'cluster_id': CLUSTER_ID}, CLUSTER_RUNNING, changed=False, max_calls=1, exact_calls=1),
    Scenario('info', 'cluster_info by id, without jobs, token', 'hwcloud.cloud.cluster_info', {'cluster_id': CLUSTER_ID},
             CLUSTER_RUNNING, uri_label='uri GET .../clusters/{id}', uri=Uri('GET', cluster_path()),
             changed=False, max_calls=1, exact_calls=1),
    Scenario('rfs-noop', 'rfs_stack rerun, no change, poll_interval: %s, token' % RFS_FAST_POLL, 'hwcloud.cloud.rfs_stack',
             dict(RFS_NOOP_ARGS, poll_interval=RFS_FAST_POLL), RFS_STACK_SETTLED, changed=False, max_calls=5, exact_calls=5),
    Scenario('rfs-noop-default', 'rfs_stack rerun, no change, poll_interval: %s (default), token' % RFS_DEFAULT_POLL,
             'hwcloud.cloud.rfs_stack', dict(RFS_NOOP_ARGS, poll_interval=RFS_DEFAULT_POLL), RFS_STACK_SETTLED,
             changed=False, max_calls=5, exact_calls=5, max_n=2, diagnosed=False),
    Scenario('rfs-planned', 'rfs_stack state: planned, a change kept for approval, poll_interval: %s (default), token'
             % RFS_DEFAULT_POLL, 'hwcloud.cloud.rfs_stack', dict(RFS_PLANNED_ARGS, poll_interval=RFS_DEFAULT_POLL), RFS_STACK_SETTLED,
             changed=True, max_calls=4, exact_calls=4, max_n=2, diagnosed=False),
    Scenario('rfs-info', 'rfs_stack_info, %d stacks, token' % RFS_LISTED_STACKS, 'hwcloud.cloud.rfs_stack_info', {}, None,
             changed=False, max_calls=3, exact_calls=3, setup=RFS_EXTRA_STACKS),
    # The cluster read, the job's status, the start: three calls against the one PUT of its uri twin.
    Scenario('cdm-run', 'cdm_job_run, wait: false, token', 'hwcloud.cloud.cdm_job_run', {'cluster_id': CLUSTER_ID, 'name': CDM_RUN_JOB},
             CDM_RUN_ENDED, uri_label='uri PUT .../cdm/job/{name}/start',
             uri=Uri('PUT', cluster_path('/cdm/job/%s/start' % CDM_RUN_JOB), {'variables': {}}),
             max_calls=3, exact_calls=3, ratio_asserted=True, setup=(CDM_JOBS,)),
    # A rerun of an unchanged definition: the cluster and the job read, nothing sent.
    # Read-only as these two are, the cluster is put back to running first: job calls need it, and the stop
    # row (its diagnostics too) leaves it stopped.
    Scenario('cdm-job-noop', 'cdm_job rerun, no change, token', 'hwcloud.cloud.cdm_job', CDM_DEF_ARGS, CLUSTER_RUNNING,
             uri_label='uri GET .../cdm/job/{name}', uri=Uri('GET', cluster_path('/cdm/job/%s' % CDM_DEF_JOB)),
             changed=False, max_calls=2, exact_calls=2, setup=(CDM_JOBS,)),
    # Every job of every type: the cluster read and one page of each type (its uri twin lists one type).
    Scenario('cdm-job-info', 'cdm_job_info, %d jobs of 3 types, token' % CDM_LISTED_JOBS, 'hwcloud.cloud.cdm_job_info',
             {'cluster_id': CLUSTER_ID}, CLUSTER_RUNNING, uri_label='uri GET .../cdm/job/all (one type, one page)',
             uri=Uri('GET', cluster_path('/cdm/job/all?page_no=1&page_size=100&jobType=NORMAL_JOB')),
             changed=False, max_calls=4, exact_calls=4, setup=(CDM_JOBS,)),
]


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
