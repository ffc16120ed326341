"""AOS's side of the simulator's state: stacks and the records of their lifecycle actions.

A mixin of State (state.py). A stack that is running an action is in ``_stack_runs``;
``settle()`` finishes the actions whose time is up.
"""

import copy

from .common import SeedError, aos_time, list_of_objects, new_id
from .seedkeys import object_key_problems

# Share of a stack action's duration during which its record reads "Pending".
PENDING_SHARE = 0.1
STACK_SIM_KEYS = ("transition_seconds", "fail_next", "action_records")
STACK_BUSY = ("Processing", "Pending")


def public_stack(stack):
    return {k: v for k, v in stack.items() if k not in STACK_SIM_KEYS}


class AosState:
    """Stacks by guid, action records by id."""

    def _load_aos(self, seed, now):
        self.actions = {}
        for action in list_of_objects(seed, "actions"):
            self._add_seeded_action(action)
        self.stacks = {}
        self._stack_runs = {}
        for stack in list_of_objects(seed, "stacks"):
            self._add_stack(stack, now)

    def _settle_stacks(self, now):
        for guid in list(self._stack_runs):
            action = self.actions[self._stack_runs[guid]]
            if action["end"] <= now:
                self._finish_run(guid, action)

    def _export_aos(self, now):
        actions = []
        for action in self.actions.values():
            if now < action["end"]:
                phase = "Running"
            else:
                phase = "Failed" if action["fail"] is not None else "Succeeded"
            actions.append({
                "id": action["id"], "stack_id": action["stack_id"], "project_id": action["project_id"],
                "lifecycle": action["lifecycle"], "request": copy.deepcopy(action["request"]),
                "phase": phase, "message": action["fail"] or "", "records": action["records"],
            })
        return {"stacks": copy.deepcopy(list(self.stacks.values())), "actions": actions}

    def _add_seeded_action(self, action):
        action_id = action.get("id") or new_id()
        record = {
            "id": action_id,
            "stack_id": action.get("stack_id"),
            "project_id": action.get("project_id", self.default_project_id()),
            "lifecycle": action.get("lifecycle", "create"),
            "request": action.get("request") or {"lifecycle": action.get("lifecycle", "create")},
            "start": 0.0,
            "end": 0.0,
            "fail": (action.get("message") or "failed") if action.get("phase") == "Failed" else None,
            "records": action.get("records", True) is not False,
            "applied": True,
        }
        self.actions[action_id] = record

    def _add_stack(self, stack, now):
        guid = stack.get("guid") or new_id()
        stack["guid"] = guid
        stack.setdefault("name", guid)
        stack.setdefault("project_id", self.default_project_id())
        stack.setdefault("template_id", None)
        stack.setdefault("status", "Running")
        stack.setdefault("inputs", {})
        stack.setdefault("created_at", aos_time(now))
        stack.setdefault("updated_at", stack["created_at"])
        self.stacks[guid] = stack
        if "last_action_id" not in stack:
            # Give the stack a readable history: the action that made it what it is.
            action_id = new_id()
            self.actions[action_id] = {
                "id": action_id,
                "stack_id": guid,
                "project_id": stack["project_id"],
                "lifecycle": "create",
                "request": {"lifecycle": "create"},
                "start": now,
                "end": now,
                "fail": "seeded as Abnormal" if stack["status"] == "Abnormal" else None,
                "records": stack.get("action_records", True) is not False,
                "applied": True,
            }
            stack["last_action_id"] = action_id
        if stack["status"] in STACK_BUSY:
            self._start_run(stack, {"lifecycle": "create"}, now)
        return stack

    def _finish_run(self, guid, action):
        del self._stack_runs[guid]
        action["applied"] = True
        stack = self.stacks.get(guid)
        if stack is None:
            return
        stack["updated_at"] = aos_time(action["end"])
        if action["fail"] is not None:
            stack["status"] = "Abnormal"
            return
        request = action["request"]
        if action["lifecycle"] == "delete":
            del self.stacks[guid]
            return
        stack["status"] = "Running"
        if action["lifecycle"] == "upgrade" and isinstance(request.get("inputs"), dict):
            stack["inputs"] = dict(stack.get("inputs") or {}, **request["inputs"])
        if request.get("template_id") is not None:
            stack["template_id"] = request["template_id"]

    def list_stacks(self, project_id, name=None):
        with self.lock:
            self.settle()
            return [copy.deepcopy(s) for s in self.stacks.values()
                    if s.get("project_id") == project_id and (name is None or s.get("name") == name)]

    def get_stack(self, project_id, guid):
        with self.lock:
            self.settle()
            stack = self.stacks.get(guid)
            if stack is None or stack.get("project_id") != project_id:
                return None
            return copy.deepcopy(stack)

    def _start_run(self, stack, request, now):
        action_id = new_id()
        fail = stack.pop("fail_next", None)
        records = self.settings.get("action_records", True) is not False and stack.get("action_records", True) is not False
        span = self.transition_for(stack)
        self.actions[action_id] = {
            "id": action_id,
            "stack_id": stack["guid"],
            "project_id": stack.get("project_id"),
            "lifecycle": request["lifecycle"],
            "request": copy.deepcopy(request),
            "start": now,
            "end": now + span,
            "fail": str(fail) if fail else None,
            "records": records,
            "applied": False,
        }
        previous = stack.get("last_action_id")
        stack["last_action_id"] = action_id
        stack["status"] = "Processing"
        stack["updated_at"] = aos_time(now)
        self._stack_runs[stack["guid"]] = action_id
        return action_id, previous

    def stack_action(self, project_id, guid, request):
        """Returns (result, error) where error is 'missing' or ('busy', action id)."""
        with self.lock:
            now = self.clock()
            self.settle(now)
            stack = self.stacks.get(guid)
            if stack is None or stack.get("project_id") != project_id:
                return None, "missing"
            if stack.get("status") in STACK_BUSY:
                return None, ("busy", self._stack_runs.get(guid) or stack.get("last_action_id"))
            action_id, previous = self._start_run(stack, request, now)
            return {"action_id": action_id, "last_action_id": previous}, None

    def get_action(self, project_id, guid, action_id):
        """Returns the record body, or None when it cannot be read."""
        with self.lock:
            now = self.clock()
            self.settle(now)
            action = self.actions.get(action_id)
            if action is None or action["stack_id"] != guid or action.get("project_id") != project_id:
                return None
            if not action["records"] or self.settings.get("action_records", True) is False:
                return None
            span = action["end"] - action["start"]
            message = ""
            if now >= action["end"]:
                if action["fail"] is not None:
                    phase = "Failed"
                    message = action["fail"]
                else:
                    phase = "Succeeded"
            elif now < action["start"] + span * PENDING_SHARE:
                phase = "Pending"
            else:
                phase = "Running"
            return {
                "metadata": {"name": action_id},
                "spec": {"lifecycle": action["lifecycle"]},
                "status": {"objectStatus": {"phase": phase}, "message": message},
            }

    def upsert_stack(self, patch):
        problems = object_key_problems("stacks", patch)
        if problems:
            raise SeedError("; ".join(problems))
        with self.lock:
            now = self.clock()
            self.settle(now)
            guid = patch.get("guid")
            existing = self.stacks.get(guid) if guid else None
            if existing is None:
                return copy.deepcopy(self._add_stack(copy.deepcopy(patch), now))
            existing.update(copy.deepcopy(patch))
            if "status" in patch:
                if "updated_at" not in patch:
                    existing["updated_at"] = aos_time(now)
                run = self._stack_runs.pop(guid, None)
                if run is not None:
                    # The test overrode the status: the running action stops where it is.
                    self.actions[run]["applied"] = True
                    self.actions[run]["end"] = now
                if existing["status"] in STACK_BUSY:
                    self._start_run(existing, {"lifecycle": "create"}, now)
            return copy.deepcopy(existing)
