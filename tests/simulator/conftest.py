import os
import sys

import pytest

# The tests import their helpers as a top-level module, whatever pytest's import mode.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simhelpers import TRANSITION, running_simulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(name="shared_sim", scope="session")
def shared_sim_fixture():
    with running_simulator(TRANSITION) as simulator:
        yield simulator


@pytest.fixture(name="sim")
def sim_fixture(shared_sim):
    # One server for the session; each test starts from the default seed, an empty log and no faults.
    shared_sim.reset()
    return shared_sim
