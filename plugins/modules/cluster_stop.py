#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cluster_stop
short_description: Stop a Cloud Data Migration (CDM) cluster
version_added: 0.1.0
description:
  - Stops a CDM cluster with C(POST /v1.1/{project_id}/clusters/{cluster_id}/action).
  - Idempotent. The cluster is read first; a cluster that is already stopped (status C(900))
    or stopping (C(910)) is left alone and the task reports C(ok).
  - A cluster in transition (creating C(100), restarting C(500), starting C(920)) is waited for
    when O(wait=true) and the decision is taken once it has settled; with O(wait=false) the task fails.
  - A cluster whose creation failed (C(303)) or that is frozen (C(800)) cannot be stopped; the task fails without sending anything.
  - Supports check mode (nothing is sent) and diff mode (status before and after).
  - In check mode and in diff mode only, the cluster's migration jobs are listed too (every page, every job type)
    and the names of those running (C(BOOTING) or C(RUNNING)) are returned as RV(running_jobs). A plain run
    does not list them, so it makes just two calls (the read and the stop).
  - In check mode with O(stop_mode=IMMEDIATELY), a warning names the running jobs that the stop would cut off.
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  stop_mode:
    description:
      - C(IMMEDIATELY) stops at once; C(GRACEFULLY) lets running jobs finish first.
      - Sent as C(stopMode) only when set; the service's default applies otherwise.
    type: str
    choices: [IMMEDIATELY, GRACEFULLY]
  delay_time:
    description:
      - Seconds to wait before a graceful stop, sent as C(delayTime).
      - Only with O(stop_mode=GRACEFULLY). V(-1) waits for every running job to finish;
        a value greater than 0 (at most 2147483647) stops after that many seconds. New jobs are refused meanwhile.
    type: int
extends_documentation_fragment:
  - hwcloud.cloud.cdm_cluster
  - hwcloud.cloud.hwcloud
  - hwcloud.cloud.hwcloud.wait
attributes:
  check_mode:
    support: full
    description: Nothing is sent; C(changed) says whether the cluster would be stopped, RV(running_jobs) which jobs it would end.
  diff_mode:
    support: full
    description: Shows the cluster status and its running jobs before and after.
'''

EXAMPLES = r'''
- name: Stop a CDM cluster and wait until it is stopped
  hwcloud.cloud.cluster_stop:
    region: ap-southeast-1
    project_id: 1551c7f6c808414d8e9f3c514a170f2e
    cluster_id: bae65496-643e-47ca-84af-948672de7eeb

- name: Stop gracefully, once every running job has finished
  hwcloud.cloud.cluster_stop:
    cluster_id: bae65496-643e-47ca-84af-948672de7eeb
    stop_mode: GRACEFULLY
    delay_time: -1

- name: Stop a cluster found by its name
  hwcloud.cloud.cluster_stop:
    cluster_name: cdm-prod
    stop_mode: IMMEDIATELY

- name: Send the stop and return without waiting
  hwcloud.cloud.cluster_stop:
    cluster_id: bae65496-643e-47ca-84af-948672de7eeb
    wait: false
  register: stop

- name: See which jobs a stop would cut off, without stopping anything
  hwcloud.cloud.cluster_stop:
    cluster_name: cdm-prod
    stop_mode: IMMEDIATELY
  check_mode: true
  register: stop_preview

- name: Stop only when no job is running
  hwcloud.cloud.cluster_stop:
    cluster_name: cdm-prod
    stop_mode: IMMEDIATELY
  when: stop_preview.running_jobs | length == 0

- name: Share the connection options of every hwcloud.cloud module
  module_defaults:
    group/hwcloud.cloud.hwcloud:
      region: ap-southeast-1
      project_id: 1551c7f6c808414d8e9f3c514a170f2e
      auth_token: "{{ hw_token }}"
  block:
    - name: Stop the nightly cluster
      hwcloud.cloud.cluster_stop:
        cluster_name: cdm-nightly
'''

RETURN = r'''
job_ids:
  description: The job IDs the stop call answered with; empty when nothing was sent.
  returned: success, and on failure once the cluster was read (for example a failed or timed-out wait)
  type: list
  elements: str
  sample: [ff8080815e59d92d015e5b27ccb0004d]
cluster:
  description:
    - The cluster as last read, keys in snake_case (nested keys too).
    - After a wait this is the stopped cluster; in check mode it is the cluster as found.
    - On a failure after the cluster was read (a cluster that cannot be stopped, a failed or timed-out wait),
      the cluster as last seen.
    - The service may return more keys than those listed here; they are passed on, snake_cased.
  returned: success, and on failure once the cluster was read
  type: dict
  contains:
    id:
      description: Cluster ID.
      type: str
      returned: always
      sample: bae65496-643e-47ca-84af-948672de7eeb
    name:
      description: Cluster name.
      type: str
      returned: always
      sample: cdm-prod
    status:
      description: The API's string status code, for example C(200) normal, C(910) stopping, C(900) stopped.
      type: str
      returned: always
      sample: '900'
    status_detail:
      description: Human-readable status.
      type: str
      returned: when the service returns it
      sample: Stopped
    is_frozen:
      description: C(1) when the cluster is frozen.
      type: str
      returned: when the service returns it
      sample: '0'
    action_progress:
      description: Progress of the action under way, keyed by action, as the service reports it; empty when none.
      type: dict
      returned: when the service returns it
      sample: {}
    task:
      description: The cluster's current or last task.
      type: dict
      returned: when the service returns it
      contains:
        id:
          description: Task ID (the job ID of the action that started it).
          type: str
          returned: when the cluster has a task
          sample: ff8080815e59d92d015e5b27ccb0004d
        name:
          description: Task name, for example C(stop).
          type: str
          returned: when the cluster has a task
          sample: stop
    failed_reasons:
      description:
        - Why the last action failed, keyed by phase (snake_cased, for example C(create_failed)); each value holds the
          service's error code and message (for example C(error_code) and C(error_msg)). Empty when nothing failed.
      type: dict
      returned: when the service returns it
      sample: {create_failed: {error_code: Cdm.0900, error_msg: The VPC has no free IP address.}}
    created:
      description: When the cluster was created, as the service reports it.
      type: str
      returned: when the service returns it
      sample: '2023-06-01T10:00:00'
    updated:
      description: When the cluster last changed, as the service reports it.
      type: str
      returned: when the service returns it
      sample: '2023-06-02T10:00:00'
cluster_name:
  description: The O(cluster_name) that no cluster or more than one cluster has.
  returned: on failure to find exactly one cluster by name
  type: str
  sample: cdm-prod
cluster_ids:
  description: IDs of every cluster with that name, to choose one as O(cluster_id).
  returned: on failure because more than one cluster has the name
  type: list
  elements: str
  sample: [bae65496-643e-47ca-84af-948672de7eeb, 5c9e2a41-7d3b-4f0e-9a6c-1b2d3e4f5a6b]
invalid_option:
  description: The option whose value breaks a rule; nothing was sent.
  returned: on failure of an option check
  type: str
  sample: delay_time
running_jobs:
  description:
    - Names of the cluster's migration jobs in status C(BOOTING) or C(RUNNING), of every job type,
      as listed before any stop was sent.
    - Empty for a cluster that is not in status C(200) (it cannot run jobs; it is not asked).
  returned: in check mode and in diff mode
  type: list
  elements: str
  sample: [mysql2hive, obs2dws-nightly]
credentials_source:
  description:
    - Where the task's credentials came from, never the credentials themselves.
    - One of V(auth_token), V(access_key), V(password), V(sdk_environment), V(sdk_credentials_file), V(ecs_metadata);
      with an agency, C(agency:<account>/<agency> via <source>).
  returned: once credentials were found, also on failure
  type: str
  sample: agency:target-account/ops-agency via ecs_metadata
project_id:
  description:
    - The project the task worked in, when O(project_id) was not given and the module found it
      (from O(region) with C(GET <IAM>/v3/projects?name=<region>), or from an IAM password token's scope).
  returned: when the project was found rather than given
  type: str
  sample: 0605767a2c80d5a62f5cc0123456789a
error:
  description: The failed HTTP call, and what the service answered.
  returned: on failure of an HTTP call
  type: dict
  contains:
    status:
      description: HTTP status code.
      type: int
      returned: always
      sample: 404
    code:
      description: The service's error code (C(errCode), C(error_code), C(code) or IAM's C(title)), or V(null).
      type: str
      returned: always
      sample: Cdm.0001
    message:
      description: The service's error message, or the start of a body that is not JSON (a proxy's page), or V(null).
      type: str
      returned: always
      sample: The cluster does not exist.
    request_id:
      description: The request ID to quote to support (C(X-Request-Id), or the body's C(request_id)), or V(null).
      type: str
      returned: always
      sample: 5d2e6a8f0c1b4e7d9a3c2b1f0e9d8c7b
    method:
      description: HTTP method of the failed call.
      type: str
      returned: always
      sample: GET
    url:
      description: URL of the failed call.
      type: str
      returned: always
      sample: https://cdm.ap-southeast-1.myhuaweicloud.com/v1.1/1551c7f6c808414d8e9f3c514a170f2e/clusters/bae65496-643e-47ca-84af-948672de7eeb
    body:
      description: The response body, parsed when it is JSON, otherwise its first 300 characters.
      type: raw
      returned: always
      sample: {errCode: Cdm.0001, externalMessage: The cluster does not exist.}
retries:
  description: One line per retried HTTP call (what failed, and the wait before the next attempt).
  returned: at verbosity 3 (C(-vvv)) or more, when a call was retried
  type: list
  elements: str
  sample: ['Reading CDM cluster bae65496-643e-47ca-84af-948672de7eeb: HTTP 503; retry 1 of 5 in 0.41s']
'''

from ansible_collections.hwcloud.cloud.plugins.module_utils import cdm
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.hwcloud.cloud.plugins.module_utils.validation import require_int

# The API types delayTime as a (32-bit) Integer.
MAX_DELAY_TIME = 2 ** 31 - 1

STOP = cdm.PowerAction(
    'stop', participle='stopped', gerund='Stopping', target=cdm.STOPPED,
    act=[cdm.NORMAL, cdm.FAILED],
    already=[cdm.STOPPED, cdm.STOPPING],
    settle=[cdm.CREATING, cdm.RESTARTING, cdm.STARTING],
    took_effect=[cdm.STOPPED, cdm.STOPPING],
    # A stop that a re-read does not show is sent again, as since 0.1.0: a second stop cannot do harm.
    resend=True,
)


class ClusterStopModule(cdm.PowerModule):
    action = STOP
    argument_spec = dict(
        cdm.PowerModule.argument_spec,
        stop_mode=dict(type='str', choices=['IMMEDIATELY', 'GRACEFULLY']),
        delay_time=dict(type='int'),
    )

    def validate(self):
        super().validate()
        delay_time = self.params['delay_time']
        if delay_time is not None:
            require_int('delay_time', delay_time)
            if self.params['stop_mode'] != 'GRACEFULLY':
                raise InvalidOptionError('delay_time', delay_time, 'it is only valid with stop_mode GRACEFULLY')
            if delay_time != -1 and delay_time <= 0:
                raise InvalidOptionError('delay_time', delay_time, 'it must be -1 (wait for running jobs) or greater than 0')
            if delay_time > MAX_DELAY_TIME:
                raise InvalidOptionError('delay_time', delay_time, 'it must be at most %d seconds (a 32-bit integer)' % MAX_DELAY_TIME)

    def request(self):
        stop = {}
        if self.params['stop_mode']:
            stop['stopMode'] = self.params['stop_mode']
        if self.params['delay_time'] is not None:
            stop['delayTime'] = self.params['delay_time']
        return stop

    def preview(self, service, cluster_id, cluster, result):
        # Only in check and diff mode: a plain stop keeps its two calls.
        cdm.report_running_jobs(service, cluster_id, cluster, result, self.params['stop_mode'],
                                warn=self.module.warn if self.check_mode else None)


def main():
    ClusterStopModule()()


if __name__ == '__main__':
    main()
