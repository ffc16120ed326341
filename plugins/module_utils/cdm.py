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
