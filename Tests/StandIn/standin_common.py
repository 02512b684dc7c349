"""What the loopback stand-ins share: ACS3-HMAC-SHA256 verification written independently of
ramcheck's signer (from the algorithm in shared/spec/signing-and-probe.md section 1), a handler
that answers JSON or XML, and the serve loop (random port printed first, stops when idle)."""
import hashlib, hmac, json, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

def enc(s):
    return urllib.parse.quote(s, safe="-_.~")

def canonical(method, path, query, headers, signed, body):
    pairs = sorted((enc(k), enc(v)) for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True))
    q = "&".join(f"{k}={v}" for k, v in pairs)
    lines = "".join(f"{h}:{headers.get(h, '').strip()}\n" for h in signed)
    return "\n".join([method, path, q, lines, ";".join(signed), hashlib.sha256(body).hexdigest()])

def verify(method, path, query, headers, body, secrets):
    """Returns (access key id, None) when the signature holds, else (None, (status, code, message))."""
    auth = headers.get("authorization", "")
    try:
        algo, rest = auth.split(" ", 1)
        fields = dict(p.split("=", 1) for p in rest.split(","))
        key, signed, sig = fields["Credential"], fields["SignedHeaders"].split(";"), fields["Signature"]
    except (ValueError, KeyError):
        return None, (400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.")
    if key not in secrets:
        return None, (404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
    for h in ("host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"):
        if h not in signed:
            return None, (400, "IncompleteSignature", f"{h} is not signed")
    if headers.get("x-acs-content-sha256") != hashlib.sha256(body).hexdigest():
        return None, (400, "SignatureDoesNotMatch", "content hash")
    sts = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical(method, path, query, headers, signed, body).encode()).hexdigest()
    want = hmac.new(secrets[key].encode(), sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, sig):
        return None, (400, "SignatureDoesNotMatch", "Specified signature does not match our calculation. server StringToSign is [" + sts.replace("\n", "\\n") + "]")
    return key, None

class Handler(BaseHTTPRequestHandler):
    """Quiet; `reply` sends a dict as JSON or a str as XML, with extra headers."""
    def log_message(self, *a):
        pass

    def reply(self, status, body, extra=None, xml=None):
        xml = isinstance(body, str) if xml is None else xml
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml" if xml else "application/json")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

def serve(handler, state):
    """Serves on 127.0.0.1 at a random port (printed on the first line) until `--idle` seconds pass
    without a request (`state["last"]` is the time of the last one)."""
    idle = float(sys.argv[sys.argv.index("--idle") + 1]) if "--idle" in sys.argv else 60
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    while time.time() - state["last"] < idle:
        time.sleep(0.2)
    server.shutdown()
