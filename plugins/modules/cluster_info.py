#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cluster_info
short_description: Read Cloud Data Migration (CDM) clusters and their migration jobs
version_added: 0.2.0
description:
  - Reads CDM clusters with C(GET /v1.1/{project_id}/clusters) or C(GET /v1.1/{project_id}/clusters/{cluster_id}).
  - With O(cluster_id), returns that cluster; a cluster that does not exist gives an empty list, not a failure.
  - With O(cluster_name), returns every cluster of that name (names are not promised to be unique); none gives an empty list.
  - With neither, returns every cluster of the project.
  - With O(jobs=true), each cluster also carries its migration jobs, read with
    C(GET /v1.1/{project_id}/clusters/{cluster_id}/cdm/job/all), every page and every job type
    (C(NORMAL_JOB), C(BATCH_JOB), C(SCENARIO_JOB)). Only clusters in status C(200) can answer job
    queries; any other cluster is not asked and carries an empty list.
  - Never sends anything but C(GET); the task never reports C(changed).
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  cluster_id:
    description:
      - ID of the one cluster to read.
      - Mutually exclusive with O(cluster_name).
    type: str
  cluster_name:
    description:
      - Name of the clusters to read; every cluster with exactly this name is returned.
      - Mutually exclusive with O(cluster_id).
    type: str
  jobs:
    description:
      - Also list each cluster's migration jobs (one call per job type and page, for each cluster in status C(200)).
    type: bool
    default: false
extends_documentation_fragment:
  - hwcloud.cloud.hwcloud
attributes:
  check_mode:
    support: full
    description: The module only reads; check mode runs it unchanged.
  diff_mode:
    support: none
    description: Nothing changes, so there is nothing to show.
'''

EXAMPLES = r'''
- name: Read one CDM cluster
  hwcloud.cloud.cluster_info:
    region: ap-southeast-1
    project_id: 1551c7f6c808414d8e9f3c514a170f2e
    cluster_id: bae65496-643e-47ca-84af-948672de7eeb
  register: info

- name: Fail when the cluster does not exist
  ansible.builtin.assert:
    that: info.clusters | length == 1

- name: Read every cluster of the project, with its migration jobs
  hwcloud.cloud.cluster_info:
    jobs: true
  register: report

- name: Report each cluster's status and running jobs
  ansible.builtin.debug:
    msg: >-
      {{ item.name }}: status {{ item.status }} ({{ item.status_detail | default('') }}),
      running jobs: {{ item.jobs | selectattr('status', 'in', ['BOOTING', 'RUNNING']) | map(attribute='name') | join(', ') or 'none' }}
  loop: "{{ report.clusters }}"
  loop_control:
    label: "{{ item.name }}"

- name: Find the clusters named cdm-nightly that are stopped
  hwcloud.cloud.cluster_info:
    cluster_name: cdm-nightly
  register: nightly

- name: Start them in the morning
  ansible.builtin.debug:
    msg: "{{ nightly.clusters | selectattr('status', 'equalto', '900') | map(attribute='id') | list }}"
'''

RETURN = r'''
clusters:
  description:
    - The clusters read, keys in snake_case, C(status) kept as the API's string code.
    - Empty when O(cluster_id) names no cluster or no cluster has the name O(cluster_name).
  returned: always
  type: list
  elements: dict
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
      description:
        - The API's string status code, for example C(200) normal, C(900) stopped, C(920) starting,
          C(300) failed, C(303) creation failed.
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
      description:
        - Why the cluster failed, keyed by phase, for example C(create_failed) with C(error_code) and C(error_msg).
        - Empty when nothing failed.
      type: dict
      returned: when the service returns it
      sample: {create_failed: {error_code: Cdm.0900, error_msg: The cluster could not be created.}}
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
    jobs:
      description:
        - The cluster's migration jobs of every type, keys in snake_case (C(creation-date) becomes C(creation_date)).
        - Empty for a cluster that is not in status C(200), which cannot answer job queries and is not asked.
      type: list
      elements: dict
      returned: when O(jobs=true)
      contains:
        name:
          description: Job name.
          type: str
          returned: always
          sample: mysql2hive
        status:
          description: C(BOOTING), C(RUNNING), C(SUCCEEDED), C(FAILED) or C(NEW) (never run).
          type: str
          returned: always
          sample: RUNNING
        job_type:
          description: C(NORMAL_JOB) (table or file migration), C(BATCH_JOB) or C(SCENARIO_JOB).
          type: str
          returned: always
          sample: NORMAL_JOB
        creation_date:
          description: When the job was created, in milliseconds since the epoch.
          type: int
          returned: when the service returns it
          sample: 1685613600000
        type:
          description: The job's type as the service also names it (the same value as C(job_type)).
          type: str
          returned: when the service returns it
          sample: NORMAL_JOB
        creation_user:
          description: Who created the job.
          type: str
          returned: when the service returns it
          sample: cdm-user
        update_user:
          description: Who last changed the job.
          type: str
          returned: when the service returns it
          sample: cdm-user
        update_date:
          description: When the job last changed, in milliseconds since the epoch.
          type: int
          returned: when the service returns it
          sample: 1685613600000
        from_link_name:
          description: The link the job reads from.
          type: str
          returned: when the service returns it
          sample: mysql-link
        from_connector_name:
          description: The connector of the source link.
          type: str
          returned: when the service returns it
          sample: generic-jdbc-connector
        to_link_name:
          description: The link the job writes to.
          type: str
          returned: when the service returns it
          sample: hive-link
        to_connector_name:
          description: The connector of the destination link.
          type: str
          returned: when the service returns it
          sample: hive-connector
        from_config_values:
          description: The source's configuration as the service answers it (groups of named inputs), keys snake_cased.
          type: dict
          returned: when the service returns it
          sample: {configs: [{name: fromJobConfig, inputs: [{name: fromJobConfig.schemaName, value: sales}]}]}
        to_config_values:
          description: The destination's configuration as the service answers it, keys snake_cased.
          type: dict
          returned: when the service returns it
          sample: {configs: [{name: toJobConfig, inputs: [{name: toJobConfig.database, value: dw}]}]}
        driver_config_values:
          description: The job's driver configuration (throttling, retries, schedule) as the service answers it, keys snake_cased.
          type: dict
          returned: when the service returns it
          sample: {configs: [{name: throttlingConfig, inputs: [{name: throttlingConfig.numExtractors, value: '2'}]}]}
      sample:
        - {name: mysql2hive, status: RUNNING, job_type: NORMAL_JOB, creation_date: 1685613600000, from_link_name: mysql-link}
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
from ansible_collections.hwcloud.cloud.plugins.module_utils.module import HwCloudModule
from ansible_collections.hwcloud.cloud.plugins.module_utils.validation import check_length


class ClusterInfoModule(HwCloudModule):
    service = 'cdm'
    read_only = True
    argument_spec = dict(
        cluster_id=dict(type='str'),
        cluster_name=dict(type='str'),
        jobs=dict(type='bool', default=False),
    )
    module_kwargs = dict(
        mutually_exclusive=[('cluster_id', 'cluster_name')],
    )

    def validate(self):
        check_length('cluster_id', self.params['cluster_id'], 1, 64)
        check_length('cluster_name', self.params['cluster_name'], 1, 64)
        self.require_project_id('for CDM, whose URIs carry it')

    def run(self):
        service = cdm.CdmService(self.client, self.endpoint, self.project_id)
        clusters = cdm.read_clusters(service, self.params['cluster_id'], self.params['cluster_name'])
        results = []
        for cluster in clusters:
            result = cdm.cluster_result(cluster)
            if self.params['jobs']:
                result['jobs'] = cdm.cluster_jobs(service, cluster)
            results.append(result)
        return dict(changed=False, clusters=results)


def main():
    ClusterInfoModule()()


if __name__ == '__main__':
    main()
