# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Cloud Data Migration (CDM): cluster URIs, statuses and waiters."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError
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
STOPPABLE = frozenset([NORMAL, FAILED])
ALREADY_STOPPING = frozenset([STOPPED, STOPPING])
IN_TRANSITION = frozenset([CREATING, RESTARTING, STARTING])
UNSTOPPABLE = frozenset([CREATION_FAILED, FROZEN])


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
        self.clusters_url = '%s/v1.1/%s/clusters' % (endpoint.rstrip('/'), quote(project_id, safe=''))

    def cluster_url(self, cluster_id):
        return '%s/%s' % (self.clusters_url, quote(cluster_id, safe=''))

    def get_cluster(self, cluster_id):
        return self.client.request('GET', self.cluster_url(cluster_id), action='Reading CDM cluster %s' % cluster_id)

    def find_cluster_by_name(self, name):
        """The list call has no name filter, so matching is done here; zero or two matches are errors."""
        listing = self.client.request('GET', self.clusters_url, action='Listing CDM clusters')
        clusters = (listing.get('clusters') if isinstance(listing, dict) else None) or []
        matches = [cluster for cluster in clusters if cluster.get('name') == name]
        if not matches:
            raise HwCloudError("No CDM cluster named '%s' in project; %d cluster(s) listed." % (name, len(clusters)),
                               details={'cluster_name': name})
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
                if len(page) < JOBS_PAGE_SIZE or (isinstance(total, int) and listed >= total):
                    break
            else:
                raise HwCloudError('Listing the %s jobs of CDM cluster %s did not end after %d pages of %d.'
                                   % (job_type, cluster_id, MAX_JOB_PAGES, JOBS_PAGE_SIZE))
        return jobs

    def stop_cluster(self, cluster_id, stop):
        answer = self.client.request('POST', '%s/action' % self.cluster_url(cluster_id), {'stop': stop},
                                     action='Stopping CDM cluster %s' % cluster_id)
        job_ids = answer.get('jobId') if isinstance(answer, dict) else None
        if isinstance(job_ids, str):
            job_ids = [job_ids]
        return list(job_ids or [])

    def settled_waiter(self, cluster_id):
        """Wait for a cluster in transition (creating, starting, restarting) to settle."""
        return Waiter('CDM cluster %s to leave its transition state' % cluster_id,
                      read=lambda: self.get_cluster(cluster_id),
                      done=lambda cluster: cluster_status(cluster) not in IN_TRANSITION,
                      describe=lambda cluster: 'status ' + describe_status(cluster_status(cluster)),
                      report=lambda cluster: {'cluster': cluster_result(cluster)})

    def stopped_waiter(self, cluster_id, status_before):
        """Wait for status 900; a failure state that appears after the stop ends the wait.

        From ``300`` (failed) a stop goes through ``910``: ``300`` read again
        after that is a failed stop, not the state from before it.
        """
        seen = {'stopping': False}

        def failed(cluster):
            status = cluster_status(cluster)
            if status == STOPPING:
                seen['stopping'] = True
            if status in UNSTOPPABLE or (status == FAILED and (status_before != FAILED or seen['stopping'])):
                return 'the cluster went to status %s%s' % (describe_status(status), _reasons(cluster))
            return None

        return Waiter('CDM cluster %s to stop (status 900)' % cluster_id,
                      read=lambda: self.get_cluster(cluster_id),
                      done=lambda cluster: cluster_status(cluster) == STOPPED,
                      failed=failed,
                      describe=lambda cluster: 'status ' + describe_status(cluster_status(cluster)),
                      report=lambda cluster: {'cluster': cluster_result(cluster)})


def _reasons(cluster):
    reasons = cluster.get('failedReasons') if isinstance(cluster, dict) else None
    return '; failed reasons: %s' % reasons if reasons else ''


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
        try:
            return [service.get_cluster(cluster_id)]
        except HwCloudError as error:
            # An API Gateway 404 means a wrong endpoint or path, not a missing cluster: that stays a failure.
            if error.status == 404 and not str(error.code or '').startswith('APIGW.'):
                return []
            raise
    listing = service.client.request('GET', service.clusters_url, action='Listing CDM clusters')
    clusters = (listing.get('clusters') if isinstance(listing, dict) else None) or []
    return [cluster for cluster in clusters
            if isinstance(cluster, dict) and (cluster_name is None or cluster.get('name') == cluster_name)]


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
