# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Cloud Data Migration (CDM): cluster URIs, statuses, waiters and the power path of stop, start and restart."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time
from urllib.parse import quote

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, InvalidOptionError, OutcomeUnknownError, absent_on_404
from ansible_collections.hwcloud.cloud.plugins.module_utils.module import HwCloudModule
from ansible_collections.hwcloud.cloud.plugins.module_utils.names import did_you_mean
from ansible_collections.hwcloud.cloud.plugins.module_utils.validation import check_length
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import Waiter

CREATING = '100'
NORMAL = '200'
FAILED = '300'
CREATION_FAILED = '303'
RESTARTING = '500'
FROZEN = '800'
STOPPED = '900'
STOPPING = '910'
STARTING = '920'

STATUS_NAMES = {
    CREATING: 'creating', NORMAL: 'normal', FAILED: 'failed', CREATION_FAILED: 'creation failed',
    RESTARTING: 'restarting', FROZEN: 'frozen', STOPPED: 'stopped', STOPPING: 'stopping', STARTING: 'starting',
}
# Statuses from which no power action can bring the cluster back: every wait ends on them.
BROKEN = frozenset([CREATION_FAILED, FROZEN])


def describe_status(status):
    return '%s (%s)' % (status, STATUS_NAMES.get(status, 'unknown status'))


def cluster_status(cluster):
    # The API documents a string code; accept a number too rather than misjudge the state.
    status = (cluster or {}).get('status')
    return None if status is None else str(status)


def cluster_result(cluster):
    """The cluster as modules return it: snake_case keys, ``status`` kept as the API's string code."""
    if cluster is None:
        return None
    result = camel_dict_to_snake_dict(cluster)
    if 'status' in result:
        result['status'] = cluster_status(cluster)
    return result


class CdmService:
    """The CDM calls the collection needs, on one project."""

    def __init__(self, client, endpoint, project_id):
        self.client = client
        self.project_id = project_id
        self.clusters_url = '%s/v1.1/%s/clusters' % (endpoint.rstrip('/'), quote(project_id, safe=''))

    def cluster_url(self, cluster_id):
        return '%s/%s' % (self.clusters_url, quote(cluster_id, safe=''))

    def get_cluster(self, cluster_id):
        return self.client.request('GET', self.cluster_url(cluster_id), action='Reading CDM cluster %s' % cluster_id)

    def list_clusters(self):
        """Every cluster of the project (entries that are not objects are skipped: they name no cluster)."""
        listing = self.client.request('GET', self.clusters_url, action='Listing CDM clusters')
        clusters = (listing.get('clusters') if isinstance(listing, dict) else None) or []
        return [cluster for cluster in clusters if isinstance(cluster, dict)]

    def find_cluster_by_name(self, name):
        """The list call has no name filter, so matching is done here; zero or two matches are errors."""
        clusters = self.list_clusters()
        matches = [cluster for cluster in clusters if cluster.get('name') == name]
        if not matches:
            raise HwCloudError("No CDM cluster named '%s' in project %s%s" % (
                name, self.project_id, did_you_mean(name, [cluster.get('name') for cluster in clusters]) or
                '; %d cluster(s) listed.' % len(clusters)), details={'cluster_name': name})
        if len(matches) > 1:
            raise HwCloudError("%d CDM clusters are named '%s' (ids %s); use cluster_id to choose one."
                               % (len(matches), name, ', '.join(str(c.get('id')) for c in matches)),
                               details={'cluster_name': name, 'cluster_ids': [c.get('id') for c in matches]})
        return matches[0]

    def list_jobs(self, cluster_id):
        """Every migration job of the cluster: every ``jobType`` (without one the API lists only ``NORMAL_JOB``), every page."""
        url = '%s/cdm/job/all' % self.cluster_url(cluster_id)
        jobs = []
        for job_type in JOB_TYPES:
            listed = 0
            for page_no in range(1, MAX_JOB_PAGES + 1):
                answer = self.client.request('GET', '%s?page_no=%d&page_size=%d&jobType=%s' % (url, page_no, JOBS_PAGE_SIZE, job_type),
                                             action='Listing the %s jobs of CDM cluster %s (page %d)' % (job_type, cluster_id, page_no))
                answer = answer if isinstance(answer, dict) else {}
                page = answer.get('jobs') or []
                jobs.extend(page)
                listed += len(page)
                total = answer.get('total')
                # The total is the authority: a service may cap pages below the size asked for.
                if not page or (listed >= total if isinstance(total, int) else len(page) < JOBS_PAGE_SIZE):
                    break
            else:
                raise HwCloudError('Listing the %s jobs of CDM cluster %s did not end after %d pages of %d.'
                                   % (job_type, cluster_id, MAX_JOB_PAGES, JOBS_PAGE_SIZE))
        return jobs

    def cluster_action(self, cluster_id, action, params, gerund):
        """POST one power action (``{action: params}``); the job ids it answers, always as a list (restart answers a string)."""
        answer = self.client.request('POST', '%s/action' % self.cluster_url(cluster_id), {action: params},
                                     action='%s CDM cluster %s' % (gerund, cluster_id))
        job_ids = answer.get('jobId') if isinstance(answer, dict) else None
        if isinstance(job_ids, str):
            job_ids = [job_ids]
        return list(job_ids or [])

    def settled_waiter(self, cluster_id, in_transition):
        """Wait for a cluster in one of the ``in_transition`` statuses to settle."""
        return Waiter('CDM cluster %s to leave its transition state' % cluster_id,
                      read=lambda: self.get_cluster(cluster_id),
                      done=lambda cluster: cluster_status(cluster) not in in_transition,
                      describe=_describe,
                      report=_report)

    def power_waiter(self, action, cluster_id, before, proven=False, delay=0, clock=time.monotonic):
        """Wait for ``action.target`` after ``action`` was sent to a cluster read as ``before``.

        Until the cluster is seen leaving the status it had, that status is the old state, not the
        outcome: ``300`` before a stop or a restart ends the wait only once the action has shown, and
        a cluster restarted from ``200`` is back only once it has been seen away from ``200``, or once
        its ``updated`` time has moved on, ``delay`` seconds (the restart's own delay) after the action
        was sent (a restart quicker than one poll). ``proven``: a re-read after a lost answer already
        saw the action under way.
        """
        status_before = cluster_status(before)
        updated_before = before.get('updated')
        sent = clock()
        seen = {'left': proven}

        def read():
            cluster = self.get_cluster(cluster_id)
            if cluster_status(cluster) != status_before:
                seen['left'] = True
            return cluster

        def done(cluster):
            if cluster_status(cluster) != action.target:
                return False
            return seen['left'] or (cluster.get('updated') != updated_before and clock() - sent >= delay)

        def failed(cluster):
            status = cluster_status(cluster)
            if status in BROKEN or (status == FAILED and seen['left']):
                return 'the cluster went to status %s%s' % (describe_status(status), _reasons(cluster))
            return None

        return Waiter('CDM cluster %s to %s (status %s)' % (cluster_id, action.name, action.target),
                      read=read, done=done, failed=failed, describe=_describe, report=_report)


def _describe(cluster):
    return 'status ' + describe_status(cluster_status(cluster))


def _report(cluster):
    return {'cluster': cluster_result(cluster)}


def _reasons(cluster):
    reasons = cluster.get('failedReasons') if isinstance(cluster, dict) else None
    return '; failed reasons: %s' % reasons if reasons else ''


# ------------------------------------------------------------------ the power path (stop, start, restart)

class PowerAction:
    """What one power action does in each cluster status: the decision table a module declares.

    ``act``: statuses the action is sent in. ``already``: statuses in which it is done or under
    way (nothing is sent; with ``wait``, the task waits for ``target``). ``settle``: statuses in
    transition (with ``wait``, wait for another status and decide again; without, fail).
    ``refused``: status -> why the action cannot help there; the task fails without sending
    anything. No action helps a cluster whose creation failed or that is frozen (``BROKEN``):
    every action refuses those. ``took_effect``: statuses that a re-read after a lost answer
    takes as proof that the action landed. ``resend``: when that re-read proves nothing, send
    again (the stop of 0.1.0) or fail saying the outcome is unknown (at most once).
    """

    def __init__(self, name, participle, gerund, target, act, already=(), settle=(), refused=None,
                 took_effect=(), resend=False):
        self.name = name
        self.participle = participle
        self.gerund = gerund
        self.target = target
        self.act = frozenset(act)
        self.already = frozenset(already)
        self.settle = frozenset(settle)
        self.refused = dict(dict.fromkeys(BROKEN, ''), **(refused or {}))
        self.took_effect = frozenset(took_effect)
        self.resend = resend


class CdmClusterModule(HwCloudModule):
    """A module that works on one CDM cluster, chosen by ``cluster_id`` or ``cluster_name`` (doc fragment
    ``hwcloud.cloud.cdm_cluster``). Subclasses extend ``argument_spec`` and call ``super().validate()``."""

    service = 'cdm'
    argument_spec = dict(
        cluster_id=dict(type='str'),
        cluster_name=dict(type='str'),
    )
    module_kwargs = dict(
        mutually_exclusive=[('cluster_id', 'cluster_name')],
        required_one_of=[('cluster_id', 'cluster_name')],
    )

    def validate(self):
        # required_one_of counts options given as null (cluster_id: "{{ none_var }}") as set.
        if self.params['cluster_id'] is None and self.params['cluster_name'] is None:
            raise InvalidOptionError('cluster_id', None, 'one of cluster_id and cluster_name is required')
        check_length('cluster_id', self.params['cluster_id'], 1, 64)
        check_length('cluster_name', self.params['cluster_name'], 1, 64)
        self.require_project_id('for CDM, whose URIs carry it')

    def cdm_service(self):
        return CdmService(self.client, self.endpoint, self.project_id)

    def read_cluster(self, service):
        """``(cluster_id, cluster)``: the cluster the task names, by ID or by its one name."""
        if self.params['cluster_id']:
            cluster = service.get_cluster(self.params['cluster_id'])
        else:
            cluster = service.find_cluster_by_name(self.params['cluster_name'])
        return cluster.get('id') or self.params['cluster_id'], cluster


class PowerModule(CdmClusterModule):
    """A module that runs one power action on one cluster: set ``action`` (a ``PowerAction``), and for an action
    with parameters extend ``argument_spec`` and ``validate()`` and override ``request()`` (and ``delay()``);
    ``preview()`` adds what check mode and diff mode show beyond the status."""

    action = None

    def request(self):
        """The action's parameters, sent as ``{action.name: request()}``."""
        return {}

    def delay(self):
        """Seconds the request asks the service to wait before it acts."""
        return 0

    def preview(self, service, cluster_id, cluster, result):
        """Add to the result of a check-mode or diff-mode run, before anything is sent (see ``run_power_action``)."""

    def run(self):
        return run_power_action(self, self.action, self.request(), self.delay(), preview=self.preview)


def run_power_action(module, action, params, delay=0, preview=None):
    """Read the cluster, settle it, decide with ``action``'s table, send ``{action.name: params}``
    at most once (check mode: not at all), wait; return the task's result.

    ``module`` is the ``HwCloudModule`` running the task; ``delay``, the seconds the request asks the
    service to wait before it acts (the cluster keeps its status meanwhile). ``preview(service, cluster_id, cluster,
    result)``, when given, adds to the result of a check-mode or diff-mode run before anything is sent.
    """
    service = module.cdm_service()
    cluster_id, cluster = module.read_cluster(service)
    status = cluster_status(cluster)

    if status in action.settle:
        cluster = module.settle_or_fail(service.settled_waiter(cluster_id, action.settle),
                                        'CDM cluster %s is in status %s; it cannot be %s until it settles.'
                                        % (cluster_id, describe_status(status), action.participle),
                                        cluster=cluster_result(cluster), job_ids=[])
        status = cluster_status(cluster)
    if status in action.refused:
        why = action.refused[status]
        raise HwCloudError('CDM cluster %s cannot be %s: status %s.%s' % (cluster_id, action.participle, describe_status(status),
                                                                          ' ' + why if why else ''),
                           details={'cluster': cluster_result(cluster), 'job_ids': []})
    if status not in action.act and status not in action.already:
        raise HwCloudError('CDM cluster %s has status %s, which this module does not know how to %s.'
                           % (cluster_id, describe_status(status), action.name), details={'cluster': cluster_result(cluster)})

    will_change = status in action.act
    result = dict(changed=will_change, job_ids=[], cluster=cluster_result(cluster))
    if module.module._diff:  # pylint: disable=protected-access
        after = {'status': action.target if will_change else status}
        if will_change and action.target == status:
            # The status alone cannot show this change (a restart ends where it began): show the request.
            after[action.name] = camel_dict_to_snake_dict(params)
        result['diff'] = dict(before={'status': status}, after=after)
    if preview is not None and (module.check_mode or module.module._diff):  # pylint: disable=protected-access
        preview(service, cluster_id, cluster, result)
    if module.check_mode:
        return result

    proven = False
    if will_change:
        result['job_ids'], proven = _send_once(module, service, action, cluster_id, params)
    if module.params['wait'] and (will_change or status != action.target):
        cluster = module.wait_for(service.power_waiter(action, cluster_id, cluster, proven, delay), job_ids=result['job_ids'])
        result['cluster'] = cluster_result(cluster)
    return result


def _send_once(module, service, action, cluster_id, params):
    """``(job_ids, proven)``: the action sent once; a lost answer is settled by re-reading the cluster."""
    seen = {}

    def took_effect():
        seen['cluster'] = service.get_cluster(cluster_id)
        return cluster_status(seen['cluster']) in action.took_effect

    try:
        job_ids, proven = module.send_once(send=lambda: service.cluster_action(cluster_id, action.name, params, action.gerund),
                                           took_effect=took_effect, resend=action.resend)
    except OutcomeUnknownError as lost:
        if action.resend or 'cluster' not in seen:
            raise
        cluster = seen['cluster']
        lost.message = ('%s. A re-read shows status %s, which does not prove that it took effect, and it is never sent twice: '
                        'the outcome is unknown. Read the cluster before running this task again.'
                        % (lost.message, describe_status(cluster_status(cluster))))
        lost.args = (lost.message,)
        lost.details.update(job_ids=[], cluster=cluster_result(cluster))
        raise
    return job_ids or [], proven


# ------------------------------------------------------------------ migration jobs (read only)

JOB_TYPES = ('NORMAL_JOB', 'BATCH_JOB', 'SCENARIO_JOB')
# The jobs a stop would wait for (GRACEFULLY, delayTime -1) or cut off (IMMEDIATELY).
RUNNING_JOB_STATUSES = frozenset(['BOOTING', 'RUNNING'])
# The largest page the API serves (page_size is 10..100).
JOBS_PAGE_SIZE = 100
# A listing that has not ended after this many pages of one type is not trusted to end at all.
MAX_JOB_PAGES = 1000


def _dehyphenate(value):
    if isinstance(value, dict):
        return dict((str(key).replace('-', '_'), _dehyphenate(item)) for key, item in value.items())
    if isinstance(value, list):
        return [_dehyphenate(item) for item in value]
    return value


def job_result(job):
    """A migration job as modules return it: its keys (``creation-date``, ``job_type``, ``fromJobConfig``) snake_case, values as given."""
    return camel_dict_to_snake_dict(_dehyphenate(job)) if isinstance(job, dict) else job


def jobs_of(service, cluster_id, cluster):
    """The cluster's jobs as the API gives them; ``[]`` without a call when the cluster is not in status 200 (it cannot answer)."""
    if cluster_status(cluster) != NORMAL:
        return []
    return service.list_jobs(cluster_id)


def cluster_jobs(service, cluster):
    """The jobs of a cluster as modules return them (see ``job_result``)."""
    return [job_result(job) for job in jobs_of(service, cluster.get('id'), cluster)]


def read_clusters(service, cluster_id=None, cluster_name=None):
    """The clusters a read-only module reports: the one with ``cluster_id`` (none when it does not exist),
    every one named ``cluster_name``, or every one of the project."""
    if cluster_id is not None:
        return absent_on_404(lambda: [service.get_cluster(cluster_id)], absent=[])
    return [cluster for cluster in service.list_clusters() if cluster_name is None or cluster.get('name') == cluster_name]


def running_job_names(jobs):
    return [job.get('name') for job in jobs if isinstance(job, dict) and job.get('status') in RUNNING_JOB_STATUSES]


def report_running_jobs(service, cluster_id, cluster, result, stop_mode=None, warn=None):
    """Add ``running_jobs`` to a cluster_stop result (and to its diff); through ``warn``, name the jobs an immediate stop would cut off.

    Only a cluster in status 200 can answer job queries: any other has no running job and is not asked.
    """
    running = running_job_names(jobs_of(service, cluster_id, cluster))
    result['running_jobs'] = running
    if 'diff' in result:
        result['diff']['before']['running_jobs'] = running
        # A stop ends every job, gracefully or not; without a stop they go on.
        result['diff']['after']['running_jobs'] = [] if result.get('changed') else running
    if warn is not None and running and stop_mode == 'IMMEDIATELY':
        warn('Stopping CDM cluster %s with stop_mode IMMEDIATELY would cut off %d running job(s): %s.'
             % (cluster_id, len(running), ', '.join(str(name) for name in running)))
    return running
