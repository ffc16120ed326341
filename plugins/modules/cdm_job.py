#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cdm_job
short_description: Define a Cloud Data Migration (CDM) migration job; it never runs it
version_added: 0.3.0
description:
  - Creates, changes or deletes the definition of a migration job in a running CDM cluster
    (C(POST), C(PUT) or C(DELETE) on C(/v1.1/{project_id}/clusters/{cluster_id}/cdm/job)).
  - The job is never started, stopped or restarted by this module; M(hwcloud.cloud.cdm_job_run) runs it.
  - A missing job is created. An existing job is compared on the keys the task gives, after decoding the values
    the service answers (it answers them form-encoded, C(%2F) for C(/), C(+) for a space). Keys the task does not
    give are left as they are. A difference sends the whole job by C(PUT), the current one with the given keys changed.
    No difference sends nothing.
  - A job whose run is C(BOOTING) or C(RUNNING) is never changed or deleted under it. With O(wait=true) the task waits
    for the run to end and then acts; with O(wait=false) it fails.
  - C(validation-result) entries with status C(ERROR) fail the task with their messages; C(WARNING) entries become
    task warnings.
  - The cluster must be running (status C(200)); any other status fails the task before any job call, naming
    M(hwcloud.cloud.cluster_start).
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  name:
    description: Name of the job, 1 to 240 characters.
    type: str
    required: true
  state:
    description: Whether the job should exist.
    type: str
    choices: [present, absent]
    default: present
  job_type:
    description:
      - C(NORMAL_JOB) (a table or a file), C(BATCH_JOB) (a whole database) or C(SCENARIO_JOB).
      - The default applies when the job is created; on an existing job it is compared only when given.
    type: str
    choices: [NORMAL_JOB, BATCH_JOB, SCENARIO_JOB]
  from_link:
    description: The link data is read from (C(from-link-name)). Required to create the job.
    type: str
  from_connector:
    description: The connector of O(from_link) (C(from-connector-name)), for example C(generic-jdbc-connector). Required to create the job.
    type: str
  to_link:
    description: The link data is written to (C(to-link-name)). Required to create the job.
    type: str
  to_connector:
    description: The connector of O(to_link) (C(to-connector-name)), for example C(obs-connector). Required to create the job.
    type: str
  from_config:
    description:
      - 'Source settings, for example C({schemaName: sales}), sent as the inputs C(fromJobConfig.<key>).'
      - Every value is sent as a string, booleans as C(true) or C(false).
    type: dict
  to_config:
    description: Destination settings, sent as the inputs C(toJobConfig.<key>), as O(from_config).
    type: dict
  driver_config:
    description:
      - 'Groups of driver settings, each a dictionary, for example
        C({throttlingConfig: {numExtractors: 2}, schedulerConfig: {isSchedulerJob: false},
        retryJobConfig: {retryJobType: NONE}, groupJobConfig: {groupName: DEFAULT}}),
        sent as the inputs C(<group>.<key>).'
    type: dict
extends_documentation_fragment:
  - hwcloud.cloud.cdm_cluster
  - hwcloud.cloud.hwcloud
  - hwcloud.cloud.hwcloud.wait
attributes:
  check_mode:
    support: full
    description: Nothing is sent; C(changed) says whether the job would be created, changed or deleted.
  diff_mode:
    support: full
    description: Shows the job as it is and as it would be (the keys the task gives).
notes:
  - O(wait), O(wait_timeout) and O(poll_interval) apply only to a job that is running when the task wants to change or
    delete it.
seealso:
  - module: hwcloud.cloud.cdm_job_run
  - module: hwcloud.cloud.cdm_link
  - module: hwcloud.cloud.cdm_job_info
'''

EXAMPLES = r'''
- name: A table from MySQL to OBS, defined (not run)
  hwcloud.cloud.cdm_job:
    cluster_name: cdm-prod
    name: mysql2obs
    from_link: mysql
    from_connector: generic-jdbc-connector
    from_config: {schemaName: sales, tableName: orders}
    to_link: obs
    to_connector: obs-connector
    to_config: {bucketName: datalake, outputDirectory: /sales/orders}
    driver_config:
      throttlingConfig: {numExtractors: 2}

- name: Remove a job that is no longer needed (waits for a run in progress to end first)
  hwcloud.cloud.cdm_job:
    cluster_name: cdm-prod
    name: old-export
    state: absent
'''

RETURN = r'''
job:
  description: The job as it now is (in check mode, as it would be; after O(state=absent), as it was, or null when there was none).
  type: dict
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
      description: The C(fromJobConfig) inputs, keys without the group prefix, values decoded.
      type: dict
      sample: {schemaName: sales, tableName: orders}
    to_config:
      description: The C(toJobConfig) inputs, as O(from_config).
      type: dict
      sample: {bucketName: datalake, outputDirectory: /sales/orders}
    driver_config:
      description: Every driver group with its inputs, values decoded.
      type: dict
      sample: {throttlingConfig: {numExtractors: '2'}}
    status:
      description: The job's status as the service gives it (C(NEW), C(BOOTING), C(RUNNING), C(SUCCEEDED), C(FAILED)), or null.
      type: str
      sample: NEW
changed_keys:
  description: The settings that differ from the job as found (C(from_link), C(fromJobConfig.tableName), ...); empty when none.
  type: list
  elements: str
  returned: always
  sample: [toJobConfig.outputDirectory]
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
  sample: {status: 400, code: Cdm.0020, message: fromJobConfig.tableName is required, request_id: 5d2e6a...}
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
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError


class CdmJobModule(cdm_jobs.CdmJobsModule):
    argument_spec = dict(
        cdm_jobs.CdmJobsModule.argument_spec,
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        job_type=dict(type='str', choices=list(cdm_jobs.JOB_TYPES)),
        from_link=dict(type='str'),
        from_connector=dict(type='str'),
        to_link=dict(type='str'),
        to_connector=dict(type='str'),
        from_config=dict(type='dict'),
        to_config=dict(type='dict'),
        driver_config=dict(type='dict'),
    )

    def validate(self):
        super().validate()
        cdm_jobs.check_config('from_config', self.params['from_config'])
        cdm_jobs.check_config('to_config', self.params['to_config'])
        cdm_jobs.check_driver_config(self.params['driver_config'])

    def wanted_configs(self):
        """``(job key, {group: {key: value}})`` for each config the task gives."""
        configs = []
        if self.params['from_config'] is not None:
            configs.append(('from-config-values', {cdm_jobs.FROM_GROUP: self.params['from_config']}))
        if self.params['to_config'] is not None:
            configs.append(('to-config-values', {cdm_jobs.TO_GROUP: self.params['to_config']}))
        if self.params['driver_config'] is not None:
            configs.append(('driver-config-values', self.params['driver_config']))
        return configs

    def desired(self, current):
        """The whole job to send and the keys that change: ``current`` (``{}`` when absent) with the given keys set."""
        job = dict((key, current[key]) for key in cdm_jobs.JOB_KEYS if key in current)
        job['name'] = self.params['name']
        changed = []
        for option, key in cdm_jobs.JOB_FIELDS:
            value = self.params[option]
            if value is None and option == 'job_type' and not current:
                value = 'NORMAL_JOB'
            if value is not None and current.get(key) != value:
                job[key] = value
                changed.append(option)
        for key, wanted in self.wanted_configs():
            decoded = cdm_jobs.decode_configs(current.get(key))
            changed.extend(cdm_jobs.config_changes(wanted, decoded))
        # Sent decoded: the service encodes what it stores, so values read back encoded would be encoded twice.
        for key in ('from-config-values', 'to-config-values', 'driver-config-values'):
            wanted = dict(self.wanted_configs()).get(key, {})
            job[key] = cdm_jobs.encode_configs(cdm_jobs.overlay(cdm_jobs.decode_configs(current.get(key)), wanted))
        return job, changed

    def settle(self, jobs, name):
        """A run in progress: wait for it to end (with ``wait``) or fail; nothing is changed under a run."""
        run = jobs.last_run(name) or {}
        if cdm_jobs.run_status(run) in cdm_jobs.RUN_ACTIVE:
            self.settle_or_fail(jobs.idle_waiter(name), 'CDM job %s is %s: it is not changed or deleted under its run.'
                                % (name, cdm_jobs.run_status(run)))

    def run(self):
        name = self.params['name']
        jobs = self.open_cluster()
        current = jobs.get_job(name)
        before = cdm_jobs.job_result(current) if current else None

        if self.params['state'] == 'absent':
            result = dict(changed=current is not None, job=before, changed_keys=[])
            if self.module._diff:  # pylint: disable=protected-access
                result['diff'] = dict(before=before or {}, after={})
            if current is None or self.check_mode:
                return result
            self.settle(jobs, name)
            self.changed_call(lambda: jobs.delete_job(name))
            return result

        if current is None:
            missing = [option for option in ('from_link', 'from_connector', 'to_link', 'to_connector') if not self.params[option]]
            if missing:
                raise HwCloudError('CDM job %s does not exist, and creating it needs %s.' % (name, ', '.join(missing)))
        job, changed_keys = self.desired(current or {})
        will_change = current is None or bool(changed_keys)
        after = cdm_jobs.job_result(dict(job, status=(current or {}).get('status', 'NEW')))
        result = dict(changed=will_change, job=after if will_change else before, changed_keys=changed_keys)
        if self.module._diff:  # pylint: disable=protected-access
            result['diff'] = dict(before=before or {}, after=after)
        if not will_change or self.check_mode:
            return result

        if current is not None:
            self.settle(jobs, name)
        answer = self.changed_call(lambda: jobs.put_job(job, exists=current is not None))
        self.fail_on_errors(answer, 'job %s' % name, job=after, changed_keys=changed_keys)
        result['job'] = cdm_jobs.job_result(jobs.get_job(name) or job)
        return result


def main():
    CdmJobModule()()


if __name__ == '__main__':
    main()
