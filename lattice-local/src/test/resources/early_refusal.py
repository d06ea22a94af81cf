"""Sends one POST whose whole body goes out before the answer is read, as many clients do, and prints the outcome.

Usage: python3 early_refusal.py '<json>' with keys client ("urllib" or "socket"), url, cafile, size (body bytes),
and optionally sign ({"accessKey", "secret", "region"}: botocore's SigV4Auth with UNSIGNED-PAYLOAD, as the VPC
Lattice User Guide's Python example signs).
Prints one JSON line: {"status": ..., "body": ...} and, for "socket", "cleanClose": whether the server ended TLS with
close_notify; or {"error": "..."} when the client could not read an answer.
"""
import json
import socket
import ssl
import sys
import urllib.error
import urllib.request
from urllib.parse import urlsplit


def signed_headers(args, body):
    headers = {"Content-Type": "application/octet-stream", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
    sign = args.get("sign")
    if not sign:
        return headers
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="POST", url=args["url"], data=body, headers=headers)
    request.context["payload_signing_enabled"] = False
    SigV4Auth(Credentials(sign["accessKey"], sign["secret"]), "vpc-lattice-svcs", sign["region"]).add_auth(request)
    return dict(request.headers.items())


def via_urllib(args, body, headers, context):
    request = urllib.request.Request(args["url"], data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, context=context, timeout=60) as response:
            return {"status": response.status, "body": response.read().decode("utf-8", "replace")}
    except urllib.error.HTTPError as e:
        return {"status": e.code, "body": e.read().decode("utf-8", "replace")}


def via_socket(args, body, headers, context):
    url = urlsplit(args["url"])
    raw = socket.create_connection((url.hostname, url.port), timeout=60)
    tls = context.wrap_socket(raw, server_hostname=url.hostname, suppress_ragged_eofs=False)
    head = "POST " + (url.path or "/") + " HTTP/1.1\r\nHost: " + url.netloc + "\r\n"
    head += "".join(name + ": " + value + "\r\n" for name, value in headers.items())
    head += "Content-Length: " + str(len(body)) + "\r\n\r\n"
    tls.sendall(head.encode("ascii") + body)
    received = b""
    clean = True
    while True:
        try:
            chunk = tls.recv(65536)
        except ssl.SSLEOFError:
            clean = False
            break
        if not chunk:
            break
        received += chunk
    text = received.decode("utf-8", "replace")
    status_line, _, rest = text.partition("\r\n")
    return {"status": int(status_line.split(" ")[1]), "body": rest.partition("\r\n\r\n")[2], "cleanClose": clean}


def main():
    args = json.loads(sys.argv[1])
    body = b"x" * args["size"]
    headers = signed_headers(args, body)
    context = ssl.create_default_context(cafile=args["cafile"])
    try:
        client = via_urllib if args["client"] == "urllib" else via_socket
        print(json.dumps(client(args, body, headers, context)))
    except Exception as e:  # the point of the test: what a client sees when the answer is lost
        print(json.dumps({"error": type(e).__name__ + ": " + str(e)}))


if __name__ == "__main__":
    main()
