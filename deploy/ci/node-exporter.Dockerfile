# CI only: stands in for prom/node-exporter (no registry on CI): Debian's prometheus-node-exporter on the
# local base. Flags come from the compose `command` (--path.rootfs=/host, ...), as with the official image.
ARG BASE=local/bookworm:ci
FROM ${BASE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends prometheus-node-exporter wget \
    && rm -rf /var/lib/apt/lists/*
# As in prom/node-exporter: nobody, no shell needed.
USER 65534:65534
ENTRYPOINT ["/usr/bin/prometheus-node-exporter"]
