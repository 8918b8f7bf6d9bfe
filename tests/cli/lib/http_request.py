#!/usr/bin/env python3
"""A tiny HTTP client for the web tests (python3's urllib: nothing to install).

Usage: http_request.py METHOD URL [BODY] [-H 'Name: value']...
Prints the status code on the first line, then the body.
"""
import sys
import urllib.error
import urllib.request

args = sys.argv[1:]
headers = {}
while "-H" in args:
    i = args.index("-H")
    name, _, value = args[i + 1].partition(":")
    headers[name.strip()] = value.strip()
    del args[i : i + 2]
method, url = args[0], args[1]
body = args[2].encode() if len(args) > 2 else None
if body is not None and "Content-Type" not in headers:
    headers["Content-Type"] = "application/json"
req = urllib.request.Request(url, data=body, method=method, headers=headers)
try:
    with urllib.request.urlopen(req, timeout=30) as r:
        status, data = r.status, r.read()
except urllib.error.HTTPError as e:
    status, data = e.code, e.read()
sys.stdout.write(f"{status}\n")
sys.stdout.buffer.write(data)
sys.stdout.write("\n")
