#!/usr/bin/env python3
"""A deployment repository of N files for `scan` benchmarks: many applications' manifests and
Terraform modules, with Airbyte's releases and routes among them (one per cluster folder)."""
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
deploy = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: team-{t}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}}}
    spec:
      containers:
        - name: app
          image: registry.example.com/app-{i}:1.{i}
          ports: [{{containerPort: 8080}}]
---
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: team-{t}
spec:
  selector: {{app: app-{i}}}
  ports: [{{port: 80, targetPort: 8080}}]
"""
ingress = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app-{i}
  namespace: team-{t}
spec:
  ingressClassName: nginx
  rules:
    - host: app-{i}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: app-{i}
                port: {{number: 80}}
"""
tf = """resource "aws_s3_bucket" "b{i}" {{
  bucket = "bucket-{i}"
  tags = {{ team = "team-{t}" }}
}}
"""
release = """apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: airbyte
  namespace: airbyte
spec:
  releaseName: airbyte
  chart:
    spec:
      chart: airbyte
      version: 2.2.0
      sourceRef: {{kind: HelmRepository, name: airbyte}}
  values:
    global:
      airbyteUrl: https://airbyte.c{c}.example.com
    ingress:
      enabled: false
"""
route = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: airbyte
  namespace: airbyte
  annotations:
    nginx.ingress.kubernetes.io/proxy-body-size: 16m
    nginx.ingress.kubernetes.io/proxy-read-timeout: "600"
    nginx.ingress.kubernetes.io/proxy-send-timeout: "600"
spec:
  ingressClassName: nginx
  rules:
    - host: airbyte.c{c}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: airbyte-airbyte-server-svc
                port: {{name: http}}
"""
clusters = 10
written = 0
for c in range(clusters):
    d = f"{out}/clusters/c{c}/airbyte"
    os.makedirs(d, exist_ok=True)
    open(f"{d}/helmrelease.yaml", "w").write(release.format(c=c))
    open(f"{d}/ingress.yaml", "w").write(route.format(c=c))
    written += 2
i = 0
while written < n:
    t = i % 40
    d = f"{out}/apps/team-{t}/app-{i}"
    os.makedirs(d, exist_ok=True)
    kind = i % 10
    if kind < 6:
        open(f"{d}/deploy.yaml", "w").write(deploy.format(i=i, t=t))
    elif kind < 8:
        open(f"{d}/ingress.yaml", "w").write(ingress.format(i=i, t=t))
    elif kind < 9:
        open(f"{d}/main.tf", "w").write(tf.format(i=i, t=t))
    else:
        open(f"{d}/README.md", "w").write(f"# app-{i}\n\nOwned by team-{t}.\n")
    written += 1
    i += 1
