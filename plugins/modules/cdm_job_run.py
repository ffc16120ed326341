#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cdm_job_run
short_description: Run a Cloud Data Migration (CDM) job, or stop its run
version_added: 0.3.0
description:
  - Starts a run of a migration job (C(PUT .../cdm/job/{name}/start)) and, with O(wait=true), waits until the run ends.
    A run that ends C(SUCCEEDED) is a success; any other end (C(FAILED), C(FAILURE_ON_SUBMIT), C(NEVER_EXECUTED),
    C(UNKNOWN)) fails the task within one O(poll_interval), with the service's C(error-summary) and C(error-details).
  - A job that is already C(BOOTING) or C(RUNNING) is not started again (C(changed=false)); with O(wait=true) the task
    waits for that run to end, and its end decides the task's outcome the same way.
  - At most one start per task. When the answer to the start is lost (a dropped connection, a gateway timeout), the
    job's status is read again; a run C(BOOTING) or C(RUNNING), or one created after the start was sent, proves that the
    start took effect. Otherwise the task fails saying that the outcome is unknown; the start is never sent twice.
  - A start answered with C(FAILURE_ON_SUBMIT) fails the task at once.
  - Once the start (or the stop) has been sent, the task reports C(changed=true), also when it then fails.
  - With O(state=stopped), a job that is running is stopped (C(PUT .../cdm/job/{name}/stop)); a job that is not running
    is left alone.
  - The cluster must be running (status C(200)); any other status fails the task before any job call, naming
    M(hwcloud.cloud.cluster_start). A job name that does not exist fails the task, suggesting the closest job names.
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  name:
    description: Name of the job, 1 to 240 characters.
    type: str
    required: true
  state:
    description: C(started) runs the job; C(stopped) stops its run.
    type: str
    choices: [started, stopped]
    default: started
  variables:
    description: 'Variables of the run, sent on start as C({"variables": {...}}); an empty object when not given.'
    type: dict
extends_documentation_fragment:
  - hwcloud.cloud.cdm_cluster
  - hwcloud.cloud.hwcloud
  - hwcloud.cloud.hwcloud.wait
attributes:
  check_mode:
    support: full
    description: The job's status is read and the decision taken; nothing is sent.
  diff_mode:
    support: none
    description: A run is not a setting; C(submission) shows it.
seealso:
  - module: hwcloud.cloud.cdm_job
  - module: hwcloud.cloud.cdm_job_info
'''

EXAMPLES = r'''
- name: Run a job and wait for it; a failed run fails the task with the service's error summary
  hwcloud.cloud.cdm_job_run:
    cluster_name: cdm-prod
    name: mysql2obs
  register: run

- name: Report what it moved
  ansible.builtin.debug:
    msg: "{{ run.submission.counters.rows_written }} rows written"

- name: Start without waiting, with variables
  hwcloud.cloud.cdm_job_run:
    cluster_name: cdm-prod
    name: daily-export
    variables: {day: "2026-12-03"}
    wait: false

- name: Stop a run
  hwcloud.cloud.cdm_job_run:
    cluster_name: cdm-prod
    name: daily-export
    state: stopped
'''

RETURN = r'''
submission:
  description:
    - The run as last read (the one started, or the one found running; C({}) for a job that never ran), keys in snake_case.
  type: dict
  returned: always
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
name:
  description: The job name that matched nothing (the message suggests the closest names).
  type: str
  returned: on failure, when the job does not exist
  sample: nightly-bacth
job_status:
  description: The status of the run as last read (C(submission.status)), or null for a job that never ran.
  type: str
  returned: always
  sample: SUCCEEDED
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
  sample: {status: 400, code: Cdm.0100, message: "Job[mysql2obs] doesn't exist.", request_id: 5d2e6a...}
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
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, OutcomeUnknownError


class CdmJobRunModule(cdm_jobs.CdmJobsModule):
    argument_spec = dict(
        cdm_jobs.CdmJobsModule.argument_spec,
        name=dict(type='str', required=True),
        state=dict(type='str', default='started', choices=['started', 'stopped']),
        variables=dict(type='dict'),
    )

    def run(self):
        name = self.params['name']
        jobs = self.open_cluster()
        before = jobs.last_run(name)
        if before is None:
            raise jobs.missing_job(name)
        active = cdm_jobs.run_status(before) in cdm_jobs.RUN_ACTIVE
        if self.params['state'] == 'stopped':
            return self.stop(jobs, name, before, active)

        result = dict(changed=not active, submission=cdm_jobs.submission_result(before), job_status=cdm_jobs.run_status(before))
        if self.check_mode:
            return result
        if active:
            ours = self.ours({}, before)
        else:
            started = self.start(jobs, name, before)
            result.update(submission=cdm_jobs.submission_result(started), job_status=cdm_jobs.run_status(started))
            if cdm_jobs.run_status(started) == cdm_jobs.FAILURE_ON_SUBMIT:
                raise HwCloudError('CDM job %s could not be started: %s' % (name, cdm_jobs.run_failure(started)), details=result)
            ours = self.ours(before, started)
        if self.params['wait']:
            run = self.wait_for(jobs.run_waiter(name, ours), job_status=result['job_status'])
            result.update(submission=cdm_jobs.submission_result(run), job_status=cdm_jobs.run_status(run))
        return result

    def start(self, jobs, name, before):
        """PUT the start once; a lost answer is settled by re-reading the status, never by a second start."""
        seen = {}

        def took_effect():
            seen['run'] = jobs.last_run(name) or {}
            return self.ours(before, {})(seen['run']) or cdm_jobs.run_status(seen['run']) in cdm_jobs.RUN_ACTIVE

        try:
            started, _proven = self.send_once(lambda: jobs.start_job(name, self.params['variables']), took_effect=took_effect)
        except OutcomeUnknownError as lost:
            lost.message = ('%s. A re-read of its status shows no run started since, and a start is never sent twice: '
                            'the outcome is unknown. Read the job (hwcloud.cloud.cdm_job_info) before running this task again.'
                            % lost.message)
            lost.args = (lost.message,)
            lost.details.update(submission=cdm_jobs.submission_result(seen.get('run', before)), job_status=None)
            raise
        return started if isinstance(started, dict) else seen.get('run') or {}

    @staticmethod
    def ours(before, started):
        """Which runs are the one this task started: its id when the answer gave one, else any run newer than ``before``."""
        if started.get('submission-id') is not None:
            return lambda run: run.get('submission-id') == started.get('submission-id')
        old_id, old_date = before.get('submission-id'), before.get('creation-date')

        def newer(run):
            if not run or run.get('status') is None:
                return False
            if old_id is not None and run.get('submission-id') is not None:
                return run.get('submission-id') != old_id
            return old_date is None or (run.get('creation-date') or 0) > old_date
        return newer

    def stop(self, jobs, name, before, active):
        result = dict(changed=active, submission=cdm_jobs.submission_result(before), job_status=cdm_jobs.run_status(before))
        if not active or self.check_mode:
            return result
        answer = self.changed_call(lambda: jobs.stop_job(name))
        refused = cdm_jobs.validation_messages(answer, level=None)
        if refused:
            raise HwCloudError('CDM did not stop job %s: %s' % (name, '; '.join(refused)), details=result)
        if self.params['wait']:
            run = self.wait_for(jobs.idle_waiter(name), job_status=result['job_status'])
            result.update(submission=cdm_jobs.submission_result(run), job_status=cdm_jobs.run_status(run))
        return result


def main():
    CdmJobRunModule()()


if __name__ == '__main__':
    main()
