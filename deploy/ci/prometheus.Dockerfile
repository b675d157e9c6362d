# CI only: stands in for prom/prometheus (no registry on CI): Debian's Prometheus on the local base.
ARG BASE=local/bookworm:ci
FROM ${BASE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends prometheus wget \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /prometheus && chown 65534:65534 /prometheus
# As in prom/prometheus: runs as nobody, data in /prometheus, flags from the compose `command`.
USER 65534:65534
WORKDIR /prometheus
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
