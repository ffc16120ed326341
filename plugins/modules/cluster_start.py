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
    - The cluster as last read, keys in snake_case (nested keys too).
    - After a wait, the running cluster (C(200)); after a failed start, the cluster in C(300) with its C(failed_reasons); in check mode, the cluster as found.
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
job_ids:
  description: The job IDs the start call answered with; empty when nothing was sent or the answer was lost.
  type: list
  elements: str
  returned: success, and on failure once the cluster was read (for example a failed or timed-out wait)
  sample: [ff8080815e59d92d015e5b27ccb0004d]
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
