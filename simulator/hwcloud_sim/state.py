"""State model of the Huawei Cloud simulator.

Transitions are not driven by background threads: every object that is
moving between statuses carries a schedule of timestamped patches (or, for
CDM runs, its timestamps), and ``settle()`` applies whatever is due. Every
public method takes the lock and settles first, so each read sees a
consistent, up-to-date picture.

What each service holds lives in a mixin of its own: iam_state.py (accounts,
projects, credentials), cdm_state.py (clusters, and through cdm_jobs_state.py
their links and jobs), aos_state.py (AOS stacks); the RFS model is
``state.rfs`` (rfs_state.py).
"""

import copy
import json
import os
import threading
import time

from .aos_state import AosState
from .cdm_state import CdmState
from .common import SeedError
from .iam_state import IamState
from .rfs_state import RfsModel
from .seedkeys import known_top_level_keys, seed_key_problems

DEFAULT_TRANSITION_SECONDS = 2.0


def default_state_path():
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "default_state.json")


def load_seed(source):
    """Return a seed dict from None (packaged default), a dict, or a JSON file path."""
    if source is None:
        source = default_state_path()
    if isinstance(source, dict):
        return copy.deepcopy(source)
    with open(source, "r", encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise SeedError("a state seed must be a JSON object")
    return data


class State(IamState, CdmState, AosState):
    def __init__(self, seed=None, transition_seconds=None, clock=time.time):
        self.lock = threading.RLock()
        self.clock = clock
        self.base_transition_seconds = DEFAULT_TRANSITION_SECONDS if transition_seconds is None else float(transition_seconds)
        self.start_seed = load_seed(seed)
        self.settings = {}
        self.projects = []
        self.users = []
        self.credentials = {}
        self.tokens = {}
        self.agencies = []
        self.metadata = None
        self.metadata_tokens = set()
        self.clusters = {}
        self.stacks = {}
        self.actions = {}
        self._cluster_steps = {}
        self._stack_runs = {}
        self.rfs = None
        self.load(self.start_seed)

    # ------------------------------------------------------------------ seed

    def load(self, seed):
        """Replace everything with ``seed``; raises SeedError on a bad seed."""
        seed = copy.deepcopy(seed)
        if not isinstance(seed, dict):
            raise SeedError("a state seed must be a JSON object")
        problems = seed_key_problems(seed, known_top_level_keys(default_state_path()))
        if problems:
            raise SeedError("bad state seed: %s" % "; ".join(problems))
        settings = seed.get("settings") or {}
        if not isinstance(settings, dict):
            raise SeedError("settings must be an object")
        with self.lock:
            saved = dict(self.__dict__)
            try:
                self._load(seed, settings)
            except (TypeError, ValueError, KeyError) as exc:
                self.__dict__.update(saved)
                raise SeedError("bad state seed: %s" % exc) from exc

    def _load(self, seed, settings):
        with self.lock:
            now = self.clock()
            self.settings = dict(settings)
            # Fail early on settings that would only break at the first request.
            self.transition_for()
            self.token_ttl()
            self.delay_scale()
            self.temporary_ttl(900)
            self._load_iam(seed)
            self._load_cdm(seed, now)
            self._load_aos(seed, now)
            # A fresh model, so that a bad seed leaves the previous one in place (load() restores __dict__).
            self.rfs = RfsModel(self)
            self.rfs.load(seed, now)

    def reset(self):
        self.load(self.start_seed)

    def transition_for(self, obj=None):
        if obj is not None and obj.get("transition_seconds") is not None:
            return float(obj["transition_seconds"])
        if self.settings.get("transition_seconds") is not None:
            return float(self.settings["transition_seconds"])
        return self.base_transition_seconds

    def settle(self, now=None):
        with self.lock:
            if now is None:
                now = self.clock()
            self._settle_clusters(now)
            self._settle_stacks(now)
            self.rfs.settle(now)

    def export(self):
        with self.lock:
            self.settle()
            now = self.clock()
            exported = {"settings": copy.deepcopy(self.settings), "effective_transition_seconds": self.transition_for()}
            exported.update(self._export_iam())
            exported["clusters"] = self._export_clusters(now)
            exported.update(self._export_aos(now))
            exported.update(self.rfs.export())
            return exported
