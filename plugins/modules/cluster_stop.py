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
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  cluster_id:
    description:
      - ID of the cluster to stop.
      - Exactly one of O(cluster_id) and O(cluster_name) is required.
    type: str
  cluster_name:
    description:
      - Name of the cluster to stop, looked up with the list call.
      - The task fails if no cluster or more than one cluster has this name.
    type: str
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
  - hwcloud.cloud.hwcloud
attributes:
  check_mode:
    support: full
    description: Nothing is sent; C(changed) says whether the cluster would be stopped.
  diff_mode:
    support: full
    description: Shows the cluster status before and after.
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
  returned: always
  type: list
  elements: str
  sample: [ff8080815e59d92d015e5b27ccb0004d]
cluster:
  description:
    - The cluster as last read, keys in snake_case.
    - After a wait this is the stopped cluster; in check mode it is the cluster as found.
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
error:
  description: The HTTP status, service error code and message, and request ID of a failed call.
  returned: on failure of an HTTP call
  type: dict
  sample: {status: 404, code: Cdm.0001, message: The cluster does not exist., request_id: 5d2e6a...}
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
    refused={cdm.CREATION_FAILED: '', cdm.FROZEN: ''},
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


def main():
    ClusterStopModule()()


if __name__ == '__main__':
    main()
