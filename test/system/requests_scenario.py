"""The live-cluster scenario (test/helpers/live-scenario.ts) driven by Python requests'
HTTPDigestAuth, so a real Digest client signs the PATCH and POST bodies too. Moves the
emulator clock through the control plane and prints what it saw at each step.

usage: requests_scenario.py BASE_URL API_PATH PUBLIC_KEY PRIVATE_KEY
prints JSON: {"start": [...], "afterTwoHours": [...], "afterPatch": [...], "afterWindow": [...],
              "patched": {...}, "batch": {...}, "finished": [[statusName, delivery statusName], ...]}
"""
import json
import sys

import requests
from requests.auth import HTTPDigestAuth

base, api, user, password = sys.argv[1:5]
session = requests.Session()
session.auth = HTTPDigestAuth(user, password)


def call(method, path, body=None):
    response = session.request(method, base + api + path, json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def advance(duration):
    requests.post(base + "/_emulator/clock", json={"advance": duration}, timeout=30).raise_for_status()


def timestamps():
    return [c["timestamp"] for c in call("GET", "/backupCheckpoints?itemsPerPage=500")["results"]]


seen = {"start": timestamps()}
advance("PT2H")
seen["afterTwoHours"] = timestamps()
seen["patched"] = call("PATCH", "/snapshotSchedule", {"clusterCheckpointIntervalMin": 60})
advance("PT2H")
seen["afterPatch"] = timestamps()
advance("P1D")
seen["afterWindow"] = timestamps()
newest = call("GET", "/backupCheckpoints?itemsPerPage=500")["results"][-1]["id"]
seen["batch"] = call("POST", "/restoreJobs", {"checkpointId": newest, "delivery": {"methodName": "HTTP"}})
advance("PT1H")
seen["finished"] = [
    [job["statusName"], job["delivery"]["statusName"]]
    for job in (call("GET", "/restoreJobs/" + j["id"]) for j in seen["batch"]["results"])
]
print(json.dumps(seen))
