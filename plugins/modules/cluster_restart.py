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
  elements: str
  type: list
  returned: always
  sample: [ff8080815e59d92d015e5b27ccb0004d]
cluster:
  description:
    - The cluster as last read, keys in snake_case (those of M(hwcloud.cloud.cluster_start)'s RV(cluster)).
    - After a wait, the cluster back in status C(200); after a failed restart, in C(300) with its C(failed_reasons);
      in check mode, the cluster as found.
  returned: always
  sample: {id: bae65496-643e-47ca-84af-948672de7eeb, name: cdm-prod, status: '200', status_detail: Normal, is_frozen: '0', failed_reasons: {}}
  type: dict
error:
  description: The HTTP status, service error code and message, and request ID of a failed call.
  sample: {status: 400, code: Cdm.0031, message: The cluster is already stopped or stopping., request_id: 5d2e6a...}
  returned: on failure of an HTTP call
  type: dict
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
