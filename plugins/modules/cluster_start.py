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
  - module: hwcloud.cloud.cluster_stop
  - module: hwcloud.cloud.cluster_restart
'''

EXAMPLES = r'''
- name: Start a CDM cluster found by its name, and wait until it is running
  hwcloud.cloud.cluster_start:
    cluster_name: cdm-prod
    region: ap-southeast-1
    access_key: "{{ hw_access_key }}"
    secret_key: "{{ hw_secret_key }}"

- name: Start a cluster by its ID, without waiting
  hwcloud.cloud.cluster_start:
    cluster_id: bae65496-643e-47ca-84af-948672de7eeb
    wait: false
  register: start

- name: Morning start of every cluster the night stopped (see docs/recipes/night-stop-morning-start.md)
  hwcloud.cloud.cluster_start:
    cluster_name: "{{ item }}"
    wait_timeout: 1200
  loop: [cdm-etl, cdm-reports]
'''

RETURN = r'''
cluster:
  description:
    - The cluster as last read (after a wait, the running cluster; in check mode, the cluster as found), with the keys of
      the API's cluster object in snake_case, among them C(id), C(name), C(status) (the API's string code, C(900) stopped,
      C(920) starting, C(200) normal), C(status_detail), C(is_frozen) and C(failed_reasons) (by phase, each with
      C(error_code) and C(error_msg); empty when nothing failed).
  type: dict
  returned: always
  sample: {id: bae65496-643e-47ca-84af-948672de7eeb, name: cdm-prod, status: '200', status_detail: Normal, is_frozen: '0', failed_reasons: {}}
job_ids:
  description: The job IDs the start call answered with; empty when nothing was sent or the answer was lost.
  type: list
  elements: str
  returned: always
  sample: [ff8080815e59d92d015e5b27ccb0004d]
error:
  description: The HTTP status, service error code and message, and request ID of a failed call.
  type: dict
  returned: on failure of an HTTP call
  sample: {status: 400, code: Cdm.0034, message: The cluster is already running., request_id: 5d2e6a...}
'''

from ansible_collections.hwcloud.cloud.plugins.module_utils import cdm

START = cdm.PowerAction(
    'start', participle='started', gerund='Starting', target=cdm.NORMAL,
    act=[cdm.STOPPED],
    already=[cdm.NORMAL, cdm.STARTING],
    settle=[cdm.STOPPING, cdm.CREATING, cdm.RESTARTING],
    refused={
        cdm.FAILED: 'A start does not repair a failed cluster: hwcloud.cloud.cluster_restart brings it back.',
    },
    took_effect=[cdm.STARTING, cdm.NORMAL],
)


class ClusterStartModule(cdm.PowerModule):
    action = START


def main():
    ClusterStartModule()()


if __name__ == '__main__':
    main()
