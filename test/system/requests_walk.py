"""Walks every page of a checkpoint list with Python requests' HTTPDigestAuth, the way a
Python Atlas client does: one Session, so the nonce is reused with an increasing nc. Then
moves the emulator clock past the nonce lifetime and reads once more, so the client meets
stale=true.

usage: requests_walk.py URL PUBLIC_KEY PRIVATE_KEY CLOCK_ADVANCE (an ISO 8601 duration)
prints JSON: {"ids": [...], "statuses": [[401 challenges seen, final status], ...], "after_sleep": [..]}
"""
import json
import sys

import requests
from requests.auth import HTTPDigestAuth

url, user, password, advance = sys.argv[1:5]
session = requests.Session()
session.auth = HTTPDigestAuth(user, password)
ids, statuses = [], []
while url:
    response = session.get(url, timeout=30)
    statuses.append([sum(1 for r in response.history if r.status_code == 401), response.status_code])
    response.raise_for_status()
    page = response.json()
    ids.extend(checkpoint["id"] for checkpoint in page["results"])
    url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
requests.post(requests.compat.urljoin(sys.argv[1], '/_emulator/clock'), json={'advance': advance}, timeout=30).raise_for_status()
first = sys.argv[1]
response = session.get(first, timeout=30)
after = [sum(1 for r in response.history if r.status_code == 401), response.status_code]
print(json.dumps({"ids": ids, "statuses": statuses, "after_sleep": after}))
