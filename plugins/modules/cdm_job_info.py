#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cdm_job_info
short_description: Read the migration jobs of a Cloud Data Migration (CDM) cluster and their runs
version_added: 0.3.0
description:
  - Reads one job (O(name)) or every job of the cluster (every C(jobType), every page of
    C(GET .../cdm/job/all)), with the job's last run and, with O(submissions=true), its run history.
  - A job that does not exist gives an empty list, not a failure.
  - The cluster must be running (status C(200)); any other status fails the task before any job call, naming
    M(hwcloud.cloud.cluster_start).
  - Never sends anything but C(GET).
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  name:
    description: One job, by name (1 to 240 characters). Without it, every job of the cluster.
    type: str
  submissions:
    description: Also read each job's run history (C(GET .../cdm/submissions?jname=)), one call per job.
    type: bool
    default: false
extends_documentation_fragment:
  - hwcloud.cloud.cdm_cluster
  - hwcloud.cloud.hwcloud
attributes:
  check_mode:
    support: full
    description: The module only reads; check mode runs it unchanged.
  diff_mode:
    support: none
    description: Nothing changes, so there is nothing to show.
seealso:
  - module: hwcloud.cloud.cdm_job
  - module: hwcloud.cloud.cdm_job_run
  - module: hwcloud.cloud.cluster_info
'''

EXAMPLES = r'''
- name: Every job of the cluster
  hwcloud.cloud.cdm_job_info:
    cluster_name: cdm-prod
  register: info

- name: The jobs whose last run failed
  ansible.builtin.debug:
    msg: "{{ info.jobs | selectattr('status', 'equalto', 'FAILED') | map(attribute='name') }}"

- name: One job with its run history
  hwcloud.cloud.cdm_job_info:
    cluster_name: cdm-prod
    name: mysql2obs
    submissions: true
'''

RETURN = r'''
jobs:
  description: The jobs, as M(hwcloud.cloud.cdm_job) returns C(job), each with its last run.
  type: list
  elements: dict
  returned: always
  contains:
    name:
      description: The job's name.
      type: str
      sample: mysql2obs
    job_type:
      description: C(NORMAL_JOB), C(BATCH_JOB) or C(SCENARIO_JOB).
      type: str
      sample: NORMAL_JOB
    from_link:
      description: The source link.
      type: str
      sample: mysql
    from_connector:
      description: The source link's connector.
      type: str
      sample: generic-jdbc-connector
    to_link:
      description: The destination link.
      type: str
      sample: obs
    to_connector:
      description: The destination link's connector.
      type: str
      sample: obs-connector
    from_config:
      description: The C(fromJobConfig) inputs, values decoded.
      type: dict
      sample: {schemaName: sales}
    to_config:
      description: The C(toJobConfig) inputs, values decoded.
      type: dict
      sample: {bucketName: datalake}
    driver_config:
      description: Every driver group with its inputs, values decoded.
      type: dict
      sample: {throttlingConfig: {numExtractors: '2'}}
    status:
      description: The job's status (C(NEW), C(BOOTING), C(RUNNING), C(SUCCEEDED), C(FAILED)).
      type: str
      sample: SUCCEEDED
    last_submission:
      description:
        - The job's latest run, keys as M(hwcloud.cloud.cdm_job_run) returns C(submission) (C(status), C(progress),
          C(counters), C(error_summary), ...), or null for a job that never ran.
        - With O(name) or O(submissions=true) it is read from the job's runs. Listing every job without
          O(submissions), it holds what the listing gives of the last run (at least C(status)), with no call per job.
      type: dict
      sample: {submission_id: 1087, status: SUCCEEDED, progress: 100, counters: {rows_read: 1200, rows_written: 1200}}
      contains:
        submission_id:
          description: The run's ID.
          type: int
          sample: 1087
        job_name:
          description: The job.
          type: str
          sample: mysql2obs
        status:
          description: C(BOOTING), C(RUNNING), C(SUCCEEDED), C(FAILED), C(FAILURE_ON_SUBMIT), C(NEVER_EXECUTED) or C(UNKNOWN).
          type: str
          sample: SUCCEEDED
        progress:
          description: 0 to 100; -1 on failure.
          type: float
          sample: 100
        creation_date:
          description: When the run was created, in milliseconds since the epoch.
          type: int
          sample: 1764748800000
        execute_date:
          description: When the run last changed, in milliseconds since the epoch.
          type: int
          sample: 1764748860000
        creation_user:
          description: Who started the run.
          type: str
          sample: cdm-admin
        is_incrementing:
          description: Whether the run is incremental.
          type: bool
          sample: false
        delete_rows:
          description: Rows deleted.
          type: int
          sample: 0
        update_rows:
          description: Rows updated.
          type: int
          sample: 0
        write_rows:
          description: Rows written.
          type: int
          sample: 1200
        counters:
          description:
            - What the run moved, as a flat dictionary with lower-case keys (C(rows_read), C(rows_written), C(bytes_read),
              C(bytes_written), C(files_read), C(files_written), C(files_skipped), C(total_files), C(total_size),
              C(rows_written_skipped)); empty until the run has succeeded.
          type: dict
          sample: {rows_read: 1200, rows_written: 1200, bytes_written: 48213}
        error_summary:
          description: Why the run failed, as the service says it.
          type: str
          returned: when the run failed
          sample: "Table sales.orders does not exist."
        error_details:
          description: The service's details of the failure.
          type: str
          returned: when the run failed and the service gives them
          sample: "java.sql.SQLSyntaxErrorException: ..."
        last_update_date:
          description: When the service last updated the run, in milliseconds since the epoch.
          type: int
          returned: when the service gives it
          sample: 1764748860000
        last_update_user:
          description: Who last updated the run.
          type: str
          returned: when the service gives it
          sample: cdm-admin
        is_execute_auto:
          description: Whether the run was started by the job's schedule.
          type: bool
          returned: when the service gives it
          sample: false
        is_delete_job:
          description: Whether the job is deleted once the run has ended.
          type: bool
          returned: when the service gives it
          sample: false
        is_stoping_increment:
          description: The service's incremental-stop marker, as it spells it.
          type: str
          returned: when the service gives it
          sample: ""
    submissions:
      description: Every run of the job, newest first, keys as C(last_submission).
      type: list
      elements: dict
      returned: when O(submissions=true)
      sample: [{submission_id: 1087, status: SUCCEEDED}, {submission_id: 1012, status: FAILED, error_summary: Table missing.}]
      contains:
        submission_id:
          description: The run's ID.
          type: int
          sample: 1087
        job_name:
          description: The job.
          type: str
          sample: mysql2obs
        status:
          description: C(BOOTING), C(RUNNING), C(SUCCEEDED), C(FAILED), C(FAILURE_ON_SUBMIT), C(NEVER_EXECUTED) or C(UNKNOWN).
          type: str
          sample: SUCCEEDED
        progress:
          description: 0 to 100; -1 on failure.
          type: float
          sample: 100
        creation_date:
          description: When the run was created, in milliseconds since the epoch.
          type: int
          sample: 1764748800000
        execute_date:
          description: When the run last changed, in milliseconds since the epoch.
          type: int
          sample: 1764748860000
        creation_user:
          description: Who started the run.
          type: str
          sample: cdm-admin
        is_incrementing:
          description: Whether the run is incremental.
          type: bool
          sample: false
        delete_rows:
          description: Rows deleted.
          type: int
          sample: 0
        update_rows:
          description: Rows updated.
          type: int
          sample: 0
        write_rows:
          description: Rows written.
          type: int
          sample: 1200
        counters:
          description:
            - What the run moved, as a flat dictionary with lower-case keys (C(rows_read), C(rows_written), C(bytes_read),
              C(bytes_written), C(files_read), C(files_written), C(files_skipped), C(total_files), C(total_size),
              C(rows_written_skipped)); empty until the run has succeeded.
          type: dict
          sample: {rows_read: 1200, rows_written: 1200, bytes_written: 48213}
        error_summary:
          description: Why the run failed, as the service says it.
          type: str
          returned: when the run failed
          sample: "Table sales.orders does not exist."
        error_details:
          description: The service's details of the failure.
          type: str
          returned: when the run failed and the service gives them
          sample: "java.sql.SQLSyntaxErrorException: ..."
        last_update_date:
          description: When the service last updated the run, in milliseconds since the epoch.
          type: int
          returned: when the service gives it
          sample: 1764748860000
        last_update_user:
          description: Who last updated the run.
          type: str
          returned: when the service gives it
          sample: cdm-admin
        is_execute_auto:
          description: Whether the run was started by the job's schedule.
          type: bool
          returned: when the service gives it
          sample: false
        is_delete_job:
          description: Whether the job is deleted once the run has ended.
          type: bool
          returned: when the service gives it
          sample: false
        is_stoping_increment:
          description: The service's incremental-stop marker, as it spells it.
          type: str
          returned: when the service gives it
          sample: ""
cluster:
  description:
    - The cluster as read, when it is not running (status C(200)) and the task therefore fails; keys in snake_case.
    - The service may return more keys than those listed here; they are passed on, snake_cased.
  returned: on failure, when the cluster is not in status 200
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
error:
  description: The HTTP status, service error code and message, and request ID of a failed call.
  type: dict
  returned: on failure of an HTTP call
  sample: {status: 400, code: Cdm.0035, message: The cluster is not running., request_id: 5d2e6a...}
credentials_source:
  description:
    - Where the task's credentials came from, never the credentials themselves.
    - One of V(auth_token), V(access_key), V(password), V(sdk_environment), V(sdk_credentials_file), V(ecs_metadata);
      with an agency, C(agency:<account>/<agency> via <source>).
  returned: once credentials were found, also on failure
  type: str
  sample: auth_token
project_id:
  description:
    - The project the task worked in, when O(project_id) was not given and the module found it
      (from O(region) with C(GET <IAM>/v3/projects?name=<region>), or from an IAM password token's scope).
  returned: when the project was found rather than given
  type: str
  sample: 0605767a2c80d5a62f5cc0123456789a
invalid_option:
  description: The option whose value breaks a rule; nothing was sent.
  returned: on failure of an option check
  type: str
  sample: name
retries:
  description: One line per retried HTTP call (what failed, and the wait before the next attempt).
  returned: at verbosity 3 (C(-vvv)) or more, when a call was retried
  type: list
  elements: str
  sample: ['Starting job mysql2obs in CDM cluster bae65496-643e-47ca-84af-948672de7eeb: HTTP 429; retry 1 of 5 in 0.41s']
'''

from ansible_collections.hwcloud.cloud.plugins.module_utils import cdm_jobs


class CdmJobInfoModule(cdm_jobs.CdmJobsModule):
    read_only = True
    argument_spec = dict(
        cdm_jobs.CdmJobsModule.argument_spec,
        name=dict(type='str'),
        submissions=dict(type='bool', default=False),
    )

    def run(self):
        jobs = self.open_cluster()
        name = self.params['name']
        if name is not None:
            found = jobs.get_job(name)
            listed = [found] if found else []
        else:
            listed = jobs.list_jobs()
        result = []
        for job in listed:
            entry = cdm_jobs.job_result(job)
            if self.params['submissions']:
                runs = jobs.runs(job.get('name'))
                entry['submissions'] = [cdm_jobs.submission_result(run) for run in runs]
                entry['last_submission'] = entry['submissions'][0] if runs else None
            elif name is not None:
                run = jobs.last_run(name)
                entry['last_submission'] = cdm_jobs.submission_result(run) if run else None
            else:
                entry['last_submission'] = cdm_jobs.listed_run(job)
            result.append(entry)
        return dict(changed=False, jobs=result)


def main():
    CdmJobInfoModule()()


if __name__ == '__main__':
    main()
