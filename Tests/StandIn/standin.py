#!/usr/bin/env python3
"""A loopback stand-in for the Alibaba Cloud gateway, for ramcheck's probe tests.

Listens on 127.0.0.1 (random port, printed on the first line), verifies every ACS3-HMAC-SHA256
signature with its own code, answers by access key id like the gateway would, and counts any
request that could have created a workspace (GET /__violations returns the count).
Standard library only; stops after --idle seconds without requests."""
import json, time, urllib.parse
import standin_common

SECRETS = {k: "secret-" + k for k in ["AKAUTH", "AKDENY", "AKEXPL", "AKXML", "AKCLOCK", "AKTHROTTLE", "AK5XX", "AKTOKEN"]}
state = {"violations": 0, "throttled": set(), "last": time.time()}

class Handler(standin_common.Handler):
    def do_GET(self):
        state["last"] = time.time()
        if self.path == "/__violations":
            return self.reply(200, {"violations": state["violations"]})
        self.reply(404, {"Code": "InvalidAction.NotFound"})

    def do_POST(self):
        state["last"] = time.time()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        parsed = urllib.parse.urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        # A request that could create a workspace is a violation, whatever else happens.
        try:
            b = json.loads(body or b"{}")
            if b.get("paymentType") in ("PayAsYouGo", "Pre") or str(b.get("resourceSpec", {}).get("cu")) not in ("0",) or str(b.get("ossBucket", "")).startswith("oss://"):
                state["violations"] += 1
        except ValueError:
            state["violations"] += 1
        key, err = standin_common.verify("POST", parsed.path, parsed.query, headers, body, SECRETS)
        if err:
            return self.reply(err[0], {"Code": err[1], "Message": err[2]})
        if key == "AKTOKEN" and headers.get("x-acs-security-token") != "tok-1":
            return self.reply(400, {"Code": "InvalidSecurityToken.Malformed"})
        if "regionId" not in urllib.parse.parse_qs(parsed.query):
            return self.reply(400, {"Code": "MissingParameter.regionId"})
        if key == "AKDENY":
            detail = json.dumps({"PolicyType": "AccountLevelIdentityBasedPolicy", "AuthPrincipalType": "SubUser", "AuthPrincipalDisplayName": "2000000000000001", "NoPermissionType": "ImplicitDeny", "AuthAction": "emr-serverless-spark:CreateWorkspace"})
            return self.reply(403, {"RequestId": "r-1", "Code": "Forbidden.RAM", "Message": "You are not authorized to perform this operation", "AccessDeniedDetail": detail})
        if key == "AKEXPL":
            return self.reply(403, {"requestId": "r-2", "code": "Forbidden.RAM", "accessDeniedDetail": {"policyType": "ControlPolicy", "noPermissionType": "ExplicitDeny"}})
        if key == "AKXML":
            return self.reply(403, "<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>r-3</RequestId><Code>NoPermission</Code><Message>You are not authorized to do this action.</Message><AccessDeniedDetail><PolicyType>SessionPolicy</PolicyType><NoPermissionType>ImplicitDeny</NoPermissionType></AccessDeniedDetail></Error>", xml=True)
        if key == "AKCLOCK":
            return self.reply(400, {"Code": "InvalidTimeStamp.Expired", "Message": "Specified time stamp or date value is expired."})
        if key == "AKTHROTTLE" and key not in state["throttled"]:
            state["throttled"].add(key)
            return self.reply(400, {"Code": "Throttling.User", "Message": "Request was denied due to user flow control."}, {"x-acs-retry-after": "0"})
        if key == "AK5XX":
            return self.reply(503, {"Code": "ServiceUnavailable"}, {"x-acs-retry-after": "0"})
        return self.reply(400, {"RequestId": "r-4", "Code": "InvalidParameter", "Message": "paymentType is not valid"})

standin_common.serve(Handler, state)
