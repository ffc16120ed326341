# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""cdm.py: URIs, status codes, the lookup by name and the two waiters."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils import cdm
from ansible_collections.hwcloud.cloud.plugins.module_utils.client import HwCloudClient, TokenAuth
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, WaitTimeoutError

PROJECT_ID = '0605767a2c80d5a62f5cc0123456789a'
DEMO_ID = 'bae65496-643e-47ca-84af-948672de7eeb'


class FakeClient:
    """Answers ``request`` from a list of canned answers and records the calls."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def request(self, method, url, body=None, action=None):
        self.calls.append((method, url, body, action))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def cluster(status, **extra):
    result = {'id': DEMO_ID, 'name': 'cdm-demo', 'status': status}
    result.update(extra)
    return result


def run(waiter, timeout=100, interval=1):
    fake = FakeTime()
    return waiter.wait(timeout, interval, clock=fake.clock, sleep=fake.sleep, details={'job_ids': ['j']})


def test_urls_are_built_and_quoted():
    service = cdm.CdmService(FakeClient({}), 'https://cdm.example.com/', 'p/1')

    assert service.clusters_url == 'https://cdm.example.com/v1.1/p%2F1/clusters'
    assert service.cluster_url('a b/c') == 'https://cdm.example.com/v1.1/p%2F1/clusters/a%20b%2Fc'


@pytest.mark.parametrize('value, expected', [({'status': '200'}, '200'), ({'status': 900}, '900'), ({}, None), (None, None)])
def test_cluster_status_is_always_a_string(value, expected):
    assert cdm.cluster_status(value) == expected


def test_describe_status():
    assert cdm.describe_status('910') == '910 (stopping)'
    assert cdm.describe_status('42') == '42 (unknown status)'


def test_status_sets_cover_every_documented_code_once():
    groups = [cdm.STOPPABLE, cdm.ALREADY_STOPPING, cdm.IN_TRANSITION, cdm.UNSTOPPABLE]
    codes = [code for group in groups for code in group]
    assert sorted(codes) == ['100', '200', '300', '303', '500', '800', '900', '910', '920']
    assert sorted(cdm.STATUS_NAMES) == sorted(codes)


def test_cluster_result_is_snake_case_with_the_status_as_a_string():
    result = cdm.cluster_result({'id': 'c', 'status': 900, 'statusDetail': 'Stopped', 'isFrozen': '0',
                                 'actionProgress': {}, 'task': {'id': 't'}})

    assert result == {'id': 'c', 'status': '900', 'status_detail': 'Stopped', 'is_frozen': '0',
                      'action_progress': {}, 'task': {'id': 't'}}
    assert cdm.cluster_result(None) is None


def test_stop_cluster_posts_the_body_and_returns_a_list_of_job_ids():
    client = FakeClient({'jobId': ['j1', 'j2']})
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert service.stop_cluster(DEMO_ID, {'stopMode': 'IMMEDIATELY'}) == ['j1', 'j2']
    assert client.calls == [('POST', 'https://cdm.example.com/v1.1/%s/clusters/%s/action' % (PROJECT_ID, DEMO_ID),
                             {'stop': {'stopMode': 'IMMEDIATELY'}}, 'Stopping CDM cluster %s' % DEMO_ID)]


@pytest.mark.parametrize('answer, job_ids', [({'jobId': 'j1'}, ['j1']), ({}, []), ({'jobId': None}, []), ([], [])])
def test_stop_cluster_tolerates_odd_answers(answer, job_ids):
    service = cdm.CdmService(FakeClient(answer), 'https://cdm.example.com', PROJECT_ID)

    assert service.stop_cluster(DEMO_ID, {}) == job_ids


def test_find_by_name_returns_the_one_match():
    client = FakeClient({'clusters': [cluster('200'), cluster('900', id='other', name='cdm-other')]})
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert service.find_cluster_by_name('cdm-other')['id'] == 'other'
    assert client.calls[0][:2] == ('GET', 'https://cdm.example.com/v1.1/%s/clusters' % PROJECT_ID)


@pytest.mark.parametrize('listing', [{'clusters': []}, {}, {'clusters': None}, []])
def test_find_by_name_without_a_match_fails(listing):
    service = cdm.CdmService(FakeClient(listing), 'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(HwCloudError) as caught:
        service.find_cluster_by_name('cdm-demo')

    assert caught.value.message == "No CDM cluster named 'cdm-demo' in project; 0 cluster(s) listed."


def test_find_by_name_with_two_matches_fails_naming_both():
    service = cdm.CdmService(FakeClient({'clusters': [cluster('200', id='a1'), cluster('900', id='b2')]}),
                             'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(HwCloudError) as caught:
        service.find_cluster_by_name('cdm-demo')

    assert caught.value.message == "2 CDM clusters are named 'cdm-demo' (ids a1, b2); use cluster_id to choose one."
    assert caught.value.details == {'cluster_name': 'cdm-demo', 'cluster_ids': ['a1', 'b2']}


# ------------------------------------------------------------------ waiters

def test_settled_waiter_waits_out_the_transition():
    client = FakeClient(cluster('100'), cluster('100'), cluster('200'))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert run(service.settled_waiter(DEMO_ID))['status'] == '200'
    assert len(client.calls) == 3


def test_settled_waiter_timeout_reports_the_cluster():
    service = cdm.CdmService(FakeClient(cluster('920')), 'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(WaitTimeoutError) as caught:
        run(service.settled_waiter(DEMO_ID), timeout=3)

    assert caught.value.message == ('Timed out after 3s waiting for CDM cluster %s to leave its transition state; '
                                    'last seen: status 920 (starting) (3 polls)' % DEMO_ID)
    assert caught.value.details == {'job_ids': ['j'], 'cluster': {'id': DEMO_ID, 'name': 'cdm-demo', 'status': '920'}}


@pytest.mark.parametrize('before', ['200', '300', '910'])
def test_stopped_waiter_ends_at_900(before):
    client = FakeClient(cluster('910'), cluster('910'), cluster('900'))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert run(service.stopped_waiter(DEMO_ID, before))['status'] == '900'


@pytest.mark.parametrize('status', ['303', '800'])
def test_stopped_waiter_fails_on_an_unstoppable_status(status):
    service = cdm.CdmService(FakeClient(cluster('910'), cluster(status)), 'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(HwCloudError) as caught:
        run(service.stopped_waiter(DEMO_ID, '200'))

    assert caught.value.message == 'CDM cluster %s to stop (status 900) failed: the cluster went to status %s' % (
        DEMO_ID, cdm.describe_status(status))


def test_stopped_waiter_fails_when_a_running_cluster_goes_to_300_with_the_reasons():
    reasons = {'CDM.STOP': {'errCode': 'Cdm.0100', 'errMsg': 'disk busy'}}
    service = cdm.CdmService(FakeClient(cluster('910'), cluster('300', failedReasons=reasons)),
                             'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(HwCloudError) as caught:
        run(service.stopped_waiter(DEMO_ID, '200'))

    assert caught.value.message == ("CDM cluster %s to stop (status 900) failed: the cluster went to status 300 (failed); "
                                    "failed reasons: {'CDM.STOP': {'errCode': 'Cdm.0100', 'errMsg': 'disk busy'}}" % DEMO_ID)
    assert caught.value.details['job_ids'] == ['j']
    assert caught.value.details['cluster']['failed_reasons'] == {'cdm.stop': {'err_code': 'Cdm.0100', 'err_msg': 'disk busy'}}


def test_stopped_waiter_from_300_tolerates_300_before_the_stop_shows():
    client = FakeClient(cluster('300'), cluster('910'), cluster('900'))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert run(service.stopped_waiter(DEMO_ID, '300'))['status'] == '900'
    assert len(client.calls) == 3


def test_stopped_waiter_from_300_fails_on_300_after_910():
    client = FakeClient(cluster('910'), cluster('300'))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(HwCloudError) as caught:
        run(service.stopped_waiter(DEMO_ID, '300'))

    assert 'the cluster went to status 300 (failed)' in caught.value.message
    assert len(client.calls) == 2


def test_service_against_the_simulator(sim):
    client = HwCloudClient(TokenAuth(sim.token), sleep=lambda seconds: None)
    service = cdm.CdmService(client, sim.url, PROJECT_ID)

    assert service.get_cluster(DEMO_ID)['status'] == '200'
    assert service.find_cluster_by_name('cdm-stopped')['status'] == '900'
    assert len(service.stop_cluster(DEMO_ID, {'stopMode': 'GRACEFULLY', 'delayTime': -1})) == 1
    assert service.stopped_waiter(DEMO_ID, '200').wait(10, 0.05)['status'] == '900'
    assert sim.requests('POST')[0]['body'] == {'stop': {'stopMode': 'GRACEFULLY', 'delayTime': -1}}
