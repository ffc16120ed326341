#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cluster_start
short_description: Start a stopped Cloud Data Migration (CDM) cluster
version_added: 0.2.0
description:
  - 'Starts a CDM cluster with C(POST /v1.1/{project_id}/clusters/{cluster_id}/action) and the body C({"start": {}}).'
  - Idempotent. The cluster is read first; a cluster that is already running (status C(200)) or starting (C(920))
    is left alone and the task reports C(ok).
  - A stopped cluster (C(900)) is started; with O(wait=true) the task waits until it is running (C(200)).
  - A cluster in transition (stopping C(910), creating C(100), restarting C(500)) is waited for when O(wait=true)
    and the decision is taken once it has settled (a cluster that was stopping is then started); with O(wait=false) the task fails.
  - A failed cluster (C(300)) cannot be started, a start does not repair it; M(hwcloud.cloud.cluster_restart) brings it back.
    A cluster whose creation failed (C(303)) or that is frozen (C(800)) cannot be started either. The task fails without sending anything.
  - The start is sent at most once. When its answer is lost (a dropped connection, a gateway timeout), the cluster is read again;
    C(920) or C(200) proves that the start took effect. Any other status fails the task, saying that the outcome is unknown, and
    the start is not sent a second time.
  - Supports check mode (nothing is sent) and diff mode (status before and after).
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  cluster_id:
    description:
      - ID of the cluster to start.
      - Exactly one of O(cluster_id) and O(cluster_name) is required.
    type: str
  cluster_name:
    description:
      - Name of the cluster to start, looked up with the list call.
      - The task fails if no cluster or more than one cluster has this name.
    type: str
extends_documentation_fragment:
  - hwcloud.cloud.hwcloud
attributes:
  check_mode:
    support: full
    description: Nothing is sent; C(changed) says whether the cluster would be started.
  diff_mode:
    support: full
    description: Shows the cluster status before and after.
seealso:
  - module: hwcloud.cloud.cluster_stop
  - module: hwcloud.cloud.cluster_restart
'''

EXAMPLES = r'''
- name: Start a CDM cluster and wait until it is running
  hwcloud.cloud.cluster_start:
    region: ap-southeast-1
    project_id: 1551c7f6c808414d8e9f3c514a170f2e
    cluster_id: bae65496-643e-47ca-84af-948672de7eeb

- name: Start a cluster found by its name, without waiting
  hwcloud.cloud.cluster_start:
    cluster_name: cdm-prod
    wait: false
  register: start

- name: Morning start of the nightly cluster, with the connection options shared by every hwcloud.cloud module
  module_defaults:
    group/hwcloud.cloud.hwcloud:
      region: ap-southeast-1
      project_id: 1551c7f6c808414d8e9f3c514a170f2e
      auth_token: "{{ hw_token }}"
  block:
    - name: Start the nightly cluster
      hwcloud.cloud.cluster_start:
        cluster_name: cdm-nightly
        wait_timeout: 1200
'''

RETURN = r'''
job_ids:
  description: The job IDs the start call answered with; empty when nothing was sent or the answer was lost.
  returned: always
  type: list
  elements: str
  sample: [ff8080815e59d92d015e5b27ccb0004d]
cluster:
  description:
    - The cluster as last read, keys in snake_case.
    - After a wait this is the running cluster; in check mode it is the cluster as found.
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
      description: The API's string status code, for example C(900) stopped, C(920) starting, C(200) normal.
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
  sample: {status: 400, code: Cdm.0034, message: The cluster is already running., request_id: 5d2e6a...}
'''

from ansible_collections.hwcloud.cloud.plugins.module_utils import cdm
from ansible_collections.hwcloud.cloud.plugins.module_utils.module import HwCloudModule

START = cdm.PowerAction(
    'start', participle='started', gerund='Starting', target=cdm.NORMAL,
    act=[cdm.STOPPED],
    already=[cdm.NORMAL, cdm.STARTING],
    settle=[cdm.STOPPING, cdm.CREATING, cdm.RESTARTING],
    refused={
        cdm.FAILED: 'A start does not repair a failed cluster: hwcloud.cloud.cluster_restart brings it back.',
        cdm.CREATION_FAILED: '',
        cdm.FROZEN: '',
    },
    took_effect=[cdm.STARTING, cdm.NORMAL],
)


class ClusterStartModule(HwCloudModule):
    service = 'cdm'
    argument_spec = cdm.CLUSTER_OPTIONS
    module_kwargs = cdm.CLUSTER_OPTION_RULES

    def validate(self):
        cdm.validate_cluster_options(self)

    def run(self):
        return cdm.run_power_action(self, START, {})


def main():
    ClusterStartModule()()


if __name__ == '__main__':
    main()
