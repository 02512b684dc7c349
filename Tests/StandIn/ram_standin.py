#!/usr/bin/env python3
"""A loopback stand-in for the RAM API (2015-05-01, RPC) and STS GetCallerIdentity, for
ramcheck fetch's tests. Verifies every ACS3 signature (acs3check.py), answers from the
fixtures below in JSON (one call in XML, as RPC APIs can), pages list calls two items at a
time whatever MaxItems says, throttles the first GetPolicy once, and records the most
requests it saw in flight at once (GET /__stats). Standard library only; prints its port
on the first line and stops after --idle seconds without requests."""
import os, sys, threading, time, urllib.parse
import standin_common

ACCOUNT = "5000000000000001"
SECRETS = {"AKRAM": "secret-AKRAM", "AKNOLIST": "secret-AKNOLIST"}
ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))

def system(name):
    with open(os.path.join(ROOT, "policies", "system", name + ".json")) as f:
        return f.read()

CUSTOM = {
    "SparkCreate": '{"Version":"1","Statement":[{"Effect":"Allow","Action":"emr-serverless-spark:CreateWorkspace","Resource":"*"}]}',
    # Percent-encoded, as one third-party tool claims the API sometimes answers.
    "SparkCreateFromOffice": urllib.parse.quote('{"Version":"1","Statement":[{"Effect":"Allow","Action":"emr-serverless-spark:CreateWorkspace","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}}]}', safe=""),
}
SYSTEM = ["AliyunEMRServerlessSparkFullAccess", "AliyunEmrServerlessSparkReadOnlyAccess"]
USERS = {
    "alice": {"policies": [("AliyunEMRServerlessSparkFullAccess", "System"), ("SparkCreate", "Custom")], "groups": []},
    "bob": {"policies": [], "groups": ["data-eng", "analysts"]},
    "carol": {"policies": [("SparkCreateFromOffice", "Custom")], "groups": ["analysts"]},
    "mallory": {"policies": None, "groups": []},  # ListPoliciesForUser answers NoPermission
}
GROUPS = {"data-eng": [("SparkCreate", "Custom")], "analysts": [("AliyunEmrServerlessSparkReadOnlyAccess", "System")]}
ROLES = {"spark-runner": {"policies": [("SparkCreate", "Custom")],
                          "trust": '{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::%s:root"]}}],"Version":"1"}' % ACCOUNT}}

# --users N adds N synthetic users (bench-N), each with one custom policy and one group;
# --latency S is how long each answer takes (the benchmark's stand-in for the real API).
if "--users" in sys.argv:
    for i in range(int(sys.argv[sys.argv.index("--users") + 1])):
        USERS[f"bench-{i}"] = {"policies": [("SparkCreate", "Custom")], "groups": ["data-eng"]}
PAGE = min(100, int(sys.argv[sys.argv.index("--page") + 1])) if "--page" in sys.argv else 2
LATENCY = float(sys.argv[sys.argv.index("--latency") + 1]) if "--latency" in sys.argv else 0.01

state = {"last": time.time(), "inflight": 0, "max_inflight": 0, "calls": 0, "throttled": False, "lock": threading.Lock()}

def policies(refs):
    return {"Policies": {"Policy": [{"PolicyName": n, "PolicyType": t, "Description": "", "DefaultVersion": "v1", "AttachDate": "2026-01-01T00:00:00Z"} for n, t in refs]}, "RequestId": "req"}

def page(items, params, key, item):
    start = int(params.get("Marker", "0") or "0")
    size = PAGE
    chunk = items[start:start + size]
    body = {key: {item: chunk}, "IsTruncated": start + size < len(items), "RequestId": "req"}
    if start + size < len(items):
        body["Marker"] = str(start + size)
    return body

def not_exist(kind, name):
    return 404, {"Code": f"EntityNotExist.{kind}", "Message": f"The {kind.lower()} does not exist: {name}", "RequestId": "req"}

def answer(key, action, params):
    """Returns (status, body) or (status, xml string)."""
    if key == "AKNOLIST" and action == "ListUsers":
        return 403, {"Code": "NoPermission", "Message": "You are not authorized to do this action.", "RequestId": "req"}
    if action == "GetCallerIdentity":
        return 200, {"AccountId": ACCOUNT, "Arn": f"acs:ram::{ACCOUNT}:user/fetcher", "RequestId": "req"}
    if action == "ListUsers":
        return 200, page([{"UserName": u, "UserId": str(i)} for i, u in enumerate(USERS)], params, "Users", "User")
    if action == "ListGroups":
        return 200, page([{"GroupName": g} for g in GROUPS], params, "Groups", "Group")
    if action == "ListRoles":
        return 200, page([{"RoleName": r, "Arn": f"acs:ram::{ACCOUNT}:role/{r}"} for r in ROLES], params, "Roles", "Role")
    if action == "ListPoliciesForUser":
        u = USERS.get(params.get("UserName"))
        if u is None:
            return not_exist("User", params.get("UserName"))
        if u["policies"] is None:
            return 403, {"Code": "NoPermission", "Message": "You are not authorized to do this action.", "RequestId": "req"}
        return 200, policies(u["policies"])
    if action == "ListGroupsForUser":
        u = USERS.get(params.get("UserName"))
        if u is None:
            return not_exist("User", params.get("UserName"))
        return 200, {"Groups": {"Group": [{"GroupName": g, "Comments": "", "JoinDate": "2026-01-01T00:00:00Z"} for g in u["groups"]]}, "RequestId": "req"}
    if action == "ListPoliciesForGroup":
        g = params.get("GroupName")
        if g not in GROUPS:
            return not_exist("Group", g)
        if g == "analysts":  # the XML form of the answer
            items = "".join(f"<Policy><PolicyName>{n}</PolicyName><PolicyType>{t}</PolicyType><DefaultVersion>v1</DefaultVersion></Policy>" for n, t in GROUPS[g])
            return 200, f"<?xml version='1.0' encoding='UTF-8'?><ListPoliciesForGroupResponse><RequestId>req</RequestId><Policies>{items}</Policies></ListPoliciesForGroupResponse>"
        return 200, policies(GROUPS[g])
    if action == "GetRole":
        r = ROLES.get(params.get("RoleName"))
        if r is None:
            return not_exist("Role", params.get("RoleName"))
        n = params["RoleName"]
        return 200, {"Role": {"RoleName": n, "Arn": f"acs:ram::{ACCOUNT}:role/{n}", "AssumeRolePolicyDocument": r["trust"], "MaxSessionDuration": 3600}, "RequestId": "req"}
    if action == "ListPoliciesForRole":
        r = ROLES.get(params.get("RoleName"))
        if r is None:
            return not_exist("Role", params.get("RoleName"))
        return 200, policies(r["policies"])
    if action == "GetPolicy":
        name, kind = params.get("PolicyName"), params.get("PolicyType")
        with state["lock"]:
            if not state["throttled"]:
                state["throttled"] = True
                return 400, {"Code": "Throttling.User", "Message": "Request was denied due to user flow control.", "RequestId": "req"}
        if kind == "System" and name in SYSTEM:
            doc = system(name)
        elif kind == "Custom" and name in CUSTOM:
            doc = CUSTOM[name]
        else:
            return not_exist("Policy", name)
        return 200, {"Policy": {"PolicyName": name, "PolicyType": kind, "DefaultVersion": "v1", "Description": f"{name} (stand-in)"},
                     "DefaultPolicyVersion": {"VersionId": "v1", "IsDefaultVersion": True, "PolicyDocument": doc}, "RequestId": "req"}
    return 404, {"Code": "InvalidAction.NotFound", "Message": "Specified api is not found", "RequestId": "req"}

class Handler(standin_common.Handler):
    def do_GET(self):
        state["last"] = time.time()
        if self.path == "/__stats":
            return self.reply(200, {"max_inflight": state["max_inflight"], "calls": state["calls"]})
        self.reply(404, {"Code": "InvalidAction.NotFound"})

    def do_POST(self):
        with state["lock"]:
            state["inflight"] += 1
            state["calls"] += 1
            state["max_inflight"] = max(state["max_inflight"], state["inflight"])
        try:
            state["last"] = time.time()
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            parsed = urllib.parse.urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            key, err = standin_common.verify("POST", parsed.path, parsed.query, headers, body, SECRETS)
            if err:
                return self.reply(err[0], {"Code": err[1], "Message": err[2]})
            if body:
                return self.reply(400, {"Code": "InvalidParameter", "Message": "RPC calls carry no body"})
            action = headers.get("x-acs-action", "")
            want = "2015-04-01" if action == "GetCallerIdentity" else "2015-05-01"
            if headers.get("x-acs-version") != want:
                return self.reply(400, {"Code": "InvalidVersion", "Message": headers.get("x-acs-version", "")})
            params = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
            time.sleep(LATENCY)  # so that concurrent requests overlap
            status, out = answer(key, action, params)
            self.reply(status, out)
        finally:
            with state["lock"]:
                state["inflight"] -= 1

standin_common.serve(Handler, state)
