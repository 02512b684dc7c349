"""ACS3-HMAC-SHA256 verification shared by the loopback stand-ins, written independently of
ramcheck's signer (from the algorithm in shared/spec/signing-and-probe.md section 1)."""
import hashlib, hmac, urllib.parse

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
        return None, (400, "SignatureDoesNotMatch", "Specified signature does not match our calculation.")
    return key, None
