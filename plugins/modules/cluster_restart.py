#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cluster_restart
short_description: Restart a Cloud Data Migration (CDM) cluster
version_added: 0.2.0
description:
  - Restarts a CDM cluster with C(POST /v1.1/{project_id}/clusters/{cluster_id}/action) and a C(restart) body that always
    carries all six fields C(restartDelayTime), C(restartMode), C(restartLevel), C(type) (C(cdm)), C(instance) and C(group) (both C("")).
  - A restart always changes something. A running (C(200)) or failed (C(300)) cluster is restarted and the task reports C(changed),
    in check mode too (where nothing is sent).
  - A stopped (C(900)) or stopping (C(910)) cluster is not restarted, it is started (M(hwcloud.cloud.cluster_start)); a cluster whose
    creation failed (C(303)) or that is frozen (C(800)) cannot be restarted. The task fails without sending anything.
  - A cluster in transition (creating C(100), restarting C(500), starting C(920)) is waited for when O(wait=true) and the
    decision is taken once it has settled; with O(wait=false) the task fails without sending anything.
  - With O(wait=true) the task waits until the cluster is back in status C(200) after the restart; it must first be seen leaving
    its status (through restarting C(500)), or its C(updated) time must have moved on at least O(restart_delay_time) seconds
    after the restart was sent. The cluster keeps its status during O(restart_delay_time), so the wait includes that delay.
    A failure state (C(300) once the restart has shown, C(303), C(800)) ends the wait and fails the task with the cluster's failed reasons.
  - The restart is sent at most once. When its answer is lost (a dropped connection, a gateway timeout), the cluster is read
    again, and C(500) proves that the restart took effect. Any other status cannot prove it (during O(restart_delay_time) the cluster
    still reads C(200)), so the task fails saying that the outcome is unknown, and never sends a second restart.
  - Supports check mode and diff mode (status before and after, and the restart request).
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  restart_mode:
    description:
      - Sent as C(restartMode). C(IMMEDIATELY) restarts at once; C(FORCELY) cuts the service processes and restarts the cluster's VMs;
        C(SOFTLY) restarts gently.
    type: str
    choices: [IMMEDIATELY, FORCELY, SOFTLY]
    default: IMMEDIATELY
  restart_level:
    description:
      - Sent as C(restartLevel). C(SERVICE) restarts the CDM service; C(VM) restarts the cluster's virtual machines.
    type: str
    choices: [SERVICE, VM]
    default: SERVICE
  restart_delay_time:
    description:
      - Sent as C(restartDelayTime). Seconds the service waits before it restarts the cluster; V(0) or more, at most 2147483647.
      - The cluster reads C(200) until the delay is over; with O(wait=true) the task waits for the delay and the restart, within O(wait_timeout).
    type: int
    default: 0
extends_documentation_fragment:
  - hwcloud.cloud.cdm_cluster
  - hwcloud.cloud.hwcloud
  - hwcloud.cloud.hwcloud.wait
attributes:
  check_mode:
    support: full
    description: Nothing is sent; C(changed) says whether the action would be sent, as a run without check mode would report it.
  diff_mode:
    support: full
    description:
      - Shows the cluster status before and after.
      - When the status cannot show the change (a restart ends in the status it began in), the request that is sent is shown too.
seealso:
  - module: hwcloud.cloud.cluster_start
    description: Starts a stopped cluster, which a restart refuses.
'''

EXAMPLES = r'''
- name: Restart a CDM cluster and wait until it is back (region, project and credentials from HW_* variables)
  hwcloud.cloud.cluster_restart:
    cluster_id: bae65496-643e-47ca-84af-948672de7eeb

- name: Bring a failed cluster back by restarting its virtual machines
  hwcloud.cloud.cluster_restart:
    cluster_name: cdm-prod
    restart_mode: FORCELY
    restart_level: VM

- name: Restart in ten minutes; do not wait for it
  hwcloud.cloud.cluster_restart:
    cluster_name: cdm-prod
    restart_delay_time: 600
    wait: false
  register: restart
'''

RETURN = r'''
job_ids:
  description:
    - The job ID the restart call answered with, as a list (the API answers a string; a list is accepted too).
    - Empty when nothing was sent or the answer was lost.
  type: list
  elements: str
  returned: success, and on failure once the cluster was read (for example a failed or timed-out wait)
  sample: [ff8080815e59d92d015e5b27ccb0004d]
cluster:
  description:
    - The cluster as last read, keys in snake_case (nested keys too).
    - After a wait, the cluster back in status C(200); after a failed restart, in C(300) with its C(failed_reasons); in check mode, the cluster as found.
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

# The API types restartDelayTime as a (32-bit) Integer.
MAX_RESTART_DELAY_TIME = 2 ** 31 - 1

RESTART = cdm.PowerAction(
    'restart', participle='restarted', gerund='Restarting', target=cdm.NORMAL,
    act=[cdm.NORMAL, cdm.FAILED],
    settle=[cdm.CREATING, cdm.RESTARTING, cdm.STARTING],
    refused={
        cdm.STOPPED: 'A stopped cluster is started, not restarted: use hwcloud.cloud.cluster_start.',
        cdm.STOPPING: 'A stopping cluster is started once stopped, not restarted: use hwcloud.cloud.cluster_start.',
    },
    # During restartDelayTime the cluster still reads 200 (or 300): only 500 proves that a lost restart landed.
    took_effect=[cdm.RESTARTING],
)


class ClusterRestartModule(cdm.PowerModule):
    action = RESTART
    argument_spec = dict(
        cdm.PowerModule.argument_spec,
        restart_mode=dict(type='str', choices=['IMMEDIATELY', 'FORCELY', 'SOFTLY'], default='IMMEDIATELY'),
        restart_level=dict(type='str', choices=['SERVICE', 'VM'], default='SERVICE'),
        restart_delay_time=dict(type='int', default=0),
    )

    def validate(self):
        super().validate()
        delay = require_int('restart_delay_time', self.params['restart_delay_time'])
        if delay < 0:
            raise InvalidOptionError('restart_delay_time', delay, 'it must be 0 or more seconds')
        if delay > MAX_RESTART_DELAY_TIME:
            raise InvalidOptionError('restart_delay_time', delay,
                                     'it must be at most %d seconds (a 32-bit integer)' % MAX_RESTART_DELAY_TIME)

    def request(self):
        # instance and group are reserved; with restartLevel SERVICE the API requires them, as "".
        return {
            'restartDelayTime': self.params['restart_delay_time'],
            'restartMode': self.params['restart_mode'],
            'restartLevel': self.params['restart_level'],
            'type': 'cdm',
            'instance': '',
            'group': '',
        }

    def delay(self):
        return self.params['restart_delay_time']


def main():
    ClusterRestartModule()()


if __name__ == '__main__':
    main()
