# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""CDM links, migration jobs and their runs: URIs, the config codec, what modules return, and the run's waiter.

Links and jobs live inside one cluster and answer only while it runs (status ``200``), so every
module here starts with ``CdmJobsModule.open_cluster()``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
from urllib.parse import quote, unquote_plus

from ansible_collections.hwcloud.cloud.plugins.module_utils.cdm import (
    NORMAL,
    CdmClusterModule,
    cluster_result,
    cluster_status,
    describe_status,
    job_result as raw_job_result,
)
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, InvalidOptionError, is_absent
from ansible_collections.hwcloud.cloud.plugins.module_utils.names import did_you_mean
from ansible_collections.hwcloud.cloud.plugins.module_utils.validation import check_length, check_not_blank
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import Waiter

# A missing job or link is not a 404 on CDM: it is a 400 with one of these codes.
NOT_FOUND_CODES = frozenset(['Cdm.0100', 'Cdm.0054'])
JOB_TYPES = ('NORMAL_JOB', 'BATCH_JOB', 'SCENARIO_JOB')
MAX_NAME = 240

LINK_GROUP = 'linkConfig'
FROM_GROUP = 'fromJobConfig'
TO_GROUP = 'toJobConfig'

# Run (submission) statuses.
RUN_ACTIVE = frozenset(['BOOTING', 'RUNNING'])
RUN_SUCCEEDED = 'SUCCEEDED'
FAILURE_ON_SUBMIT = 'FAILURE_ON_SUBMIT'

# The job's own keys that a PUT carries: "the whole job" as create takes it.
JOB_KEYS = ('name', 'job_type', 'from-link-name', 'from-connector-name', 'to-link-name', 'to-connector-name',
            'from-config-values', 'to-config-values', 'driver-config-values')
# Options of cdm_job and the job keys they set.
JOB_FIELDS = (('job_type', 'job_type'), ('from_link', 'from-link-name'), ('from_connector', 'from-connector-name'),
              ('to_link', 'to-link-name'), ('to_connector', 'to-connector-name'))
# Keys of a submission that a job listing may carry for the job's last run.
# (Not creation-date or creation-user: in a listing those are the job's own.)
SUBMISSION_KEYS = ('submission-id', 'progress', 'execute-date', 'isIncrementing', 'delete_rows', 'update_rows', 'write_rows',
                   'counters', 'error-summary', 'error-details')


# ------------------------------------------------------------------ the config codec

def as_text(value):
    """A value as CDM stores every input: a string (booleans the way Java prints them)."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, str):
        return value
    return str(value)


def encode_configs(groups):
    """``{group: {key: value}}`` -> ``{"configs": [{"name": group, "inputs": [{"name": "group.key", "value": "..."}]}]}``."""
    configs = []
    for group in groups:
        inputs = [{'name': '%s.%s' % (group, key), 'value': as_text(value)} for key, value in groups[group].items()]
        configs.append({'name': group, 'inputs': inputs})
    return {'configs': configs}


def decode_configs(config_values):
    """The API's config groups -> ``{group: {key: value}}``, every value decoded as the service encodes it (form encoding)."""
    groups = {}
    configs = config_values.get('configs') if isinstance(config_values, dict) else None
    for config in configs or []:
        if not isinstance(config, dict):
            continue
        group = str(config.get('name'))
        values = groups.setdefault(group, {})
        for item in config.get('inputs') or []:
            if not isinstance(item, dict) or item.get('name') is None:
                continue
            name = str(item['name'])
            key = name[len(group) + 1:] if name.startswith(group + '.') else name.split('.', 1)[-1]
            value = item.get('value')
            values[key] = unquote_plus(value) if isinstance(value, str) else value
    return groups


def config_changes(wanted, current):
    """``group.key`` of every given value that differs from the decoded current one."""
    changed = []
    for group in wanted:
        for key, value in wanted[group].items():
            if (current.get(group) or {}).get(key) != as_text(value):
                changed.append('%s.%s' % (group, key))
    return changed


def overlay(current, wanted):
    """The decoded current groups with the given values set (keys not given are left as they are)."""
    merged = copy.deepcopy(current)
    for group in wanted:
        merged.setdefault(group, {}).update((key, as_text(value)) for key, value in wanted[group].items())
    return merged


def check_config(option, values):
    """A config option: string keys, scalar values (every input is a string on the wire)."""
    if values is None:
        return
    for key, value in values.items():
        check_not_blank('%s key' % option, key)
        if value is None or isinstance(value, (dict, list)):
            raise InvalidOptionError('%s.%s' % (option, key), value,
                                     'it must be a string, a number or a boolean (CDM takes every input as a string)')


def check_driver_config(values):
    if values is None:
        return
    for group, settings in values.items():
        if not isinstance(settings, dict):
            raise InvalidOptionError('driver_config.%s' % group, settings,
                                     'each group (throttlingConfig, schedulerConfig, ...) must be a dictionary of inputs')
        check_config('driver_config.%s' % group, settings)


# ------------------------------------------------------------------ what modules return

def link_result(link, hidden=()):
    """A link as modules return it: no secret, whatever the service answers."""
    groups = decode_configs(link.get('link-config-values'))
    config = dict((key, value) for key, value in (groups.get(LINK_GROUP) or {}).items() if key not in hidden)
    return {'name': link.get('name'), 'connector': link.get('connector-name'), 'enabled': link.get('enabled'), 'config': config}


def job_result(job):
    """A job as modules return it, configs decoded."""
    driver = decode_configs(job.get('driver-config-values'))
    return {
        'name': job.get('name'),
        'job_type': job.get('job_type'),
        'from_link': job.get('from-link-name'),
        'from_connector': job.get('from-connector-name'),
        'to_link': job.get('to-link-name'),
        'to_connector': job.get('to-connector-name'),
        'from_config': decode_configs(job.get('from-config-values')).get(FROM_GROUP) or {},
        'to_config': decode_configs(job.get('to-config-values')).get(TO_GROUP) or {},
        'driver_config': driver,
        'status': job.get('status'),
    }


def flat_counters(counters):
    """``{"org.apache...SqoopCounters": {"ROWS_READ": 5}}`` -> ``{"rows_read": 5}``."""
    flat = {}
    for group in (counters or {}).values() if isinstance(counters, dict) else ():
        if isinstance(group, dict):
            flat.update((str(key).lower(), value) for key, value in group.items())
    return flat


def submission_result(submission):
    """A run as modules return it: snake_case keys, ``counters`` a flat dict with lower-case keys."""
    if not isinstance(submission, dict):
        return None
    raw = dict(submission)
    counters = raw.pop('counters', None)
    result = raw_job_result(raw)
    result['counters'] = flat_counters(counters)
    return result


def listed_run(job):
    """The last run as a job listing gives it (no call per job): its status and any run keys it carries; ``None`` if never run."""
    status = job.get('status')
    if status is None or status == 'NEW':
        return None
    run = dict((key, job[key]) for key in SUBMISSION_KEYS if key in job)
    run.update({'job-name': job.get('name'), 'status': status})
    return submission_result(run)


def run_status(submission):
    return submission.get('status') if isinstance(submission, dict) else None


def newest_first(submissions):
    """Runs sorted newest first (the service does not say in which order it answers)."""
    def when(submission):
        value = submission.get('creation-date')
        return value if isinstance(value, (int, float)) else 0
    return sorted([item for item in submissions or [] if isinstance(item, dict)], key=when, reverse=True)


def validation_messages(answer, level='ERROR'):
    """The messages of ``validation-result`` entries with ``level`` (``None``: any), however the service groups them."""
    found = []

    def walk(value):
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            if (level is None or value.get('status') == level) and value.get('message'):
                found.append(str(value['message']))
            for item in value.values():
                if isinstance(item, (list, dict)):
                    walk(item)

    walk(answer.get('validation-result') if isinstance(answer, dict) else None)
    return found


def is_missing(error):
    """A missing job or link: CDM's 400 with ``Cdm.0100``/``Cdm.0054``, or a 404 from the service itself."""
    return is_absent(error) or (isinstance(error, HwCloudError) and error.status == 400 and error.code in NOT_FOUND_CODES)


def _or_none(call):
    try:
        return call()
    except HwCloudError as error:
        if is_missing(error):
            return None
        raise


def _first(answer, key):
    items = answer.get(key) if isinstance(answer, dict) else None
    return items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else None


# ------------------------------------------------------------------ the calls

class CdmJobService:
    """The link, job and run calls of one running cluster."""

    def __init__(self, cdm, cluster_id):
        self.cdm = cdm
        self.cluster_id = cluster_id
        self.base = '%s/cdm' % cdm.cluster_url(cluster_id)
        self.client = cdm.client

    def _call(self, method, path, body=None, action=None):
        return self.client.request(method, self.base + path, body, action='%s in CDM cluster %s' % (action, self.cluster_id))

    def link_path(self, name):
        return '/link/%s' % quote(name, safe='')

    def job_path(self, name):
        return '/job/%s' % quote(name, safe='')

    def get_link(self, name):
        return _or_none(lambda: _first(self._call('GET', self.link_path(name), action='Reading link %s' % name), 'links'))

    def put_link(self, link, exists, validate):
        query = '?validate=true' if validate else ''
        if exists:
            return self._call('PUT', self.link_path(link['name']) + query, {'links': [link]}, 'Updating link %s' % link['name'])
        return self._call('POST', '/link' + query, {'links': [link]}, 'Creating link %s' % link['name'])

    def delete_link(self, name):
        return self._call('DELETE', self.link_path(name), action='Deleting link %s' % name)

    def get_job(self, name):
        return _or_none(lambda: _first(self._call('GET', self.job_path(name), action='Reading job %s' % name), 'jobs'))

    def list_jobs(self):
        return [job for job in self.cdm.list_jobs(self.cluster_id) if isinstance(job, dict)]

    def put_job(self, job, exists):
        if exists:
            return self._call('PUT', self.job_path(job['name']), {'jobs': [job]}, 'Updating job %s' % job['name'])
        return self._call('POST', '/job', {'jobs': [job]}, 'Creating job %s' % job['name'])

    def delete_job(self, name):
        return self._call('DELETE', self.job_path(name), action='Deleting job %s' % name)

    def start_job(self, name, variables):
        return _first(self._call('PUT', self.job_path(name) + '/start', {'variables': variables or {}}, 'Starting job %s' % name),
                      'submissions')

    def stop_job(self, name):
        return self._call('PUT', self.job_path(name) + '/stop', {}, 'Stopping job %s' % name)

    def last_run(self, name):
        """The job's current or latest run; ``None`` for a job that does not exist."""
        answer = _or_none(lambda: self._call('GET', self.job_path(name) + '/status', action='Reading the run of job %s' % name))
        if answer is None:
            return None
        runs = newest_first(answer.get('submissions') if isinstance(answer, dict) else None)
        return runs[0] if runs else {}

    def runs(self, name):
        answer = _or_none(lambda: self._call('GET', '/submissions?jname=%s' % quote(name, safe=''),
                                             action='Reading the runs of job %s' % name))
        return newest_first(answer.get('submissions') if isinstance(answer, dict) else None)

    def missing_job(self, name):
        """The failure for a job that must exist, with the closest names of the cluster's jobs."""
        names = [job.get('name') for job in self.list_jobs()]
        hint = did_you_mean(name, names) or '.'
        return HwCloudError("No CDM job named '%s' in cluster %s%s" % (name, self.cluster_id, hint), details={'name': name})

    def run_waiter(self, name, ours=lambda run: True):
        """Wait until the run ``ours`` accepts has ended: ``SUCCEEDED`` ends the wait, any other end fails it."""
        def read():
            return self.last_run(name) or {}

        def mine(run):
            return ours(run) and run_status(run) not in RUN_ACTIVE and run_status(run) is not None

        return Waiter('the run of CDM job %s' % name, read=read,
                      done=lambda run: mine(run) and run_status(run) == RUN_SUCCEEDED,
                      failed=lambda run: run_failure(run) if mine(run) else None,
                      describe=lambda run: 'status %s, progress %s' % (run_status(run), run.get('progress')),
                      report=lambda run: {'submission': submission_result(run), 'job_status': run_status(run)})

    def idle_waiter(self, name):
        """Wait until the job has no run in progress, however that run ends."""
        return Waiter('the current run of CDM job %s to end' % name, read=lambda: self.last_run(name) or {},
                      done=lambda run: run_status(run) not in RUN_ACTIVE,
                      describe=lambda run: 'status %s' % run_status(run),
                      report=lambda run: {'submission': submission_result(run), 'job_status': run_status(run)})


def run_failure(run):
    """Why a run that ended did not succeed, in the service's words."""
    # error-details (often a Java stack) goes with the result's submission, not into the one-line message.
    return 'it ended %s: %s' % (run_status(run), run.get('error-summary') or 'no error-summary given')


# ------------------------------------------------------------------ the base of the four modules

class CdmJobsModule(CdmClusterModule):
    """A module that works on links, jobs or runs of one running cluster."""

    def validate(self):
        super().validate()
        if 'name' in self.params:
            check_not_blank('name', self.params['name'])
            check_length('name', self.params['name'], 1, MAX_NAME)

    def open_cluster(self):
        """The service for the chosen cluster, which must be running: nothing else can answer link and job calls."""
        cdm = self.cdm_service()
        cluster_id, cluster = self.read_cluster(cdm)
        status = cluster_status(cluster)
        if status != NORMAL:
            raise HwCloudError('CDM cluster %s is in status %s: links and jobs can be read or changed only while it is running (200). '
                               'Start it first with hwcloud.cloud.cluster_start.' % (cluster_id, describe_status(status)),
                               details={'cluster': cluster_result(cluster)})
        return CdmJobService(cdm, cluster_id)

    def changed_call(self, send):
        """Send a call that changes something, once (a lost answer is not resent: its outcome is unknown)."""
        answer, _confirmed = self.send_once(send)
        return answer if isinstance(answer, dict) else {}

    def fail_on_errors(self, answer, what, **details):
        errors = validation_messages(answer, 'ERROR')
        if errors:
            raise HwCloudError('CDM refused %s: %s' % (what, '; '.join(errors)), details=details)
        for warning in validation_messages(answer, 'WARNING'):
            self.module.warn('CDM about %s: %s' % (what, warning))
