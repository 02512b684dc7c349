#!/usr/bin/env python3
"""A loopback stand-in for the Alibaba Cloud gateway, for ramcheck's probe tests.

Listens on 127.0.0.1 (random port, printed on the first line), verifies every ACS3-HMAC-SHA256
signature with its own code, answers by access key id like the gateway would, and counts any
request that could have created a workspace (GET /__violations returns the count).
Standard library only; stops after --idle seconds without requests."""
import hashlib, hmac, json, sys, threading, time, urllib.parse
from acs3check import canonical
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRETS = {k: "secret-" + k for k in ["AKAUTH", "AKDENY", "AKEXPL", "AKXML", "AKCLOCK", "AKTHROTTLE", "AK5XX", "AKTOKEN"]}
state = {"violations": 0, "throttled": set(), "last": time.time()}

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, status, body, extra=None, xml=False):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml" if xml else "application/json")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

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
        auth = headers.get("authorization", "")
        try:
            algo, rest = auth.split(" ", 1)
            fields = dict(p.split("=", 1) for p in rest.split(","))
            key, signed, sig = fields["Credential"], fields["SignedHeaders"].split(";"), fields["Signature"]
        except (ValueError, KeyError):
            return self.reply(400, {"Code": "IncompleteSignature", "Message": "The request signature does not conform to Aliyun standards."})
        if key not in SECRETS:
            return self.reply(404, {"Code": "InvalidAccessKeyId.NotFound", "Message": "Specified access key is not found."})
        for h in ("host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"):
            if h not in signed:
                return self.reply(400, {"Code": "IncompleteSignature", "Message": f"{h} is not signed"})
        if headers.get("x-acs-content-sha256") != hashlib.sha256(body).hexdigest():
            return self.reply(400, {"Code": "SignatureDoesNotMatch", "Message": "content hash"})
        creq = canonical("POST", parsed.path, parsed.query, headers, signed, body)
        sts = "ACS3-HMAC-SHA256\n" + hashlib.sha256(creq.encode()).hexdigest()
        want = hmac.new(SECRETS[key].encode(), sts.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, sig):
            return self.reply(400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature does not match our calculation. server StringToSign is [" + sts.replace("\n", "\\n") + "]"})
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

def main():
    idle = float(sys.argv[sys.argv.index("--idle") + 1]) if "--idle" in sys.argv else 60
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    while time.time() - state["last"] < idle:
        time.sleep(0.2)
    server.shutdown()

main()
