# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures shared by every unit test: an in-process simulator and a module runner.

``sim`` is the simulator of ``simulator/hwcloud_sim`` (standard library only),
started once per process on a free port and reset before each test: default
seed, empty request log, no faults. ``run_module`` runs a module's ``main()``
in this process and returns what ``exit_json``/``fail_json`` printed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import io
import json
import os
import re
import sys

import pytest

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    from unittest import mock

    from ansible.module_utils import basic

    @contextlib.contextmanager
    def patch_module_args(args=None):
        serialized = json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}).encode('utf-8')
        with mock.patch.object(basic, '_ANSIBLE_ARGS', serialized):
            if hasattr(basic, '_ANSIBLE_PROFILE'):
                with mock.patch.object(basic, '_ANSIBLE_PROFILE', 'legacy'):
                    yield
            else:
                yield


COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The simulator's test helpers (tests/simulator/simhelpers.py), shared with tests/simulator;
# they put simulator/ (hwcloud_sim) on sys.path themselves.
SIM_HELPERS_PATH = os.path.join(COLLECTION_ROOT, 'tests', 'simulator')
if SIM_HELPERS_PATH not in sys.path:
    sys.path.insert(0, SIM_HELPERS_PATH)

# The simulator's default seed (simulator/hwcloud_sim/default_state.json).
from simhelpers import (  # noqa: E402  pylint: disable=wrong-import-position
    CLUSTER as DEMO_CLUSTER_ID,
    PROJECT as PROJECT_ID,
    TOKEN,
    running_simulator,
)

DEMO_CLUSTER_NAME = 'cdm-demo'
# Every status transition of the simulator takes this long unless a test says otherwise.
SIM_TRANSITION_SECONDS = 0.3


class Sim:
    """A running simulator with the few helpers the tests need, all in-process (no control calls)."""

    project_id = PROJECT_ID
    token = TOKEN

    def __init__(self, simulator):
        self.simulator = simulator
        self.url = simulator.url
        self.state = simulator.state

    def reset(self):
        self.simulator.reset()

    def requests(self, method=None, path=None):
        """Logged API calls, oldest first; ``path`` is a regular expression searched in the path."""
        return [entry for entry in self.simulator.log.list()
                if (method is None or entry['method'] == method)
                and (path is None or re.search(path, entry['path']))]

    def clear_requests(self):
        self.simulator.log.clear()

    def fault(self, **rule):
        return self.simulator.faults.add(rule)

    def faults(self):
        return self.simulator.faults.list()

    def upsert_cluster(self, **fields):
        return self.state.upsert_cluster(fields)

    def cluster(self, cluster_id=DEMO_CLUSTER_ID):
        return self.state.get_cluster(PROJECT_ID, cluster_id)

    def upsert_stack(self, **fields):
        return self.state.upsert_stack(fields)

    def cluster_url(self, cluster_id=DEMO_CLUSTER_ID):
        return '%s/v1.1/%s/clusters/%s' % (self.url, PROJECT_ID, cluster_id)

    def connection_args(self, **extra):
        """Module options for token auth against this simulator, fast polling."""
        args = dict(endpoint=self.url, identity_endpoint=self.url, project_id=PROJECT_ID, auth_token=TOKEN,
                    poll_interval=0.05, wait_timeout=10)
        args.update(extra)
        return args

    def read_only_args(self, **extra):
        """``connection_args`` for a read-only module, which has no wait options."""
        args = self.connection_args(**extra)
        for option in ('wait', 'wait_timeout', 'poll_interval'):
            if option not in extra:
                args.pop(option, None)
        return args


@pytest.fixture(name='sim_server', scope='session')
def sim_server_fixture():
    with running_simulator(SIM_TRANSITION_SECONDS) as simulator:
        yield simulator


@pytest.fixture(name='sim')
def sim_fixture(sim_server):
    sim_server.reset()
    return Sim(sim_server)


class ModuleResult(dict):
    """The JSON a module printed, plus ``rc`` (0 for exit_json, 1 for fail_json)."""

    rc = None

    @property
    def failed(self):
        return self.rc != 0 or bool(self.get('failed'))


def run_module(main, args, check_mode=False, diff=False):
    """Run ``main()`` with ``args`` as the task's options; return a ``ModuleResult``."""
    args = dict(args)
    if check_mode:
        args['_ansible_check_mode'] = True
    if diff:
        args['_ansible_diff'] = True
    out = io.StringIO()
    with patch_module_args(args), contextlib.redirect_stdout(out):
        with pytest.raises(SystemExit) as leaving:
            main()
    printed = out.getvalue().strip()
    try:
        result = ModuleResult(json.loads(printed.splitlines()[-1]))
    except (ValueError, IndexError):
        raise AssertionError('the module printed no JSON result: %r' % printed)
    result.rc = leaving.value.code
    return result


@pytest.fixture(name='run_module')
def run_module_fixture():
    return run_module
