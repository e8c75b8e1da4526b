"""Locust users for ``bench.load_test``: a mix of search, entity, path, pairing and chain reads.

The orchestrator passes the request mix in ``IKG_LOAD_MIX`` (JSON: ``[[kind, weight, [url, …]],
…]``); each user picks a kind by weight and one of its URLs at random. Not run by pytest.
"""

from __future__ import annotations

import json
import os
import random

from locust import FastHttpUser, constant, task

MIX: list[tuple[str, int, list[str]]] = [
    (kind, int(weight), list(urls)) for kind, weight, urls in json.loads(os.environ["IKG_LOAD_MIX"])
]
KINDS = [kind for kind, _, _ in MIX]
WEIGHTS = [weight for _, weight, _ in MIX]
URLS = {kind: urls for kind, _, urls in MIX}


class Analyst(FastHttpUser):
    """One dashboard client asking one question after another, without think time."""

    wait_time = constant(0)

    @task
    def ask(self) -> None:
        kind = random.choices(KINDS, WEIGHTS)[0]
        url = random.choice(URLS[kind])
        with self.client.get(url, name=kind, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
