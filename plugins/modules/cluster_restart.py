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
  cluster_id:
    description:
      - ID of the cluster to restart.
      - Exactly one of O(cluster_id) and O(cluster_name) is required.
    type: str
  cluster_name:
    description:
      - Name of the cluster to restart, looked up with the list call.
      - The task fails if no cluster or more than one cluster has this name.
    type: str
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
  - hwcloud.cloud.hwcloud
attributes:
  check_mode:
    support: full
    description: Nothing is sent; C(changed) says whether the cluster would be restarted.
  diff_mode:
    support: full
    description: Shows the cluster status before and after, and under C(restart) the request that would be sent.
seealso:
  - module: hwcloud.cloud.cluster_start
  - module: hwcloud.cloud.cluster_stop
'''

EXAMPLES = r'''
- name: Restart a CDM cluster and wait until it is back
  hwcloud.cloud.cluster_restart:
    region: ap-southeast-1
    project_id: 1551c7f6c808414d8e9f3c514a170f2e
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
  returned: always
  type: list
  elements: str
  sample: [ff8080815e59d92d015e5b27ccb0004d]
cluster:
  description:
    - The cluster as last read, keys in snake_case.
    - After a wait this is the cluster back in status C(200); in check mode it is the cluster as found.
  returned: always
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
      description: The API's string status code, for example C(200) normal, C(500) restarting, C(300) failed.
      type: str
      returned: always
      sample: '200'
    status_detail:
      description: Human-readable status.
      type: str
      returned: when the service returns it
      sample: Normal
    is_frozen:
      description: C(1) when the cluster is frozen.
      type: str
      returned: when the service returns it
      sample: '0'
    failed_reasons:
      description: Why the cluster failed, keyed by phase, each with C(error_code) and C(error_msg); empty when nothing failed.
      type: dict
      returned: when the service returns it
      sample: {}
error:
  description: The HTTP status, service error code and message, and request ID of a failed call.
  returned: on failure of an HTTP call
  type: dict
  sample: {status: 400, code: Cdm.0031, message: The cluster is already stopped or stopping., request_id: 5d2e6a...}
'''

from ansible_collections.hwcloud.cloud.plugins.module_utils import cdm
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.hwcloud.cloud.plugins.module_utils.module import HwCloudModule
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
        cdm.CREATION_FAILED: '',
        cdm.FROZEN: '',
    },
    # During restartDelayTime the cluster still reads 200 (or 300): only 500 proves that a lost restart landed.
    took_effect=[cdm.RESTARTING],
)


class ClusterRestartModule(HwCloudModule):
    service = 'cdm'
    argument_spec = dict(
        cdm.CLUSTER_OPTIONS,
        restart_mode=dict(type='str', choices=['IMMEDIATELY', 'FORCELY', 'SOFTLY'], default='IMMEDIATELY'),
        restart_level=dict(type='str', choices=['SERVICE', 'VM'], default='SERVICE'),
        restart_delay_time=dict(type='int', default=0),
    )
    module_kwargs = cdm.CLUSTER_OPTION_RULES

    def validate(self):
        cdm.validate_cluster_options(self)
        delay = self.params['restart_delay_time']
        require_int('restart_delay_time', delay)
        if delay < 0:
            raise InvalidOptionError('restart_delay_time', delay, 'it must be 0 or more seconds')
        if delay > MAX_RESTART_DELAY_TIME:
            raise InvalidOptionError('restart_delay_time', delay,
                                     'it must be at most %d seconds (a 32-bit integer)' % MAX_RESTART_DELAY_TIME)

    def restart_request(self):
        # instance and group are reserved; with restartLevel SERVICE the API requires them, as "".
        return {
            'restartDelayTime': self.params['restart_delay_time'],
            'restartMode': self.params['restart_mode'],
            'restartLevel': self.params['restart_level'],
            'type': 'cdm',
            'instance': '',
            'group': '',
        }

    def run(self):
        return cdm.run_power_action(self, RESTART, self.restart_request(), delay=self.params['restart_delay_time'])


def main():
    ClusterRestartModule()()


if __name__ == '__main__':
    main()
