#!/usr/bin/env python3
"""A stand-in for Airbyte's server (and Keycloak's public and admin paths) on 127.0.0.1, for
`tests/probe.rs`: the two endpoints Airbyte answers without login, with the field names of
Airbyte's API definition (HealthCheckRead, InstanceConfigurationResponse, AuthConfiguration).

usage: standin.py PORT_FILE AIRBYTE_URL [--keycloak] [--huge]
Listens on an ephemeral port, writes it to PORT_FILE, serves until killed. --keycloak: auth mode
oidc with Keycloak's realm under AIRBYTE_URL/auth/realms/airbyte, and Keycloak's admin console
redirect under /auth/admin/. --huge: the health answer is 2 MiB of JSON.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT_FILE, URL = sys.argv[1], sys.argv[2]
KEYCLOAK = "--keycloak" in sys.argv
HUGE = "--huge" in sys.argv


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="application/json", headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/api/v1/health":
            if HUGE:
                self.send(200, '{"available": true, "pad": "' + "x" * (2 * 1024 * 1024) + '"}')
            else:
                self.send(200, json.dumps({"available": True}))
        elif path == "/api/v1/instance_configuration":
            auth = {"mode": "simple"}
            if KEYCLOAK:
                auth = {
                    "mode": "oidc",
                    "clientId": "airbyte-webapp",
                    "defaultRealm": "airbyte",
                    "authorizationServerUrl": URL + "/auth/realms/airbyte",
                }
            self.send(200, json.dumps({
                "airbyteUrl": URL,
                "edition": "enterprise" if KEYCLOAK else "community",
                "version": "2.0.1",
                "licenseStatus": "pro",
                "auth": auth,
                "initialSetupComplete": True,
                "defaultUserId": "00000000-0000-0000-0000-000000000000",
                "defaultOrganizationId": "00000000-0000-0000-0000-000000000000",
                "defaultOrganizationEmail": "admin@example.com",
                "defaultWorkspaceId": "00000000-0000-0000-0000-000000000000",
                "trackingStrategy": "logging",
            }))
        elif KEYCLOAK and path == "/auth/realms/airbyte/.well-known/openid-configuration":
            self.send(200, json.dumps({"issuer": URL + "/auth/realms/airbyte"}))
        elif KEYCLOAK and path.startswith("/auth/admin"):
            self.send(302, "", "text/html", [("Location", URL + "/auth/admin/master/console/")])
        else:
            self.send(404, '{"message": "Object not found."}')

    def do_POST(self):
        # read the whole body, as Airbyte's server does, then refuse the method
        left = int(self.headers.get("Content-Length", "0"))
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                break
            left -= len(chunk)
        self.send(405, '{"message": "Method Not Allowed"}')


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
