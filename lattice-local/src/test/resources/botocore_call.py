"""Signs one request with botocore, configured as the VPC Lattice User Guide's Python example, and sends it.

The User Guide uses botocore.crt.auth.CrtSigV4Auth (it needs awscrt). Where awscrt is not installed, SigV4Auth
signs the same form (path normalized, then percent-encoded again); S3SigV4Auth signs the path as sent, as
CrtS3SigV4Auth and the Go example's DisableURIPathEscaping do.

Usage: python3 botocore_call.py '<json>' with keys signer, endpoint, path, sendPath (default: path), method,
accessKey, secret, token (optional), region, headers (optional), body (optional), cafile (https endpoints only).
Prints one JSON line: {"status": ..., "body": ..., "signer": ...}.
"""
import http.client
import json
import ssl
import sys
from urllib.parse import urlsplit

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials


def signer_class(name):
    if name == "CrtSigV4Auth":
        from botocore.crt.auth import CrtSigV4Auth  # needs awscrt
        return CrtSigV4Auth
    return {"SigV4Auth": SigV4Auth, "S3SigV4Auth": S3SigV4Auth}[name]


def main():
    args = json.loads(sys.argv[1])
    credentials = Credentials(args["accessKey"], args["secret"], args.get("token"))
    headers = {"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
    headers.update(args.get("headers", {}))
    body = args.get("body")
    request = AWSRequest(method=args["method"], url=args["endpoint"] + args["path"], data=body, headers=headers)
    # As the User Guide's example: Lattice does not support payload signing.
    request.context["payload_signing_enabled"] = False
    # The S3 signers read their payload-signing switch from the client's s3 configuration instead.
    request.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    signer_class(args["signer"])(credentials, "vpc-lattice-svcs", args["region"]).add_auth(request)
    prepared = request.prepare()

    endpoint = urlsplit(args["endpoint"])
    if endpoint.scheme == "http":
        connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=30)
    else:
        context = ssl.create_default_context(cafile=args["cafile"])
        connection = http.client.HTTPSConnection(endpoint.hostname, endpoint.port, context=context, timeout=30)
    # http.client sends Host as host:port, the value botocore signed; the path goes out exactly as given.
    connection.putrequest(args["method"], args.get("sendPath", args["path"]), skip_accept_encoding=True)
    for name, value in prepared.headers.items():
        connection.putheader(name, value)
    payload = body.encode("utf-8") if body is not None else None
    if payload is not None and "Content-Length" not in prepared.headers:
        connection.putheader("Content-Length", str(len(payload)))
    connection.endheaders(payload)
    response = connection.getresponse()
    print(json.dumps({"status": response.status, "body": response.read().decode("utf-8", "replace"),
                      "signer": args["signer"]}))


if __name__ == "__main__":
    main()
